//! Sent documents are recorded when the platform accepts the upload, with only the file's
//! name: their customer, number and amount are in the file itself (a UBL invoice). The
//! engine reads those files once and fills the columns the Documents screen shows here.

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::documents::amount_cents;
use crate::error::StoreError;

/// What a sent invoice's own file says about the other side and the amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentFacts {
    /// The customer's name.
    pub customer: Option<String>,
    /// The customer's party id (scheme:value).
    pub customer_id: Option<String>,
    /// Invoice number.
    pub invoice_number: Option<String>,
    /// Issue date `YYYY-MM-DD`.
    pub issue_date: Option<String>,
    /// Payable amount as decimal text.
    pub amount: Option<String>,
    /// Currency code.
    pub currency: Option<String>,
}

/// A sent document whose file has not been read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadSent {
    /// The document id.
    pub document_id: String,
    /// Where its file is now (moved to `Verwerkt/` or where it was taken from).
    pub path: String,
}

impl Store {
    /// Up to `limit` sent XML documents whose file was not read yet.
    pub async fn sent_files_unread(&self, limit: u32) -> Result<Vec<UnreadSent>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT d.id, o.path FROM intake_outbox o JOIN documents d ON d.id = o.document_id
             WHERE o.state = 'sent' AND (o.e_invoice = 1 OR o.mime LIKE '%xml%')
               AND NOT EXISTS (SELECT 1 FROM document_facts_read r WHERE r.document_id = d.id)
             LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(document_id, path)| UnreadSent { document_id, path })
            .collect())
    }

    /// Fills the empty columns of sent documents from their files (`None`: the file could
    /// not be read) and marks each as read, so no file is read twice.
    pub async fn fill_sent_facts(
        &self,
        read: &[(String, Option<SentFacts>)],
    ) -> Result<(), StoreError> {
        if read.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let mut filled: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (id, facts) in read {
            sqlx::query("INSERT OR IGNORE INTO document_facts_read (document_id) VALUES (?)")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let Some(f) = facts else { continue };
            let party: Option<String> = sqlx::query_scalar(
                "UPDATE documents SET
                   counterparty_name = COALESCE(counterparty_name, ?2),
                   counterparty_id = COALESCE(counterparty_id, ?3),
                   invoice_number = COALESCE(invoice_number, ?4),
                   issue_date = COALESCE(issue_date, ?5),
                   amount = COALESCE(amount, ?6),
                   amount_cents = COALESCE(amount_cents, ?7),
                   currency = COALESCE(currency, ?8)
                 WHERE id = ?1 RETURNING party_id",
            )
            .bind(id)
            .bind(&f.customer)
            .bind(&f.customer_id)
            .bind(&f.invoice_number)
            .bind(&f.issue_date)
            .bind(&f.amount)
            .bind(f.amount.as_deref().and_then(amount_cents))
            .bind(&f.currency)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(party) = party {
                filled.entry(party).or_default().push(id.clone());
            }
        }
        for (party, ids) in &filled {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            changes::append(&mut tx, ChangeKind::Documents, Some(party), &ids).await?;
        }
        self.commit(tx).await
    }
}

/// The file a document was sent from, as the outbox last knew it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    /// The organisation it was sent for.
    pub party_id: String,
    /// `sales` or `purchase` (the intake's direction).
    pub direction: String,
    /// Where the file is now.
    pub path: String,
}

impl Store {
    /// Where the file of a document sent from this computer is; `None` when it was not.
    pub async fn sent_file(&self, document_id: &str) -> Result<Option<SentFile>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT party_id, direction, path FROM intake_outbox WHERE document_id = ?
             ORDER BY updated_at DESC LIMIT 1",
        )
        .bind(document_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(party_id, direction, path)| SentFile {
            party_id,
            direction,
            path,
        }))
    }
}
