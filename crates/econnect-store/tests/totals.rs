//! The document list's totals row: count and sum per currency of the whole filtered set,
//! whether it fits on one page or not, and the selection filter.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use econnect_store::{
    Channel, Direction, DocumentQuery, DocumentRecord, DocumentSort, PartyRecord, Permissions,
    SortField, Store,
};

const PARTY: &str = "0106:12345678";
const OTHER: &str = "0106:87654321";

fn doc(id: &str, n: u32, amount: Option<&str>, currency: &str) -> DocumentRecord {
    DocumentRecord {
        id: id.to_string(),
        channel: Channel::Peppol,
        status: if n.is_multiple_of(2) {
            "Delivered"
        } else {
            "Failed"
        }
        .into(),
        counterparty_id: Some("0106:27312152".into()),
        counterparty_name: Some(format!("Leverancier {n}")),
        invoice_number: Some(format!("INV-{n:04}")),
        issue_date: Some("2026-11-01".into()),
        amount: amount.map(str::to_string),
        currency: Some(currency.into()),
        created_at: format!("2026-11-{:02}T10:00:00Z", 1 + n % 28),
    }
}

async fn store_with(docs: &[DocumentRecord]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    let party = |id: &str, name: &str| PartyRecord {
        id: id.into(),
        name: name.into(),
        permissions: Permissions::default(),
    };
    store
        .replace_parties(&[
            party(PARTY, "Bakkerij Korenaar"),
            party(OTHER, "Aannemer Appel"),
        ])
        .await
        .unwrap();
    common::write(&store, PARTY, Direction::Received, docs).await;
    (dir, store)
}

#[tokio::test]
async fn totals_sum_every_matching_row_per_currency_beyond_the_page() {
    let mut docs: Vec<DocumentRecord> = (0..300)
        .map(|i| doc(&format!("e{i}"), i, Some("10.25"), "EUR"))
        .collect();
    docs.push(doc("u1", 1, Some("99.99"), "USD"));
    docs.push(doc("none", 3, None, "EUR"));
    let (_dir, store) = store_with(&docs).await;

    let page = store
        .documents(&DocumentQuery {
            limit: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 50);
    assert_eq!(page.total, 302);
    assert_eq!(page.totals.len(), 2);
    let eur = &page.totals[0];
    assert_eq!(eur.currency.as_deref(), Some("EUR"));
    assert_eq!((eur.count, eur.with_amount), (301, 300));
    assert_eq!(eur.amount, "3075.00");
    assert_eq!(page.totals[1].amount, "99.99");

    // A filter narrows the sum the same way, on one page or many.
    let failed = DocumentQuery {
        status: Some("failed".into()),
        sort: Some(DocumentSort {
            field: SortField::Amount,
            descending: true,
        }),
        limit: Some(1000),
        ..Default::default()
    };
    let one_page = store.documents(&failed).await.unwrap();
    let paged = store
        .documents(&DocumentQuery {
            limit: Some(10),
            offset: 10,
            ..failed.clone()
        })
        .await
        .unwrap();
    assert_eq!(one_page.total, 152);
    assert_eq!(
        one_page.totals, paged.totals,
        "the same set, summed in Rust or SQL"
    );
    assert_eq!(one_page.totals[0].amount, "1537.50");
}

#[tokio::test]
async fn a_selection_filters_rows_and_totals() {
    let docs: Vec<DocumentRecord> = (0..20)
        .map(|i| doc(&format!("d{i}"), i, Some("1.10"), "EUR"))
        .collect();
    let (_dir, store) = store_with(&docs).await;
    let page = store
        .documents(&DocumentQuery {
            ids: Some(vec!["d3".into(), "d7".into(), "missing".into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["d3", "d7"]);
    assert_eq!(page.total, 2);
    assert_eq!(page.totals[0].amount, "2.20");
}

#[tokio::test]
async fn sorting_by_organisation_and_counterparty_keeps_filters() {
    let docs: Vec<DocumentRecord> = (0..30)
        .map(|i| doc(&format!("d{i}"), i, Some("5.00"), "EUR"))
        .collect();
    let (_dir, store) = store_with(&docs).await;
    for field in [SortField::Organisation, SortField::Counterparty] {
        let page = store
            .documents(&DocumentQuery {
                party: Some(PARTY.into()),
                status: Some("Delivered".into()),
                sort: Some(DocumentSort {
                    field,
                    descending: false,
                }),
                limit: Some(5),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 15, "{field:?}");
        assert_eq!(page.totals[0].amount, "75.00");
        assert!(page.rows.iter().all(|r| r.status == "Delivered"));
    }
}

#[tokio::test]
async fn deep_date_pages_from_a_remembered_place_match_a_walk_from_the_top() {
    // Many documents on few dates: ties in the date are ordered by seq.
    let docs: Vec<DocumentRecord> = (0..5200)
        .map(|i| {
            let mut d = doc(&format!("d{i:05}"), i, Some("1.00"), "EUR");
            d.created_at = format!("2026-11-{:02}T10:00:00Z", 1 + i % 7);
            d
        })
        .collect();
    let (_dir, store) = store_with(&docs).await;
    for descending in [true, false] {
        let page = |offset: u32, limit: u32| DocumentQuery {
            status: Some("Delivered".into()),
            sort: Some(DocumentSort {
                field: SortField::Date,
                descending,
            }),
            offset,
            limit: Some(limit),
            ..Default::default()
        };
        // The whole order, walked from the top (no place is remembered yet for this order).
        let mut all = Vec::new();
        for offset in [0, 1000, 2000] {
            let rows = store.documents(&page(offset, 1000)).await.unwrap().rows;
            all.extend(rows.into_iter().map(|r| r.id));
        }
        assert_eq!(all.len(), 2600);
        // Deep pages: the first leaves a place, the next ones start from it.
        for offset in [2000u32, 2100, 2150, 2499, 2550] {
            let rows = store.documents(&page(offset, 50)).await.unwrap().rows;
            let ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
            let end = (offset as usize + 50).min(all.len());
            assert_eq!(
                ids,
                all[offset as usize..end],
                "offset {offset}, descending {descending}"
            );
        }
    }
}
