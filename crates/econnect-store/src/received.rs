//! Received invoices on this disk: which ones a receive list showed, where their
//! files went, the responses sent, the receive folders and how far each list was read.
//! A row is written before anything is downloaded, its target paths before a file is put
//! in place, and "saved" only once both files are there: a restart resumes from the row.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::documents::amount_cents;
use crate::error::StoreError;
use crate::timestamp;

/// How far a received invoice got on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ReceivedState {
    /// Announced (recorded with `record_listed`); to be downloaded.
    Listed,
    /// Target paths chosen; files being put in place (a crash resumes here).
    Writing,
    /// The XML (and PDF, when there is one) are on disk.
    Saved,
    /// The last attempt failed; it is tried again later.
    Failed,
    /// Never tried again (e.g. an XML bomb, an oversized file); `lastError` says why.
    Refused,
}

impl ReceivedState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceivedState::Listed => "listed",
            ReceivedState::Writing => "writing",
            ReceivedState::Saved => "saved",
            ReceivedState::Failed => "failed",
            ReceivedState::Refused => "refused",
        }
    }

    /// Parses the stored name (unknown → `Failed`, so it is looked at again).
    pub fn parse(text: &str) -> ReceivedState {
        match text {
            "listed" => ReceivedState::Listed,
            "writing" => ReceivedState::Writing,
            "saved" => ReceivedState::Saved,
            "refused" => ReceivedState::Refused,
            _ => ReceivedState::Failed,
        }
    }
}

impl From<String> for ReceivedState {
    fn from(s: String) -> Self {
        ReceivedState::parse(&s)
    }
}

/// One received invoice as recorded on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedInvoice {
    /// The platform's document id.
    pub document_id: String,
    /// The receiving organisation.
    pub party_id: String,
    /// When the platform received it (RFC 3339, UTC).
    pub received_on: String,
    /// How far it got.
    #[sqlx(try_from = "String")]
    pub state: ReceivedState,
    /// Attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The saved UBL file.
    pub xml_path: Option<String>,
    /// The saved PDF, when the UBL embedded one.
    pub pdf_path: Option<String>,
    /// SHA-256 of the saved UBL.
    pub xml_sha256: Option<String>,
    /// SHA-256 of the saved PDF.
    pub pdf_sha256: Option<String>,
    /// Supplier name read from the UBL.
    pub supplier: Option<String>,
    /// Invoice number read from the UBL.
    pub invoice_number: Option<String>,
    /// Issue date read from the UBL.
    pub issue_date: Option<String>,
    /// Payable amount read from the UBL.
    pub amount: Option<String>,
    /// Currency read from the UBL.
    pub currency: Option<String>,
    /// The last invoice response sent (`AP`, `RE`, `PD`, …), when one was.
    pub response: Option<String>,
    /// When that response was accepted by the platform (None: not yet sent).
    pub response_at: Option<String>,
    /// The note sent with it.
    pub response_note: Option<String>,
    /// When it was removed from the platform at the user's request.
    pub deleted_at: Option<String>,
    /// When both files were on disk.
    pub saved_at: Option<String>,
}

const SELECT: &str = "SELECT document_id, party_id, received_on, state, attempts, last_error,
    xml_path, pdf_path, xml_sha256, pdf_sha256, supplier, invoice_number, issue_date, amount,
    currency, response, response_at, response_note, deleted_at, saved_at FROM received_invoices";

/// A received invoice announced to this computer (a hook's InvoiceReceived: the platform
/// has no list), as recorded before downloading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedInvoice {
    /// The document id.
    pub document_id: String,
    /// When the platform received it.
    pub received_on: String,
    /// How it came in (`peppol`, `email`, …).
    pub channel: String,
}

/// What the UBL said, written to the record and the documents list when saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceFacts {
    /// Supplier name.
    pub supplier: Option<String>,
    /// Supplier party id (scheme:value).
    pub supplier_id: Option<String>,
    /// Invoice number.
    pub invoice_number: Option<String>,
    /// Issue date `YYYY-MM-DD`.
    pub issue_date: Option<String>,
    /// Payable amount as decimal text.
    pub amount: Option<String>,
    /// Currency code.
    pub currency: Option<String>,
}

/// An invoice whose files are in place, to be recorded as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedInvoice {
    /// The document id.
    pub document_id: String,
    /// What its UBL said.
    pub facts: InvoiceFacts,
    /// The UBL file: path and SHA-256.
    pub xml: (String, String),
    /// The PDF, when there is one: path and SHA-256.
    pub pdf: Option<(String, String)>,
}

/// A received document old enough for the retention guard that is not on disk.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RetentionRisk {
    /// The document id.
    pub document_id: String,
    /// Its organisation.
    pub party_id: String,
    /// The organisation's name.
    pub party_name: String,
    /// Its invoice number, when known.
    pub invoice_number: Option<String>,
    /// When it arrived.
    pub created_at: String,
}

impl Store {
    /// Records announced invoices (new ones as `listed`, to be downloaded by the next receive
    /// pass; a known id is left alone, so a repeated announcement is harmless) and, when
    /// given, moves the organisation's position to `received_to`, in one transaction.
    /// Returns how many were new.
    pub async fn record_listed(
        &self,
        party_id: &str,
        items: &[ListedInvoice],
        received_to: Option<&str>,
    ) -> Result<u32, StoreError> {
        // One statement for the page (the rows as a JSON array): a statement per row was a
        // trip to the database thread each, and cost more than the download of the page.
        let rows: Vec<serde_json::Value> = items
            .iter()
            .map(|i| {
                serde_json::json!([
                    i.document_id,
                    timestamp::normalise(&i.received_on),
                    i.channel
                ])
            })
            .collect();
        let rows =
            serde_json::to_string(&rows).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        let done = sqlx::query(
            "INSERT INTO received_invoices (document_id, party_id, received_on, channel, state,
               created_at, updated_at)
             SELECT value->>0, ?1, value->>1, value->>2, 'listed', ?2, ?2 FROM json_each(?3) WHERE true
             ON CONFLICT(document_id) DO NOTHING",
        )
        .bind(party_id)
        .bind(&now)
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        let new = u32::try_from(done.rows_affected()).unwrap_or(u32::MAX);
        if let Some(to) = received_to {
            sqlx::query(
                "INSERT INTO receive_cursors (party_id, received_to, updated_at) VALUES (?, ?, ?)
                 ON CONFLICT(party_id) DO UPDATE SET
                   received_to = MAX(received_to, excluded.received_to), updated_at = excluded.updated_at",
            )
            .bind(party_id)
            .bind(timestamp::normalise(to))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(new)
    }

    /// Invoices to download now (listed, interrupted while writing, or failed and due),
    /// oldest first.
    pub async fn due_received(
        &self,
        party_id: Option<&str>,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<ReceivedInvoice>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE state IN ('listed', 'writing', 'failed') AND next_attempt_ms <= ?
               AND (? IS NULL OR party_id = ?) ORDER BY received_on, document_id LIMIT ?"
        ))
        .bind(now_ms)
        .bind(party_id)
        .bind(party_id)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?)
    }

    /// One record.
    pub async fn received_invoice(&self, id: &str) -> Result<Option<ReceivedInvoice>, StoreError> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE document_id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The records of these documents (those that have one).
    pub async fn received_invoices(
        &self,
        ids: &[String],
    ) -> Result<Vec<ReceivedInvoice>, StoreError> {
        let ids =
            serde_json::to_string(ids).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE document_id IN (SELECT value FROM json_each(?))"
        ))
        .bind(ids)
        .fetch_all(self.pool())
        .await?)
    }

    /// Counts per state (all organisations), for `econnect receive` and tests.
    pub async fn received_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT state, COUNT(*) FROM received_invoices GROUP BY state ORDER BY state",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The paths recorded under `folder` (its direct files), with the record holding each:
    /// the receiver loads them once per folder so that choosing a free name needs no
    /// query per invoice (two invoices never share a file).
    pub async fn received_paths_in(
        &self,
        folder: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        // A range on the path index: every path that starts with `folder` + separator.
        let low = format!("{folder}{}", std::path::MAIN_SEPARATOR);
        let high = format!(
            "{folder}{}",
            char::from(std::path::MAIN_SEPARATOR as u8 + 1)
        );
        Ok(sqlx::query_as(
            "SELECT xml_path, document_id FROM received_invoices WHERE xml_path >= ?1 AND xml_path < ?2
             UNION ALL
             SELECT pdf_path, document_id FROM received_invoices WHERE pdf_path >= ?1 AND pdf_path < ?2",
        )
        .bind(&low)
        .bind(&high)
        .fetch_all(self.pool())
        .await?)
    }

    /// Whether another record already claims this path (so two invoices never share a file).
    pub async fn path_claimed(&self, path: &str, except_id: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM received_invoices WHERE xml_path = ?1 AND document_id <> ?2)
                  + (SELECT COUNT(*) FROM received_invoices WHERE pdf_path = ?1 AND document_id <> ?2)",
        )
        .bind(path)
        .bind(except_id)
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// Marks an invoice saved with the files it was put in (path, SHA-256) and shows what
    /// its UBL said in the documents list; see [`Store::mark_received_saved_many`].
    pub async fn mark_received_saved(
        &self,
        id: &str,
        facts: &InvoiceFacts,
        xml: (&str, &str),
        pdf: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        let item = SavedInvoice {
            document_id: id.to_string(),
            facts: facts.clone(),
            xml: (xml.0.to_string(), xml.1.to_string()),
            pdf: pdf.map(|(p, h)| (p.to_string(), h.to_string())),
        };
        self.mark_received_saved_many(std::slice::from_ref(&item))
            .await
    }

    /// Marks invoices saved with their files and shows what their UBL said in the documents
    /// list (inserting a document the sync has not seen yet): one transaction for all of
    /// them (the receiver commits what finished together), one feed entry per organisation.
    pub async fn mark_received_saved_many(&self, items: &[SavedInvoice]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        // Two statements for the whole batch (the items as a JSON array), not three per item:
        // each statement is a trip to the database thread.
        let rows: Vec<serde_json::Value> = items
            .iter()
            .map(|item| {
                let f = &item.facts;
                let file_name = std::path::Path::new(&item.xml.0).file_name().map(|n| n.to_string_lossy().into_owned());
                serde_json::json!({
                    "id": item.document_id,
                    "xml": item.xml.0, "xmlSha": item.xml.1,
                    "pdf": item.pdf.as_ref().map(|p| &p.0), "pdfSha": item.pdf.as_ref().map(|p| &p.1),
                    "supplier": f.supplier, "supplierId": f.supplier_id, "number": f.invoice_number,
                    "issued": f.issue_date, "amount": f.amount,
                    "cents": f.amount.as_deref().and_then(amount_cents), "currency": f.currency,
                    "file": file_name,
                })
            })
            .collect();
        let rows =
            serde_json::to_string(&rows).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        // Each row is turned into SQLite's binary JSON once (see `insert_events` in the hook
        // inbox): 10 fields read from a `json_each` value parse it 10 times.
        let updated = sqlx::query(
            "WITH j(v) AS MATERIALIZED (SELECT jsonb(value) FROM json_each(?2))
             UPDATE received_invoices SET state = 'saved', xml_path = j.v->>'xml',
               xml_sha256 = j.v->>'xmlSha', pdf_path = j.v->>'pdf', pdf_sha256 = j.v->>'pdfSha',
               supplier = j.v->>'supplier', invoice_number = j.v->>'number',
               issue_date = j.v->>'issued', amount = j.v->>'amount', currency = j.v->>'currency',
               last_error = NULL, saved_at = ?1, updated_at = ?1
             FROM j WHERE received_invoices.document_id = j.v->>'id'",
        )
        .bind(&now)
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() < items.len() as u64 {
            let missing: Option<String> = sqlx::query_scalar(
                "SELECT value->>'id' FROM json_each(?) WHERE value->>'id' NOT IN (SELECT document_id FROM received_invoices)",
            )
            .bind(&rows)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(StoreError::NotFound(format!(
                "received invoice {}",
                missing.unwrap_or_default()
            )));
        }
        // The UBL's facts fill what the list left out (the list is inferred and may lack
        // them); the sync keeps them, see `write_document_page`. Where the list has a value
        // it stays, so the next sync sees no change. Only for organisations in the cache.
        let inserted: Vec<(String, String)> = sqlx::query_as(
            "WITH j(v) AS MATERIALIZED (SELECT jsonb(value) FROM json_each(?2))
             INSERT INTO documents (id, party_id, direction, channel, status, counterparty_id,
               counterparty_name, invoice_number, issue_date, amount, amount_cents, currency,
               file_name, created_at, first_seen_at, updated_at)
             SELECT r.document_id, r.party_id, 'received', r.channel, 'Delivered',
               j.v->>'supplierId', j.v->>'supplier', j.v->>'number', j.v->>'issued',
               j.v->>'amount', j.v->>'cents', j.v->>'currency', j.v->>'file',
               r.received_on, ?1, ?1
             FROM j
             JOIN received_invoices r ON r.document_id = j.v->>'id'
             WHERE r.party_id IN (SELECT id FROM parties)
             ON CONFLICT(id) DO UPDATE SET
               counterparty_id = COALESCE(documents.counterparty_id, excluded.counterparty_id),
               counterparty_name = COALESCE(documents.counterparty_name, excluded.counterparty_name),
               invoice_number = COALESCE(documents.invoice_number, excluded.invoice_number),
               issue_date = COALESCE(documents.issue_date, excluded.issue_date),
               amount = COALESCE(documents.amount, excluded.amount),
               amount_cents = COALESCE(documents.amount_cents, excluded.amount_cents),
               currency = COALESCE(documents.currency, excluded.currency),
               file_name = excluded.file_name, updated_at = excluded.updated_at
             RETURNING party_id, id",
        )
        .bind(&now)
        .bind(&rows)
        .fetch_all(&mut *tx)
        .await?;
        let mut changed: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for (party, id) in &inserted {
            changed.entry(party.clone()).or_default().push(id);
        }
        for (party, ids) in &changed {
            changes::append(&mut tx, ChangeKind::Documents, Some(party), ids).await?;
        }
        self.commit(tx).await
    }

    /// Records a failed attempt: tried again from `next_attempt_ms`, or never (`refused`).
    pub async fn mark_received_failed(
        &self,
        id: &str,
        error: &str,
        next_attempt_ms: i64,
        refused: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE received_invoices SET state = ?, attempts = attempts + 1, last_error = ?,
               next_attempt_ms = ?, updated_at = ? WHERE document_id = ?",
        )
        .bind(if refused { "refused" } else { "failed" })
        .bind(error)
        .bind(next_attempt_ms)
        .bind(timestamp::now())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Starts an invoice response: keeps the response's own id, so a retry after a crash
    /// sends the same id (the platform answers a repeat with the first response). Returns it.
    pub async fn begin_response(
        &self,
        id: &str,
        code: &str,
        note: Option<&str>,
        new_id: &str,
    ) -> Result<String, StoreError> {
        let current: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT response, response_id, response_at FROM received_invoices WHERE document_id = ?",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some((response, response_id, response_at)) = current else {
            return Err(StoreError::NotFound(format!("received invoice {id}")));
        };
        if response.as_deref() == Some(code)
            && response_at.is_none()
            && let Some(pending) = response_id
        {
            return Ok(pending);
        }
        sqlx::query(
            "UPDATE received_invoices SET response = ?, response_id = ?, response_at = NULL,
               response_note = ?, updated_at = ? WHERE document_id = ?",
        )
        .bind(code)
        .bind(new_id)
        .bind(note)
        .bind(timestamp::now())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(new_id.to_string())
    }

    /// The platform accepted the response: it shows in the list from now on.
    pub async fn finish_response(&self, id: &str) -> Result<(), StoreError> {
        self.touch_received(id, "UPDATE received_invoices SET response_at = ?, updated_at = ? WHERE document_id = ? RETURNING party_id").await
    }

    /// The platform no longer holds the invoice (the user asked to remove it).
    pub async fn mark_received_deleted(&self, id: &str) -> Result<(), StoreError> {
        self.touch_received(id, "UPDATE received_invoices SET deleted_at = ?, updated_at = ? WHERE document_id = ? RETURNING party_id").await
    }

    async fn touch_received(&self, id: &str, sql: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        let party: Option<String> = sqlx::query_scalar(sql)
            .bind(&now)
            .bind(&now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(party) = party else {
            return Err(StoreError::NotFound(format!("received invoice {id}")));
        };
        changes::append(&mut tx, ChangeKind::Documents, Some(&party), &[id]).await?;
        self.commit(tx).await
    }

    /// The receive folder of an organisation: its own, else the default root (party '').
    pub async fn receive_folder(&self, party_id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT path FROM receive_folders WHERE party_id IN (?, '')
             ORDER BY party_id = '' LIMIT 1",
        )
        .bind(party_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Sets the receive folder of an organisation, or the default root (`party_id` '').
    pub async fn set_receive_folder(&self, party_id: &str, path: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO receive_folders (party_id, path) VALUES (?, ?)
             ON CONFLICT(party_id) DO UPDATE SET path = excluded.path",
        )
        .bind(party_id)
        .bind(path)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Received invoices that arrived before `before`, are not saved on this disk and were
    /// not warned about yet (the retention guard). They are the ones recorded here (announced
    /// by a hook, see [`Store::record_listed`]): the platform has no list to find others by.
    pub async fn retention_risks(&self, before: &str) -> Result<Vec<RetentionRisk>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.document_id, r.party_id, p.name AS party_name,
               COALESCE(r.invoice_number, d.invoice_number) AS invoice_number,
               r.received_on AS created_at
             FROM received_invoices r JOIN parties p ON p.id = r.party_id
             LEFT JOIN documents d ON d.id = r.document_id
             WHERE r.received_on < ? AND r.state <> 'saved' AND r.deleted_at IS NULL
               AND (d.status IS NULL OR d.status <> 'Rejected')
               AND NOT EXISTS (SELECT 1 FROM retention_warnings w WHERE w.document_id = r.document_id)
             ORDER BY r.received_on LIMIT 1000",
        )
        .bind(before)
        .fetch_all(self.pool())
        .await?)
    }

    /// Remembers that the user was warned about these documents.
    pub async fn mark_retention_warned(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        for id in ids {
            sqlx::query(
                "INSERT OR IGNORE INTO retention_warnings (document_id, warned_at) VALUES (?, ?)",
            )
            .bind(id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }
}
