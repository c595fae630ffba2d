//! The receive records: a listed page and a saved batch are each one statement, and must
//! still count only what is new, fill the documents list, and refuse an unknown invoice.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_store::{
    DocumentQuery, InvoiceFacts, ListedInvoice, PartyRecord, Permissions, ReceivedState,
    SavedInvoice, Store,
};

const PARTY: &str = "0106:30187412";

fn listed(id: &str, day: u32) -> ListedInvoice {
    ListedInvoice {
        document_id: id.into(),
        received_on: format!("2026-11-{day:02}T09:00:00+01:00"),
        channel: "peppol".into(),
    }
}

fn saved(id: &str, number: &str) -> SavedInvoice {
    SavedInvoice {
        document_id: id.into(),
        facts: InvoiceFacts {
            supplier: Some("Groothandel Mulder".into()),
            supplier_id: Some("0106:27312152".into()),
            invoice_number: Some(number.into()),
            issue_date: Some("2026-11-02".into()),
            amount: Some("121.50".into()),
            currency: Some("EUR".into()),
        },
        xml: (format!("/o/Mulder {number}.xml"), "aa".repeat(32)),
        pdf: (number != "F-2").then(|| (format!("/o/Mulder {number}.pdf"), "bb".repeat(32))),
    }
}

#[tokio::test]
async fn listing_counts_new_ones_and_saving_fills_the_documents_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    let party = PartyRecord {
        id: PARTY.into(),
        name: "Bakkerij De Gouden Korenaar B.V.".into(),
        permissions: Permissions {
            can_receive_document: true,
            ..Permissions::default()
        },
    };
    store.replace_parties(&[party]).await.expect("parties");

    let first = [listed("r-1", 1), listed("r-2", 2)];
    assert_eq!(
        store
            .record_listed(PARTY, &first, Some("2026-11-02T08:00:00Z"))
            .await
            .expect("list"),
        2
    );
    let again = [listed("r-2", 2), listed("r-3", 3)];
    assert_eq!(
        store
            .record_listed(PARTY, &again, Some("2026-11-03T08:00:00Z"))
            .await
            .expect("list"),
        1,
        "r-2 was known"
    );

    store
        .mark_received_saved_many(&[saved("r-1", "F-1"), saved("r-2", "F-2")])
        .await
        .expect("saved");
    let r1 = store
        .received_invoice("r-1")
        .await
        .expect("read")
        .expect("r-1");
    assert_eq!(r1.state, ReceivedState::Saved);
    assert_eq!(r1.xml_path.as_deref(), Some("/o/Mulder F-1.xml"));
    assert_eq!(r1.pdf_path.as_deref(), Some("/o/Mulder F-1.pdf"));
    assert_eq!(r1.invoice_number.as_deref(), Some("F-1"));
    let r2 = store
        .received_invoice("r-2")
        .await
        .expect("read")
        .expect("r-2");
    assert_eq!((r2.state, r2.pdf_path), (ReceivedState::Saved, None));
    let r3 = store
        .received_invoice("r-3")
        .await
        .expect("read")
        .expect("r-3");
    assert_eq!(r3.state, ReceivedState::Listed, "not in the batch");

    let page = store
        .documents(&DocumentQuery {
            search: Some("mulder".into()),
            ..DocumentQuery::default()
        })
        .await
        .expect("search");
    let mut numbers: Vec<_> = page
        .rows
        .iter()
        .filter_map(|r| r.invoice_number.clone())
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["F-1", "F-2"]);
    let row = page
        .rows
        .iter()
        .find(|r| r.id == "r-1")
        .expect("r-1 listed");
    assert_eq!(row.file_name.as_deref(), Some("Mulder F-1.xml"));
    assert_eq!(row.amount.as_deref(), Some("121.50"));
    assert_eq!(row.created_at, r1.received_on, "listed under its arrival");
}

#[tokio::test]
async fn a_batch_with_an_unknown_invoice_records_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    store
        .record_listed(PARTY, &[listed("r-1", 1)], None)
        .await
        .expect("list");
    let err = store
        .mark_received_saved_many(&[saved("r-1", "F-1"), saved("nope", "F-9")])
        .await
        .expect_err("unknown id");
    assert!(err.to_string().contains("nope"), "{err}");
    let r1 = store
        .received_invoice("r-1")
        .await
        .expect("read")
        .expect("r-1");
    assert_eq!(r1.state, ReceivedState::Listed, "rolled back with the rest");
}

#[tokio::test]
async fn the_unanswered_filter_keeps_received_invoices_without_an_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    let party = PartyRecord {
        id: PARTY.into(),
        name: "Bakkerij De Gouden Korenaar B.V.".into(),
        permissions: Permissions {
            can_receive_document: true,
            ..Permissions::default()
        },
    };
    store.replace_parties(&[party]).await.expect("parties");
    let listed_now = [listed("r-1", 1), listed("r-2", 2), listed("r-3", 3)];
    store
        .record_listed(PARTY, &listed_now, None)
        .await
        .expect("list");
    store
        .mark_received_saved_many(&[
            saved("r-1", "F-1"),
            saved("r-2", "F-2"),
            saved("r-3", "F-3"),
        ])
        .await
        .expect("saved");
    store
        .begin_response("r-2", "AP", None, "resp-2")
        .await
        .expect("answer");
    let page = store
        .documents(&econnect_store::DocumentQuery {
            unanswered: Some(true),
            ..Default::default()
        })
        .await
        .expect("documents");
    let mut ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["r-1", "r-3"]);
    assert_eq!(page.total, 2);
    assert_eq!(page.totals[0].amount, "243.00");
}
