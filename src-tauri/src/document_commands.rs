//! The Documents screen's own commands: export of the filtered view or a selection, and
//! sending a selection again.

use econnect_engine::desktop::Language;
use econnect_engine::export::resend::ResendOutcome;
use econnect_engine::export::{DocumentExport, ExportFormat};
use econnect_engine::{DocumentQuery, Engine, EngineError};
use tauri::{AppHandle, State};

/// Asks where to save (OS dialog), then writes the documents matching `query` as CSV or
/// xlsx; null when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_documents(
    app: AppHandle,
    engine: State<'_, Engine>,
    query: DocumentQuery,
    format: ExportFormat,
    language: Language,
) -> Result<Option<DocumentExport>, EngineError> {
    use tauri_plugin_dialog::DialogExt;
    let (name, filter) = match format {
        ExportFormat::Csv => (language.pick("documenten.csv", "documents.csv"), "CSV"),
        ExportFormat::Xlsx => (language.pick("documenten.xlsx", "documents.xlsx"), "Excel"),
    };
    let path = match test_save_folder() {
        Some(folder) => folder.join(name),
        None => {
            let chosen = app
                .dialog()
                .file()
                .set_file_name(name)
                .add_filter(filter, &[format.extension()])
                .blocking_save_file();
            let Some(path) = chosen.and_then(|p| p.into_path().ok()) else {
                return Ok(None);
            };
            path
        }
    };
    engine
        .export_documents(query, format, language, &path)
        .await
        .map(Some)
}

/// A test control of debug builds: the E2E run cannot drive the OS save dialog, so with
/// `ECONNECT_TEST_SAVE_FOLDER` set an export goes into that folder under its default name.
fn test_save_folder() -> Option<std::path::PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os("ECONNECT_TEST_SAVE_FOLDER").map(Into::into)
}

/// Queues the files of sent documents again; one answer per document.
#[tauri::command]
#[specta::specta]
pub async fn resend_documents(
    engine: State<'_, Engine>,
    ids: Vec<String>,
    language: Language,
) -> Result<Vec<ResendOutcome>, EngineError> {
    Ok(engine.resend_documents(&ids, language).await)
}
