//! Safe XML reading: no DTD, no entities (so nothing external is ever fetched and no
//! entity can expand), bounded size, nodes and depth; then UBL / CII classification.

use std::borrow::Cow;

use roxmltree::{Document, Node, ParsingOptions};

use super::encoding;

use crate::refusal::{Refusal, RefusalCode};

/// Deepest element nesting accepted (real invoices stay well under 20).
pub const MAX_DEPTH: usize = 64;
/// Largest XML accepted (the platform's file limit).
pub const MAX_XML_BYTES: usize = 10 * 1024 * 1024;
/// Largest decoded text parsed: a 10 MB file in a one-byte encoding (windows-1252) may
/// grow to three times that in UTF-8 (`€` is one byte there, three here).
const MAX_TEXT_BYTES: usize = 3 * MAX_XML_BYTES;
/// Most nodes parsed: bounds memory on hostile input far below what 10 MB could build.
const MAX_NODES: u32 = 1_000_000;

/// UBL 2.1 Invoice namespace.
pub const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
/// UBL 2.1 CreditNote namespace.
pub const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
/// UN/CEFACT Cross Industry Invoice namespace (Factur-X, ZUGFeRD 2, XRechnung CII).
pub const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

/// Which structured invoice an XML document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum XmlInvoiceKind {
    /// UBL 2.1 `Invoice`.
    UblInvoice,
    /// UBL 2.1 `CreditNote`.
    UblCreditNote,
    /// UN/CEFACT `CrossIndustryInvoice`.
    CiiInvoice,
}

/// Decodes an XML file's bytes to text, in whatever encoding its byte-order mark or
/// declaration names; refuses an oversized file and unknown or invalid encodings.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Refusal> {
    if bytes.len() > MAX_XML_BYTES {
        return Err(Refusal::of(RefusalCode::TooLarge));
    }
    encoding::decode(bytes)
}

/// Decodes and parses `bytes` safely, then hands the document to `f` (it borrows the
/// decoded text, which lives only for this call).
pub fn read<T>(bytes: &[u8], f: impl FnOnce(&Document<'_>) -> T) -> Result<T, Refusal> {
    let text = decode(bytes)?;
    let doc = parse(&text)?;
    Ok(f(&doc))
}

/// Parses decoded text safely; refuses DTDs, entities, excessive size or depth.
pub fn parse(text: &str) -> Result<Document<'_>, Refusal> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(Refusal::of(RefusalCode::TooLarge));
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected
        | roxmltree::Error::EntityReferenceLoop(_)
        | roxmltree::Error::UnknownEntityReference(..) => Refusal::of(RefusalCode::XmlUnsafe),
        other => Refusal::new(
            RefusalCode::XmlInvalid,
            format!("De XML is ongeldig: {other}"),
            format!("The XML is not well-formed: {other}"),
        ),
    })?;
    if depth(doc.root()) > MAX_DEPTH {
        return Err(Refusal::of(RefusalCode::XmlInvalid));
    }
    Ok(doc)
}

/// The deepest element nesting, computed without recursion.
fn depth(root: Node<'_, '_>) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0usize)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        if d > MAX_DEPTH {
            break;
        }
        stack.extend(node.children().filter(Node::is_element).map(|c| (c, d + 1)));
    }
    deepest
}

/// The invoice kind of a parsed document by its root element and namespace.
pub fn classify(doc: &Document<'_>) -> Option<XmlInvoiceKind> {
    let root = doc.root_element();
    let name = root.tag_name();
    match (name.namespace(), name.name()) {
        (Some(UBL_INVOICE_NS), "Invoice") => Some(XmlInvoiceKind::UblInvoice),
        (Some(UBL_CREDIT_NOTE_NS), "CreditNote") => Some(XmlInvoiceKind::UblCreditNote),
        (Some(CII_NS), "CrossIndustryInvoice") => Some(XmlInvoiceKind::CiiInvoice),
        _ => None,
    }
}

/// The invoice kind of decoded text; well-formed XML that is no invoice is refused.
pub fn classify_text(text: &str) -> Result<(XmlInvoiceKind, Document<'_>), Refusal> {
    let doc = parse(text)?;
    match classify(&doc) {
        Some(kind) => Ok((kind, doc)),
        None => Err(Refusal::of(RefusalCode::XmlNotInvoice)),
    }
}

/// Decodes, parses and classifies in one go; well-formed XML that is no invoice is refused.
pub fn classify_bytes(bytes: &[u8]) -> Result<XmlInvoiceKind, Refusal> {
    let text = decode(bytes)?;
    classify_text(&text).map(|(kind, _)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_external_entities_and_billion_laughs() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>"#;
        assert_eq!(
            parse(xxe).err().map(|r| r.code),
            Some(RefusalCode::XmlUnsafe)
        );
        let mut lol = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for i in 1..10 {
            let prev = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            lol.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&{prev};").repeat(10)
            ));
        }
        lol.push_str("]><lolz>&lol9;</lolz>");
        assert_eq!(
            parse(&lol).err().map(|r| r.code),
            Some(RefusalCode::XmlUnsafe)
        );
        let undeclared = "<Invoice>&unknown;</Invoice>";
        assert!(parse(undeclared).is_err());
    }

    #[test]
    fn bounds_depth() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(
            parse(&deep).err().map(|r| r.code),
            Some(RefusalCode::XmlInvalid)
        );
        let ok = "<a>".repeat(60) + &"</a>".repeat(60);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn classifies_roots() {
        let ubl = format!("<Invoice xmlns=\"{UBL_INVOICE_NS}\"/>");
        assert_eq!(
            classify(&parse(&ubl).unwrap()),
            Some(XmlInvoiceKind::UblInvoice)
        );
        let cn = format!("<x:CreditNote xmlns:x=\"{UBL_CREDIT_NOTE_NS}\"/>");
        assert_eq!(
            classify(&parse(&cn).unwrap()),
            Some(XmlInvoiceKind::UblCreditNote)
        );
        let cii = format!("<rsm:CrossIndustryInvoice xmlns:rsm=\"{CII_NS}\"/>");
        assert_eq!(
            classify(&parse(&cii).unwrap()),
            Some(XmlInvoiceKind::CiiInvoice)
        );
        assert_eq!(classify(&parse("<Invoice/>").unwrap()), None);
        assert_eq!(
            classify_bytes(b"<Order/>").err().map(|r| r.code),
            Some(RefusalCode::XmlNotInvoice)
        );
        assert_eq!(
            parse("<a>").err().map(|r| r.code),
            Some(RefusalCode::XmlInvalid)
        );
    }
}
