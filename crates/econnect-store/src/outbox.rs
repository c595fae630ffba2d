//! The intake outbox: rows move queued → sending → sent, or to refused / dead;
//! a crash leaves `sending` rows that [`resume`] puts back in the queue.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// One outbox row, as the intake and the UI see it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    /// Outbox id = `X-EConnect-DocumentId`.
    pub id: String,
    /// Normalised party id.
    pub party_id: String,
    /// `purchase` or `sales`.
    pub direction: String,
    /// Platform call; `None` when refused locally.
    pub route: Option<String>,
    /// Where the file is now.
    pub path: String,
    /// Where it was taken from.
    pub original_path: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub mime: String,
    /// SHA-256 (hex).
    pub sha256: String,
    /// Size in bytes.
    #[specta(type = f64)]
    pub size: i64,
    /// Structured e-invoice.
    pub e_invoice: bool,
    /// `queued`, `sending`, `sent`, `refused`, `dead`, `removed`, or `changed` (the file
    /// changed after its check and was checked again under a new id).
    pub state: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// Not before this moment (unix ms).
    #[specta(type = f64)]
    pub next_attempt_ms: i64,
    /// The last temporary error (Dutch).
    pub last_error: Option<String>,
    /// Refusal code, when refused or dead.
    pub refusal_code: Option<String>,
    /// Refusal reason (Dutch).
    pub refusal_message: Option<String>,
    /// The platform's document id once accepted.
    pub document_id: Option<String>,
    /// Folder holding `Verwerkt/` and `Mislukt/`.
    pub done_dir: Option<String>,
    /// Whether the file was moved to `Verwerkt/` or `Mislukt/`.
    pub moved: bool,
    /// Taken at (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Accepted at (RFC 3339).
    pub sent_at: Option<String>,
}

/// Rows per state for one organisation, for the sidebar and the health line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxCounts {
    /// Queued or sending.
    pub waiting: i64,
    /// Accepted by the platform.
    pub sent: i64,
    /// Refused (locally or by the platform).
    pub refused: i64,
    /// Gave up after too many attempts.
    pub dead: i64,
}

const COLUMNS: &str = "id, party_id, direction, route, path, original_path, file_name, mime, sha256, size,
    e_invoice, state, attempts, next_attempt_ms, last_error, refusal_code, refusal_message, document_id,
    done_dir, moved, created_at, updated_at, sent_at";

/// Puts rows left `sending` by a crash back in the queue; returns how many.
pub async fn resume(store: &Store) -> Result<u64, StoreError> {
    let r = sqlx::query(
        "UPDATE intake_outbox SET state = 'queued', updated_at = ? WHERE state = 'sending'",
    )
    .bind(timestamp::now())
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(r.rows_affected())
}

/// Claims up to `limit` due rows (queued, `next_attempt_ms <= now_ms`), oldest first, and
/// marks them `sending`.
pub async fn claim_due(
    store: &Store,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<OutboxItem>, StoreError> {
    // One statement, so atomic without an explicit transaction (and one round trip).
    let rows: Vec<OutboxItem> = sqlx::query_as(&format!(
        "UPDATE intake_outbox SET state = 'sending', updated_at = ?
         WHERE id IN (SELECT id FROM intake_outbox WHERE state = 'queued' AND next_attempt_ms <= ?
                      ORDER BY next_attempt_ms, created_at LIMIT ?)
         RETURNING {COLUMNS}"
    ))
    .bind(timestamp::now())
    .bind(now_ms)
    .bind(limit)
    .fetch_all(&mut *store.writer().await?)
    .await?;
    Ok(rows)
}

/// Puts claimed rows that were not started back in the queue (no attempt counted).
pub async fn unclaim(store: &Store, ids: &[String]) -> Result<(), StoreError> {
    let ids = serde_json::to_string(ids).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
    sqlx::query(
        "UPDATE intake_outbox SET state = 'queued', updated_at = ?
         WHERE state = 'sending' AND id IN (SELECT value FROM json_each(?))",
    )
    .bind(timestamp::now())
    .bind(ids)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(())
}

/// The earliest `next_attempt_ms` among queued rows (to know how long to sleep).
pub async fn next_due_ms(store: &Store) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT MIN(next_attempt_ms) FROM intake_outbox WHERE state = 'queued'")
            .fetch_one(&mut *store.writer().await?)
            .await?,
    )
}

/// One file the platform accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The outbox id.
    pub id: String,
    /// The platform's document id.
    pub document_id: String,
    /// Where the file was moved to; `None` when it was not moved.
    pub moved_to: Option<String>,
}

/// Records accepted files (their document ids, and where each was moved) and their rows in
/// `documents` (see [`crate::own`]), in one transaction.
pub async fn mark_sent(store: &Store, accepted: &[Accepted]) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = accepted
        .iter()
        .map(|a| serde_json::json!([a.id, a.document_id, a.moved_to]))
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
    let mut writer = store.writer().await?;
    let mut tx = writer.begin().await?;
    sqlx::query(
        "UPDATE intake_outbox AS o SET state = 'sent', document_id = j.value->>1, sent_at = ?1,
             updated_at = ?1, last_error = NULL, path = COALESCE(j.value->>2, o.path),
             moved = CASE WHEN j.value->>2 IS NULL THEN o.moved ELSE 1 END
         FROM json_each(?2) AS j WHERE o.id = j.value->>0",
    )
    .bind(timestamp::now())
    .bind(&rows)
    .execute(&mut *tx)
    .await?;
    // Local-first documents: what the platform accepted is in Documenten from now on.
    crate::own::insert_from_outbox(&mut tx, &rows).await?;
    store.commit(tx).await
}

/// A temporary failure: back to the queue at `next_ms`; `count` adds one failed attempt
/// (a maintenance window does not count).
pub async fn mark_retry(
    store: &Store,
    id: &str,
    next_ms: i64,
    error: &str,
    count: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE intake_outbox SET state = 'queued', next_attempt_ms = ?, last_error = ?,
             attempts = attempts + ?, updated_at = ? WHERE id = ? AND state = 'sending'",
    )
    .bind(next_ms)
    .bind(error)
    .bind(i64::from(count))
    .bind(timestamp::now())
    .bind(id)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(())
}

/// The file is no longer what was checked when this row was queued (other bytes, other
/// size, a link now): the row leaves the queue as `changed` (out of the list, the counts
/// and the duplicate checks) and the file goes back to preflight, to be queued afresh under
/// the id of its new content. Returns false when the row was not being sent.
pub async fn mark_changed(store: &Store, id: &str, message: &str) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE intake_outbox SET state = 'changed', last_error = ?, updated_at = ?
         WHERE id = ? AND state = 'sending'",
    )
    .bind(message)
    .bind(timestamp::now())
    .bind(id)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Final refusal (`refused`) or giving up (`dead`, retryable by hand).
pub async fn mark_failed(
    store: &Store,
    id: &str,
    state: &str,
    code: &str,
    message: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE intake_outbox SET state = ?, refusal_code = ?, refusal_message = ?, attempts = attempts + 1,
             updated_at = ? WHERE id = ?",
    )
    .bind(state)
    .bind(code)
    .bind(message)
    .bind(timestamp::now())
    .bind(id)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(())
}

/// The file now lives at `path` (moved to `Verwerkt/` or `Mislukt/`).
pub async fn set_moved(store: &Store, id: &str, path: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE intake_outbox SET path = ?, moved = 1, updated_at = ? WHERE id = ?")
        .bind(path)
        .bind(timestamp::now())
        .bind(id)
        .execute(&mut *store.writer().await?)
        .await?;
    Ok(())
}

/// Puts a dead or refused row back in the queue (attempts reset); `route` replaces the
/// stored one (a locally refused row had none). Returns false when the row was not there.
pub async fn requeue(store: &Store, id: &str, route: &str) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE intake_outbox SET state = 'queued', route = ?, attempts = 0, next_attempt_ms = 0,
             refusal_code = NULL, refusal_message = NULL, last_error = NULL, updated_at = ?
         WHERE id = ? AND state IN ('dead', 'refused')",
    )
    .bind(route)
    .bind(timestamp::now())
    .bind(id)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Removes a row from the queue view (the file itself is never deleted).
pub async fn remove(store: &Store, id: &str) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE intake_outbox SET state = 'removed', updated_at = ? WHERE id = ? AND state IN ('queued', 'dead', 'refused')",
    )
    .bind(timestamp::now())
    .bind(id)
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// One row.
pub async fn get(store: &Store, id: &str) -> Result<Option<OutboxItem>, StoreError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM intake_outbox WHERE id = ?"))
            .bind(id)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// The row whose upload became this platform document (the newest, when sent again).
pub async fn by_document(
    store: &Store,
    document_id: &str,
) -> Result<Option<OutboxItem>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM intake_outbox WHERE document_id = ? AND state = 'sent'
         ORDER BY sent_at DESC LIMIT 1"
    ))
    .bind(document_id)
    .fetch_optional(store.pool())
    .await?)
}

/// Rows of one organisation (or all), newest first, without removed ones and without
/// those whose file changed after its check (its new content has a row of its own).
pub async fn list(
    store: &Store,
    party_id: Option<&str>,
    limit: i64,
) -> Result<Vec<OutboxItem>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM intake_outbox WHERE state NOT IN ('removed', 'changed') AND (?1 IS NULL OR party_id = ?1)
         ORDER BY created_at DESC, id LIMIT ?2"
    ))
    .bind(party_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// Rows whose file still waits in a watched folder (queued or sending): their paths.
pub async fn active_paths(store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT path FROM intake_outbox WHERE state IN ('queued', 'sending', 'dead')",
    )
    .fetch_all(store.pool())
    .await?)
}

/// Rows that reached a final state but whose file was not moved yet (a crash in between).
pub async fn unmoved_final(store: &Store) -> Result<Vec<OutboxItem>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM intake_outbox WHERE state IN ('sent', 'refused') AND moved = 0 AND done_dir IS NOT NULL"
    ))
    .fetch_all(store.pool())
    .await?)
}

/// Counts per state for one organisation.
pub async fn counts(store: &Store, party_id: &str) -> Result<OutboxCounts, StoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, n FROM intake_outbox_tally WHERE party_id = ?")
            .bind(party_id)
            .fetch_all(store.pool())
            .await?;
    let mut c = OutboxCounts::default();
    for (state, n) in rows {
        match state.as_str() {
            "queued" | "sending" => c.waiting += n,
            "sent" => c.sent += n,
            "refused" => c.refused += n,
            "dead" => c.dead += n,
            _ => {}
        }
    }
    Ok(c)
}

/// A watched folder's stored binding.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FolderRow {
    /// Row id.
    pub id: i64,
    /// The folder.
    pub path: String,
    /// `root` (one subfolder per organisation) or `single`.
    pub layout: String,
    /// The organisation of a `single` folder.
    pub party_id: Option<String>,
    /// `purchase` or `sales`.
    pub direction: String,
}

/// Adds or updates a watched folder.
pub async fn save_folder(
    store: &Store,
    path: &str,
    layout: &str,
    party_id: Option<&str>,
    direction: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO intake_folders (path, layout, party_id, direction, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET layout = excluded.layout, party_id = excluded.party_id, direction = excluded.direction",
    )
    .bind(path)
    .bind(layout)
    .bind(party_id)
    .bind(direction)
    .bind(timestamp::now())
    .execute(&mut *store.writer().await?)
    .await?;
    Ok(())
}

/// The watched folders.
pub async fn folders(store: &Store) -> Result<Vec<FolderRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, path, layout, party_id, direction FROM intake_folders ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?)
}

/// Stops watching a folder (its files stay).
pub async fn delete_folder(store: &Store, path: &str) -> Result<bool, StoreError> {
    let r = sqlx::query("DELETE FROM intake_folders WHERE path = ?")
        .bind(path)
        .execute(&mut *store.writer().await?)
        .await?;
    Ok(r.rows_affected() == 1)
}
