//! PDF checks with lopdf: protection (the trailer's `/Encrypt`, signatures), truncation,
//! and embedded structured invoices (Factur-X / ZUGFeRD / UBL) via the `EmbeddedFiles`
//! name tree (including `/Kids`) and the catalog's `/AF` array.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use super::sniff::memfind;
use super::xml::{self, XmlInvoiceKind};

/// Most bytes any stream may decompress to (a hostile PDF cannot balloon memory).
const MAX_DECOMPRESSED: usize = 32 * 1024 * 1024;
/// Deepest name tree followed; deeper trees are broken or hostile.
const MAX_TREE_DEPTH: usize = 32;
/// Readers look for `%%EOF` within the last 1024 bytes.
const EOF_WINDOW: usize = 1024;

/// What the PDF checks found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PdfFacts {
    /// Encrypted or signed: the platform rejects it as "Document protected".
    pub protected: bool,
    /// No `%%EOF` near the end: the file was cut off.
    pub truncated: bool,
    /// The embedded structured invoice, when there is one: its file name and kind.
    pub embedded: Option<(String, XmlInvoiceKind)>,
}

/// Inspects a PDF's bytes. Never panics, whatever the bytes.
pub fn inspect(bytes: &[u8]) -> PdfFacts {
    let tail = &bytes[bytes.len().saturating_sub(EOF_WINDOW)..];
    let truncated = memfind(tail, b"%%EOF").is_none();
    match load(bytes) {
        Ok(doc) => PdfFacts {
            // The byte scan also catches an `/Encrypt` whose dictionary lopdf could not
            // resolve (it then loads the file as if it were plain).
            protected: doc.is_encrypted() || doc.was_encrypted() || scan_protected(bytes),
            truncated,
            embedded: find_embedded_invoice(&doc).map(|(name, kind, _)| (name, kind)),
        },
        // lopdf could not read it (damaged, or encrypted with a user password): fall back
        // to a byte scan, so a protected PDF still gets the platform's own reason.
        Err(_) => PdfFacts {
            protected: scan_protected(bytes),
            truncated,
            embedded: None,
        },
    }
}

/// The embedded structured invoice's file name and bytes, for sending it on its own.
pub fn extract_embedded_invoice(bytes: &[u8]) -> Option<(String, Vec<u8>)> {
    let doc = load(bytes).ok()?;
    find_embedded_invoice(&doc).map(|(name, _, data)| (name, data))
}

/// Loads with lopdf, its work bounded up front where it can be: the file is at most 10 MB
/// (checked before it is read), each stream decompresses to at most 32 MB, and lopdf
/// limits nesting itself. Its running time cannot be bounded from here (no hook inside
/// the parser), so the intake runs every check under a deadline instead (`checks.rs`).
fn load(bytes: &[u8]) -> lopdf::Result<Document> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..LoadOptions::default()
    };
    Document::load_mem_with_options(bytes, options)
}

/// Byte-level protection check for PDFs lopdf cannot parse.
fn scan_protected(bytes: &[u8]) -> bool {
    memfind(bytes, b"/Encrypt").is_some() || is_signed(bytes)
}

/// A digital signature: a signature dictionary with a `/ByteRange`.
fn is_signed(bytes: &[u8]) -> bool {
    memfind(bytes, b"/ByteRange").is_some()
        && (memfind(bytes, b"/Type /Sig").is_some() || memfind(bytes, b"/Type/Sig").is_some())
}

/// Follows a reference (at most a few hops) to the object it names.
fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

fn dict<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, obj)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Every file specification in the catalog's EmbeddedFiles name tree and `/AF` array.
fn file_specs(doc: &Document) -> Vec<&Dictionary> {
    let mut specs = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return specs;
    };
    if let Some(tree) = catalog
        .get(b"Names")
        .ok()
        .and_then(|n| dict(doc, n))
        .and_then(|names| names.get(b"EmbeddedFiles").ok())
        .and_then(|ef| dict(doc, ef))
    {
        let mut seen = HashSet::new();
        walk_name_tree(doc, tree, 0, &mut seen, &mut specs);
    }
    if let Some(Object::Array(af)) = catalog.get(b"AF").ok().and_then(|a| resolve(doc, a)) {
        specs.extend(af.iter().filter_map(|s| dict(doc, s)));
    }
    specs
}

/// Collects the values of a name tree: leaves have `/Names [key value …]`, inner nodes `/Kids`.
fn walk_name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<&'a Dictionary>,
) {
    if depth > MAX_TREE_DEPTH {
        return;
    }
    if let Some(Object::Array(names)) = node.get(b"Names").ok().and_then(|n| resolve(doc, n)) {
        out.extend(
            names
                .chunks(2)
                .filter_map(|pair| pair.get(1))
                .filter_map(|v| dict(doc, v)),
        );
    }
    if let Some(Object::Array(kids)) = node.get(b"Kids").ok().and_then(|k| resolve(doc, k)) {
        for kid in kids {
            if let Object::Reference(id) = kid
                && !seen.insert(*id)
            {
                continue; // a cycle
            }
            if let Some(child) = dict(doc, kid) {
                walk_name_tree(doc, child, depth + 1, seen, out);
            }
        }
    }
}

/// The first embedded file that is a UBL or CII invoice: name, kind and bytes.
fn find_embedded_invoice(doc: &Document) -> Option<(String, XmlInvoiceKind, Vec<u8>)> {
    for spec in file_specs(doc) {
        let name = ["UF", "F"]
            .iter()
            .find_map(|k| spec.get(k.as_bytes()).ok().and_then(|o| resolve(doc, o)))
            .and_then(|o| o.as_str().ok())
            .map(|raw| {
                lopdf::decode_text_string(&Object::string_literal(raw.to_vec()))
                    .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
            })
            .unwrap_or_default();
        let Some(stream_obj) = spec
            .get(b"EF")
            .ok()
            .and_then(|ef| dict(doc, ef))
            .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")).ok())
            .and_then(|f| resolve(doc, f))
        else {
            continue;
        };
        let Object::Stream(stream) = stream_obj else {
            continue;
        };
        let data = if stream.dict.get(b"Filter").is_ok() {
            match stream.decompressed_content_with_limit(MAX_DECOMPRESSED) {
                Ok(d) => d,
                Err(_) => continue,
            }
        } else {
            stream.content.clone()
        };
        if let Ok(kind) = xml::classify_bytes(&data) {
            return Some((name, kind, data));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples;

    #[test]
    fn plain_pdf_has_nothing_special() {
        let facts = inspect(&samples::pdf(4000, "factuur"));
        assert_eq!(facts, PdfFacts::default());
    }

    #[test]
    fn encrypted_pdf_is_protected() {
        assert!(inspect(&samples::encrypted_pdf()).protected);
    }

    #[test]
    fn truncated_pdf_is_noticed() {
        let full = samples::pdf(4000, "factuur");
        let facts = inspect(&full[..full.len() - 200]);
        assert!(facts.truncated);
    }

    #[test]
    fn factur_x_is_found_through_kids_and_af() {
        let with_kids = samples::factur_x_pdf(true, false);
        let facts = inspect(&with_kids);
        assert_eq!(
            facts.embedded.as_ref().map(|e| e.1),
            Some(XmlInvoiceKind::CiiInvoice),
            "{facts:?}"
        );
        assert_eq!(
            facts.embedded.map(|e| e.0),
            Some("factur-x.xml".to_string())
        );
        let via_af = samples::factur_x_pdf(false, true);
        assert!(inspect(&via_af).embedded.is_some());
        let (name, xml) = extract_embedded_invoice(&with_kids).unwrap();
        assert_eq!(name, "factur-x.xml");
        assert!(xml.starts_with(b"<?xml"));
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [&b"%PDF-1.7"[..], b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF", b""] {
            let _ = inspect(bytes);
        }
        assert!(inspect(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF").protected);
    }
}
