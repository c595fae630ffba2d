//! The eConnect Desktop engine. It knows nothing of Tauri: the shell and the CLI call it.
//! See `API.md` beside this crate for what the shell can call.

pub mod about;
pub mod attention;
pub mod config;
mod demo;
pub mod desktop;
pub mod engine;
pub mod environment;
pub mod error;
pub mod events;
pub mod export;
pub mod feed;
mod follow;
pub mod hooks;
pub mod invoice_view;
pub mod maintenance;
pub mod memory;
pub mod outbox;
pub mod people;
pub mod receive;
pub mod receiving;
pub mod secrets;
pub mod sent_facts;
pub mod session;
pub mod settings;
pub mod status;
mod sync;
pub mod tracking;

pub use about::{AppInfo, about};
pub use attention::AttentionOverview;
pub use config::AppConfig;
pub use engine::{Engine, EngineOptions};
pub use environment::{Environment, EnvironmentInfo, SIGN_UP_URL};
pub use error::{EngineError, ErrorCode};
pub use events::EngineEvent;
pub use feed::ChangeBatch;
pub use people::{
    AddressCheck, CreatedUser, IntakeAddresses, Member, Members, NewUser, Profile, RoleDefinition,
    RolePreset, UserDirectory, UserOrganisation, UserRole, UserSummary,
};
pub use receiving::{PromptChoice, ReceiveCandidate, ReceiveOutcome};
pub use secrets::{KeyringState, MemoryKeyring, NoKeyring, SecretStore, SystemKeyring};
pub use session::{SessionInfo, SignIn};
pub use status::{EngineStatus, SyncProgress, SyncSummary};

/// The intake's types (preflight, folders, progress), for the shell.
pub use econnect_intake as intake;
pub use econnect_store::outbox::{OutboxCounts, OutboxItem};
pub use econnect_store::{Attention, ReceivedInvoice, ReceivedState};
pub use econnect_store::{
    ChangeKind, Channel, Direction, DocumentCoverage, DocumentDetail, DocumentPage, DocumentQuery,
    DocumentRow, DocumentSort, ListedInvoice, Organisation, OrganisationDetail, OrganisationQuery,
    Permissions, ReceiveState, SortField, StatusStep, UserAccess,
};
pub use receive::answers::{AnswerKind, InvoiceAnswer};
pub use receive::{ReceiveFolder, ReceiveSummary};
