//! Hooks of the environment and of a party.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::endpoints::party_path;
use crate::error::Error;
use crate::party_id::{PartyId, encode_path_segment};

/// Topic of a hook: an invoice was received.
pub const TOPIC_INVOICE_RECEIVED: &str = "InvoiceReceived";
/// Topic of a hook: an invoice was sent.
pub const TOPIC_INVOICE_SENT: &str = "InvoiceSent";
/// Topic of a hook: sending an invoice is being retried.
pub const TOPIC_INVOICE_SENT_RETRY: &str = "InvoiceSentRetry";
/// Topic of a hook: sending an invoice failed.
pub const TOPIC_INVOICE_SENT_ERROR: &str = "InvoiceSentError";

/// A hook: `{"id","name","action","topics","isActive"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// The hook's id (absent when creating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A name for people.
    #[serde(default)]
    pub name: String,
    /// `mailto:…` or `https://…#secret`.
    pub action: String,
    /// The topics that trigger it.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Whether it fires.
    #[serde(default)]
    pub is_active: bool,
}

impl Client {
    /// `GET /api/v1/hook`: the environment's hooks.
    pub async fn hooks(&self) -> Result<Vec<Hook>, Error> {
        let call = Call::new(Method::GET, self.api_url("/api/v1/hook")?);
        let value: crate::inferred::OneOrMany<Hook> = self.send_json(call).await?;
        Ok(value.into_vec())
    }

    /// `PUT /api/v1/hook`: creates or updates an environment hook.
    pub async fn put_hook(&self, hook: &Hook) -> Result<Hook, Error> {
        self.send_json(Call::new(Method::PUT, self.api_url("/api/v1/hook")?).json(hook)?)
            .await
    }

    /// `DELETE /api/v1/hook/{id}`.
    pub async fn delete_hook(&self, id: &str) -> Result<(), Error> {
        let url = self.api_url(&format!("/api/v1/hook/{}", encode_path_segment(id)))?;
        self.send_empty(Call::new(Method::DELETE, url)).await
    }

    /// `GET /api/v1/{partyId}/hook`: a party's hooks.
    pub async fn party_hooks(&self, party: &PartyId) -> Result<Vec<Hook>, Error> {
        let call = Call::new(
            Method::GET,
            self.api_url(&format!("{}/hook", party_path(party)))?,
        );
        let value: crate::inferred::OneOrMany<Hook> = self.send_json(call).await?;
        Ok(value.into_vec())
    }

    /// `PUT /api/v1/{partyId}/hook`: creates or updates a party's hook.
    pub async fn put_party_hook(&self, party: &PartyId, hook: &Hook) -> Result<Hook, Error> {
        let call = Call::new(
            Method::PUT,
            self.api_url(&format!("{}/hook", party_path(party)))?,
        )
        .json(hook)?;
        self.send_json(call).await
    }

    /// `GET /api/v1/{partyId}/hook/ping`: asks the platform to deliver a test event to the party's hook.
    pub async fn ping_party_hook(&self, party: &PartyId) -> Result<(), Error> {
        let call = Call::new(
            Method::GET,
            self.api_url(&format!("{}/hook/ping", party_path(party)))?,
        );
        self.send_empty(call).await
    }
}
