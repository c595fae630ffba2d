//! Status tracking against the sandbox: documents sent from here reach their final statuses
//! by their own status calls (there is no list) under injected faults, within the call
//! budget, and rejections carry the platform's reason.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use econnect_engine::tracking::{Tracker, TrackerOptions};
use econnect_sandbox::{Seed, SentDocuments};
use serde_json::json;

const PARTY: &str = "0106:30187412";

async fn signed_in(
    sb: &econnect_sandbox::RunningSandbox,
    dir: &std::path::Path,
) -> econnect_engine::Engine {
    let engine = econnect_engine::Engine::open_with(
        dir,
        econnect_engine::EngineOptions {
            keyring: std::sync::Arc::new(econnect_engine::MemoryKeyring::default()),
            config: Some(common::config()),
            background_sync: false,
            call_timeout: Duration::from_secs(10),
            ..econnect_engine::EngineOptions::default()
        },
    )
    .await
    .expect("engine");
    engine
        .sign_in(common::sign_in(sb, common::USER, common::PASSWORD, false))
        .await
        .expect("sign in");
    // The sign-in's own first sync must be over, or it could see the documents final first.
    let ready = common::eventually(Duration::from_secs(20), || {
        let status = engine.status();
        async move { status.last_synced.is_some() && !status.syncing }
    })
    .await;
    assert!(ready, "first sync done");
    engine
}

async fn track_to_the_end(tracker: &Tracker) -> Duration {
    let start = Instant::now();
    while tracker.open_count().await.expect("open") > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "not final in time: {:?}",
            tracker.stats()
        );
        let _ = tracker.round().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reaches_final_statuses_under_faults_within_the_budget() {
    let sb = common::sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = signed_in(&sb, dir.path()).await;
    let ids = sb
        .add_sent(SentDocuments {
            party_id: PARTY.into(),
            count: 300,
            reject_every: 7,
            fail_every: 11,
            ..SentDocuments::default()
        })
        .expect("seed");
    common::record_sent(&engine, PARTY, &ids).await;
    let tracker = Tracker::new(
        engine.client().await.expect("client"),
        engine.store().await.expect("store"),
        TrackerOptions {
            calls_per_minute: 3000,
            burst: 20,
            tick: Duration::from_millis(10),
        },
    );
    assert_eq!(
        tracker.open_count().await.expect("open"),
        300,
        "all sent from here, pending"
    );
    sb.advance_time(600);
    common::fault(&sb, json!({"kind": "serverError", "rate": 0.2})).await;
    common::fault(&sb, json!({"kind": "reset", "rate": 0.05})).await;
    let took = track_to_the_end(&tracker).await;
    let stats = tracker.stats();
    assert!(
        stats.calls <= tracker.budget().ceiling(took),
        "{stats:?} in {took:?}"
    );
    // One status call per document (there is no list), plus retries of the faulted ones.
    assert!(stats.calls >= 300, "{stats:?}");
    assert_eq!(stats.changes, 300);
    assert_eq!(common::list_requests(&sb).await, Vec::<String>::new());

    let rejected = engine
        .documents(econnect_engine::DocumentQuery {
            status: Some("Rejected".into()),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .expect("rejected");
    assert_eq!(rejected.total, 42, "every 7th of 300");
    let detail = engine.document(&rejected.rows[0].id).await.expect("detail");
    let reason = detail
        .history
        .last()
        .and_then(|s| s.description.clone())
        .unwrap_or_default();
    assert!(reason.contains("Not an invoice"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_call_per_document_respects_the_budget_and_the_schedule() {
    let sb = common::sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = signed_in(&sb, dir.path()).await;
    let ids = sb
        .add_sent(SentDocuments {
            party_id: PARTY.into(),
            count: 30,
            reject_every: 3,
            ..SentDocuments::default()
        })
        .expect("seed");
    common::record_sent(&engine, PARTY, &ids).await;
    let tracker = Tracker::new(
        engine.client().await.expect("client"),
        engine.store().await.expect("store"),
        TrackerOptions {
            calls_per_minute: 600,
            burst: 5,
            tick: Duration::from_millis(10),
        },
    );
    // Nothing moved yet: one round asks each once, and a second right after asks none.
    assert_eq!(tracker.round().await.expect("round"), 30);
    assert_eq!(
        tracker.round().await.expect("round"),
        0,
        "fresh documents wait 15 s"
    );
    assert_eq!(tracker.stats().calls, 30);
    let tracker = Tracker::new(
        engine.client().await.expect("client"),
        engine.store().await.expect("store"),
        TrackerOptions {
            calls_per_minute: 600,
            burst: 5,
            tick: Duration::from_millis(10),
        },
    );
    sb.advance_time(600);
    common::fault(&sb, json!({"kind": "serverError", "rate": 0.3})).await;
    let took = track_to_the_end(&tracker).await;
    let stats = tracker.stats();
    assert!(
        stats.calls >= 30 && stats.calls <= tracker.budget().ceiling(took),
        "{stats:?} in {took:?}"
    );
    assert_eq!(stats.changes, 30);
}
