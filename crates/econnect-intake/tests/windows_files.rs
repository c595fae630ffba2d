//! Windows' own file rules, run on every OS and (in CI) as a Windows binary under Wine: a
//! file still open in another program is waited for, names that differ only in case are
//! one file, long paths work, and a folder without change events (a network drive) is
//! carried by the rescan.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, IntakeConfig, WatchedFolder, moves, samples};

const LIMIT: Duration = Duration::from_secs(30);

async fn start(rig: &Rig, folder: &WatchedFolder, config: IntakeConfig) -> Intake {
    Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap()
}

/// Frequent rescans, so that "not taken while busy" is looked at many times.
fn rescanning() -> IntakeConfig {
    IntakeConfig {
        rescan_every: Duration::from_millis(200),
        ..fast_config()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_drive_without_change_events_is_carried_by_the_rescan() {
    let rig = Rig::new().await;
    let folder = rig.single("netwerkschijf", Direction::Purchase);
    let config = IntakeConfig {
        poll_only: true,
        ..rescanning()
    };
    let intake = start(&rig, &folder, config).await;
    std::fs::write(folder.path.join("scan.pdf"), samples::pdf(4000, "scan")).unwrap();
    until(LIMIT, "the file sent and moved without events", || {
        rig.created() == 1 && done_files(&folder.path).len() == 1
    })
    .await;
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_deep_in_a_path_over_260_characters_is_sent_and_moved() {
    let rig = Rig::new().await;
    let mut folder = rig.single("lang", Direction::Purchase);
    for i in 0..12 {
        folder.path = folder.path.join(format!("administratie-boekjaar-{i:02}"));
    }
    std::fs::create_dir_all(&folder.path).unwrap();
    let file = folder
        .path
        .join("inkoopfactuur-met-een-lange-naam-van-de-leverancier.pdf");
    assert!(file.as_os_str().len() > 300, "{}", file.display());
    std::fs::write(&file, samples::pdf(4000, "lang")).unwrap();
    let intake = start(&rig, &folder, rescanning()).await;
    until(LIMIT, "the file sent and moved", || {
        rig.created() == 1 && done_files(&folder.path).len() == 1
    })
    .await;
    assert!(!file.exists());
    intake.shutdown().await;
}

/// Names that differ only in case: one file on Windows (and macOS), two on Linux. Either
/// way nothing is replaced.
#[test]
fn a_move_never_replaces_a_file_whose_name_differs_only_in_case() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("Verwerkt");
    std::fs::create_dir_all(&done).unwrap();
    std::fs::write(done.join("factuur.pdf"), b"de eerste").unwrap();
    let incoming = dir.path().join("Factuur.PDF");
    std::fs::write(&incoming, b"de tweede").unwrap();

    let moved = moves::move_into(&incoming, &done).unwrap();

    assert_eq!(
        std::fs::read(done.join("factuur.pdf")).unwrap(),
        b"de eerste"
    );
    assert_eq!(std::fs::read(&moved).unwrap(), b"de tweede");
    assert!(!incoming.exists());
    if cfg!(windows) {
        assert_eq!(moved, done.join("Factuur (2).PDF"));
    }
}

/// An own folder in other case (`verwerkt`) is never taken for files to send, and on
/// Windows it is the one the sent files go into (no second `Verwerkt`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lowercase_verwerkt_folder_is_ours_and_never_sent_from() {
    let rig = Rig::new().await;
    let folder = rig.single("inkoop", Direction::Purchase);
    let old = folder.path.join("verwerkt").join("2020-01");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("oud.pdf"), samples::pdf(4000, "oud")).unwrap();
    std::fs::write(folder.path.join("nieuw.pdf"), samples::pdf(4000, "nieuw")).unwrap();
    let intake = start(&rig, &folder, rescanning()).await;
    until(LIMIT, "the new file sent", || rig.created() == 1).await;
    until(LIMIT, "the new file moved", || {
        !folder.path.join("nieuw.pdf").exists()
    })
    .await;
    // Several rescans (every 200 ms) later, still only the new one.
    tokio::time::sleep(Duration::from_secs(1)).await;
    intake.shutdown().await;
    assert_eq!(rig.created(), 1, "nothing from verwerkt/ was sent");
    assert!(old.join("oud.pdf").exists());
    if cfg!(windows) {
        let own: Vec<_> = std::fs::read_dir(&folder.path)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().eq_ignore_ascii_case("verwerkt"))
            .collect();
        assert_eq!(own.len(), 1, "one done folder, in the case it had");
        assert_eq!(own[0].file_name(), "verwerkt");
    }
}

#[cfg(windows)]
mod busy {
    use std::os::windows::fs::OpenOptionsExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use econnect_intake::{Preflight, Refusal, preflight};

    /// What Word's "save as PDF" or a scanner does: the file open for writing, shared with
    /// nobody.
    fn hold_for_writing(path: &Path) -> std::fs::File {
        std::fs::OpenOptions::new()
            .write(true)
            .share_mode(0)
            .open(path)
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_file_still_open_for_writing_is_waited_for_and_sent_once_closed() {
        let rig = Rig::new().await;
        let folder = rig.single("inkoop", Direction::Purchase);
        let path = folder.path.join("scan.pdf");
        std::fs::write(&path, samples::pdf(4000, "scan")).unwrap();
        let writer = hold_for_writing(&path);
        let intake = start(&rig, &folder, rescanning()).await;
        // Many rescans and stability checks look at it meanwhile (every 200 and 50 ms).
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(rig.created(), 0, "not sent while open elsewhere");
        assert!(failed_files(&folder.path).is_empty(), "and not refused");
        assert!(path.exists());
        drop(writer);
        until(LIMIT, "sent and moved once closed", || {
            rig.created() == 1 && done_files(&folder.path).len() == 1
        })
        .await;
        assert!(failed_files(&folder.path).is_empty());
        intake.shutdown().await;
    }

    /// A PDF viewer: the file open for reading, others may read it too but not rename it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sent_file_open_in_a_viewer_is_moved_once_the_viewer_lets_go() {
        const FILE_SHARE_READ: u32 = 0x1;
        let rig = Rig::new().await;
        let folder = rig.single("inkoop", Direction::Purchase);
        let path = folder.path.join("bekeken.pdf");
        std::fs::write(&path, samples::pdf(4000, "bekeken")).unwrap();
        let viewer = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(&path)
            .unwrap();
        let intake = start(&rig, &folder, rescanning()).await;
        until(LIMIT, "sent while the viewer has it", || rig.created() == 1).await;
        assert!(path.exists(), "not moved while the viewer has it");
        assert!(failed_files(&folder.path).is_empty());
        drop(viewer);
        until(LIMIT, "moved without a restart", || {
            done_files(&folder.path).len() == 1 && !path.exists()
        })
        .await;
        assert_eq!(rig.created(), 1, "sent once");
        intake.shutdown().await;
    }

    static REFUSED_ONCE: AtomicBool = AtomicBool::new(false);

    /// The real check, except that the first file meets a sharing violation (32), as when
    /// another program opens it between the watcher's look and the check.
    fn busy_once(path: &Path, direction: Direction) -> Preflight {
        if !REFUSED_ONCE.swap(true, Ordering::SeqCst) {
            let mut pf = preflight(path, direction);
            pf.refusal = Some(Refusal::unreadable(&std::io::Error::from_raw_os_error(32)));
            return pf;
        }
        preflight(path, direction)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sharing_violation_while_checking_is_waited_out_not_refused() {
        let rig = Rig::new().await;
        let folder = rig.single("inkoop", Direction::Purchase);
        std::fs::write(folder.path.join("word.pdf"), samples::pdf(4000, "word")).unwrap();
        let config = IntakeConfig {
            check: busy_once,
            ..rescanning()
        };
        let intake = start(&rig, &folder, config).await;
        until(LIMIT, "sent at a later look", || {
            rig.created() == 1 && done_files(&folder.path).len() == 1
        })
        .await;
        assert!(REFUSED_ONCE.load(Ordering::SeqCst));
        assert!(failed_files(&folder.path).is_empty(), "never refused");
        intake.shutdown().await;
    }
}
