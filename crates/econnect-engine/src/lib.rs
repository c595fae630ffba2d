//! The eConnect Desktop engine. It knows nothing of Tauri: the shell and the CLI call it.

pub mod about;
pub mod error;

pub use about::{about, AppInfo};
pub use error::{EngineError, ErrorCode};
