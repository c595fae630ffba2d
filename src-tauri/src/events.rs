//! The one place that turns the engine's events into UI events and tray updates: one
//! subscription, one `match`.

use econnect_engine::desktop::{local_clock, tray_signed_out};
use econnect_engine::{ChangeBatch, Engine, EngineEvent, EngineStatus};
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

/// One file's progress through the intake (queued, uploading, sent, refused, …).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct OutboxChanged(pub econnect_engine::intake::IntakeEvent);

/// Maintenance on or off (the banner "Onderhoud tot HH:MM"), and the next window.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct MaintenanceChanged(pub econnect_engine::maintenance::MaintenanceState);

/// Sending paused (true) or resumed (false), from the tray or the window.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct SendingPaused(pub bool);

/// Maps every engine event to its UI event and the tray until the engine goes away.
/// Subscribes before returning, so call it before [`Engine::start_services`].
pub fn forward(app: AppHandle, engine: Engine) {
    let mut events = engine.events();
    let feed = app
        .try_state::<crate::plugins::DesktopState>()
        .map(|desktop| desktop.feed.clone());
    if feed.is_none() {
        tracing::error!("the tray is not set up; engine notices reach only the window");
    }
    if let Some(feed) = &feed {
        feed.set_signed_out(tray_signed_out(&engine.status()));
    }
    tauri::async_runtime::spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                // A slow UI missed events: tell it to reload everything.
                Err(RecvError::Lagged(_)) => EngineEvent::DataChanged(None),
                Err(RecvError::Closed) => break,
            };
            let sent = match event {
                EngineEvent::StatusChanged(status) => {
                    if let Some(feed) = &feed {
                        feed.set_signed_out(tray_signed_out(&status));
                    }
                    EngineChanged {
                        status,
                        data_changed: false,
                        batch: None,
                    }
                    .emit(&app)
                }
                EngineEvent::DataChanged(batch) => EngineChanged {
                    status: engine.status(),
                    data_changed: true,
                    batch,
                }
                .emit(&app),
                EngineEvent::OutboxProgress(progress) => OutboxChanged(progress).emit(&app),
                EngineEvent::OutboxCounts {
                    queued,
                    uploading,
                    failed,
                } => {
                    if let Some(feed) = &feed {
                        feed.set_counts(queued, uploading, failed);
                    }
                    Ok(())
                }
                EngineEvent::MaintenanceChanged(state) => MaintenanceChanged(state).emit(&app),
                EngineEvent::SendingPaused(paused) => SendingPaused(paused).emit(&app),
                EngineEvent::Notice(notice) => {
                    if let Some(feed) = &feed {
                        feed.report(local_clock(), notice);
                    }
                    Ok(())
                }
            };
            if let Err(err) = sent {
                tracing::warn!("could not send an engine event to the UI: {err}");
            }
        }
    });
}
