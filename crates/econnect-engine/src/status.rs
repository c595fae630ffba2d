//! What the engine is doing, for the status bar: signed in, online/offline since, syncing
//! with progress, last synced.

use serde::{Deserialize, Serialize};

use crate::error::EngineError;

/// Progress of the running sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// What is being fetched: `organisations`, `users`, `receiveStates`.
    pub step: String,
    /// Organisations whose data is done.
    pub organisations_done: u32,
    /// Organisations to be synced (known once they are read).
    pub organisations_total: u32,
}

/// The engine's state as the UI shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EngineStatus {
    /// A session is open (possibly offline).
    pub signed_in: bool,
    /// The platform answered the last call.
    pub online: bool,
    /// Since when the platform cannot be reached (RFC 3339, UTC); `None` when online.
    pub offline_since: Option<String>,
    /// A sync is running.
    pub syncing: bool,
    /// Its progress.
    pub progress: Option<SyncProgress>,
    /// When the last sync ended successfully (RFC 3339, UTC).
    pub last_synced: Option<String>,
    /// Why the last sync failed, if it did (cleared by the next success).
    pub last_error: Option<EngineError>,
}

/// What one sync did (organisation data only: the platform has no document lists).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    /// Organisations synced.
    pub organisations: u32,
    /// How long it took, in milliseconds.
    pub duration_ms: u32,
}
