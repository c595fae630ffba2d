//! Status tracking's reads and writes: the documents that have not reached a
//! final status, and the statuses the tracker learned, written in one transaction with the
//! history and the change feed.

use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::documents::{Direction, StatusStep};
use crate::error::StoreError;
use crate::timestamp;

/// Status names after which nothing changes any more.
pub const FINAL_STATUSES: [&str; 3] = ["Delivered", "Rejected", "Failed"];

/// A document that is still on its way.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OpenDocument {
    /// The platform's id.
    pub id: String,
    /// Its organisation.
    pub party_id: String,
    /// Sent or received.
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    /// Its status now.
    pub status: String,
    /// Created on (RFC 3339, UTC): the age the polling schedule slows down by.
    pub created_at: String,
}

/// A status the tracker learned, with the platform's history when it fetched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedStatus {
    /// The document.
    pub id: String,
    /// Its status now.
    pub status: String,
    /// The full history from the status call; `None` when only the list said it.
    pub history: Option<Vec<StatusStep>>,
}

/// A status that changed, as written (for notifications).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StatusChange {
    /// The document.
    pub id: String,
    /// Its organisation.
    pub party_id: String,
    /// The status before.
    pub old_status: String,
    /// The status now.
    pub new_status: String,
    /// Invoice number or file name, whichever is known (for a notice).
    pub label: Option<String>,
    /// The platform's reason (the newest history step's description), when known.
    pub reason: Option<String>,
}

/// What a status update needs of a cached document: party, status, number, file name,
/// first seen.
type KnownDocument = (String, String, Option<String>, Option<String>, String);

impl Store {
    /// Documents not in a final status, oldest first (at most `limit`).
    pub async fn open_documents(&self, limit: u32) -> Result<Vec<OpenDocument>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, party_id, direction, status, created_at FROM documents
             WHERE status NOT IN ('Delivered', 'Rejected', 'Failed')
             ORDER BY created_at, seq LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?)
    }

    /// Writes learned statuses in one transaction: the current status, the platform's
    /// history when given (else an observed step), one feed entry per organisation.
    /// Returns the documents whose status changed.
    pub async fn apply_statuses(
        &self,
        learned: &[LearnedStatus],
    ) -> Result<Vec<StatusChange>, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        let mut changed: Vec<StatusChange> = Vec::new();
        let mut touched: Vec<(String, String)> = Vec::new();
        for l in learned {
            let row: Option<KnownDocument> = sqlx::query_as(
                "SELECT party_id, status, invoice_number, file_name, first_seen_at
                     FROM documents WHERE id = ?",
            )
            .bind(&l.id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((party, old, number, file, first_seen)) = row else {
                continue;
            };
            if rank(&l.status) < rank(&old) {
                // Older news than the cache has (the sync wrote a newer status meanwhile).
                continue;
            }
            let status_changed = old != l.status;
            if let Some(history) = &l.history {
                sqlx::query("DELETE FROM document_status_history WHERE document_id = ?")
                    .bind(&l.id)
                    .execute(&mut *tx)
                    .await?;
                for s in history {
                    sqlx::query(
                        "INSERT INTO document_status_history
                           (document_id, status, description, occurred_at, source)
                         VALUES (?, ?, ?, ?, 'platform')",
                    )
                    .bind(&l.id)
                    .bind(&s.status)
                    .bind(&s.description)
                    .bind(s.occurred_at.as_deref().map(timestamp::normalise))
                    .execute(&mut *tx)
                    .await?;
                }
                touched.push((party.clone(), l.id.clone()));
            } else if status_changed {
                let has_history: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM document_status_history WHERE document_id = ?",
                )
                .bind(&l.id)
                .fetch_one(&mut *tx)
                .await?;
                if has_history == 0 {
                    // The history reads old → new: first the status it had when first seen.
                    insert_observed(&mut tx, &l.id, &old, &first_seen).await?;
                }
                insert_observed(&mut tx, &l.id, &l.status, &now).await?;
                touched.push((party.clone(), l.id.clone()));
            }
            if status_changed {
                sqlx::query("UPDATE documents SET status = ?, updated_at = ? WHERE id = ?")
                    .bind(&l.status)
                    .bind(&now)
                    .bind(&l.id)
                    .execute(&mut *tx)
                    .await?;
                let reason = l
                    .history
                    .as_ref()
                    .and_then(|h| h.last())
                    .and_then(|s| s.description.clone());
                changed.push(StatusChange {
                    id: l.id.clone(),
                    party_id: party,
                    old_status: old,
                    new_status: l.status.clone(),
                    label: number.or(file),
                    reason,
                });
            }
        }
        touched.sort();
        touched.dedup();
        let mut parties: Vec<&str> = touched.iter().map(|(p, _)| p.as_str()).collect();
        parties.dedup();
        for party in parties {
            let ids: Vec<&str> = touched
                .iter()
                .filter(|(p, _)| p == party)
                .map(|(_, id)| id.as_str())
                .collect();
            changes::append(&mut tx, ChangeKind::History, Some(party), &ids).await?;
            changes::append(&mut tx, ChangeKind::Documents, Some(party), &ids).await?;
        }
        self.commit(tx).await?;
        Ok(changed)
    }
}

/// How far along a status is; statuses never go back.
fn rank(status: &str) -> u8 {
    match status {
        "Pending" => 0,
        "Validated" => 1,
        "Routed" => 2,
        s if FINAL_STATUSES.contains(&s) => 3,
        _ => 0,
    }
}

async fn insert_observed(
    tx: &mut sqlx::SqliteConnection,
    id: &str,
    status: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO document_status_history (document_id, status, occurred_at, source)
         VALUES (?, ?, ?, 'observed')",
    )
    .bind(id)
    .bind(status)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
