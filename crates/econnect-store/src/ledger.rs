//! The intake ledger (issue 5): every file taken for an organisation, by content hash, and
//! the one transaction that writes its ledger row and its outbox row together.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// A file about to be queued (or recorded as refused) for an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntake {
    /// The outbox id; also sent as `X-EConnect-DocumentId`.
    pub id: String,
    /// Normalised party id.
    pub party_id: String,
    /// `purchase` or `sales`.
    pub direction: String,
    /// The platform call (`purchaseRecognize`, …); `None` for a file refused locally.
    pub route: Option<String>,
    /// Where the file is.
    pub path: String,
    /// The file name shown.
    pub file_name: String,
    /// MIME type to upload with.
    pub mime: String,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// A structured e-invoice (no OCR needed).
    pub e_invoice: bool,
    /// Folder holding `Verwerkt/` and `Mislukt/`; `None` leaves the file where it is.
    pub done_dir: Option<String>,
    /// Refused locally: the stable code and the Dutch reason (the row is stored as `refused`).
    pub refusal: Option<(String, String)>,
}

/// An earlier intake of the same content for the same organisation.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateOf {
    /// Its outbox id.
    pub id: String,
    /// Its file name.
    pub file_name: String,
    /// Its outbox state (`queued`, `sending`, `sent`, `dead`).
    pub state: String,
    /// The platform's document id, once accepted.
    pub document_id: Option<String>,
    /// When it was sent (or, when not yet, taken), RFC 3339.
    pub at: String,
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// Both rows were written.
    Written,
    /// Nothing was written: the same content is already queued or sent.
    Duplicate(DuplicateOf),
}

/// Writes the ledger row and the outbox row in one transaction, unless the same content
/// is already queued, being sent, sent or waiting for a manual retry for this
/// organisation and `force` is false.
pub async fn enqueue(store: &Store, item: &NewIntake, force: bool) -> Result<Enqueued, StoreError> {
    let now = timestamp::now();
    let mut tx = store.begin().await?;
    // Write first: the transaction then holds SQLite's write lock, so two intakes of the
    // same content cannot both pass the duplicate check.
    sqlx::query(
        "INSERT INTO intake_ledger (id, party_id, sha256, file_name, size, forced, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&item.id)
    .bind(&item.party_id)
    .bind(&item.sha256)
    .bind(&item.file_name)
    .bind(item.size)
    .bind(force)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    if item.refusal.is_none() && !force {
        let earlier: Option<DuplicateOf> = sqlx::query_as(
            "SELECT o.id, o.file_name, o.state, o.document_id, COALESCE(o.sent_at, o.created_at) AS at
             FROM intake_ledger l JOIN intake_outbox o ON o.id = l.id
             WHERE l.party_id = ? AND l.sha256 = ? AND l.id <> ?
               AND o.state IN ('queued', 'sending', 'sent', 'dead')
             ORDER BY o.created_at LIMIT 1",
        )
        .bind(&item.party_id)
        .bind(&item.sha256)
        .bind(&item.id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(earlier) = earlier {
            tx.rollback().await?;
            return Ok(Enqueued::Duplicate(earlier));
        }
    }
    let (state, code, message) = match &item.refusal {
        Some((code, message)) => ("refused", Some(code.as_str()), Some(message.as_str())),
        None => ("queued", None, None),
    };
    sqlx::query(
        "INSERT INTO intake_outbox (id, party_id, direction, route, path, original_path, file_name, mime,
             sha256, size, e_invoice, state, refusal_code, refusal_message, done_dir, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&item.id)
    .bind(&item.party_id)
    .bind(&item.direction)
    .bind(&item.route)
    .bind(&item.path)
    .bind(&item.path)
    .bind(&item.file_name)
    .bind(&item.mime)
    .bind(&item.sha256)
    .bind(item.size)
    .bind(item.e_invoice)
    .bind(state)
    .bind(code)
    .bind(message)
    .bind(&item.done_dir)
    .bind(&now)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    store.commit(tx).await?;
    Ok(Enqueued::Written)
}

/// The earliest live intake of this content for this organisation, if any.
pub async fn find_duplicate(
    store: &Store,
    party_id: &str,
    sha256: &str,
) -> Result<Option<DuplicateOf>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.file_name, o.state, o.document_id, COALESCE(o.sent_at, o.created_at) AS at
         FROM intake_ledger l JOIN intake_outbox o ON o.id = l.id
         WHERE l.party_id = ? AND l.sha256 = ? AND o.state IN ('queued', 'sending', 'sent', 'dead')
         ORDER BY o.created_at LIMIT 1",
    )
    .bind(party_id)
    .bind(sha256)
    .fetch_optional(store.pool())
    .await?)
}
