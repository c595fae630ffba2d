//! Receiving against the sandbox: each invoice lands on disk exactly once across restarts,
//! crashes and faults; hostile names stay inside the folder; XML bombs and oversized files
//! are refused without using much memory; the retention guard warns once.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::files;

use std::path::PathBuf;
use std::time::Duration;

use econnect_api::Client;
use econnect_engine::receive::{ReceiveEvent, ReceiveOptions, Receiver};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, Seed};
use econnect_store::{ListedInvoice, ReceivedState, Store, timestamp};
use serde_json::json;

/// Bakkerij De Gouden Korenaar: receiving on in the demo, three invoices waiting (one with a PDF).
const PARTY: &str = "0106:30187412";

struct Setup {
    sb: RunningSandbox,
    client: Client,
    store: Store,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let sb = common::sandbox(Seed::Demo).await;
        let client = common::client(&sb);
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("cache.sqlite"))
            .await
            .expect("store");
        let setup = Setup {
            sb,
            client,
            store,
            dir,
        };
        setup
            .receiver(ReceiveOptions::default())
            .refresh_organisations()
            .await
            .expect("organisations");
        // The demo's three waiting invoices, announced as a hook does (there is no list).
        let waiting: Vec<ListedInvoice> = setup
            .sb
            .seeded_documents()
            .into_iter()
            .filter(|d| !d.sent && d.party_id == PARTY)
            .map(|d| ListedInvoice {
                document_id: d.id,
                received_on: d.created_on,
                channel: d.channel,
            })
            .collect();
        assert_eq!(waiting.len(), 3);
        setup
            .store
            .record_listed(PARTY, &waiting, None)
            .await
            .expect("announce");
        setup
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn receiver(&self, options: ReceiveOptions) -> Receiver {
        Receiver::new(
            self.client.clone(),
            self.store.clone(),
            ReceiveOptions {
                only_party: Some(PARTY.into()),
                folder: Some(self.out()),
                retry_base: Duration::ZERO,
                ..options
            },
        )
    }

    /// A new invoice arrives and a hook announces it (InvoiceReceived → `record_listed`).
    async fn add(&self, invoice: ReceivedInvoice) -> String {
        let id = self
            .sb
            .add_received(ReceivedInvoice {
                party_id: PARTY.into(),
                ..invoice
            })
            .expect("add");
        let item = ListedInvoice {
            document_id: id.clone(),
            received_on: timestamp::now(),
            channel: "peppol".into(),
        };
        self.store
            .record_listed(PARTY, &[item], None)
            .await
            .expect("announce");
        id
    }
}

fn with_ext(all: &[PathBuf], ext: &str) -> usize {
    all.iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_invoice_is_written_once_across_restarts_crashes_and_faults() {
    let s = Setup::new().await;
    let first = s
        .receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    assert_eq!((first.organisations, first.saved, first.failed), (1, 3, 0));
    let all = files(&s.out());
    assert_eq!(
        (with_ext(&all, "xml"), with_ext(&all, "pdf")),
        (3, 1),
        "{all:?}"
    );
    assert!(
        all.iter().all(|p| p.starts_with(
            s.out()
                .join("Ontvangen")
                .join("Bakkerij De Gouden Korenaar B.V")
        )),
        "{all:?}"
    );
    assert!(all.iter().any(|p| {
        p.file_name().is_some_and(|n| {
            n.to_string_lossy().ends_with(".pdf")
                && std::fs::read(p).is_ok_and(|b| b.starts_with(b"%PDF"))
        })
    }));

    // A restart (a new receiver on the same cache) finds nothing new; a repeated
    // announcement (a hook delivered twice) changes nothing either.
    let repeat = ListedInvoice {
        document_id: format!("demo-{}-r1", &PARTY[5..]),
        received_on: timestamp::now(),
        channel: "peppol".into(),
    };
    assert_eq!(
        s.store
            .record_listed(PARTY, &[repeat], None)
            .await
            .expect("again"),
        0
    );
    let again = s
        .receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    assert_eq!(again.saved, 0);

    // A crash after the files were placed but before "saved" was recorded, with a temp
    // file left behind: the next pass finishes without a second copy.
    sqlx::query("UPDATE received_invoices SET state = 'writing'")
        .execute(s.store.pool())
        .await
        .expect("sql");
    let resumed = s
        .receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    assert_eq!(resumed.saved, 3);
    assert_eq!(files(&s.out()), all, "no second copies, no temp files left");

    // New invoices under faults: failures are retried until each is on disk once.
    for n in 0..6 {
        s.add(ReceivedInvoice {
            invoice_number: Some(format!("F-{n}")),
            with_pdf: Some(n % 2 == 0),
            ..Default::default()
        })
        .await;
    }
    common::fault(
        &s.sb,
        json!({"kind": "reset", "rate": 0.3, "pathContains": "/download"}),
    )
    .await;
    common::fault(&s.sb, json!({"kind": "serverError", "rate": 0.2})).await;
    let receiver = s.receiver(ReceiveOptions::default());
    for _ in 0..30 {
        let _ = receiver.pass().await;
        let saved = s
            .store
            .received_counts()
            .await
            .expect("counts")
            .iter()
            .find(|(st, _)| st == "saved")
            .map_or(0, |c| c.1);
        if saved == 9 {
            break;
        }
    }
    let all = files(&s.out());
    assert_eq!(
        (with_ext(&all, "xml"), with_ext(&all, "pdf")),
        (9, 4),
        "{all:?}"
    );
    assert_eq!(all.len(), 13, "nothing else (no temp files): {all:?}");

    // The documents list shows what the UBL said.
    let row = sqlx::query_as::<_, (Option<String>, Option<String>, Option<String>)>(
        "SELECT counterparty_name, invoice_number, amount FROM documents WHERE invoice_number = 'F-0'",
    )
    .fetch_one(s.store.pool())
    .await
    .expect("row");
    assert_eq!(
        row,
        (
            Some("Kantoorartikelen Mulder B.V.".into()),
            Some("F-0".into()),
            Some("121.00".into())
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_stay_inside_the_folder_and_never_overwrite() {
    let s = Setup::new().await;
    let hostile = [
        ("../../x", "../../x"),
        ("/etc/passwd", "/abs"),
        ("C:\\Windows\\System32", "D:evil"),
        ("CON", "NUL"),
        ("ctrl\u{7}\u{1b}[31m", "\n\r\t"),
        (&*"L".repeat(300), &*"9".repeat(300)),
        ("Same", "1"),
        ("Same", "1"),
    ];
    for (supplier, number) in hostile {
        s.add(ReceivedInvoice {
            sender_name: Some(supplier.into()),
            invoice_number: Some(number.into()),
            with_pdf: Some(true),
            file_name: Some("../../evil.pdf".into()),
            ..Default::default()
        })
        .await;
    }
    let summary = s
        .receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    assert_eq!(summary.saved, 3 + hostile.len() as u32);
    let root = s.out().join("Ontvangen");
    let all = files(s.dir.path());
    let outside: Vec<&PathBuf> = all
        .iter()
        .filter(|p| !p.starts_with(&root) && !p.starts_with(s.dir.path().join("cache.sqlite")))
        .collect();
    assert!(
        outside
            .iter()
            .all(|p| p.to_string_lossy().contains("cache.sqlite")),
        "{outside:?}"
    );
    let saved = files(&root);
    assert_eq!(
        with_ext(&saved, "xml"),
        3 + hostile.len(),
        "two invoices with the same name both kept: {saved:?}"
    );
    for p in &saved {
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        assert!(name.len() <= 90 && !name.starts_with('.'), "{name}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
        assert!(
            !["CON", "NUL", "PRN", "AUX"].contains(&stem.trim()),
            "{name}"
        );
        assert!(
            p.components().count() == root.components().count() + 3,
            "{p:?}"
        );
    }
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice><ID>&lol9;</ID></Invoice>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xml_bombs_and_oversized_files_are_refused() {
    let s = Setup::new().await;
    let bomb = s
        .add(ReceivedInvoice {
            raw_xml: Some(BILLION_LAUGHS.into()),
            ..Default::default()
        })
        .await;
    let deep = format!(
        "<Invoice>{}{}</Invoice>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let nested = s
        .add(ReceivedInvoice {
            raw_xml: Some(deep),
            ..Default::default()
        })
        .await;
    let huge = s
        .add(ReceivedInvoice {
            with_pdf: Some(true),
            pdf_bytes: Some(3 * 1024 * 1024),
            invoice_number: Some("HUGE".into()),
            ..Default::default()
        })
        .await;
    let big_pdf = s
        .add(ReceivedInvoice {
            with_pdf: Some(true),
            pdf_bytes: Some(600 * 1024),
            invoice_number: Some("BIGPDF".into()),
            ..Default::default()
        })
        .await;
    let options = ReceiveOptions {
        max_download: 2 * 1024 * 1024,
        max_pdf: 256 * 1024,
        ..ReceiveOptions::default()
    };
    let summary = s.receiver(options).pass().await.expect("pass");
    assert_eq!((summary.saved, summary.refused), (4, 3), "{summary:?}");
    for (id, why) in [(&bomb, "DTD"), (&nested, "diep"), (&huge, "groter")] {
        let r = s
            .store
            .received_invoice(id)
            .await
            .expect("read")
            .expect("record");
        assert_eq!(r.state, ReceivedState::Refused);
        assert!(
            r.last_error.as_deref().unwrap_or("").contains(why),
            "{:?}",
            r.last_error
        );
        assert!(r.xml_path.is_none());
    }
    // A PDF over the limit is left in the XML; the invoice itself is saved.
    let r = s
        .store
        .received_invoice(&big_pdf)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(r.state, ReceivedState::Saved);
    assert!(r.pdf_path.is_none() && r.xml_path.is_some());
    // Refused ones are not tried again.
    let again = s
        .receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    assert_eq!((again.saved, again.refused), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_not_on_disk_after_60_days_is_warned_about_once() {
    let sb = common::sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = econnect_engine::Engine::open_with(
        dir.path(),
        econnect_engine::EngineOptions {
            keyring: std::sync::Arc::new(econnect_engine::MemoryKeyring::default()),
            config: Some(common::config()),
            background_sync: false,
            ..econnect_engine::EngineOptions::default()
        },
    )
    .await
    .expect("engine");
    engine
        .sign_in(common::sign_in(&sb, common::USER, common::PASSWORD, false))
        .await
        .expect("sign in");
    // Hoveniersbedrijf Groenrijk does not receive here: nothing downloads it.
    let old = sb
        .add_received(ReceivedInvoice {
            party_id: "0106:56012934".into(),
            invoice_number: Some("OUD-1".into()),
            age_days: Some(61),
            ..Default::default()
        })
        .expect("add");
    engine.sync_now().await.expect("sync");
    // Its hook came 61 days ago; nothing downloaded it since.
    let arrived = timestamp::format(time::OffsetDateTime::now_utc() - time::Duration::days(61));
    let announced = ListedInvoice {
        document_id: old.clone(),
        received_on: arrived,
        channel: "peppol".into(),
    };
    assert_eq!(
        engine
            .announce_received("NL:KVK:56012934", &[announced])
            .await
            .expect("announce"),
        1
    );
    let receiver = Receiver::new(
        engine.client().await.expect("client"),
        engine.store().await.expect("store"),
        ReceiveOptions {
            folder: Some(dir.path().join("out")),
            ..ReceiveOptions::default()
        },
    );
    let mut events = receiver.subscribe();
    receiver.pass().await.expect("pass");
    let mut risks = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let ReceiveEvent::RetentionRisk { label, .. } = e {
            risks.push(label);
        }
    }
    // Only the hook's document id is known (nothing was downloaded to read a number from).
    assert_eq!(risks, [old]);
    receiver.pass().await.expect("pass");
    assert!(
        !std::iter::from_fn(|| events.try_recv().ok())
            .any(|e| matches!(e, ReceiveEvent::RetentionRisk { .. })),
        "warned once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_received_invoices_read_as_a_view_with_supplier_lines_vat_and_iban() {
    let s = Setup::new().await;
    s.receiver(ReceiveOptions::default())
        .pass()
        .await
        .expect("pass");
    let ids: Vec<String> =
        s.sb.seeded_documents()
            .into_iter()
            .filter(|d| !d.sent && d.party_id == PARTY)
            .map(|d| d.id)
            .collect();
    let records = s.store.received_invoices(&ids).await.expect("records");
    assert_eq!(records.len(), 3);
    let mut with_pdf = 0;
    for r in records {
        let xml = std::fs::read(r.xml_path.as_deref().expect("saved")).expect("xml");
        let view = econnect_intake::invoice::view(&xml).expect("a view");
        let supplier = view.supplier.expect("supplier");
        assert_eq!(supplier.name, r.supplier, "the name the list shows");
        assert_eq!(view.lines.len(), 1);
        assert_eq!(view.vat.len(), 1);
        assert_eq!(view.vat[0].percent.as_deref(), Some("21"));
        assert_eq!(view.totals.payable, r.amount, "the amount the list shows");
        let payment = view.payment.expect("payment");
        assert_eq!(payment.iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(payment.reference, r.invoice_number);
        assert!(view.due_date.is_some());
        if let Some(pdf_path) = r.pdf_path {
            with_pdf += 1;
            let embedded = econnect_intake::invoice::first_pdf(&xml)
                .expect("read")
                .expect("embedded pdf");
            assert_eq!(embedded.bytes, std::fs::read(pdf_path).expect("saved pdf"));
        }
    }
    assert_eq!(with_pdf, 1);
}

/// Download requests the sandbox has seen so far (answered or still running).
async fn downloads_seen(sb: &RunningSandbox) -> usize {
    common::control(sb, reqwest::Method::GET, "/_sandbox/requests", json!(null))
        .await
        .as_array()
        .map_or(0, |all| {
            all.iter()
                .filter(|r| r["path"].as_str().is_some_and(|p| p.contains("/download")))
                .count()
        })
}

/// Waits (polling the sandbox's request log) until it has seen `n` downloads.
async fn wait_for_downloads(sb: &RunningSandbox, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while downloads_seen(sb).await < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} downloads never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_announced_while_others_download_joins_their_pass() {
    let s = Setup::new().await;
    // Every download answers after 1.5 s: the first three are still running when the
    // fourth is announced.
    common::fault(
        &s.sb,
        json!({"kind": "slow", "rate": 1.0, "delayMs": 1500, "pathContains": "/download"}),
    )
    .await;
    let receiver = s.receiver(ReceiveOptions::default());
    let mut saved = receiver.subscribe();
    let pass = tokio::spawn({
        let receiver = receiver.clone();
        async move { receiver.pass().await }
    });
    wait_for_downloads(&s.sb, 3).await;
    s.add(ReceivedInvoice {
        invoice_number: Some("LAAT-1".into()),
        ..ReceivedInvoice::default()
    })
    .await;
    receiver.announce();
    wait_for_downloads(&s.sb, 4).await;
    // Its download started before any of the first three was written: it did not wait
    // for their batch to end.
    assert!(
        matches!(
            saved.try_recv(),
            Err(tokio::sync::broadcast::error::TryRecvError::Empty)
        ),
        "the fourth download waited for the first three to be saved"
    );
    let summary = pass.await.unwrap().unwrap();
    assert_eq!(summary.saved, 4, "{summary:?}");
    assert_eq!(with_ext(&files(&s.out()), "xml"), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receive_folder_chosen_while_the_receiver_runs_is_used_from_its_next_pass() {
    let s = Setup::new().await;
    let first = s.dir.path().join("eerste");
    let second = s.dir.path().join("tweede");
    s.store
        .set_receive_folder("", &first.to_string_lossy())
        .await
        .unwrap();
    // No folder of its own: the one chosen in the settings counts.
    let receiver = Receiver::new(
        s.client.clone(),
        s.store.clone(),
        ReceiveOptions {
            only_party: Some(PARTY.into()),
            retry_base: Duration::ZERO,
            ..ReceiveOptions::default()
        },
    );
    assert_eq!(receiver.pass().await.unwrap().saved, 3);
    assert_eq!(with_ext(&files(&first), "xml"), 3);
    s.store
        .set_receive_folder("", &second.to_string_lossy())
        .await
        .unwrap();
    s.add(ReceivedInvoice {
        invoice_number: Some("NA-WISSEL-1".into()),
        ..ReceivedInvoice::default()
    })
    .await;
    assert_eq!(receiver.pass().await.unwrap().saved, 1);
    assert_eq!(with_ext(&files(&first), "xml"), 3, "the old folder got it");
    assert_eq!(
        with_ext(&files(&second), "xml"),
        1,
        "the new folder did not"
    );
}
