//! The Documents screen's export: the CSV Dutch Excel opens in columns and the `.xlsx`
//! with real date and number cells, both read back, over more rows than one page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use econnect_api::PartyId;
use econnect_engine::desktop::Language;
use econnect_engine::export::ExportFormat;
use econnect_engine::{Channel, Direction, DocumentQuery, DocumentSort, Engine, SortField};
use econnect_sandbox::Seed;
use econnect_store::DocumentRecord;

const PARTY: &str = "NL:KVK:30187412";
/// More than one export page (1000 rows).
const ROWS: u32 = 1203;

async fn engine_with_documents(
    dir: &std::path::Path,
) -> (Engine, econnect_sandbox::RunningSandbox) {
    let sb = sandbox(Seed::Demo).await;
    let engine = quiet_engine(&sb, dir).await;
    let store = engine.store().await.unwrap();
    let party = PartyId::new(PARTY).as_str().to_string();
    let docs: Vec<DocumentRecord> = (0..ROWS)
        .map(|n| DocumentRecord {
            id: format!("doc-{n:04}"),
            channel: Channel::Peppol,
            status: "Delivered".into(),
            counterparty_id: Some("0106:27312152".into()),
            counterparty_name: Some(match n {
                0 => "Jansen; Zonen & Co".to_string(),
                1 => "=HYPERLINK(\"x\")".to_string(),
                _ => format!("Leverancier {n}"),
            }),
            invoice_number: Some(format!("F-{n:04}")),
            issue_date: Some("2026-12-31".into()),
            amount: Some(if n == 2 {
                "-12.5".into()
            } else {
                "1234.56".into()
            }),
            currency: Some("EUR".into()),
            created_at: "2026-12-31T10:00:00Z".into(),
        })
        .collect();
    let c = store
        .start_round("purchase_invoices", &party)
        .await
        .unwrap();
    let chunks: Vec<_> = docs.chunks(500).collect();
    for (n, chunk) in chunks.iter().enumerate() {
        let next = (n + 1 < chunks.len()).then(|| format!("t{n}"));
        store
            .write_document_page(
                "purchase_invoices",
                &party,
                Direction::Received,
                c.generation,
                chunk,
                next.as_deref(),
            )
            .await
            .unwrap();
    }
    (engine, sb)
}

fn by_number() -> DocumentQuery {
    DocumentQuery {
        sort: Some(DocumentSort {
            field: SortField::Number,
            descending: false,
        }),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_is_semicolon_separated_with_a_bom_decimal_comma_and_dutch_dates() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _sb) = engine_with_documents(dir.path()).await;
    let path = dir.path().join("documenten.csv");
    let done = engine
        .export_documents(by_number(), ExportFormat::Csv, Language::Nl, &path)
        .await
        .unwrap();
    assert_eq!(done.rows, ROWS);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines = parse(&text);
    assert_eq!(lines.len() as u32, ROWS + 1);
    assert_eq!(lines[0][0], "Organisatie");
    assert_eq!(lines[0][8], "Bedrag");
    let first = &lines[1];
    assert_eq!(first[4], "F-0000");
    assert_eq!(first[5], "31-12-2026");
    assert_eq!(
        first[6], "Jansen; Zonen & Co",
        "the separator inside a name survives"
    );
    assert_eq!(first[8], "1234,56");
    assert_eq!(first[3], "Afgeleverd");
    assert_eq!(lines[2][6], "'=HYPERLINK(\"x\")", "a formula is defused");
    assert_eq!(lines[3][8], "-12,5");
    assert!(!dir.path().join("documenten.csv.part").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xlsx_export_has_date_and_number_cells_and_a_selection_exports_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _sb) = engine_with_documents(dir.path()).await;
    let path = dir.path().join("documents.xlsx");
    let done = engine
        .export_documents(by_number(), ExportFormat::Xlsx, Language::En, &path)
        .await
        .unwrap();
    assert_eq!(done.rows, ROWS);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Documents").unwrap();
    assert_eq!(sheet.height() as u32, ROWS + 1);
    assert_eq!(
        sheet.get((0, 0)),
        Some(&Data::String("Organisation".into()))
    );
    assert_eq!(sheet.get((1, 4)), Some(&Data::String("F-0000".into())));
    assert_eq!(sheet.get((1, 8)), Some(&Data::Float(1234.56)));
    assert_eq!(sheet.get((3, 8)), Some(&Data::Float(-12.5)));
    match sheet.get((1, 5)) {
        // Excel's day number of 31-12-2026 (days since 30-12-1899).
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 46387.0),
        other => panic!("the invoice date is a date cell, got {other:?}"),
    }

    let selection = dir.path().join("selectie.csv");
    let done = engine
        .export_documents(
            DocumentQuery {
                ids: Some(vec!["doc-0005".into(), "doc-0007".into()]),
                ..by_number()
            },
            ExportFormat::Csv,
            Language::Nl,
            &selection,
        )
        .await
        .unwrap();
    assert_eq!(done.rows, 2);
    let text = std::fs::read_to_string(&selection).unwrap();
    let lines = parse(text.trim_start_matches('\u{feff}'));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1][4], "F-0005");
    assert_eq!(lines[2][4], "F-0007");
}

/// A reader for the dialect: `;` separated, `"` quoted with `""` inside, CRLF lines.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (';', false) => fields.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                fields.push(std::mem::take(&mut field));
                lines.push(std::mem::take(&mut fields));
            }
            (c, _) => field.push(c),
        }
    }
    lines
}
