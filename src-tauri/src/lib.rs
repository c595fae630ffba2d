//! The eConnect Desktop shell: wires the engine to a Tauri window. No behaviour lives here.

mod commands;
mod events;
#[cfg(target_os = "linux")]
mod first_show;
mod handed_files;
mod handover;
mod invoice_commands;
mod ipc;
// people and receiving
mod people_commands;
// desktop integration: tray, notifications, updates, single instance, logs
mod desktop_actions;
mod desktop_commands;
mod document_commands;
mod main_window;
mod notifier;
mod opened_files;
mod overview_commands;
mod plugins;
mod receive_commands;
mod settings_commands;
mod tray;
mod tray_link;
mod update_fetch;
mod updater;
#[cfg(target_os = "linux")]
mod web_extension;
mod working_set;

/// Starts the app: one main window serving the UI, the typed commands registered.
pub fn run() {
    econnect_engine::memory::one_heap();
    // Before anything that a predecessor may still hold: the single-instance name, the
    // engine's profile, the hook port.
    handover::wait_for_predecessor();
    prepare_webkit();
    let engine = match open_engine() {
        Ok(engine) => engine,
        Err(err) => {
            eprintln!("eConnect Desktop could not open its data folder: {err}");
            std::process::exit(1);
        }
    };
    if let Some(folder) = opened_files::test_watch_folder() {
        engine
            .outbox()
            .configure(econnect_engine::outbox::IntakeSetup {
                extra: vec![folder],
                ..Default::default()
            });
    }
    let ipc = ipc::builder();
    // Managed before any window exists, so the UI's first call always finds the engine.
    let builder = tauri::Builder::default()
        .manage(engine.clone())
        .manage(engine.outbox().clone())
        .manage(engine.maintenance().clone())
        .manage(handed_files::HandedFiles::default())
        .manage(handover::HandOver::default());
    let result = plugins::register(builder)
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(ipc.invoke_handler())
        .on_window_event(|window, event| {
            // A native drop: real paths, handled like files opened with the app.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                opened_files::hand_over(tauri::Manager::app_handle(window), paths.clone());
            }
        })
        .setup(move |app| {
            ipc.mount_events(app);
            // Subscribed first, so the services' first events reach the UI and the tray.
            events::forward(app.handle().clone(), engine.clone());
            tray_link::start(app.handle(), engine.clone());
            // Inside the runtime: the engine spawns its services with Tokio.
            let hidden = std::env::args().any(|arg| arg == plugins::HIDDEN_ARG);
            tauri::async_runtime::spawn(async move {
                engine.start_services();
                // Without a window no UI restores the session: the tray process does, so
                // the folders are watched and notifications come from the tray alone.
                if hidden {
                    restore_in_tray(&engine).await;
                    working_set::release_when_settled();
                }
            });
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(err) = result {
        eprintln!("eConnect Desktop could not start: {err}");
        std::process::exit(1);
    }
}

/// Signs in again as the last profile for a process that starts in the tray.
async fn restore_in_tray(engine: &econnect_engine::Engine) {
    match engine.restore_session().await {
        Ok(Some(session)) => tracing::info!("session restored in the tray: {}", session.profile),
        Ok(None) => tracing::info!("no session to restore in the tray"),
        Err(err) => tracing::warn!("could not restore the session in the tray: {err}"),
    }
}

/// Opens the engine on the data folder (`ECONNECT_HOME`, else the OS's).
fn open_engine() -> Result<econnect_engine::Engine, econnect_engine::EngineError> {
    let folder =
        econnect_engine::about::data_folder(std::env::var_os("ECONNECT_HOME").map(Into::into))?;
    tauri::async_runtime::block_on(econnect_engine::Engine::open(folder))
}

/// WebKitGTK shows a blank window on some GPUs with its DMA-BUF renderer; turn it off
/// unless the user chose otherwise. A start at login stays in the tray, so on X11 GTK need
/// not load OpenGL (with llvmpipe that alone is ~40 MB of resident memory); WebKit brings
/// its own EGL if the window is opened later.
fn prepare_webkit() {
    #[cfg(target_os = "linux")]
    {
        let keep_user_choice = |name: &str, value: &str| {
            if std::env::var_os(name).is_none() {
                // SAFETY: called first thing in `run`, before any thread is spawned.
                unsafe { std::env::set_var(name, value) };
            }
        };
        keep_user_choice("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        let hidden = std::env::args().any(|arg| arg == plugins::HIDDEN_ARG);
        if hidden && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            keep_user_choice("GDK_GL", "disable");
        }
    }
}
