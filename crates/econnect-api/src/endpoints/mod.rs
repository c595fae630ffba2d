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
    pub name: crate::inferred::DocumentStatus,
    /// Free text, e.g. the reason of a rejection.
    #[serde(default)]
    pub description: Option<String>,
    /// When the document got this status, as the platform wrote it (ISO 8601).
    #[serde(default)]
    pub created_on: Option<String>,
}
