//! The document list's "Datum": the invoice date, or the created date when a document has
//! none. Sorting by it follows that same day (then the moment it came in), on the first page
//! and on deep pages read from remembered places, and the period filter stays on the day a
//! document was received or sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use econnect_store::{
    Channel, Direction, DocumentQuery, DocumentRecord, DocumentSort, PartyRecord, Permissions,
    SortField, Store,
};

const PARTY: &str = "0106:12345678";

/// The `i`-th document: two in three have an invoice date weeks before they came in, in
/// another order than their arrival; every created-at is distinct.
fn doc(i: u32) -> DocumentRecord {
    DocumentRecord {
        id: format!("d{i:05}"),
        channel: Channel::Peppol,
        status: "Delivered".into(),
        counterparty_id: None,
        counterparty_name: Some("Leverancier".into()),
        invoice_number: Some(format!("INV-{i:05}")),
        issue_date: (!i.is_multiple_of(3)).then(|| format!("2026-10-{:02}", 1 + (i * 7) % 28)),
        amount: Some("1.00".into()),
        currency: Some("EUR".into()),
        created_at: format!(
            "2026-11-{:02}T{:02}:{:02}:00Z",
            1 + i / 1440,
            (i / 60) % 24,
            i % 60
        ),
    }
}

/// The day the list shows for a document, as the screen shows it.
fn shown_day(d: &DocumentRecord) -> String {
    d.issue_date
        .clone()
        .unwrap_or_else(|| d.created_at[..10].to_string())
}

async fn store_with(docs: &[DocumentRecord]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    store
        .replace_parties(&[PartyRecord {
            id: PARTY.into(),
            name: "Bakkerij Korenaar".into(),
            permissions: Permissions::default(),
        }])
        .await
        .unwrap();
    common::write(&store, PARTY, Direction::Received, docs).await;
    (dir, store)
}

/// The ids in the order the "Datum" column promises.
fn expected(docs: &[DocumentRecord], descending: bool) -> Vec<String> {
    let mut sorted: Vec<&DocumentRecord> = docs.iter().collect();
    sorted.sort_by(|a, b| {
        let order = shown_day(a)
            .cmp(&shown_day(b))
            .then(a.created_at.cmp(&b.created_at));
        if descending { order.reverse() } else { order }
    });
    sorted.into_iter().map(|d| d.id.clone()).collect()
}

fn by_date(descending: bool, offset: u32, limit: u32) -> DocumentQuery {
    DocumentQuery {
        sort: Some(DocumentSort {
            field: SortField::Date,
            descending,
        }),
        offset,
        limit: Some(limit),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_date_sort_follows_the_invoice_date_the_column_shows() {
    let docs: Vec<DocumentRecord> = (0..300).map(doc).collect();
    let (_dir, store) = store_with(&docs).await;
    for descending in [true, false] {
        let page = store
            .documents(&by_date(descending, 0, 1000))
            .await
            .unwrap();
        let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
        assert_eq!(ids, expected(&docs, descending), "descending {descending}");
        // What the screen shows is in order too.
        let days: Vec<String> = page
            .rows
            .iter()
            .map(|r| {
                r.issue_date
                    .clone()
                    .unwrap_or_else(|| r.created_at[..10].to_string())
            })
            .collect();
        let mut sorted = days.clone();
        sorted.sort();
        if descending {
            sorted.reverse();
        }
        assert_eq!(days, sorted);
    }
    // The default order is the same as the column's, newest day first.
    let page = store
        .documents(&DocumentQuery {
            limit: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, expected(&docs, true)[..50]);
}

#[tokio::test]
async fn deep_date_pages_equal_the_whole_order_before_and_after_a_write() {
    let mut docs: Vec<DocumentRecord> = (0..4300).map(doc).collect();
    let (_dir, store) = store_with(&docs).await;
    for round in 0..2 {
        for descending in [true, false] {
            let want = expected(&docs, descending);
            // Jumps far ahead (a ladder of places), back, between places and past the end.
            for offset in [3100u32, 2000, 2001, 4250, 2999, 3000, 4299, 4400] {
                let page = store
                    .documents(&by_date(descending, offset, 100))
                    .await
                    .unwrap();
                let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
                let start = (offset as usize).min(want.len());
                let end = (offset as usize + 100).min(want.len());
                assert_eq!(
                    ids,
                    want[start..end],
                    "round {round}, offset {offset}, descending {descending}"
                );
                assert_eq!(page.total as usize, want.len());
            }
        }
        // A write moves documents: places remembered before no longer count.
        for d in docs.iter_mut().step_by(5) {
            d.issue_date = Some("2026-12-24".into());
        }
        common::write(&store, PARTY, Direction::Received, &docs).await;
    }
}

#[tokio::test]
async fn the_period_filter_stays_on_the_day_received() {
    // Received in November, dated in October: a count on Overzicht ("since 1 November")
    // and the list it opens agree. One day holds 1,440 documents (read and sorted), two days
    // 2,880 (the date order walked, skipping the rest): both give the same order.
    let docs: Vec<DocumentRecord> = (0..4300).map(doc).collect();
    let (_dir, store) = store_with(&docs).await;
    for (from, to) in [("2026-11-01", "2026-11-01"), ("2026-11-02", "2026-11-03")] {
        let within: Vec<DocumentRecord> = docs
            .iter()
            .filter(|d| (from..=to).contains(&&d.created_at[..10]))
            .cloned()
            .collect();
        for descending in [true, false] {
            let want = expected(&within, descending);
            for offset in [0u32, 1000, 2500] {
                let page = store
                    .documents(&DocumentQuery {
                        from: Some(from.into()),
                        to: Some(to.into()),
                        ..by_date(descending, offset, 100)
                    })
                    .await
                    .unwrap();
                assert_eq!(page.total as usize, within.len(), "{from}..{to}");
                let start = (offset as usize).min(want.len());
                let end = (offset as usize + 100).min(want.len());
                let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
                assert_eq!(
                    ids,
                    want[start..end],
                    "{from}..{to}, offset {offset}, descending {descending}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_far_jump_marks_places_to_the_end_and_later_jumps_start_there() {
    // 24,000 documents: a jump past 20,000 rows from the top marks every 1,000th place.
    let docs: Vec<DocumentRecord> = (0..24_000).map(doc).collect();
    let (_dir, store) = store_with(&docs).await;
    for descending in [true, false] {
        let want = expected(&docs, descending);
        for offset in [21_000u32, 20_500, 23_950, 22_001, 3_000] {
            let page = store
                .documents(&by_date(descending, offset, 100))
                .await
                .unwrap();
            let ids: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
            let end = (offset as usize + 100).min(want.len());
            assert_eq!(
                ids,
                want[offset as usize..end],
                "offset {offset}, descending {descending}"
            );
        }
    }
}
