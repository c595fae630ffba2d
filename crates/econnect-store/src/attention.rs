//! What needs attention, per organisation: failed and rejected documents of a recent
//! period, received invoices without an answer, and the outbox's waiting and failed files.
//! One statement for every organisation, worst first; each count is a seek into an index
//! (see migration 0710), so the overview stays quick with a million documents.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// The counts of one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    /// The organisation (normalised party id).
    pub party_id: String,
    /// Its name.
    pub name: String,
    /// Documents whose status is Failed, created in the period.
    pub failed_documents: u32,
    /// Outbox files the platform refused or that were given up on.
    pub failed_intake: u32,
    /// Documents whose status is Rejected, created in the period.
    pub rejected: u32,
    /// Received invoices without an answer that came in since the "new" date.
    pub new_received: u32,
    /// Received invoices (saved on this computer) without an answer.
    pub unanswered: u32,
    /// Outbox files waiting to be sent (queued or sending).
    pub queued: u32,
}

impl Attention {
    /// Failed documents and failed outbox files together.
    pub fn failed(&self) -> u32 {
        self.failed_documents.saturating_add(self.failed_intake)
    }

    /// What asks for the user: failed, rejected and unanswered (the badge's number).
    pub fn needing(&self) -> u32 {
        self.failed()
            .saturating_add(self.rejected)
            .saturating_add(self.unanswered)
    }
}

/// Correlated counts per organisation; `?1` the period start, `?2` the "new" start.
/// The `WHERE status = …` and `response IS NULL AND deleted_at IS NULL` terms match the
/// partial indexes' own terms exactly, which SQLite needs to use them. MATERIALIZED: the
/// sort would otherwise run every subquery again for its keys.
const ATTENTION: &str = "
WITH counts AS MATERIALIZED (
  SELECT p.id AS party_id, p.name AS name, p.position AS position,
    (SELECT COUNT(*) FROM documents d
      WHERE d.party_id = p.id AND d.status = 'Failed' AND d.created_at >= ?1) AS failed_documents,
    (SELECT COALESCE(SUM(t.n), 0) FROM intake_outbox_tally t
      WHERE t.party_id = p.id AND t.state IN ('refused', 'dead')) AS failed_intake,
    (SELECT COUNT(*) FROM documents d
      WHERE d.party_id = p.id AND d.status = 'Rejected' AND d.created_at >= ?1) AS rejected,
    (SELECT COUNT(*) FROM received_invoices r
      WHERE r.party_id = p.id AND r.state = 'saved' AND r.received_on >= ?2
        AND r.response IS NULL AND r.deleted_at IS NULL) AS new_received,
    (SELECT COUNT(*) FROM received_invoices r
      WHERE r.party_id = p.id AND r.state = 'saved'
        AND r.response IS NULL AND r.deleted_at IS NULL) AS unanswered,
    (SELECT COALESCE(SUM(t.n), 0) FROM intake_outbox_tally t
      WHERE t.party_id = p.id AND t.state IN ('queued', 'sending')) AS queued
  FROM parties p
)
SELECT party_id, name, failed_documents, failed_intake, rejected, new_received, unanswered, queued
FROM counts
ORDER BY (failed_documents + failed_intake + rejected > 0) DESC,
  failed_documents + failed_intake + rejected + unanswered DESC,
  queued DESC, position, name";

impl Store {
    /// Every organisation's counts, worst first: those with failed or rejected documents,
    /// then by how much needs attention, then waiting files, then the platform's order.
    /// `since` starts the period for failed and rejected documents, `new_since` the one for
    /// newly received invoices (dates `YYYY-MM-DD`, from the start of that day, as the
    /// document list's period filter reads them).
    pub async fn attention(
        &self,
        since: &str,
        new_since: &str,
    ) -> Result<Vec<Attention>, StoreError> {
        Ok(sqlx::query_as(ATTENTION)
            .bind(period_start(since)?)
            .bind(period_start(new_since)?)
            .fetch_all(self.pool())
            .await?)
    }

    /// SQLite's plan for [`Store::attention`], one line per step (tests and support).
    pub async fn explain_attention(&self) -> Result<Vec<String>, StoreError> {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {ATTENTION}"))
                .bind("2026-01-01T00:00:00Z")
                .bind("2026-01-01T00:00:00Z")
                .fetch_all(self.pool())
                .await?;
        Ok(plan.into_iter().map(|p| p.3).collect())
    }
}

fn period_start(date: &str) -> Result<String, StoreError> {
    timestamp::period_start(date)
        .ok_or_else(|| StoreError::InvalidInput(format!("'{date}' is not a date")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{PartyRecord, Permissions};

    async fn store_with(parties: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
        let records: Vec<PartyRecord> = parties
            .iter()
            .map(|(id, name)| PartyRecord {
                id: (*id).into(),
                name: (*name).into(),
                permissions: Permissions::default(),
            })
            .collect();
        store.replace_parties(&records).await.unwrap();
        (dir, store)
    }

    async fn document(store: &Store, id: &str, party: &str, status: &str, created: &str) {
        sqlx::query(
            "INSERT INTO documents (id, party_id, direction, channel, status, created_at,
               first_seen_at, updated_at) VALUES (?, ?, 'sent', 'peppol', ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(party)
        .bind(status)
        .bind(created)
        .bind(created)
        .bind(created)
        .execute(store.pool())
        .await
        .unwrap();
    }

    async fn received(
        store: &Store,
        id: &str,
        party: &str,
        on: &str,
        state: &str,
        answer: Option<&str>,
    ) {
        sqlx::query(
            "INSERT INTO received_invoices (document_id, party_id, received_on, state, response,
               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(party)
        .bind(on)
        .bind(state)
        .bind(answer)
        .bind(on)
        .bind(on)
        .execute(store.pool())
        .await
        .unwrap();
    }

    async fn outbox(store: &Store, id: &str, party: &str, state: &str) {
        sqlx::query(
            "INSERT INTO intake_ledger (id, party_id, sha256, file_name, size, created_at)
             VALUES (?1, ?2, ?1, 'f.xml', 1, '2026-12-01T00:00:00Z');",
        )
        .bind(id)
        .bind(party)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO intake_outbox (id, party_id, direction, path, original_path, file_name,
               mime, sha256, size, state, created_at, updated_at)
             VALUES (?1, ?2, 'sales', '/p', '/p', 'f.xml', 'application/xml', ?1, 1, ?3,
               '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
        )
        .bind(id)
        .bind(party)
        .bind(state)
        .execute(store.pool())
        .await
        .unwrap();
    }

    const BAKKER: &str = "0106:30187412";
    const HOVENIER: &str = "0106:56012934";
    const ADVOCAAT: &str = "0106:34298851";
    const RUSTIG: &str = "0106:11111111";

    #[tokio::test]
    async fn counts_each_state_and_puts_the_worst_first() {
        let (_dir, store) = store_with(&[
            (RUSTIG, "Rustig B.V."),
            (HOVENIER, "Hovenier"),
            (BAKKER, "Bakker"),
            (ADVOCAAT, "Advocaat"),
        ])
        .await;
        // Bakker: one failed and one rejected in the period, one failed before it.
        document(&store, "d1", BAKKER, "Failed", "2026-12-02T10:00:00Z").await;
        document(&store, "d2", BAKKER, "Rejected", "2026-11-20T00:00:00Z").await;
        document(&store, "d3", BAKKER, "Failed", "2026-10-01T00:00:00Z").await;
        document(&store, "d4", BAKKER, "Delivered", "2026-12-02T00:00:00Z").await;
        outbox(&store, "o1", BAKKER, "dead").await;
        // Hovenier: three unanswered (one new), one answered, one not yet saved.
        received(
            &store,
            "r1",
            HOVENIER,
            "2026-12-04T08:00:00Z",
            "saved",
            None,
        )
        .await;
        received(
            &store,
            "r2",
            HOVENIER,
            "2026-11-01T08:00:00Z",
            "saved",
            None,
        )
        .await;
        received(
            &store,
            "r3",
            HOVENIER,
            "2026-10-01T08:00:00Z",
            "saved",
            None,
        )
        .await;
        received(
            &store,
            "r4",
            HOVENIER,
            "2026-12-04T09:00:00Z",
            "saved",
            Some("AP"),
        )
        .await;
        received(
            &store,
            "r5",
            HOVENIER,
            "2026-12-04T09:00:00Z",
            "listed",
            None,
        )
        .await;
        // Advocaat: one unanswered, two files waiting, one refused.
        received(
            &store,
            "r6",
            ADVOCAAT,
            "2026-12-05T08:00:00Z",
            "saved",
            None,
        )
        .await;
        outbox(&store, "o2", ADVOCAAT, "queued").await;
        outbox(&store, "o3", ADVOCAAT, "sending").await;
        outbox(&store, "o4", ADVOCAAT, "refused").await;
        outbox(&store, "o5", ADVOCAAT, "sent").await;
        // Rustig: only what needs nothing.
        document(&store, "d5", RUSTIG, "Delivered", "2026-12-03T00:00:00Z").await;
        outbox(&store, "o6", RUSTIG, "sent").await;

        let rows = store.attention("2026-11-05", "2026-11-28").await.unwrap();
        let order: Vec<&str> = rows.iter().map(|r| r.party_id.as_str()).collect();
        assert_eq!(order, [BAKKER, ADVOCAAT, HOVENIER, RUSTIG]);

        let bakker = &rows[0];
        assert_eq!(
            (
                bakker.failed_documents,
                bakker.failed_intake,
                bakker.rejected
            ),
            (1, 1, 1)
        );
        assert_eq!(bakker.failed(), 2);
        assert_eq!(bakker.needing(), 3);
        let advocaat = &rows[1];
        assert_eq!(
            (advocaat.failed_intake, advocaat.queued, advocaat.unanswered),
            (1, 2, 1)
        );
        assert_eq!(advocaat.new_received, 1);
        let hovenier = &rows[2];
        assert_eq!((hovenier.unanswered, hovenier.new_received), (3, 1));
        assert_eq!(hovenier.failed() + hovenier.rejected + hovenier.queued, 0);
        let rustig = &rows[3];
        assert_eq!(rustig.name, "Rustig B.V.");
        assert_eq!(
            (rustig.needing(), rustig.queued, rustig.new_received),
            (0, 0, 0)
        );
    }

    #[tokio::test]
    async fn organisations_with_nothing_keep_the_platforms_order() {
        let (_dir, store) = store_with(&[(HOVENIER, "Zeta"), (BAKKER, "Alfa")]).await;
        let rows = store.attention("2026-11-05", "2026-11-28").await.unwrap();
        let order: Vec<&str> = rows.iter().map(|r| r.party_id.as_str()).collect();
        assert_eq!(order, [HOVENIER, BAKKER]);
        assert!(rows.iter().all(|r| r.needing() == 0 && r.queued == 0));
    }

    #[tokio::test]
    async fn the_document_list_shows_what_the_counts_count() {
        let (_dir, store) = store_with(&[(HOVENIER, "Hovenier")]).await;
        for (id, on, answer) in [
            ("r1", "2026-12-04T08:00:00Z", None),
            ("r2", "2026-11-01T08:00:00Z", None),
            ("r3", "2026-12-04T09:00:00Z", Some("RE")),
        ] {
            received(&store, id, HOVENIER, on, "saved", answer).await;
            document(&store, id, HOVENIER, "Delivered", on).await;
        }
        let counts = &store.attention("2026-11-05", "2026-11-28").await.unwrap()[0];
        let list = |from: Option<&str>| crate::DocumentQuery {
            party: Some(HOVENIER.into()),
            unanswered: Some(true),
            from: from.map(Into::into),
            ..Default::default()
        };
        let all = store.documents(&list(None)).await.unwrap();
        assert_eq!(all.total, counts.unanswered);
        assert_eq!(all.total, 2);
        let new = store.documents(&list(Some("2026-11-28"))).await.unwrap();
        assert_eq!(new.total, counts.new_received);
        assert_eq!(new.rows[0].id, "r1");
    }

    #[tokio::test]
    async fn a_bad_date_is_refused() {
        let (_dir, store) = store_with(&[]).await;
        let err = store.attention("gisteren", "2026-11-28").await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidInput(_)));
    }

    #[tokio::test]
    async fn every_count_seeks_an_index_instead_of_scanning() {
        let (_dir, store) = store_with(&[]).await;
        let plan = store.explain_attention().await.unwrap();
        let text = plan.join("\n");
        for index in [
            "documents_failed",
            "documents_rejected",
            "received_invoices_unanswered",
        ] {
            assert!(text.contains(index), "{index} not used:\n{text}");
        }
        // The outbox's counts come from its tally (a WITHOUT ROWID table: its key is the row).
        assert!(
            text.contains("SEARCH t USING PRIMARY KEY"),
            "the outbox tally is not used:\n{text}"
        );
        // Only the organisations (and the materialised counts) are scanned; every count
        // reads its index alone, never a table row.
        for line in &plan {
            if line.starts_with("SCAN") {
                assert!(
                    line == "SCAN p" || line == "SCAN counts",
                    "a scan: {line}\n{text}"
                );
            }
            if line.starts_with("SEARCH") {
                assert!(
                    line.contains("COVERING INDEX")
                        || line.starts_with("SEARCH t USING PRIMARY KEY"),
                    "reads table rows: {line}\n{text}"
                );
            }
        }
    }
}
