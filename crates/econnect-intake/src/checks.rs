//! Preflight guarded against its own failures, so that one malformed file costs only
//! itself: a panic in a check is caught (the release build unwinds for this), a check that
//! runs too long is given up on, and a file the process died on while checking it (which
//! no catch can stop) is refused at the next start through the [`Journal`].

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::journal::Journal;
use crate::preflight::{Direction, FileKind, Preflight};
use crate::refusal::Refusal;

/// The check run on each file: [`crate::preflight::preflight`] in the app; tests put in a
/// check that panics, hangs or kills the process, to prove the guards.
pub type CheckFn = fn(&Path, Direction) -> Preflight;

/// Stack of a checking thread. The parsers recurse (bounded, but a debug build's frames
/// are large); a big stack costs address space, not memory, until it is used.
pub const CHECK_STACK_BYTES: usize = 16 * 1024 * 1024;

/// How checks are guarded.
#[derive(Clone)]
pub(crate) struct Guard {
    pub journal: Arc<Journal>,
    pub check: CheckFn,
    /// Longest a single file's check may take.
    pub deadline: Duration,
}

/// Checks `files` in order, on a thread of their own; one result per file.
///
/// A detached thread rather than tokio's blocking pool: a check that never returns is
/// left behind (a thread cannot be stopped from outside), and the runtime waits for its
/// blocking tasks when it shuts down, so a hung check in that pool would hang the app's
/// exit. A detached thread ends with the process. Each result restarts the deadline; when
/// it passes, the file being checked is refused, its thread left to finish (it stops
/// before the next file), and the files after it go to a new thread.
pub(crate) async fn check_files(guard: &Guard, files: Vec<(PathBuf, Direction)>) -> Vec<Preflight> {
    let files = Arc::new(files);
    let mut results: Vec<Option<Preflight>> = vec![None; files.len()];
    let mut next = 0;
    while next < files.len() {
        // Room for every result of this run: the thread never waits on the channel.
        let (tx, mut rx) = mpsc::channel(files.len() - next);
        let run = guard.journal.run();
        let run_file = run.path().to_path_buf();
        let worker = {
            let files = Arc::clone(&files);
            let journal = Arc::clone(&guard.journal);
            let check = guard.check;
            let from = next;
            std::thread::Builder::new()
                .name("preflight".into())
                .stack_size(CHECK_STACK_BYTES)
                .spawn(move || work(&files, from, &journal, run, check, &tx))
        };
        if let Err(e) = worker {
            for (path, _) in &files[next..] {
                results[next] = Some(not_checked(path, Refusal::unreadable(&e)));
                next += 1;
            }
            break;
        }
        let mut ended = false;
        loop {
            match tokio::time::timeout(guard.deadline, rx.recv()).await {
                Ok(Some((i, preflight))) => {
                    results[i] = Some(preflight);
                    next = i + 1;
                }
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(_) => {
                    let (path, _) = &files[next];
                    tracing::warn!(path = %path.display(), deadline = ?guard.deadline, "a check took too long; the file is refused");
                    results[next] =
                        Some(not_checked(path, Refusal::check_too_slow(guard.deadline)));
                    next += 1;
                    // The file is handled (refused): should its runaway check still kill
                    // the process, that must not count against the file at the next start.
                    let _ = tokio::fs::remove_file(&run_file).await;
                    break;
                }
            }
        }
        if ended && next < files.len() {
            // The thread ended before the last file: it failed outside a check.
            break;
        }
    }
    results
        .into_iter()
        .zip(files.iter())
        .map(|(r, (path, _))| r.unwrap_or_else(|| not_checked(path, Refusal::check_failed())))
        .collect()
}

/// The checking thread: files from `from` on, each journalled while it is checked.
fn work(
    files: &[(PathBuf, Direction)],
    from: usize,
    journal: &Journal,
    mut run: crate::journal::Run,
    check: CheckFn,
    tx: &mpsc::Sender<(usize, Preflight)>,
) {
    for (i, (path, direction)) in files.iter().enumerate().skip(from) {
        let preflight = if journal.died_on(path) {
            not_checked(path, Refusal::check_died())
        } else {
            run.begin(path);
            // A bug in a check must cost only its own file, not the batch or the app.
            let checked = std::panic::catch_unwind(AssertUnwindSafe(|| check(path, *direction)));
            run.end();
            checked.unwrap_or_else(|_| {
                tracing::error!(path = %path.display(), "a check failed (panicked); the file is refused");
                not_checked(path, Refusal::check_failed())
            })
        };
        if tx.blocking_send((i, preflight)).is_err() {
            return; // the waiter gave up on this thread (deadline): the rest is not ours
        }
    }
}

/// The preflight of a file that was not (fully) checked.
pub(crate) fn not_checked(path: &Path, refusal: Refusal) -> Preflight {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Preflight::refused(file_name, FileKind::Unknown, 0, String::new(), refusal)
}
