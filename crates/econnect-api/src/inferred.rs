//! Calls and shapes that are **inferred** ([I] in the platform contract), not confirmed by
//! eConnect's documentation. They are kept in this one module so that they can be checked
//! against the live swagger and corrected in one place:
//!
//! - the **status names** of a document's history (`Pending`, `Validated`, …);
//! - the **role presets** (Basic user, Advanced user, Administrator → the five permissions):
//!   the roles exist in the web platform only;
//! - the **idempotency** of `X-EConnect-DocumentId`: the header is confirmed, but that the real
//!   server answers a repeated id with the existing document (and creates no second one) is
//!   what the sandbox does and what callers of this crate rely on when they retry an upload
//!   with the same [`crate::DocumentId`];
//! - the **delivery option** answer's shape and how `partyIds` carries several ids
//!   (repeated parameter), which the contract does not spell out;
//! - whether `GET /api/v1/hook` and `GET /api/v1/{partyId}/hook` answer one hook or a list
//!   (both are accepted, see [`OneOrMany`]);
//! - the download's format parameter name (`targetFormat`; `targetDocumentTypeId` is the
//!   newer name).
//!
//! There is deliberately **no document list** here: the platform has none ([C]: absent from
//! the 2025 swagger, the .NET SDK and the PSB pages). A client knows a document because it
//! sent it (its own `X-EConnect-DocumentId`) or because a hook announced it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::Client;
use crate::endpoints::me::Permissions;
use crate::error::Error;
use crate::party_id::PartyId;

/// Query parameter naming the target format of a download ([I]: older name; newer is `targetDocumentTypeId`).
pub const DOWNLOAD_FORMAT_PARAM: &str = "targetFormat";

/// A status name in a document's history ([I]: the newer docs' canonical list).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DocumentStatus {
    /// Accepted by the platform, not yet processed.
    Pending,
    /// Passed validation.
    Validated,
    /// A route to the recipient was found.
    Routed,
    /// The recipient has it.
    Delivered,
    /// Refused (e.g. not an invoice); the entry's description says why.
    Rejected,
    /// Delivery failed.
    Failed,
    /// A name this client does not know, kept as sent.
    Other(String),
}

impl DocumentStatus {
    /// The platform's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            DocumentStatus::Pending => "Pending",
            DocumentStatus::Validated => "Validated",
            DocumentStatus::Routed => "Routed",
            DocumentStatus::Delivered => "Delivered",
            DocumentStatus::Rejected => "Rejected",
            DocumentStatus::Failed => "Failed",
            DocumentStatus::Other(s) => s,
        }
    }

    /// True when no further status will follow (Delivered, Rejected, Failed).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            DocumentStatus::Delivered | DocumentStatus::Rejected | DocumentStatus::Failed
        )
    }
}

impl std::fmt::Display for DocumentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DocumentStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DocumentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(match raw.to_ascii_lowercase().as_str() {
            "pending" => DocumentStatus::Pending,
            "validated" => DocumentStatus::Validated,
            "routed" => DocumentStatus::Routed,
            "delivered" => DocumentStatus::Delivered,
            "rejected" => DocumentStatus::Rejected,
            "failed" => DocumentStatus::Failed,
            _ => DocumentStatus::Other(raw),
        })
    }
}

/// The web platform's roles, mapped to presets of the five API permissions ([I]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sends and receives documents.
    Basic,
    /// Also removes documents and changes their status.
    Advanced,
    /// Everything, including hooks.
    Administrator,
}

impl Role {
    /// The permissions this role stands for.
    pub fn permissions(self) -> Permissions {
        let advanced = matches!(self, Role::Advanced | Role::Administrator);
        Permissions {
            can_send_document: true,
            can_receive_document: true,
            can_remove_document: advanced,
            can_change_document_status: advanced,
            can_manage_hook: self == Role::Administrator,
        }
    }

    /// The role whose preset equals `permissions` exactly, if any.
    pub fn from_permissions(permissions: &Permissions) -> Option<Role> {
        [Role::Basic, Role::Advanced, Role::Administrator]
            .into_iter()
            .find(|r| r.permissions() == *permissions)
    }
}

/// How a party can be reached, from the public delivery-option look-up ([I] shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOption {
    /// The party looked up (sent as `id` or `partyId`).
    #[serde(default, alias = "partyId")]
    pub id: Option<PartyId>,
    /// The channel it is reachable on.
    #[serde(default)]
    pub channel: Option<String>,
    /// A description for people.
    #[serde(default)]
    pub description: Option<String>,
    /// Everything else the platform sends.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A JSON value that is either one `T` or a list of them ([I]: the contract leaves it open).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A list.
    Many(Vec<T>),
    /// A single value.
    One(T),
}

impl<T> OneOrMany<T> {
    /// The values as a list.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(t) => vec![t],
        }
    }
}

/// The URL of the delivery-option look-up, with `partyIds` repeated once per party ([I]).
pub(crate) fn delivery_option_url(client: &Client, parties: &[PartyId]) -> Result<url::Url, Error> {
    let mut url = client.api_url("/api/v1/peppol/deliveryOption")?;
    {
        let mut query = url.query_pairs_mut();
        for party in parties {
            query.append_pair("partyIds", party.as_str());
        }
    }
    crate::endpoints::sales::strip_empty_query(&mut url);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_presets_round_trip() {
        for role in [Role::Basic, Role::Advanced, Role::Administrator] {
            assert_eq!(Role::from_permissions(&role.permissions()), Some(role));
        }
        assert!(!Role::Basic.permissions().can_manage_hook);
        assert!(Role::Administrator.permissions().can_manage_hook);
        assert_eq!(Role::from_permissions(&Permissions::default()), None);
    }

    #[test]
    fn statuses_parse_and_keep_unknown() {
        let s: DocumentStatus = serde_json::from_str("\"Delivered\"").unwrap();
        assert!(s.is_final());
        let s: DocumentStatus = serde_json::from_str("\"Queued\"").unwrap();
        assert_eq!(s, DocumentStatus::Other("Queued".into()));
        assert!(!s.is_final());
    }

    #[test]
    fn one_or_many() {
        let one: OneOrMany<u8> = serde_json::from_str("3").unwrap();
        let many: OneOrMany<u8> = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(one.into_vec(), vec![3]);
        assert_eq!(many.into_vec(), vec![1, 2]);
    }
}
