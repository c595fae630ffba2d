//! Instellingen → Ontvangen: how received invoices reach this installation. The
//! platform has no list of received invoices; it announces each one through a hook. Three
//! ways, chosen per profile and kept in `receive-channel.json` beside the cache (no secret
//! in it): this computer can be reached (the app runs the same receiver as
//! `econnect hooks serve`), by e-mail (a mail hook with the invoice attached; the app then
//! does not see them), or not through the app. Only this installation's own hook is ever
//! changed; switching off deactivates it rather than deleting it, because the platform may
//! briefly have no hook when one is deleted and quickly re-created.

use std::net::SocketAddr;
use std::path::PathBuf;

use econnect_api::PartyId;
use econnect_api::webhook::INVOICE_RECEIVED;
use serde::{Deserialize, Serialize};

use super::registration::{OwnAction, find_own, hook_name, put_own, write_own};
use super::{HookOptions, installation_id};
use crate::engine::Engine;
use crate::environment::Environment;
use crate::error::{EngineError, ErrorCode};
use crate::people::address::is_valid_address;
use crate::session::Session;

/// The receiver of the app in sandbox mode: loopback, a free port (the URL takes the
/// bound port), so the embedded sandbox can deliver its hooks to it.
const DEMO_LISTEN: &str = "127.0.0.1:0";
const DEMO_URL: &str = "http://127.0.0.1:0/econnect-hook";

/// The three ways of receiving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ChannelKind {
    /// Not through the app.
    None,
    /// This computer can be reached at a public address.
    Public,
    /// By e-mail, with the invoice attached.
    Mail,
}

/// The user's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveChannel {
    /// Which way.
    pub kind: ChannelKind,
    /// The address the platform posts to (public).
    #[serde(default)]
    pub public_url: Option<String>,
    /// Where the receiver listens on this computer (public), e.g. `127.0.0.1:8787`.
    #[serde(default)]
    pub listen: Option<String>,
    /// The mailbox (mail).
    #[serde(default)]
    pub mail_address: Option<String>,
}

impl ReceiveChannel {
    fn none() -> Self {
        ReceiveChannel {
            kind: ChannelKind::None,
            public_url: None,
            listen: None,
            mail_address: None,
        }
    }

    /// The demo's default: the app's own receiver on loopback.
    fn demo() -> Self {
        ReceiveChannel {
            kind: ChannelKind::Public,
            public_url: Some(DEMO_URL.into()),
            listen: Some(DEMO_LISTEN.into()),
            mail_address: None,
        }
    }
}

/// The choice and how it is going, for the settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveChannelState {
    /// The saved choice.
    pub channel: ReceiveChannel,
    /// Our hook exists on the platform and is active.
    pub registered: bool,
    /// Where the app's receiver listens, when it runs.
    pub listening: Option<String>,
    /// When the last announcement arrived (RFC 3339).
    pub last_event: Option<String>,
    /// The user may manage hooks for at least one organisation.
    pub can_manage_hooks: bool,
    /// Why applying the choice failed, in Dutch, when it did.
    pub problem: Option<String>,
}

fn channel_path(session: &Session) -> Option<PathBuf> {
    session
        .store
        .path()
        .parent()
        .map(|p| p.join("receive-channel.json"))
}

fn read_channel(session: &Session) -> ReceiveChannel {
    let saved = channel_path(session)
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice::<ReceiveChannel>(&bytes).ok());
    match saved {
        Some(channel) => channel,
        None if session.info().environment == Environment::Sandbox => ReceiveChannel::demo(),
        None => ReceiveChannel::none(),
    }
}

fn write_channel(session: &Session, channel: &ReceiveChannel) -> Result<(), EngineError> {
    let path = channel_path(session)
        .ok_or_else(|| EngineError::new(ErrorCode::NoDataFolder, "no profile folder"))?;
    let bytes = serde_json::to_vec_pretty(channel)
        .map_err(|e| EngineError::new(ErrorCode::Storage, e.to_string()))?;
    std::fs::write(&path, bytes)
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("{}: {e}", path.display())))
}

/// Checks a choice before anything is changed; returns it tidied.
fn validate(channel: ReceiveChannel) -> Result<ReceiveChannel, EngineError> {
    let invalid = |m: &str| EngineError::new(ErrorCode::InvalidInput, m.to_string());
    match channel.kind {
        ChannelKind::None => Ok(ReceiveChannel::none()),
        ChannelKind::Public => {
            let url = channel
                .public_url
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            super::check_public_url(url)?;
            let listen = channel.listen.as_deref().map(str::trim).unwrap_or_default();
            listen.parse::<SocketAddr>().map_err(|_| {
                invalid(
                    "luisteradres moet een IP-adres met poort zijn, bijvoorbeeld 127.0.0.1:8787",
                )
            })?;
            Ok(ReceiveChannel {
                kind: ChannelKind::Public,
                public_url: Some(url.to_string()),
                listen: Some(listen.to_string()),
                mail_address: None,
            })
        }
        ChannelKind::Mail => {
            let address = channel
                .mail_address
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            if !is_valid_address(address) {
                return Err(EngineError::new(
                    ErrorCode::InvalidEmail,
                    address.to_string(),
                ));
            }
            Ok(ReceiveChannel {
                kind: ChannelKind::Mail,
                public_url: None,
                listen: None,
                mail_address: Some(address.to_lowercase()),
            })
        }
    }
}

impl Engine {
    /// The choice of Instellingen → Ontvangen and how it is going.
    pub async fn receive_channel(&self) -> Result<ReceiveChannelState, EngineError> {
        let session = self.require().await?;
        self.channel_state(&session, read_channel(&session), None)
            .await
    }

    /// Saves a new choice and applies it at once (registers, starts or stops the receiver).
    pub async fn set_receive_channel(
        &self,
        channel: ReceiveChannel,
    ) -> Result<ReceiveChannelState, EngineError> {
        let channel = validate(channel)?;
        let session = self.require().await?;
        write_channel(&session, &channel)?;
        let problem = self.apply_channel(&session, &channel).await.err();
        match problem {
            Some(e) if channel.kind != ChannelKind::None => Err(e),
            problem => {
                self.channel_state(&session, channel, problem.map(|e| e.message))
                    .await
            }
        }
    }

    /// Asks the platform to send a test announcement to our hook (`hook/ping` of the first
    /// organisation the user may manage hooks for).
    pub async fn test_receive_channel(&self) -> Result<ReceiveChannelState, EngineError> {
        let session = self.require().await?;
        let party = manageable_party(&session).await?.ok_or_else(|| {
            EngineError::new(
                ErrorCode::NoAccess,
                "geen organisatie om de verbinding mee te testen",
            )
        })?;
        session
            .client
            .ping_party_hook(&PartyId::new(&party))
            .await?;
        self.channel_state(&session, read_channel(&session), None)
            .await
    }

    /// Applies the saved choice (Instellingen → Ontvangen) to the open session; the app does
    /// at sign-in, a headless host when it wants to receive too. Logged, never fails.
    pub async fn start_receive_channel(&self) {
        let Ok(session) = self.require().await else {
            return;
        };
        let channel = read_channel(&session);
        if channel.kind == ChannelKind::None {
            return;
        }
        if let Err(e) = self.apply_channel(&session, &channel).await {
            tracing::warn!(error = %e, "receiving by hook not started");
        }
    }

    async fn apply_channel(
        &self,
        session: &Session,
        channel: &ReceiveChannel,
    ) -> Result<(), EngineError> {
        // One receiver at a time: the old one stops before anything else changes.
        if let Some(running) = session.hook_server.lock().await.take() {
            running.shutdown().await;
        }
        let name = hook_name(&installation_id(self.data_folder())?);
        match channel.kind {
            ChannelKind::Public => {
                let listen = channel.listen.as_deref().unwrap_or(DEMO_LISTEN);
                let listen = listen.parse::<SocketAddr>().map_err(|_| {
                    EngineError::new(ErrorCode::InvalidInput, format!("luisteradres {listen}"))
                })?;
                let public_url = channel
                    .public_url
                    .clone()
                    .unwrap_or_else(|| DEMO_URL.into());
                let server = self
                    .serve_hooks(HookOptions {
                        listen,
                        public_url,
                        folder: None,
                    })
                    .await?;
                *session.hook_server.lock().await = Some(server);
                crate::demo::deliver_received(session).await;
            }
            ChannelKind::Mail => {
                let address = channel.mail_address.clone().unwrap_or_default();
                let own = OwnAction {
                    action: format!("mailto:{address}?includeAttachment=true"),
                    shown: format!("mailto:{address}"),
                    topics: vec![INVOICE_RECEIVED.to_string()],
                    active: true,
                };
                put_own(&session.client, &session.store, &name, own).await?;
            }
            ChannelKind::None => {
                if let Some(ours) = find_own(&session.client, &session.store, &name).await? {
                    let own = OwnAction {
                        shown: ours
                            .action
                            .split('#')
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                        action: ours.action.clone(),
                        topics: ours.topics.clone(),
                        active: false,
                    };
                    write_own(&session.client, &session.store, &name, own, Some(ours)).await?;
                }
            }
        }
        Ok(())
    }

    async fn channel_state(
        &self,
        session: &Session,
        channel: ReceiveChannel,
        problem: Option<String>,
    ) -> Result<ReceiveChannelState, EngineError> {
        let name = hook_name(&installation_id(self.data_folder())?);
        // Offline or without the right: the screen still shows the choice.
        let registered = match find_own(&session.client, &session.store, &name).await {
            Ok(hook) => hook.is_some_and(|h| h.is_active),
            Err(e) => {
                tracing::info!(error = %e, "own hook not read");
                false
            }
        };
        let listening = session
            .hook_server
            .lock()
            .await
            .as_ref()
            .map(|s| s.local_addr().to_string());
        Ok(ReceiveChannelState {
            channel,
            registered,
            listening,
            last_event: session.store.last_hook_event_at().await?,
            can_manage_hooks: manageable_party(session).await?.is_some(),
            problem,
        })
    }
}

/// The first organisation whose hooks the user may manage.
async fn manageable_party(session: &Session) -> Result<Option<String>, EngineError> {
    let organisations = session.store.organisations(&Default::default()).await?;
    Ok(organisations
        .into_iter()
        .find(|o| o.permissions.can_manage_hook)
        .map(|o| o.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(
        kind: ChannelKind,
        url: Option<&str>,
        listen: Option<&str>,
        mail: Option<&str>,
    ) -> ReceiveChannel {
        ReceiveChannel {
            kind,
            public_url: url.map(Into::into),
            listen: listen.map(Into::into),
            mail_address: mail.map(Into::into),
        }
    }

    #[test]
    fn a_public_address_must_be_https_off_loopback_and_listen_must_be_an_address() {
        let ok = validate(choice(
            ChannelKind::Public,
            Some(" https://facturen.kantoor.nl/hook "),
            Some("127.0.0.1:8787"),
            None,
        ));
        assert_eq!(
            ok.unwrap().public_url.as_deref(),
            Some("https://facturen.kantoor.nl/hook")
        );
        assert!(
            validate(choice(
                ChannelKind::Public,
                Some("http://facturen.kantoor.nl/hook"),
                Some("127.0.0.1:8787"),
                None
            ))
            .is_err()
        );
        assert!(
            validate(choice(
                ChannelKind::Public,
                Some("https://facturen.kantoor.nl/hook"),
                Some("kantoor"),
                None
            ))
            .is_err()
        );
        assert!(
            validate(choice(
                ChannelKind::Public,
                None,
                Some("127.0.0.1:8787"),
                None
            ))
            .is_err()
        );
    }

    #[test]
    fn a_mail_channel_needs_a_real_address_and_none_forgets_the_rest() {
        let err = validate(choice(ChannelKind::Mail, None, None, Some("geen adres"))).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidEmail);
        let ok = validate(choice(
            ChannelKind::Mail,
            None,
            None,
            Some(" Facturen@Kantoor.nl"),
        ))
        .unwrap();
        assert_eq!(ok.mail_address.as_deref(), Some("facturen@kantoor.nl"));
        let none = validate(choice(
            ChannelKind::None,
            Some("https://x.nl"),
            None,
            Some("a@b.nl"),
        ))
        .unwrap();
        assert_eq!(none, ReceiveChannel::none());
    }
}
