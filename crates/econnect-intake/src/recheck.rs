//! A queued file that is no longer what was checked (other bytes, another size, a link
//! now) is never sent under its old id: its row leaves the queue and the file goes back
//! through preflight, to be queued afresh under the id of its new content (or refused
//! with the reason preflight gives now).

use std::path::PathBuf;
use std::sync::Arc;

use econnect_api::PartyId;
use econnect_store::ledger::{self, Enqueued};
use econnect_store::outbox::{self, OutboxItem};

use crate::engine::{Inner, document_name, duplicate_refusal, new_intake, run_preflight};
use crate::events::Stage;
use crate::preflight::Direction;
use crate::uploader::code_text;
use crate::watcher::WatchCommand;

/// Why the row left the queue (Dutch; shown with the row when it is looked up).
const CHANGED: &str = "Het bestand is gewijzigd nadat het was gecontroleerd; het is opnieuw \
                       gecontroleerd en, als het in orde is, opnieuw in de wachtrij gezet";

/// Sends the file of `item` back to preflight.
pub(crate) async fn file_changed(inner: &Arc<Inner>, item: &OutboxItem) {
    tracing::info!(id = %item.id, "the file changed after its check: checked again");
    inner.emit(item, Stage::Controleren);
    if item.done_dir.is_some() {
        from_watched_folder(inner, item).await;
    } else {
        dropped(inner, item).await;
    }
}

/// A file in a watched folder is taken again by the watcher like any new file: after it
/// has stopped changing, through preflight, the duplicate check and `Mislukt/` if refused.
/// A stop before the watcher takes it changes nothing: the next start's scan finds it.
async fn from_watched_folder(inner: &Arc<Inner>, item: &OutboxItem) {
    if let Err(e) = outbox::mark_changed(&inner.store, &item.id, CHANGED).await {
        tracing::error!(id = %item.id, error = %e, "closing the row of a changed file failed");
        return;
    }
    inner.forget_path(&item.original_path);
    // Waits for room: this rescan is what checks the changed file again.
    let _ = inner.watch_tx.send(WatchCommand::Rescan).await;
}

/// A dropped (or chosen) file has no watcher: it is checked here and queued under its new
/// id before its old row is closed, so a stop in between loses nothing (the old row, sent
/// again, is found changed again and its new content already queued).
async fn dropped(inner: &Arc<Inner>, item: &OutboxItem) {
    let direction = Direction::parse(&item.direction).unwrap_or(Direction::Purchase);
    let party = PartyId::new(&item.party_id);
    let path = PathBuf::from(&item.path);
    let pf = run_preflight(inner, path.clone(), direction).await;
    if let Some(refusal) = pf.refusal {
        // Not sendable as it is now: the row says why, and can be retried by hand.
        let closed = outbox::mark_failed(
            &inner.store,
            &item.id,
            "refused",
            &code_text(refusal.code),
            &refusal.message,
        )
        .await;
        if let Err(e) = closed {
            tracing::error!(id = %item.id, error = %e, "recording a refused changed file failed");
        }
        inner.emit(item, Stage::Mislukt { refusal });
        return;
    }
    let fresh = new_intake(&party, direction, &path, &pf, None, None);
    let queued = ledger::enqueue_named(&inner.store, &[fresh], false, None, &document_name).await;
    let outcome = match queued {
        Ok(mut outcomes) => outcomes.pop(),
        Err(e) => {
            // The old row goes back to the queue: its next try finds the change again.
            tracing::error!(id = %item.id, error = %e, "queueing a changed file failed");
            let _ = outbox::unclaim(&inner.store, std::slice::from_ref(&item.id)).await;
            return;
        }
    };
    if let Err(e) = outbox::mark_changed(&inner.store, &item.id, CHANGED).await {
        tracing::error!(id = %item.id, error = %e, "closing the row of a changed file failed");
    }
    match outcome {
        Some((Enqueued::Written, id)) => {
            inner.emit_path(Some(&id), &party, &path, Stage::Wachten);
            inner.wake.notify_one();
        }
        Some((Enqueued::Duplicate(of), id)) => {
            let refusal = duplicate_refusal(&of);
            tracing::info!(id, reason = %refusal.message, "the changed file is a duplicate");
            inner.emit_path(Some(&id), &party, &path, Stage::Duplicaat { of });
        }
        None => {}
    }
}
