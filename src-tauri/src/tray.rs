//! The tray icon: draws [`econnect_engine::desktop::tray_model`]'s menu for the current
//! state and runs the clicked item. Linux rarely delivers icon clicks, so everything is in
//! the menu, starting with "Openen".

use econnect_engine::desktop::tray_model::menu_for;
use econnect_engine::desktop::{MenuAction, MenuEntry, TrayIcon, TrayRequest};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::main_window;
use crate::plugins::{self, DesktopState};

/// The tray icon's id.
const TRAY_ID: &str = "main";

/// Creates the tray and redraws it whenever the engine's state changes.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let state = app.state::<DesktopState>();
    let model = menu_for(&state.feed.current(), plugins::settings(app).language);
    let menu = build_menu(app, &model.entries)?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(model.icon))
        .tooltip(&model.tooltip)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(app)?;
    let mut changes = state.feed.watch();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            redraw(&app);
        }
    });
    Ok(())
}

/// Redraws the tray from the current state and language (also after a language switch).
pub fn redraw(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let model = menu_for(
        &app.state::<DesktopState>().feed.current(),
        plugins::settings(app).language,
    );
    let result = build_menu(app, &model.entries).and_then(|menu| {
        tray.set_menu(Some(menu))?;
        tray.set_icon(Some(icon(model.icon)))?;
        tray.set_tooltip(Some(&model.tooltip))
    });
    if let Err(err) = result {
        tracing::error!("could not redraw the tray: {err}");
    }
}

/// Runs a tray menu item by its id (also used by the E2E tests through a second launch).
pub fn on_menu(app: &AppHandle, id: &str) {
    let Some(action) = MenuAction::from_id(id) else {
        return;
    };
    tracing::info!("tray menu: {id}");
    let feed = &app.state::<DesktopState>().feed;
    match action {
        MenuAction::Open => main_window::show(app),
        MenuAction::SyncNow => feed.request(TrayRequest::SyncNow),
        MenuAction::TogglePause => feed.request(TrayRequest::SetPaused(!feed.current().paused)),
        MenuAction::Quit => {
            app.state::<crate::handover::HandOver>().quitting();
            app.exit(0);
        }
    }
}

fn build_menu(app: &AppHandle, entries: &[MenuEntry]) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    for entry in entries {
        match entry {
            MenuEntry::Action { action, label } => menu.append(&MenuItem::with_id(
                app,
                action.id(),
                label,
                true,
                None::<&str>,
            )?)?,
            MenuEntry::Info(text) => {
                menu.append(&MenuItem::new(app, text, false, None::<&str>)?)?
            }
            MenuEntry::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
        }
    }
    Ok(menu)
}

fn icon(which: TrayIcon) -> Image<'static> {
    match which {
        TrayIcon::Idle => tauri::include_image!("../icons/tray.png"),
        TrayIcon::Uploading => tauri::include_image!("../icons/tray-uploading.png"),
        TrayIcon::Attention => tauri::include_image!("../icons/tray-attention.png"),
    }
}
