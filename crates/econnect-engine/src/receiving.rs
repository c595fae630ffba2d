//! Receiving e-invoices (help-centre article "Pop-up organisaties – registreren
//! voor ontvangst"): which organisations to ask about, the user's answers, and switching
//! receiving on or off through the Peppol config endpoint. Receiving is a paid service from
//! the transaction credit and is off by default, so the app only asks and never switches
//! it on by itself.

use econnect_api::{Capabilities, Capability, CapabilityState, PartyId, PeppolConfig};
use econnect_store::ReceiveState;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// An organisation the pop-up asks about: the user may receive for it, receiving is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveCandidate {
    /// Normalised party id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// KvK number, when the id is one.
    pub kvk: Option<String>,
    /// Its receive state now (off, inherited off or not registered).
    pub receive: ReceiveState,
}

/// The user's answer for one organisation in the pop-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PromptChoice {
    /// "Niet nu": ask again at the next sign-in.
    NotNow,
    /// "Niet meer vragen": remembered in the cache, across restarts.
    Never,
}

/// What the platform said after switching receiving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveOutcome {
    /// Normalised party id.
    pub party_id: String,
    /// The receive state the platform now reports.
    pub receive: ReceiveState,
    /// When the registration last changed, as the platform wrote it.
    pub changed_on: Option<String>,
}

/// The receive state a Peppol configuration means.
pub fn receive_state(config: &PeppolConfig) -> ReceiveState {
    match config.capabilities.invoices.as_ref().map(|c| &c.state) {
        Some(CapabilityState::On) => ReceiveState::On,
        Some(CapabilityState::Off) => ReceiveState::Off,
        Some(CapabilityState::InheritedOn) => ReceiveState::InheritedOn,
        Some(CapabilityState::InheritedOff) => ReceiveState::InheritedOff,
        Some(CapabilityState::Other(_)) | None => ReceiveState::Unknown,
    }
}

fn asks_about(state: ReceiveState) -> bool {
    matches!(
        state,
        ReceiveState::Off | ReceiveState::InheritedOff | ReceiveState::NotRegistered
    )
}

impl Engine {
    /// The organisations the receive pop-up lists now: the user may receive for them,
    /// receiving is off (known from the last sync), and the user did not answer "niet nu"
    /// in this session or "niet meer vragen" ever. Empty: show no pop-up.
    pub async fn receive_prompt(&self) -> Result<Vec<ReceiveCandidate>, EngineError> {
        let session = self.require().await?;
        let never = session.store.receive_never_ask().await?;
        let not_now = self.receive_not_now();
        Ok(session
            .store
            .organisations(&Default::default())
            .await?
            .into_iter()
            .filter(|o| o.permissions.can_receive_document && asks_about(o.receive))
            .filter(|o| !never.contains(&o.id) && !not_now.contains(&o.id))
            .map(|o| ReceiveCandidate {
                id: o.id,
                name: o.name,
                kvk: o.kvk,
                receive: o.receive,
            })
            .collect())
    }

    /// Remembers the user's answer for one organisation ("niet nu" / "niet meer vragen").
    pub async fn decide_receive_prompt(
        &self,
        party_id: &str,
        choice: PromptChoice,
    ) -> Result<(), EngineError> {
        let session = self.require().await?;
        let id = PartyId::new(party_id);
        match choice {
            PromptChoice::NotNow => self.remember_not_now(id.as_str()),
            PromptChoice::Never => session.store.set_receive_never_ask(id.as_str()).await?,
        }
        Ok(())
    }

    /// Switches receiving invoices on or off for an organisation: registers it through
    /// `PUT /api/v1/peppol/config/party/{id}` with `invoices` on (or off), then stores the
    /// state the platform answered, which reaches every screen through the change feed.
    pub async fn set_receiving(
        &self,
        party_id: &str,
        on: bool,
    ) -> Result<ReceiveOutcome, EngineError> {
        let session = self.require().await?;
        // A running sync would write the receive state it read before this change: wait for it.
        let _sync = session.sync_lock.lock().await;
        let id = PartyId::new(party_id);
        let org = session.store.organisation(id.as_str()).await?.organisation;
        if !org.permissions.can_receive_document {
            // The platform would refuse too (403); say why before asking it.
            return Err(EngineError::new(
                ErrorCode::NoReceivePermission,
                format!("no permission to receive for {}", id.as_str()),
            ));
        }
        if !on && org.receive == ReceiveState::NotRegistered {
            // Not registered means not receiving: nothing to switch off.
            return Ok(ReceiveOutcome {
                party_id: id.as_str().to_string(),
                receive: ReceiveState::NotRegistered,
                changed_on: None,
            });
        }
        let request = PeppolConfig {
            capabilities: Capabilities {
                invoices: Some(Capability::new(if on {
                    CapabilityState::On
                } else {
                    CapabilityState::Off
                })),
                ..Capabilities::default()
            },
            ..PeppolConfig::default()
        };
        let answer = session
            .client
            .put_peppol_party_config(&id, &request)
            .await
            .map_err(|e| {
                if e.is_forbidden() {
                    EngineError::new(ErrorCode::NoReceivePermission, e.to_string())
                } else {
                    EngineError::from(e)
                }
            })?;
        let receive = receive_state(&answer);
        session
            .store
            .set_receive_states(&[(id.as_str().to_string(), receive)])
            .await?;
        if receive.is_on() {
            // Asked and answered: no need to ask again this session.
            self.remember_not_now(id.as_str());
        }
        Ok(ReceiveOutcome {
            party_id: id.as_str().to_string(),
            receive,
            changed_on: answer.changed_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_organisations_that_do_not_receive_are_asked_about() {
        assert!(asks_about(ReceiveState::NotRegistered));
        assert!(asks_about(ReceiveState::Off));
        assert!(asks_about(ReceiveState::InheritedOff));
        assert!(!asks_about(ReceiveState::On));
        assert!(!asks_about(ReceiveState::InheritedOn));
        // Not known yet (first sync running): never ask on a guess.
        assert!(!asks_about(ReceiveState::Unknown));
    }

    #[test]
    fn the_config_state_becomes_the_receive_state() {
        let mut config = PeppolConfig::default();
        assert_eq!(receive_state(&config), ReceiveState::Unknown);
        config.capabilities.invoices = Some(Capability::new(CapabilityState::InheritedOn));
        assert_eq!(receive_state(&config), ReceiveState::InheritedOn);
    }
}
