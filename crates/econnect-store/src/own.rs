//! Documents are local-first (the platform has no lists): a row in `documents` exists
//! because this installation sent the document (recorded when the platform accepted the
//! upload) or because it was received (recorded when the invoice was saved, see
//! `received.rs`). This module writes the first kind and counts both for the one line that
//! says what the Documents screen covers.

use serde::{Deserialize, Serialize};

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::documents::{Channel, Direction};
use crate::error::StoreError;
use crate::timestamp;

/// A document this installation sent (or, in the demo, adopted as its own history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnDocument {
    /// The platform's id (our `X-EConnect-DocumentId`).
    pub id: String,
    /// The organisation it was sent for (normalised).
    pub party_id: String,
    /// `Sent` for sales invoices, `Received` for purchase invoices uploaded for recognition.
    pub direction: Direction,
    /// How it travels.
    pub channel: Channel,
    /// The file's name on this computer.
    pub file_name: Option<String>,
    /// The file's SHA-256 (hex).
    pub sha256: Option<String>,
    /// When the platform accepted it (any RFC 3339 form).
    pub created_at: String,
}

/// What the Documents screen covers: counts by origin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentCoverage {
    /// Documents this installation sent (sales invoices and uploads for recognition).
    pub sent_here: u32,
    /// Received invoices saved on this computer (announced by a hook, then downloaded).
    pub received: u32,
}

impl Store {
    /// Records documents this installation sent, as `Pending` (the tracker follows them by
    /// their status calls). Only for organisations in the cache; a known id keeps its row
    /// and gains a file name and hash it lacked. Returns how many rows were written.
    pub async fn record_own_documents(&self, docs: &[OwnDocument]) -> Result<u32, StoreError> {
        if docs.is_empty() {
            return Ok(0);
        }
        let rows: Vec<serde_json::Value> = docs
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id, "party": d.party_id, "direction": d.direction.as_str(),
                    "channel": d.channel.as_str(), "file": d.file_name, "sha": d.sha256,
                    "created": timestamp::normalise(&d.created_at),
                })
            })
            .collect();
        let rows =
            serde_json::to_string(&rows).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let new = insert_own(&mut tx, &rows).await?;
        self.commit(tx).await?;
        Ok(new)
    }

    /// How many documents the Documents screen holds by origin.
    pub async fn document_coverage(&self) -> Result<DocumentCoverage, StoreError> {
        let (sent_here, received): (i64, i64) = sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM documents d WHERE d.direction = 'sent'
                  OR EXISTS (SELECT 1 FROM intake_outbox o WHERE o.document_id = d.id)),
               (SELECT COUNT(*) FROM documents d
                  WHERE EXISTS (SELECT 1 FROM received_invoices r WHERE r.document_id = d.id))",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(DocumentCoverage {
            sent_here: u32::try_from(sent_here).unwrap_or(u32::MAX),
            received: u32::try_from(received).unwrap_or(u32::MAX),
        })
    }
}

/// Inserts own documents given as a JSON array of `{id, party, direction, channel, file,
/// sha, created}` inside a transaction, with one feed entry per organisation.
pub(crate) async fn insert_own(
    tx: &mut sqlx::SqliteConnection,
    rows: &str,
) -> Result<u32, StoreError> {
    let now = timestamp::now();
    let inserted: Vec<(String, String)> = sqlx::query_as(
        "INSERT INTO documents (id, party_id, direction, channel, status, file_name, sha256,
           created_at, first_seen_at, updated_at)
         SELECT value->>'id', value->>'party', value->>'direction', value->>'channel', 'Pending',
           value->>'file', value->>'sha', value->>'created', ?1, ?1
         FROM json_each(?2) WHERE value->>'party' IN (SELECT id FROM parties)
         ON CONFLICT(id) DO UPDATE SET
           file_name = COALESCE(documents.file_name, excluded.file_name),
           sha256 = COALESCE(documents.sha256, excluded.sha256)
         RETURNING party_id, id",
    )
    .bind(&now)
    .bind(rows)
    .fetch_all(&mut *tx)
    .await?;
    let mut by_party: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (party, id) in &inserted {
        by_party.entry(party).or_default().push(id);
    }
    for (party, ids) in by_party {
        changes::append(tx, ChangeKind::Documents, Some(party), &ids).await?;
    }
    Ok(u32::try_from(inserted.len()).unwrap_or(u32::MAX))
}

/// The own-document rows of accepted outbox rows (`[outbox id, document id, moved to]` as
/// JSON), for [`crate::outbox::mark_sent`]: a sales invoice is `sent`, a purchase invoice
/// uploaded for recognition `received`; the route gives the channel.
pub(crate) async fn insert_from_outbox(
    tx: &mut sqlx::SqliteConnection,
    accepted: &str,
) -> Result<u32, StoreError> {
    let rows: Option<String> = sqlx::query_scalar(
        "SELECT json_group_array(json_object(
           'id', j.value->>1, 'party', o.party_id,
           'direction', CASE o.direction WHEN 'sales' THEN 'sent' ELSE 'received' END,
           'channel', CASE o.route WHEN 'salesSend' THEN 'peppol' ELSE 'idr' END,
           'file', o.file_name, 'sha', o.sha256, 'created', COALESCE(o.sent_at, o.updated_at)))
         FROM json_each(?) AS j JOIN intake_outbox o ON o.id = j.value->>0",
    )
    .bind(accepted)
    .fetch_one(&mut *tx)
    .await?;
    match rows {
        Some(rows) => insert_own(tx, &rows).await,
        None => Ok(0),
    }
}
