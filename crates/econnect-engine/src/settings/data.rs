//! Gegevens: the cache's size, emptying it (a sync fills it again), and exporting the
//! document list as CSV.

use std::io::Write;
use std::path::Path;

use econnect_store::{DocumentQuery, housekeeping};
use serde::{Deserialize, Serialize};

use super::csv;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// Rows fetched per page while exporting.
const PAGE: u32 = 1000;

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

/// The column titles (Dutch: the app's first language and its users' spreadsheets).
const HEADER: [&str; 13] = [
    "id",
    "organisatie",
    "organisatie-id",
    "richting",
    "kanaal",
    "status",
    "factuurnummer",
    "factuurdatum",
    "bedrag",
    "valuta",
    "tegenpartij",
    "tegenpartij-id",
    "aangemaakt",
];

fn text_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn io_error(path: &Path, e: std::io::Error) -> EngineError {
    EngineError::new(ErrorCode::Storage, format!("{}: {e}", path.display()))
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
    /// to `path` as CSV, through a temporary file so a failure leaves no half file.
    pub async fn export_documents_csv(
        &self,
        query: DocumentQuery,
        path: &Path,
    ) -> Result<CsvExport, EngineError> {
        let mut out = String::new();
        out.push_str(&csv::line(HEADER));
        let mut rows = 0u32;
        let mut offset = 0u32;
        loop {
            let page = self
                .documents(DocumentQuery {
                    offset,
                    limit: Some(PAGE),
                    ..query.clone()
                })
                .await?;
            for d in &page.rows {
                let direction = text_of(&d.direction);
                let channel = text_of(&d.channel);
                let opt = |o: &Option<String>| o.clone().unwrap_or_default();
                let fields = [
                    d.id.clone(),
                    d.party_name.clone(),
                    d.party_id.clone(),
                    direction,
                    channel,
                    d.status.clone(),
                    opt(&d.invoice_number),
                    opt(&d.issue_date),
                    opt(&d.amount),
                    opt(&d.currency),
                    opt(&d.counterparty_name),
                    opt(&d.counterparty_id),
                    d.created_at.clone(),
                ];
                out.push_str(&csv::line(fields.iter().map(String::as_str)));
            }
            rows += page.rows.len() as u32;
            offset += page.rows.len() as u32;
            if page.rows.is_empty() || offset >= page.total {
                break;
            }
        }
        let target = path.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let folder = target.parent().unwrap_or(std::path::Path::new("."));
            let (mut file, temporary) =
                econnect_api::local_file::create_temp(folder, "export", "csv.part")
                    .map_err(|e| io_error(folder, e))?;
            // A byte-order mark, so Excel reads the file as UTF-8 (names with ë, é).
            let written = file
                .write_all(b"\xEF\xBB\xBF")
                .and_then(|()| file.write_all(out.as_bytes()))
                .and_then(|()| file.sync_all());
            drop(file);
            // The user chose this name (and the dialog asked before replacing a file).
            let placed = written.and_then(|()| std::fs::rename(&temporary, &target));
            if placed.is_err() {
                let _ = std::fs::remove_file(&temporary);
            }
            placed.map_err(|e| io_error(&target, e))
        })
        .await
        .map_err(|e| EngineError::new(ErrorCode::Storage, e.to_string()))??;
        Ok(CsvExport {
            path: path.display().to_string(),
            rows,
        })
    }
}
