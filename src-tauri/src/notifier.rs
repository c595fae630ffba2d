//! Sends the engine's notices as OS notifications: batched per burst, grouped per kind,
//! switched-off kinds dropped. Failures of the notification system are logged.

use econnect_engine::desktop::notices::group;
use econnect_engine::desktop::{Notice, NoticeBatcher};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::mpsc::{self, Receiver};
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::plugins;

/// Asks the notifier to send what it holds now; answered once sent.
struct Flush(mpsc::Sender<oneshot::Sender<()>>);

/// Starts the task that turns notices into notifications.
pub fn start(app: &AppHandle, mut notices: Receiver<Notice>) {
    let (flush, mut flushes) = mpsc::channel::<oneshot::Sender<()>>(4);
    app.manage(Flush(flush));
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
                Some(done) = flushes.recv() => {
                    // What waits for the end of its burst goes now: the process is leaving.
                    while let Ok(notice) = notices.try_recv() {
                        batcher.push(notice, Instant::now().into_std());
                    }
                    if let Some(batch) = batcher.take_all() {
                        send(&app, &batch);
                    }
                    let _ = done.send(());
                }
                () = sleep_until(deadline) => {
                    if let Some(batch) = batcher.take_due(Instant::now().into_std()) {
                        send(&app, &batch);
                    }
                }
            }
        }
    });
}

/// Sends the notices still held for the end of their burst, before the process leaves
/// (the hand-over to the tray process), so none is lost with it.
pub async fn flush(app: &AppHandle) {
    let Some(flush) = app.try_state::<Flush>() else {
        return;
    };
    let (done, sent) = oneshot::channel();
    if flush.0.send(done).await.is_ok() {
        // An error means the notifier stopped: nothing is left to send.
        let _ = sent.await;
    }
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
