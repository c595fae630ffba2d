//! Hooks of the environment and of a party: the platform's way to tell a client that a
//! document arrived or that a sent document's status changed.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::endpoints::party_path;
use crate::error::Error;
use crate::party_id::{PartyId, encode_path_segment};

/// Topic of a hook: an invoice was received.
pub const TOPIC_INVOICE_RECEIVED: &str = "InvoiceReceived";
/// Topic of a hook: a received invoice could not be processed.
pub const TOPIC_INVOICE_RECEIVED_ERROR: &str = "InvoiceReceivedError";
/// Topic of a hook: an invoice was sent (delivered to the recipient).
pub const TOPIC_INVOICE_SENT: &str = "InvoiceSent";
/// Topic of a hook: sending an invoice met a temporary problem and is being retried.
pub const TOPIC_INVOICE_SENT_RETRY: &str = "InvoiceSentRetry";
/// Topic of a hook: sending an invoice failed for good.
pub const TOPIC_INVOICE_SENT_ERROR: &str = "InvoiceSentError";

/// A hook: `{"id","name","action","topics","publishTopics","filter","init","isActive","createdOn","changedOn"}`.
///
/// Fields this client does not know are kept in [`Hook::extra`], so that a hook read and
/// PUT back keeps everything another system (or a newer platform) put in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// The hook's id; absent when creating (the platform assigns one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A name for people.
    #[serde(default)]
    pub name: String,
    /// `mailto:addr[?includeAttachment=true&…]` or `https://host/path#secret`.
    pub action: String,
    /// The topics that trigger it; wildcards like `*Received` are allowed.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Topics the hook publishes further (kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_topics: Option<Vec<String>>,
    /// The platform's filter expression (kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Initial settings of the hook (kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<serde_json::Map<String, serde_json::Value>>,
    /// Whether it fires.
    #[serde(default)]
    pub is_active: bool,
    /// When the platform created it (ISO 8601, as sent; set by the platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// When it last changed (ISO 8601, as sent; set by the platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_on: Option<String>,
    /// Fields this client does not know, kept so a PUT does not drop them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Hook {
    /// A new, active hook without id (for a PUT that creates it).
    pub fn new(name: impl Into<String>, action: impl Into<String>, topics: &[&str]) -> Hook {
        Hook {
            name: name.into(),
            action: action.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            is_active: true,
            ..Hook::default()
        }
    }
}

fn party_hook_path(party: &PartyId) -> String {
    format!("{}/hook", party_path(party))
}

/// The answer of `GET /api/v1/{partyId}/hook/ping`: `{"id"}` (the party's id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    /// The party whose hooks were pinged, as the platform writes it.
    #[serde(default)]
    pub id: Option<String>,
}

impl Client {
    /// `GET /api/v1/hook`: the environment's hooks (an array).
    pub async fn hooks(&self) -> Result<Vec<Hook>, Error> {
        self.send_json(Call::new(Method::GET, self.api_url("/api/v1/hook")?))
            .await
    }

    /// `PUT /api/v1/hook`: creates (no id) or updates (with id) an environment hook.
    pub async fn put_hook(&self, hook: &Hook) -> Result<Hook, Error> {
        self.send_json(Call::new(Method::PUT, self.api_url("/api/v1/hook")?).json(hook)?)
            .await
    }

    /// `DELETE /api/v1/hook/{id}`: an environment hook.
    pub async fn delete_hook(&self, id: &str) -> Result<(), Error> {
        let url = self.api_url(&format!("/api/v1/hook/{}", encode_path_segment(id)))?;
        self.send_empty(Call::new(Method::DELETE, url)).await
    }

    /// `GET /api/v1/{partyId}/hook`: a party's hooks (an array).
    pub async fn party_hooks(&self, party: &PartyId) -> Result<Vec<Hook>, Error> {
        let call = Call::new(Method::GET, self.api_url(&party_hook_path(party))?);
        self.send_json(call).await
    }

    /// `PUT /api/v1/{partyId}/hook`: creates (no id) or updates (with id) a party's hook.
    pub async fn put_party_hook(&self, party: &PartyId, hook: &Hook) -> Result<Hook, Error> {
        let call = Call::new(Method::PUT, self.api_url(&party_hook_path(party))?).json(hook)?;
        self.send_json(call).await
    }

    /// `DELETE /api/v1/{partyId}/hook/{id}`: a party's hook.
    pub async fn delete_party_hook(&self, party: &PartyId, id: &str) -> Result<(), Error> {
        let path = format!("{}/{}", party_hook_path(party), encode_path_segment(id));
        self.send_empty(Call::new(Method::DELETE, self.api_url(&path)?))
            .await
    }

    /// `GET /api/v1/{partyId}/hook/ping`: asks the platform to send a test event to the
    /// party's hooks. Answers `{"id"}`; an empty body is accepted too.
    pub async fn ping_party_hook(&self, party: &PartyId) -> Result<Ping, Error> {
        let call = Call::new(
            Method::GET,
            self.api_url(&format!("{}/ping", party_hook_path(party)))?,
        );
        let response = self.send(call).await?;
        let body =
            crate::client::read_capped(response, crate::client::MAX_ERROR_BODY, false).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Ping::default());
        }
        crate::client::decode(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_keeps_documented_and_unknown_fields_through_a_round_trip() {
        let text = r#"{"id":"1","action":"mailto:a@b.nl","name":"mail hook",
            "topics":["*Received"],"publishTopics":["*Received"],"filter":"x eq 1",
            "init":{"k":{"n":1}},"isActive":true,"createdOn":"2026-01-01T00:00:00Z",
            "changedOn":"2026-01-02T00:00:00Z","futureField":[1,2]}"#;
        let hook: Hook = serde_json::from_str(text).unwrap();
        assert_eq!(
            hook.publish_topics.as_deref(),
            Some(&["*Received".to_string()][..])
        );
        assert_eq!(hook.filter.as_deref(), Some("x eq 1"));
        assert_eq!(hook.extra["futureField"], serde_json::json!([1, 2]));
        let back: serde_json::Value = serde_json::to_value(&hook).unwrap();
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn a_new_hook_has_no_id_and_is_active() {
        let v = serde_json::to_value(Hook::new("n", "mailto:a@b.nl", &["InvoiceSent"])).unwrap();
        assert!(v.get("id").is_none());
        assert_eq!(v["isActive"], true);
        assert!(v.get("publishTopics").is_none());
    }
}
