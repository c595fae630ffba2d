//! IPC for the overview: what needs attention per organisation.

use econnect_engine::{AttentionOverview, Engine, EngineError};
use tauri::State;

/// Every organisation's counts (failed, rejected, new, unanswered, waiting), worst first.
#[tauri::command]
#[specta::specta]
pub async fn attention(engine: State<'_, Engine>) -> Result<AttentionOverview, EngineError> {
    engine.attention().await
}
