//! IPC commands of the invoice view: one-line wrappers over the engine, and the opener for
//! "Openen" and "Toon in map" (files found by the document's id, never a path from the UI).

use econnect_engine::invoice_view::{DocumentInvoice, InvoiceFileKind};
use econnect_engine::{Engine, EngineError, ErrorCode};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

/// A document's invoice: its readable view (or why there is none) and its files.
#[tauri::command]
#[specta::specta]
pub async fn document_invoice(
    engine: State<'_, Engine>,
    id: String,
) -> Result<DocumentInvoice, EngineError> {
    engine.document_invoice(&id).await
}

/// A document's PDF as base64 for the in-app viewer; null when it has none.
#[tauri::command]
#[specta::specta]
pub async fn invoice_pdf(
    engine: State<'_, Engine>,
    id: String,
) -> Result<Option<String>, EngineError> {
    engine.invoice_pdf(&id).await
}

/// Opens the document's PDF or XML with the system's app.
#[tauri::command]
#[specta::specta]
pub async fn open_invoice_file(
    app: AppHandle,
    engine: State<'_, Engine>,
    id: String,
    kind: InvoiceFileKind,
) -> Result<(), EngineError> {
    let path = engine.invoice_file(&id, kind).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| EngineError::new(ErrorCode::Folder, e.to_string()))
}

/// Shows the document's PDF or XML in the file manager.
#[tauri::command]
#[specta::specta]
pub async fn reveal_invoice_file(
    app: AppHandle,
    engine: State<'_, Engine>,
    id: String,
    kind: InvoiceFileKind,
) -> Result<(), EngineError> {
    let path = engine.invoice_file(&id, kind).await?;
    app.opener()
        .reveal_item_in_dir(path)
        .map_err(|e| EngineError::new(ErrorCode::Folder, e.to_string()))
}
