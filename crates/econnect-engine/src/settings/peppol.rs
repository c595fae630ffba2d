//! Omgeving: the environment's Peppol defaults (`GET|PUT /api/v1/peppol/config`), which a
//! new organisation inherits. Only administrators may change them; the platform says 403
//! to others, which reaches the UI as `no_access`.

use econnect_api::{Capability, CapabilityState, PeppolConfig};
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::EngineError;

/// The three capabilities as switches (inherited values count as what they inherit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PeppolDefaults {
    /// Receiving invoices.
    pub invoices: bool,
    /// Receiving invoice responses.
    pub invoice_response: bool,
    /// Receiving orders.
    pub orders: bool,
}

fn is_on(c: Option<&Capability>) -> bool {
    c.is_some_and(|c| c.state.is_on())
}

fn set(slot: &mut Option<Capability>, on: bool) {
    let state = if on {
        CapabilityState::On
    } else {
        CapabilityState::Off
    };
    match slot {
        Some(c) => c.state = state,
        None => *slot = Some(Capability::new(state)),
    }
}

impl From<&PeppolConfig> for PeppolDefaults {
    fn from(config: &PeppolConfig) -> Self {
        let caps = &config.capabilities;
        PeppolDefaults {
            invoices: is_on(caps.invoices.as_ref()),
            invoice_response: is_on(caps.invoice_response.as_ref()),
            orders: is_on(caps.orders.as_ref()),
        }
    }
}

impl Engine {
    /// The environment's Peppol defaults, from the platform (needs a connection).
    pub async fn peppol_defaults(&self) -> Result<PeppolDefaults, EngineError> {
        let config = self.client().await?.peppol_config().await?;
        Ok(PeppolDefaults::from(&config))
    }

    /// Changes the environment's Peppol defaults (administrators); answers what the
    /// platform then has. Fields this client does not know are sent back unchanged.
    pub async fn set_peppol_defaults(
        &self,
        defaults: PeppolDefaults,
    ) -> Result<PeppolDefaults, EngineError> {
        let client = self.client().await?;
        let mut config = client.peppol_config().await?;
        set(&mut config.capabilities.invoices, defaults.invoices);
        set(
            &mut config.capabilities.invoice_response,
            defaults.invoice_response,
        );
        set(&mut config.capabilities.orders, defaults.orders);
        let saved = client.put_peppol_config(&config).await?;
        Ok(PeppolDefaults::from(&saved))
    }
}
