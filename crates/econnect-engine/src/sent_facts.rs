//! Reads the customer, number, date and amount from the UBL invoices this installation
//! sent, so a sent document shows its Relatie and Bedrag like a received one. Only the
//! few facts are kept: the reader refuses a DTD and deep nesting, and caps every text.

use std::io::{BufRead, BufReader};
use std::path::Path;

use econnect_store::{SentFacts, Store};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Deepest element nesting accepted (UBL needs about 8).
const MAX_DEPTH: usize = 64;
/// Longest text kept for one fact (an embedded PDF's text is skipped past this).
const MAX_FACT: usize = 512;
/// Files read per pass.
const BATCH: u32 = 200;

/// Reads the facts of one UBL invoice; `None` when it is not a readable invoice.
pub fn read(path: &Path) -> Option<SentFacts> {
    let file = std::fs::File::open(path).ok()?;
    read_from(BufReader::with_capacity(64 * 1024, file))
}

/// [`read`] over any reader.
pub fn read_from<R: BufRead>(xml: R) -> Option<SentFacts> {
    let mut reader = Reader::from_reader(xml);
    // Not trimmed per event: text around an entity (`Jansen &amp; Zn.`) keeps its spaces;
    // each fact is trimmed whole.
    let mut path: Vec<String> = Vec::new();
    let mut facts = SentFacts::default();
    let mut text = String::new();
    let mut scheme: Option<String> = None;
    let mut buf = Vec::new();
    let mut seen_root = false;
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::DocType(_) => return None,
            Event::Start(e) => {
                seen_root = true;
                if path.len() >= MAX_DEPTH {
                    return None;
                }
                let name = e.local_name().as_ref().to_string();
                if name == "EndpointID" && path.ends_with(&customer_party()) {
                    scheme = e
                        .try_get_attribute("schemeID")
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.trim().to_string())
                        });
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(_) => seen_root = true,
            Event::Text(t) => push_capped(&mut text, &t.xml10_content()),
            Event::CData(t) => push_capped(&mut text, t.as_ref()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match r.into_inner().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return None,
                    },
                };
                push_capped(&mut text, c.encode_utf8(&mut [0; 4]));
            }
            Event::End(_) => {
                take_fact(&path, text.trim(), &mut scheme, &mut facts);
                path.pop();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    (seen_root && facts != SentFacts::default()).then_some(facts)
}

fn customer_party() -> [String; 2] {
    ["AccountingCustomerParty".into(), "Party".into()]
}

fn push_capped(text: &mut String, more: &str) {
    for c in more.chars() {
        if text.len() + c.len_utf8() > MAX_FACT {
            return;
        }
        text.push(c);
    }
}

/// Keeps the facts the list shows, by their place in the tree.
fn take_fact(path: &[String], value: &str, scheme: &mut Option<String>, facts: &mut SentFacts) {
    if value.is_empty() {
        return;
    }
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    };
    match p.as_slice() {
        [_, "ID"] => set(&mut facts.invoice_number),
        [_, "IssueDate"] => set(&mut facts.issue_date),
        [_, "DocumentCurrencyCode"] => set(&mut facts.currency),
        [_, "LegalMonetaryTotal", "PayableAmount"] => set(&mut facts.amount),
        [_, "AccountingCustomerParty", "Party", "PartyName", "Name"]
        | [
            _,
            "AccountingCustomerParty",
            "Party",
            "PartyLegalEntity",
            "RegistrationName",
        ] => set(&mut facts.customer),
        [_, "AccountingCustomerParty", "Party", "EndpointID"] if facts.customer_id.is_none() => {
            facts.customer_id = Some(match scheme.take() {
                Some(s) if !s.is_empty() => format!("{s}:{value}"),
                _ => value.to_string(),
            });
        }
        _ => {}
    }
}

/// Reads every sent file not read yet and fills its document's empty columns. Files that
/// are gone or unreadable are marked read too: nothing is tried again and again.
pub async fn fill(store: &Store) -> Result<usize, econnect_store::StoreError> {
    let mut done = 0;
    loop {
        let unread = store.sent_files_unread(BATCH).await?;
        if unread.is_empty() {
            return Ok(done);
        }
        let read = tokio::task::spawn_blocking(move || {
            unread
                .into_iter()
                .map(|u| {
                    let facts = read(Path::new(&u.path));
                    (u.document_id, facts)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        if read.is_empty() {
            return Ok(done);
        }
        done += read.len();
        store.fill_sent_facts(&read).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVOICE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>F-2026-0042</cbc:ID>
  <cbc:IssueDate>2026-11-03</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0106">11111111</cbc:EndpointID>
    <cac:PartyName><cbc:Name>Wij B.V.</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0106">27312152</cbc:EndpointID>
    <cac:PartyName><cbc:Name>Jansen &amp; Zn.</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">1210.50</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>"#;

    #[test]
    fn a_sent_invoice_gives_its_customer_and_amount() {
        let facts = read_from(INVOICE.as_bytes()).unwrap();
        assert_eq!(facts.customer.as_deref(), Some("Jansen & Zn."));
        assert_eq!(facts.customer_id.as_deref(), Some("0106:27312152"));
        assert_eq!(facts.invoice_number.as_deref(), Some("F-2026-0042"));
        assert_eq!(facts.issue_date.as_deref(), Some("2026-11-03"));
        assert_eq!(facts.amount.as_deref(), Some("1210.50"));
        assert_eq!(facts.currency.as_deref(), Some("EUR"));
    }

    #[test]
    fn a_dtd_or_non_invoice_gives_nothing() {
        let dtd = format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{}", &INVOICE[38..]);
        assert_eq!(read_from(dtd.as_bytes()), None);
        assert_eq!(read_from(&b"%PDF-1.7 not xml"[..]), None);
    }
}
