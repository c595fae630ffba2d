//! The app's process gives back the pages it only needed to start, or to open the window
//! (`econnect_working_set`: about 25 MB in the tray; with the window open 13 MB of the
//! app's own binary alone). The window's web process does the same through the app's
//! web process extension (`web_extension`).

/// Once the process has settled after starting into the tray or opening the window, gives
/// back the pages only that needed.
pub fn release_when_settled() {
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(econnect_working_set::SETTLED).await;
        match econnect_working_set::release() {
            Ok(asked) => tracing::info!(
                "start-up pages released ({} MB of read-only file mappings)",
                asked / (1024 * 1024)
            ),
            Err(err) => tracing::warn!("cannot read this process's mappings: {err}"),
        }
    });
}
