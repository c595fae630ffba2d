//! The main window: created on demand (at start, on "Openen", on a second launch) and
//! destroyed when closed, so the WebKit processes go and idle memory drops.

use tauri::{AppHandle, Manager, WebviewWindowBuilder};

use crate::{handover, notifier, plugins, working_set};

/// The main window's label in tauri.conf.json.
pub const LABEL: &str = "main";

/// Brings the main window to the front, creating it from the config when it was closed.
/// Runs on its own thread: window creation waits for the event loop, so it must not run
/// on the loop itself or inside a plugin hook (which holds the plugin lock).
pub fn show(app: &AppHandle) {
    if handover::open_in_successor(app) {
        return;
    }
    let handle = app.clone();
    std::thread::spawn(move || show_now(&handle));
}

fn show_now(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        for (what, result) in [
            ("unminimize", window.unminimize()),
            ("show", window.show()),
            ("focus", window.set_focus()),
        ] {
            if let Err(err) = result {
                tracing::warn!("main window {what} failed: {err}");
            }
        }
        return;
    }
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)
        .cloned()
    else {
        tracing::error!("tauri.conf.json has no window labelled {LABEL}");
        return;
    };
    // `create: false` in the config keeps Tauri from making it at start; this build does.
    #[cfg(target_os = "linux")]
    let first_show = crate::first_show::FirstShow::default();
    let window = WebviewWindowBuilder::from_config(app, &config).and_then(|builder| {
        #[cfg(target_os = "linux")]
        let builder = {
            let engine = app.state::<econnect_engine::Engine>();
            let builder = first_show.hide_until_committed(builder);
            match crate::web_extension::directory(engine.data_folder()) {
                Some(dir) => builder.extensions_path(dir),
                None => builder,
            }
        };
        builder.build()
    });
    match window {
        Ok(_window) => {
            tracing::info!("main window opened");
            #[cfg(target_os = "linux")]
            first_show.fall_back(_window);
            working_set::release_when_settled();
        }
        Err(err) => tracing::error!("could not open the main window: {err}"),
    }
}

/// Closes the main window as its close button does (a close request, then destroyed).
pub fn close(app: &AppHandle) {
    let Some(window) = app.get_webview_window(LABEL) else {
        return;
    };
    if let Err(err) = window.close() {
        tracing::warn!("could not close the main window: {err}");
    }
}

/// The window was closed: the app stays in the tray, on Linux in a fresh tray-only
/// process (see `handover`). The first time, a notification says so.
pub fn closed(app: &AppHandle) {
    tracing::info!("main window closed; the app stays in the tray");
    tell_about_tray(app);
    if handover::ENABLED {
        hand_over_if_restorable(app);
        return;
    }
    release_freed_memory();
    // WebKit frees most of the page's memory a little after the window goes.
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        release_freed_memory();
    });
}

/// Hands over unless the successor could not sign in again (a session kept in memory
/// only): then this process stays, so closing the window never signs the user out.
fn hand_over_if_restorable(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let engine = app.state::<econnect_engine::Engine>().inner().clone();
        if engine.session_restorable().await {
            handover::start(&app);
        } else {
            tracing::info!("the session lives in this process only; it stays in the tray");
            release_freed_memory();
        }
    });
}

/// The first close tells the user the app keeps running in the tray.
fn tell_about_tray(app: &AppHandle) {
    if plugins::settings(app).told_about_tray {
        return;
    }
    let lang = plugins::settings(app).language;
    let (title, body) = (
        lang.pick("eConnect Desktop blijft actief", "eConnect Desktop keeps running"),
        lang.pick(
            "De app staat in het systeemvak en blijft je facturen verzenden. Kies daar Openen of Afsluiten.",
            "The app is in the system tray and keeps sending your invoices. Choose Open or Quit there.",
        ),
    );
    notifier::show(app, title, body);
    // A failure is logged inside; at worst the user is told once more next time.
    let _ = plugins::save_settings(app, |s| s.told_about_tray = true);
}

/// Gives heap pages freed by the closed webview back to the OS; glibc keeps them otherwise,
/// and idle memory in the tray is what users see.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own heap bookkeeping; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
