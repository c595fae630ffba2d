//! The eConnect Desktop shell: wires the engine to a Tauri window. No behaviour lives here.

mod commands;
mod ipc;

/// Starts the app: one main window serving the UI, the typed commands registered.
pub fn run() {
    prepare_webkit();
    let ipc = ipc::builder();
    let result = tauri::Builder::default()
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(err) = result {
        eprintln!("eConnect Desktop could not start: {err}");
        std::process::exit(1);
    }
}

/// WebKitGTK shows a blank window on some GPUs with its DMA-BUF renderer; turn it off
/// unless the user chose otherwise.
fn prepare_webkit() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // SAFETY: called first thing in `run`, before any thread is spawned.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
}
