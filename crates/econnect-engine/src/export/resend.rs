//! "Opnieuw verzenden" for a selection: each sent document whose file this computer still
//! has goes back through the outbox (as a new upload, the duplicate check waived because
//! the user asked for it); the others are answered with the reason.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::desktop::Language;
use crate::engine::Engine;

/// What happened to one document of the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResendOutcome {
    /// The document.
    pub document_id: String,
    /// Queued again.
    pub queued: bool,
    /// Why not, in the user's language.
    pub reason: Option<String>,
}

impl Engine {
    /// Queues the files of `ids` again; one answer per document, in order.
    pub async fn resend_documents(&self, ids: &[String], language: Language) -> Vec<ResendOutcome> {
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            let answer = self.resend_one(id, language).await;
            outcomes.push(ResendOutcome {
                document_id: id.clone(),
                queued: answer.is_ok(),
                reason: answer.err(),
            });
        }
        outcomes
    }

    async fn resend_one(&self, id: &str, language: Language) -> Result<(), String> {
        let store = self.store().await.map_err(|e| e.message)?;
        let file = store
            .sent_file(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                language
                    .pick(
                        "Niet vanaf deze computer verzonden: het bestand is hier niet bekend.",
                        "Not sent from this computer: its file is not known here.",
                    )
                    .to_string()
            })?;
        let path = PathBuf::from(&file.path);
        if !path.is_file() {
            return Err(language
                .pick(
                    "Het bestand is niet meer op de bekende plek.",
                    "The file is no longer where it was.",
                )
                .to_string());
        }
        let direction = econnect_intake::Direction::parse(&file.direction).ok_or_else(|| {
            format!(
                "{}: {}",
                language.pick("Onbekende richting", "Unknown direction"),
                file.direction
            )
        })?;
        self.outbox()
            .submit(self, &file.party_id, direction, vec![path], true)
            .await
            .map(|_| ())
            .map_err(|e| e.message)
    }
}
