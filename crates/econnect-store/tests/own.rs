//! Local-first documents: an accepted upload becomes a `Pending` row in `documents` with its
//! file name, in the same write that marks the outbox row sent; adopted rows keep a known row.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_store::documents::Direction;
use econnect_store::ledger::{self, NewIntake};
use econnect_store::outbox::{self, Accepted};
use econnect_store::{Channel, OwnDocument, PartyRecord, Permissions, Store};

const PARTY: &str = "0106:30187412";

async fn store_with_party(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    let party = PartyRecord {
        id: PARTY.into(),
        name: "Bakkerij De Gouden Korenaar B.V.".into(),
        permissions: Permissions {
            can_send_document: true,
            ..Permissions::default()
        },
    };
    store.replace_parties(&[party]).await.expect("parties");
    store
}

fn intake(id: &str, direction: &str, route: &str, file: &str) -> NewIntake {
    NewIntake {
        id: id.into(),
        party_id: PARTY.into(),
        direction: direction.into(),
        route: Some(route.into()),
        path: format!("/in/{file}"),
        file_name: file.into(),
        mime: "application/pdf".into(),
        sha256: format!("{:0>64}", id.len().to_string() + file),
        size: 4096,
        e_invoice: false,
        done_dir: None,
        refusal: None,
    }
}

#[tokio::test]
async fn an_accepted_upload_is_a_pending_document_with_its_file_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store_with_party(&dir).await;
    for item in [
        intake("doc-sales", "sales", "salesSend", "verkoop 1.xml"),
        intake("doc-purchase", "purchase", "purchaseRecognize", "bon.pdf"),
    ] {
        ledger::enqueue(&store, &item, false)
            .await
            .expect("enqueue");
    }
    let claimed = outbox::claim_due(&store, i64::MAX, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    let accepted: Vec<Accepted> = claimed
        .iter()
        .map(|i| Accepted {
            id: i.id.clone(),
            document_id: i.id.clone(),
            moved_to: None,
        })
        .collect();
    outbox::mark_sent(&store, &accepted).await.expect("sent");

    let sales = store.document("doc-sales").await.expect("sales row");
    assert_eq!(sales.document.direction, Direction::Sent);
    assert_eq!(sales.document.status, "Pending");
    assert_eq!(sales.document.channel, Channel::Peppol);
    assert_eq!(sales.document.file_name.as_deref(), Some("verkoop 1.xml"));
    assert_eq!(
        sales.document.sha256,
        Some(format!("{:0>64}", "9verkoop 1.xml"))
    );
    let purchase = store.document("doc-purchase").await.expect("purchase row");
    assert_eq!(purchase.document.direction, Direction::Received);
    assert_eq!(purchase.document.channel, Channel::Idr);

    let open = store.open_documents(10).await.expect("open");
    assert_eq!(open.len(), 2, "the tracker follows both");

    // The file behind a sent document is found by the document, for its invoice view.
    let row = outbox::by_document(&store, "doc-sales")
        .await
        .expect("by document")
        .expect("the sent row");
    assert_eq!(
        (row.file_name.as_str(), row.path.as_str()),
        ("verkoop 1.xml", "/in/verkoop 1.xml")
    );
    assert!(
        outbox::by_document(&store, "unknown")
            .await
            .expect("by document")
            .is_none()
    );
    let coverage = store.document_coverage().await.expect("coverage");
    assert_eq!((coverage.sent_here, coverage.received), (2, 0));
}

#[tokio::test]
async fn own_documents_of_unknown_organisations_wait_and_known_rows_are_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store_with_party(&dir).await;
    let doc = |id: &str, party: &str, file: Option<&str>| OwnDocument {
        id: id.into(),
        party_id: party.into(),
        direction: Direction::Sent,
        channel: Channel::Email,
        file_name: file.map(str::to_string),
        sha256: None,
        created_at: "2026-11-29T10:00:00+01:00".into(),
    };
    let written = store
        .record_own_documents(&[
            doc("a", PARTY, None),
            doc("b", "0106:99999999", Some("x.pdf")),
        ])
        .await
        .expect("record");
    assert_eq!(written, 1, "no row for an organisation not in the cache");
    store
        .record_own_documents(&[doc("a", PARTY, Some("a.pdf"))])
        .await
        .expect("again");
    let a = store.document("a").await.expect("a");
    assert_eq!(
        a.document.file_name.as_deref(),
        Some("a.pdf"),
        "a missing name is filled in"
    );
    assert_eq!(a.document.created_at, "2026-11-29T09:00:00Z");
    assert!(store.document("b").await.is_err());
}

#[tokio::test]
async fn forgotten_list_cursors_no_longer_hold_back_the_last_sync_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store_with_party(&dir).await;
    // An interrupted round of an old document list: never completed.
    store
        .start_round("purchase_invoices", PARTY)
        .await
        .expect("old round");
    store
        .complete_round("organisations", "")
        .await
        .expect("done");
    assert_eq!(store.last_completed().await.expect("read"), None);
    store
        .forget_rounds(&["purchase_invoices", "sales_invoices"])
        .await
        .expect("forget");
    assert!(store.last_completed().await.expect("read").is_some());
}
