//! Remembered passwords in the OS keyring (keyring v3: Keychain, Credential Manager, Secret
//! Service). Never anywhere else: when no keyring is available the session lives in memory only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// The keyring "service" under which passwords are stored; the account is the profile name.
pub const KEYRING_SERVICE: &str = "eConnect Desktop";

/// What happened to "remember me".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyringState {
    /// The password is in the OS keyring; the next start signs in by itself.
    Stored,
    /// The user did not ask to be remembered (or signed in from the keyring's copy).
    NotRequested,
    /// No keyring is available (e.g. no Secret Service): the session is kept in memory only.
    Unavailable,
}

/// Why a keyring call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// There is no usable keyring (no Secret Service, locked, no D-Bus).
    #[error("no keyring available: {0}")]
    Unavailable(String),
    /// The keyring is there but the call failed.
    #[error("keyring error: {0}")]
    Failed(String),
}

/// Where passwords are kept. Calls may block (D-Bus): the engine runs them off the runtime.
pub trait SecretStore: Send + Sync + 'static {
    /// The secret of `account`, `None` when there is none.
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    /// Stores (replaces) the secret of `account`.
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    /// Deletes the secret of `account` (no error when there is none).
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// The OS keyring.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemKeyring;

fn map_keyring_error(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for SystemKeyring {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(map_keyring_error)?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(map_keyring_error)?;
        entry.set_password(secret).map_err(map_keyring_error)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(map_keyring_error)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// A keyring in memory, for tests and for hosts that must not touch the OS keyring.
#[derive(Debug, Clone, Default)]
pub struct MemoryKeyring {
    secrets: Arc<Mutex<HashMap<String, String>>>,
}

impl MemoryKeyring {
    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.secrets.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemoryKeyring {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        let map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        Ok(map.get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        let mut map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        map.insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        let mut map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Failed("poisoned".into()))?;
        map.remove(account);
        Ok(())
    }
}

/// A keyring that is never available (what a machine without Secret Service looks like).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _: &str) -> Result<Option<String>, SecretError> {
        Err(SecretError::Unavailable("no keyring configured".into()))
    }
    fn set(&self, _: &str, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable("no keyring configured".into()))
    }
    fn delete(&self, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable("no keyring configured".into()))
    }
}

/// Runs a blocking keyring call on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    store: &Arc<dyn SecretStore>,
    call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .map_err(|e| SecretError::Failed(format!("keyring task: {e}")))?
}
