//! Exactly once under faults: the sandbox injects 500s, resets, 429s and a 503 window, and
//! the engine is cut off mid-batch (as a crash would) and started again on the same store.
//! The sandbox's counters must show every file exactly once.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_intake::{Direction, samples};
use econnect_store::outbox;

const FILES: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_exactly_once_under_faults_and_a_restart() {
    let rig = Rig::new().await;
    let folder = rig.single("storing", Direction::Purchase);
    // Rules are checked in order; each hits its share of what the ones before let through.
    rig.fault(serde_json::json!({"kind": "maintenance", "next": 3, "retryAfter": 1, "pathContains": "/recognize"})).await;
    rig.fault(
        serde_json::json!({"kind": "serverError", "rate": 0.1, "pathContains": "/recognize"}),
    )
    .await;
    rig.fault(serde_json::json!({"kind": "reset", "rate": 0.1, "pathContains": "/recognize"}))
        .await;
    rig.fault(serde_json::json!({"kind": "rateLimited", "rate": 0.1, "retryAfter": 1, "pathContains": "/recognize"})).await;
    for i in 0..FILES {
        std::fs::write(
            folder.path.join(format!("storing-{i:02}.pdf")),
            samples::pdf(3000, &format!("storing {i}")),
        )
        .unwrap();
    }

    // The first run has its own connections to the same database, as a process would.
    let first_store = econnect_store::Store::open(rig.store.path()).await.unwrap();
    let first = econnect_intake::Intake::start(
        first_store.clone(),
        rig.client.clone(),
        fast_config(),
        vec![folder.clone()],
    )
    .await
    .unwrap();
    until(Duration::from_secs(60), "a third sent", || {
        rig.created() as usize >= FILES / 3
    })
    .await;
    // Cut off mid-batch: uploads in flight are dropped, rows stay `sending`; closing its
    // connections is what the end of a crashed process does (open transactions roll back).
    first.abort();
    tokio::time::timeout(Duration::from_secs(20), first_store.close())
        .await
        .expect("connections closed");
    let before = rig.created();
    assert!((before as usize) < FILES, "the batch was not interrupted");

    let second = rig.start(vec![folder.clone()]).await;
    until(Duration::from_secs(120), "all moved to Verwerkt", || {
        done_files(&folder.path).len() == FILES
    })
    .await;
    let store = rig.store.clone();
    until_async(Duration::from_secs(30), "every row sent and moved", || {
        let store = store.clone();
        async move {
            outbox::list(&store, None, 1000)
                .await
                .unwrap()
                .iter()
                .filter(|r| r.state == "sent" && r.moved)
                .count()
                == FILES
        }
    })
    .await;
    let counters = rig.sandbox.counters();
    assert_eq!(
        counters.documents_created.get("0106:30187412").copied(),
        Some(FILES as u64),
        "{counters:?}"
    );
    assert!(counters.faults_injected > 0, "{counters:?}");
    let rows = outbox::list(&rig.store, None, 1000).await.unwrap();
    assert_eq!(rows.len(), FILES);
    assert!(
        rows.iter().all(|r| r.state == "sent" && r.moved),
        "{rows:#?}"
    );
    let mut docs: Vec<_> = rows.iter().filter_map(|r| r.document_id.clone()).collect();
    docs.sort();
    docs.dedup();
    assert_eq!(docs.len(), FILES, "one platform document per file");
    assert!(failed_files(&folder.path).is_empty());
    second.shutdown().await;
    rig.clear_faults().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_that_keeps_failing_goes_dead_and_can_be_retried_by_hand() {
    let rig = Rig::new().await;
    let folder = rig.single("dood", Direction::Purchase);
    rig.fault(serde_json::json!({"kind": "serverError", "next": 3, "pathContains": "/recognize"}))
        .await;
    let mut config = fast_config();
    config.max_attempts = 3;
    let intake = econnect_intake::Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap();
    let path = folder.path.join("dood.pdf");
    std::fs::write(&path, samples::pdf(3000, "dood")).unwrap();
    let store = rig.store.clone();
    until_async(Duration::from_secs(30), "dead", || {
        let store = store.clone();
        async move {
            outbox::list(&store, None, 10)
                .await
                .unwrap()
                .first()
                .is_some_and(|r| r.state == "dead")
        }
    })
    .await;
    assert!(path.exists(), "a dead row's file stays in place");
    let id = outbox::list(&rig.store, None, 10).await.unwrap()[0]
        .id
        .clone();
    assert!(intake.retry(&id, false).await.unwrap());
    until(Duration::from_secs(30), "sent after a manual retry", || {
        done_files(&folder.path).len() == 1
    })
    .await;
    assert_eq!(rig.created(), 1);
    intake.shutdown().await;
}
