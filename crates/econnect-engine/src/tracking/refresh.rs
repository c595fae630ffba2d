//! `econnect sync`'s second half: the statuses of this installation's open documents, brought
//! up to date once (the app's tracker does the same continuously).

use serde::{Deserialize, Serialize};

use super::{Tracker, TrackerOptions};
use crate::engine::Engine;
use crate::error::EngineError;

/// What one status refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusRefresh {
    /// Documents sent from here that had no final status before.
    pub open: u32,
    /// Of those, asked about (the rest failed and are asked again later).
    pub checked: u32,
    /// Statuses that changed.
    pub changed: u32,
    /// Platform calls made (retries included).
    pub calls: u32,
}

impl Engine {
    /// Asks the platform about every open document of this installation, one status call
    /// each (there is no list), within the app's per-minute call budget.
    pub async fn refresh_statuses(&self) -> Result<StatusRefresh, EngineError> {
        let session = self.require().await?;
        let tracker = Tracker::new(
            session.client.clone(),
            session.store.clone(),
            TrackerOptions::default(),
        );
        let open = tracker.open_count().await?;
        let checked = if open == 0 { 0 } else { tracker.round().await? };
        let stats = tracker.stats();
        let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(StatusRefresh {
            open: u32::try_from(open).unwrap_or(u32::MAX),
            checked: u32::try_from(checked).unwrap_or(u32::MAX),
            changed: count(stats.changes),
            calls: count(stats.calls),
        })
    }
}
