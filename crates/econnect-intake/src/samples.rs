//! Generated sample files (PDFs via lopdf, UBL and CII XML, image headers) for tests,
//! benchmarks and the CLI's demo; nothing here reads the disk.

use lopdf::{
    Dictionary, Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream,
    dictionary,
};

/// A one-page PDF saying `text`, padded with an uncompressed filler stream to about `size` bytes.
pub fn pdf(size: usize, text: &str) -> Vec<u8> {
    let mut doc = base_document(text, size);
    save(&mut doc)
}

/// An encrypted PDF (RC4 128, empty user password, an owner password): "Document beveiligd".
pub fn encrypted_pdf() -> Vec<u8> {
    let mut doc = base_document("beveiligd", 4000);
    // The standard security handler derives the key from the file identifier.
    let id = Object::String(
        b"econnect-sample-1".to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "eigenaar",
        user_password: "",
        key_length: 128,
        permissions: Permissions::default(),
    });
    match state.map(|state| doc.encrypt(&state)) {
        Ok(Ok(())) => {}
        other => tracing::warn!(?other, "sample PDF could not be encrypted"),
    }
    save(&mut doc)
}

/// A Factur-X style hybrid PDF with `factur-x.xml` (CII) embedded: under a `/Kids` node of
/// the EmbeddedFiles name tree when `kids`, only through the catalog's `/AF` when `af_only`.
pub fn factur_x_pdf(kids: bool, af_only: bool) -> Vec<u8> {
    let mut doc = base_document("hybride factuur", 3000);
    let xml = cii_invoice("FX-2026-001");
    let file = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Subtype" => "text/xml" },
        xml.into_bytes(),
    ));
    let spec = doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal("factur-x.xml"),
        "UF" => Object::string_literal("factur-x.xml"),
        "AFRelationship" => "Data",
        "EF" => dictionary! { "F" => file },
    });
    let Ok(catalog_id) = doc.trailer.get(b"Root").and_then(Object::as_reference) else {
        return save(&mut doc);
    };
    let leaf = dictionary! {
        "Names" => vec![Object::string_literal("factur-x.xml"), spec.into()],
    };
    let tree: Dictionary = if kids {
        let mut kid = leaf;
        kid.set(
            "Limits",
            vec![
                Object::string_literal("factur-x.xml"),
                Object::string_literal("factur-x.xml"),
            ],
        );
        let kid_id = doc.add_object(kid);
        dictionary! { "Kids" => vec![kid_id.into()] }
    } else {
        leaf
    };
    let names_id = doc.add_object(dictionary! { "EmbeddedFiles" => tree });
    if let Ok(catalog) = doc.get_object_mut(catalog_id).and_then(Object::as_dict_mut) {
        if af_only {
            catalog.set("AF", vec![spec.into()]);
        } else {
            catalog.set("Names", names_id);
        }
    }
    save(&mut doc)
}

/// Bytes that start like a JPEG (enough for sniffing), `size` long.
pub fn jpeg(size: usize) -> Vec<u8> {
    pad(
        vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0],
        size,
    )
}

/// Bytes that start like a PNG, `size` long.
pub fn png(size: usize) -> Vec<u8> {
    pad(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), size)
}

/// Bytes that start like a BMP (BITMAPINFOHEADER), `size` long.
pub fn bmp(size: usize) -> Vec<u8> {
    let mut head = b"BM".to_vec();
    head.extend_from_slice(&(size as u32).to_le_bytes());
    head.extend_from_slice(&[0, 0, 0, 0, 54, 0, 0, 0]);
    head.extend_from_slice(&40u32.to_le_bytes());
    pad(head, size)
}

/// A ZIP archive's first bytes, `size` long (a `.pdf` that is really a ZIP).
pub fn zip(size: usize) -> Vec<u8> {
    pad(b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(), size)
}

fn pad(mut head: Vec<u8>, size: usize) -> Vec<u8> {
    let mut i = 0u32;
    while head.len() < size {
        head.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
        i += 1;
    }
    head
}

/// A SI-UBL 2.0 invoice; `complete` fills every field the NL rules ask for.
pub fn ubl_invoice(number: &str, complete: bool) -> String {
    let (supplier_extra, customer_extra, payment, buyer_ref) = if complete {
        (
            r#"<cac:PostalAddress><cbc:StreetName>Korenstraat 1</cbc:StreetName><cbc:CityName>Utrecht</cbc:CityName><cbc:PostalZone>3511 AA</cbc:PostalZone><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>NL123456782B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Bakkerij De Gouden Korenaar B.V.</cbc:RegistrationName><cbc:CompanyID schemeID="0106">30187412</cbc:CompanyID></cac:PartyLegalEntity>"#,
            r#"<cac:PostalAddress><cbc:StreetName>Dorpsweg 2</cbc:StreetName><cbc:CityName>Zeist</cbc:CityName><cbc:PostalZone>3701 AB</cbc:PostalZone><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Klant B.V.</cbc:RegistrationName><cbc:CompanyID schemeID="0106">24356718</cbc:CompanyID></cac:PartyLegalEntity>"#,
            r#"<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"#,
            "<cbc:BuyerReference>PO-4711</cbc:BuyerReference>",
        )
    } else {
        (
            r#"<cac:PostalAddress><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>NL123456789B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"#,
            r#"<cac:PostalAddress><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"#,
            r#"<cac:PaymentMeans><cbc:PaymentMeansCode>1</cbc:PaymentMeansCode></cac:PaymentMeans>"#,
            "",
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-11-29</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {buyer_ref}
  <cac:AccountingSupplierParty><cac:Party>
    <cbc:EndpointID schemeID="0106">30187412</cbc:EndpointID>
    <cac:PartyName><cbc:Name>Bakkerij De Gouden Korenaar B.V.</cbc:Name></cac:PartyName>
    {supplier_extra}
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cbc:EndpointID schemeID="0106">24356718</cbc:EndpointID>
    {customer_extra}
  </cac:Party></cac:AccountingCustomerParty>
  {payment}
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount><cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount><cac:Item><cbc:Name>Brood</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>
</Invoice>
"#
    )
}

/// A minimal Factur-X / ZUGFeRD (CII) invoice.
pub fn cii_invoice(number: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" format="102">20261129</udt:DateTimeString></ram:IssueDateTime>
    <ram:IncludedNote><ram:Content>Levering volgens overeenkomst; betaling binnen 30 dagen na factuurdatum op het vermelde rekeningnummer, onder vermelding van het factuurnummer. Bij vragen over deze factuur kunt u contact opnemen met onze administratie.</ram:Content></ram:IncludedNote></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction/>
</rsm:CrossIndustryInvoice>
"#
    )
}

/// A document with one page showing `text` and a filler stream bringing it to about `size`.
fn base_document(text: &str, size: usize) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let escaped: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let content = format!("BT /F1 14 Tf 50 780 Td (Factuur: {escaped}) Tj ET");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    // Filler: a stream nobody draws, distinct per text so every sample hashes differently.
    let filler_len = size.saturating_sub(900);
    if filler_len > 0 {
        let seed = text
            .bytes()
            .fold(0x9E37_79B9u32, |h, b| h.rotate_left(5) ^ u32::from(b));
        let mut filler = Vec::with_capacity(filler_len);
        let mut x = seed | 1;
        while filler.len() < filler_len {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            filler.push(b'a' + (x % 26) as u8);
        }
        doc.add_object(Stream::new(dictionary! {}, filler));
    }
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc
}

fn save(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail for I/O reasons; an error leaves a short buffer that
    // preflight then refuses, which is what a test would notice.
    let _ = doc.save_to(&mut out);
    out
}

/// `text` as UTF-16, little- or big-endian, with or without a byte-order mark.
pub fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}
