//! Exports the document list as the user filtered it: a CSV that Dutch Excel opens in
//! columns (semicolons, decimal comma, dd-mm-jjjj, UTF-8 with a byte-order mark) or an
//! `.xlsx` with real date and number cells. Rows are read a page at a time and written as
//! they come, so a million documents never sit in memory at once.

mod columns;
pub mod csv;
pub mod resend;
pub mod xlsx;

use std::path::Path;

use econnect_store::{DocumentQuery, DocumentRow};
use serde::{Deserialize, Serialize};

pub use columns::Record;

use crate::desktop::Language;
use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// Rows read per page while exporting.
const PAGE: u32 = 1000;

/// The file type of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Semicolon-separated text for Dutch spreadsheets.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentExport {
    /// The file written.
    pub path: String,
    /// Documents in it.
    pub rows: u32,
}

/// Something that takes the export's rows one at a time.
pub(crate) trait Sink {
    fn row(&mut self, record: &Record) -> Result<(), String>;
    /// Writes what is left and closes the file.
    fn finish(self: Box<Self>) -> Result<(), String>;
}

impl Engine {
    /// Writes every document matching `query` (its filters, selection and sort; paging is
    /// ignored) to `path`, through a temporary file so a failure leaves no half file.
    pub async fn export_documents(
        &self,
        query: DocumentQuery,
        format: ExportFormat,
        language: Language,
        path: &Path,
    ) -> Result<DocumentExport, EngineError> {
        let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let (file, temporary) = econnect_api::local_file::create_temp(
            &folder,
            "export",
            &format!("{}.part", format.extension()),
        )
        .map_err(|e| io_error(&folder, &e.to_string()))?;
        let written = self
            .write_export(query, format, language, file, &temporary)
            .await;
        let placed = written.and_then(|rows| {
            // The user chose this name (and the dialog asked before replacing a file).
            std::fs::rename(&temporary, path)
                .map(|()| rows)
                .map_err(|e| io_error(path, &e.to_string()))
        });
        if placed.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        Ok(DocumentExport {
            path: path.display().to_string(),
            rows: placed?,
        })
    }

    async fn write_export(
        &self,
        query: DocumentQuery,
        format: ExportFormat,
        language: Language,
        file: std::fs::File,
        temporary: &Path,
    ) -> Result<u32, EngineError> {
        let mut sink: Box<dyn Sink + Send> = match format {
            ExportFormat::Csv => Box::new(csv::CsvSink::new(file, language)),
            ExportFormat::Xlsx => {
                drop(file);
                Box::new(xlsx::XlsxSink::new(temporary, language))
            }
        };
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
            if format == ExportFormat::Xlsx && page.total > xlsx::MAX_ROWS {
                return Err(EngineError::new(
                    ErrorCode::InvalidInput,
                    language
                        .pick(
                            "Te veel documenten voor één Excel-blad (meer dan 1.048.575): kies een kortere periode of exporteer als CSV.",
                            "Too many documents for one Excel sheet (over 1,048,575): choose a shorter period or export as CSV.",
                        )
                        .to_string(),
                ));
            }
            let count = page.rows.len() as u32;
            let (back, result) = tokio::task::spawn_blocking(move || {
                let result = page
                    .rows
                    .iter()
                    .try_for_each(|d: &DocumentRow| sink.row(&Record::of(d, language)));
                (sink, result)
            })
            .await
            .map_err(|e| EngineError::new(ErrorCode::Storage, e.to_string()))?;
            sink = back;
            result.map_err(|e| io_error(temporary, &e))?;
            rows += count;
            offset += count;
            if count == 0 || offset >= page.total {
                break;
            }
        }
        tokio::task::spawn_blocking(move || sink.finish())
            .await
            .map_err(|e| EngineError::new(ErrorCode::Storage, e.to_string()))?
            .map_err(|e| io_error(temporary, &e))?;
        Ok(rows)
    }
}

fn io_error(path: &Path, message: &str) -> EngineError {
    EngineError::new(
        ErrorCode::Storage,
        format!("Exporteren naar {} mislukt: {message}", path.display()),
    )
}
