//! Sync cursors: where each paged list stands. A round of one list (e.g. the purchase
//! invoices of one organisation) has a generation number; every page is written together
//! with the cursor's next continuation token, so after a crash the round goes on from the
//! page after the last one written.

use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// One list's position.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SyncCursor {
    /// The list, e.g. `purchase_invoices`.
    pub resource: String,
    /// The organisation (`""` for environment-wide lists).
    pub party_id: String,
    /// The round in progress, or the last one ended.
    pub generation: i64,
    /// The token of the next page of the round in progress (`None`: first page, or ended).
    pub continuation_token: Option<String>,
    /// Pages written in the round in progress.
    pub pages_done: i64,
    /// Whether a round is in progress (started and not ended).
    pub in_progress: bool,
    /// When the last round ended.
    pub completed_at: Option<String>,
}

impl Store {
    /// The cursor of a list, if it was ever started.
    pub async fn cursor(
        &self,
        resource: &str,
        party_id: &str,
    ) -> Result<Option<SyncCursor>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT resource, party_id, generation, continuation_token, pages_done, in_progress,
               completed_at FROM sync_cursors WHERE resource = ? AND party_id = ?",
        )
        .bind(resource)
        .bind(party_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The round to work on: the one in progress (resume after a crash), else a new one.
    pub async fn start_round(
        &self,
        resource: &str,
        party_id: &str,
    ) -> Result<SyncCursor, StoreError> {
        if let Some(c) = self.cursor(resource, party_id).await?
            && c.in_progress
        {
            return Ok(c);
        }
        self.restart_round(resource, party_id).await
    }

    /// Starts a new round from the first page (also when the saved token was refused).
    pub async fn restart_round(
        &self,
        resource: &str,
        party_id: &str,
    ) -> Result<SyncCursor, StoreError> {
        sqlx::query(
            "INSERT INTO sync_cursors (resource, party_id, generation, continuation_token,
               pages_done, in_progress, updated_at)
             VALUES (?, ?, 1, NULL, 0, 1, ?)
             ON CONFLICT(resource, party_id) DO UPDATE SET generation = generation + 1,
               continuation_token = NULL, pages_done = 0, in_progress = 1,
               updated_at = excluded.updated_at",
        )
        .bind(resource)
        .bind(party_id)
        .bind(timestamp::now())
        .execute(self.pool())
        .await?;
        self.cursor(resource, party_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("cursor {resource}/{party_id}")))
    }

    /// Ends a round of a list that has no rows of its own here (e.g. users): records when.
    pub async fn complete_round(&self, resource: &str, party_id: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        complete_in(&mut tx, resource, party_id).await?;
        self.commit(tx).await
    }

    /// Forgets the cursors of lists that are no longer read (the invented document lists of
    /// older versions), so [`Store::last_completed`] is not held back by them.
    pub async fn forget_rounds(&self, resources: &[&str]) -> Result<(), StoreError> {
        let names = serde_json::to_string(resources)
            .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        sqlx::query("DELETE FROM sync_cursors WHERE resource IN (SELECT value FROM json_each(?))")
            .bind(names)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// When every list was last completed: the oldest completion (None if one never ended).
    pub async fn last_completed(&self) -> Result<Option<String>, StoreError> {
        let row: (i64, Option<String>) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE completed_at IS NULL), MIN(completed_at) FROM sync_cursors",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(if row.0 > 0 { None } else { row.1 })
    }
}

/// Marks a round ended inside a transaction and appends a `sync` feed entry.
pub(crate) async fn complete_in(
    conn: &mut sqlx::SqliteConnection,
    resource: &str,
    party_id: &str,
) -> Result<(), StoreError> {
    let now = timestamp::now();
    sqlx::query(
        "INSERT INTO sync_cursors (resource, party_id, generation, in_progress, completed_at, updated_at)
         VALUES (?, ?, 1, 0, ?, ?)
         ON CONFLICT(resource, party_id) DO UPDATE SET continuation_token = NULL,
           in_progress = 0, completed_at = excluded.completed_at, updated_at = excluded.updated_at",
    )
    .bind(resource)
    .bind(party_id)
    .bind(&now)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    let party = (!party_id.is_empty()).then_some(party_id);
    changes::append(conn, ChangeKind::Sync, party, &[resource]).await?;
    Ok(())
}

/// Moves a round's cursor to the next page inside a transaction.
pub(crate) async fn advance_in(
    conn: &mut sqlx::SqliteConnection,
    resource: &str,
    party_id: &str,
    generation: i64,
    next_token: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE sync_cursors SET continuation_token = ?, pages_done = pages_done + 1, updated_at = ?
         WHERE resource = ? AND party_id = ? AND generation = ? AND in_progress = 1",
    )
    .bind(next_token)
    .bind(timestamp::now())
    .bind(resource)
    .bind(party_id)
    .bind(generation)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        // Another writer restarted or ended this round meanwhile: this page is stale.
        return Err(StoreError::InvalidInput(format!(
            "sync round {generation} of {resource}/{party_id} is no longer in progress"
        )));
    }
    Ok(())
}
