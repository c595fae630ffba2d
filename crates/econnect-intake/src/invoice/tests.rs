use super::*;

const INVOICE: &str = include_str!("fixtures/bis3-invoice.xml");
const CREDIT_NOTE: &str = include_str!("fixtures/bis3-credit-note.xml");

#[test]
fn a_peppol_invoice_shows_parties_lines_vat_totals_and_payment() {
    let v = view(INVOICE.as_bytes()).unwrap();
    assert_eq!(v.kind, InvoiceKind::Invoice);
    assert_eq!(v.number.as_deref(), Some("2026-0412"));
    assert_eq!(v.issue_date.as_deref(), Some("2026-11-03"));
    assert_eq!(v.due_date.as_deref(), Some("2026-12-03"));
    assert_eq!(v.currency.as_deref(), Some("EUR"));
    assert_eq!(v.buyer_reference.as_deref(), Some("PO-88231"));

    let supplier = v.supplier.as_ref().unwrap();
    assert_eq!(supplier.name.as_deref(), Some("Drukkerij Van Dam"));
    assert_eq!(
        supplier.legal_name.as_deref(),
        Some("Drukkerij Van Dam B.V.")
    );
    assert_eq!(supplier.kvk.as_deref(), Some("30187412"));
    assert_eq!(supplier.vat_id.as_deref(), Some("NL812345678B01"));
    assert_eq!(supplier.street.as_deref(), Some("Oudegracht 112"));
    assert_eq!(supplier.postal_zone.as_deref(), Some("3511 AX"));
    assert_eq!(supplier.city.as_deref(), Some("Utrecht"));
    assert_eq!(supplier.endpoint.as_deref(), Some("0106:30187412"));
    let customer = v.customer.as_ref().unwrap();
    assert_eq!(customer.name.as_deref(), Some("Gemeente Voorbeeld"));
    assert_eq!(customer.legal_name, None, "same as the trading name");
    assert_eq!(customer.kvk, None, "an OIN is no KvK number");
    assert_eq!(
        customer.legal_id.as_deref(),
        Some("0190:00000001003214345000")
    );

    assert_eq!(v.lines.len(), 3);
    let first = &v.lines[0];
    assert_eq!(first.description.as_deref(), Some("Folders A4"));
    assert_eq!(
        first.detail.as_deref(),
        Some("Full colour, 135 grams, gevouwen")
    );
    assert_eq!(
        (first.quantity.as_deref(), first.unit.as_deref()),
        (Some("2500"), Some("C62"))
    );
    assert_eq!(first.unit_price.as_deref(), Some("0.40"));
    assert_eq!(first.vat_percent.as_deref(), Some("21"));
    assert_eq!(first.amount.as_deref(), Some("1000.00"));
    assert_eq!(v.lines[1].unit.as_deref(), Some("HUR"));
    assert_eq!(
        v.lines[2].description.as_deref(),
        Some("Boekje \"Stadswandeling\"")
    );

    let rates: Vec<_> = v
        .vat
        .iter()
        .map(|r| (r.percent.as_deref(), r.taxable.as_deref(), r.tax.as_deref()))
        .collect();
    assert_eq!(
        rates,
        [
            (Some("21"), Some("1250.00"), Some("262.50")),
            (Some("9"), Some("238.33"), Some("21.45"))
        ]
    );
    assert_eq!(v.totals.without_vat.as_deref(), Some("1488.33"));
    assert_eq!(v.totals.vat.as_deref(), Some("283.95"));
    assert_eq!(v.totals.with_vat.as_deref(), Some("1772.28"));
    assert_eq!(v.totals.prepaid.as_deref(), Some("500.00"));
    assert_eq!(v.totals.payable.as_deref(), Some("1272.28"));

    let pay = v.payment.as_ref().unwrap();
    assert_eq!(
        pay.iban.as_deref(),
        Some("NL91ABNA0417164300"),
        "spaces removed"
    );
    assert_eq!(pay.bic.as_deref(), Some("ABNANL2A"));
    assert_eq!(pay.reference.as_deref(), Some("2026-0412 / PO-88231"));
    assert_eq!(
        pay.terms.as_deref(),
        Some("Betaling binnen 30 dagen na factuurdatum.")
    );
    assert_eq!(pay.means_code.as_deref(), Some("30"));
    assert_eq!(
        v.notes,
        [
            "Levering volgens offerte O-2026-118.",
            "Vragen? Bel 030 123 45 67."
        ]
    );
}

#[test]
fn attachments_are_listed_and_the_embedded_pdf_is_found_and_decoded() {
    let v = view(INVOICE.as_bytes()).unwrap();
    assert_eq!(v.attachments.len(), 2);
    let pdf = &v.attachments[0];
    assert!(pdf.is_pdf);
    assert_eq!(pdf.file_name.as_deref(), Some("Factuur 2026-0412.pdf"));
    assert_eq!(pdf.mime.as_deref(), Some("application/pdf"));
    let EmbeddedFile { name, bytes } = first_pdf(INVOICE.as_bytes()).unwrap().unwrap();
    assert_eq!(name.as_deref(), Some("Factuur 2026-0412.pdf"));
    assert!(bytes.starts_with(b"%PDF-1.4"));
    assert_eq!(
        pdf.size,
        Some(bytes.len() as u64),
        "size from the base64 length"
    );
    let link = &v.attachments[1];
    assert!(!link.is_pdf);
    assert_eq!(link.size, None);
    assert_eq!(
        link.uri.as_deref(),
        Some("https://drukkerij-vandam.example/urenstaat/0412")
    );
    assert_eq!(
        attachment_bytes(INVOICE.as_bytes(), 1).unwrap(),
        None,
        "a link has no bytes"
    );
    assert_eq!(attachment_bytes(INVOICE.as_bytes(), 7).unwrap(), None);
    assert_eq!(
        attachment_bytes(INVOICE.as_bytes(), 0)
            .unwrap()
            .map(|f| f.bytes),
        Some(bytes)
    );
}

#[test]
fn a_credit_note_reads_its_own_line_and_quantity_names_and_its_due_date_from_payment_means() {
    let v = view(CREDIT_NOTE.as_bytes()).unwrap();
    assert_eq!(v.kind, InvoiceKind::CreditNote);
    assert_eq!(v.number.as_deref(), Some("CN-2026-007"));
    assert_eq!(v.type_code.as_deref(), Some("381"));
    assert_eq!(v.due_date.as_deref(), Some("2026-12-20"));
    assert_eq!(v.lines.len(), 1);
    assert_eq!(v.lines[0].quantity.as_deref(), Some("250"));
    assert_eq!(v.lines[0].detail.as_deref(), Some("Misdruk op pagina 4"));
    let supplier = v.supplier.unwrap();
    assert_eq!(
        supplier.name.as_deref(),
        Some("Drukkerij Van Dam B.V."),
        "legal name when no trading name"
    );
    assert_eq!(
        supplier.kvk.as_deref(),
        Some("30187412"),
        "from the 0106 endpoint"
    );
    assert_eq!(
        v.payment.unwrap().iban.as_deref(),
        Some("NL91ABNA0417164300")
    );
    assert_eq!(v.totals.payable.as_deref(), Some("121.00"));
    assert!(v.attachments.is_empty());
    assert_eq!(first_pdf(CREDIT_NOTE.as_bytes()).unwrap(), None);
}

#[test]
fn missing_optional_parts_are_none_not_errors() {
    let minimal = format!(
        r#"<Invoice xmlns="{}" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>X-1</cbc:ID></Invoice>"#,
        crate::preflight::xml::UBL_INVOICE_NS
    );
    let v = view(minimal.as_bytes()).unwrap();
    assert_eq!(v.number.as_deref(), Some("X-1"));
    assert_eq!(
        (v.issue_date, v.due_date, v.supplier, v.customer, v.payment),
        (None, None, None, None, None)
    );
    assert!(v.lines.is_empty() && v.vat.is_empty() && v.notes.is_empty());
    assert_eq!(v.totals, InvoiceTotals::default());
}

#[test]
fn the_intake_samples_read_too_with_and_without_payment_details() {
    let complete = crate::samples::ubl_invoice("S-1", true);
    let v = view(complete.as_bytes()).unwrap();
    assert_eq!(
        v.payment.and_then(|p| p.iban).as_deref(),
        Some("NL91ABNA0417164300")
    );
    assert_eq!(v.customer.and_then(|c| c.kvk).as_deref(), Some("24356718"));
    let partial = crate::samples::ubl_invoice("S-2", false);
    let v = view(partial.as_bytes()).unwrap();
    assert_eq!(v.payment.map(|p| p.iban), Some(None), "means code only");
    assert_eq!(v.totals.vat.as_deref(), Some("21.00"));
}

#[test]
fn bad_input_gives_a_specific_dutch_reason_and_never_panics() {
    let cases: [(&[u8], InvoiceViewCode); 6] = [
        (b"<Invoice><cbc:ID>", InvoiceViewCode::Malformed),
        (b"not xml at all", InvoiceViewCode::Malformed),
        (b"<Order xmlns=\"urn:x\"/>", InvoiceViewCode::NotInvoice),
        (
            br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>"#,
            InvoiceViewCode::Unsafe,
        ),
        (
            br#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>"#,
            InvoiceViewCode::Cii,
        ),
        (b"\0\0\0<", InvoiceViewCode::Malformed),
    ];
    for (bytes, code) in cases {
        let err = view(bytes).unwrap_err();
        assert_eq!(err.code, code, "{}", String::from_utf8_lossy(bytes));
        assert!(!err.message.is_empty() && !err.message_en.is_empty());
    }
    let deep = format!(
        "<Invoice xmlns=\"{}\">{}{}</Invoice>",
        crate::preflight::xml::UBL_INVOICE_NS,
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    assert_eq!(
        view(deep.as_bytes()).unwrap_err().code,
        InvoiceViewCode::Malformed
    );
    assert!(
        view(b"<Invoice><cbc:ID>")
            .unwrap_err()
            .message
            .contains("geen geldige XML")
    );
    let broken = INVOICE.replacen("JVBER", "JV*ER", 1);
    let err = first_pdf(broken.as_bytes()).unwrap_err();
    assert!(err.message.contains("base64"), "{err}");
}

#[test]
fn every_truncation_of_a_real_invoice_is_an_error_or_a_view_never_a_panic() {
    let bytes = INVOICE.as_bytes();
    for end in (0..bytes.len()).step_by(97) {
        let _ = view(&bytes[..end]);
        let _ = first_pdf(&bytes[..end]);
    }
    assert!(view(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn utf16_invoices_are_decoded() {
    let utf16 = crate::samples::utf16(&INVOICE.replacen("UTF-8", "UTF-16", 1), true, true);
    let v = view(&utf16).unwrap();
    assert_eq!(
        v.supplier.and_then(|s| s.name).as_deref(),
        Some("Drukkerij Van Dam")
    );
}
