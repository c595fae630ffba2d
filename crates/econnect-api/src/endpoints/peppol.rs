//! Peppol configuration: environment defaults, party registration for receiving, delivery options.

use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Call, Client};
use crate::error::Error;
use crate::party_id::PartyId;

/// Whether a capability is on, off, or inherited from the environment's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityState {
    /// `on`.
    On,
    /// `off`.
    Off,
    /// `inherited => on`.
    InheritedOn,
    /// `inherited => off`.
    InheritedOff,
    /// Any other value, kept as sent.
    Other(String),
}

impl CapabilityState {
    /// The contract's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            CapabilityState::On => "on",
            CapabilityState::Off => "off",
            CapabilityState::InheritedOn => "inherited => on",
            CapabilityState::InheritedOff => "inherited => off",
            CapabilityState::Other(s) => s,
        }
    }

    /// True when the capability is in effect (`on` or `inherited => on`).
    pub fn is_on(&self) -> bool {
        matches!(self, CapabilityState::On | CapabilityState::InheritedOn)
    }
}

impl Serialize for CapabilityState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CapabilityState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(match raw.as_str() {
            "on" => CapabilityState::On,
            "off" => CapabilityState::Off,
            "inherited => on" => CapabilityState::InheritedOn,
            "inherited => off" => CapabilityState::InheritedOff,
            _ => CapabilityState::Other(raw),
        })
    }
}

/// One capability: `{"state","description"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capability {
    /// On, off or inherited.
    pub state: CapabilityState,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Capability {
    /// A capability in the given state without description.
    pub fn new(state: CapabilityState) -> Self {
        Capability {
            state,
            description: None,
        }
    }
}

/// The capabilities of a party or environment: invoices, invoice responses, orders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Receiving invoices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Capability>,
    /// Receiving invoice responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_response: Option<Capability>,
    /// Receiving orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<Capability>,
    /// Fields this client does not know, kept so a PUT does not drop them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Peppol configuration of the environment or of one party.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeppolConfig {
    /// The party id (for a party's configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the party can receive.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// The Peppol directory business card, as the platform sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_card: Option<serde_json::Value>,
    /// When it was created (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// When it last changed (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_on: Option<String>,
    /// Fields this client does not know, kept so a PUT does not drop them.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PeppolConfig {
    /// True when receiving invoices is in effect.
    pub fn receives_invoices(&self) -> bool {
        self.capabilities
            .invoices
            .as_ref()
            .is_some_and(|c| c.state.is_on())
    }
}

fn party_config_path(party: &PartyId) -> String {
    format!("/api/v1/peppol/config/party/{}", party.to_path_segment())
}

impl Client {
    /// `GET /api/v1/peppol/config`: the environment's defaults.
    pub async fn peppol_config(&self) -> Result<PeppolConfig, Error> {
        self.send_json(Call::new(
            Method::GET,
            self.api_url("/api/v1/peppol/config")?,
        ))
        .await
    }

    /// `PUT /api/v1/peppol/config`: sets the environment's defaults.
    pub async fn put_peppol_config(&self, config: &PeppolConfig) -> Result<PeppolConfig, Error> {
        let call = Call::new(Method::PUT, self.api_url("/api/v1/peppol/config")?).json(config)?;
        self.send_json(call).await
    }

    /// `GET /api/v1/peppol/config/party/{partyId}`; `None` when the party is not registered (404).
    pub async fn peppol_party_config(
        &self,
        party: &PartyId,
    ) -> Result<Option<PeppolConfig>, Error> {
        let call = Call::new(Method::GET, self.api_url(&party_config_path(party))?);
        match self.send_json(call).await {
            Ok(config) => Ok(Some(config)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT /api/v1/peppol/config/party/{partyId}`: registers (or updates) the party for receiving.
    ///
    /// Receiving is a paid service: ask the user before switching it on.
    pub async fn put_peppol_party_config(
        &self,
        party: &PartyId,
        config: &PeppolConfig,
    ) -> Result<PeppolConfig, Error> {
        let call = Call::new(Method::PUT, self.api_url(&party_config_path(party))?).json(config)?;
        self.send_json(call).await
    }

    /// `DELETE /api/v1/peppol/config/party/{partyId}`: deregisters the party.
    pub async fn delete_peppol_party_config(&self, party: &PartyId) -> Result<(), Error> {
        self.send_empty(Call::new(
            Method::DELETE,
            self.api_url(&party_config_path(party))?,
        ))
        .await
    }

    /// `GET /api/v1/peppol/deliveryOption?partyIds=…` (public, no token): how each party can be reached.
    pub async fn delivery_options(
        &self,
        parties: &[PartyId],
    ) -> Result<Vec<crate::inferred::DeliveryOption>, Error> {
        let url = crate::inferred::delivery_option_url(self, parties)?;
        self.send_json(Call::new(Method::GET, url).anonymous())
            .await
    }
}
