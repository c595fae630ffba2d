//! Connects the tray to the engine both ways: the menu's requests ("Nu synchroniseren",
//! pause/resume) reach the engine and the outbox, and the engine's status tells the tray
//! whether the user must sign in again (with one notice when the platform ended the session).

use std::sync::Arc;

use econnect_engine::desktop::{TrayRequest, local_clock, session_notice, tray_signed_out};
use econnect_engine::outbox::Outbox;
use econnect_engine::Engine;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;

use crate::plugins::DesktopState;

/// Starts both directions; they run until the app stops.
pub fn start(app: &AppHandle, engine: Engine, outbox: Arc<Outbox>) {
    let Some(desktop) = app.try_state::<DesktopState>() else {
        tracing::error!("the tray is not set up; its menu cannot reach the engine");
        return;
    };
    let feed = desktop.feed.clone();
    let mut requests = feed.requests();
    let for_requests = engine.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match requests.recv().await {
                Ok(TrayRequest::SyncNow) => {
                    if let Err(err) = for_requests.sync_now().await {
                        tracing::warn!("sync from the tray failed: {err}");
                    }
                }
                Ok(TrayRequest::SetPaused(paused)) => outbox.set_paused(paused).await,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    let mut status = engine.status_updates();
    tauri::async_runtime::spawn(async move {
        let mut before = status.borrow_and_update().clone();
        feed.set_signed_out(tray_signed_out(&before));
        while status.changed().await.is_ok() {
            let after = status.borrow_and_update().clone();
            feed.set_signed_out(tray_signed_out(&after));
            let subject = engine.session().await.map(|s| s.username).unwrap_or_default();
            if let Some(notice) = session_notice(&before, &after, &subject) {
                feed.report(local_clock(), notice);
            }
            before = after;
        }
    });
}
