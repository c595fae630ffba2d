//! The watcher and the whole engine against an in-process sandbox.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Layout, Stage, WatchedFolder, samples};

const LIMIT: Duration = Duration::from_secs(30);

fn sent(e: &Stage) -> bool {
    matches!(e, Stage::Verzonden { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_written_into_the_folder_is_sent_once_and_moved() {
    let rig = Rig::new().await;
    let folder = rig.single("inkoop", Direction::Purchase);
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    std::fs::write(folder.path.join("factuur 1.pdf"), samples::pdf(8000, "één")).unwrap();
    let events = collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    let stages: Vec<&str> = events
        .iter()
        .map(|e| match e.stage {
            Stage::Controleren => "controleren",
            Stage::Wachten => "wachten",
            Stage::Uploaden { .. } => "uploaden",
            Stage::Verzonden { .. } => "verzonden",
            _ => "anders",
        })
        .collect();
    // Checked first and sent last; "wachten" and "uploaden" in between (the uploader may
    // pick the row up in the instant between its commit and the "wachten" event).
    assert_eq!(
        (stages.first(), stages.last(), stages.len()),
        (Some(&"controleren"), Some(&"verzonden"), 4),
        "{stages:?}"
    );
    assert!(
        stages.contains(&"wachten") && stages.contains(&"uploaden"),
        "{stages:?}"
    );
    until(LIMIT, "moved to Verwerkt", || {
        done_files(&folder.path).len() == 1
    })
    .await;
    assert!(!folder.path.join("factuur 1.pdf").exists());
    assert_eq!(rig.created(), 1);
    let queue = intake.queue(Some(&rig.party()), 10).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].state, "sent");
    assert!(queue[0].moved);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_writer_is_not_taken_before_it_closes_the_file() {
    let rig = Rig::new().await;
    let folder = rig.single("traag", Direction::Purchase);
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    let bytes = samples::pdf(60_000, "traag");
    let path = folder.path.join("traag.pdf");
    let mut f = std::fs::File::create(&path).unwrap();
    for chunk in bytes.chunks(4000) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        // A writer that pauses between chunks (the point of the test, not a race fix).
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert!(rx.try_recv().is_err(), "taken while still being written");
    }
    drop(f);
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    until(LIMIT, "moved", || done_files(&folder.path).len() == 1).await;
    assert_eq!(std::fs::read(&done_files(&folder.path)[0]).unwrap(), bytes);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_renamed_into_the_folder_is_sent() {
    let rig = Rig::new().await;
    let folder = rig.single("hernoemd", Direction::Purchase);
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    let outside = rig.dir.path().join("elders.pdf");
    std::fs::write(&outside, samples::pdf(5000, "elders")).unwrap();
    std::fs::rename(&outside, folder.path.join("binnen.pdf")).unwrap();
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_500_files_is_sent_exactly_once() {
    let rig = Rig::new().await;
    let folder = rig.single("stapel", Direction::Purchase);
    let intake = rig.start(vec![folder.clone()]).await;
    for i in 0..500 {
        std::fs::write(
            folder.path.join(format!("f{i:03}.pdf")),
            samples::pdf(2000, &format!("stapel {i}")),
        )
        .unwrap();
    }
    until(Duration::from_secs(120), "500 moved", || {
        done_files(&folder.path).len() == 500
    })
    .await;
    assert_eq!(rig.created(), 500);
    assert_eq!(rig.sandbox.counters().duplicates_refused, 0);
    assert!(failed_files(&folder.path).is_empty());
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_deleted_before_its_upload_fails_cleanly() {
    let rig = Rig::new().await;
    let folder = rig.single("weg", Direction::Purchase);
    // The first upload meets maintenance, which holds the queue for 2 s.
    rig.fault(serde_json::json!({"kind": "maintenance", "next": 1, "retryAfter": 2}))
        .await;
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    let path = folder.path.join("weg.pdf");
    std::fs::write(&path, samples::pdf(4000, "weg")).unwrap();
    collect_until(&mut rx, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Opnieuw { attempt: 0, .. })) == 1
    })
    .await;
    std::fs::remove_file(&path).unwrap();
    let events = collect_until(&mut rx, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Mislukt { .. })) == 1
    })
    .await;
    let Some(Stage::Mislukt { refusal }) = events.last().map(|e| &e.stage) else {
        panic!()
    };
    assert!(refusal.message.contains("verdwenen"), "{}", refusal.message);
    assert_eq!(rig.created(), 0);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subfolder_created_later_is_bound_by_its_marker_even_after_a_rename() {
    let rig = Rig::new().await;
    let root = rig.dir.path().join("klanten");
    std::fs::create_dir_all(&root).unwrap();
    let intake = rig
        .start(vec![WatchedFolder {
            path: root.clone(),
            layout: Layout::Root,
            direction: Direction::Purchase,
        }])
        .await;
    let mut rx = intake.subscribe();
    let sub = intake
        .create_org_folder(
            &root,
            &rig.party(),
            "Bakkerij De Gouden Korenaar",
            Direction::Purchase,
        )
        .await
        .unwrap();
    std::fs::write(sub.join("a.pdf"), samples::pdf(3000, "sub a")).unwrap();
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    let renamed = root.join("Bakkerij (hernoemd)");
    std::fs::rename(&sub, &renamed).unwrap();
    std::fs::write(renamed.join("b.pdf"), samples::pdf(3000, "sub b")).unwrap();
    let ev = collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    assert!(ev.iter().all(|e| e.party_id == "0106:30187412"));
    until(LIMIT, "moved", || done_files(&renamed).len() == 2).await;
    // A subfolder without a marker is left alone.
    let los = root.join("Los");
    std::fs::create_dir(&los).unwrap();
    std::fs::write(los.join("c.pdf"), samples::pdf(3000, "los")).unwrap();
    intake.rescan_now();
    until(LIMIT, "health line", || {
        intake
            .bindings()
            .first()
            .is_some_and(|b| b.unbound.len() == 1)
    })
    .await;
    assert!(los.join("c.pdf").exists());
    assert_eq!(rig.created(), 2);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_and_protected_pdfs_go_to_mislukt_with_a_reason() {
    let rig = Rig::new().await;
    let folder = rig.single("dubbel", Direction::Purchase);
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    let bytes = samples::pdf(4000, "dubbel");
    std::fs::write(folder.path.join("eerste.pdf"), &bytes).unwrap();
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    std::fs::write(folder.path.join("tweede.pdf"), &bytes).unwrap();
    std::fs::write(folder.path.join("beveiligd.pdf"), samples::encrypted_pdf()).unwrap();
    until(LIMIT, "two in Mislukt with reasons", || {
        failed_files(&folder.path).len() == 4
    })
    .await;
    let reason =
        std::fs::read_to_string(folder.path.join("Mislukt").join("tweede.pdf.reden.txt")).unwrap();
    assert!(reason.starts_with("Al verzonden op "), "{reason}");
    assert!(reason.contains("eerste.pdf"), "{reason}");
    let reason =
        std::fs::read_to_string(folder.path.join("Mislukt").join("beveiligd.pdf.reden.txt"))
            .unwrap();
    assert!(reason.starts_with("Document beveiligd"), "{reason}");
    assert_eq!(rig.created(), 1);
    // "toch verzenden": the duplicate goes after all.
    let queue = intake.queue(None, 10).await.unwrap();
    let dup = queue
        .iter()
        .find(|i| i.refusal_code.as_deref() == Some("duplicate"))
        .unwrap();
    assert!(!intake.retry(&dup.id, false).await.unwrap());
    assert!(intake.retry(&dup.id, true).await.unwrap());
    until(LIMIT, "forced duplicate sent", || rig.created() == 2).await;
    intake.shutdown().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_files_never_hang_the_engine() {
    let rig = Rig::new().await;
    let folder = rig.single("speciaal", Direction::Purchase);
    let fifo = folder.path.join("pijp.pdf");
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let outside = rig.dir.path().join("geheim.pdf");
    std::fs::write(&outside, samples::pdf(4000, "geheim")).unwrap();
    std::os::unix::fs::symlink(&outside, folder.path.join("link.pdf")).unwrap();
    std::fs::create_dir(folder.path.join("map.pdf")).unwrap();
    let intake = rig.start(vec![folder.clone()]).await;
    let mut rx = intake.subscribe();
    std::fs::write(folder.path.join("gewoon.pdf"), samples::pdf(4000, "gewoon")).unwrap();
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    intake.rescan_now();
    until(LIMIT, "a rescan", || intake.bindings().len() == 1).await;
    assert!(fifo.exists() && folder.path.join("map.pdf").is_dir());
    // The link is not followed: refused with its own reason and moved aside, its target
    // untouched and never sent.
    until(LIMIT, "the link moved to Mislukt", || {
        failed_files(&folder.path)
            .iter()
            .any(|p| p.ends_with("link.pdf.reden.txt"))
    })
    .await;
    let reason =
        std::fs::read_to_string(folder.path.join("Mislukt").join("link.pdf.reden.txt")).unwrap();
    assert!(reason.contains("symbolische koppeling"), "{reason}");
    assert!(reason.contains("Code: link"), "{reason}");
    assert!(!folder.path.join("link.pdf").exists());
    assert!(outside.exists());
    assert_eq!(rig.created(), 1);
    // The marker helper ignores a FIFO named like a marker too.
    assert!(econnect_intake::folders::read_marker(&folder.path).is_none());
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_files_are_queued_without_moving_and_duplicates_need_force() {
    let rig = Rig::new().await;
    let intake = rig.start(vec![]).await;
    let mut rx = intake.subscribe();
    let a = rig.dir.path().join("sleep a.pdf");
    std::fs::write(&a, samples::pdf(3000, "drop a")).unwrap();
    let tiny = rig.dir.path().join("klein.pdf");
    std::fs::write(&tiny, b"%PDF-1.4 te klein").unwrap();
    let out = intake
        .submit_paths(
            &rig.party(),
            Direction::Purchase,
            vec![a.clone(), tiny.clone()],
            false,
        )
        .await
        .unwrap();
    assert!(matches!(
        out[0].outcome,
        econnect_intake::SubmitOutcome::Queued { .. }
    ));
    assert!(matches!(
        out[1].outcome,
        econnect_intake::SubmitOutcome::Refused { .. }
    ));
    collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    assert!(a.exists(), "dropped files stay where they are");
    let again = intake
        .submit_paths(&rig.party(), Direction::Purchase, vec![a.clone()], false)
        .await
        .unwrap();
    let econnect_intake::SubmitOutcome::Duplicate { refusal, .. } = &again[0].outcome else {
        panic!("{again:?}")
    };
    assert!(
        refusal.message.starts_with("Al verzonden op "),
        "{}",
        refusal.message
    );
    let forced = intake
        .submit_paths(&rig.party(), Direction::Purchase, vec![a.clone()], true)
        .await
        .unwrap();
    assert!(matches!(
        forced[0].outcome,
        econnect_intake::SubmitOutcome::Queued { .. }
    ));
    until(LIMIT, "forced copy sent", || rig.created() == 2).await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_e_invoices_go_to_send_and_scans_to_recognize() {
    let rig = Rig::new().await;
    let folder = rig.single("verkoop", Direction::Sales);
    let intake = rig.start(vec![folder.clone()]).await;
    std::fs::write(
        folder.path.join("hybride.pdf"),
        samples::factur_x_pdf(true, false),
    )
    .unwrap();
    std::fs::write(
        folder.path.join("ubl.xml"),
        samples::ubl_invoice("V-1", true),
    )
    .unwrap();
    std::fs::write(
        folder.path.join("scan.pdf"),
        samples::pdf(4000, "verkoopscan"),
    )
    .unwrap();
    until(LIMIT, "three moved", || done_files(&folder.path).len() == 3).await;
    let requests: serde_json::Value = rig
        .http
        .get(format!("{}/_sandbox/requests", rig.sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<String> = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 200)
        .filter_map(|r| r["path"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("/salesInvoice/send"))
            .count(),
        2,
        "{paths:?}"
    );
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("/salesInvoice/recognize"))
            .count(),
        1,
        "{paths:?}"
    );
    // Both sends were accepted, and the sandbox's send takes XML only (a PDF gets 415):
    // so the hybrid PDF travelled as its embedded XML.
    intake.shutdown().await;
}
