//! Instellingen against the sandbox: Peppol defaults (admin yes, staff refused), the
//! subscription key in the keyring only, emptying the cache without losing the outbox,
//! the CSV export, and the maintenance service driving the outbox.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use econnect_engine::desktop::{Notice, NoticeKind};
use econnect_engine::intake::{Direction, samples};
use econnect_engine::maintenance::{
    Maintenance, MaintenanceSchedule, MaintenanceSource, OneOffWindow, amsterdam,
};
use econnect_engine::outbox::Outbox;
use econnect_engine::settings::PeppolDefaults;
use econnect_engine::{DocumentQuery, ErrorCode, MemoryKeyring};
use econnect_sandbox::Seed;
use serde_json::json;

const PARTY: &str = "NL:KVK:30187412";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peppol_defaults_are_read_and_changed_by_an_admin_and_refused_to_staff() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let admin = engine(&dir.path().join("a")).await;
    admin
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    let before = admin.peppol_defaults().await.unwrap();
    let wanted = PeppolDefaults {
        invoices: !before.invoices,
        invoice_response: true,
        orders: false,
    };
    let saved = admin.set_peppol_defaults(wanted).await.unwrap();
    assert_eq!(saved, wanted);
    assert_eq!(admin.peppol_defaults().await.unwrap(), wanted);

    let staff = engine(&dir.path().join("s")).await;
    staff
        .sign_in(sign_in(&sb, econnect_sandbox::STAFF_USER, PASSWORD, false))
        .await
        .unwrap();
    admin.sync_now().await.unwrap();
    staff.sync_now().await.unwrap();
    assert!(
        admin.connection().await.unwrap().is_admin,
        "the sync learnt the admin right"
    );
    assert!(!staff.connection().await.unwrap().is_admin);
    let refused = staff.set_peppol_defaults(before).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::NoAccess, "{refused:?}");
    assert_eq!(
        admin.peppol_defaults().await.unwrap(),
        wanted,
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subscription_key_lives_in_the_keyring_and_is_sent_after_the_next_sign_in() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = MemoryKeyring::default();
    let engine = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    assert!(!engine.connection().await.unwrap().subscription_key_set);
    let bad = engine
        .set_subscription_key(Some("met spatie".into()))
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);

    let info = engine
        .set_subscription_key(Some("sleutel0123abc".into()))
        .await
        .unwrap();
    assert!(info.subscription_key_set);
    assert_eq!(info.api_base, format!("{}/", sb.url()));
    assert_eq!(keyring.len(), 1);
    assert!(
        !any_file_contains(dir.path(), b"sleutel0123abc"),
        "never on disk"
    );

    control(
        &sb,
        reqwest::Method::DELETE,
        "/_sandbox/requests",
        json!(null),
    )
    .await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    let requests = control(&sb, reqwest::Method::GET, "/_sandbox/requests", json!(null)).await;
    let me = requests
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "/api/v1/me")
        .expect("a /me call");
    assert_eq!(me["headers"]["subscription-key"], "sleutel0123abc");

    let cleared = engine.set_subscription_key(None).await.unwrap();
    assert!(!cleared.subscription_key_set);
    assert!(keyring.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emptying_the_cache_keeps_the_outbox_and_the_local_documents() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    record_sent(
        &engine,
        PARTY,
        &["eigen-1".to_string(), "eigen-2".to_string()],
    )
    .await;
    let full = engine.cache_info().await.unwrap();
    assert!(full.documents > 0 && full.bytes > 0, "{full:?}");

    let outbox = Outbox::default();
    let file = dir.path().join("bewaard.pdf");
    std::fs::write(&file, samples::pdf(3000, "bewaard")).unwrap();
    outbox
        .intake(&engine)
        .await
        .unwrap()
        .set_scheduled_hold(Some(std::time::Instant::now() + Duration::from_secs(3600)));
    outbox
        .submit(&engine, PARTY, Direction::Purchase, vec![file], false)
        .await
        .unwrap();

    let store = engine.store().await.unwrap();
    store.clear_cache().await.unwrap();
    assert_eq!(
        store.document_total().await.unwrap(),
        full.documents,
        "documents are local-first: no list could bring them back"
    );
    assert_eq!(
        outbox.queue(&engine, None).await.unwrap().len(),
        1,
        "the outbox stays"
    );

    engine.clear_cache().await.unwrap();
    let refilled = eventually(Duration::from_secs(30), || async {
        engine
            .users()
            .await
            .map(|u| !u.users.is_empty())
            .unwrap_or(false)
    })
    .await;
    assert!(refilled, "the background sync fetched the users again");
    outbox.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_list_exports_as_csv_with_every_row() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    let ids: Vec<String> = (0..25).map(|n| format!("csv-{n}")).collect();
    record_sent(&engine, PARTY, &ids).await;
    let total = engine
        .documents(DocumentQuery::default())
        .await
        .unwrap()
        .total;
    assert_eq!(total, 25);
    let path = dir.path().join("documenten.csv");
    let export = engine
        .export_documents_csv(DocumentQuery::default(), &path)
        .await
        .unwrap();
    assert_eq!(export.rows, total);
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 byte-order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len() as u32, total + 1);
    assert!(lines[0].starts_with("Organisatie;Richting;Kanaal;Status"));
    assert!(!dir.path().join("documenten.csv.part").exists());
}

fn local(at: time::OffsetDateTime) -> String {
    let l = amsterdam::to_local(at);
    format!("{}T{:02}:{:02}", amsterdam::date(at), l.hour(), l.minute())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_maintenance_service_holds_the_outbox_in_a_window_and_releases_it() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    let outbox = Arc::new(Outbox::default());
    outbox.intake(&engine).await.unwrap();

    let now = time::OffsetDateTime::now_utc();
    let window = MaintenanceSchedule {
        once: vec![
            OneOffWindow {
                start: local(now - time::Duration::minutes(1)),
                end: local(now + time::Duration::minutes(61)),
            },
            // A second window later today, inside the notice lead: announced now.
            OneOffWindow {
                start: local(now + time::Duration::minutes(120)),
                end: local(now + time::Duration::minutes(130)),
            },
        ],
        notice_minutes: 180,
        ..MaintenanceSchedule::default()
    };
    let maintenance = Maintenance::new(window);
    let notices: Arc<Mutex<Vec<Notice>>> = Arc::default();
    let seen = Arc::clone(&notices);
    let runner = tokio::spawn(maintenance.clone().run(Arc::clone(&outbox), move |n| {
        seen.lock().unwrap().push(n);
    }));
    let mut updates = maintenance.updates();
    tokio::time::timeout(Duration::from_secs(10), updates.wait_for(|s| s.active))
        .await
        .expect("active")
        .unwrap();
    assert_eq!(
        maintenance.state().source,
        Some(MaintenanceSource::Scheduled)
    );

    let file = dir.path().join("wacht.pdf");
    std::fs::write(&file, samples::pdf(3000, "wacht")).unwrap();
    outbox
        .submit(&engine, PARTY, Direction::Purchase, vec![file], false)
        .await
        .unwrap();
    let requests = control(&sb, reqwest::Method::GET, "/_sandbox/requests", json!(null)).await;
    let tried = requests
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["path"].as_str().is_some_and(|p| p.contains("/recognize")));
    assert!(!tried, "nothing is sent during the window");
    assert!(
        notices
            .lock()
            .unwrap()
            .iter()
            .any(|n| n.kind == NoticeKind::MaintenanceStarting),
        "the next window was announced"
    );

    // The window is taken out of the schedule: the hold lifts and the file goes out.
    maintenance
        .set_schedule(MaintenanceSchedule::default())
        .unwrap();
    let sent = eventually(Duration::from_secs(30), || async {
        let rows = outbox.queue(&engine, None).await.unwrap();
        rows.len() == 1 && rows[0].state == "sent"
    })
    .await;
    assert!(sent, "sent after the window");
    assert_eq!(outbox.queue(&engine, None).await.unwrap()[0].attempts, 0);
    assert!(!maintenance.state().active);

    // Now the platform itself says 503: the banner state follows its Retry-After.
    sb.start_maintenance(Duration::from_secs(2));
    let file = dir.path().join("platform.pdf");
    std::fs::write(&file, samples::pdf(3100, "platform")).unwrap();
    outbox
        .submit(&engine, PARTY, Direction::Purchase, vec![file], false)
        .await
        .unwrap();
    tokio::time::timeout(
        Duration::from_secs(10),
        updates.wait_for(|s| s.source == Some(MaintenanceSource::Platform)),
    )
    .await
    .expect("platform maintenance reported")
    .unwrap();
    assert!(maintenance.state().until_clock.is_some());
    let all_sent = eventually(Duration::from_secs(30), || async {
        let rows = outbox.queue(&engine, None).await.unwrap();
        rows.len() == 2 && rows.iter().all(|r| r.state == "sent" && r.attempts == 0)
    })
    .await;
    assert!(
        all_sent,
        "sent after the platform's maintenance, without failed attempts"
    );
    tokio::time::timeout(Duration::from_secs(10), updates.wait_for(|s| !s.active))
        .await
        .expect("the banner goes away")
        .unwrap();
    runner.abort();
    outbox.stop().await;
}
