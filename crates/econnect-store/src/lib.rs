//! The local cache of eConnect Desktop: one SQLite database per signed-in profile (sqlx,
//! WAL, foreign keys, embedded migrations). What the platform said about the environment,
//! organisations, users and documents, where each paged sync stands, and a change feed
//! that every writer appends to in its own transaction.
//!
//! Writers: take the writer with [`Store::writer`], begin a transaction on it, write, append to the feed with
//! [`changes::append`], and finish with [`Store::commit`] (which also wakes the feed's readers).

#![warn(missing_docs)]

mod anchors;
pub mod attention;
pub mod changes;
pub mod cursors;
pub mod db;
pub mod documents;
pub mod environment;
pub mod error;
pub mod hook_inbox;
pub mod housekeeping;
pub mod ledger;
pub mod outbox;
pub mod own;
pub mod parties;
pub mod people;
pub mod received;
pub mod search;
pub mod sent_facts;
pub mod timestamp;
pub mod totals;
pub mod tracking;
pub mod users;

pub use attention::Attention;
pub use changes::{Change, ChangeKind};
pub use cursors::SyncCursor;
pub use db::{Store, profile_database_path};
pub use documents::{
    Channel, Direction, DocumentDetail, DocumentRecord, DocumentRow, PageOutcome, StatusStep,
};
pub use environment::EnvironmentRecord;
pub use error::StoreError;
pub use hook_inbox::{HookEventRow, NewHookEvent, OwnHook, StoredDelivery};
pub use own::{DocumentCoverage, OwnDocument};
pub use parties::{
    Organisation, OrganisationDetail, OrganisationQuery, PartyRecord, Permissions, ReceiveState,
};
pub use people::CachedUser;
pub use received::{
    InvoiceFacts, ListedInvoice, ReceivedInvoice, ReceivedState, RetentionRisk, SavedInvoice,
};
pub use search::{DocumentPage, DocumentQuery, DocumentSort, SortField};
pub use sent_facts::{SentFacts, SentFile, UnreadSent};
pub use totals::CurrencyTotal;
pub use tracking::{LearnedStatus, OpenDocument, StatusChange};
pub use users::{UserAccess, UserRecord};

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
