//! Invoice intake for eConnect Desktop: local preflight of files (on their bytes), watched
//! folders, and exactly-once uploads through a ledger and an outbox in the store.
//! See `API.md` for what the shell calls.

// A panic in a check must cost only its file, which takes unwinding: with `panic = "abort"`
// one malformed file would stop the app at every start.
#[cfg(not(panic = "unwind"))]
compile_error!("econnect-intake needs panic = \"unwind\" (see [profile.release] in Cargo.toml)");

pub mod checks;
pub mod engine;
pub mod error;
pub mod events;
pub mod filter;
pub mod folders;
pub mod identifiers;
pub mod invoice;
pub mod journal;
pub mod moves;
mod pending;
pub mod preflight;
mod recheck;
pub mod refusal;
pub mod samples;
mod unmoved;
pub mod uploader;
pub mod watcher;

pub use engine::{Intake, IntakeConfig, SubmitOutcome, Submitted};
pub use error::IntakeError;
pub use events::{IntakeEvent, Stage};
pub use folders::{Layout, OrgFolder, WatchedFolder};
pub use preflight::{Direction, FileKind, Preflight, Route, Warning, preflight};
pub use refusal::{Refusal, RefusalCode};
pub use watcher::{FolderStatus, OrgBinding};
