//! One module per group of endpoints in the contract; each adds methods to [`crate::Client`].

pub mod hooks;
pub mod me;
pub mod peppol;
pub mod purchase;
pub mod sales;
pub mod users;

use serde::{Deserialize, Serialize};

use crate::party_id::{PartyId, encode_path_segment};

/// The answer of every call that creates a document: `{"id"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// The new document's id, or the id we sent when the platform already had it.
    pub id: String,
    /// True when the platform answered `409 Conflict` to our own document id: it already
    /// had this document (an earlier attempt, or another installation, created it).
    #[serde(skip)]
    pub already_there: bool,
}

/// `/api/v1/{partyId}` with the party id URL-encoded.
pub(crate) fn party_path(party: &PartyId) -> String {
    format!("/api/v1/{}", party.to_path_segment())
}

/// `/api/v1/{partyId}/{kind}/{documentId}` with both ids URL-encoded.
pub(crate) fn document_path(party: &PartyId, kind: &str, document_id: &str) -> String {
    format!(
        "{}/{kind}/{}",
        party_path(party),
        encode_path_segment(document_id)
    )
}

/// One step of a document's history: `{"id","name","description","createdOn"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusEntry {
    /// The status entry's id.
    #[serde(default)]
    pub id: String,
    /// The status name (`Pending`, `Validated`, …; see [`crate::inferred::DocumentStatus`]).
    /// May be null ([C]: nullable in eConnect's .NET SDK): such an entry carries no news.
    #[serde(default)]
    pub name: Option<crate::inferred::DocumentStatus>,
    /// Free text, e.g. the reason of a rejection; may be null ([C]).
    #[serde(default)]
    pub description: Option<String>,
    /// When the document got this status, as the platform wrote it (ISO 8601).
    #[serde(default)]
    pub created_on: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::StatusEntry;
    use crate::inferred::DocumentStatus;

    #[test]
    fn status_entries_with_a_null_or_missing_name_or_description_parse() {
        let history: Vec<StatusEntry> = serde_json::from_str(
            r#"[{"id":"a","name":"Pending","description":"ok","createdOn":"2026-11-29T10:00:00Z"},
                {"id":"b","name":null,"description":null,"createdOn":"2026-11-29T10:00:15Z"},
                {"id":"c"}]"#,
        )
        .unwrap();
        assert_eq!(history[0].name, Some(DocumentStatus::Pending));
        assert_eq!(history[1].name, None);
        assert_eq!(history[1].description, None);
        assert_eq!(history[2].name, None);
    }
}
