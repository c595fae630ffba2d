//! When a new main window is shown on Linux. WebKitGTK can stall a freshly shown webview
//! for half a second: when GTK draws the view before its web process has painted, the UI
//! thread waits up to 500 ms for that paint, and a web process still waiting for its
//! network process connection (a synchronous call that the blocked UI thread has to
//! answer) cannot paint. Seen with gdb as the UI thread in the draw's wait and the web
//! process in `WebProcessProxy_GetNetworkProcessConnection`, in about one reopen in three.
//! So the window is built hidden and shown once its page has committed, which needs that
//! connection; GTK draws nothing of a hidden window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::webview::PageLoadEvent;
use tauri::{Runtime, WebviewWindow, WebviewWindowBuilder};

/// Shown anyway after this long, should the page never commit (a load that failed).
const AT_THE_LATEST: Duration = Duration::from_secs(2);

/// Shows the window once, at whichever comes first: its page committed, or the fallback.
#[derive(Clone, Default)]
pub struct FirstShow(Arc<AtomicBool>);

impl FirstShow {
    /// Builds the window hidden; it is shown when its page commits (wry reports a commit
    /// as `PageLoadEvent::Started`).
    pub fn hide_until_committed<'a, R: Runtime, M: tauri::Manager<R>>(
        &self,
        builder: WebviewWindowBuilder<'a, R, M>,
    ) -> WebviewWindowBuilder<'a, R, M> {
        let on_commit = self.clone();
        builder.visible(false).on_page_load(move |window, payload| {
            if payload.event() == PageLoadEvent::Started {
                on_commit.show(&window, "its page committed");
            }
        })
    }

    /// Shows the built window after `AT_THE_LATEST` if its page has not committed by then.
    pub fn fall_back<R: Runtime>(&self, window: WebviewWindow<R>) {
        let fallback = self.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(AT_THE_LATEST).await;
            let why = format!("no page commit within {} s", AT_THE_LATEST.as_secs());
            fallback.show(&window, &why);
        });
    }

    fn show<R: Runtime>(&self, window: &WebviewWindow<R>, why: &str) {
        if self.0.swap(true, Ordering::SeqCst) {
            return;
        }
        match window.show() {
            Ok(()) => tracing::info!("main window shown: {why}"),
            Err(err) => tracing::warn!("could not show the main window: {err}"),
        }
    }
}
