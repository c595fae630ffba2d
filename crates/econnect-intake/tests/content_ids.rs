//! Content-addressed document ids against the sandbox: a lost answer, two installations on
//! one folder, a file another installation already handled, and "toch verzenden".

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, Stage, SubmitOutcome, samples};
use econnect_store::Store;
use econnect_store::outbox::{self, OutboxItem};

const LIMIT: Duration = Duration::from_secs(60);

/// Every outbox row of a store.
async fn rows(store: &Store) -> Vec<OutboxItem> {
    outbox::list(store, None, 10_000).await.unwrap()
}

/// Waits until every row of `store` is sent (none queued, sending, refused or dead).
async fn until_all_sent(store: &Store, what: &str) {
    let store = store.clone();
    until_async(LIMIT, what, || {
        let store = store.clone();
        async move { rows(&store).await.iter().all(|r| r.state == "sent") }
    })
    .await;
}

/// Reason files anywhere under `folder`.
fn reason_files(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![folder.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().ends_with(".reden.txt") {
                found.push(path);
            }
        }
    }
    found
}

/// A second installation: its own data folder (store), the same platform account.
async fn second_installation(
    rig: &Rig,
    folder: &econnect_intake::WatchedFolder,
) -> (Store, Intake) {
    let store = Store::open(&rig.dir.path().join("db-2").join("cache.sqlite"))
        .await
        .unwrap();
    let intake = Intake::start(
        store.clone(),
        rig.client.clone(),
        fast_config(),
        vec![folder.clone()],
    )
    .await
    .unwrap();
    (store, intake)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_answer_was_lost_is_retried_gets_409_and_ends_in_verwerkt() {
    let rig = Rig::new().await;
    let folder = rig.single("verloren", Direction::Purchase);
    // The platform creates the first five documents, but their answers never arrive.
    rig.fault(
        serde_json::json!({"kind": "resetAfterHandling", "next": 5, "pathContains": "/recognize"}),
    )
    .await;
    let intake = rig.start(vec![folder.clone()]).await;
    for i in 0..12 {
        std::fs::write(
            folder.path.join(format!("verloren-{i:02}.pdf")),
            samples::pdf(3000, &format!("verloren {i}")),
        )
        .unwrap();
    }
    until(LIMIT, "all moved to Verwerkt", || {
        done_files(&folder.path).len() == 12
    })
    .await;
    until_all_sent(&rig.store, "every row sent").await;
    let counters = rig.sandbox.counters();
    assert_eq!(counters.faults_injected, 5, "{counters:?}");
    assert_eq!(
        counters.duplicates_refused, 5,
        "each lost answer's retry met a 409"
    );
    assert_eq!(rig.created(), 12, "exactly one document per file");
    assert!(failed_files(&folder.path).is_empty());
    assert!(reason_files(&folder.path).is_empty());
    for row in rows(&rig.store).await {
        assert_eq!(
            row.document_id.as_deref(),
            Some(row.id.as_str()),
            "the id we sent"
        );
        assert!(row.moved);
    }
    intake.shutdown().await;
    rig.clear_faults().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_installations_watching_one_folder_send_every_file_once() {
    const FILES: usize = 40;
    let rig = Rig::new().await;
    let folder = rig.single("gedeeld", Direction::Purchase);
    let first = rig.start(vec![folder.clone()]).await;
    let (second_store, second) = second_installation(&rig, &folder).await;
    for i in 0..FILES {
        std::fs::write(
            folder.path.join(format!("gedeeld-{i:02}.pdf")),
            samples::pdf(3000, &format!("gedeeld {i}")),
        )
        .unwrap();
    }
    until(LIMIT, "all moved to Verwerkt", || {
        done_files(&folder.path).len() == FILES
    })
    .await;
    until_all_sent(&rig.store, "the first installation's rows sent").await;
    until_all_sent(&second_store, "the second installation's rows sent").await;
    assert_eq!(
        rig.created(),
        FILES as u64,
        "every file on the platform exactly once"
    );
    assert!(
        failed_files(&folder.path).is_empty(),
        "{:?}",
        failed_files(&folder.path)
    );
    assert!(reason_files(&folder.path).is_empty());
    assert_eq!(
        done_files(&folder.path).len(),
        FILES,
        "no copies in Verwerkt"
    );
    let (a, b) = (rows(&rig.store).await, rows(&second_store).await);
    assert!(a.len() + b.len() >= FILES, "{} + {}", a.len(), b.len());
    eprintln!(
        "first took {}, second took {}, 409s: {}",
        a.len(),
        b.len(),
        rig.sandbox.counters().duplicates_refused
    );
    // Both name a file the same, whoever sent it.
    for row in &b {
        if let Some(same) = a.iter().find(|r| r.sha256 == row.sha256) {
            assert_eq!(same.id, row.id);
        }
    }
    first.shutdown().await;
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_another_installation_already_sent_and_moved_ends_quietly() {
    let rig = Rig::new().await;
    let folder = rig.single("elders", Direction::Purchase);
    // The second installation takes the file but holds its queue (paused)…
    let (second_store, second) = second_installation(&rig, &folder).await;
    second.set_paused(true);
    let mut events = second.subscribe();
    let path = folder.path.join("elders.pdf");
    std::fs::write(&path, samples::pdf(4000, "elders")).unwrap();
    collect_until(&mut events, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Wachten)) == 1
    })
    .await;
    // …while the first sends it and moves it to Verwerkt/.
    let first = rig.start(vec![folder.clone()]).await;
    until(LIMIT, "moved by the first", || {
        done_files(&folder.path).len() == 1
    })
    .await;
    until_all_sent(&rig.store, "the first installation's row sent").await;
    second.set_paused(false);
    let seen = collect_until(&mut events, LIMIT, |ev| {
        count_stage(ev, |s| {
            matches!(s, Stage::Verzonden { .. } | Stage::Mislukt { .. })
        }) == 1
    })
    .await;
    assert!(
        matches!(
            seen.last().map(|e| &e.stage),
            Some(Stage::Verzonden {
                already_there: true,
                ..
            })
        ),
        "{:?}",
        seen.last()
    );
    until_all_sent(&second_store, "recorded as sent").await;
    assert_eq!(rig.created(), 1);
    assert!(failed_files(&folder.path).is_empty());
    assert!(reason_files(&folder.path).is_empty());
    assert_eq!(done_files(&folder.path).len(), 1);
    first.shutdown().await;
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toch_verzenden_creates_a_second_document_with_another_id() {
    let rig = Rig::new().await;
    let intake = rig.start(Vec::new()).await;
    let file = rig.dir.path().join("nogmaals.pdf");
    std::fs::write(&file, samples::pdf(4000, "nogmaals")).unwrap();
    let submit = |force: bool| {
        let (intake, party, file) = (intake.clone(), rig.party(), file.clone());
        async move {
            let mut done = intake
                .submit_paths(&party, Direction::Purchase, vec![file], force)
                .await
                .unwrap();
            done.pop().unwrap().outcome
        }
    };
    let SubmitOutcome::Queued { id: first } = submit(false).await else {
        panic!("first intake queued")
    };
    until_all_sent(&rig.store, "the first sent").await;
    assert!(matches!(
        submit(false).await,
        SubmitOutcome::Duplicate { .. }
    ));
    let SubmitOutcome::Queued { id: again } = submit(true).await else {
        panic!("toch verzenden queues it")
    };
    assert_ne!(again, first);
    assert_eq!(again, format!("{first}-2"));
    until_all_sent(&rig.store, "the second sent").await;
    assert_eq!(rig.created(), 2, "a deliberate second document");
    assert_eq!(rig.sandbox.counters().duplicates_refused, 0);
    let ids: Vec<String> = rows(&rig.store)
        .await
        .into_iter()
        .filter_map(|r| r.document_id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first) && ids.contains(&again), "{ids:?}");
    intake.shutdown().await;
}
