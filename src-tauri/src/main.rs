//! eConnect Desktop: the app's entry point (the shell lives in the library).

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    econnect_desktop_lib::run();
}
