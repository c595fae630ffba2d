//! Walks a parsed UBL document by local names (namespaces checked at the root only:
//! real files use any prefix) into the view.

use roxmltree::{Document, Node, ParsingOptions};

use super::model::{
    InvoiceAttachment, InvoiceKind, InvoiceLine, InvoiceParty, InvoiceTotals, InvoiceView,
    PaymentDetails, VatBreakdown,
};
use super::{InvoiceViewCode, InvoiceViewError, MAX_VIEW_BYTES};
use crate::preflight::encoding;
use crate::preflight::xml::{CII_NS, MAX_DEPTH, UBL_CREDIT_NOTE_NS, UBL_INVOICE_NS};

/// Most nodes parsed: an invoice with thousands of lines stays far below it.
const MAX_NODES: u32 = 2_000_000;

/// Decodes and parses `bytes` safely and hands the document's root and kind to `f`.
pub(super) fn with_document<T>(
    bytes: &[u8],
    f: impl FnOnce(Node<'_, '_>, InvoiceKind) -> T,
) -> Result<T, InvoiceViewError> {
    if bytes.len() > MAX_VIEW_BYTES {
        return Err(InvoiceViewError::of(InvoiceViewCode::TooLarge));
    }
    let text = encoding::decode(bytes).map_err(|refusal| {
        InvoiceViewError::with(
            InvoiceViewCode::Malformed,
            refusal.message,
            refusal.message_en,
        )
    })?;
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(&text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected
        | roxmltree::Error::EntityReferenceLoop(_)
        | roxmltree::Error::UnknownEntityReference(..) => {
            InvoiceViewError::of(InvoiceViewCode::Unsafe)
        }
        other => InvoiceViewError::with(
            InvoiceViewCode::Malformed,
            format!("Het factuurbestand is geen geldige XML: {other}"),
            format!("The invoice file is not valid XML: {other}"),
        ),
    })?;
    if too_deep(doc.root()) {
        return Err(InvoiceViewError::with(
            InvoiceViewCode::Malformed,
            "Het factuurbestand is te diep genest",
            "The invoice file is nested too deeply",
        ));
    }
    let root = doc.root_element();
    let name = root.tag_name();
    let kind = match (name.namespace(), name.name()) {
        (Some(UBL_INVOICE_NS), "Invoice") => InvoiceKind::Invoice,
        (Some(UBL_CREDIT_NOTE_NS), "CreditNote") => InvoiceKind::CreditNote,
        (Some(CII_NS), _) => return Err(InvoiceViewError::of(InvoiceViewCode::Cii)),
        _ => return Err(InvoiceViewError::of(InvoiceViewCode::NotInvoice)),
    };
    Ok(f(root, kind))
}

/// Whether elements nest deeper than [`MAX_DEPTH`], found without recursion.
fn too_deep(root: Node<'_, '_>) -> bool {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, d)) = stack.pop() {
        if d > MAX_DEPTH {
            return true;
        }
        stack.extend(node.children().filter(Node::is_element).map(|c| (c, d + 1)));
    }
    false
}

/// The child elements of `node` with this local name.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The first child element with this local name.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// The element at this path of local names below `node`.
fn at<'a, 'i>(node: Node<'a, 'i>, path: &[&'static str]) -> Option<Node<'a, 'i>> {
    path.iter().try_fold(node, |n, name| child(n, name))
}

/// The trimmed text at this path, `None` when absent or blank.
fn text(node: Node<'_, '_>, path: &[&'static str]) -> Option<String> {
    at(node, path).and_then(own_text)
}

/// An element's trimmed text, `None` when blank.
fn own_text(node: Node<'_, '_>) -> Option<String> {
    let t: String = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// An attribute's trimmed value, `None` when absent or blank.
fn attr(node: Node<'_, '_>, name: &str) -> Option<String> {
    node.attribute(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The view of a UBL invoice or credit note.
pub(super) fn view(root: Node<'_, '_>, kind: InvoiceKind) -> InvoiceView {
    let (type_code, line_name, quantity_name) = match kind {
        InvoiceKind::Invoice => ("InvoiceTypeCode", "InvoiceLine", "InvoicedQuantity"),
        InvoiceKind::CreditNote => ("CreditNoteTypeCode", "CreditNoteLine", "CreditedQuantity"),
    };
    let payment_terms = text(root, &["PaymentTerms", "Note"]);
    InvoiceView {
        kind,
        number: text(root, &["ID"]),
        type_code: text(root, &[type_code]),
        issue_date: text(root, &["IssueDate"]),
        // A credit note carries its due date in PaymentMeans (UBL 2.1 has no DueDate there).
        due_date: text(root, &["DueDate"])
            .or_else(|| text(root, &["PaymentMeans", "PaymentDueDate"])),
        currency: text(root, &["DocumentCurrencyCode"]),
        buyer_reference: text(root, &["BuyerReference"]),
        order_reference: text(root, &["OrderReference", "ID"]),
        supplier: at(root, &["AccountingSupplierParty", "Party"]).map(party),
        customer: at(root, &["AccountingCustomerParty", "Party"]).map(party),
        lines: children(root, line_name)
            .map(|l| line(l, quantity_name))
            .collect(),
        vat: vat(root),
        totals: totals(root),
        payment: payment(root, payment_terms),
        notes: children(root, "Note").filter_map(own_text).collect(),
        attachments: children(root, "AdditionalDocumentReference")
            .enumerate()
            .map(|(i, r)| attachment(r, i))
            .collect(),
    }
}

fn party(p: Node<'_, '_>) -> InvoiceParty {
    let trading = text(p, &["PartyName", "Name"]);
    let legal = text(p, &["PartyLegalEntity", "RegistrationName"]);
    let address = child(p, "PostalAddress");
    let addr = |name: &'static str| address.and_then(|a| text(a, &[name]));
    let legal_company = at(p, &["PartyLegalEntity", "CompanyID"]);
    let legal_scheme = legal_company.and_then(|n| attr(n, "schemeID"));
    let legal_value = legal_company.and_then(own_text);
    let kvk = match legal_scheme.as_deref() {
        Some("0106") | None => legal_value.clone().filter(|v| is_kvk(v)),
        _ => None,
    };
    let legal_id = match (&kvk, legal_scheme, legal_value) {
        (None, Some(scheme), Some(value)) => Some(format!("{scheme}:{value}")),
        (None, None, Some(value)) => Some(value),
        _ => None,
    };
    let vat_id = children(p, "PartyTaxScheme")
        .find(|s| text(*s, &["TaxScheme", "ID"]).is_none_or(|id| id.eq_ignore_ascii_case("VAT")))
        .and_then(|s| text(s, &["CompanyID"]));
    let endpoint = child(p, "EndpointID").and_then(|e| {
        let value = own_text(e)?;
        Some(match attr(e, "schemeID") {
            Some(scheme) => format!("{scheme}:{value}"),
            None => value,
        })
    });
    let contact = child(p, "Contact").and_then(|c| {
        let parts: Vec<String> = ["Name", "Telephone", "ElectronicMail"]
            .into_iter()
            .filter_map(|n| text(c, &[n]))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    });
    // The KvK number may also be the Peppol address (0106) when the legal entity omits it.
    let kvk = kvk.or_else(|| {
        endpoint
            .as_deref()
            .and_then(|e| e.strip_prefix("0106:"))
            .map(str::to_string)
    });
    InvoiceParty {
        name: trading.clone().or_else(|| legal.clone()),
        legal_name: legal.filter(|l| trading.as_deref().is_some_and(|t| t != l)),
        street: addr("StreetName"),
        additional_street: addr("AdditionalStreetName"),
        postal_zone: addr("PostalZone"),
        city: addr("CityName"),
        country: address.and_then(|a| text(a, &["Country", "IdentificationCode"])),
        kvk,
        legal_id,
        vat_id,
        endpoint,
        contact,
    }
}

/// A Dutch Chamber of Commerce number: eight digits.
fn is_kvk(value: &str) -> bool {
    value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit())
}

fn line(l: Node<'_, '_>, quantity_name: &'static str) -> InvoiceLine {
    let item = child(l, "Item");
    let quantity = child(l, quantity_name);
    let category = item.and_then(|i| child(i, "ClassifiedTaxCategory"));
    let name = item.and_then(|i| text(i, &["Name"]));
    let description = item.and_then(|i| text(i, &["Description"]));
    InvoiceLine {
        id: text(l, &["ID"]),
        detail: if name.is_some() {
            description.or_else(|| text(l, &["Note"]))
        } else {
            text(l, &["Note"])
        },
        description: name.or(description_only(item)),
        quantity: quantity.and_then(own_text),
        unit: quantity.and_then(|q| attr(q, "unitCode")),
        unit_price: text(l, &["Price", "PriceAmount"]),
        vat_category: category.and_then(|c| text(c, &["ID"])),
        vat_percent: category.and_then(|c| text(c, &["Percent"])),
        amount: text(l, &["LineExtensionAmount"]),
    }
}

fn description_only(item: Option<Node<'_, '_>>) -> Option<String> {
    item.and_then(|i| text(i, &["Description"]))
}

fn vat(root: Node<'_, '_>) -> Vec<VatBreakdown> {
    // The TaxTotal in the document currency carries the breakdown (a second one may give
    // the VAT in the accounting currency, without subtotals).
    let total = children(root, "TaxTotal")
        .find(|t| child(*t, "TaxSubtotal").is_some())
        .or_else(|| child(root, "TaxTotal"));
    let Some(total) = total else {
        return Vec::new();
    };
    children(total, "TaxSubtotal")
        .map(|s| {
            let category = child(s, "TaxCategory");
            VatBreakdown {
                category: category.and_then(|c| text(c, &["ID"])),
                percent: category.and_then(|c| text(c, &["Percent"])),
                taxable: text(s, &["TaxableAmount"]),
                tax: text(s, &["TaxAmount"]),
                exemption_reason: category.and_then(|c| text(c, &["TaxExemptionReason"])),
            }
        })
        .collect()
}

fn totals(root: Node<'_, '_>) -> InvoiceTotals {
    let currency = text(root, &["DocumentCurrencyCode"]);
    let money = child(root, "LegalMonetaryTotal");
    let m = |name: &'static str| money.and_then(|n| text(n, &[name]));
    // The VAT total in the document currency (one TaxTotal may be in the tax currency).
    let vat = children(root, "TaxTotal")
        .filter_map(|t| child(t, "TaxAmount"))
        .find(|a| currency.is_none() || attr(*a, "currencyID") == currency)
        .and_then(own_text);
    InvoiceTotals {
        lines: m("LineExtensionAmount"),
        allowances: m("AllowanceTotalAmount"),
        charges: m("ChargeTotalAmount"),
        without_vat: m("TaxExclusiveAmount"),
        vat,
        with_vat: m("TaxInclusiveAmount"),
        prepaid: m("PrepaidAmount"),
        rounding: m("PayableRoundingAmount"),
        payable: m("PayableAmount"),
    }
}

fn payment(root: Node<'_, '_>, terms: Option<String>) -> Option<PaymentDetails> {
    let means = child(root, "PaymentMeans");
    let account = means.and_then(|m| child(m, "PayeeFinancialAccount"));
    let details = PaymentDetails {
        means_code: means.and_then(|m| text(m, &["PaymentMeansCode"])),
        iban: account
            .and_then(|a| text(a, &["ID"]))
            .map(|iban| iban.split_whitespace().collect()),
        account_name: account.and_then(|a| text(a, &["Name"])),
        bic: account.and_then(|a| text(a, &["FinancialInstitutionBranch", "ID"])),
        reference: means.and_then(|m| text(m, &["PaymentID"])),
        terms,
        mandate: means.and_then(|m| text(m, &["PaymentMandate", "ID"])),
    };
    (details != PaymentDetails::default()).then_some(details)
}

fn attachment(reference: Node<'_, '_>, index: usize) -> InvoiceAttachment {
    let attached = child(reference, "Attachment");
    let object = attached.and_then(|a| child(a, "EmbeddedDocumentBinaryObject"));
    let file_name = object.and_then(|o| attr(o, "filename"));
    let mime = object.and_then(|o| attr(o, "mimeCode"));
    let is_pdf = mime
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/pdf"))
        || file_name
            .as_deref()
            .is_some_and(|f| f.to_ascii_lowercase().ends_with(".pdf"));
    InvoiceAttachment {
        index: u32::try_from(index).unwrap_or(u32::MAX),
        id: text(reference, &["ID"]),
        description: text(reference, &["DocumentDescription"]),
        file_name,
        mime,
        size: object.map(|o| super::attachments::decoded_len(o)),
        is_pdf: object.is_some() && is_pdf,
        uri: attached.and_then(|a| text(a, &["ExternalReference", "URI"])),
    }
}

/// The attachment references of the document, in order (for [`super::attachment_bytes`]).
pub(super) fn attachment_objects<'a, 'i>(root: Node<'a, 'i>) -> Vec<Option<Node<'a, 'i>>> {
    children(root, "AdditionalDocumentReference")
        .map(|r| at(r, &["Attachment", "EmbeddedDocumentBinaryObject"]))
        .collect()
}

/// Whether an attachment node is a PDF (see [`attachment`]).
pub(super) fn object_is_pdf(object: Node<'_, '_>) -> bool {
    attr(object, "mimeCode").is_some_and(|m| m.eq_ignore_ascii_case("application/pdf"))
        || attr(object, "filename").is_some_and(|f| f.to_ascii_lowercase().ends_with(".pdf"))
}

/// An object's file name.
pub(super) fn object_file_name(object: Node<'_, '_>) -> Option<String> {
    attr(object, "filename")
}

/// An object's base64 text (all text children joined).
pub(super) fn object_text(object: Node<'_, '_>) -> String {
    object
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}
