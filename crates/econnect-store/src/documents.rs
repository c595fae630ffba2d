//! Documents (sent and received) and their status history; the sync writes one page of a
//! platform list at a time with [`Store::write_document_page`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::{FromRow, QueryBuilder, Sqlite};

use crate::changes::{self, ChangeKind};
use crate::cursors;
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// Sent (sales) or received (purchase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// A sales document this organisation sent.
    Sent,
    /// A purchase document this organisation received.
    Received,
}

impl Direction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Direction {
        if text == "sent" {
            Direction::Sent
        } else {
            Direction::Received
        }
    }
}

/// How a document travelled; each has its own icon in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Channel {
    /// Scan & recognise (PDF or image).
    Idr,
    /// XML delivered by e-mail.
    Email,
    /// Between two organisations on eConnect.
    Econnect,
    /// Over the Peppol network.
    Peppol,
    /// A channel this app does not know.
    Other,
}

impl Channel {
    /// The stored (and platform) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Idr => "idr",
            Channel::Email => "email",
            Channel::Econnect => "econnect",
            Channel::Peppol => "peppol",
            Channel::Other => "other",
        }
    }

    /// Parses the platform's name (any case); unknown names become [`Channel::Other`].
    pub fn parse(text: &str) -> Channel {
        match text.trim().to_ascii_lowercase().as_str() {
            "idr" => Channel::Idr,
            "email" | "e-mail" | "mail" => Channel::Email,
            "econnect" => Channel::Econnect,
            "peppol" => Channel::Peppol,
            _ => Channel::Other,
        }
    }
}

/// A document as a platform list gives it (input of [`Store::write_document_page`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// The platform's id.
    pub id: String,
    /// How it travelled.
    pub channel: Channel,
    /// Current status name.
    pub status: String,
    /// The other side's party id.
    pub counterparty_id: Option<String>,
    /// The other side's name.
    pub counterparty_name: Option<String>,
    /// Invoice number.
    pub invoice_number: Option<String>,
    /// Issue date (`YYYY-MM-DD`).
    pub issue_date: Option<String>,
    /// Amount as decimal text.
    pub amount: Option<String>,
    /// Currency code.
    pub currency: Option<String>,
    /// Received on / created on (any RFC 3339 form; stored in UTC).
    pub created_at: String,
}

/// A document in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRow {
    /// The platform's id.
    pub id: String,
    /// The organisation it belongs to.
    pub party_id: String,
    /// That organisation's name.
    pub party_name: String,
    /// Sent or received.
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    /// How it travelled.
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    /// Current status name (`Pending`, `Validated`, `Routed`, `Delivered`, `Rejected`, `Failed`, …).
    pub status: String,
    /// The other side's party id.
    pub counterparty_id: Option<String>,
    /// The other side's name.
    pub counterparty_name: Option<String>,
    /// Invoice number.
    pub invoice_number: Option<String>,
    /// Issue date (`YYYY-MM-DD`).
    pub issue_date: Option<String>,
    /// Amount as decimal text, exactly as the platform sent it.
    pub amount: Option<String>,
    /// Currency code.
    pub currency: Option<String>,
    /// File name, when it was sent from this computer.
    pub file_name: Option<String>,
    /// SHA-256 of the file (hex), when it is on this computer.
    pub sha256: Option<String>,
    /// Received on / created on (RFC 3339, UTC).
    pub created_at: String,
}

// `From` gives the `TryFrom` that `#[sqlx(try_from = "String")]` needs.
impl From<String> for Direction {
    fn from(s: String) -> Self {
        Direction::parse(&s)
    }
}

impl From<String> for Channel {
    fn from(s: String) -> Self {
        Channel::parse(&s)
    }
}

/// One step of a status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StatusStep {
    /// Status name.
    pub status: String,
    /// Free text (e.g. why it was rejected).
    pub description: Option<String>,
    /// When (RFC 3339, UTC) — for observed steps, when the sync saw it.
    pub occurred_at: Option<String>,
    /// `platform` (the document's history call) or `observed` (seen by the sync in a list).
    pub source: String,
}

/// A document with its status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDetail {
    /// The document.
    pub document: DocumentRow,
    /// Its history, oldest first.
    pub history: Vec<StatusStep>,
}

/// What writing one page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Documents new to the cache.
    pub inserted: u32,
    /// Documents whose data or status changed.
    pub updated: u32,
    /// Documents removed because the ended round did not see them.
    pub deleted: u32,
}

pub(crate) const DOCUMENT_SELECT: &str = "SELECT d.id, d.party_id, p.name AS party_name,
    d.direction, d.channel, d.status, d.counterparty_id, d.counterparty_name, d.invoice_number,
    d.issue_date, d.amount, d.currency, d.file_name, d.sha256, d.created_at
    FROM documents d JOIN parties p ON p.id = d.party_id";

/// Cents of a decimal text ("121.5" → 12150), for sorting; `None` when it is not a number.
pub fn amount_cents(amount: &str) -> Option<i64> {
    let value: f64 = amount.trim().parse().ok()?;
    value.is_finite().then(|| (value * 100.0).round() as i64)
}

#[derive(FromRow)]
struct Existing {
    id: String,
    party_id: String,
    direction: String,
    channel: String,
    status: String,
    counterparty_id: Option<String>,
    counterparty_name: Option<String>,
    invoice_number: Option<String>,
    issue_date: Option<String>,
    amount: Option<String>,
    currency: Option<String>,
    created_at: String,
    first_seen_at: String,
}

impl Existing {
    fn same_as(&self, party: &str, dir: Direction, r: &DocumentRecord, created: &str) -> bool {
        self.party_id == party
            && self.direction == dir.as_str()
            && self.channel == r.channel.as_str()
            && self.status == r.status
            // A list without invoice facts (None) keeps what the downloaded UBL said.
            && (r.counterparty_id.is_none() || self.counterparty_id == r.counterparty_id)
            && (r.counterparty_name.is_none() || self.counterparty_name == r.counterparty_name)
            && (r.invoice_number.is_none() || self.invoice_number == r.invoice_number)
            && (r.issue_date.is_none() || self.issue_date == r.issue_date)
            && (r.amount.is_none() || self.amount == r.amount)
            && (r.currency.is_none() || self.currency == r.currency)
            && self.created_at == created
    }
}

/// Rows per INSERT statement: 16 parameters each stays far below SQLite's limit.
const ROWS_PER_STATEMENT: usize = 500;

/// Appends observed status changes to the history; a document without history rows first
/// gets its previous status (as first seen), so the history reads old → new.
async fn record_transitions(
    conn: &mut sqlx::SqliteConnection,
    transitions: &[(&str, &str, &str, &str)],
    now: &str,
) -> Result<(), StoreError> {
    let ids = serde_json::to_string(&transitions.iter().map(|t| t.0).collect::<Vec<_>>())
        .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
    let with_history: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT document_id FROM document_status_history
         WHERE document_id IN (SELECT value FROM json_each(?))",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for (id, old, first_seen, new) in transitions {
        if !with_history.iter().any(|h| h == id) {
            sqlx::query(
                "INSERT INTO document_status_history (document_id, status, occurred_at, source)
                 VALUES (?, ?, ?, 'observed')",
            )
            .bind(id)
            .bind(old)
            .bind(first_seen)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "INSERT INTO document_status_history (document_id, status, occurred_at, source)
             VALUES (?, ?, ?, 'observed')",
        )
        .bind(id)
        .bind(new)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Writes one page of a platform list in one transaction: upserts the documents (marked
    /// with the round's `generation`), records status changes in the history, moves the
    /// cursor to `next_token`, and — on the last page (`next_token` None) — deletes the
    /// documents of this organisation and direction the round did not see and ends the round.
    /// Appends feed entries for whatever changed.
    #[allow(clippy::too_many_arguments)]
    pub async fn write_document_page(
        &self,
        resource: &str,
        party_id: &str,
        direction: Direction,
        generation: i64,
        documents: &[DocumentRecord],
        next_token: Option<&str>,
    ) -> Result<PageOutcome, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        let mut outcome = PageOutcome::default();

        let ids = serde_json::to_string(&documents.iter().map(|d| &d.id).collect::<Vec<_>>())
            .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let existing: Vec<Existing> = sqlx::query_as(
            "SELECT id, party_id, direction, channel, status, counterparty_id, counterparty_name,
               invoice_number, issue_date, amount, currency, created_at, first_seen_at
             FROM documents WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let existing: HashMap<&str, &Existing> =
            existing.iter().map(|e| (e.id.as_str(), e)).collect();

        let created: Vec<String> = documents
            .iter()
            .map(|d| timestamp::normalise(&d.created_at))
            .collect();
        let mut changed_ids: Vec<&str> = Vec::new();
        // Status changes of cached documents: (document, old status, first seen, new status).
        // A new document gets no history row: its first step is its row's status and
        // `first_seen_at` (see `document`), which keeps the first sync of a big
        // environment to one insert per document.
        let mut transitions: Vec<(&str, &str, &str, &str)> = Vec::new();
        let mut changed_flags = Vec::with_capacity(documents.len());
        for (d, created) in documents.iter().zip(&created) {
            let changed = match existing.get(d.id.as_str()) {
                None => {
                    outcome.inserted += 1;
                    true
                }
                Some(e) if e.same_as(party_id, direction, d, created) => false,
                Some(e) => {
                    outcome.updated += 1;
                    if e.status != d.status {
                        transitions.push((&d.id, &e.status, &e.first_seen_at, &d.status));
                    }
                    true
                }
            };
            if changed {
                changed_ids.push(&d.id);
            }
            changed_flags.push(changed);
        }

        for (chunk_index, chunk) in documents.chunks(ROWS_PER_STATEMENT).enumerate() {
            let base = chunk_index * ROWS_PER_STATEMENT;
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO documents (id, party_id, direction, channel, status, counterparty_id,
                   counterparty_name, invoice_number, issue_date, amount, amount_cents, currency,
                   created_at, first_seen_at, updated_at, sync_generation) ",
            );
            q.push_values(chunk.iter().enumerate(), |mut b, (i, d)| {
                let changed = changed_flags[base + i];
                b.push_bind(&d.id)
                    .push_bind(party_id)
                    .push_bind(direction.as_str())
                    .push_bind(d.channel.as_str())
                    .push_bind(&d.status)
                    .push_bind(&d.counterparty_id)
                    .push_bind(&d.counterparty_name)
                    .push_bind(&d.invoice_number)
                    .push_bind(&d.issue_date)
                    .push_bind(&d.amount)
                    .push_bind(d.amount.as_deref().and_then(amount_cents))
                    .push_bind(&d.currency)
                    .push_bind(&created[base + i])
                    .push_bind(&now)
                    // Empty: unchanged, keep the old `updated_at` (see the upsert below).
                    .push_bind(if changed { now.as_str() } else { "" })
                    .push_bind(generation);
            });
            q.push(
                " ON CONFLICT(id) DO UPDATE SET party_id = excluded.party_id,
                   direction = excluded.direction, channel = excluded.channel,
                   status = excluded.status,
                   counterparty_id = COALESCE(excluded.counterparty_id, documents.counterparty_id),
                   counterparty_name = COALESCE(excluded.counterparty_name, documents.counterparty_name),
                   invoice_number = COALESCE(excluded.invoice_number, documents.invoice_number),
                   issue_date = COALESCE(excluded.issue_date, documents.issue_date),
                   amount = COALESCE(excluded.amount, documents.amount),
                   amount_cents = COALESCE(excluded.amount_cents, documents.amount_cents),
                   currency = COALESCE(excluded.currency, documents.currency),
                   created_at = excluded.created_at,
                   sync_generation = excluded.sync_generation,
                   updated_at = CASE WHEN excluded.updated_at = '' THEN documents.updated_at
                                     ELSE excluded.updated_at END",
            );
            q.build().execute(&mut *tx).await?;
        }

        if !transitions.is_empty() {
            record_transitions(&mut tx, &transitions, &now).await?;
        }

        let mut gone: Vec<String> = Vec::new();
        match next_token {
            Some(token) => {
                cursors::advance_in(&mut tx, resource, party_id, generation, token).await?
            }
            None => {
                let still: Option<i64> = sqlx::query_scalar(
                    "SELECT generation FROM sync_cursors
                     WHERE resource = ? AND party_id = ? AND in_progress = 1",
                )
                .bind(resource)
                .bind(party_id)
                .fetch_optional(&mut *tx)
                .await?;
                if still != Some(generation) {
                    return Err(StoreError::InvalidInput(format!(
                        "sync round {generation} of {resource}/{party_id} is no longer in progress"
                    )));
                }
                gone = sqlx::query_scalar(
                    "DELETE FROM documents WHERE party_id = ? AND direction = ?
                       AND sync_generation < ? RETURNING id",
                )
                .bind(party_id)
                .bind(direction.as_str())
                .bind(generation)
                .fetch_all(&mut *tx)
                .await?;
                outcome.deleted = u32::try_from(gone.len()).unwrap_or(u32::MAX);
                cursors::complete_in(&mut tx, resource, party_id).await?;
            }
        }
        changed_ids.extend(gone.iter().map(String::as_str));
        if !changed_ids.is_empty() {
            changes::append(&mut tx, ChangeKind::Documents, Some(party_id), &changed_ids).await?;
        }
        self.commit(tx).await?;
        Ok(outcome)
    }

    /// One document with its history; `NotFound` when it is not cached.
    pub async fn document(&self, id: &str) -> Result<DocumentDetail, StoreError> {
        let document: DocumentRow = sqlx::query_as(&format!("{DOCUMENT_SELECT} WHERE d.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("document {id}")))?;
        let mut history: Vec<StatusStep> = sqlx::query_as(
            "SELECT status, description, occurred_at, source FROM document_status_history
             WHERE document_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        if history.is_empty() {
            // No change seen yet: the one step known is the status it had when first seen.
            let first_seen: Option<String> =
                sqlx::query_scalar("SELECT first_seen_at FROM documents WHERE id = ?")
                    .bind(id)
                    .fetch_optional(self.pool())
                    .await?;
            history.push(StatusStep {
                status: document.status.clone(),
                description: None,
                occurred_at: first_seen,
                source: "observed".into(),
            });
        }
        Ok(DocumentDetail { document, history })
    }

    /// Replaces a document's history with the platform's own (from its status call); the
    /// newest step also becomes the current status. One transaction, one feed entry.
    pub async fn replace_history(&self, id: &str, steps: &[StatusStep]) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let party: Option<String> =
            sqlx::query_scalar("SELECT party_id FROM documents WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(party) = party else {
            return Err(StoreError::NotFound(format!("document {id}")));
        };
        let before: Vec<StatusStep> = sqlx::query_as(
            "SELECT status, description, occurred_at, source FROM document_status_history
             WHERE document_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        if before == steps {
            tx.rollback().await?;
            return Ok(());
        }
        sqlx::query("DELETE FROM document_status_history WHERE document_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for s in steps {
            sqlx::query(
                "INSERT INTO document_status_history (document_id, status, description, occurred_at, source)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&s.status)
            .bind(&s.description)
            .bind(s.occurred_at.as_deref().map(timestamp::normalise))
            .bind(&s.source)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(last) = steps.last() {
            sqlx::query(
                "UPDATE documents SET status = ?, updated_at = ? WHERE id = ? AND status <> ?",
            )
            .bind(&last.status)
            .bind(timestamp::now())
            .bind(id)
            .bind(&last.status)
            .execute(&mut *tx)
            .await?;
        }
        changes::append(&mut tx, ChangeKind::History, Some(&party), &[id]).await?;
        changes::append(&mut tx, ChangeKind::Documents, Some(&party), &[id]).await?;
        self.commit(tx).await
    }

    /// Removes an organisation's documents of one direction (the user lost the permission
    /// to see them) and resets that list's cursor. One transaction, one feed entry.
    pub async fn remove_documents(
        &self,
        party_id: &str,
        direction: Direction,
    ) -> Result<u32, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let gone: Vec<String> = sqlx::query_scalar(
            "DELETE FROM documents WHERE party_id = ? AND direction = ? RETURNING id",
        )
        .bind(party_id)
        .bind(direction.as_str())
        .fetch_all(&mut *tx)
        .await?;
        if gone.is_empty() {
            tx.rollback().await?;
            return Ok(0);
        }
        let resource = match direction {
            Direction::Sent => "sales_invoices",
            Direction::Received => "purchase_invoices",
        };
        sqlx::query("DELETE FROM sync_cursors WHERE resource = ? AND party_id = ?")
            .bind(resource)
            .bind(party_id)
            .execute(&mut *tx)
            .await?;
        let ids: Vec<&str> = gone.iter().map(String::as_str).collect();
        changes::append(&mut tx, ChangeKind::Documents, Some(party_id), &ids).await?;
        self.commit(tx).await?;
        Ok(u32::try_from(gone.len()).unwrap_or(u32::MAX))
    }

    /// Records that a document's file is on this computer (name and SHA-256), e.g. after an
    /// upload or a download; the file name becomes searchable.
    pub async fn set_local_file(
        &self,
        id: &str,
        file_name: &str,
        sha256: &str,
    ) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let party: Option<String> = sqlx::query_scalar(
            "UPDATE documents SET file_name = ?, sha256 = ?, updated_at = ? WHERE id = ? RETURNING party_id",
        )
        .bind(file_name)
        .bind(sha256)
        .bind(timestamp::now())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(party) = party else {
            return Err(StoreError::NotFound(format!("document {id}")));
        };
        changes::append(&mut tx, ChangeKind::Documents, Some(&party), &[id]).await?;
        self.commit(tx).await
    }
}
