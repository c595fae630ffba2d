//! Files the user handed to the app through the OS: dropped on the window, chosen in the
//! file dialog, or opened with the app. Intake commands take paths from the UI only when
//! they are among these, so a compromised page cannot make the app upload any file.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use econnect_engine::{EngineError, ErrorCode};

/// The handed-over files, kept for the app's lifetime.
#[derive(Default)]
pub struct HandedFiles(Mutex<HashSet<PathBuf>>);

impl HandedFiles {
    /// Remembers files the OS handed over.
    pub fn remember(&self, files: &[PathBuf]) {
        let mut known = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known.extend(files.iter().cloned());
    }

    /// The paths, when every one was handed over; otherwise an error naming the first stranger.
    pub fn check(&self, paths: Vec<String>) -> Result<Vec<PathBuf>, EngineError> {
        let known = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        paths
            .into_iter()
            .map(PathBuf::from)
            .map(|path| {
                if known.contains(&path) {
                    Ok(path)
                } else {
                    Err(EngineError::new(
                        ErrorCode::InvalidInput,
                        format!("{} was not dropped, chosen or opened", path.display()),
                    ))
                }
            })
            .collect()
    }
}

/// "Bestanden kiezen…": the OS file dialog; the chosen files count as handed over.
pub fn choose_files(app: &tauri::AppHandle, handed: &HandedFiles) -> Vec<String> {
    use tauri_plugin_dialog::DialogExt;
    let picked = app
        .dialog()
        .file()
        .add_filter(
            "Facturen (pdf, xml, jpg, png, bmp)",
            &["pdf", "xml", "jpg", "jpeg", "png", "bmp"],
        )
        .blocking_pick_files()
        .unwrap_or_default();
    let paths: Vec<PathBuf> = picked
        .into_iter()
        .filter_map(|file| file.into_path().ok())
        .collect();
    handed.remember(&paths);
    paths.iter().map(|p| p.display().to_string()).collect()
}

/// A folder to watch, chosen in the OS dialog; it counts as handed over.
pub fn choose_folder(app: &tauri::AppHandle, handed: &HandedFiles) -> Option<String> {
    use tauri_plugin_dialog::DialogExt;
    let path = app
        .dialog()
        .file()
        .blocking_pick_folder()?
        .into_path()
        .ok()?;
    handed.remember(std::slice::from_ref(&path));
    Some(path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_handed_over_paths_pass() {
        let files = HandedFiles::default();
        files.remember(&[PathBuf::from("/a/factuur.pdf")]);
        assert_eq!(
            files.check(vec!["/a/factuur.pdf".into()]).expect("known"),
            vec![PathBuf::from("/a/factuur.pdf")]
        );
        let err = files
            .check(vec!["/a/factuur.pdf".into(), "/etc/passwd".into()])
            .expect_err("stranger");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("/etc/passwd"));
    }
}
