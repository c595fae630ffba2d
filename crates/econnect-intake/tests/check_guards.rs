//! One malformed file costs only itself: a check that panics, hangs, or kills the process
//! refuses that file (to `Mislukt/` with a Dutch reason) and the intake goes on, also at
//! the next start.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use econnect_intake::{Direction, Intake, IntakeConfig, Preflight, Stage, preflight, samples};

const LIMIT: Duration = Duration::from_secs(30);

fn named(path: &Path, marker: &str) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().contains(marker))
}

/// The real check, except that it panics on files named `paniek…`.
fn panicking_check(path: &Path, direction: Direction) -> Preflight {
    assert!(!named(path, "paniek"), "a bug in a check");
    preflight::preflight(path, direction)
}

/// The real check, except that it never returns for files named `hangt…`.
fn hanging_check(path: &Path, direction: Direction) -> Preflight {
    if named(path, "hangt") {
        loop {
            std::thread::park();
        }
    }
    preflight::preflight(path, direction)
}

/// The real check, except that it kills the process (as a stack overflow or running out
/// of memory would, which no unwinding can catch) on files named `valt-om…`.
fn fatal_check(path: &Path, direction: Direction) -> Preflight {
    if named(path, "valt-om") {
        std::process::abort();
    }
    preflight::preflight(path, direction)
}

async fn start(rig: &Rig, folder: &econnect_intake::WatchedFolder, config: IntakeConfig) -> Intake {
    Intake::start(
        rig.store.clone(),
        rig.client.clone(),
        config,
        vec![folder.clone()],
    )
    .await
    .unwrap()
}

fn reason(folder: &Path, name: &str) -> String {
    std::fs::read_to_string(folder.join("Mislukt").join(format!("{name}.reden.txt")))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_that_panics_costs_only_its_file() {
    let rig = Rig::new().await;
    let folder = rig.single("inkoop", Direction::Purchase);
    for name in ["paniek.pdf", "goed-1.pdf", "goed-2.pdf"] {
        std::fs::write(folder.path.join(name), samples::pdf(4000, name)).unwrap();
    }
    let config = IntakeConfig {
        check: panicking_check,
        ..fast_config()
    };
    let intake = start(&rig, &folder, config).await;
    until(LIMIT, "the good files sent, the other refused", || {
        rig.created() == 2 && failed_files(&folder.path).len() == 2
    })
    .await;
    let why = reason(&folder.path, "paniek.pdf");
    assert!(why.contains("kon niet worden gecontroleerd"), "{why}");
    intake.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_check_is_refused_after_the_deadline_while_other_files_go_through() {
    let rig = Rig::new().await;
    let folder = rig.single("inkoop", Direction::Purchase);
    // Together, so they share a run of checks: those after the hung one need a new thread.
    for name in ["a.pdf", "hangt.pdf", "b.pdf", "c.pdf"] {
        std::fs::write(folder.path.join(name), samples::pdf(4000, name)).unwrap();
    }
    let config = IntakeConfig {
        check: hanging_check,
        check_deadline: Duration::from_secs(3),
        ..fast_config()
    };
    let intake = start(&rig, &folder, config).await;
    until(LIMIT, "three sent, the hanging one refused", || {
        rig.created() == 3 && failed_files(&folder.path).len() == 2
    })
    .await;
    let why = reason(&folder.path, "hangt.pdf");
    assert!(why.contains("duurde te lang"), "{why}");
    // Later files are still checked while the runaway check hangs on.
    let mut rx = intake.subscribe();
    std::fs::write(folder.path.join("d.pdf"), samples::pdf(4000, "d")).unwrap();
    collect_until(&mut rx, LIMIT, |ev| {
        count_stage(ev, |s| matches!(s, Stage::Verzonden { .. })) == 1
    })
    .await;
    // The journal does not hold the refused file against the next start.
    let journal = rig.store.path().with_file_name("preflight-journal");
    intake.shutdown().await;
    // Not under Wine, nor on Windows file systems without POSIX deletes (FAT, network
    // shares): there a removed file stays listed until its last handle closes, which the
    // hung thread holds until the process ends (the OS deletes it then).
    if !cfg!(windows) {
        assert_eq!(std::fs::read_dir(&journal).unwrap().count(), 0);
    }
}

/// Where the child process of the next test keeps its folder (its store is the parent's).
const CHILD_DIR: &str = "ECONNECT_TEST_CRASH_DIR";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_process_died_on_is_refused_at_the_next_start_instead_of_checked() {
    let rig = Rig::new().await;
    let folder = rig.single("inkoop", Direction::Purchase);
    std::fs::write(folder.path.join("valt-om.pdf"), samples::pdf(4000, "x")).unwrap();
    // The first run: a child process that dies while checking the file.
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "crash_child_dies_while_checking",
            "--include-ignored",
            "--nocapture",
        ])
        .env(CHILD_DIR, rig.dir.path());
    let status = tokio::task::spawn_blocking(move || child.status())
        .await
        .unwrap()
        .unwrap();
    assert!(!status.success(), "the child was meant to die: {status:?}");
    let journal = rig.store.path().with_file_name("preflight-journal");
    assert_eq!(std::fs::read_dir(&journal).unwrap().count(), 1);
    assert!(folder.path.join("valt-om.pdf").exists());

    // The next start, with the same fatal check: it must survive, and go on with others.
    std::fs::write(folder.path.join("goed.pdf"), samples::pdf(4000, "goed")).unwrap();
    let config = IntakeConfig {
        check: fatal_check,
        ..fast_config()
    };
    let intake = start(&rig, &folder, config).await;
    until(LIMIT, "the good file sent, the fatal one refused", || {
        rig.created() == 1 && failed_files(&folder.path).len() == 2
    })
    .await;
    let why = reason(&folder.path, "valt-om.pdf");
    assert!(
        why.contains("De app stopte tijdens de controle van dit bestand"),
        "{why}"
    );
    intake.shutdown().await;
    assert_eq!(std::fs::read_dir(&journal).unwrap().count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of a_file_the_process_died_on_is_refused_at_the_next_start_instead_of_checked: it aborts on purpose"]
async fn crash_child_dies_while_checking() {
    let dir = std::path::PathBuf::from(std::env::var_os(CHILD_DIR).expect(CHILD_DIR));
    let store = econnect_store::Store::open(&dir.join("db").join("cache.sqlite"))
        .await
        .unwrap();
    // Never reached: the only file kills the process before anything is sent.
    let base = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let credentials = econnect_api::Credentials::Password {
        username: "x".into(),
        password: "x".into(),
        client_id: "x".into(),
        client_secret: "x".into(),
    };
    let client =
        econnect_api::Client::new(econnect_api::Config::new(base.clone(), base, credentials))
            .unwrap();
    let folder = econnect_intake::WatchedFolder {
        path: dir.join("inkoop"),
        layout: econnect_intake::Layout::Single {
            party: PARTY.into(),
        },
        direction: Direction::Purchase,
    };
    let config = IntakeConfig {
        check: fatal_check,
        ..fast_config()
    };
    let _intake = Intake::start(store, client, config, vec![folder])
        .await
        .unwrap();
    tokio::time::sleep(LIMIT).await;
    panic!("the check of valt-om.pdf did not end the process");
}

#[test]
fn the_release_build_unwinds_so_a_panicking_check_can_be_caught() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let setting: String = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert!(
            !(section.starts_with("[profile") && setting == "panic=\"abort\""),
            "{section} sets panic = \"abort\": a panic in a check would stop the app"
        );
    }
}
