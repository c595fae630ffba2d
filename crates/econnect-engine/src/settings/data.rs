//! Gegevens: the cache's size, emptying it (a sync fills it again), and exporting the
//! document list as CSV.

use std::path::Path;

use econnect_store::{DocumentQuery, housekeeping};
use serde::{Deserialize, Serialize};

use crate::desktop::Language;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::export::ExportFormat;

/// How big the cache of the open profile is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CacheInfo {
    /// Bytes on disk (database, log and shared-memory file).
    pub bytes: u64,
    /// Documents in it.
    pub documents: u64,
    /// The database file.
    pub path: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CsvExport {
    /// The file written.
    pub path: String,
    /// Documents in it.
    pub rows: u32,
}

impl Engine {
    /// The cache's size on disk and its number of documents.
    pub async fn cache_info(&self) -> Result<CacheInfo, EngineError> {
        let store = self.store().await?;
        let path = store.path().to_path_buf();
        let documents = store.document_total().await?;
        let bytes = tokio::task::spawn_blocking({
            let path = path.clone();
            move || housekeeping::file_bytes(&path)
        })
        .await
        .unwrap_or(0);
        Ok(CacheInfo {
            bytes,
            documents,
            path: path.display().to_string(),
        })
    }

    /// Empties the cache (not the outbox: nothing is sent twice) and syncs it again in
    /// the background; answers the size after emptying.
    pub async fn clear_cache(&self) -> Result<CacheInfo, EngineError> {
        let store = self.store().await?;
        store.clear_cache().await?;
        let engine = self.clone();
        tokio::spawn(async move {
            if let Err(e) = engine.sync_now().await {
                tracing::info!(error = %e, "sync after clearing the cache failed; the loop retries");
            }
        });
        self.cache_info().await
    }

    /// Writes every document matching `query` (its filters and sort; paging is ignored)
    /// to `path` as the Documents screen's CSV (see [`crate::export`]), in Dutch.
    pub async fn export_documents_csv(
        &self,
        query: DocumentQuery,
        path: &Path,
    ) -> Result<CsvExport, EngineError> {
        let done = self
            .export_documents(query, ExportFormat::Csv, Language::Nl, path)
            .await?;
        Ok(CsvExport {
            path: done.path,
            rows: done.rows,
        })
    }
}
