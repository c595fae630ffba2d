//! Processes the inbox in order of arrival: a received invoice is recorded for the
//! receiver (which downloads and writes it once), a sent document's status follows its
//! InvoiceSent* events, everything else is recorded and left. Also at start-up, so a crash
//! between storing an event and acting on it is caught up.

use std::collections::HashSet;
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
    /// One round at a time (the loop and a caller's `round`).
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

    /// Rounds until `stop` turns true: one at once (catching up after a restart), then on
    /// every wake and at least every 30 seconds.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                result = self.round() => if let Err(e) = result {
                    tracing::warn!(error = %e, "hook events not processed; next round later");
                },
                _ = stop.wait_for(|s| *s) => return,
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(ROUND_INTERVAL) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }

    /// Processes every stored, unprocessed event in order of arrival, then downloads what
    /// is recorded and due.
    pub async fn round(&self) -> Result<RoundSummary, EngineError> {
        let _one = self.lock.lock().await;
        let mut summary = RoundSummary::default();
        let mut refreshed = false;
        loop {
            let events = self.store.unprocessed_hook_events(BATCH).await?;
            if events.is_empty() {
                break;
            }
            for row in events {
                if row.topic == INVOICE_RECEIVED && !refreshed && !self.knows_party(&row).await? {
                    // A new organisation: its name and receive state come from the platform.
                    if let Err(e) = self.receiver.refresh_organisations().await {
                        tracing::info!(error = %e, "organisations not refreshed");
                    }
                    refreshed = true;
                }
                let outcome = self.process(&row, &mut summary).await?;
                self.store
                    .mark_hook_event_processed(row.seq, &outcome)
                    .await?;
                summary.events += 1;
            }
        }
        summary.received = self.receiver.save_recorded().await?;
        Ok(summary)
    }

    async fn knows_party(&self, row: &HookEventRow) -> Result<bool, EngineError> {
        let Some(party) = row.party_id.as_deref() else {
            return Ok(true);
        };
        let party = PartyId::new(party).as_str().to_string();
        let known: HashSet<String> = self
            .receiver
            .organisations()
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        Ok(known.contains(&party))
    }

    /// Acts on one event; returns what was done (kept with the event).
    async fn process(
        &self,
        row: &HookEventRow,
        summary: &mut RoundSummary,
    ) -> Result<String, EngineError> {
        let event = WebhookEvent::parse(row.body.as_bytes()).unwrap_or_default();
        let Some(document) = row.document_id.as_deref().filter(|d| !d.is_empty()) else {
            return Ok("genegeerd: geen document".into());
        };
        match row.topic.as_str() {
            INVOICE_RECEIVED => {
                let Some(party) = row.party_id.as_deref() else {
                    return Ok("genegeerd: geen organisatie".into());
                };
                let party = PartyId::new(party).as_str().to_string();
                let received_on = row
                    .created_on
                    .as_deref()
                    .map(timestamp::normalise)
                    .filter(|t| timestamp::parse_date(t.get(..10).unwrap_or("")).is_some())
                    .unwrap_or_else(timestamp::now);
                let channel = event
                    .details
                    .get("channel")
                    .cloned()
                    .unwrap_or_else(|| "other".into());
                let listed = ListedInvoice {
                    document_id: document.to_string(),
                    received_on,
                    channel,
                };
                let new = self.store.record_listed(&party, &[listed], None).await?;
                summary.recorded += new;
                Ok(if new > 0 {
                    "vastgelegd om op te halen".into()
                } else {
                    "al bekend".into()
                })
            }
            INVOICE_SENT | INVOICE_SENT_ERROR => {
                let status = if row.topic == INVOICE_SENT {
                    "Delivered"
                } else {
                    "Failed"
                };
                // Arrival order is not event order: news older than a final status already
                // applied from a hook is not applied over it.
                if let Some(ms) = row.created_ms {
                    if self
                        .store
                        .newer_hook_event(document, &[INVOICE_SENT, INVOICE_SENT_ERROR], ms)
                        .await?
                    {
                        return Ok(format!(
                            "ouder bericht dan het verwerkte; {status} niet toegepast"
                        ));
                    }
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
            INVOICE_RECEIVED_ERROR => Ok(format!(
                "ontvangen mislukt: {}",
                event.message.as_deref().unwrap_or("geen reden gegeven")
            )),
            _ => Ok("genegeerd".into()),
        }
    }
}
