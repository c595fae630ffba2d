//! Status tracking: follows every open document of this installation (one it sent,
//! not yet Delivered, Rejected or Failed) until it reaches a final status. The platform has
//! no document lists, so each document is asked about with its own status call
//! (`GET …/salesInvoice|purchaseInvoice/{id}/status`, which carries the history and any
//! reason), on a schedule that slows down as it ages; every call waits for a token of a
//! per-minute budget, so 10,000 open documents cost a bounded number of calls per minute.
//! History entries without a name carry no status and are skipped. Where a hook channel
//! works (an event arrived within a day), the platform announces final statuses itself
//! (InvoiceSent*, handled by the hook worker) and the status call becomes a rare safety net.

mod refresh;
pub mod schedule;

pub use refresh::StatusRefresh;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use econnect_api::{Client, PartyId};
use econnect_store::{Direction, LearnedStatus, OpenDocument, StatusChange, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, broadcast};
use tokio::time::Instant;

use crate::error::EngineError;
use crate::sync::with_retries;
use econnect_store::tracking::FINAL_STATUSES;
use schedule::{CallBudget, HOOKS_FRESH, interval_for_age, interval_with_hooks};

/// How the tracker works; the defaults suit the app.
#[derive(Debug, Clone)]
pub struct TrackerOptions {
    /// Calls per minute at most (average).
    pub calls_per_minute: u32,
    /// Calls at once at most (the bucket's size).
    pub burst: u32,
    /// Pause between rounds.
    pub tick: Duration,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        TrackerOptions {
            calls_per_minute: 120,
            burst: 20,
            tick: Duration::from_secs(5),
        }
    }
}

/// What the tracker has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TrackerStats {
    /// Platform calls made (every attempt, retries included).
    pub calls: u64,
    /// Statuses that changed.
    pub changes: u64,
}

/// Follows the statuses of one profile's open documents.
#[derive(Clone)]
pub struct Tracker {
    client: Client,
    store: Store,
    options: Arc<TrackerOptions>,
    budget: Arc<CallBudget>,
    next_check: Arc<Mutex<HashMap<String, Instant>>>,
    calls: Arc<AtomicU64>,
    changes: Arc<AtomicU64>,
    events: broadcast::Sender<StatusChange>,
    /// A hook channel delivered lately: statuses come by hook, the status call is a safety net.
    hooks_working: Arc<AtomicBool>,
}

/// Whether the last hook event (RFC 3339, as the store keeps it) is recent enough for hooks
/// to count as the status channel.
fn hooks_working(last_event: Option<&str>, now: time::OffsetDateTime) -> bool {
    let Some(at) = last_event.and_then(|t| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    }) else {
        return false;
    };
    let fresh = time::Duration::try_from(HOOKS_FRESH).unwrap_or(time::Duration::DAY);
    at <= now + time::Duration::minutes(5) && now - at <= fresh
}

impl Tracker {
    /// A tracker over a client and a profile's cache.
    pub fn new(client: Client, store: Store, options: TrackerOptions) -> Tracker {
        let budget = Arc::new(CallBudget::new(options.calls_per_minute, options.burst));
        let (events, _) = broadcast::channel(4096);
        Tracker {
            client,
            store,
            options: Arc::new(options),
            budget,
            next_check: Arc::default(),
            calls: Arc::default(),
            changes: Arc::default(),
            events,
            hooks_working: Arc::default(),
        }
    }

    /// Every status change it writes (for notifications).
    pub fn subscribe(&self) -> broadcast::Receiver<StatusChange> {
        self.events.subscribe()
    }

    /// Counts so far.
    pub fn stats(&self) -> TrackerStats {
        TrackerStats {
            calls: self.calls.load(Ordering::Relaxed),
            changes: self.changes.load(Ordering::Relaxed),
        }
    }

    /// The budget (tests check the calls against its ceiling).
    pub fn budget(&self) -> &CallBudget {
        &self.budget
    }

    /// Open documents left in the cache.
    pub async fn open_count(&self) -> Result<usize, EngineError> {
        Ok(self.store.open_documents(u32::MAX).await?.len())
    }

    /// One round: checks every document that is due, one status call each (as the budget
    /// allows, oldest first); returns how many documents were checked.
    pub async fn round(&self) -> Result<usize, EngineError> {
        let recent = self.store.last_hook_event_at().await?;
        self.hooks_working.store(
            hooks_working(recent.as_deref(), time::OffsetDateTime::now_utc()),
            Ordering::Relaxed,
        );
        let open = self.store.open_documents(200_000).await?;
        let now = Instant::now();
        let due: Vec<OpenDocument> = {
            let mut next = self.next_check.lock().await;
            let alive: HashSet<&str> = open.iter().map(|d| d.id.as_str()).collect();
            next.retain(|id, _| alive.contains(id.as_str()));
            open.into_iter()
                .filter(|d| next.get(&d.id).is_none_or(|t| *t <= now))
                .collect()
        };
        let mut groups: HashMap<(String, Direction), Vec<OpenDocument>> = HashMap::new();
        for d in due {
            groups
                .entry((d.party_id.clone(), d.direction))
                .or_default()
                .push(d);
        }
        let mut checked = 0;
        let mut first_error = None;
        for ((party, direction), docs) in groups {
            match self.check_each(&party, direction, &docs).await {
                Ok(n) => checked += n,
                Err(e) => {
                    tracing::info!(party, error = %e, "statuses not checked");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) if checked == 0 => Err(e),
            _ => Ok(checked),
        }
    }

    /// One status call per document (the platform's history, with its reasons).
    async fn check_each(
        &self,
        party: &str,
        direction: Direction,
        docs: &[OpenDocument],
    ) -> Result<usize, EngineError> {
        let id = PartyId::new(party);
        let mut learned = Vec::new();
        let mut done = Vec::new();
        let mut first_error = None;
        for doc in docs {
            let entries = match direction {
                Direction::Sent => {
                    self.call("sales status", || {
                        self.client.sales_invoice_status(&id, &doc.id)
                    })
                    .await
                }
                Direction::Received => {
                    self.call("purchase status", || {
                        self.client.purchase_invoice_status(&id, &doc.id)
                    })
                    .await
                }
            };
            let entries = match entries {
                Ok(e) => e,
                Err(e) => {
                    // Asked again at its next time; the others go on.
                    self.reschedule(doc).await;
                    first_error.get_or_insert(e);
                    continue;
                }
            };
            // Unnamed entries are left out: no news, asked again at the next time.
            let history = crate::sync::history_steps(entries);
            if let Some(last) = history.last() {
                learned.push(LearnedStatus {
                    id: doc.id.clone(),
                    status: last.status.clone(),
                    history: Some(history),
                });
            }
            done.push(doc.clone());
        }
        self.write(learned, &done).await?;
        match first_error {
            Some(e) if done.is_empty() => Err(e.into()),
            _ => Ok(done.len()),
        }
    }

    /// Writes what was learned and schedules each document's next check.
    async fn write(
        &self,
        learned: Vec<LearnedStatus>,
        docs: &[OpenDocument],
    ) -> Result<(), EngineError> {
        if !learned.is_empty() {
            let changed = self.store.apply_statuses(&learned).await?;
            self.changes
                .fetch_add(changed.len() as u64, Ordering::Relaxed);
            for c in changed {
                let _ = self.events.send(c);
            }
        }
        let final_now: HashSet<&str> = learned
            .iter()
            .filter(|l| FINAL_STATUSES.contains(&l.status.as_str()))
            .map(|l| l.id.as_str())
            .collect();
        for doc in docs {
            if final_now.contains(doc.id.as_str()) {
                self.next_check.lock().await.remove(&doc.id);
            } else {
                self.reschedule(doc).await;
            }
        }
        Ok(())
    }

    async fn reschedule(&self, doc: &OpenDocument) {
        let age = age_of(&doc.created_at);
        let pause = if self.hooks_working.load(Ordering::Relaxed) {
            interval_with_hooks(age)
        } else {
            interval_for_age(age)
        };
        self.next_check
            .lock()
            .await
            .insert(doc.id.clone(), Instant::now() + pause);
    }

    /// One platform call with retries; every attempt waits for a token of the budget.
    async fn call<T, F, Fut>(&self, what: &str, call: F) -> Result<T, econnect_api::Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, econnect_api::Error>>,
    {
        with_retries(what, || async {
            self.budget.acquire().await;
            self.calls.fetch_add(1, Ordering::Relaxed);
            call().await
        })
        .await
    }

    /// Rounds until `stop` turns true (the session's task).
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let round = self.round();
            tokio::select! {
                result = round => if let Err(e) = result {
                    tracing::debug!(error = %e, "status round failed; next round later");
                },
                _ = stop.wait_for(|s| *s) => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(self.options.tick) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }
}

fn age_of(created_at: &str) -> Duration {
    time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| (time::OffsetDateTime::now_utc() - t).unsigned_abs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn hooks_count_as_the_status_channel_only_while_they_deliver() {
        let now = datetime!(2026-12-06 10:00 UTC);
        assert!(hooks_working(Some("2026-12-06T09:00:00Z"), now));
        assert!(
            !hooks_working(Some("2026-12-04T09:00:00Z"), now),
            "silent for two days"
        );
        assert!(
            !hooks_working(Some("2027-01-01T00:00:00Z"), now),
            "a clock far ahead is not trusted"
        );
        assert!(!hooks_working(Some("gisteren"), now));
        assert!(!hooks_working(None, now));
    }
}
