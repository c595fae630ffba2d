//! Desktop integration: registers the OS plugins (single instance, log file, window state,
//! notifications, start at login, opener, updater) and the app's own desktop plugin, which
//! owns the tray, keeps the app alive when the window closes, and starts the notifier and
//! the update checks. `lib.rs` calls [`register`] once.

use std::path::PathBuf;
use std::sync::Mutex;

use econnect_engine::desktop::{DesktopFeed, DesktopSettings, UpdateStatus};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, RunEvent, Runtime, WindowEvent};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

use crate::{handover, main_window, notifier, opened_files, tray, updater};

/// Log files rotate at this size; the last few are kept.
const LOG_FILE_BYTES: u128 = 2 * 1024 * 1024;
/// How many rotated log files stay in the log folder.
const LOG_FILES_KEPT: usize = 5;
/// The argument the login item passes, so a start at login stays in the tray.
pub const HIDDEN_ARG: &str = "--hidden";

/// What the desktop integration keeps while the app runs.
pub struct DesktopState {
    /// The engine's handle on the tray: counts, events, pause/sync requests.
    pub feed: DesktopFeed,
    /// The settings file's path.
    pub settings_path: PathBuf,
    /// The settings as last saved.
    pub settings: Mutex<DesktopSettings>,
    /// What the updater is doing.
    pub update: Mutex<UpdateStatus>,
}

/// Adds every desktop plugin to the builder; single instance first, as it must be.
pub fn register(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    builder
        .plugin(tauri_plugin_single_instance::init(
            opened_files::from_second_instance,
        ))
        .plugin(log_plugin())
        .plugin(tauri_plugin_window_state::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_ARG]),
        ))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(desktop_plugin())
}

/// A rotating log file in the OS log folder, plus stdout for developers.
fn log_plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::LogDir {
                file_name: Some("econnect-desktop".into()),
            }),
            Target::new(TargetKind::Stdout),
        ])
        .rotation_strategy(RotationStrategy::KeepSome(LOG_FILES_KEPT))
        .max_file_size(LOG_FILE_BYTES)
        .level(log::LevelFilter::Info)
        .build()
}

/// The app's own plugin: state, tray, main window, notifier, update checks, and staying
/// alive in the tray when the last window closes.
fn desktop_plugin() -> TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("econnect-desktop")
        .setup(|app, _api| {
            let settings_path = settings_path();
            let (settings, problem) = DesktopSettings::load(&settings_path);
            if let Some(problem) = problem {
                tracing::warn!("desktop settings unreadable, using defaults: {problem}");
            }
            let (feed, notices) = DesktopFeed::new();
            app.manage(DesktopState {
                feed,
                settings_path,
                settings: Mutex::new(settings),
                update: Mutex::new(UpdateStatus::Idle),
            });
            tray::create(app)?;
            notifier::start(app, notices);
            updater::start(app);
            Ok(())
        })
        .on_event(|app, event| match event {
            // Windows can be made once the event loop runs (during setup it would wait on
            // itself). A start at login (`--hidden`) stays in the tray.
            RunEvent::Ready => {
                let args: Vec<String> = std::env::args().collect();
                if !args.iter().any(|a| a == HIDDEN_ARG) {
                    main_window::show(app);
                }
                opened_files::from_arguments(app, &args, None);
            }
            // The last window closing is not a reason to quit: the app lives in the tray.
            // `app.exit` (Afsluiten) asks with a code and is let through.
            RunEvent::ExitRequested {
                code: None, api, ..
            } => api.prevent_exit(),
            // Quitting: windows closing from here on are no reason to hand over.
            RunEvent::ExitRequested { code: Some(_), .. } => {
                app.state::<handover::HandOver>().quitting();
            }
            RunEvent::WindowEvent {
                label,
                event: WindowEvent::Destroyed,
                ..
            } if label == main_window::LABEL => {
                main_window::closed(app);
            }
            _ => {}
        })
        .build()
}

/// The settings file: in `ECONNECT_HOME`, else in the OS data folder.
fn settings_path() -> PathBuf {
    match econnect_engine::about::data_folder(std::env::var_os("ECONNECT_HOME").map(PathBuf::from))
    {
        Ok(folder) => DesktopSettings::path_in(&folder),
        Err(err) => {
            // Without a data folder settings live next to the working directory for this run.
            tracing::warn!("no data folder for the desktop settings: {err}");
            DesktopSettings::path_in(std::path::Path::new("."))
        }
    }
}

/// Saves the settings after a change; a failure is logged and returned.
pub fn save_settings(
    app: &AppHandle,
    change: impl FnOnce(&mut DesktopSettings),
) -> Result<DesktopSettings, econnect_engine::desktop::DesktopError> {
    let state = app.state::<DesktopState>();
    let mut settings = state
        .settings
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    change(&mut settings);
    if let Err(err) = settings.save(&state.settings_path) {
        tracing::error!("could not save the desktop settings: {err}");
        return Err(err);
    }
    Ok(settings.clone())
}

/// The settings as they are now.
pub fn settings(app: &AppHandle) -> DesktopSettings {
    let state = app.state::<DesktopState>();
    let settings = state
        .settings
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    settings.clone()
}
