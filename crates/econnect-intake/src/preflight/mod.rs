//! Preflight: what a file is and whether (and how) to send it, decided locally before any
//! upload, on the bytes and never the extension.

pub mod encoding;
pub mod nlcius;
pub mod pdf;
pub mod sniff;
pub mod xml;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::refusal::{Refusal, RefusalCode};
pub use nlcius::Warning;
use sniff::Magic;
pub use xml::XmlInvoiceKind;

/// The platform ignores files under this size.
pub const MIN_BYTES: u64 = 1024;
/// The platform's per-file limit.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Label of a structured invoice, which the platform reads without OCR.
pub const LABEL_E_INVOICE: &str = "e-factuur, geen OCR nodig";
/// Label of a PDF or image that goes through scan & recognise.
pub const LABEL_SCAN: &str = "scan & herken";

/// Purchase intake (received invoices) or sales intake (own invoices to send).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
// The store has a `Direction` (sent/received) too; the UI's bindings need distinct names.
#[specta(rename = "IntakeDirection")]
pub enum Direction {
    /// `purchaseInvoice/recognize`.
    Purchase,
    /// `salesInvoice/recognize` or `salesInvoice/send`.
    Sales,
}

impl Direction {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Purchase => "purchase",
            Direction::Sales => "sales",
        }
    }

    /// Parses the stored text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "purchase" => Some(Direction::Purchase),
            "sales" => Some(Direction::Sales),
            _ => None,
        }
    }

    /// The platform client's direction (part of a content-addressed document id).
    pub fn document_direction(self) -> econnect_api::DocumentDirection {
        match self {
            Direction::Purchase => econnect_api::DocumentDirection::Purchase,
            Direction::Sales => econnect_api::DocumentDirection::Sales,
        }
    }
}

/// What the bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    /// A PDF without embedded invoice XML.
    Pdf,
    /// A PDF with an embedded UBL or CII invoice (Factur-X / ZUGFeRD).
    HybridPdf,
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
    /// A BMP image.
    Bmp,
    /// UBL 2.1 Invoice XML.
    UblInvoice,
    /// UBL 2.1 CreditNote XML.
    UblCreditNote,
    /// UN/CEFACT CII XML.
    CiiInvoice,
    /// XML that is no invoice.
    OtherXml,
    /// Anything else (a ZIP, an Office file, text…).
    Other,
    /// Not looked at: empty, too small or too large, or not a regular file.
    Unknown,
}

/// Which platform call a file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    /// `purchaseInvoice/recognize` (also for structured purchase invoices: see [`route_for`]).
    PurchaseRecognize,
    /// `salesInvoice/recognize`: a PDF or image recognised into UBL and sent.
    SalesRecognize,
    /// `salesInvoice/send`: the structured invoice itself (a hybrid PDF's embedded XML).
    SalesSend,
}

impl Route {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::PurchaseRecognize => "purchaseRecognize",
            Route::SalesRecognize => "salesRecognize",
            Route::SalesSend => "salesSend",
        }
    }

    /// Parses the stored text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "purchaseRecognize" => Some(Route::PurchaseRecognize),
            "salesRecognize" => Some(Route::SalesRecognize),
            "salesSend" => Some(Route::SalesSend),
            _ => None,
        }
    }
}

/// The outcome of preflight for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    /// The file name (no folder).
    pub file_name: String,
    /// What the bytes say it is.
    pub kind: FileKind,
    /// Where it goes; `None` when refused.
    pub route: Option<Route>,
    /// "e-factuur, geen OCR nodig" or "scan & herken" (empty when refused).
    pub label: String,
    /// True for UBL/CII XML and hybrid PDFs.
    pub e_invoice: bool,
    /// The embedded invoice's file name in a hybrid PDF.
    pub embedded_xml: Option<String>,
    /// The MIME type to upload with.
    pub mime: String,
    /// Size in bytes.
    #[specta(type = f64)]
    pub size: u64,
    /// SHA-256 of the content, lower-case hex (empty when the file was not read).
    pub sha256: String,
    /// Rule and identifier warnings (the file is still sent).
    pub warnings: Vec<Warning>,
    /// Why it is not sent, when it is not.
    pub refusal: Option<Refusal>,
}

impl Preflight {
    pub(crate) fn refused(
        file_name: String,
        kind: FileKind,
        size: u64,
        sha256: String,
        refusal: Refusal,
    ) -> Self {
        Preflight {
            file_name,
            kind,
            route: None,
            label: String::new(),
            e_invoice: false,
            embedded_xml: None,
            mime: "application/octet-stream".into(),
            size,
            sha256,
            warnings: Vec::new(),
            refusal: Some(refusal),
        }
    }

    /// True when the file may be sent.
    pub fn is_accepted(&self) -> bool {
        self.refusal.is_none()
    }
}

/// Where a file of this kind goes for this direction.
///
/// Structured sales invoices go to `salesInvoice/send`, so they travel as the e-invoice
/// they are. Structured *purchase* invoices stay on `purchaseInvoice/recognize`: the
/// platform reads a hybrid PDF's embedded XML (and an XML file itself) before any OCR, and
/// there is no other intake call for a received invoice.
pub fn route_for(direction: Direction, e_invoice: bool) -> Route {
    match (direction, e_invoice) {
        (Direction::Purchase, _) => Route::PurchaseRecognize,
        (Direction::Sales, true) => Route::SalesSend,
        (Direction::Sales, false) => Route::SalesRecognize,
    }
}

/// Preflights the file at `path`. A link is refused, never followed: the bytes checked
/// (and hashed) are those of the file opened here, and the uploader sends only those.
pub fn preflight(path: &Path, direction: Direction) -> Preflight {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let refused = |size, refusal| {
        Preflight::refused(
            file_name.clone(),
            FileKind::Unknown,
            size,
            String::new(),
            refusal,
        )
    };
    // The entry itself first: a link, folder, FIFO or device is never opened.
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return refused(0, Refusal::of(RefusalCode::Link)),
        Ok(m) if !m.is_file() => return refused(0, Refusal::of(RefusalCode::NotAFile)),
        Ok(_) => {}
        Err(e) => return refused(0, Refusal::unreadable(&e)),
    }
    // One open, not through a link (should one have been put there meanwhile); everything
    // below reads this handle, never the path.
    let file = match econnect_api::local_file::open_no_follow(path) {
        Ok(file) => file,
        Err(e) if econnect_api::local_file::is_link_error(&e) => {
            return refused(0, Refusal::of(RefusalCode::Link));
        }
        Err(e) => return refused(0, Refusal::unreadable(&e)),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return refused(0, Refusal::unreadable(&e)),
    };
    if !meta.is_file() {
        return refused(0, Refusal::of(RefusalCode::NotAFile));
    }
    if let Some(refusal) = size_refusal(meta.len()) {
        return refused(meta.len(), refusal);
    }
    match read_regular(file) {
        Ok(bytes) => {
            let mut p = inspect(&bytes, direction);
            p.file_name = file_name;
            p
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            refused(meta.len(), Refusal::of(RefusalCode::NotAFile))
        }
        Err(e) => refused(meta.len(), Refusal::unreadable(&e)),
    }
}

/// The size rule: ≥ 1 KB and ≤ 10 MB.
fn size_refusal(size: u64) -> Option<Refusal> {
    match size {
        0 => Some(Refusal::of(RefusalCode::Empty)),
        s if s < MIN_BYTES => Some(Refusal::of(RefusalCode::TooSmall)),
        s if s > MAX_BYTES => Some(Refusal::of(RefusalCode::TooLarge)),
        _ => None,
    }
}

/// Reads at most `MAX_BYTES + 1` bytes; never blocks on a FIFO or device (opened
/// non-blocking, then checked to be a regular file before reading) and never reads
/// through a link.
pub fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    read_regular(econnect_api::local_file::open_no_follow(path)?)
}

/// Reads at most `MAX_BYTES + 1` bytes of an open file, when it is a regular one.
fn read_regular(file: File) -> std::io::Result<Vec<u8>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    // Sized up front (plus one byte, to see the end without another grow): growing from
    // empty copied each file about twice over.
    let expected = meta.len().min(MAX_BYTES + 1) + 1;
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Preflights bytes already in memory (the file name is left empty).
pub fn inspect(bytes: &[u8], direction: Direction) -> Preflight {
    let size = bytes.len() as u64;
    if let Some(refusal) = size_refusal(size) {
        return Preflight::refused(
            String::new(),
            FileKind::Unknown,
            size,
            String::new(),
            refusal,
        );
    }
    let sha256 = sha256_hex(bytes);
    let magic = sniff::sniff(&bytes[..bytes.len().min(1024)]);
    let mut warnings = Vec::new();
    let (kind, embedded_xml) = match magic {
        Magic::Pdf => {
            let facts = pdf::inspect(bytes);
            if facts.truncated {
                return Preflight::refused(
                    String::new(),
                    FileKind::Pdf,
                    size,
                    sha256,
                    Refusal::of(RefusalCode::PdfTruncated),
                );
            }
            if facts.protected {
                return Preflight::refused(
                    String::new(),
                    FileKind::Pdf,
                    size,
                    sha256,
                    Refusal::of(RefusalCode::PdfProtected),
                );
            }
            match facts.embedded {
                Some((name, syntax)) => {
                    if syntax != XmlInvoiceKind::CiiInvoice
                        && let Some((_, data)) = pdf::extract_embedded_invoice(bytes)
                        && let Ok(found) = xml::read(&data, nlcius::check)
                    {
                        warnings = found;
                    }
                    (FileKind::HybridPdf, Some(name))
                }
                None => (FileKind::Pdf, None),
            }
        }
        Magic::Jpeg => (FileKind::Jpeg, None),
        Magic::Png => (FileKind::Png, None),
        Magic::Bmp => (FileKind::Bmp, None),
        Magic::Xml => match inspect_xml(bytes) {
            Ok((kind, found)) => {
                warnings = found;
                (kind, None)
            }
            Err(refusal) => {
                let kind = if refusal.code == RefusalCode::XmlNotInvoice {
                    FileKind::OtherXml
                } else {
                    FileKind::Other
                };
                return Preflight::refused(String::new(), kind, size, sha256, refusal);
            }
        },
        Magic::Zip | Magic::Other => {
            return Preflight::refused(
                String::new(),
                FileKind::Other,
                size,
                sha256,
                Refusal::of(RefusalCode::UnsupportedType),
            );
        }
    };
    let e_invoice = matches!(
        kind,
        FileKind::HybridPdf | FileKind::UblInvoice | FileKind::UblCreditNote | FileKind::CiiInvoice
    );
    Preflight {
        file_name: String::new(),
        kind,
        route: Some(route_for(direction, e_invoice)),
        label: if e_invoice {
            LABEL_E_INVOICE
        } else {
            LABEL_SCAN
        }
        .to_string(),
        e_invoice,
        embedded_xml,
        mime: sniff::mime(magic).to_string(),
        size,
        sha256,
        warnings,
        refusal: None,
    }
}

/// An XML file's invoice kind and (for UBL) the NL rule warnings, in any encoding.
fn inspect_xml(bytes: &[u8]) -> Result<(FileKind, Vec<Warning>), Refusal> {
    let text = xml::decode(bytes)?;
    let (syntax, doc) = xml::classify_text(&text)?;
    Ok(match syntax {
        XmlInvoiceKind::UblInvoice => (FileKind::UblInvoice, nlcius::check(&doc)),
        XmlInvoiceKind::UblCreditNote => (FileKind::UblCreditNote, nlcius::check(&doc)),
        XmlInvoiceKind::CiiInvoice => (FileKind::CiiInvoice, Vec::new()),
    })
}
