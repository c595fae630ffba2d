//! The engine's one event stream: everything a host (the window, the tray, a headless
//! command) hears from the engine and the services of its session, as one enum on one
//! bounded subscription. The engine starts what produces them ([`Engine::start_services`]).

use tokio::sync::broadcast::{self, error::RecvError};

use crate::desktop::{DesktopSettings, Notice, OutboxTally, session_notice};
use crate::engine::Engine;
use crate::feed::ChangeBatch;
use crate::maintenance::MaintenanceState;
use crate::status::EngineStatus;

/// Events buffered per subscriber; a slower one hears `Lagged` and reloads everything.
pub(crate) const EVENTS_CAPACITY: usize = 4096;

/// What the engine tells its host.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// Sync progress or connectivity changed.
    StatusChanged(EngineStatus),
    /// Cached data changed (`None`: batches were missed, reload everything).
    DataChanged(Option<ChangeBatch>),
    /// One file's progress through the intake.
    OutboxProgress(econnect_intake::IntakeEvent),
    /// Files queued, uploading and failed now (the tray's counts).
    OutboxCounts {
        /// Waiting to be sent.
        queued: u32,
        /// Being sent.
        uploading: u32,
        /// Refused or given up.
        failed: u32,
    },
    /// Maintenance on or off, and the next window.
    MaintenanceChanged(MaintenanceState),
    /// Sending paused (true) or resumed (false).
    SendingPaused(bool),
    /// Something the user should hear (tray's recent events, OS notification).
    Notice(Notice),
}

impl Engine {
    /// Subscribes to the engine's events. A subscriber that falls more than a few thousand
    /// events behind hears `Lagged` and should reload what it shows.
    pub fn events(&self) -> broadcast::Receiver<EngineEvent> {
        self.inner.events.subscribe()
    }

    pub(crate) fn emit(&self, event: EngineEvent) {
        // No subscriber (a headless host that does not listen) is fine.
        let _ = self.inner.events.send(event);
    }

    /// Starts the services a desktop session runs beside the sync: the outbox following
    /// sign-in and sign-out, maintenance (with the schedule saved in the desktop settings)
    /// and the pump that turns their changes into [`EngineEvent`]s. Call once, inside a
    /// Tokio runtime; the tasks run as long as the engine.
    pub fn start_services(&self) {
        let saved = DesktopSettings::load(&DesktopSettings::path_in(self.data_folder())).0;
        if let Err(err) = self.maintenance().set_schedule(saved.maintenance) {
            tracing::warn!("saved maintenance schedule ignored: {err}");
        }
        let outbox = self.outbox().clone();
        let notify = self.clone();
        tokio::spawn(
            self.maintenance()
                .clone()
                .run(outbox.clone(), move |notice| {
                    notify.emit(EngineEvent::Notice(notice));
                }),
        );
        tokio::spawn(outbox.follow(self.clone()));
        self.spawn_pump();
    }

    /// Pauses or resumes sending (the tray's "Verzenden pauzeren/hervatten").
    pub async fn set_sending_paused(&self, paused: bool) {
        let before = self
            .inner
            .sending_paused
            .swap(paused, std::sync::atomic::Ordering::Relaxed);
        self.outbox().set_paused(paused).await;
        if before != paused {
            self.emit(EngineEvent::SendingPaused(paused));
        }
    }

    /// One task turning the status, the change feed, the outbox's progress, maintenance
    /// and the notices of tracking and receiving into events.
    fn spawn_pump(&self) {
        let engine = self.clone();
        let mut status = self.status_updates();
        let mut changes = self.subscribe();
        let mut progress = self.outbox().subscribe();
        let mut maintenance = self.maintenance().updates();
        let mut notices = self.notices();
        tokio::spawn(async move {
            let mut before = status.borrow_and_update().clone();
            let mut tally = OutboxTally::default();
            loop {
                tokio::select! {
                    changed = status.changed() => {
                        if changed.is_err() { break; }
                        let after = status.borrow_and_update().clone();
                        let subject = engine.session().await.map(|s| s.username).unwrap_or_default();
                        if let Some(notice) = session_notice(&before, &after, &subject) {
                            engine.emit(EngineEvent::Notice(notice));
                        }
                        engine.emit(EngineEvent::StatusChanged(after.clone()));
                        before = after;
                    }
                    batch = changes.recv() => match batch {
                        Ok(batch) => engine.emit(EngineEvent::DataChanged(Some(batch))),
                        Err(RecvError::Lagged(_)) => engine.emit(EngineEvent::DataChanged(None)),
                        Err(RecvError::Closed) => break,
                    },
                    event = progress.recv() => match event {
                        Ok(event) => {
                            if let Some(notice) = tally.take(&event) {
                                engine.emit(EngineEvent::Notice(notice));
                            }
                            let (queued, uploading, failed) = tally.counts();
                            engine.emit(EngineEvent::OutboxCounts { queued, uploading, failed });
                            engine.emit(EngineEvent::OutboxProgress(event));
                        }
                        Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "intake progress missed"),
                        Err(RecvError::Closed) => break,
                    },
                    changed = maintenance.changed() => {
                        if changed.is_err() { break; }
                        let state = maintenance.borrow_and_update().clone();
                        engine.emit(EngineEvent::MaintenanceChanged(state));
                    }
                    notice = notices.recv() => match notice {
                        Ok(notice) => engine.emit(EngineEvent::Notice(notice)),
                        Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "notices missed"),
                        Err(RecvError::Closed) => break,
                    },
                }
            }
        });
    }
}
