//! Files handed to the app: on the command line ("Openen met", file associations) or by a
//! second launch. They all go through [`hand_over`], which the intake will take over.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Emitter, Manager};

use crate::{handover, main_window, plugins, tray};

/// The UI event with the paths handed over (a list of strings).
pub const FILES_OPENED_EVENT: &str = "desktop://files-opened";

/// A second launch: focus (or reopen) the window and take its files.
pub fn from_second_instance(app: &AppHandle, argv: Vec<String>, cwd: String) {
    tracing::info!(
        "second launch handed over {} argument(s)",
        argv.len().saturating_sub(1)
    );
    if handover::pass_on(app, &argv, Path::new(&cwd)) || test_control(app, &argv) {
        return;
    }
    // A start at login (or a tray process that lost the race to a user's launch) brings
    // no window up.
    if !argv.iter().any(|arg| arg == plugins::HIDDEN_ARG) {
        main_window::show(app);
    }
    from_arguments(app, &argv, Some(Path::new(&cwd)));
}

/// Takes the files among the arguments (the first is the program itself).
pub fn from_arguments(app: &AppHandle, argv: &[String], cwd: Option<&Path>) {
    let files = files_in(argv, cwd);
    if !files.is_empty() {
        hand_over(app, files);
    }
}

/// The existing files among the arguments, made absolute against `cwd`; flags are skipped.
pub fn files_in(argv: &[String], cwd: Option<&Path>) -> Vec<PathBuf> {
    argv.iter()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(|arg| match cwd {
            Some(cwd) if Path::new(arg).is_relative() => cwd.join(arg),
            _ => PathBuf::from(arg),
        })
        .filter(|path| path.is_file())
        .collect()
}

/// Where opened files go. For now: logged and announced to the UI; the intake connects here.
pub fn hand_over(app: &AppHandle, files: Vec<PathBuf>) {
    // The intake commands accept these paths from the UI from now on.
    app.state::<crate::handed_files::HandedFiles>()
        .remember(&files);
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    tracing::info!("files handed over: {paths:?}");
    if let Err(err) = app.emit(FILES_OPENED_EVENT, &paths) {
        tracing::error!("could not tell the UI about opened files: {err}");
    }
}

/// The env var that enables test controls in a release build (debug builds always have them).
const TEST_CONTROLS: &str = "ECONNECT_TEST_CONTROLS";

fn test_controls_enabled() -> bool {
    cfg!(debug_assertions) || std::env::var_os(TEST_CONTROLS).is_some()
}

/// A test control for watched folders, since the E2E tests cannot click through the OS's
/// folder dialog: `ECONNECT_TEST_WATCH_FOLDER` watched for `ECONNECT_TEST_WATCH_PARTY`
/// (purchase invoices), for this run only. Each process of a hand-over inherits it.
pub fn test_watch_folder() -> Option<econnect_engine::intake::WatchedFolder> {
    if !test_controls_enabled() {
        return None;
    }
    let path = std::env::var_os("ECONNECT_TEST_WATCH_FOLDER")?;
    let party = std::env::var("ECONNECT_TEST_WATCH_PARTY").ok()?;
    Some(econnect_engine::intake::WatchedFolder {
        path: PathBuf::from(path),
        layout: econnect_engine::intake::Layout::Single { party },
        direction: econnect_engine::intake::Direction::Purchase,
    })
}

/// Test controls through a second launch, since Xvfb has no tray host and no window
/// manager: `--tray-menu=<id>` runs the tray's own menu handler, `--close-window` closes
/// the main window as its close button does. Returns whether the launch was one.
fn test_control(app: &AppHandle, argv: &[String]) -> bool {
    if !test_controls_enabled() {
        return false;
    }
    if let Some(id) = argv.iter().find_map(|arg| arg.strip_prefix("--tray-menu=")) {
        tray::on_menu(app, id);
        return true;
    }
    if argv.iter().any(|arg| arg == "--close-window") {
        main_window::close(app);
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_files_count_and_relative_ones_join_the_cwd() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("factuur.pdf"), b"%PDF").expect("write");
        let argv = ["app", "factuur.pdf", "--hidden", "missing.xml"].map(String::from);
        assert_eq!(
            files_in(&argv, Some(dir.path())),
            vec![dir.path().join("factuur.pdf")]
        );
        assert!(
            files_in(&argv[..1], Some(dir.path())).is_empty(),
            "the program itself is no file"
        );
    }
}
