//! IPC commands of Instellingen: the maintenance schedule and
//! state, theme, Peppol defaults, connection and subscription key, cache and CSV export.
//! One-line wrappers where they can be; registered in `ipc.rs`.

use econnect_engine::desktop::{DesktopError, DesktopSettings, Theme};
use econnect_engine::maintenance::{Maintenance, MaintenanceSchedule, MaintenanceState};
use econnect_engine::settings::{CacheInfo, ConnectionInfo, CsvExport, PeppolDefaults};
use econnect_engine::{DocumentQuery, Engine, EngineError, ErrorCode};
use tauri::{AppHandle, State};

use crate::plugins;

/// Whether maintenance is on now (banner), and the next window.
#[tauri::command]
#[specta::specta]
pub fn maintenance_state(maintenance: State<'_, Maintenance>) -> MaintenanceState {
    maintenance.state()
}

/// The maintenance windows the user entered.
#[tauri::command]
#[specta::specta]
pub fn maintenance_schedule(maintenance: State<'_, Maintenance>) -> MaintenanceSchedule {
    maintenance.schedule()
}

/// Checks, applies and saves the maintenance schedule; answers the state after.
#[tauri::command]
#[specta::specta]
pub fn set_maintenance_schedule(
    app: AppHandle,
    maintenance: State<'_, Maintenance>,
    schedule: MaintenanceSchedule,
) -> Result<MaintenanceState, EngineError> {
    maintenance.set_schedule(schedule.clone())?;
    plugins::save_settings(&app, |s| s.maintenance = schedule)
        .map_err(|e| EngineError::new(ErrorCode::Storage, e.message))?;
    Ok(maintenance.state())
}

/// Light, dark or the OS's choice; saved for the next start.
#[tauri::command]
#[specta::specta]
pub fn set_theme(app: AppHandle, theme: Theme) -> Result<DesktopSettings, DesktopError> {
    plugins::save_settings(&app, |s| s.theme = theme)
}

/// The environment's Peppol defaults (Omgeving).
#[tauri::command]
#[specta::specta]
pub async fn peppol_defaults(engine: State<'_, Engine>) -> Result<PeppolDefaults, EngineError> {
    engine.peppol_defaults().await
}

/// Changes the environment's Peppol defaults (administrators).
#[tauri::command]
#[specta::specta]
pub async fn set_peppol_defaults(
    engine: State<'_, Engine>,
    defaults: PeppolDefaults,
) -> Result<PeppolDefaults, EngineError> {
    engine.set_peppol_defaults(defaults).await
}

/// Environment, base URLs and whether a subscription key is stored (Koppeling).
#[tauri::command]
#[specta::specta]
pub async fn connection_info(engine: State<'_, Engine>) -> Result<ConnectionInfo, EngineError> {
    engine.connection().await
}

/// Stores the subscription key in the OS keyring (null or empty: removes it).
#[tauri::command]
#[specta::specta]
pub async fn set_subscription_key(
    engine: State<'_, Engine>,
    key: Option<String>,
) -> Result<ConnectionInfo, EngineError> {
    engine.set_subscription_key(key).await
}

/// The cache's size and number of documents (Gegevens).
#[tauri::command]
#[specta::specta]
pub async fn cache_info(engine: State<'_, Engine>) -> Result<CacheInfo, EngineError> {
    engine.cache_info().await
}

/// Empties the cache (the outbox stays) and syncs it again.
#[tauri::command]
#[specta::specta]
pub async fn clear_cache(engine: State<'_, Engine>) -> Result<CacheInfo, EngineError> {
    engine.clear_cache().await
}

/// Asks where to save (OS dialog), then writes the documents matching `query` as CSV;
/// null when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_documents_csv(
    app: AppHandle,
    engine: State<'_, Engine>,
    query: DocumentQuery,
) -> Result<Option<CsvExport>, EngineError> {
    use tauri_plugin_dialog::DialogExt;
    let chosen = app
        .dialog()
        .file()
        .set_file_name("documenten.csv")
        .add_filter("CSV", &["csv"])
        .blocking_save_file();
    let Some(path) = chosen.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    engine.export_documents_csv(query, &path).await.map(Some)
}
