//! The session's followers beside the sync loop: status tracking and receiving, started
//! when a session opens and stopped with it. Their news becomes notices for the tray.
//!
//! How a receive pass is triggered: the platform has no list of received invoices, so an
//! invoice is known once it is recorded with `Store::record_listed` (a hook's
//! InvoiceReceived event, via [`crate::Engine::announce_received`]). That kicks
//! `Session::receive_kick`, and [`receive_loop`] runs a pass at once; it also runs one after
//! every completed sync and at least every minute (for failed downloads that are due again).

use std::sync::Arc;
use std::time::Duration;

use econnect_store::StatusChange;
use tokio::sync::broadcast::error::RecvError;

use crate::desktop::{Notice, NoticeKind};
use crate::engine::Inner;
use crate::receive::{ReceiveEvent, ReceiveOptions, Receiver};
use crate::session::Session;
use crate::tracking::{Tracker, TrackerOptions};

/// Longest pause between receive passes (a sync also starts one).
const RECEIVE_INTERVAL: Duration = Duration::from_secs(60);

/// Starts the tracker and the receiver of a session.
pub(crate) fn start(inner: &Arc<Inner>, session: &Arc<Session>) {
    let tracker = Tracker::new(
        session.client.clone(),
        session.store.clone(),
        TrackerOptions::default(),
    );
    let mut changes = tracker.subscribe();
    let notices = inner.notices.clone();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    if let Some(n) = status_notice(&change) {
                        let _ = notices.send(n);
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    tokio::spawn(tracker.run(session.stop.subscribe()));

    let receiver = Receiver::new(
        session.client.clone(),
        session.store.clone(),
        ReceiveOptions::default(),
    );
    let _ = session.receiver.set(receiver.clone());
    let mut events = receiver.subscribe();
    let notices = inner.notices.clone();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    let _ = notices.send(receive_notice(&event));
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    tokio::spawn(receive_loop(
        Arc::clone(inner),
        Arc::clone(session),
        receiver,
        session.stop.subscribe(),
    ));
    tokio::spawn(sent_facts_loop(Arc::clone(inner), Arc::clone(session)));
}

/// Reads sent invoices' own files for their customer and amount: once at start (files sent
/// before), then whenever the platform accepted files.
async fn sent_facts_loop(inner: Arc<Inner>, session: Arc<Session>) {
    let mut events = inner.outbox.subscribe();
    let mut stop = session.stop.subscribe();
    loop {
        if let Err(e) = crate::sent_facts::fill(&session.store).await {
            tracing::info!(error = %e, "reading sent invoices' facts failed; tried after the next send");
        }
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(e) if matches!(e.stage, econnect_intake::Stage::Verzonden { .. }) => break,
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                },
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }
}

/// A pass when kicked (an invoice was announced), after every completed sync (the
/// organisations and receive states are fresh then), and at least every minute.
async fn receive_loop(
    inner: Arc<Inner>,
    session: Arc<Session>,
    receiver: Receiver,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut status = inner.status.subscribe();
    let mut last = status.borrow().last_synced.clone();
    loop {
        tokio::select! {
            changed = status.changed() => {
                if changed.is_err() {
                    return;
                }
                let now = status.borrow_and_update().last_synced.clone();
                if now == last || now.is_none() {
                    continue;
                }
                last = now;
            }
            _ = session.receive_kick.notified() => {}
            _ = tokio::time::sleep(RECEIVE_INTERVAL) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let pass = receiver.pass();
        tokio::select! {
            result = pass => if let Err(e) = result {
                tracing::info!(error = %e, "receive pass failed; next pass later");
            },
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// The notice of a status change: delivered, or rejected/failed with the platform's reason.
pub fn status_notice(change: &StatusChange) -> Option<Notice> {
    let subject = change.label.clone().unwrap_or_else(|| change.id.clone());
    match change.new_status.as_str() {
        "Delivered" => Some(Notice::new(NoticeKind::DocumentDelivered, subject)),
        "Rejected" | "Failed" => Some(match &change.reason {
            Some(reason) => {
                Notice::with_reason(NoticeKind::DocumentRejected, subject, reason.clone())
            }
            None => Notice::new(NoticeKind::DocumentRejected, subject),
        }),
        _ => None,
    }
}

/// The notice of a receive event.
pub fn receive_notice(event: &ReceiveEvent) -> Notice {
    match event {
        ReceiveEvent::Saved {
            organisation,
            label,
        } => Notice::new(
            NoticeKind::InvoiceReceived,
            format!("{label} ({organisation})"),
        ),
        // Same kind (the user switches "factuur ontvangen" on or off as one), with the risk as reason.
        ReceiveEvent::RetentionRisk {
            organisation,
            label,
        } => Notice::with_reason(
            NoticeKind::InvoiceReceived,
            format!("{label} ({organisation})"),
            "Nog niet opgehaald: het platform wist deze factuur na 90 dagen. / Not downloaded yet: the platform deletes it after 90 days.",
        ),
    }
}
