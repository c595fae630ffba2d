//! Koppeling: which environment and base URLs the session uses, and the optional legacy
//! `Subscription-Key` header value. The key is secret-ish, so it lives in the OS keyring
//! (account `<profile>/subscription-key`), never in config files or the cache; the API
//! client of the next sign-in sends it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};
use crate::secrets::{self, SecretError, SecretStore};

/// Longest key accepted (API-management keys are 32 hex characters).
const MAX_KEY_LENGTH: usize = 200;

/// What Instellingen → Koppeling shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    /// `production`, `acceptance`, `custom` or `sandbox`.
    pub environment: String,
    /// The API base URL in use.
    pub api_base: String,
    /// The identity base URL in use.
    pub identity_base: String,
    /// Who is signed in.
    pub username: String,
    /// Whether the user administers the environment, as the last sync found (the session's
    /// flag is from sign-in, before the first sync of a new profile knows it).
    pub is_admin: bool,
    /// A subscription key is stored in the keyring.
    pub subscription_key_set: bool,
    /// Why the keyring cannot be read, when it cannot (then no key can be kept).
    pub keyring_problem: Option<String>,
}

/// The keyring account of a profile's subscription key.
pub fn subscription_key_account(profile: &str) -> String {
    format!("{profile}/subscription-key")
}

/// The stored key of a profile, if any (a keyring problem is logged and means "none").
pub async fn stored_subscription_key(
    keyring: &Arc<dyn SecretStore>,
    profile: &str,
) -> Option<String> {
    let account = subscription_key_account(profile);
    match secrets::blocking(keyring, move |k| k.get(&account)).await {
        Ok(key) => key.filter(|k| !k.is_empty()),
        Err(e) => {
            tracing::info!(error = %e, "no subscription key read from the keyring");
            None
        }
    }
}

/// Checks a key typed by the user: visible ASCII (it becomes a header value), not too long.
fn valid_key(key: &str) -> Result<&str, EngineError> {
    let key = key.trim();
    if key.len() > MAX_KEY_LENGTH || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "Een abonnementssleutel bestaat uit letters en cijfers zonder spaties (ten hoogste 200 tekens)",
        ));
    }
    Ok(key)
}

fn keyring_error(e: SecretError) -> EngineError {
    EngineError::new(ErrorCode::Keyring, e.to_string())
}

impl Engine {
    /// The session's environment, base URLs and whether a subscription key is stored.
    pub async fn connection(&self) -> Result<ConnectionInfo, EngineError> {
        let session = self
            .session()
            .await
            .ok_or_else(EngineError::not_signed_in)?;
        let record = self.store().await?.environment().await?;
        let account = subscription_key_account(&session.profile);
        let stored = secrets::blocking(&self.keyring(), move |k| k.get(&account)).await;
        let (subscription_key_set, keyring_problem) = match stored {
            Ok(key) => (key.is_some_and(|k| !k.is_empty()), None),
            Err(e) => (false, Some(e.to_string())),
        };
        Ok(ConnectionInfo {
            environment: session.environment.key().to_string(),
            api_base: session.api_base.clone(),
            is_admin: record.as_ref().is_some_and(|r| r.is_admin) || session.is_admin,
            identity_base: record.map(|r| r.identity_base).unwrap_or_default(),
            username: session.username,
            subscription_key_set,
            keyring_problem,
        })
    }

    /// Stores the subscription key in the keyring (empty or `None`: deletes it). It is
    /// sent from the next sign-in on.
    pub async fn set_subscription_key(
        &self,
        key: Option<String>,
    ) -> Result<ConnectionInfo, EngineError> {
        let session = self
            .session()
            .await
            .ok_or_else(EngineError::not_signed_in)?;
        let account = subscription_key_account(&session.profile);
        let key = key
            .as_deref()
            .map(valid_key)
            .transpose()?
            .filter(|k| !k.is_empty());
        match key {
            Some(key) => {
                let key = key.to_string();
                secrets::blocking(&self.keyring(), move |k| k.set(&account, &key)).await
            }
            None => secrets::blocking(&self.keyring(), move |k| k.delete(&account)).await,
        }
        .map_err(keyring_error)?;
        self.connection().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_before_they_reach_the_keyring() {
        assert_eq!(valid_key(" abc123 ").map_err(|e| e.code), Ok("abc123"));
        assert!(valid_key("met spatie").is_err());
        assert!(valid_key(&"x".repeat(201)).is_err());
        assert_eq!(
            subscription_key_account("production-a@b.nl"),
            "production-a@b.nl/subscription-key"
        );
    }
}
