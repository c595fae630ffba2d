//! The channel between the engine and the tray: the engine sets counts and reports events;
//! the tray watches the state and sends back the user's requests ("Nu synchroniseren",
//! pause/resume). Tauri-free, so the engine and its tests can drive it.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};

use super::notices::Notice;
use super::tray_model::TrayState;

/// What the user asked for from the tray menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayRequest {
    /// "Nu synchroniseren".
    SyncNow,
    /// "Verzenden pauzeren" (true) or "hervatten" (false).
    SetPaused(bool),
}

/// The engine's handle on the tray; cheap to clone.
#[derive(Debug, Clone)]
pub struct DesktopFeed {
    state: Arc<watch::Sender<TrayState>>,
    notices: mpsc::Sender<Notice>,
    requests: broadcast::Sender<TrayRequest>,
}

/// Notices waiting for the notifier at most. It only gathers them into a batch, so it is
/// behind only when the app is stalled; past this a notice is dropped, never awaited.
pub const NOTICE_CAPACITY: usize = 256;

impl DesktopFeed {
    /// A feed plus the receiving end of its notices (for the notifier task).
    pub fn new() -> (DesktopFeed, mpsc::Receiver<Notice>) {
        let (notices, received) = mpsc::channel(NOTICE_CAPACITY);
        let (requests, _) = broadcast::channel(16);
        let feed = DesktopFeed {
            state: Arc::new(watch::channel(TrayState::default()).0),
            notices,
            requests,
        };
        (feed, received)
    }

    /// Watches the tray state (the tray redraws on every change).
    pub fn watch(&self) -> watch::Receiver<TrayState> {
        self.state.subscribe()
    }

    /// The current state.
    pub fn current(&self) -> TrayState {
        self.state.borrow().clone()
    }

    /// Sets the queue counts; the tray redraws only when they changed.
    pub fn set_counts(&self, queued: u32, uploading: u32, failed: u32) {
        self.state.send_if_modified(|s| {
            let changed = (s.queued, s.uploading, s.failed) != (queued, uploading, failed);
            (s.queued, s.uploading, s.failed) = (queued, uploading, failed);
            changed
        });
    }

    /// Marks the session as ended (or restored).
    pub fn set_signed_out(&self, signed_out: bool) {
        self.state
            .send_if_modified(|s| std::mem::replace(&mut s.signed_out, signed_out) != signed_out);
    }

    /// Reports an event: it joins the menu's recent events and goes to the notifier, which
    /// groups and filters it. `time` is local time as shown, e.g. "14:05".
    pub fn report(&self, time: impl Into<String>, notice: Notice) {
        self.state.send_modify(|s| s.record(time, notice.clone()));
        // News, not work: the menu's recent events (just recorded) keep it, and a pop-up
        // summarising a burst this late would only repeat them. So a full queue drops the
        // notice rather than blocking whoever reports it (the sync, the uploader). A closed
        // one means the notifier has stopped with the app: nothing is left to tell then.
        if let Err(mpsc::error::TrySendError::Full(_)) = self.notices.try_send(notice) {
            tracing::debug!("notifier behind: notice dropped (kept in the recent events)");
        }
    }

    /// The user's requests from the tray; the sync loop and the uploader subscribe.
    pub fn requests(&self) -> broadcast::Receiver<TrayRequest> {
        self.requests.subscribe()
    }

    /// Passes on a request from the tray; paused is also kept in the state, so the
    /// uploader can read it and the menu shows "hervatten".
    pub fn request(&self, request: TrayRequest) {
        if let TrayRequest::SetPaused(paused) = request {
            self.state
                .send_if_modified(|s| std::mem::replace(&mut s.paused, paused) != paused);
        }
        // No subscriber yet (the engine is not wired) is fine: the request has no effect.
        let _ = self.requests.send(request);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desktop::notices::NoticeKind;

    #[test]
    fn counts_reach_the_watcher_only_when_changed() {
        let (feed, _notices) = DesktopFeed::new();
        let mut watcher = feed.watch();
        feed.set_counts(2, 1, 0);
        assert!(watcher.has_changed().expect("open"));
        assert_eq!(watcher.borrow_and_update().queued, 2);
        feed.set_counts(2, 1, 0);
        assert!(!watcher.has_changed().expect("open"));
    }

    #[test]
    fn reports_feed_the_menu_and_the_notifier() {
        let (feed, mut notices) = DesktopFeed::new();
        feed.report("09:30", Notice::new(NoticeKind::InvoiceReceived, "INV-9"));
        assert_eq!(feed.current().recent[0].time, "09:30");
        assert_eq!(
            notices.try_recv().map(|n| n.subject).ok(),
            Some("INV-9".to_owned())
        );
    }

    #[test]
    fn pause_requests_reach_subscribers_and_the_state() {
        let (feed, _notices) = DesktopFeed::new();
        let mut requests = feed.requests();
        feed.request(TrayRequest::SetPaused(true));
        feed.request(TrayRequest::SyncNow);
        assert!(feed.current().paused);
        assert_eq!(requests.try_recv().ok(), Some(TrayRequest::SetPaused(true)));
        assert_eq!(requests.try_recv().ok(), Some(TrayRequest::SyncNow));
    }

    #[test]
    fn a_flood_of_notices_stays_within_the_queue_and_the_menu() {
        let (feed, mut notices) = DesktopFeed::new();
        for i in 0..100_000 {
            feed.report(
                "10:00",
                Notice::new(NoticeKind::FileSent, format!("f{i}.pdf")),
            );
        }
        assert_eq!(notices.len(), NOTICE_CAPACITY);
        assert_eq!(
            notices.try_recv().map(|n| n.subject).ok(),
            Some("f0.pdf".to_owned())
        );
        // The menu shows the latest, whatever the notifier missed.
        assert_eq!(feed.current().recent[0].notice.subject, "f99999.pdf");
    }
}
