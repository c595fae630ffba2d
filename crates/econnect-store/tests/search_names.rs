//! Totals from the groups summed ahead and search through the counterparty names: every
//! filter's and search's rows, count and sums per currency equal a plain walk over all
//! documents, and stay equal after documents change status, name or amount, leave, or lose
//! their organisation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use econnect_store::{
    Channel, Direction, DocumentQuery, DocumentRecord, DocumentRow, PartyRecord, Permissions, Store,
};

const PARTY: &str = "0106:30187412";
const OTHER: &str = "0106:24356718";

fn party(id: &str, name: &str) -> PartyRecord {
    PartyRecord {
        id: id.into(),
        name: name.into(),
        permissions: Permissions::default(),
    }
}

/// The `i`-th received document; `round` shifts status, name and amount of some of them.
fn received(i: u32, round: u32) -> DocumentRecord {
    let name = match i % 10 {
        0 => None,
        1 => Some("Drukkerij 2026"),
        2 => Some("Glans & Co"),
        3 => Some("Kantoor Glans"),
        _ if round > 0 && i % 25 == 4 => Some("Nieuwe Naam Mulder"),
        _ => Some("Kantoorartikelen Mulder B.V."),
    };
    let number = if i.is_multiple_of(13) {
        None
    } else if i.is_multiple_of(7) {
        Some(format!("MULDER-{i}"))
    } else {
        Some(format!("INV-2026-{i:04}"))
    };
    let amount = (!i.is_multiple_of(9)).then(|| {
        let euros = if round > 0 && i.is_multiple_of(8) {
            i + 1000
        } else {
            i
        };
        format!("{euros}.25")
    });
    let currency = if i.is_multiple_of(17) {
        None
    } else if i.is_multiple_of(11) {
        Some("USD".to_string())
    } else {
        Some("EUR".to_string())
    };
    DocumentRecord {
        id: format!("r{i}"),
        channel: if i.is_multiple_of(2) {
            Channel::Peppol
        } else {
            Channel::Idr
        },
        status: ["Delivered", "Failed", "Pending"][((i + round) % 3) as usize].to_string(),
        counterparty_id: None,
        counterparty_name: name.map(str::to_string),
        invoice_number: number,
        issue_date: None,
        amount,
        currency,
        created_at: format!(
            "2026-10-{:02}T{:02}:{:02}:00Z",
            2 + i / 1440,
            (i / 60) % 24,
            i % 60
        ),
    }
}

fn sent(i: u32) -> DocumentRecord {
    DocumentRecord {
        id: format!("s{i}"),
        channel: Channel::Email,
        status: "Delivered".into(),
        counterparty_id: None,
        counterparty_name: Some(if i.is_multiple_of(2) {
            "Mulder Glans B.V.".into()
        } else {
            "Glansrijk 2026".into()
        }),
        invoice_number: Some(format!("V-{i}")),
        issue_date: None,
        amount: Some(format!("{i}.10")),
        currency: Some("EUR".into()),
        created_at: format!("2026-09-01T10:{i:02}:00Z"),
    }
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Each word of `search` starts a word of the name, number or file name.
fn matches(row: &DocumentRow, search: &str) -> bool {
    let fields = [&row.counterparty_name, &row.invoice_number, &row.file_name];
    let tokens: Vec<String> = fields
        .iter()
        .filter_map(|f| f.as_deref())
        .flat_map(words)
        .collect();
    words(search).all(|w| tokens.iter().any(|t| t.starts_with(&w)))
}

fn cents(amount: &str) -> i64 {
    let (euros, cents) = amount.split_once('.').unwrap();
    euros.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

/// Every document, read page by page without a filter.
async fn every_row(store: &Store) -> Vec<DocumentRow> {
    let mut rows = Vec::new();
    loop {
        let page = store
            .documents(&DocumentQuery {
                offset: rows.len() as u32,
                limit: Some(1000),
                ..Default::default()
            })
            .await
            .unwrap();
        let done = page.rows.len() < 1000;
        rows.extend(page.rows);
        if done {
            return rows;
        }
    }
}

/// Compares every search with every filter to the walk over `all`.
async fn check_all(store: &Store, all: &[DocumentRow], when: &str) {
    let searches = [
        // No words: the filters alone, added up from the groups.
        "",
        "mulder",
        "mul",
        "glans",
        "2026",
        "mulder 2026",
        "glans 2026",
        "kantoor glans",
        "drukkerij 2026",
        "inv 0042",
        "mulder scan",
        // One word that no name holds: numbers and file names only.
        "scan",
        // One word that most of an organisation's numbers start with: summed as the
        // organisation minus the documents it misses.
        "inv",
        "in",
        "nieuwe mulder",
        "co",
        "zzz",
        // The start of the organisation's token in the index ('p' and the hex of its id):
        // never found by a search.
        "p3031",
    ];
    let filters = [
        DocumentQuery::default(),
        DocumentQuery {
            party: Some(PARTY.into()),
            ..Default::default()
        },
        DocumentQuery {
            status: Some("failed".into()),
            ..Default::default()
        },
        DocumentQuery {
            channel: Some(Channel::Idr),
            direction: Some(Direction::Received),
            ..Default::default()
        },
        DocumentQuery {
            direction: Some(Direction::Sent),
            ..Default::default()
        },
        DocumentQuery {
            party: Some(PARTY.into()),
            status: Some("Pending".into()),
            ..Default::default()
        },
        DocumentQuery {
            party: Some(PARTY.into()),
            direction: Some(Direction::Received),
            channel: Some(Channel::Idr),
            ..Default::default()
        },
        DocumentQuery {
            from: Some("2026-10-02".into()),
            to: Some("2026-10-02".into()),
            ..Default::default()
        },
    ];
    for search in searches {
        for filter in &filters {
            let query = DocumentQuery {
                search: Some(search.into()),
                limit: Some(100),
                ..filter.clone()
            };
            let mut expected: Vec<&DocumentRow> = all
                .iter()
                .filter(|r| matches(r, search))
                .filter(|r| filter.party.as_deref().is_none_or(|p| r.party_id == p))
                .filter(|r| {
                    filter
                        .status
                        .as_deref()
                        .is_none_or(|s| r.status.eq_ignore_ascii_case(s))
                })
                .filter(|r| filter.channel.is_none_or(|c| r.channel == c))
                .filter(|r| filter.direction.is_none_or(|d| r.direction == d))
                .filter(|r| filter.from.is_none() || r.created_at.starts_with("2026-10-02"))
                .collect();
            expected.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            let mut sums: BTreeMap<Option<String>, (u32, u32, i64)> = BTreeMap::new();
            for r in &expected {
                let s = sums.entry(r.currency.clone()).or_default();
                s.0 += 1;
                if let Some(a) = &r.amount {
                    s.1 += 1;
                    s.2 += cents(a);
                }
            }

            let page = store.documents(&query).await.unwrap();
            let what = format!("{when}: '{search}' with {filter:?}");
            assert_eq!(page.total as usize, expected.len(), "count, {what}");
            let ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
            let want: Vec<&str> = expected.iter().take(100).map(|r| r.id.as_str()).collect();
            assert_eq!(ids, want, "rows, {what}");
            let got: BTreeMap<Option<String>, (u32, u32, i64)> = page
                .totals
                .iter()
                .map(|t| {
                    (
                        t.currency.clone(),
                        (t.count, t.with_amount, cents(&t.amount)),
                    )
                })
                .collect();
            assert_eq!(got, sums, "sums per currency, {what}");
        }
    }
}

#[tokio::test]
async fn searches_through_summed_names_equal_a_walk_over_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    store
        .replace_parties(&[
            party(PARTY, "Bakkerij Korenaar"),
            party(OTHER, "Aannemer Appel"),
        ])
        .await
        .unwrap();
    // 2,000 received: "mulder" matches more than a page walk's worth (the broad plan).
    let docs: Vec<DocumentRecord> = (0..2000).map(|i| received(i, 0)).collect();
    common::write(&store, PARTY, Direction::Received, &docs).await;
    let own: Vec<DocumentRecord> = (0..40).map(sent).collect();
    common::write(&store, OTHER, Direction::Sent, &own).await;
    for i in (0..2000).step_by(97) {
        store
            .set_local_file(&format!("r{i}"), &format!("mulder-scan-{i}.pdf"), "00")
            .await
            .unwrap();
    }
    let all = every_row(&store).await;
    assert_eq!(all.len(), 2040);
    check_all(&store, &all, "written").await;

    // Another status for a third, another name or amount for some; every 50th gone.
    let docs: Vec<DocumentRecord> = (0..2000)
        .filter(|i: &u32| !i.is_multiple_of(50))
        .map(|i| received(i, 1))
        .collect();
    common::write(&store, PARTY, Direction::Received, &docs).await;
    let all = every_row(&store).await;
    assert_eq!(all.len(), 2000);
    assert!(
        all.iter()
            .any(|r| r.counterparty_name.as_deref() == Some("Nieuwe Naam Mulder"))
    );
    check_all(&store, &all, "changed").await;

    // An organisation that is gone takes its documents and their sums along.
    store
        .replace_parties(&[party(PARTY, "Bakkerij Korenaar")])
        .await
        .unwrap();
    let all = every_row(&store).await;
    assert_eq!(all.len(), 1960);
    check_all(&store, &all, "organisation gone").await;
}
