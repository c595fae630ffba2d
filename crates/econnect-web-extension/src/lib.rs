//! WebKitGTK's web process of the app's window loads this library at start (the app sets
//! its directory as the web extensions directory, `src-tauri/src/web_extension.rs`). It
//! does one thing: once the page has settled, the web process gives back the pages of
//! WebKit and JavaScriptCore it needed only to start and draw the first page, and again
//! after each stretch of use once it is quiet (`econnect_working_set`). The app's own
//! process does the same for itself; the web process is WebKit's, and another process's
//! pages may only be advised with a privilege users do not have.
//!
//! It calls nothing of WebKit's, so it needs no WebKit bindings, and it cannot break the
//! page: if its thread cannot start, the web process runs as it would without it.

#[cfg(target_os = "linux")]
mod watch {
    use econnect_working_set::{IdleRelease, SETTLED, cpu_time, release};

    /// Releases once settled, then after each stretch of use once quiet, for as long as
    /// the web process lives (it ends with the window).
    pub fn run() {
        std::thread::sleep(SETTLED);
        // A failure (no /proc) leaves the pages where they are; there is no one to tell.
        let _ = release();
        let mut idle = IdleRelease::after_release(cpu_time());
        loop {
            std::thread::sleep(IdleRelease::CHECK);
            if idle.due(cpu_time()) {
                let _ = release();
            }
        }
    }
}

/// WebKitGTK's entry point for a web process extension, called once as the web process
/// starts; the argument is the `WebKitWebExtension`, which this extension does not use.
#[cfg(target_os = "linux")]
#[unsafe(no_mangle)]
pub extern "C" fn webkit_web_extension_initialize(_extension: *mut std::ffi::c_void) {
    // Not WebKit's thread: the entry point returns at once and the page loads meanwhile.
    let _ = std::thread::Builder::new()
        .name("econnect-release".into())
        .stack_size(64 * 1024)
        .spawn(watch::run);
}
