//! Calls and shapes that are **inferred** ([I] in the platform contract), not confirmed by
//! eConnect's documentation. They are kept in this one module so that they can be checked
//! against the live swagger and corrected in one place:
//!
//! - the **status names** of a document's history (`Pending`, `Validated`, …);
//! - the **role presets** (Basic user, Advanced user, Administrator → the five permissions):
//!   the roles exist in the web platform only;
//! - the download's format parameter name (`targetFormat`; `targetDocumentTypeId` is the
//!   newer name).
//!
//! There is deliberately **no document list** here: the platform has none ([C]: absent from
//! the 2025 swagger, the .NET SDK and the PSB pages). A client knows a document because it
//! sent it (its own `X-EConnect-DocumentId`) or because a hook announced it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::endpoints::me::Permissions;

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
}
