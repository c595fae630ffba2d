//! Processes the inbox in order of arrival: a received invoice is recorded for the
//! receiver (which downloads and writes it once), a sent document's status follows its
//! InvoiceSent* events, everything else is recorded and left. Also at start-up, so a crash
//! between storing an event and acting on it is caught up.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use econnect_api::PartyId;
use econnect_api::webhook::{
    INVOICE_RECEIVED, INVOICE_RECEIVED_ERROR, INVOICE_SENT, INVOICE_SENT_ERROR, INVOICE_SENT_RETRY,
    WebhookEvent,
};
use econnect_store::{HookEventRow, LearnedStatus, ListedInvoice, StatusChange, Store, timestamp};
use tokio::sync::{Notify, broadcast, watch};

use crate::error::EngineError;
use crate::receive::{ReceiveSummary, Receiver};

/// Events taken from the inbox at a time.
const BATCH: u32 = 200;
/// Longest pause between rounds: downloads that failed are retried on their schedule.
const ROUND_INTERVAL: Duration = Duration::from_secs(30);

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundSummary {
    /// Events processed.
    pub events: u32,
    /// Received invoices recorded for download (new ones).
    pub recorded: u32,
    /// Sent documents whose status changed.
    pub statuses: u32,
    /// What the download part did.
    pub received: ReceiveSummary,
}

/// The inbox's worker of one profile.
#[derive(Clone)]
pub struct HookWorker {
    store: Store,
    receiver: Receiver,
    wake: Arc<Notify>,
    changes: broadcast::Sender<StatusChange>,
    /// One batch of events at a time (the loop and a caller's `round`).
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl HookWorker {
    /// A worker over a profile's cache; `receiver` downloads what hooks announce.
    pub fn new(store: Store, receiver: Receiver) -> HookWorker {
        HookWorker {
            store,
            receiver,
            wake: Arc::new(Notify::new()),
            changes: broadcast::channel(1024).0,
            lock: Arc::default(),
        }
    }

    /// Ring it to start a round now (the receiver does after storing an event).
    pub fn wake_handle(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Invoices it wrote to disk (and retention warnings), as the receiver reports them.
    pub fn received(&self) -> broadcast::Receiver<crate::receive::ReceiveEvent> {
        self.receiver.subscribe()
    }

    /// Statuses the worker changed (for notices).
    pub fn subscribe(&self) -> broadcast::Receiver<StatusChange> {
        self.changes.subscribe()
    }

    /// Works until `stop` turns true, in two loops side by side: one takes stored events
    /// (at once, catching up after a restart, then on every wake and at least every 30
    /// seconds) and rings the other, which downloads what they recorded. Side by side, an
    /// invoice announced while others download joins their stream instead of waiting.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        let events = async {
            let mut stop = stop.clone();
            loop {
                tokio::select! {
                    result = self.take_events() => match result {
                        Ok(summary) if summary.recorded > 0 => self.receiver.announce(),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "hook events not processed; next round later"),
                    },
                    _ = stop.wait_for(|s| *s) => return,
                }
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(ROUND_INTERVAL) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        };
        let downloads = async {
            let mut stop = stop.clone();
            loop {
                tokio::select! {
                    result = self.receiver.pass() => if let Err(e) = result {
                        tracing::warn!(error = %e, "received invoices not fetched; next pass later");
                    },
                    _ = stop.wait_for(|s| *s) => return,
                }
                // Failed downloads are due again on their schedule.
                tokio::select! {
                    () = self.receiver.announced() => {}
                    _ = tokio::time::sleep(ROUND_INTERVAL) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        };
        tokio::join!(events, downloads);
    }

    /// Processes the oldest stored, unprocessed events (one batch), then downloads what is
    /// recorded and due: what the two loops of [`HookWorker::run`] do, once, in turn.
    pub async fn round(&self) -> Result<RoundSummary, EngineError> {
        let mut summary = self.take_events().await?;
        summary.received = self.receiver.pass().await?;
        Ok(summary)
    }

    /// Processes the oldest stored, unprocessed events (one batch, in order of arrival);
    /// when the batch was full it rings for the next at once. One batch at a time: while
    /// deliveries keep arriving, the invoices already announced are fetched instead of
    /// waiting for a quiet inbox. The batch's received invoices are recorded together (one
    /// transaction per organisation) and its events marked processed together: a crash in
    /// between repeats the batch, which is harmless (recording is idempotent, statuses only
    /// move forward).
    pub async fn take_events(&self) -> Result<RoundSummary, EngineError> {
        let _one = self.lock.lock().await;
        let mut summary = RoundSummary::default();
        let events = self.store.unprocessed_hook_events(BATCH).await?;
        if events.len() >= BATCH as usize {
            self.wake.notify_one();
        }
        let mut listed: BTreeMap<String, Vec<ListedInvoice>> = BTreeMap::new();
        let mut done = Vec::with_capacity(events.len());
        for row in &events {
            let outcome = if row.topic == INVOICE_RECEIVED {
                match received_item(row) {
                    Ok((party, item)) => {
                        listed.entry(party).or_default().push(item);
                        "vastgelegd om op te halen".to_string()
                    }
                    Err(why) => why.to_string(),
                }
            } else {
                self.process(row, &mut summary).await?
            };
            done.push((row.seq, outcome));
        }
        if !listed.is_empty() {
            let known = self.organisations().await?;
            if listed.keys().any(|p| !known.contains(p)) {
                // A new organisation: its name and receive state come from the platform.
                if let Err(e) = self.receiver.refresh_organisations().await {
                    tracing::info!(error = %e, "organisations not refreshed");
                }
            }
        }
        for (party, items) in &listed {
            summary.recorded += self.store.record_listed(party, items, None).await?;
        }
        if !done.is_empty() {
            self.store.mark_hook_events_processed(&done).await?;
        }
        summary.events = u32::try_from(done.len()).unwrap_or(u32::MAX);
        Ok(summary)
    }

    async fn organisations(&self) -> Result<HashSet<String>, EngineError> {
        Ok(self
            .receiver
            .organisations()
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect())
    }

    /// Acts on one event; returns what was done (kept with the event).
    async fn process(
        &self,
        row: &HookEventRow,
        summary: &mut RoundSummary,
    ) -> Result<String, EngineError> {
        let document = row.document_id.as_deref().filter(|d| !d.is_empty());
        match row.topic.as_str() {
            INVOICE_SENT | INVOICE_SENT_ERROR => {
                let Some(document) = document else {
                    return Ok("genegeerd: geen document".into());
                };
                let status = if row.topic == INVOICE_SENT {
                    "Delivered"
                } else {
                    "Failed"
                };
                // Arrival order is not event order: news older than a final status already
                // applied from a hook is not applied over it.
                if let Some(ms) = row.created_ms
                    && self
                        .store
                        .newer_hook_event(
                            document,
                            &[INVOICE_SENT, INVOICE_SENT_ERROR],
                            ms,
                            row.seq,
                        )
                        .await?
                {
                    return Ok(format!(
                        "ouder bericht dan het verwerkte; {status} niet toegepast"
                    ));
                }
                let learned = LearnedStatus {
                    id: document.to_string(),
                    status: status.to_string(),
                    history: None,
                };
                let changed = self.store.apply_statuses(&[learned]).await?;
                summary.statuses += u32::try_from(changed.len()).unwrap_or(u32::MAX);
                let outcome = if changed.is_empty() {
                    "geen wijziging (onbekend document of al zo)".to_string()
                } else {
                    format!("status {status}")
                };
                for change in changed {
                    let _ = self.changes.send(change);
                }
                Ok(outcome)
            }
            // Temporary: the platform tries again, the document stays open.
            INVOICE_SENT_RETRY => Ok("nog onderweg (platform probeert opnieuw)".into()),
            INVOICE_RECEIVED_ERROR => {
                // Only this topic needs more of the body than the stored columns.
                let event = WebhookEvent::parse(row.body.as_bytes()).unwrap_or_default();
                Ok(format!(
                    "ontvangen mislukt: {}",
                    event.message.as_deref().unwrap_or("geen reden gegeven")
                ))
            }
            _ => Ok("genegeerd".into()),
        }
    }
}

/// The received invoice an `InvoiceReceived` event announces: its organisation and the row
/// to record (arrival = `createdOn`, which also picks the month folder).
fn received_item(row: &HookEventRow) -> Result<(String, ListedInvoice), &'static str> {
    let document = row
        .document_id
        .as_deref()
        .filter(|d| !d.is_empty())
        .ok_or("genegeerd: geen document")?;
    let party = row
        .party_id
        .as_deref()
        .filter(|p| !p.is_empty())
        .ok_or("genegeerd: geen organisatie")?;
    let received_on = row
        .created_on
        .as_deref()
        .map(timestamp::normalise)
        .filter(|t| timestamp::parse_date(t.get(..10).unwrap_or("")).is_some())
        .unwrap_or_else(timestamp::now);
    let channel = WebhookEvent::channel_of(row.body.as_bytes()).unwrap_or_else(|| "other".into());
    Ok((
        PartyId::new(party).as_str().to_string(),
        ListedInvoice {
            document_id: document.to_string(),
            received_on,
            channel,
        },
    ))
}
