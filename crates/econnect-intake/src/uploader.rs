//! The uploader: claims due outbox rows (at most `concurrency` at once), sends each with
//! `X-EConnect-DocumentId` = its outbox id, which is content-addressed (so a retry after a
//! lost answer or a crash, and another installation sending the same file, get the
//! platform's 409 "already there" instead of creating a second document), and records the
//! outcome.

use std::sync::Arc;
use std::time::Duration;

use econnect_api::{DocumentId, DocumentRef, Error as ApiError, PartyId, SendOptions, Upload};
use econnect_store::outbox::{self, OutboxItem};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::engine::{Inner, now_ms};
use crate::events::Stage;
use crate::moves;
use crate::preflight::{Route, pdf, read_bounded, sha256_hex};
use crate::refusal::{Refusal, RefusalCode};

/// What to do after a failed upload.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The platform said no for good: `Mislukt/`.
    Refused(Refusal),
    /// The file is gone from disk: nothing to send or move.
    Vanished,
    /// The file is not what was checked (other bytes or size, a link now): nothing of it
    /// was accepted; it goes back to preflight.
    Changed,
    /// Hold the whole queue for this long; the attempt does not count (maintenance,
    /// rate limit, no network, sign-in trouble).
    Hold(Duration, String),
    /// A temporary failure of this upload: back off and count the attempt.
    Retry(String),
}

/// Sorts a platform error into what the uploader does next.
pub fn classify(err: &ApiError) -> Outcome {
    match err {
        ApiError::RateLimited { retry_after } => Outcome::Hold(
            retry_after.unwrap_or(Duration::from_secs(1)),
            "Te veel verzoeken; het platform vraagt even te wachten".into(),
        ),
        ApiError::Maintenance { retry_after } => Outcome::Hold(
            retry_after.unwrap_or(Duration::from_secs(30)),
            "Het platform is in onderhoud; de wachtrij wacht".into(),
        ),
        ApiError::Connect(_) => Outcome::Hold(
            Duration::from_secs(5),
            "Het platform is niet bereikbaar; de wachtrij wacht tot de verbinding terug is".into(),
        ),
        ApiError::Auth(_) => Outcome::Hold(
            Duration::from_secs(60),
            "Inloggen bij het platform lukt niet; de wachtrij wacht".into(),
        ),
        e if e.is_file_changed() => Outcome::Changed,
        ApiError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => Outcome::Vanished,
        ApiError::Timeout => Outcome::Retry("Het platform reageerde niet op tijd".into()),
        ApiError::Reset(_) | ApiError::Transport(_) => {
            Outcome::Retry("De verbinding werd onderbroken".into())
        }
        ApiError::Io(e) => Outcome::Retry(format!("Het bestand kon niet worden gelezen: {e}")),
        ApiError::Decode(e) => Outcome::Retry(format!("Onverwacht antwoord van het platform: {e}")),
        ApiError::TooLarge { .. } => {
            Outcome::Retry(format!("Onverwacht antwoord van het platform: {err}"))
        }
        e if e.is_retryable() => Outcome::Retry(format!(
            "Tijdelijke fout van het platform ({})",
            e.status().unwrap_or(0)
        )),
        ApiError::Api { status: 403, .. } => Outcome::Refused(Refusal::new(
            RefusalCode::PlatformRefused,
            "Geen rechten om voor deze organisatie documenten te verzenden of te ontvangen",
            "No permission to send or receive documents for this organisation",
        )),
        ApiError::Api { message, .. } => Outcome::Refused(Refusal::platform(message)),
        ApiError::Http {
            status,
            body_excerpt,
        } => Outcome::Refused(Refusal::platform(&format!("HTTP {status}: {body_excerpt}"))),
        other => Outcome::Refused(Refusal::platform(&other.to_string())),
    }
}

/// Backoff before retry number `attempt` (1-based): base·2^(attempt-1), capped, with
/// jitter in [½, 1] so that a batch does not come back all at once.
pub fn backoff(base: Duration, max: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
    let full = base.saturating_mul(factor).min(max);
    let jitter = 0.5 + rand::random::<f64>() * 0.5;
    full.mul_f64(jitter)
}

/// Accepted files recorded together at most.
const FINISH_BATCH: usize = 64;
/// Accepted files waiting for the finisher at most (two of its batches).
const DONE_CAPACITY: usize = 2 * FINISH_BATCH;
/// How long the finishing stage gathers accepted files before it moves and records them:
/// one commit for many instead of one each (a commit rewrites a few pages of the log).
const FINISH_WAIT: Duration = Duration::from_millis(10);

/// A file the platform has (new, or already there), on its way to be moved and recorded.
type Done = (OutboxItem, DocumentRef);

/// Runs until the engine stops; then lets in-flight uploads finish.
pub async fn run(inner: Arc<Inner>) {
    let mut stop = inner.stop.subscribe();
    let mut inflight: JoinSet<()> = JoinSet::new();
    // Rows claimed one round ahead, so that a finished upload's slot is filled without a
    // write each time: they are `sending` for the moment, and go back to the queue when
    // the queue is held or the uploader stops.
    let mut ahead: std::collections::VecDeque<OutboxItem> = Default::default();
    // Accepted files are moved and recorded by a stage of their own, in batches: an
    // upload's slot is free as soon as the platform has answered. Held in a set, so that
    // aborting the uploader (as a crash would) stops it too.
    // Bounded, and awaited by the uploads: an accepted file must be recorded, so when the
    // finisher is behind the uploads wait for it (holding their slots) rather than pile up.
    let (done_tx, done_rx) = mpsc::channel::<Done>(DONE_CAPACITY);
    let mut finisher = JoinSet::new();
    finisher.spawn(finish(Arc::clone(&inner), done_rx));
    loop {
        if *stop.borrow() {
            break;
        }
        let held = inner.hold_remaining();
        if held.is_some() && !ahead.is_empty() {
            unclaim(&inner, &mut ahead).await;
        }
        let free = inner.config.concurrency.saturating_sub(inflight.len());
        if held.is_none() && free > 0 {
            if ahead.len() < free {
                let want = free - ahead.len() + inner.config.concurrency;
                match outbox::claim_due(&inner.store, now_ms(), want as i64).await {
                    Ok(items) => ahead.extend(items),
                    Err(e) => tracing::warn!(error = %e, "claiming outbox rows failed"),
                }
            }
            for item in ahead.drain(..free.min(ahead.len())) {
                let (inner, done) = (Arc::clone(&inner), done_tx.clone());
                inflight.spawn(async move { upload_one(inner, item, done).await });
            }
        }
        let full = inflight.len() >= inner.config.concurrency;
        let wait = match held {
            Some(left) => left,
            // With every slot busy the loop waits for one to finish, not for a time: no
            // need to ask the database when the next row is due.
            None if full => Duration::from_secs(5),
            None => match outbox::next_due_ms(&inner.store).await {
                Ok(Some(due)) => Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0)),
                _ => Duration::from_secs(5),
            },
        }
        .clamp(Duration::from_millis(5), Duration::from_secs(5));
        tokio::select! {
            _ = inner.wake.notified() => {}
            Some(_) = inflight.join_next(), if !inflight.is_empty() => {}
            _ = tokio::time::sleep(wait), if !full => {}
            _ = stop.changed() => {}
        }
    }
    // Clean stop: what is in flight finishes (and is recorded) before we return.
    unclaim(&inner, &mut ahead).await;
    while inflight.join_next().await.is_some() {}
    drop(done_tx);
    while finisher.join_next().await.is_some() {}
}

/// Puts the rows claimed ahead back in the queue (a crash leaves them `sending`, which
/// the next start's resume puts back the same way).
async fn unclaim(inner: &Inner, ahead: &mut std::collections::VecDeque<OutboxItem>) {
    if ahead.is_empty() {
        return;
    }
    let ids: Vec<String> = ahead.drain(..).map(|item| item.id).collect();
    if let Err(e) = outbox::unclaim(&inner.store, &ids).await {
        tracing::warn!(error = %e, "returning claimed rows to the queue failed; resumed at start-up");
    }
}

/// Moves and records accepted files, a batch at a time, until the uploader is done.
async fn finish(inner: Arc<Inner>, mut done: mpsc::Receiver<Done>) {
    let mut batch = Vec::with_capacity(FINISH_BATCH);
    while let Some(first) = done.recv().await {
        batch.push(first);
        let until = tokio::time::Instant::now() + FINISH_WAIT;
        while batch.len() < FINISH_BATCH {
            match tokio::time::timeout_at(until, done.recv()).await {
                Ok(Some(next)) => batch.push(next),
                Ok(None) | Err(_) => break,
            }
        }
        accepted(&inner, std::mem::take(&mut batch)).await;
    }
}

/// Sends one claimed row; an accepted one goes to `done`, a failure is recorded here.
async fn upload_one(inner: Arc<Inner>, item: OutboxItem, done: mpsc::Sender<Done>) {
    inner.emit(
        &item,
        Stage::Uploaden {
            bytes_sent: 0,
            bytes_total: u64::try_from(item.size).unwrap_or(0),
        },
    );
    let result = send(&inner, &item).await;
    match result {
        Ok(doc) => {
            if doc.already_there {
                tracing::info!(id = %item.id, "the platform already has this file (409): recorded as sent");
            }
            if let Err(mpsc::error::SendError(unrecorded)) = done.send((item, doc)).await {
                accepted(&inner, vec![unrecorded]).await; // the finisher is gone (stopping)
            }
        }
        Err(err) => {
            let outcome = classify(&err);
            tracing::debug!(id = %item.id, error = %err, ?outcome, "upload failed");
            if let (ApiError::Maintenance { .. }, Outcome::Hold(wait, _)) = (&err, &outcome) {
                inner.note_platform_maintenance(*wait);
            }
            // A file that is gone may have been sent and moved by a run that stopped before
            // recording it, or by another installation watching the same folder: the id is
            // the content's, so the platform knows the document by it. Ask it; when it has
            // it, this file is done, quietly.
            if outcome == Outcome::Vanished && platform_has(&inner, &item).await {
                tracing::info!(id = %item.id, "file gone and on the platform: sent elsewhere");
                let doc = DocumentRef {
                    id: item.id.clone(),
                    already_there: true,
                };
                accepted(&inner, vec![(item, doc)]).await;
                return;
            }
            failed(&inner, &item, outcome).await;
        }
    }
}

/// Whether the platform has a document with this row's id (its status can be read).
async fn platform_has(inner: &Inner, item: &OutboxItem) -> bool {
    let party = PartyId::new(&item.party_id);
    let sales = item.direction == "sales";
    let history = if sales {
        inner.client.sales_invoice_status(&party, &item.id).await
    } else {
        inner.client.purchase_invoice_status(&party, &item.id).await
    };
    history.is_ok()
}

/// Sends the file by its route; returns the platform's document (a 409 to our id is
/// already success there, see `econnect_api::Client`).
async fn send(inner: &Inner, item: &OutboxItem) -> Result<DocumentRef, ApiError> {
    let party = PartyId::new(&item.party_id);
    let document_id = DocumentId::parse(&item.id)?;
    // Only the bytes checked before the file was queued are sent: their size and hash are
    // verified while the file streams (see `econnect_api::multipart`).
    let mut upload = Upload::from_path(&item.path)
        .with_mime(item.mime.clone())
        .expecting(checked_size(item), item.sha256.clone());
    upload.file_name = item.file_name.clone();
    let route = item
        .route
        .as_deref()
        .and_then(Route::parse)
        .unwrap_or(Route::PurchaseRecognize);
    let client = &inner.client;
    let doc = match route {
        Route::PurchaseRecognize => {
            client
                .recognize_purchase_invoice(&party, &upload, &document_id, None)
                .await?
        }
        Route::SalesRecognize => {
            client
                .recognize_sales_invoice(&party, &upload, &document_id, None)
                .await?
        }
        Route::SalesSend if item.mime == "application/pdf" => {
            // A hybrid PDF: send the invoice XML it carries (salesInvoice/send takes XML).
            let (temp, name) = embedded_to_temp(item).await?;
            let mut xml = Upload::from_path(temp.path()).with_mime("application/xml");
            xml.file_name = name;
            client
                .send_sales_invoice(&party, &xml, &document_id, &SendOptions::default())
                .await?
        }
        Route::SalesSend => {
            client
                .send_sales_invoice(&party, &upload, &document_id, &SendOptions::default())
                .await?
        }
    };
    Ok(doc)
}

/// The size recorded when the file was checked.
fn checked_size(item: &OutboxItem) -> u64 {
    u64::try_from(item.size).unwrap_or(u64::MAX)
}

/// Extracts a hybrid PDF's embedded invoice into a temporary file, from the PDF's bytes
/// only when they are still the ones checked.
async fn embedded_to_temp(
    item: &OutboxItem,
) -> Result<(tempfile::NamedTempFile, String), ApiError> {
    let path = std::path::PathBuf::from(&item.path);
    let (size, sha256) = (checked_size(item), item.sha256.clone());
    tokio::task::spawn_blocking(move || {
        let bytes = match read_bounded(&path) {
            Err(e) if econnect_api::local_file::is_link_error(&e) => {
                return Err(econnect_api::multipart::file_changed());
            }
            other => other?,
        };
        if bytes.len() as u64 != size || sha256_hex(&bytes) != sha256 {
            return Err(econnect_api::multipart::file_changed());
        }
        let (name, xml) = pdf::extract_embedded_invoice(&bytes).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "no embedded invoice XML")
        })?;
        let mut temp = tempfile::NamedTempFile::new()?;
        std::io::Write::write_all(&mut temp, &xml)?;
        Ok::<_, std::io::Error>((
            temp,
            if name.is_empty() {
                "factuur.xml".into()
            } else {
                name
            },
        ))
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e)))?
    .map_err(ApiError::Io)
}

/// The platform has these files: move them to `Verwerkt/` (one trip to the blocking pool),
/// then record them all in one write.
///
/// A crash between the move and the write leaves a row `sending`: the next start sends
/// it again with the same document id, the platform answers 409 (it has it), and the
/// (already moved) file is then simply recorded as moved.
async fn accepted(inner: &Arc<Inner>, batch: Vec<Done>) {
    let places: Vec<(String, Option<String>)> = batch
        .iter()
        .map(|(item, _)| (item.path.clone(), item.done_dir.clone()))
        .collect();
    let offset = inner.config.local_offset;
    let count = places.len();
    let moved = tokio::task::spawn_blocking(move || {
        let now = OffsetDateTime::now_utc().to_offset(offset);
        places
            .into_iter()
            .map(|(path, done_dir)| {
                let dir = done_dir?;
                match moves::to_done(std::path::Path::new(&path), std::path::Path::new(&dir), now) {
                    Ok(p) => Some(p.to_string_lossy().into_owned()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(path),
                    Err(e) => {
                        tracing::warn!(path, error = %e, "moving a sent file failed; tried again at the next rescan");
                        None
                    }
                }
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_else(|_| vec![None; count]);
    let rows: Vec<outbox::Accepted> = batch
        .iter()
        .zip(&moved)
        .map(|((item, doc), moved_to)| outbox::Accepted {
            id: item.id.clone(),
            document_id: doc.id.clone(),
            moved_to: moved_to.clone(),
        })
        .collect();
    if let Err(e) = outbox::mark_sent(&inner.store, &rows).await {
        // The platform has them; a later retry with the same ids finds them again.
        tracing::error!(files = rows.len(), error = %e, "recording sent files failed");
        return;
    }
    for ((item, doc), moved_to) in batch.into_iter().zip(moved) {
        if moved_to.is_some() {
            inner.forget_path(&item.original_path);
        } else if item.done_dir.is_some() {
            inner.note_unmoved(item.id.clone());
        }
        let stage = Stage::Verzonden {
            document_id: doc.id,
            already_there: doc.already_there,
        };
        inner.emit(&item, stage);
    }
}

/// Moves a handled file on the blocking pool.
async fn move_file(
    item: &OutboxItem,
    done_dir: &str,
    refusal: Option<Refusal>,
    offset: time::UtcOffset,
) -> std::io::Result<std::path::PathBuf> {
    let path = std::path::PathBuf::from(&item.path);
    let folder = std::path::PathBuf::from(done_dir);
    tokio::task::spawn_blocking(move || {
        let now = OffsetDateTime::now_utc().to_offset(offset);
        match refusal {
            None => moves::to_done(&path, &folder, now),
            Some(r) => moves::to_failed(&path, &folder, &r, now),
        }
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Records a failed upload by its outcome.
async fn failed(inner: &Arc<Inner>, item: &OutboxItem, outcome: Outcome) {
    let result = match outcome {
        Outcome::Refused(refusal) => {
            let r = mark_failed(inner, item, "refused", &refusal).await;
            move_after(inner, item, Some(&refusal)).await;
            inner.emit(item, Stage::Mislukt { refusal });
            r
        }
        Outcome::Changed => {
            crate::recheck::file_changed(inner, item).await;
            Ok(())
        }
        Outcome::Vanished => {
            let refusal = Refusal::new(
                RefusalCode::Unreadable,
                "Het bestand is verdwenen voordat het kon worden verzonden",
                "The file disappeared before it could be sent",
            );
            inner.forget_path(&item.original_path);
            let r = mark_failed(inner, item, "refused", &refusal).await;
            inner.emit(item, Stage::Mislukt { refusal });
            r
        }
        Outcome::Hold(wait, message) => {
            inner.hold_for(wait);
            let attempt = u32::try_from(item.attempts).unwrap_or(0);
            mark_retry(inner, item, attempt, wait, message, false).await
        }
        Outcome::Retry(message) => {
            let attempt = u32::try_from(item.attempts).unwrap_or(0) + 1;
            if attempt >= inner.config.max_attempts {
                let refusal = Refusal::new(
                    RefusalCode::GaveUp,
                    format!(
                        "Verzenden mislukte {attempt} keer ({message}); probeer het later opnieuw"
                    ),
                    format!("Sending failed {attempt} times ({message}); try again later"),
                );
                let r = mark_failed(inner, item, "dead", &refusal).await;
                inner.emit(item, Stage::Dood { refusal });
                r
            } else {
                let wait = backoff(inner.config.base_delay, inner.config.max_delay, attempt);
                mark_retry(inner, item, attempt, wait, message, true).await
            }
        }
    };
    if let Err(e) = result {
        tracing::error!(id = %item.id, error = %e, "recording an upload failure failed");
    }
}

/// Records a refused or dead row.
async fn mark_failed(
    inner: &Arc<Inner>,
    item: &OutboxItem,
    state: &str,
    refusal: &Refusal,
) -> Result<(), econnect_store::StoreError> {
    outbox::mark_failed(
        &inner.store,
        &item.id,
        state,
        &code_text(refusal.code),
        &refusal.message,
    )
    .await
}

/// Schedules the next try after `wait` (`counts`: whether this was a failed attempt) and
/// tells the UI.
async fn mark_retry(
    inner: &Arc<Inner>,
    item: &OutboxItem,
    attempt: u32,
    wait: std::time::Duration,
    message: String,
    counts: bool,
) -> Result<(), econnect_store::StoreError> {
    let r = outbox::mark_retry(
        &inner.store,
        &item.id,
        now_ms().saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
        &message,
        counts,
    )
    .await;
    inner.emit(
        item,
        Stage::Opnieuw {
            attempt,
            wait_ms: wait.as_millis() as u64,
            error: message,
        },
    );
    r
}

/// Moves a handled file out of its watched folder (never for dropped files).
pub async fn move_after(inner: &Arc<Inner>, item: &OutboxItem, refusal: Option<&Refusal>) {
    let Some(done_dir) = item.done_dir.clone() else {
        return;
    };
    let moved = move_file(item, &done_dir, refusal.cloned(), inner.config.local_offset).await;
    match moved {
        Ok(new_path) => {
            let recorded =
                outbox::set_moved(&inner.store, &item.id, &new_path.to_string_lossy()).await;
            if let Err(e) = recorded {
                tracing::warn!(id = %item.id, error = %e, "recording a move failed");
            }
            inner.forget_path(&item.original_path);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Gone already (moved by a run that stopped before recording it, or by the user):
            // nothing is left to move, so stop trying.
            let recorded = outbox::set_moved(&inner.store, &item.id, &item.path).await;
            if let Err(e) = recorded {
                tracing::warn!(id = %item.id, error = %e, "recording a move failed");
            }
            inner.forget_path(&item.original_path);
        }
        Err(e) => {
            tracing::warn!(id = %item.id, error = %e, "moving a handled file failed; tried again at the next rescan");
            inner.note_unmoved(item.id.clone());
        }
    }
}

/// The stored (snake_case) text of a refusal code.
pub fn code_text(code: RefusalCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted() {
        assert!(
            matches!(classify(&ApiError::Maintenance { retry_after: Some(Duration::from_secs(3)) }), Outcome::Hold(d, _) if d == Duration::from_secs(3))
        );
        assert!(matches!(
            classify(&ApiError::RateLimited { retry_after: None }),
            Outcome::Hold(..)
        ));
        assert!(matches!(
            classify(&ApiError::Reset("x".into())),
            Outcome::Retry(_)
        ));
        assert!(matches!(classify(&ApiError::Timeout), Outcome::Retry(_)));
        let e500 = ApiError::Api {
            status: 500,
            code: "API500".into(),
            message: "x".into(),
            request_id: None,
        };
        assert!(matches!(classify(&e500), Outcome::Retry(_)));
        let prot = ApiError::Api {
            status: 400,
            code: "API400".into(),
            message: "Document protected".into(),
            request_id: None,
        };
        assert!(
            matches!(classify(&prot), Outcome::Refused(r) if r.message == "Document beveiligd")
        );
        let gone = ApiError::Io(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(classify(&gone), Outcome::Vanished);
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(2);
        for attempt in 1..10 {
            let d = backoff(base, max, attempt);
            let full = base.saturating_mul(2u32.pow(attempt - 1)).min(max);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
    }
}
