//! The change feed: an append-only table that every writer adds to in the same transaction
//! as its write, so a reader that follows it never misses a change and never sees one that
//! was rolled back.

use serde::{Deserialize, Serialize};
use sqlx::{FromRow, SqliteConnection};

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// What changed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// The environment row (user, admin flag).
    Environment,
    /// Organisations, their permissions or receive state.
    Parties,
    /// Users and their access to organisations.
    Users,
    /// Documents (added, changed, removed).
    Documents,
    /// A document's status history.
    History,
    /// Sync bookkeeping (cursors) — not shown, but lets followers refresh "last synced".
    Sync,
    /// A kind written by a newer version of the app.
    Other,
}

impl ChangeKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Environment => "environment",
            ChangeKind::Parties => "parties",
            ChangeKind::Users => "users",
            ChangeKind::Documents => "documents",
            ChangeKind::History => "history",
            ChangeKind::Sync => "sync",
            ChangeKind::Other => "other",
        }
    }

    /// Parses a stored name; unknown names become [`ChangeKind::Other`].
    pub fn parse(text: &str) -> ChangeKind {
        match text {
            "environment" => ChangeKind::Environment,
            "parties" => ChangeKind::Parties,
            "users" => ChangeKind::Users,
            "documents" => ChangeKind::Documents,
            "history" => ChangeKind::History,
            "sync" => ChangeKind::Sync,
            _ => ChangeKind::Other,
        }
    }
}

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Increases with every entry; never reused.
    pub id: i64,
    /// What changed.
    pub kind: ChangeKind,
    /// The organisation concerned, when there is one.
    pub party_id: Option<String>,
    /// The ids concerned (documents, users, parties); empty means "any of this kind".
    pub entity_ids: Vec<String>,
    /// When it was written.
    pub at: String,
}

#[derive(FromRow)]
struct ChangeRow {
    id: i64,
    kind: String,
    party_id: Option<String>,
    entity_ids: String,
    at: String,
}

/// Appends an entry; call it inside the writer's transaction. Returns the entry's id.
pub async fn append(
    conn: &mut SqliteConnection,
    kind: ChangeKind,
    party_id: Option<&str>,
    entity_ids: &[&str],
) -> Result<i64, StoreError> {
    let ids = serde_json::to_string(entity_ids)
        .map_err(|e| StoreError::InvalidInput(format!("change ids: {e}")))?;
    let id = sqlx::query_scalar(
        "INSERT INTO changes (kind, party_id, entity_ids, at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(party_id)
    .bind(ids)
    .bind(timestamp::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

impl Store {
    /// Entries after `after_id`, oldest first, at most `limit`.
    pub async fn changes_since(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<Change>, StoreError> {
        let rows: Vec<ChangeRow> = sqlx::query_as(
            "SELECT id, kind, party_id, entity_ids, at FROM changes WHERE id > ? ORDER BY id LIMIT ?",
        )
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Change {
                id: r.id,
                kind: ChangeKind::parse(&r.kind),
                party_id: r.party_id,
                entity_ids: serde_json::from_str(&r.entity_ids).unwrap_or_default(),
                at: r.at,
            })
            .collect())
    }

    /// The id of the newest entry (0 when the feed is empty).
    pub async fn latest_change_id(&self) -> Result<i64, StoreError> {
        // sqlite_sequence keeps the highest id ever given, also when those rows are pruned.
        let id: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
                .fetch_optional(self.pool())
                .await?;
        Ok(id.unwrap_or(0))
    }

    /// Deletes all but the newest `keep` entries (followers only need what is recent).
    pub async fn prune_changes(&self, keep: u32) -> Result<u64, StoreError> {
        let latest = self.latest_change_id().await?;
        let done = sqlx::query("DELETE FROM changes WHERE id <= ?")
            .bind(latest - i64::from(keep))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
