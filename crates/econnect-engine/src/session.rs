//! A signed-in session: the platform client, the profile's cache, the embedded sandbox (in
//! sandbox mode), and the background tasks (sync loop, change feed).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use econnect_api::Client;
use econnect_sandbox::RunningSandbox;
use econnect_store::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};

use crate::environment::Environment;
use crate::secrets::KeyringState;

/// What the sign-in screen sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// Where to sign in.
    pub environment: Environment,
    /// User name (an e-mail address).
    pub username: String,
    /// Password; kept in memory and, with `remember`, in the OS keyring — never on disk.
    pub password: String,
    /// Store the password in the OS keyring so the next start signs in by itself.
    pub remember: bool,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("environment", &self.environment)
            .field("username", &self.username)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

/// The open session as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The environment.
    pub environment: Environment,
    /// The API base URL in use (for the sandbox: its loopback address).
    pub api_base: String,
    /// The user name.
    pub username: String,
    /// The name the platform gave for the user.
    pub display_name: Option<String>,
    /// Whether the user administers the environment (sees its users).
    pub is_admin: bool,
    /// The profile (one cache per profile).
    pub profile: String,
    /// What happened to "remember me".
    pub keyring: KeyringState,
    /// Why the keyring is unavailable, when it is (for the UI's plain explanation).
    pub keyring_message: Option<String>,
    /// The session was opened from the cache because the platform could not be reached.
    pub opened_offline: bool,
}

/// The last signed-in profile, to restore at the next start. No secrets: the password is in
/// the keyring (or, for the sandbox, public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LastSession {
    pub environment: Environment,
    pub username: String,
}

pub(crate) fn last_session_path(data_folder: &Path) -> PathBuf {
    data_folder.join("session.json")
}

pub(crate) fn read_last_session(data_folder: &Path) -> Option<LastSession> {
    let bytes = std::fs::read(last_session_path(data_folder)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(crate) fn write_last_session(data_folder: &Path, last: &LastSession) {
    let result = serde_json::to_vec_pretty(last)
        .map_err(std::io::Error::other)
        .and_then(|bytes| {
            std::fs::create_dir_all(data_folder)?;
            std::fs::write(last_session_path(data_folder), bytes)
        });
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot remember the last profile");
    }
}

pub(crate) fn forget_last_session(data_folder: &Path) {
    match std::fs::remove_file(last_session_path(data_folder)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, "cannot forget the last profile"),
    }
}

/// An open session.
pub(crate) struct Session {
    pub info: Mutex<SessionInfo>,
    pub store: Store,
    pub client: Client,
    pub sandbox: tokio::sync::Mutex<Option<RunningSandbox>>,
    /// Turns true when the session ends: the background tasks stop.
    pub stop: watch::Sender<bool>,
    /// One sync at a time (loop and "sync now").
    pub sync_lock: tokio::sync::Mutex<()>,
    /// Wakes the sync loop early (e.g. a network-change hint from the shell).
    pub wake: Notify,
    /// Starts a receive pass now: a hook announced an invoice (see `follow.rs`).
    pub receive_kick: Notify,
    /// The session's receiver (set by `follow::start`), shared with the hook worker.
    pub receiver: std::sync::OnceLock<crate::receive::Receiver>,
    /// The running webhook receiver of Instellingen → Ontvangen, when there is one.
    pub hook_server: tokio::sync::Mutex<Option<crate::hooks::HookServer>>,
}

impl Session {
    /// A copy of the session info.
    pub fn info(&self) -> SessionInfo {
        match self.info.lock() {
            Ok(info) => info.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Changes the session info.
    pub fn update_info(&self, change: impl FnOnce(&mut SessionInfo)) {
        match self.info.lock() {
            Ok(mut info) => change(&mut info),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }
}
