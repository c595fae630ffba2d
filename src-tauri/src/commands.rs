//! IPC commands: one-line wrappers over the engine. Add new ones to `ipc::builder`.

use econnect_engine::{AppInfo, EngineError};

/// The app's version and data folder, for Instellingen.
#[tauri::command]
#[specta::specta]
pub fn app_info() -> Result<AppInfo, EngineError> {
    econnect_engine::about(env!("CARGO_PKG_VERSION"))
}
