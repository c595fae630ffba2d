//! Sends the engine's notices as OS notifications: batched per burst, grouped per kind,
//! switched-off kinds dropped. Failures of the notification system are logged.

use econnect_engine::desktop::notices::group;
use econnect_engine::desktop::{Notice, NoticeBatcher};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

use crate::plugins;

/// Starts the task that turns notices into notifications.
pub fn start(app: &AppHandle, mut notices: Receiver<Notice>) {
    let app = app.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let mut batcher = NoticeBatcher::new();
        loop {
            let deadline = batcher.deadline().map(Instant::from_std);
            tokio::select! {
                received = notices.recv() => match received {
                    Some(notice) => batcher.push(notice, Instant::now().into_std()),
                    None => break,
                },
                () = sleep_until(deadline) => {
                    if let Some(batch) = batcher.take_due(Instant::now().into_std()) {
                        send(&app, &batch);
                    }
                }
            }
        }
    });
}

/// Sleeps until the deadline, or forever when there is none.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn send(app: &AppHandle, batch: &[Notice]) {
    let settings = plugins::settings(app);
    for notification in group(batch, &settings.notifications, settings.language) {
        show(app, &notification.title, &notification.body);
    }
}

/// Shows one notification; the OS's refusal is logged, not swallowed.
pub fn show(app: &AppHandle, title: &str, body: &str) {
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => tracing::info!("notification shown: {title}"),
        Err(err) => tracing::error!("notification '{title}' failed: {err}"),
    }
}
