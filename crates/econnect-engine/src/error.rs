//! Errors as they cross to the UI: a stable machine code and a message.

use serde::Serialize;

/// Stable codes the UI translates; never reuse or rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The OS would not tell us where to keep the app's data.
    NoDataFolder,
}

/// An engine failure, serialised as `{code, message}` for the UI.
#[derive(Debug, thiserror::Error, Serialize, specta::Type)]
#[error("{message}")]
pub struct EngineError {
    /// What went wrong, for the UI to translate.
    pub code: ErrorCode,
    /// Detail for logs and developers (English); the UI shows its own translation.
    pub message: String,
}

impl EngineError {
    /// Builds an error from a code and a detail message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}
