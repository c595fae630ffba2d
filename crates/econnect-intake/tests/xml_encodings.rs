//! E-invoice XML in every encoding the XML standard allows (recognised by its byte-order
//! mark or declaration) takes the e-invoice path, with the verdict of its UTF-8 original.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_intake::preflight::{self, LABEL_E_INVOICE};
use econnect_intake::samples::utf16;
use econnect_intake::{Direction, FileKind, Preflight, RefusalCode, Route, samples};

/// A UBL invoice with text outside ASCII (so a wrong decoding would show).
fn invoice(number: &str, complete: bool, extra: &str) -> String {
    samples::ubl_invoice(number, complete).replacen(
        "<cbc:InvoiceTypeCode>",
        &format!("<cbc:Note>Café Straße Één {extra}</cbc:Note>\n  <cbc:InvoiceTypeCode>"),
        1,
    )
}

fn declared(xml: &str, encoding: &str) -> String {
    xml.replacen("encoding=\"UTF-8\"", &format!("encoding=\"{encoding}\""), 1)
}

/// The same invoice in each encoding, named.
fn encodings(number: &str, complete: bool) -> Vec<(&'static str, Vec<u8>)> {
    let plain = invoice(number, complete, "");
    let latin = declared(&plain, "ISO-8859-1");
    assert!(latin.chars().all(|c| (c as u32) < 0x100));
    let cp1252 = declared(&invoice(number, complete, "€ Œ"), "windows-1252");
    let (cp1252_bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&cp1252);
    assert!(!unmappable);
    let utf16_text = declared(&plain, "UTF-16");
    vec![
        ("UTF-8", plain.clone().into_bytes()),
        (
            "UTF-8 with BOM",
            [b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat(),
        ),
        ("UTF-16 LE with BOM", utf16(&utf16_text, true, true)),
        ("UTF-16 BE with BOM", utf16(&utf16_text, false, true)),
        ("UTF-16 LE without BOM", utf16(&utf16_text, true, false)),
        ("UTF-16 BE without BOM", utf16(&utf16_text, false, false)),
        (
            "ISO-8859-1",
            latin.chars().map(|c| c as u32 as u8).collect(),
        ),
        ("windows-1252", cp1252_bytes.into_owned()),
    ]
}

/// What must not depend on the encoding.
fn verdict(p: &Preflight) -> (FileKind, Option<Route>, bool, String, Vec<String>, bool) {
    let mut rules: Vec<String> = p.warnings.iter().map(|w| w.rule.clone()).collect();
    rules.sort();
    (
        p.kind,
        p.route,
        p.e_invoice,
        p.label.clone(),
        rules,
        p.refusal.is_none(),
    )
}

#[test]
fn ubl_invoices_in_every_xml_encoding_reach_the_verdict_of_their_utf8_original() {
    let dir = tempfile::tempdir().unwrap();
    for complete in [true, false] {
        let variants = encodings("F-2026-7", complete);
        let mut original = None;
        for (name, bytes) in variants {
            let path = dir.path().join(format!("{name}-{complete}.xml"));
            std::fs::write(&path, &bytes).unwrap();
            let p = preflight::preflight(&path, Direction::Sales);
            assert_eq!(p.refusal, None, "{name}: {:?}", p.refusal);
            assert_eq!(
                (p.kind, p.route, p.label.as_str(), p.mime.as_str()),
                (
                    FileKind::UblInvoice,
                    Some(Route::SalesSend),
                    LABEL_E_INVOICE,
                    "application/xml"
                ),
                "{name}"
            );
            let original = original.get_or_insert_with(|| verdict(&p));
            assert_eq!(&verdict(&p), original, "{name} (complete: {complete})");
        }
        // The incomplete invoice's warnings come through every encoding too.
        assert_eq!(original.as_ref().unwrap().4.is_empty(), complete);
    }
}

#[test]
fn an_unknown_or_unsupported_declared_encoding_is_refused_with_its_own_dutch_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "onbekend.xml",
            declared(&invoice("F-1", true, ""), "x-klingon-8").into_bytes(),
            "x-klingon-8",
        ),
        (
            "utf32.xml",
            // UTF-32 big-endian with its mark: XML allows it, we cannot read it.
            [0u8, 0, 0xFE, 0xFF]
                .into_iter()
                .chain(
                    invoice("F-1", true, "")
                        .chars()
                        .flat_map(|c| (c as u32).to_be_bytes()),
                )
                .collect(),
            "UTF-32",
        ),
    ];
    for (name, bytes, encoding) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let p = preflight::preflight(&path, Direction::Purchase);
        let refusal = p.refusal.expect(name);
        assert_eq!(refusal.code, RefusalCode::XmlInvalid, "{name}");
        assert!(
            refusal.message.contains("tekencodering") && refusal.message.contains(encoding),
            "{name}: {}",
            refusal.message
        );
    }
}

#[test]
fn a_cii_invoice_in_utf16_is_an_e_invoice_too() {
    let dir = tempfile::tempdir().unwrap();
    let cii = dir.path().join("cii.xml");
    std::fs::write(&cii, utf16(&samples::cii_invoice("C-9"), true, true)).unwrap();
    let p = preflight::preflight(&cii, Direction::Sales);
    assert_eq!(
        (p.kind, p.route, p.refusal),
        (FileKind::CiiInvoice, Some(Route::SalesSend), None)
    );
}
