//! A pipeline that cannot keep up holds files back in the watcher; it never loses one.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, IntakeConfig, samples};

/// Starts an engine with `config` on a fresh folder, writes `files` PDFs into it at once,
/// and checks that each reaches the platform once and is moved to `Verwerkt/`.
async fn burst_is_sent_once(folder_name: &str, config: IntakeConfig, files: u64) {
    let rig = Rig::new().await;
    let folder = rig.single(folder_name, Direction::Purchase);
    let intake = Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap();
    for i in 0..files {
        std::fs::write(
            folder.path.join(format!("f{i:03}.pdf")),
            samples::pdf(2000, &format!("{folder_name} {i}")),
        )
        .unwrap();
    }
    until(Duration::from_secs(120), "every file moved", || {
        done_files(&folder.path).len() as u64 == files
    })
    .await;
    assert_eq!(rig.created(), files);
    assert_eq!(rig.sandbox.counters().duplicates_refused, 0);
    assert!(failed_files(&folder.path).is_empty());
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pipeline_holds_files_back_and_loses_none() {
    // Room for one waiting file: nearly every file of the burst finds the channel full.
    // No rescan during the test: a file held back must reach the checks by itself.
    let config = IntakeConfig {
        ready_capacity: 1,
        rescan_every: Duration::from_secs(3600),
        ..fast_config()
    };
    burst_is_sent_once("vol", config, 120).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_past_what_the_watcher_remembers_is_found_again_and_sent_once() {
    // The watcher remembers 8 files and the pipeline takes one at a time: most of the
    // burst is left out and must be found by the scans the watcher asks for itself (the
    // periodic scan is an hour away).
    let config = IntakeConfig {
        ready_capacity: 1,
        max_pending: 8,
        rescan_every: Duration::from_secs(3600),
        ..fast_config()
    };
    burst_is_sent_once("achterstand", config, 100).await;
}
