//! UBL 2.1 invoices for received documents (Peppol BIS Billing 3.0), optionally with a PDF.

use base64::Engine;

use crate::state::InvoiceMeta;

/// Peppol BIS Billing 3.0 customization id.
pub const PEPPOL_BIS3: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Splits a Peppol-style id (`NL:KVK:x`, `0106:x`) into (schemeID, value).
fn endpoint(id: &str) -> (String, String) {
    match crate::party_id::normalise(id).and_then(|n| {
        n.split_once(':')
            .map(|(a, b)| (a.to_string(), b.to_string()))
    }) {
        Some(x) => x,
        None => ("0106".into(), id.to_string()),
    }
}

/// The due date 30 days after `issue` (`YYYY-MM-DD`), when it is a date.
fn due_date(issue: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(issue, &format).ok()?;
    (date + time::Duration::days(30)).format(&format).ok()
}

/// An IBAN-shaped account per supplier (a fixed example: suppliers differ by name only).
const SUPPLIER_IBAN: &str = "NL91ABNA0417164300";

/// A UBL 2.1 Invoice for `meta`, addressed to the receiving party.
pub fn invoice(meta: &InvoiceMeta, receiver_id: &str, receiver_name: &str) -> String {
    let total = meta.amount_cents;
    // The amount is the payable total including 21% VAT.
    let net = (total * 100 + 60) / 121;
    let vat = total - net;
    let (s_scheme, s_id) = endpoint(&meta.sender_id);
    let (r_scheme, r_id) = endpoint(receiver_id);
    let cur = esc(&meta.currency);
    let attachment = if meta.with_pdf {
        let mut pdf = pdf(&format!(
            "Factuur {} - {}",
            meta.invoice_number, meta.sender_name
        ));
        if let Some(size) = meta.pdf_bytes {
            // Padding after %%EOF: readers ignore it; the attachment gets the asked size.
            pdf.resize(size.max(pdf.len()), b' ');
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(pdf);
        let name = if meta.file_name.is_empty() {
            format!("{}.pdf", meta.invoice_number)
        } else {
            meta.file_name.clone()
        };
        format!(
            r#"
  <cac:AdditionalDocumentReference>
    <cbc:ID>{num}</cbc:ID>
    <cbc:DocumentDescription>Factuur PDF</cbc:DocumentDescription>
    <cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="{file}">{b64}</cbc:EmbeddedDocumentBinaryObject>
    </cac:Attachment>
  </cac:AdditionalDocumentReference>"#,
            num = esc(&meta.invoice_number),
            file = esc(&name),
        )
    } else {
        String::new()
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>{PEPPOL_BIS3}</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{num}</cbc:ID>
  <cbc:IssueDate>{date}</cbc:IssueDate>
{due}  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>{cur}</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>{num}</cbc:BuyerReference>{attachment}
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="{s_scheme}">{s_id}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>{s_name}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Hoofdstraat 1</cbc:StreetName>
        <cbc:CityName>Utrecht</cbc:CityName>
        <cbc:PostalZone>3511 AA</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>{s_name}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="{s_scheme}">{s_id}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="{r_scheme}">{r_id}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>{r_name}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>{r_name}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="{r_scheme}">{r_id}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>{num}</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>{SUPPLIER_IBAN}</cbc:ID>
      <cbc:Name>{s_name}</cbc:Name>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Betaling binnen 30 dagen</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="{cur}">{vat}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="{cur}">{net}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="{cur}">{vat}</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>21</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="{cur}">{net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="{cur}">{net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="{cur}">{total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="{cur}">{total}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="{cur}">{net}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Geleverde diensten</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>21</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="{cur}">{net}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"#,
        num = esc(&meta.invoice_number),
        date = esc(&meta.issue_date),
        due = due_date(&meta.issue_date)
            .map(|d| format!("  <cbc:DueDate>{d}</cbc:DueDate>\n"))
            .unwrap_or_default(),
        s_scheme = esc(&s_scheme),
        s_id = esc(&s_id),
        s_name = esc(&meta.sender_name),
        r_scheme = esc(&r_scheme),
        r_id = esc(&r_id),
        r_name = esc(receiver_name),
        vat = money(vat),
        net = money(net),
        total = money(total),
    )
}

/// A minimal one-page PDF showing `text` (with a correct cross-reference table).
pub fn pdf(text: &str) -> Vec<u8> {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() && !matches!(c, '(' | ')' | '\\') && !c.is_ascii_control() {
                c
            } else {
                ' '
            }
        })
        .collect();
    let content = format!("BT /F1 14 Tf 72 760 Td ({safe}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_totals_add_up_and_escape() {
        let meta = InvoiceMeta {
            sender_id: "NL:KVK:27312152".into(),
            sender_name: "Mulder & Zn <B.V.>".into(),
            invoice_number: "F-1".into(),
            issue_date: "2026-01-02".into(),
            amount_cents: 12100,
            currency: "EUR".into(),
            with_pdf: true,
            file_name: String::new(),
            pdf_bytes: None,
            raw_xml: None,
        };
        let xml = invoice(&meta, "NL:KVK:12345678", "Klant");
        assert!(xml.contains("<cbc:PayableAmount currencyID=\"EUR\">121.00</cbc:PayableAmount>"));
        assert!(xml.contains("<cbc:TaxAmount currencyID=\"EUR\">21.00</cbc:TaxAmount>"));
        assert!(xml.contains("Mulder &amp; Zn &lt;B.V.&gt;"));
        assert!(xml.contains("<cbc:EndpointID schemeID=\"0106\">12345678</cbc:EndpointID>"));
        assert!(xml.contains("EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\""));
        assert!(pdf("x").starts_with(b"%PDF-1.4"));
        assert!(xml.contains("<cbc:DueDate>2026-02-01</cbc:DueDate>"));
        assert!(xml.contains("<cbc:ID>NL91ABNA0417164300</cbc:ID>"));
    }
}
