//! IPC commands of receiving: one-line wrappers over the engine.

use econnect_engine::hooks::{ReceiveChannel, ReceiveChannelState};
use econnect_engine::{
    Engine, EngineError, InvoiceAnswer, ReceiveFolder, ReceiveSummary, ReceivedInvoice,
};
use tauri::{AppHandle, State};

use crate::handed_files::{self, HandedFiles};

/// The receive records (state, files, answer) of these documents, for the list and detail.
#[tauri::command]
#[specta::specta]
pub async fn received_invoices(
    engine: State<'_, Engine>,
    ids: Vec<String>,
) -> Result<Vec<ReceivedInvoice>, EngineError> {
    engine.received_invoices(ids).await
}

/// Accepts, rejects (reasons, actions) or marks paid a received invoice.
#[tauri::command]
#[specta::specta]
pub async fn answer_invoice(
    engine: State<'_, Engine>,
    id: String,
    answer: InvoiceAnswer,
) -> Result<Option<ReceivedInvoice>, EngineError> {
    engine.answer_invoice(&id, answer).await
}

/// Removes a received invoice from the platform (only once it is safely on disk).
#[tauri::command]
#[specta::specta]
pub async fn remove_received(engine: State<'_, Engine>, id: String) -> Result<(), EngineError> {
    engine.remove_received(&id).await
}

/// Where received invoices go.
#[tauri::command]
#[specta::specta]
pub async fn receive_folder(engine: State<'_, Engine>) -> Result<ReceiveFolder, EngineError> {
    engine.receive_folder().await
}

/// Lets the user pick the receive folder (native dialog); null when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_receive_folder(
    app: AppHandle,
    engine: State<'_, Engine>,
    handed: State<'_, HandedFiles>,
) -> Result<Option<ReceiveFolder>, EngineError> {
    match handed_files::choose_folder(&app, &handed) {
        Some(path) => engine.set_receive_folder(path.into()).await.map(Some),
        None => Ok(None),
    }
}

/// Downloads new received invoices now.
#[tauri::command]
#[specta::specta]
pub async fn receive_now(engine: State<'_, Engine>) -> Result<ReceiveSummary, EngineError> {
    engine.receive_now(Default::default()).await
}

/// How received invoices reach this installation (Instellingen → Ontvangen).
#[tauri::command]
#[specta::specta]
pub async fn receive_channel(
    engine: State<'_, Engine>,
) -> Result<ReceiveChannelState, EngineError> {
    engine.receive_channel().await
}

/// Saves and applies a way of receiving.
#[tauri::command]
#[specta::specta]
pub async fn set_receive_channel(
    engine: State<'_, Engine>,
    channel: ReceiveChannel,
) -> Result<ReceiveChannelState, EngineError> {
    engine.set_receive_channel(channel).await
}

/// Asks the platform for a test announcement to our hook.
#[tauri::command]
#[specta::specta]
pub async fn test_receive_channel(
    engine: State<'_, Engine>,
) -> Result<ReceiveChannelState, EngineError> {
    engine.test_receive_channel().await
}
