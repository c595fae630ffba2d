//! The intake ledger: a batch is one transaction of a few statements, and must still find
//! duplicates in the store and within itself, record them only when asked, and keep every
//! column of the outbox row.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_store::Store;
use econnect_store::ledger::{self, DuplicateOf, Enqueued, NewIntake};
use econnect_store::outbox;

const PARTY: &str = "0106:30187412";

fn intake(id: &str, sha: char, refusal: Option<&str>) -> NewIntake {
    NewIntake {
        id: id.into(),
        party_id: PARTY.into(),
        direction: "purchase".into(),
        route: refusal.is_none().then(|| "purchaseRecognize".into()),
        path: format!("/map/{id}.pdf"),
        file_name: format!("{id}.pdf"),
        mime: "application/pdf".into(),
        sha256: sha.to_string().repeat(64),
        size: 2048,
        e_invoice: id.starts_with('e'),
        done_dir: Some("/map".into()),
        refusal: refusal.map(|m| ("encrypted".into(), m.into())),
    }
}

fn as_refused(of: &DuplicateOf) -> (String, String) {
    (
        "duplicate".into(),
        format!("al verzonden als {}", of.file_name),
    )
}

#[tokio::test]
async fn a_batch_finds_duplicates_in_the_store_and_within_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    assert_eq!(
        ledger::enqueue(&store, &intake("eerste", 'a', None), false)
            .await
            .expect("first"),
        Enqueued::Written
    );

    let batch = vec![
        intake("tweede", 'a', None),  // same content as the stored one
        intake("e-derde", 'b', None), // new
        intake("vierde", 'b', None),  // same as the one before it in this batch
        intake("beveiligd", 'a', Some("Document beveiligd")), // refused locally: no check
        intake("vijfde", 'c', None),  // new
    ];
    let done = ledger::enqueue_many(&store, &batch, false, Some(&as_refused))
        .await
        .expect("batch");
    assert!(
        matches!(&done[0], Enqueued::Duplicate(of) if of.id == "eerste" && of.state == "queued")
    );
    assert_eq!(done[1], Enqueued::Written);
    assert!(
        matches!(&done[2], Enqueued::Duplicate(of) if of.id == "e-derde" && of.document_id.is_none())
    );
    assert_eq!(done[3], Enqueued::Written);
    assert_eq!(done[4], Enqueued::Written);

    let row = |id: &'static str| {
        let store = store.clone();
        async move { outbox::get(&store, id).await.expect("read").expect(id) }
    };
    let dup = row("tweede").await;
    assert_eq!(
        (dup.state.as_str(), dup.refusal_code.as_deref()),
        ("refused", Some("duplicate"))
    );
    assert_eq!(
        dup.refusal_message.as_deref(),
        Some("al verzonden als eerste.pdf")
    );
    let third = row("e-derde").await;
    assert_eq!(third.state, "queued");
    assert!(third.e_invoice);
    assert_eq!(
        (third.size, third.route.as_deref()),
        (2048, Some("purchaseRecognize"))
    );
    assert_eq!(
        (third.path.as_str(), third.original_path.as_str()),
        ("/map/e-derde.pdf", "/map/e-derde.pdf")
    );
    assert_eq!(third.done_dir.as_deref(), Some("/map"));
    let protected = row("beveiligd").await;
    assert_eq!(protected.state, "refused");
    assert_eq!(
        protected.refusal_message.as_deref(),
        Some("Document beveiligd")
    );
    assert_eq!(protected.route, None);

    // The queue claims the three live rows, not the refused ones.
    let claimed = outbox::claim_due(&store, i64::MAX, 10)
        .await
        .expect("claim");
    let mut ids: Vec<_> = claimed.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["e-derde", "eerste", "vijfde"]);
}

#[tokio::test]
async fn without_a_record_a_duplicate_is_not_written_and_force_sends_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    ledger::enqueue(&store, &intake("eerste", 'a', None), false)
        .await
        .expect("first");
    let again = ledger::enqueue(&store, &intake("tweede", 'a', None), false)
        .await
        .expect("again");
    assert!(matches!(again, Enqueued::Duplicate(of) if of.file_name == "eerste.pdf"));
    assert!(outbox::get(&store, "tweede").await.expect("read").is_none());

    let forced = ledger::enqueue(&store, &intake("tweede", 'a', None), true)
        .await
        .expect("forced");
    assert_eq!(forced, Enqueued::Written);
    assert_eq!(
        outbox::get(&store, "tweede")
            .await
            .expect("read")
            .expect("row")
            .state,
        "queued"
    );
}

fn content_name(item: &NewIntake, n: u32) -> String {
    let base = format!(
        "{}-{}-{}",
        item.direction,
        &item.sha256[..4],
        item.party_id.len()
    );
    if n == 0 {
        base
    } else {
        format!("{base}-{}", n + 1)
    }
}

#[tokio::test]
async fn named_rows_count_earlier_intakes_of_the_same_content() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite"))
        .await
        .expect("store");
    // The first intake of some content gets name 0, whatever id the item carried.
    let first = ledger::enqueue_named(
        &store,
        &[intake("x", 'a', None)],
        false,
        None,
        &content_name,
    )
    .await
    .expect("first");
    assert_eq!(first, [(Enqueued::Written, "purchase-aaaa-13".to_string())]);
    // A recorded duplicate and a second copy in the same batch get the next names; other
    // content and another direction start at 0.
    let mut sales = intake("y", 'a', None);
    sales.direction = "sales".into();
    let batch = [
        intake("y", 'a', None),
        intake("z", 'a', None),
        intake("w", 'b', None),
        sales,
    ];
    let done = ledger::enqueue_named(&store, &batch, false, Some(&as_refused), &content_name)
        .await
        .expect("batch");
    let ids: Vec<&str> = done.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "purchase-aaaa-13-2",
            "purchase-aaaa-13-3",
            "purchase-bbbb-13",
            "sales-aaaa-13"
        ]
    );
    assert!(matches!(&done[0].0, Enqueued::Duplicate(of) if of.id == "purchase-aaaa-13"));
    assert_eq!(
        outbox::get(&store, "purchase-aaaa-13-2")
            .await
            .expect("read")
            .expect("row")
            .state,
        "refused"
    );
    // "Toch verzenden": forced, the same content gets a name of its own.
    let forced =
        ledger::enqueue_named(&store, &[intake("v", 'a', None)], true, None, &content_name)
            .await
            .expect("forced");
    assert_eq!(
        forced,
        [(Enqueued::Written, "purchase-aaaa-13-4".to_string())]
    );
    assert_eq!(
        outbox::get(&store, "purchase-aaaa-13-4")
            .await
            .expect("read")
            .expect("row")
            .state,
        "queued"
    );
}
