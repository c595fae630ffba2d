//! Streaming intake of the multipart part `file`: size, type by magic bytes, markers.
//!
//! Nothing of the file is kept: the sandbox must stand benchmarks of many uploads in the
//! same process as the client, so it looks at each chunk once and forgets it.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use http_body_util::BodyExt;
use memchr::memmem;

use crate::error::ApiError;
use crate::recorder::{self, RecordSeq};
use crate::state::AppState;

/// The platform's per-file limit.
pub const MAX_FILE: u64 = 10 * 1024 * 1024;
/// Files under this are ignored by the platform; the sandbox says so with a 400.
pub const MIN_FILE: u64 = 1024;
/// Beyond this much body we stop reading and answer (the connection may then close).
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;
/// Longest marker minus one: bytes kept between chunks so markers split across chunks match.
const OVERLAP: usize = 31;

/// What the magic bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `%PDF-`.
    Pdf,
    /// `FF D8 FF`.
    Jpeg,
    /// PNG signature.
    Png,
    /// `BM`.
    Bmp,
    /// Starts with `<` (after an optional BOM and whitespace).
    Xml,
    /// Anything else.
    Other,
}

/// What was learned about an uploaded file while streaming it.
#[derive(Debug, Default)]
pub struct Scan {
    /// Total bytes (counted past the limit, up to the drain limit).
    pub size: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
    /// `/Encrypt` seen (protected PDF).
    pub encrypted: bool,
    /// `NOT-AN-INVOICE` seen: the sandbox's rule for "not an invoice".
    pub not_invoice: bool,
    /// `MULTIPLE-INVOICES` seen: several invoices in one file.
    pub multiple: bool,
    /// `Invoice` or `CreditNote` seen (UBL/CII root names), for XML files.
    pub invoice_word: bool,
}

const MARKERS: [&[u8]; 5] = [
    b"/Encrypt",
    b"NOT-AN-INVOICE",
    b"MULTIPLE-INVOICES",
    b"Invoice",
    b"CreditNote",
];

impl Scan {
    fn feed(&mut self, chunk: &[u8]) {
        self.size = self.size.saturating_add(chunk.len() as u64);
        if self.size > MAX_FILE {
            return; // refused anyway; only count
        }
        if self.head.len() < 64 {
            let take = (64 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        let mut joint = std::mem::take(&mut self.tail);
        joint.extend_from_slice(&chunk[..chunk.len().min(OVERLAP)]);
        self.mark(&joint);
        self.mark(chunk);
        // Keep the last OVERLAP bytes of everything seen so far.
        if chunk.len() >= OVERLAP {
            self.tail = chunk[chunk.len() - OVERLAP..].to_vec();
        } else {
            let keep_from = joint.len().saturating_sub(OVERLAP);
            self.tail = joint.split_off(keep_from);
        }
    }

    fn mark(&mut self, hay: &[u8]) {
        for (i, m) in MARKERS.iter().enumerate() {
            let flag = match i {
                0 => &mut self.encrypted,
                1 => &mut self.not_invoice,
                2 => &mut self.multiple,
                _ => &mut self.invoice_word,
            };
            if !*flag && memmem::find(hay, m).is_some() {
                *flag = true;
            }
        }
    }

    /// The file type by magic bytes.
    pub fn kind(&self) -> FileKind {
        let h = self.head.as_slice();
        if h.starts_with(b"%PDF-") {
            FileKind::Pdf
        } else if h.starts_with(&[0xFF, 0xD8, 0xFF]) {
            FileKind::Jpeg
        } else if h.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            FileKind::Png
        } else if h.starts_with(b"BM") {
            FileKind::Bmp
        } else {
            let h = h.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(h);
            match h.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'<') => FileKind::Xml,
                _ => FileKind::Other,
            }
        }
    }
}

/// Reads the whole body (discarding it, up to a limit) so an early answer reaches the client.
pub async fn drain(body: Body) {
    let mut body = body;
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => {
                if let Some(d) = f.data_ref() {
                    seen = seen.saturating_add(d.len() as u64);
                }
                if seen > DRAIN_LIMIT {
                    break;
                }
            }
            Err(_) => break,
        }
    }
}

/// Reads a multipart body, scanning the part named `file` and recording every part's name.
pub async fn read_file_part(st: &Arc<AppState>, req: Request) -> Result<Scan, ApiError> {
    let seq = req.extensions().get::<RecordSeq>().copied();
    let mut mp = Multipart::from_request(req, &()).await.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "API415",
            format!("Expected a multipart/form-data body with a part named 'file': {e}"),
        )
    })?;
    let mut names = Vec::new();
    let mut scan: Option<Scan> = None;
    let mut total: u64 = 0;
    let result = loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break Ok(()),
            Err(e) => {
                break Err(ApiError::bad_request(format!(
                    "Malformed multipart body: {e}"
                )));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        names.push(name.clone());
        let mut field = field;
        let mut this = (name == "file" && scan.is_none()).then(Scan::default);
        let mut failed = None;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total = total.saturating_add(chunk.len() as u64);
                    if let Some(s) = this.as_mut() {
                        s.feed(&chunk);
                    }
                    if total > DRAIN_LIMIT {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    failed = Some(ApiError::bad_request(format!(
                        "Upload interrupted or malformed: {e}"
                    )));
                    break;
                }
            }
        }
        if let Some(s) = this {
            scan = Some(s);
        }
        if let Some(e) = failed {
            break Err(e);
        }
        if total > DRAIN_LIMIT {
            break Ok(());
        }
    };
    if let Some(seq) = seq {
        recorder::set_parts(st, seq, names);
    }
    result?;
    scan.ok_or_else(|| ApiError::bad_request("The multipart body has no part named 'file'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_split_across_chunks_are_found() {
        let mut s = Scan::default();
        s.feed(b"%PDF-1.7 lots of text /Enc");
        s.feed(b"rypt 5 0 R NOT-AN-");
        s.feed(b"INVOICE");
        assert!(s.encrypted);
        assert!(s.not_invoice);
        assert!(!s.multiple);
        assert_eq!(s.kind(), FileKind::Pdf);
        assert_eq!(s.size, 51);
    }

    #[test]
    fn kinds_by_magic() {
        let kind = |b: &[u8]| {
            let mut s = Scan::default();
            s.feed(b);
            s.kind()
        };
        assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE0]), FileKind::Jpeg);
        assert_eq!(kind(b"\xEF\xBB\xBF  <?xml version"), FileKind::Xml);
        assert_eq!(kind(b"BM...."), FileKind::Bmp);
        assert_eq!(kind(b"PK\x03\x04"), FileKind::Other);
    }
}
