//! Connects the tray's menu to the engine: "Nu synchroniseren" and pause/resume reach the
//! engine. The other direction (signed out, counts, notices) is in `events.rs`.

use econnect_engine::Engine;
use econnect_engine::desktop::TrayRequest;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;

use crate::plugins::DesktopState;

/// Passes the tray's requests to the engine until the app stops.
pub fn start(app: &AppHandle, engine: Engine) {
    let Some(desktop) = app.try_state::<DesktopState>() else {
        tracing::error!("the tray is not set up; its menu cannot reach the engine");
        return;
    };
    let mut requests = desktop.feed.requests();
    tauri::async_runtime::spawn(async move {
        loop {
            match requests.recv().await {
                Ok(TrayRequest::SyncNow) => {
                    if let Err(err) = engine.sync_now().await {
                        tracing::warn!("sync from the tray failed: {err}");
                    }
                }
                Ok(TrayRequest::SetPaused(paused)) => engine.set_sending_paused(paused).await,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}
