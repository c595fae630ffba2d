//! Calls and shapes that are **inferred** ([I] in the platform contract), not confirmed by
//! eConnect's documentation. They are kept in this one module so that they can be checked
//! against the live swagger and corrected in one place:
//!
//! - the purchase-invoice **list** endpoint (`GET /api/v1/{partyId}/purchaseInvoice?…`): the
//!   newer docs mention a list per document type filtered by status and period, but not its path;
//!   its items' `status` (the current status) is read when present;
//! - the sales-invoice **list** endpoint (`GET /api/v1/{partyId}/salesInvoice?…`): not in the
//!   contract at all; inferred from the same sentence ("a list endpoint per document type"), with
//!   the same paging, and items `{"id","receiverId","channel","status","createdOn"}` as the
//!   sandbox serves them. The desktop's sync needs it to show sent documents;
//! - the **status names** of a document's history (`Pending`, `Validated`, …);
//! - the **role presets** (Basic user, Advanced user, Administrator → the five permissions):
//!   the roles exist in the web platform only;
//! - the download's format parameter name (`targetFormat`; `targetDocumentTypeId` is the
//!   newer name).

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Call, Client};
use crate::endpoints::me::Permissions;
use crate::endpoints::party_path;
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

/// Filters of the purchase-invoice list ([I]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurchaseInvoiceQuery {
    /// Only documents with this status.
    pub status: Option<String>,
    /// Received on or after (ISO 8601 date or date-time).
    pub from: Option<String>,
    /// Received before (ISO 8601 date or date-time).
    pub to: Option<String>,
    /// The token of the previous page, to get the next one.
    pub continuation_token: Option<String>,
}

/// One received invoice in the list ([I]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedInvoice {
    /// The document id.
    pub id: String,
    /// Who sent it.
    #[serde(default)]
    pub sender_id: Option<PartyId>,
    /// The sender's name.
    #[serde(default)]
    pub sender_name: Option<String>,
    /// The invoice number.
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// The issue date (ISO 8601, as sent).
    #[serde(default)]
    pub issue_date: Option<String>,
    /// The amount as a decimal text (the platform may send a number or a string).
    #[serde(default, deserialize_with = "number_or_string")]
    pub amount: Option<String>,
    /// The currency code.
    #[serde(default)]
    pub currency: Option<String>,
    /// The channel it came in on.
    #[serde(default)]
    pub channel: Option<String>,
    /// When the platform received it (ISO 8601, as sent).
    #[serde(default)]
    pub received_on: Option<String>,
    /// Its current status, when the list says ([I]: the sandbox sends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DocumentStatus>,
}

/// Filters of the sales-invoice list ([I]): the same as the purchase list's.
pub type SalesInvoiceQuery = PurchaseInvoiceQuery;

/// One sent invoice in the sales list ([I]: path and shape inferred, see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentInvoice {
    /// The document id.
    pub id: String,
    /// The receiver, when known.
    #[serde(default)]
    pub receiver_id: Option<PartyId>,
    /// The channel it went out on.
    #[serde(default)]
    pub channel: Option<String>,
    /// Its current status.
    #[serde(default)]
    pub status: Option<DocumentStatus>,
    /// When it was created (ISO 8601, as sent).
    #[serde(default)]
    pub created_on: Option<String>,
}

/// One page of the sales-invoice list ([I]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesInvoicePage {
    /// The invoices on this page.
    #[serde(default)]
    pub items: Vec<SentInvoice>,
    /// Pass this to get the next page; `None` on the last page.
    #[serde(default)]
    pub continuation_token: Option<String>,
}

/// One page of the purchase-invoice list ([I]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseInvoicePage {
    /// The invoices on this page.
    #[serde(default)]
    pub items: Vec<ReceivedInvoice>,
    /// Pass this to get the next page; `None` on the last page.
    #[serde(default)]
    pub continuation_token: Option<String>,
}

fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    })
}

/// The URL of one page of a per-document-type list ([I]), with the filters that are set.
fn invoice_list_url(
    client: &Client,
    party: &PartyId,
    kind: &str,
    query: &PurchaseInvoiceQuery,
) -> Result<url::Url, Error> {
    let mut url = client.api_url(&format!("{}/{kind}", party_path(party)))?;
    {
        let mut pairs = url.query_pairs_mut();
        let params = [
            ("status", &query.status),
            ("from", &query.from),
            ("to", &query.to),
            ("continuationToken", &query.continuation_token),
        ];
        for (name, value) in params {
            if let Some(value) = value {
                pairs.append_pair(name, value);
            }
        }
    }
    crate::endpoints::sales::strip_empty_query(&mut url);
    Ok(url)
}

impl Client {
    /// `GET /api/v1/{partyId}/salesInvoice?status=&from=&to=&continuationToken=` ([I]): one page
    /// of the documents an organisation sent. Not in the contract: inferred from "a list
    /// endpoint per document type" in the newer docs, beside the purchase list below.
    pub async fn list_sales_invoices(
        &self,
        party: &PartyId,
        query: &SalesInvoiceQuery,
    ) -> Result<SalesInvoicePage, Error> {
        let url = invoice_list_url(self, party, "salesInvoice", query)?;
        self.send_json(Call::new(Method::GET, url)).await
    }

    /// `GET /api/v1/{partyId}/purchaseInvoice?status=&from=&to=&continuationToken=` ([I]): one page.
    pub async fn list_purchase_invoices(
        &self,
        party: &PartyId,
        query: &PurchaseInvoiceQuery,
    ) -> Result<PurchaseInvoicePage, Error> {
        let url = invoice_list_url(self, party, "purchaseInvoice", query)?;
        self.send_json(Call::new(Method::GET, url)).await
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

    #[test]
    fn amount_accepts_number_and_string() {
        let a: ReceivedInvoice = serde_json::from_str(r#"{"id":"1","amount":121.5}"#).unwrap();
        assert_eq!(a.amount.as_deref(), Some("121.5"));
        let b: ReceivedInvoice =
            serde_json::from_str(r#"{"id":"1","amount":"121.50","senderId":"NL:KVK:12345678"}"#)
                .unwrap();
        assert_eq!(b.amount.as_deref(), Some("121.50"));
        assert_eq!(b.sender_id.unwrap().as_str(), "0106:12345678");
    }

    #[test]
    fn sales_list_items_parse_with_status() {
        let page: SalesInvoicePage = serde_json::from_str(
            r#"{"items":[{"id":"s1","receiverId":"NL:KVK:12345678","channel":"peppol","status":"Routed","createdOn":"2026-11-29T10:00:00Z"}],"continuationToken":null}"#,
        )
        .unwrap();
        assert_eq!(page.items[0].status, Some(DocumentStatus::Routed));
        assert_eq!(page.items[0].receiver_id.as_ref().unwrap().as_str(), "0106:12345678");
        assert!(page.continuation_token.is_none());
        let received: ReceivedInvoice =
            serde_json::from_str(r#"{"id":"r1","status":"Delivered"}"#).unwrap();
        assert_eq!(received.status, Some(DocumentStatus::Delivered));
    }
}
