//! Handled files that are not moved out of the watched folder yet: the app stopped in
//! between, or (Windows) another program still has the file open without letting others
//! rename it, as a PDF viewer may. All are moved at start-up; those whose move failed
//! are tried again at every rescan interval, without waiting for the next start.

use std::path::Path;
use std::sync::Arc;

use econnect_store::StoreError;
use econnect_store::outbox::{self, OutboxItem};

use crate::engine::Inner;
use crate::refusal::{Refusal, RefusalCode};
use crate::uploader;

/// Start-up: moves every handled file still in its watched folder.
pub(crate) async fn move_all(inner: &Arc<Inner>) -> Result<(), StoreError> {
    for item in outbox::unmoved_final(&inner.store).await? {
        inner.take_path(Path::new(&item.path));
        uploader::move_after(inner, &item, stored_refusal(&item).as_ref()).await;
    }
    Ok(())
}

/// Tries the failed moves again every rescan interval until the intake stops.
pub(crate) async fn retry(inner: Arc<Inner>) {
    let mut stop = inner.stop.subscribe();
    loop {
        tokio::select! {
            () = tokio::time::sleep(inner.config.rescan_every) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
        let ids = inner.take_unmoved();
        if ids.is_empty() {
            continue;
        }
        let items = match outbox::unmoved_final(&inner.store).await {
            Ok(items) => items,
            Err(e) => {
                tracing::warn!(error = %e, "reading the files still to move failed; tried again later");
                ids.into_iter().for_each(|id| inner.note_unmoved(id));
                continue;
            }
        };
        for item in items.iter().filter(|i| ids.contains(&i.id)) {
            uploader::move_after(&inner, item, stored_refusal(item).as_ref()).await;
        }
    }
}

/// The refusal a refused row was recorded with (its reason file is written beside it).
fn stored_refusal(item: &OutboxItem) -> Option<Refusal> {
    (item.state == "refused").then(|| {
        Refusal::new(
            RefusalCode::PlatformRefused,
            item.refusal_message.clone().unwrap_or_default(),
            String::new(),
        )
    })
}
