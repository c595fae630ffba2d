//! IPC commands of the desktop integration: one-line wrappers, registered in `ipc.rs`.

use econnect_engine::desktop::{
    DesktopError, DesktopOverview, DesktopSettings, Language, NoticeKind, UpdateStatus,
};
use tauri::AppHandle;

use crate::{desktop_actions, updater};

/// Notifications, start at login, update status and log folder, for Instellingen.
#[tauri::command]
#[specta::specta]
pub fn desktop_overview(app: AppHandle) -> DesktopOverview {
    desktop_actions::overview(&app)
}

/// Switches one kind of notification on or off.
#[tauri::command]
#[specta::specta]
pub fn set_notice_enabled(
    app: AppHandle,
    kind: NoticeKind,
    on: bool,
) -> Result<DesktopSettings, DesktopError> {
    desktop_actions::set_notice_enabled(&app, kind, on)
}

/// Tells the tray and notifications which language the UI speaks.
#[tauri::command]
#[specta::specta]
pub fn set_desktop_language(app: AppHandle, language: Language) -> Result<(), DesktopError> {
    desktop_actions::set_language(&app, language)
}

/// Starts the app at login, or stops doing so.
#[tauri::command]
#[specta::specta]
pub fn set_start_at_login(app: AppHandle, on: bool) -> Result<bool, DesktopError> {
    desktop_actions::set_start_at_login(&app, on)
}

/// Opens the log folder in the file manager.
#[tauri::command]
#[specta::specta]
pub fn open_log_folder(app: AppHandle) -> Result<(), DesktopError> {
    desktop_actions::open_log_folder(&app)
}

/// Checks for an update now and returns the status after.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(app: AppHandle) -> UpdateStatus {
    updater::check_now(&app).await;
    updater::status(&app)
}

/// Installs the downloaded update and restarts.
#[tauri::command]
#[specta::specta]
pub fn restart_to_update(app: AppHandle) -> Result<(), DesktopError> {
    updater::restart_to_update(&app)
}

/// Whether sending is paused ("Verzenden pauzeren" in the tray or on Verzenden).
#[tauri::command]
#[specta::specta]
pub fn sending_paused(app: AppHandle) -> bool {
    desktop_actions::sending_paused(&app)
}

/// Pauses or resumes sending; returns the state after.
#[tauri::command]
#[specta::specta]
pub fn set_sending_paused(app: AppHandle, paused: bool) -> bool {
    desktop_actions::set_sending_paused(&app, paused)
}
