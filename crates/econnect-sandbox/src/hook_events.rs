//! Hook events: what happened to which party's document, which hooks it reaches, and when.
//!
//! An event is either emitted now (an invoice arrived) or scheduled at the sandbox time a
//! document reaches its final status (a sent invoice is Delivered two minutes after upload).
//! A scheduler task fires scheduled events when the virtual clock passes them; delivery
//! itself runs in background tasks, so no API call waits on a receiver.

use std::collections::BTreeMap;
use std::sync::{Arc, Weak};

use time::OffsetDateTime;

use crate::hook_delivery;
use crate::party_id;
use crate::state::{AppState, Direction, Document, Hook, Inner, unix_ms};

/// An invoice arrived for the party.
pub const INVOICE_RECEIVED: &str = "InvoiceReceived";
/// A received invoice could not be processed (e.g. recognition refused it).
pub const INVOICE_RECEIVED_ERROR: &str = "InvoiceReceivedError";
/// A sent invoice was delivered.
pub const INVOICE_SENT: &str = "InvoiceSent";
/// Sending met a temporary problem; the platform tries again.
pub const INVOICE_SENT_RETRY: &str = "InvoiceSentRetry";
/// Sending failed for good (rejected or undeliverable).
pub const INVOICE_SENT_ERROR: &str = "InvoiceSentError";
/// The test event of `GET /api/v1/{partyId}/hook/ping` ([I]: the platform's topic name is not documented).
pub const PING: &str = "Ping";

/// Something that happened to a party's document.
#[derive(Debug, Clone, PartialEq)]
pub struct HookEvent {
    /// The topic, e.g. [`INVOICE_RECEIVED`].
    pub topic: String,
    /// Normalised party id.
    pub party: String,
    /// The document, if any (a ping has none).
    pub document_id: Option<String>,
    /// Text for people.
    pub message: String,
    /// Details as strings (sender, recipient, reason, …).
    pub details: BTreeMap<String, String>,
    /// When it happened (sandbox clock).
    pub created_on: OffsetDateTime,
}

impl HookEvent {
    /// An event about a document.
    pub fn new(
        topic: &str,
        party: &str,
        document_id: Option<&str>,
        message: impl Into<String>,
        created_on: OffsetDateTime,
    ) -> Self {
        HookEvent {
            topic: topic.to_string(),
            party: party.to_string(),
            document_id: document_id.map(str::to_string),
            message: message.into(),
            details: BTreeMap::new(),
            created_on,
        }
    }

    /// Adds a detail.
    pub fn detail(mut self, key: &str, value: impl Into<String>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// Whether a hook's topic pattern matches a topic: exact (any case) or with `*` wildcards,
/// e.g. `*Received`, `Invoice*`, `*`.
pub fn topic_matches(pattern: &str, topic: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let topic = topic.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == topic;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !topic.starts_with(first) || topic.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &topic[first.len()..topic.len() - last.len()];
    if !topic.ends_with(last) {
        return false;
    }
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The active hooks an event reaches: every environment hook and the party's own hooks
/// whose topics match. A ping reaches the party's active hooks whatever their topics.
fn targets(inner: &Inner, event: &HookEvent) -> Vec<Hook> {
    let party_hooks = inner
        .parties
        .get(&event.party)
        .map(|p| p.hooks.as_slice())
        .unwrap_or(&[]);
    if event.topic == PING {
        return party_hooks
            .iter()
            .filter(|h| h.is_active)
            .cloned()
            .collect();
    }
    inner
        .env_hooks
        .iter()
        .chain(party_hooks)
        .filter(|h| h.is_active && h.topics.iter().any(|t| topic_matches(t, &event.topic)))
        .cloned()
        .collect()
}

/// Delivers an event now to every hook it reaches (in background tasks); returns how many.
pub fn emit(st: &Arc<AppState>, event: HookEvent) -> usize {
    let hooks = targets(&st.lock(), &event);
    let count = hooks.len();
    for hook in hooks {
        hook_delivery::start(st, hook, event.clone());
    }
    count
}

/// Schedules an event for the sandbox time `at` (fires at once when `at` has passed).
pub fn schedule(inner: &mut Inner, at: OffsetDateTime, event: HookEvent) {
    let seq = inner.next_event_seq;
    inner.next_event_seq += 1;
    inner.scheduled_events.insert((unix_ms(at), seq), event);
}

/// Schedules the events a new document will cause as its status history unfolds:
/// a sent document → `InvoiceSentRetry` before a failure, then `InvoiceSent` on Delivered or
/// `InvoiceSentError` on Failed/Rejected; a purchase document → `InvoiceReceived` on
/// Delivered or `InvoiceReceivedError` on Rejected.
pub fn schedule_for_document(inner: &mut Inner, doc: &Document) {
    let Some(last) = doc.stages.last() else {
        return;
    };
    let kind = "'Invoice'";
    let id = doc.id.as_str();
    let party = doc.party.as_str();
    // A null-named entry is never the last one (see `state::delivered_timeline`).
    let reason = last.description.clone().unwrap_or_default();
    let event = match (doc.direction, last.name.unwrap_or_default()) {
        (Direction::Sales, "Delivered") => HookEvent::new(
            INVOICE_SENT,
            party,
            Some(id),
            format!("{kind} successfully sent: '{id}'."),
            last.at,
        ),
        (Direction::Sales, "Failed") => {
            // The platform tries an unreachable recipient again before giving up.
            if let Some(before) = doc.stages.iter().rev().nth(1) {
                let retry = HookEvent::new(
                    INVOICE_SENT_RETRY,
                    party,
                    Some(id),
                    format!("{kind} could not be sent yet; trying again: '{id}'."),
                    before.at,
                )
                .detail("attempt", "1")
                .detail("reason", reason.clone());
                schedule(inner, before.at, with_common_details(retry, doc));
            }
            HookEvent::new(
                INVOICE_SENT_ERROR,
                party,
                Some(id),
                format!("{kind} could not be sent: {reason}"),
                last.at,
            )
            .detail("reason", reason.clone())
        }
        (Direction::Sales, "Rejected") => HookEvent::new(
            INVOICE_SENT_ERROR,
            party,
            Some(id),
            format!("{kind} was rejected: {reason}"),
            last.at,
        )
        .detail("reason", reason.clone()),
        (Direction::Purchase, "Delivered") => HookEvent::new(
            INVOICE_RECEIVED,
            party,
            Some(id),
            format!("{kind} received: '{id}'."),
            last.at,
        ),
        (Direction::Purchase, "Rejected") => HookEvent::new(
            INVOICE_RECEIVED_ERROR,
            party,
            Some(id),
            format!("{kind} could not be processed: {reason}"),
            last.at,
        )
        .detail("reason", reason.clone()),
        _ => return,
    };
    let at = event.created_on;
    schedule(inner, at, with_common_details(event, doc));
}

fn with_common_details(event: HookEvent, doc: &Document) -> HookEvent {
    let mut event = event.detail("channel", doc.channel.clone());
    match doc.direction {
        Direction::Sales => {
            event = event.detail("sender", party_id::display(&doc.party));
            if let Some(r) = &doc.receiver {
                event = event.detail("recipient", r.clone());
            }
        }
        Direction::Purchase => {
            event = event.detail("recipient", party_id::display(&doc.party));
            if let Some(m) = &doc.meta {
                event = event.detail("sender", m.sender_id.clone());
            }
        }
    }
    event
}

/// Takes the events due at `now`, oldest first.
fn take_due(inner: &mut Inner, now: OffsetDateTime) -> Vec<HookEvent> {
    let later = inner
        .scheduled_events
        .split_off(&(unix_ms(now).saturating_add(1), 0));
    let due = std::mem::replace(&mut inner.scheduled_events, later);
    due.into_values().collect()
}

/// Fires scheduled events as the sandbox clock reaches them, until the sandbox is gone.
pub async fn run_scheduler(st: Weak<AppState>) {
    // Real time passes too (the clock is real time + offset): look at least this often.
    const MAX_NAP: std::time::Duration = std::time::Duration::from_millis(250);
    loop {
        let Some(state) = st.upgrade() else {
            return;
        };
        let now = state.clock.now();
        let (due, next) = {
            let mut inner = state.lock();
            let due = take_due(&mut inner, now);
            let next = inner.scheduled_events.keys().next().map(|(ms, _)| *ms);
            (due, next)
        };
        for event in due {
            emit(&state, event);
        }
        let nap = next
            .map(|ms| {
                let wait = ms.saturating_sub(unix_ms(now)).max(1);
                std::time::Duration::from_millis(u64::try_from(wait).unwrap_or(1)).min(MAX_NAP)
            })
            .unwrap_or(MAX_NAP);
        // Release the state while napping so a dropped sandbox ends this task.
        let wake = Arc::clone(&state.events_changed);
        drop(state);
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(nap) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_match_exactly_or_by_wildcard() {
        assert!(topic_matches("InvoiceReceived", "InvoiceReceived"));
        assert!(topic_matches("invoicereceived", "InvoiceReceived"));
        assert!(topic_matches("*Received", "InvoiceReceived"));
        assert!(!topic_matches("*Received", "InvoiceReceivedError"));
        assert!(topic_matches("*ReceivedError", "InvoiceReceivedError"));
        assert!(topic_matches("*SentRetry", "InvoiceSentRetry"));
        assert!(!topic_matches("*Sent", "InvoiceSentError"));
        assert!(topic_matches("Invoice*", "InvoiceSentError"));
        assert!(topic_matches("*", "InvoiceSent"));
        assert!(topic_matches("Invoice*Error", "InvoiceSentError"));
        assert!(!topic_matches("Invoice*Error", "InvoiceSent"));
        assert!(!topic_matches("InvoiceSent", "InvoiceSentError"));
        assert!(!topic_matches("*Received*Received", "InvoiceReceived"));
    }
}
