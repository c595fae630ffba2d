//! What is uploaded is what was checked: a file that changes (or becomes a link) after it
//! was queued is never sent under its old id; it goes back through preflight.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, IntakeEvent, Stage, samples};
use tokio::sync::broadcast;

const LIMIT: Duration = Duration::from_secs(30);

fn sent(e: &Stage) -> bool {
    matches!(e, Stage::Verzonden { .. })
}

/// Waits for the "wachten" of a file and returns its outbox id.
async fn queued_id(rx: &mut broadcast::Receiver<IntakeEvent>) -> String {
    let events = collect_until(rx, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Wachten)) == 1
    })
    .await;
    events
        .iter()
        .find(|e| e.stage == Stage::Wachten)
        .and_then(|e| e.outbox_id.clone())
        .expect("an outbox id")
}

fn sha(bytes: &[u8]) -> String {
    econnect_intake::preflight::sha256_hex(bytes)
}

/// A file in a watched folder is queued while sending is paused, then replaced by
/// `after`; sending resumes. Returns the engine, the old id and the events after resuming.
async fn queue_then_change(
    rig: &Rig,
    before: &[u8],
    change: impl FnOnce(&Path),
) -> (Intake, String, broadcast::Receiver<IntakeEvent>) {
    queue_then_change_in(rig, Direction::Purchase, before, change).await
}

/// [`queue_then_change`] for a folder of either direction.
async fn queue_then_change_in(
    rig: &Rig,
    direction: Direction,
    before: &[u8],
    change: impl FnOnce(&Path),
) -> (Intake, String, broadcast::Receiver<IntakeEvent>) {
    let folder = rig.single(direction.as_str(), direction);
    let intake = rig.start(vec![folder.clone()]).await;
    intake.set_paused(true);
    let mut rx = intake.subscribe();
    let path = folder.path.join("factuur.pdf");
    std::fs::write(&path, before).unwrap();
    let old = queued_id(&mut rx).await;
    assert_eq!(
        intake.item(&old).await.unwrap().unwrap().sha256,
        sha(before)
    );
    change(&path);
    intake.set_paused(false);
    (intake, old, rx)
}

/// The file was sent once, under the id of `now`, and the old row was never sent.
async fn sent_once_as_new_content(
    rig: &Rig,
    intake: &Intake,
    old: &str,
    now: &[u8],
    rx: &mut broadcast::Receiver<IntakeEvent>,
) {
    let events = collect_until(rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    let done = events.iter().find(|e| sent(&e.stage)).unwrap();
    let new_id = done.outbox_id.clone().unwrap();
    assert_ne!(new_id, old, "not sent under the id of the checked bytes");
    let new_row = intake.item(&new_id).await.unwrap().unwrap();
    assert_eq!(
        (new_row.state.as_str(), new_row.sha256.as_str()),
        ("sent", sha(now).as_str())
    );
    let old_row = intake.item(old).await.unwrap().unwrap();
    assert_eq!(old_row.state, "changed");
    assert!(old_row.document_id.is_none());
    assert_eq!(rig.created(), 1, "one document: the new content");
    // The old row left the list; only the new one is shown.
    let queue = intake.queue(Some(&rig.party()), 10).await.unwrap();
    assert_eq!(
        queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [new_id.as_str()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_to_other_bytes_of_the_same_size_is_checked_again_and_sent_as_new() {
    let rig = Rig::new().await;
    let before = samples::pdf(8000, "factuur A");
    let now = samples::pdf(8000, "factuur B");
    assert_eq!(before.len(), now.len());
    assert_ne!(before, now);
    let (intake, old, mut rx) = queue_then_change(&rig, &before, |p| {
        std::fs::write(p, &now).unwrap();
    })
    .await;
    sent_once_as_new_content(&rig, &intake, &old, &now, &mut rx).await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_changed_after_queueing_fails_mid_stream_and_is_sent_only_as_new() {
    let rig = Rig::new().await;
    // Several chunks: the difference is found while streaming, the request is cut off
    // before its end, and the platform keeps nothing of it.
    let before = samples::pdf(900_000, "factuur A");
    let now = samples::pdf(900_000, "factuur B");
    assert_eq!(before.len(), now.len());
    assert!(before.len() > 3 * econnect_api::multipart::CHUNK as usize);
    let (intake, old, mut rx) = queue_then_change(&rig, &before, |p| {
        std::fs::write(p, &now).unwrap();
    })
    .await;
    sent_once_as_new_content(&rig, &intake, &old, &now, &mut rx).await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hybrid_sales_pdf_changed_after_queueing_sends_no_xml_from_the_new_bytes_under_the_old_id()
 {
    let rig = Rig::new().await;
    // Its embedded invoice XML is what goes out (salesInvoice/send): taken from the PDF
    // only when the PDF is still the one checked.
    let before = samples::factur_x_pdf(true, false);
    let now = samples::factur_x_pdf(false, false);
    assert_ne!(before, now);
    let (intake, old, mut rx) = queue_then_change_in(&rig, Direction::Sales, &before, |p| {
        std::fs::write(p, &now).unwrap();
    })
    .await;
    sent_once_as_new_content(&rig, &intake, &old, &now, &mut rx).await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_to_another_size_is_checked_again_and_sent_as_new() {
    let rig = Rig::new().await;
    let before = samples::pdf(8000, "factuur A");
    let now = samples::pdf(20_000, "factuur A, aangevuld");
    assert_ne!(before.len(), now.len());
    let (intake, old, mut rx) = queue_then_change(&rig, &before, |p| {
        std::fs::write(p, &now).unwrap();
    })
    .await;
    sent_once_as_new_content(&rig, &intake, &old, &now, &mut rx).await;
    intake.shutdown().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_replaced_by_a_link_after_queueing_is_not_sent() {
    let rig = Rig::new().await;
    let before = samples::pdf(8000, "factuur A");
    // The link leads to the very bytes that were checked: still a link, still not sent.
    let elsewhere = rig.dir.path().join("elders.pdf");
    std::fs::write(&elsewhere, &before).unwrap();
    let (intake, old, mut rx) = queue_then_change(&rig, &before, |p| {
        std::fs::remove_file(p).unwrap();
        std::os::unix::fs::symlink(&elsewhere, p).unwrap();
    })
    .await;
    let events = collect_until(&mut rx, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Mislukt { .. })) == 1
    })
    .await;
    let refusal = events
        .iter()
        .find_map(|e| match &e.stage {
            Stage::Mislukt { refusal } => Some(refusal.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        refusal.code,
        econnect_intake::RefusalCode::Link,
        "{}",
        refusal.message
    );
    assert!(
        refusal.message.contains("niet gevolgd"),
        "{}",
        refusal.message
    );
    assert_eq!(intake.item(&old).await.unwrap().unwrap().state, "changed");
    assert_eq!(rig.created(), 0);
    assert_eq!(std::fs::read(&elsewhere).unwrap(), before);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_file_is_sent_once_under_its_checked_id() {
    let rig = Rig::new().await;
    let before = samples::pdf(8000, "factuur A");
    let (intake, old, mut rx) = queue_then_change(&rig, &before, |_| {}).await;
    let events = collect_until(&mut rx, LIMIT, |ev| count_stage(ev, sent) == 1).await;
    let done = events.iter().find(|e| sent(&e.stage)).unwrap();
    assert_eq!(done.outbox_id.as_deref(), Some(old.as_str()));
    assert_eq!(rig.created(), 1);
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_file_changed_after_queueing_is_queued_again_under_its_new_id() {
    let rig = Rig::new().await;
    let intake = rig.start(vec![]).await;
    intake.set_paused(true);
    let mut rx = intake.subscribe();
    let path = rig.dir.path().join("gesleept.pdf");
    let before = samples::pdf(8000, "factuur A");
    let now = samples::pdf(8000, "factuur B");
    std::fs::write(&path, &before).unwrap();
    let out = intake
        .submit_paths(&rig.party(), Direction::Purchase, vec![path.clone()], false)
        .await
        .unwrap();
    let econnect_intake::SubmitOutcome::Queued { id: old } = out[0].outcome.clone() else {
        panic!("{out:?}")
    };
    std::fs::write(&path, &now).unwrap();
    intake.set_paused(false);
    sent_once_as_new_content(&rig, &intake, &old, &now, &mut rx).await;
    assert!(path.exists(), "a dropped file stays where it is");
    intake.shutdown().await;
}

#[cfg(unix)]
#[test]
fn preflight_refuses_a_link_without_reading_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("echt.pdf");
    std::fs::write(&target, samples::pdf(4000, "echt")).unwrap();
    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let pf = econnect_intake::preflight(&link, Direction::Purchase);
    assert_eq!(
        pf.refusal.map(|r| r.code),
        Some(econnect_intake::RefusalCode::Link)
    );
    assert!(pf.sha256.is_empty(), "nothing behind the link was read");
    let real = econnect_intake::preflight(&target, Direction::Purchase);
    assert!(real.refusal.is_none(), "{:?}", real.refusal);
}
