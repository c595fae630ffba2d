//! Follows the store's change feed and sends the shell at most one batch per
//! [`BATCH_WINDOW`]: the UI refreshes what a batch names and never polls the database.

use std::collections::BTreeSet;
use std::time::Duration;

use econnect_store::{ChangeKind, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

/// The shortest time between two batches.
pub const BATCH_WINDOW: Duration = Duration::from_millis(100);
/// How often the feed is read when nobody in this process rang (writers in other processes).
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// Document ids named in one batch at most; beyond that `documentsTruncated` is set.
const MAX_IDS: usize = 500;
/// Entries kept in the feed table.
const KEEP_CHANGES: u32 = 10_000;

/// Changes since the last batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeBatch {
    /// The newest feed entry included (as a number; ids stay far below 2^53).
    pub last_change_id: f64,
    /// The kinds that changed.
    pub kinds: Vec<ChangeKind>,
    /// Organisations whose data changed.
    pub parties: Vec<String>,
    /// Documents that changed (at most 500).
    pub documents: Vec<String>,
    /// More documents changed than are named: refresh the whole list.
    pub documents_truncated: bool,
}

/// Runs until `stop` turns true: reads new feed entries after each commit (or every
/// [`POLL_INTERVAL`]) and broadcasts them in batches.
pub(crate) async fn follow(
    store: Store,
    sender: broadcast::Sender<ChangeBatch>,
    mut stop: watch::Receiver<bool>,
) {
    let mut last = match store.latest_change_id().await {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "change feed: cannot read the feed");
            0
        }
    };
    let mut since_prune = 0u32;
    loop {
        tokio::select! {
            _ = store.wait_written() => {}
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
        // Let writes that arrive together land in one batch.
        tokio::time::sleep(BATCH_WINDOW).await;
        let mut batch = ChangeBatch::default();
        let mut kinds = BTreeSet::new();
        let mut parties = BTreeSet::new();
        let mut documents = BTreeSet::new();
        loop {
            let entries = match store.changes_since(last, 1000).await {
                Ok(entries) => entries,
                Err(e) => {
                    tracing::warn!(error = %e, "change feed: read failed");
                    break;
                }
            };
            let Some(newest) = entries.last().map(|c| c.id) else {
                break;
            };
            for c in entries {
                kinds.insert(c.kind);
                if let Some(p) = c.party_id {
                    parties.insert(p);
                }
                if c.kind == ChangeKind::Parties {
                    parties.extend(c.entity_ids.iter().cloned());
                }
                if matches!(c.kind, ChangeKind::Documents | ChangeKind::History) {
                    for id in c.entity_ids {
                        if documents.len() < MAX_IDS {
                            documents.insert(id);
                        } else {
                            batch.documents_truncated = true;
                        }
                    }
                }
            }
            last = newest;
            since_prune += 1;
        }
        if kinds.is_empty() {
            continue;
        }
        batch.last_change_id = last as f64;
        batch.kinds = kinds.into_iter().collect();
        batch.parties = parties.into_iter().collect();
        batch.documents = documents.into_iter().collect();
        // Nobody listening is fine: the shell subscribes when its window opens.
        let _ = sender.send(batch);
        if since_prune > 200 {
            since_prune = 0;
            if let Err(e) = store.prune_changes(KEEP_CHANGES).await {
                tracing::warn!(error = %e, "change feed: prune failed");
            }
        }
    }
}
