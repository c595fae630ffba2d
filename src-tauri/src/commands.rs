//! IPC commands: one-line wrappers over the engine. Register new ones in `ipc::builder`.

use econnect_engine::{
    AppInfo, DocumentDetail, DocumentPage, DocumentQuery, Engine, EngineError, EngineStatus,
    ErrorCode, Organisation, OrganisationDetail, OrganisationQuery, SessionInfo, SignIn,
    SyncSummary,
};
use std::sync::Arc;

use econnect_engine::OutboxItem;
use econnect_engine::intake::{
    Direction, FolderStatus, Layout, Preflight, Submitted, WatchedFolder,
};
use econnect_engine::outbox::Outbox;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::handed_files::{self, HandedFiles};

/// The app's version and data folder, for Instellingen.
#[tauri::command]
#[specta::specta]
pub fn app_info() -> Result<AppInfo, EngineError> {
    econnect_engine::about(env!("CARGO_PKG_VERSION"))
}

/// Signs in to the chosen environment (the sandbox needs no credentials).
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    engine: State<'_, Engine>,
    request: SignIn,
) -> Result<SessionInfo, EngineError> {
    engine.sign_in(request).await
}

/// Starts the embedded sandbox with its demo data and signs in as the demo user.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_sandbox(engine: State<'_, Engine>) -> Result<SessionInfo, EngineError> {
    engine.sign_in_sandbox().await
}

/// Signs in again as the last profile, with the keyring's password; null when none.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(
    engine: State<'_, Engine>,
) -> Result<Option<SessionInfo>, EngineError> {
    engine.restore_session().await
}

/// Signs out and removes the remembered password.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(engine: State<'_, Engine>) -> Result<(), EngineError> {
    engine.sign_out().await
}

/// Sync progress and connectivity.
#[tauri::command]
#[specta::specta]
pub fn engine_status(engine: State<'_, Engine>) -> EngineStatus {
    engine.status()
}

/// Syncs now and reports what changed.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(engine: State<'_, Engine>) -> Result<SyncSummary, EngineError> {
    engine.sync_now().await
}

/// The organisations in the cache.
#[tauri::command]
#[specta::specta]
pub async fn organisations(
    engine: State<'_, Engine>,
    query: OrganisationQuery,
) -> Result<Vec<Organisation>, EngineError> {
    engine.organisations(query).await
}

/// One organisation with its counts and members.
#[tauri::command]
#[specta::specta]
pub async fn organisation(
    engine: State<'_, Engine>,
    id: String,
) -> Result<OrganisationDetail, EngineError> {
    engine.organisation(&id).await
}

/// A page of documents matching the query.
#[tauri::command]
#[specta::specta]
pub async fn documents(
    engine: State<'_, Engine>,
    query: DocumentQuery,
) -> Result<DocumentPage, EngineError> {
    engine.documents(query).await
}

/// What the documents screen covers: sent from this computer, received by hook.
#[tauri::command]
#[specta::specta]
pub async fn document_coverage(
    engine: State<'_, Engine>,
) -> Result<econnect_engine::DocumentCoverage, EngineError> {
    engine.document_coverage().await
}

/// One document with its status history.
#[tauri::command]
#[specta::specta]
pub async fn document(
    engine: State<'_, Engine>,
    id: String,
) -> Result<DocumentDetail, EngineError> {
    engine.document(&id).await
}

/// Opens the platform's sign-up page in the user's browser.
#[tauri::command]
#[specta::specta]
pub fn open_sign_up_page(app: AppHandle) -> Result<(), EngineError> {
    app.opener()
        .open_url(econnect_engine::SIGN_UP_URL, None::<&str>)
        .map_err(|e| EngineError::new(ErrorCode::Platform, e.to_string()))
}

/// Checks dropped, chosen or opened files before they are sent.
#[tauri::command]
#[specta::specta]
pub async fn preflight_files(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    handed: State<'_, HandedFiles>,
    paths: Vec<String>,
    direction: Direction,
) -> Result<Vec<Preflight>, EngineError> {
    outbox
        .preflight(&engine, handed.check(paths)?, direction)
        .await
}

/// Queues dropped, chosen or opened files for an organisation (`force`: send a duplicate anyway).
#[tauri::command]
#[specta::specta]
pub async fn submit_files(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    handed: State<'_, HandedFiles>,
    party: String,
    direction: Direction,
    paths: Vec<String>,
    force: bool,
) -> Result<Vec<Submitted>, EngineError> {
    outbox
        .submit(&engine, &party, direction, handed.check(paths)?, force)
        .await
}

/// The outbox, newest first; one organisation or all.
#[tauri::command]
#[specta::specta]
pub async fn outbox(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    party: Option<String>,
) -> Result<Vec<OutboxItem>, EngineError> {
    outbox.queue(&engine, party.as_deref()).await
}

/// Puts a refused or dead file back in the queue.
#[tauri::command]
#[specta::specta]
pub async fn retry_outbox_item(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    id: String,
    force: bool,
) -> Result<bool, EngineError> {
    outbox.retry(&engine, &id, force).await
}

/// Hides a file from the outbox list (the file itself stays).
#[tauri::command]
#[specta::specta]
pub async fn remove_outbox_item(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    id: String,
) -> Result<bool, EngineError> {
    outbox.remove(&engine, &id).await
}

/// The watched folders with their bindings and health.
#[tauri::command]
#[specta::specta]
pub async fn watched_folders(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
) -> Result<Vec<FolderStatus>, EngineError> {
    outbox.folders(&engine).await
}

/// Starts watching a folder the user chose in the dialog.
#[tauri::command]
#[specta::specta]
pub async fn add_watched_folder(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    handed: State<'_, HandedFiles>,
    path: String,
    layout: Layout,
    direction: Direction,
) -> Result<(), EngineError> {
    outbox
        .add_folder(
            &engine,
            WatchedFolder {
                path: single(handed.check(vec![path])?)?,
                layout,
                direction,
            },
        )
        .await
}

/// Stops watching a folder.
#[tauri::command]
#[specta::specta]
pub async fn remove_watched_folder(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    path: String,
) -> Result<(), EngineError> {
    outbox.remove_folder(&engine, path.into()).await
}

/// Creates a subfolder for an organisation in a watched root folder.
#[tauri::command]
#[specta::specta]
pub async fn create_organisation_folder(
    engine: State<'_, Engine>,
    outbox: State<'_, Arc<Outbox>>,
    handed: State<'_, HandedFiles>,
    root: String,
    party: String,
    name: String,
    direction: Direction,
) -> Result<String, EngineError> {
    outbox
        .create_organisation_folder(
            &engine,
            single(handed.check(vec![root])?)?,
            &party,
            &name,
            direction,
        )
        .await
        .map(|p| p.display().to_string())
}

/// "Bestanden kiezen…": the OS file dialog.
#[tauri::command]
#[specta::specta]
pub async fn choose_files(
    app: AppHandle,
    handed: State<'_, HandedFiles>,
) -> Result<Vec<String>, EngineError> {
    Ok(handed_files::choose_files(&app, &handed))
}

/// A folder to watch, from the OS dialog; null when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_folder(
    app: AppHandle,
    handed: State<'_, HandedFiles>,
) -> Result<Option<String>, EngineError> {
    Ok(handed_files::choose_folder(&app, &handed))
}

fn single(mut paths: Vec<std::path::PathBuf>) -> Result<std::path::PathBuf, EngineError> {
    paths
        .pop()
        .ok_or_else(|| EngineError::new(ErrorCode::InvalidInput, "no path"))
}
