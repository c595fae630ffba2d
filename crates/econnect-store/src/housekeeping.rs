//! Instellingen → Gegevens: how big the cache is, and emptying it. Emptying removes what
//! the sync can fetch again (documents, their histories, users, sync cursors) and keeps
//! what cannot be fetched again: the intake ledger and outbox (so a file is never sent
//! twice), watched folders, organisations and the environment row.

use std::path::Path;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;

/// Bytes of a database file plus its write-ahead log and shared-memory file.
pub fn file_bytes(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::metadata(Path::new(&name)).ok()
        })
        .map(|m| m.len())
        .sum()
}

impl Store {
    /// Documents in the cache.
    pub async fn document_total(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents")
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Empties the re-fetchable part of the cache (users, sync positions) in one transaction,
    /// records the change (so open pages reload), then gives the space back to the file
    /// system. Documents stay: they are local-first (what this installation sent and
    /// received), and the platform has no list to fetch them again from. Returns the users
    /// removed.
    pub async fn clear_cache(&self) -> Result<u64, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let removed = sqlx::query("DELETE FROM users")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sync_cursors")
            .execute(&mut *tx)
            .await?;
        changes::append(&mut tx, ChangeKind::Documents, None, &[]).await?;
        changes::append(&mut tx, ChangeKind::Users, None, &[]).await?;
        self.commit(tx).await?;
        // Space comes back only with VACUUM; failing it leaves a correct, larger file.
        if let Err(e) = sqlx::query("VACUUM").execute(self.pool()).await {
            tracing::info!(error = %e, "VACUUM after clearing the cache did not run");
        }
        Ok(removed)
    }
}
