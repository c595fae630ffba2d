//! Maintenance: while the platform answers 503 (the sandbox's maintenance mode) or a
//! scheduled window holds the queue, uploads wait without a failed attempt, honour
//! `Retry-After`, and go out by themselves afterwards.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use econnect_intake::{Direction, samples};
use econnect_store::outbox::{self, OutboxItem};

fn invoices(rig: &Rig, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let path = rig.dir.path().join(format!("onderhoud-{i}.pdf"));
            std::fs::write(&path, samples::pdf(3000 + i, &format!("onderhoud {i}"))).unwrap();
            path
        })
        .collect()
}

async fn rows(rig: &Rig) -> Vec<OutboxItem> {
    outbox::list(&rig.store, None, 100).await.unwrap()
}

/// Upload calls the sandbox answered, by status.
async fn recognize_statuses(rig: &Rig) -> Vec<u16> {
    let list: Vec<serde_json::Value> = rig
        .http
        .get(format!("{}/_sandbox/requests", rig.sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.contains("/recognize")))
        .filter_map(|r| r["status"].as_u64().map(|s| s as u16))
        .collect()
}

async fn until_all_sent(rig: &Rig, n: usize) {
    let store = rig.store.clone();
    until_async(Duration::from_secs(60), "every file sent", || {
        let store = store.clone();
        async move {
            let rows = outbox::list(&store, None, 100).await.unwrap();
            rows.len() == n && rows.iter().all(|r| r.state == "sent")
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_holds_the_queue_without_failed_attempts_and_honours_retry_after() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    let mut platform = intake.platform_maintenance();
    rig.sandbox.start_maintenance(Duration::from_secs(2));
    let started = Instant::now();
    let submitted = intake
        .submit_paths(&rig.party(), Direction::Purchase, invoices(&rig, 3), false)
        .await
        .unwrap();
    assert_eq!(submitted.len(), 3);

    // The 503 is reported with its end (for the banner).
    tokio::time::timeout(Duration::from_secs(10), platform.wait_for(Option::is_some))
        .await
        .expect("the maintenance was reported")
        .expect("channel open");
    let until = platform.borrow().expect("an end");
    let ahead = until - time::OffsetDateTime::now_utc();
    assert!(
        ahead <= time::Duration::seconds(3),
        "Retry-After taken as the end: {ahead}"
    );

    until_all_sent(&rig, 3).await;
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "not sent during maintenance"
    );
    for row in rows(&rig).await {
        assert_eq!(
            row.attempts, 0,
            "a maintenance hold is not a failed attempt: {row:?}"
        );
    }
    let statuses = recognize_statuses(&rig).await;
    let refused = statuses.iter().filter(|s| **s == 503).count();
    assert!(
        refused >= 1,
        "the platform was asked during maintenance: {statuses:?}"
    );
    // Honouring Retry-After (2 s, then 1 s) means a few tries per file at most; ignoring
    // it, the 20 ms backoff of this test config would have made dozens.
    assert!(
        refused <= 9,
        "Retry-After was not honoured: {refused} answers of 503"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3);
    assert_eq!(rig.created(), 3);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_claimed_ahead_go_back_to_the_queue_while_it_is_held() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    let mut platform = intake.platform_maintenance();
    rig.sandbox.start_maintenance(Duration::from_secs(4));
    // More than one round of uploads (4 in flight by default): some are claimed ahead.
    intake
        .submit_paths(&rig.party(), Direction::Purchase, invoices(&rig, 12), false)
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), platform.wait_for(Option::is_some))
        .await
        .expect("the maintenance was reported")
        .expect("channel open");
    // Held, nothing may look as if it were being sent: every row is back in the queue.
    let store = rig.store.clone();
    until_async(
        Duration::from_secs(3),
        "no row left sending during the hold",
        || {
            let store = store.clone();
            async move {
                let rows = outbox::list(&store, None, 100).await.unwrap();
                rows.len() == 12 && rows.iter().all(|r| r.state == "queued")
            }
        },
    )
    .await;
    until_all_sent(&rig, 12).await;
    for row in rows(&rig).await {
        assert_eq!(row.attempts, 0, "a hold is not a failed attempt: {row:?}");
    }
    assert_eq!(rig.created(), 12);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_window_holds_uploads_and_they_resume_after_it() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    let window_end = Instant::now() + Duration::from_millis(1500);
    intake.set_scheduled_hold(Some(window_end));
    intake
        .submit_paths(&rig.party(), Direction::Purchase, invoices(&rig, 2), false)
        .await
        .unwrap();

    until_all_sent(&rig, 2).await;
    assert!(Instant::now() >= window_end, "sent before the window ended");
    let statuses = recognize_statuses(&rig).await;
    assert_eq!(
        statuses,
        vec![200, 200],
        "nothing was tried during the window"
    );
    for row in rows(&rig).await {
        assert_eq!(row.attempts, 0);
    }
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifting_a_scheduled_hold_sends_at_once() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    intake.set_scheduled_hold(Some(Instant::now() + Duration::from_secs(3600)));
    intake
        .submit_paths(&rig.party(), Direction::Purchase, invoices(&rig, 1), false)
        .await
        .unwrap();
    let queued = rows(&rig).await;
    assert_eq!(queued[0].state, "queued");
    let lifted = Instant::now();
    intake.set_scheduled_hold(None);
    until_all_sent(&rig, 1).await;
    assert!(lifted.elapsed() < Duration::from_secs(30));
    assert_eq!(recognize_statuses(&rig).await, vec![200]);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_holds_sending_until_resumed_without_failed_attempts() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    intake.set_paused(true);
    intake
        .submit_paths(&rig.party(), Direction::Purchase, invoices(&rig, 2), false)
        .await
        .unwrap();
    // Unpaused, these go out within milliseconds; paused, a second passes without a call.
    let sent_while_paused =
        tokio::time::timeout(Duration::from_secs(1), until_all_sent(&rig, 2)).await;
    assert!(sent_while_paused.is_err(), "files were sent while paused");
    assert!(
        recognize_statuses(&rig).await.is_empty(),
        "the platform was asked while paused"
    );

    intake.set_paused(false);
    until_all_sent(&rig, 2).await;
    assert_eq!(recognize_statuses(&rig).await, vec![200, 200]);
    for row in rows(&rig).await {
        assert_eq!(row.attempts, 0, "a pause is not a failed attempt: {row:?}");
    }
    intake.shutdown().await;
}
