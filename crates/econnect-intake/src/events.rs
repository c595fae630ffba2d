//! Per-file progress, broadcast to whoever shows it (the app's "Verzenden" page, the CLI).

use serde::{Deserialize, Serialize};

use crate::refusal::Refusal;
use econnect_store::ledger::DuplicateOf;

/// Where one file stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "state")]
pub enum Stage {
    /// Being checked (preflight, hash, duplicate check).
    #[serde(rename = "controleren")]
    Controleren,
    /// In the outbox, waiting for its turn.
    #[serde(rename = "wachten")]
    Wachten,
    /// Being uploaded.
    #[serde(rename = "uploaden", rename_all = "camelCase")]
    Uploaden {
        /// Bytes sent so far.
        #[specta(type = f64)]
        bytes_sent: u64,
        /// The file's size.
        #[specta(type = f64)]
        bytes_total: u64,
    },
    /// A temporary failure; it will be tried again.
    #[serde(rename = "opnieuw", rename_all = "camelCase")]
    Opnieuw {
        /// Failed attempts so far (a maintenance wait does not count).
        attempt: u32,
        /// Milliseconds until the next try.
        #[specta(type = f64)]
        wait_ms: u64,
        /// What went wrong (Dutch).
        error: String,
    },
    /// Accepted by the platform.
    #[serde(rename = "verzonden", rename_all = "camelCase")]
    Verzonden {
        /// The platform's document id.
        document_id: String,
        /// The platform already had it (409 to our id, or another installation sent it):
        /// nothing new was created. Not sent to the UI.
        #[serde(skip)]
        already_there: bool,
    },
    /// Refused (locally or by the platform), with the reason.
    #[serde(rename = "mislukt")]
    Mislukt {
        /// Why.
        refusal: Refusal,
    },
    /// Gave up after too many attempts; retry by hand.
    #[serde(rename = "dood")]
    Dood {
        /// Why.
        refusal: Refusal,
    },
    /// Already sent (or queued) for this organisation.
    #[serde(rename = "duplicaat")]
    Duplicaat {
        /// The earlier intake.
        of: DuplicateOf,
    },
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntakeEvent {
    /// The outbox row, once there is one.
    pub outbox_id: Option<String>,
    /// The organisation (normalised party id).
    pub party_id: String,
    /// The file's path (where it was taken from).
    pub path: String,
    /// The file name.
    pub file_name: String,
    /// Where it stands.
    pub stage: Stage,
}
