//! Errors of the intake engine (not of single files: those are [`crate::Refusal`]s).

/// What starting or steering the intake can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The store failed.
    #[error("database: {0}")]
    Store(#[from] econnect_store::StoreError),
    /// A folder could not be read, created or written.
    #[error("folder: {0}")]
    Io(#[from] std::io::Error),
    /// The caller passed something unusable (unknown id, folder outside the watched ones).
    #[error("{0}")]
    InvalidInput(String),
}

impl IntakeError {
    /// Stable code for the UI (`errors.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::Store(_) => "storage",
            IntakeError::Io(_) => "folder",
            IntakeError::InvalidInput(_) => "invalid_input",
        }
    }

    /// The message in Dutch.
    pub fn dutch(&self) -> String {
        match self {
            IntakeError::Store(e) => format!("De lokale database gaf een fout: {e}"),
            IntakeError::Io(e) => format!("De map kon niet worden gebruikt: {e}"),
            IntakeError::InvalidInput(m) => m.clone(),
        }
    }
}
