//! A document's invoice as the app shows it: the UBL read into a view, and its PDF. The
//! files are found by the document's id, never by a path from the UI: a received invoice's
//! saved XML and PDF, or the file this installation sent (when it is still on disk). A file
//! that changed since (its SHA-256 differs) is not shown as that document's invoice.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use econnect_intake::invoice::{
    self, EmbeddedFile, InvoiceView, InvoiceViewCode, InvoiceViewError,
};
use econnect_store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// Largest PDF handed to the window.
const MAX_PDF_BYTES: u64 = 32 * 1024 * 1024;

/// A document's invoice: its view, or why there is none, and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInvoice {
    /// The invoice read from its XML.
    pub view: Option<InvoiceView>,
    /// Why there is no view.
    pub problem: Option<InvoiceViewError>,
    /// The invoice XML on this computer.
    pub xml_path: Option<String>,
    /// The PDF on this computer (saved beside a received XML, or the PDF that was sent).
    pub pdf_path: Option<String>,
    /// A PDF can be shown (on disk, or embedded in the XML).
    pub has_pdf: bool,
}

/// Which file to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InvoiceFileKind {
    /// The PDF (extracted to a temporary file when it is only embedded).
    Pdf,
    /// The XML.
    Xml,
}

/// A file of the document with the SHA-256 it had when it was sent or received.
#[derive(Debug, Clone)]
struct Known {
    path: PathBuf,
    sha256: Option<String>,
}

/// The document's files on this computer.
#[derive(Debug, Default)]
struct Sources {
    xml: Option<Known>,
    pdf: Option<Known>,
}

async fn sources(store: &Store, id: &str) -> Result<Sources, EngineError> {
    if let Some(r) = store.received_invoice(id).await? {
        return Ok(Sources {
            xml: r.xml_path.map(|p| Known {
                path: p.into(),
                sha256: r.xml_sha256,
            }),
            pdf: r.pdf_path.map(|p| Known {
                path: p.into(),
                sha256: r.pdf_sha256,
            }),
        });
    }
    let Some(sent) = econnect_store::outbox::by_document(store, id).await? else {
        return Ok(Sources::default());
    };
    let known = Known {
        path: sent.path.into(),
        sha256: Some(sent.sha256),
    };
    Ok(if sent.mime.contains("xml") {
        Sources {
            xml: Some(known),
            pdf: None,
        }
    } else if sent.mime == "application/pdf" {
        Sources {
            xml: None,
            pdf: Some(known),
        }
    } else {
        Sources::default()
    })
}

/// Reads a known file, at most `limit` bytes, and checks it is still the one recorded.
fn read_known(known: &Known, limit: u64) -> Result<Vec<u8>, InvoiceViewError> {
    let file = econnect_api::local_file::open_no_follow(&known.path)
        .map_err(|_| InvoiceViewError::of(InvoiceViewCode::Unreadable))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| InvoiceViewError::of(InvoiceViewCode::Unreadable))?;
    if bytes.len() as u64 > limit {
        return Err(InvoiceViewError::of(InvoiceViewCode::TooLarge));
    }
    if let Some(expected) = &known.sha256
        && hex::encode(Sha256::digest(&bytes)) != *expected
    {
        return Err(InvoiceViewError::of(InvoiceViewCode::Changed));
    }
    Ok(bytes)
}

fn blocking_failed(e: tokio::task::JoinError) -> EngineError {
    EngineError::new(
        ErrorCode::Storage,
        format!("reading the invoice stopped: {e}"),
    )
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The view of a document's invoice from the files found.
fn invoice_of(sources: &Sources) -> DocumentInvoice {
    let mut out = DocumentInvoice {
        view: None,
        problem: None,
        xml_path: sources.xml.as_ref().map(|k| display(&k.path)),
        pdf_path: sources.pdf.as_ref().map(|k| display(&k.path)),
        has_pdf: sources.pdf.is_some(),
    };
    let Some(xml) = &sources.xml else {
        out.problem = Some(InvoiceViewError::of(InvoiceViewCode::NoXml));
        return out;
    };
    match read_known(xml, invoice::MAX_VIEW_BYTES as u64).and_then(|b| invoice::view(&b)) {
        Ok(view) => {
            out.has_pdf |= view.attachments.iter().any(|a| a.is_pdf);
            out.view = Some(view);
        }
        Err(problem) => out.problem = Some(problem),
    }
    out
}

/// The PDF's bytes: the file on disk, else the first PDF embedded in the XML.
fn pdf_of(sources: &Sources) -> Result<Option<EmbeddedFile>, InvoiceViewError> {
    if let Some(pdf) = &sources.pdf {
        let name = pdf
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        return read_known(pdf, MAX_PDF_BYTES).map(|bytes| Some(EmbeddedFile { name, bytes }));
    }
    match &sources.xml {
        Some(xml) => invoice::first_pdf(&read_known(xml, invoice::MAX_VIEW_BYTES as u64)?),
        None => Ok(None),
    }
}

fn view_error(e: InvoiceViewError) -> EngineError {
    let code = match e.code {
        InvoiceViewCode::Unreadable | InvoiceViewCode::NoXml => ErrorCode::NotFound,
        _ => ErrorCode::InvalidInput,
    };
    EngineError::new(code, e.message_en)
}

impl Engine {
    /// The invoice of a document (received, or sent from here as XML): its readable view,
    /// or why there is none, and where its files are.
    pub async fn document_invoice(&self, id: &str) -> Result<DocumentInvoice, EngineError> {
        let session = self.require().await?;
        let sources = sources(&session.store, id).await?;
        tokio::task::spawn_blocking(move || invoice_of(&sources))
            .await
            .map_err(blocking_failed)
    }

    /// The document's PDF as base64 (for the in-app viewer), `None` when it has none.
    pub async fn invoice_pdf(&self, id: &str) -> Result<Option<String>, EngineError> {
        let session = self.require().await?;
        let sources = sources(&session.store, id).await?;
        let pdf = tokio::task::spawn_blocking(move || pdf_of(&sources))
            .await
            .map_err(blocking_failed)?
            .map_err(view_error)?;
        Ok(pdf.map(|f| base64::engine::general_purpose::STANDARD.encode(f.bytes)))
    }

    /// A file of the document to open or show in its folder. A PDF that is only embedded
    /// in the XML is written to a temporary file first.
    pub async fn invoice_file(
        &self,
        id: &str,
        kind: InvoiceFileKind,
    ) -> Result<PathBuf, EngineError> {
        let session = self.require().await?;
        let sources = sources(&session.store, id).await?;
        let missing = || EngineError::new(ErrorCode::NotFound, "no such file for this document");
        match kind {
            InvoiceFileKind::Xml => sources.xml.map(|k| k.path).ok_or_else(missing),
            InvoiceFileKind::Pdf => {
                if let Some(pdf) = sources.pdf {
                    return Ok(pdf.path);
                }
                let id = id.to_string();
                tokio::task::spawn_blocking(move || {
                    let pdf = pdf_of(&sources).map_err(view_error)?.ok_or_else(missing)?;
                    extract_to_temp(&id, pdf.name.as_deref(), &pdf.bytes)
                })
                .await
                .map_err(blocking_failed)?
            }
        }
    }
}

/// Writes an embedded PDF to `<temp>/econnect-facturen/<document>/<name>.pdf`.
fn extract_to_temp(id: &str, name: Option<&str>, bytes: &[u8]) -> Result<PathBuf, EngineError> {
    let folder = std::env::temp_dir()
        .join("econnect-facturen")
        .join(crate::receive::names::component(id, "document"));
    let failed = |e: std::io::Error| EngineError::new(ErrorCode::Folder, e.to_string());
    std::fs::create_dir_all(&folder).map_err(failed)?;
    let stem = crate::receive::names::component(
        name.unwrap_or("factuur.pdf").trim_end_matches(".pdf"),
        "factuur",
    );
    let path = folder.join(format!("{stem}.pdf"));
    // Written beside and renamed: a viewer never sees half a file.
    let (mut file, temp) =
        econnect_api::local_file::create_private_temp(&folder, ".factuur", ".pdf")
            .map_err(failed)?;
    std::io::Write::write_all(&mut file, bytes).map_err(failed)?;
    std::fs::rename(&temp, &path).map_err(failed)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVOICE: &str =
        include_str!("../../econnect-intake/src/invoice/fixtures/bis3-invoice.xml");

    fn known(dir: &Path, name: &str, bytes: &[u8], record_sha: bool) -> Known {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Known {
            path,
            sha256: record_sha.then(|| hex::encode(Sha256::digest(bytes))),
        }
    }

    #[test]
    fn a_saved_xml_gives_its_view_and_its_embedded_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let sources = Sources {
            xml: Some(known(dir.path(), "f.xml", INVOICE.as_bytes(), true)),
            pdf: None,
        };
        let invoice = invoice_of(&sources);
        assert_eq!(invoice.problem, None);
        assert!(invoice.has_pdf, "embedded");
        let view = invoice.view.unwrap();
        assert_eq!(
            view.supplier.and_then(|s| s.name).as_deref(),
            Some("Drukkerij Van Dam")
        );
        let EmbeddedFile { name, bytes } = pdf_of(&sources).unwrap().unwrap();
        assert_eq!(name.as_deref(), Some("Factuur 2026-0412.pdf"));
        assert!(bytes.starts_with(b"%PDF"));
        let path = extract_to_temp("doc-1", name.as_deref(), &bytes).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(
            path.ends_with("doc-1/Factuur 2026-0412.pdf"),
            "{}",
            path.display()
        );
    }

    #[test]
    fn a_changed_or_missing_file_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut xml = known(dir.path(), "f.xml", INVOICE.as_bytes(), true);
        std::fs::write(&xml.path, INVOICE.replace("Folders", "Flyers")).unwrap();
        let sources = Sources {
            xml: Some(xml.clone()),
            pdf: None,
        };
        let invoice = invoice_of(&sources);
        assert_eq!(
            invoice.problem.map(|p| p.code),
            Some(InvoiceViewCode::Changed)
        );
        assert_eq!(invoice.view, None);
        xml.path = dir.path().join("gone.xml");
        let gone = invoice_of(&Sources {
            xml: Some(xml),
            pdf: None,
        });
        assert_eq!(
            gone.problem.map(|p| p.code),
            Some(InvoiceViewCode::Unreadable)
        );
        let none = invoice_of(&Sources::default());
        assert_eq!(none.problem.map(|p| p.code), Some(InvoiceViewCode::NoXml));
        assert!(!none.has_pdf);
    }

    #[test]
    fn a_pdf_on_disk_is_preferred_over_the_embedded_one() {
        let dir = tempfile::tempdir().unwrap();
        let sources = Sources {
            xml: Some(known(dir.path(), "f.xml", INVOICE.as_bytes(), true)),
            pdf: Some(known(dir.path(), "f.pdf", b"%PDF-1.7 saved", true)),
        };
        let EmbeddedFile { name, bytes } = pdf_of(&sources).unwrap().unwrap();
        assert_eq!(
            (name.as_deref(), bytes.as_slice()),
            (Some("f.pdf"), &b"%PDF-1.7 saved"[..])
        );
    }
}
