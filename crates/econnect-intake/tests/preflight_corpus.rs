//! Preflight on a corpus generated here: every kind of file the intake meets.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use econnect_intake::preflight::{self, LABEL_E_INVOICE, LABEL_SCAN};
use econnect_intake::{Direction, FileKind, RefusalCode, Route, samples};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn code(p: &econnect_intake::Preflight) -> Option<RefusalCode> {
    p.refusal.as_ref().map(|r| r.code)
}

#[test]
fn the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let purchase = Direction::Purchase;

    let pdf = preflight::preflight(
        &write(d, "factuur.pdf", &samples::pdf(20_000, "F-1")),
        purchase,
    );
    assert_eq!(
        (pdf.kind, pdf.route, code(&pdf)),
        (FileKind::Pdf, Some(Route::PurchaseRecognize), None)
    );
    assert_eq!(pdf.label, LABEL_SCAN);
    assert_eq!(pdf.sha256.len(), 64);
    assert_eq!(pdf.mime, "application/pdf");

    // The extension lies; the bytes decide.
    let jpg = preflight::preflight(&write(d, "scan.pdf", &samples::jpeg(5000)), purchase);
    assert_eq!(
        (jpg.kind, jpg.mime.as_str()),
        (FileKind::Jpeg, "image/jpeg")
    );
    assert_eq!(
        preflight::preflight(&write(d, "a.png", &samples::png(5000)), purchase).kind,
        FileKind::Png
    );
    assert_eq!(
        preflight::preflight(&write(d, "a.bmp", &samples::bmp(5000)), purchase).kind,
        FileKind::Bmp
    );

    let ubl = write(
        d,
        "factuur.xml",
        samples::ubl_invoice("F-2", true).as_bytes(),
    );
    let p = preflight::preflight(&ubl, purchase);
    assert_eq!(
        (p.kind, p.route, p.e_invoice, p.label.as_str()),
        (
            FileKind::UblInvoice,
            Some(Route::PurchaseRecognize),
            true,
            LABEL_E_INVOICE
        )
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let s = preflight::preflight(&ubl, Direction::Sales);
    assert_eq!(s.route, Some(Route::SalesSend));
    let bare = preflight::preflight(
        &write(d, "kaal.xml", samples::ubl_invoice("F-3", false).as_bytes()),
        Direction::Sales,
    );
    assert!(bare.refusal.is_none());
    assert!(
        bare.warnings.iter().any(|w| w.rule == "BR-NL-1"),
        "{:?}",
        bare.warnings
    );

    let cii = preflight::preflight(
        &write(d, "cii.xml", samples::cii_invoice("C-1").as_bytes()),
        Direction::Sales,
    );
    assert_eq!(
        (cii.kind, cii.route, code(&cii)),
        (FileKind::CiiInvoice, Some(Route::SalesSend), None)
    );

    let fx = preflight::preflight(
        &write(d, "hybride.pdf", &samples::factur_x_pdf(true, false)),
        Direction::Sales,
    );
    assert_eq!(
        (fx.kind, fx.route, fx.e_invoice),
        (FileKind::HybridPdf, Some(Route::SalesSend), true)
    );
    assert_eq!(fx.embedded_xml.as_deref(), Some("factur-x.xml"));
    let fx_p = preflight::preflight(
        &write(d, "hybride2.pdf", &samples::factur_x_pdf(true, false)),
        purchase,
    );
    assert_eq!(
        (fx_p.route, fx_p.label.as_str()),
        (Some(Route::PurchaseRecognize), LABEL_E_INVOICE)
    );

    let enc = preflight::preflight(
        &write(d, "beveiligd.pdf", &samples::encrypted_pdf()),
        purchase,
    );
    assert_eq!(code(&enc), Some(RefusalCode::PdfProtected));
    assert!(
        enc.refusal
            .as_ref()
            .unwrap()
            .message
            .starts_with("Document beveiligd")
    );

    assert_eq!(
        code(&preflight::preflight(&write(d, "leeg.pdf", b""), purchase)),
        Some(RefusalCode::Empty)
    );
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "klein.pdf", &samples::pdf(500, "x")[..500]),
            purchase
        )),
        Some(RefusalCode::TooSmall)
    );
    let big = vec![b'%'; 11 * 1024 * 1024];
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "groot.pdf", &big),
            purchase
        )),
        Some(RefusalCode::TooLarge)
    );
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "zip.pdf", &samples::zip(5000)),
            purchase
        )),
        Some(RefusalCode::UnsupportedType)
    );

    let full = samples::pdf(20_000, "afgebroken");
    let cut = preflight::preflight(
        &write(d, "afgebroken.pdf", &full[..full.len() / 2]),
        purchase,
    );
    assert_eq!(code(&cut), Some(RefusalCode::PdfTruncated));

    let mut xxe = String::from(
        "<?xml version=\"1.0\"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&x;</Invoice>",
    );
    xxe.push_str(&" ".repeat(1200));
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "xxe.xml", xxe.as_bytes()),
            purchase
        )),
        Some(RefusalCode::XmlUnsafe)
    );
    let mut lol = String::from("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "a".to_string()
        } else {
            format!("a{}", i - 1)
        };
        lol.push_str(&format!(
            "<!ENTITY a{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    lol.push_str("]><Invoice>&a9;</Invoice>");
    lol.push_str(&" ".repeat(1200));
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "lol.xml", lol.as_bytes()),
            purchase
        )),
        Some(RefusalCode::XmlUnsafe)
    );

    let other_xml = format!("<Order>{}</Order>", "x".repeat(2000));
    assert_eq!(
        code(&preflight::preflight(
            &write(d, "order.xml", other_xml.as_bytes()),
            purchase
        )),
        Some(RefusalCode::XmlNotInvoice)
    );

    // Names with spaces, unicode and 200 characters.
    for name in [
        "factuur met spaties.pdf",
        "Ünïcødé 請求書 €.pdf",
        &format!("{}.pdf", "l".repeat(196)),
    ] {
        let p = preflight::preflight(&write(d, name, &samples::pdf(3000, name)), purchase);
        assert_eq!((p.file_name.as_str(), code(&p)), (name, None));
    }

    // Not a regular file.
    std::fs::create_dir(d.join("map.pdf")).unwrap();
    assert_eq!(
        code(&preflight::preflight(&d.join("map.pdf"), purchase)),
        Some(RefusalCode::NotAFile)
    );
    assert_eq!(
        code(&preflight::preflight(&d.join("bestaat-niet.pdf"), purchase)),
        Some(RefusalCode::Unreadable)
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_never_blocks_preflight() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pijp.pdf");
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let p = preflight::preflight(&fifo, Direction::Purchase);
    assert_eq!(code(&p), Some(RefusalCode::NotAFile));
    // Even when asked to read it directly, the non-blocking open returns at once.
    assert!(preflight::read_bounded(&fifo).is_err());
}
