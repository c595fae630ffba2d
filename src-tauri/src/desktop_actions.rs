//! What Instellingen can do with the desktop integration: switch notifications, the
//! language of native texts and the start at login, open the log folder.

use econnect_engine::desktop::{
    DesktopError, DesktopErrorCode, DesktopOverview, DesktopSettings, Language, NoticeKind,
};
use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;

use crate::{plugins, tray, updater};

/// Settings, start at login, update status and log folder together.
pub fn overview(app: &AppHandle) -> DesktopOverview {
    let start_at_login = app.autolaunch().is_enabled().unwrap_or_else(|err| {
        tracing::warn!("cannot tell whether the app starts at login: {err}");
        false
    });
    let log_folder = app
        .path()
        .app_log_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    DesktopOverview {
        settings: plugins::settings(app),
        start_at_login,
        update: updater::status(app),
        log_folder,
    }
}

/// Switches one kind of notification on or off.
pub fn set_notice_enabled(
    app: &AppHandle,
    kind: NoticeKind,
    on: bool,
) -> Result<DesktopSettings, DesktopError> {
    plugins::save_settings(app, |s| s.notifications.set(kind, on))
}

/// The tray and notifications follow the UI's language.
pub fn set_language(app: &AppHandle, language: Language) -> Result<(), DesktopError> {
    if plugins::settings(app).language == language {
        return Ok(());
    }
    plugins::save_settings(app, |s| s.language = language)?;
    tray::redraw(app);
    Ok(())
}

/// Starts the app at login, or stops doing so; returns the state the OS reports after.
pub fn set_start_at_login(app: &AppHandle, on: bool) -> Result<bool, DesktopError> {
    let autostart = app.autolaunch();
    let failed = |err: tauri_plugin_autostart::Error| {
        tracing::error!("start at login ({on}) failed: {err}");
        DesktopError::new(DesktopErrorCode::AutostartFailed, err.to_string())
    };
    if on {
        autostart.enable()
    } else {
        autostart.disable()
    }
    .map_err(failed)?;
    autostart.is_enabled().map_err(failed)
}

/// Opens the log folder in the file manager (the folder only, never a file in it).
pub fn open_log_folder(app: &AppHandle) -> Result<(), DesktopError> {
    let unavailable = |message: String| {
        tracing::error!("open log folder: {message}");
        DesktopError::new(DesktopErrorCode::LogFolderUnavailable, message)
    };
    let folder = app
        .path()
        .app_log_dir()
        .map_err(|err| unavailable(err.to_string()))?;
    std::fs::create_dir_all(&folder)
        .map_err(|err| unavailable(format!("{}: {err}", folder.display())))?;
    app.opener()
        .open_path(folder.display().to_string(), None::<&str>)
        .map_err(|err| unavailable(err.to_string()))
}

/// Whether sending is paused (from the tray or Verzenden).
pub fn sending_paused(app: &AppHandle) -> bool {
    app.try_state::<plugins::DesktopState>()
        .is_some_and(|desktop| desktop.feed.current().paused)
}

/// Pauses or resumes sending the way the tray menu does, so the menu and the window agree.
pub fn set_sending_paused(app: &AppHandle, paused: bool) -> bool {
    match app.try_state::<plugins::DesktopState>() {
        Some(desktop) => {
            desktop
                .feed
                .request(econnect_engine::desktop::TrayRequest::SetPaused(paused));
            desktop.feed.current().paused
        }
        None => false,
    }
}
