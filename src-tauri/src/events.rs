//! The one place that turns engine changes into UI events: every status change and every
//! batch of the store's change feed becomes one typed `EngineChanged` event.

use econnect_engine::{ChangeBatch, Engine, EngineStatus};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// What the UI hears from the engine: its status, and whether cached data changed.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct EngineChanged {
    /// Sync progress and connectivity now.
    pub status: EngineStatus,
    /// Cached data changed: pages re-query what they show.
    pub data_changed: bool,
    /// What changed, when known (absent after a missed batch: reload everything).
    pub batch: Option<ChangeBatch>,
}

/// Forwards the engine's status and change feed to the UI until the engine goes away.
pub fn forward(app: AppHandle, engine: Engine) {
    tauri::async_runtime::spawn(async move {
        let mut status = engine.status_updates();
        let mut changes = engine.subscribe();
        loop {
            let event = tokio::select! {
                changed = status.changed() => match changed {
                    Ok(()) => EngineChanged { status: status.borrow_and_update().clone(), data_changed: false, batch: None },
                    Err(_) => break,
                },
                batch = changes.recv() => match batch {
                    Ok(batch) => EngineChanged { status: engine.status(), data_changed: true, batch: Some(batch) },
                    // A slow UI missed batches: tell it to reload everything.
                    Err(RecvError::Lagged(_)) => EngineChanged { status: engine.status(), data_changed: true, batch: None },
                    Err(RecvError::Closed) => break,
                },
            };
            if let Err(err) = event.emit(&app) {
                tracing::warn!("could not send an engine event to the UI: {err}");
            }
        }
    });
}

/// One file's progress through the intake (queued, uploading, sent, refused, …).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct OutboxChanged(pub econnect_engine::intake::IntakeEvent);

/// Forwards every file's intake progress to the UI, and to the tray (counts, notices).
pub fn forward_outbox(app: AppHandle, outbox: &econnect_engine::outbox::Outbox) {
    let mut progress = outbox.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut tally = econnect_engine::desktop::OutboxTally::default();
        loop {
            match progress.recv().await {
                Ok(event) => {
                    let notice = tally.take(&event);
                    if let Some(desktop) = app.try_state::<crate::plugins::DesktopState>() {
                        if let Some(notice) = notice {
                            desktop.feed.report(econnect_engine::desktop::local_clock(), notice);
                        }
                        let (queued, uploading, failed) = tally.counts();
                        desktop.feed.set_counts(queued, uploading, failed);
                    }
                    if let Err(err) = OutboxChanged(event).emit(&app) {
                        tracing::warn!("could not send intake progress to the UI: {err}");
                    }
                }
                Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "the UI missed intake progress"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Maintenance on or off (the banner "Onderhoud tot HH:MM"), and the next window.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct MaintenanceChanged(pub econnect_engine::maintenance::MaintenanceState);

/// Runs the maintenance service beside the outbox: its notices go to the tray and the
/// notifier, its state to the UI.
pub fn forward_maintenance(
    app: AppHandle,
    maintenance: econnect_engine::maintenance::Maintenance,
    outbox: std::sync::Arc<econnect_engine::outbox::Outbox>,
) {
    if let Some(desktop) = app.try_state::<crate::plugins::DesktopState>() {
        let saved = desktop.settings.lock().map(|s| s.maintenance.clone()).unwrap_or_default();
        if let Err(err) = maintenance.set_schedule(saved) {
            tracing::warn!("saved maintenance schedule ignored: {err}");
        }
    }
    let tray = app.clone();
    tauri::async_runtime::spawn(maintenance.clone().run(outbox, move |notice| {
        if let Some(desktop) = tray.try_state::<crate::plugins::DesktopState>() {
            desktop.feed.report(econnect_engine::desktop::local_clock(), notice);
        }
    }));
    let mut updates = maintenance.updates();
    tauri::async_runtime::spawn(async move {
        while updates.changed().await.is_ok() {
            let state = updates.borrow_and_update().clone();
            if let Err(err) = MaintenanceChanged(state).emit(&app) {
                tracing::warn!("could not send the maintenance state to the UI: {err}");
            }
        }
    });
}

/// Forwards status tracking's and receiving's notices (delivered, rejected with reason,
/// invoice received) to the tray and the OS notifications.
pub fn forward_notices(app: AppHandle, engine: &Engine) {
    let mut notices = engine.notices();
    tauri::async_runtime::spawn(async move {
        loop {
            match notices.recv().await {
                Ok(notice) => {
                    if let Some(desktop) = app.try_state::<crate::plugins::DesktopState>() {
                        desktop.feed.report(econnect_engine::desktop::local_clock(), notice);
                    }
                }
                Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "notices missed"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Sending paused (true) or resumed (false), from the tray or the window.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SendingPaused(pub bool);

/// Tells the UI whenever the tray's paused state changes.
pub fn forward_pause(app: AppHandle) {
    let Some(desktop) = app.try_state::<crate::plugins::DesktopState>() else {
        return;
    };
    let mut tray = desktop.feed.watch();
    tauri::async_runtime::spawn(async move {
        let mut paused = tray.borrow_and_update().paused;
        while tray.changed().await.is_ok() {
            let now = tray.borrow_and_update().paused;
            if now != paused {
                paused = now;
                if let Err(err) = SendingPaused(paused).emit(&app) {
                    tracing::warn!("could not tell the UI that sending is paused: {err}");
                }
            }
        }
    });
}
