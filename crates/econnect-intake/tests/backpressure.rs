//! A pipeline that cannot keep up holds files back in the watcher; it never loses one.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, IntakeConfig, samples};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pipeline_holds_files_back_and_loses_none() {
    let rig = Rig::new().await;
    let folder = rig.single("vol", Direction::Purchase);
    // Room for one waiting file: nearly every file of the burst finds the channel full.
    // No rescan during the test: a file held back must reach the checks by itself.
    let config = IntakeConfig {
        ready_capacity: 1,
        rescan_every: Duration::from_secs(3600),
        ..fast_config()
    };
    let intake = Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap();
    for i in 0..120 {
        std::fs::write(
            folder.path.join(format!("f{i:03}.pdf")),
            samples::pdf(2000, &format!("vol {i}")),
        )
        .unwrap();
    }
    until(Duration::from_secs(120), "120 moved", || {
        done_files(&folder.path).len() == 120
    })
    .await;
    assert_eq!(rig.created(), 120);
    assert_eq!(rig.sandbox.counters().duplicates_refused, 0);
    assert!(failed_files(&folder.path).is_empty());
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_past_what_the_watcher_remembers_is_found_again_and_sent_once() {
    let rig = Rig::new().await;
    let folder = rig.single("achterstand", Direction::Purchase);
    // The watcher remembers 8 files and the pipeline takes one at a time: most of the
    // burst is left out and must be found by the scans the watcher asks for itself (the
    // periodic scan is an hour away).
    let config = IntakeConfig {
        ready_capacity: 1,
        max_pending: 8,
        rescan_every: Duration::from_secs(3600),
        ..fast_config()
    };
    let intake = Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap();
    for i in 0..100 {
        std::fs::write(
            folder.path.join(format!("a{i:03}.pdf")),
            samples::pdf(2000, &format!("achterstand {i}")),
        )
        .unwrap();
    }
    until(Duration::from_secs(120), "100 moved", || {
        done_files(&folder.path).len() == 100
    })
    .await;
    assert_eq!(rig.created(), 100);
    assert_eq!(rig.sandbox.counters().duplicates_refused, 0);
    assert!(failed_files(&folder.path).is_empty());
    intake.shutdown().await;
}
