//! The Dutch rules of NLCIUS / SI-UBL 2.0 (the `BR-NL-*` rules) that apply to an invoice,
//! and the identifier checks, run on UBL and reported as warnings: the platform is the
//! one that validates; we only tell the user early what it is likely to reject.
//!
//! Nine rules are checked (texts paraphrased from the SI-UBL 2.0 schematron; each applies
//! only when the supplier is in the Netherlands, as the standard says):
//! BR-NL-1 supplier KvK/OIN, BR-NL-2 supplier address, BR-NL-3 fiscal representative's
//! address, BR-NL-4 customer address, BR-NL-5 Dutch customer KvK/OIN, BR-NL-7 allowed
//! payment means, BR-NL-8 IBAN with credit transfer, BR-NL-10 buyer or order reference
//! for a Dutch customer, BR-NL-11 billing reference on a credit note.

use roxmltree::{Document, Node};
use serde::{Deserialize, Serialize};

use crate::identifiers;

/// A preflight warning: the file is sent, but the platform may reject or question it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// The rule id, e.g. `BR-NL-1`, or `ID-VAT` for an identifier check.
    pub rule: String,
    /// What is wrong, in Dutch.
    pub message: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl Warning {
    fn new(rule: &str, nl: impl Into<String>, en: impl Into<String>) -> Self {
        Warning {
            rule: rule.to_string(),
            message: nl.into(),
            message_en: en.into(),
        }
    }
}

/// Payment means codes SI-UBL 2.0 allows (UNCL 4461 subset).
const ALLOWED_PAYMENT_MEANS: [&str; 6] = ["30", "48", "49", "57", "58", "59"];

/// Child element by local name (UBL prefixes vary; the local names are unique enough).
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Follows a path of local names.
fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

/// Non-empty trimmed text of a node.
fn text<'a>(node: Option<Node<'a, '_>>) -> Option<&'a str> {
    node.and_then(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// All children with a local name.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// Whether a party's postal address is in the Netherlands.
fn in_nl(party: Option<Node<'_, '_>>) -> bool {
    party
        .and_then(|p| text(path(p, &["PostalAddress", "Country", "IdentificationCode"])))
        .is_some_and(|c| c.eq_ignore_ascii_case("NL"))
}

/// Whether a party has a legal-entity id with scheme 0106 (KvK) or 0190 (OIN).
fn has_kvk_or_oin(party: Node<'_, '_>) -> bool {
    children(party, "PartyLegalEntity").any(|le| {
        child(le, "CompanyID")
            .and_then(|id| id.attribute("schemeID"))
            .is_some_and(|s| s == "0106" || s == "0190")
    })
}

/// Whether a postal address has street, city and post code.
fn full_address(party: Node<'_, '_>) -> bool {
    let Some(addr) = child(party, "PostalAddress") else {
        return false;
    };
    ["StreetName", "CityName", "PostalZone"]
        .iter()
        .all(|n| text(child(addr, n)).is_some())
}

/// Runs the nine NL rules and the identifier checks on a UBL Invoice or CreditNote.
pub fn check(doc: &Document<'_>) -> Vec<Warning> {
    let root = doc.root_element();
    let credit_note = root.tag_name().name() == "CreditNote";
    let supplier = path(root, &["AccountingSupplierParty", "Party"]);
    let customer = path(root, &["AccountingCustomerParty", "Party"]);
    let mut out = Vec::new();
    identifier_checks(root, &mut out);
    if !in_nl(supplier) {
        return out; // The BR-NL rules bind Dutch suppliers only.
    }
    let Some(supplier) = supplier else { return out };
    if !has_kvk_or_oin(supplier) {
        out.push(Warning::new(
            "BR-NL-1",
            "De leverancier mist een KvK- of OIN-nummer (PartyLegalEntity/CompanyID met schemeID 0106 of 0190)",
            "The supplier lacks a KvK or OIN number (PartyLegalEntity/CompanyID with schemeID 0106 or 0190)",
        ));
    }
    if !full_address(supplier) {
        out.push(Warning::new(
            "BR-NL-2",
            "Het adres van de leverancier mist straat, plaats of postcode",
            "The supplier's address lacks street, city or post code",
        ));
    }
    if let Some(rep) = child(root, "TaxRepresentativeParty")
        && in_nl(Some(rep))
        && !full_address(rep)
    {
        out.push(Warning::new(
            "BR-NL-3",
            "Het adres van de fiscaal vertegenwoordiger mist straat, plaats of postcode",
            "The tax representative's address lacks street, city or post code",
        ));
    }
    let customer_nl = in_nl(customer);
    if let Some(customer) = customer.filter(|_| customer_nl) {
        if !full_address(customer) {
            out.push(Warning::new(
                "BR-NL-4",
                "Het adres van de afnemer mist straat, plaats of postcode",
                "The customer's address lacks street, city or post code",
            ));
        }
        if !has_kvk_or_oin(customer) {
            out.push(Warning::new(
                "BR-NL-5",
                "De Nederlandse afnemer mist een KvK- of OIN-nummer",
                "The Dutch customer lacks a KvK or OIN number",
            ));
        }
        let buyer_ref = text(child(root, "BuyerReference")).is_some()
            || text(path(root, &["OrderReference", "ID"])).is_some();
        if !buyer_ref {
            out.push(Warning::new(
                "BR-NL-10",
                "Een inkoopordernummer of referentie van de afnemer (BuyerReference) ontbreekt",
                "Neither a buyer reference nor an order reference is given",
            ));
        }
    }
    for means in children(root, "PaymentMeans") {
        let code = text(child(means, "PaymentMeansCode")).unwrap_or("");
        if !ALLOWED_PAYMENT_MEANS.contains(&code) {
            out.push(Warning::new(
                "BR-NL-7",
                format!("Betaalwijze {code:?} is niet toegestaan (alleen 30, 48, 49, 57, 58, 59)"),
                format!("Payment means {code:?} is not allowed (only 30, 48, 49, 57, 58, 59)"),
            ));
        }
        if (code == "30" || code == "58")
            && text(path(means, &["PayeeFinancialAccount", "ID"])).is_none()
        {
            out.push(Warning::new(
                "BR-NL-8",
                "Bij betaling per overboeking ontbreekt het IBAN (PayeeFinancialAccount)",
                "A credit transfer lacks the IBAN (PayeeFinancialAccount)",
            ));
        }
    }
    if credit_note
        && text(path(
            root,
            &["BillingReference", "InvoiceDocumentReference", "ID"],
        ))
        .is_none()
    {
        out.push(Warning::new(
            "BR-NL-11",
            "Een creditnota moet verwijzen naar de oorspronkelijke factuur (BillingReference)",
            "A credit note must refer to the original invoice (BillingReference)",
        ));
    }
    out
}

/// Checks every KvK, OIN and NL VAT number found in ids with a scheme, and VAT numbers.
fn identifier_checks(root: Node<'_, '_>, out: &mut Vec<Warning>) {
    for node in root.descendants().filter(Node::is_element) {
        let local = node.tag_name().name();
        let Some(value) = text(Some(node)) else {
            continue;
        };
        if let Some(scheme) = node.attribute("schemeID")
            && identifiers::check_scheme(scheme, value) == Some(false)
        {
            let what = match scheme {
                "0106" => "KvK-nummer (8 cijfers)",
                "0190" => "OIN (20 cijfers)",
                _ => "btw-nummer",
            };
            out.push(Warning::new(
                "ID-SCHEME",
                format!("Ongeldig {what}: {value}"),
                format!("Invalid identifier for scheme {scheme}: {value}"),
            ));
        }
        let vat_field = local == "CompanyID"
            && node
                .parent()
                .is_some_and(|p| p.tag_name().name() == "PartyTaxScheme");
        // Bytes, not a `str` slice: the second byte may sit inside a multi-byte character.
        if vat_field
            && value
                .as_bytes()
                .get(..2)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"NL"))
            && !identifiers::is_valid_nl_vat(value)
        {
            out.push(Warning::new(
                "ID-VAT",
                format!("Ongeldig Nederlands btw-nummer: {value}"),
                format!("Invalid Dutch VAT number: {value}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::xml;

    #[test]
    fn a_complete_dutch_invoice_has_no_warnings_and_a_bare_one_many() {
        let good = crate::samples::ubl_invoice("F-1", true);
        let doc = xml::parse(&good).unwrap();
        assert_eq!(check(&doc), vec![]);
        let bare = crate::samples::ubl_invoice("F-2", false);
        let doc = xml::parse(&bare).unwrap();
        let rules: Vec<String> = check(&doc).into_iter().map(|w| w.rule).collect();
        for r in [
            "BR-NL-1", "BR-NL-2", "BR-NL-4", "BR-NL-5", "BR-NL-7", "BR-NL-10", "ID-VAT",
        ] {
            assert!(rules.iter().any(|x| x == r), "{r} missing from {rules:?}");
        }
    }

    #[test]
    fn a_vat_number_with_a_multibyte_character_early_is_checked_without_a_panic() {
        // Found by the fuzzer: the first two bytes of "NéL…" end inside the "é".
        let odd = crate::samples::ubl_invoice("F-3", true)
            .replace("NL123456782B01", "N\u{e9}L123456782B01");
        let doc = xml::parse(&odd).unwrap();
        let rules: Vec<String> = check(&doc).into_iter().map(|w| w.rule).collect();
        assert!(!rules.contains(&"ID-VAT".to_string()), "{rules:?}");
        let lower = odd.replace("N\u{e9}L123456782B01", "nl123456789B01");
        let doc = xml::parse(&lower).unwrap();
        let rules: Vec<String> = check(&doc).into_iter().map(|w| w.rule).collect();
        assert!(rules.contains(&"ID-VAT".to_string()), "{rules:?}");
    }
}
