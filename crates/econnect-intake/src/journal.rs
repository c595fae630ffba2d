//! The check journal: which file is being checked right now, on disk, so that a file
//! that kills the process while it is checked (a stack overflow, running out of memory,
//! an abort, a kill) is known at the next start and refused there instead of checked
//! again, which would kill that start too: one bad file must never become a crash loop.
//!
//! One journal file per run of checks (`<uuid>.checking`), holding the file being checked
//! or nothing between files, removed when the run ends. An entry is written, not synced:
//! written data outlives the death of the process, which is what the journal is for; a
//! power cut may lose it, and then the file is simply checked again (a power cut is not
//! the file's fault).

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

/// First line of an entry: what wrote it, and its format.
const HEADER: &str = "econnect-preflight-journal 1";
/// The extension of journal files.
const EXTENSION: &str = "checking";

/// A name for this process, the first part of its journal files' names: an intake started
/// again in the same process (another profile, a restart after `abort`) must not take the
/// runs still going on here for those of a process that died.
fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| uuid::Uuid::new_v4().simple().to_string())
}

/// Whether a journal file was written by this process.
fn ours(file: &Path) -> bool {
    file.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(process_tag()))
}

/// The identity of a file as it was when its check began.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    size: Option<u64>,
    modified_ns: Option<u128>,
}

impl Identity {
    fn of(path: &Path) -> Identity {
        let meta = std::fs::metadata(path).ok();
        Identity {
            size: meta.as_ref().map(std::fs::Metadata::len),
            modified_ns: meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos()),
        }
    }

    /// Whether `now` is the same file (what is unknown on either side is not compared).
    fn same_as(&self, now: &Identity) -> bool {
        fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
            a.is_none() || b.is_none() || a == b
        }
        agree(&self.size, &now.size) && agree(&self.modified_ns, &now.modified_ns)
    }
}

/// A file the process died on while checking it, found at start.
#[derive(Debug)]
struct Suspect {
    entry: PathBuf,
    identity: Identity,
}

/// The journal of one intake (one profile).
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    /// Files a previous run died on, by path (as text), until each is refused or gone.
    suspects: Mutex<HashMap<String, Suspect>>,
}

fn key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Journal {
    /// Opens the journal in `dir` (created when missing) and reads what a previous run left:
    /// the files it died on. Entries of files that are gone are removed.
    pub fn open(dir: &Path) -> Journal {
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::warn!(dir = %dir.display(), error = %e, "the check journal cannot be created; checks run unguarded by it");
        }
        let mut suspects = HashMap::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let file = entry.path();
            if file.extension().is_none_or(|e| e != EXTENSION) || ours(&file) {
                continue;
            }
            match read_entry(&file) {
                Some((path, identity)) if path.exists() => {
                    tracing::warn!(path = %path.display(), "the app stopped while checking this file; it is refused, not checked again");
                    suspects.insert(
                        key(&path),
                        Suspect {
                            entry: file,
                            identity,
                        },
                    );
                }
                // Empty (stopped between files), unreadable, or the file is gone.
                _ => remove(&file),
            }
        }
        Journal {
            dir: dir.to_path_buf(),
            suspects: Mutex::new(suspects),
        }
    }

    /// True when the process died while checking the file at `path`, as it is now (a file
    /// changed since is checked again). Forgets it: the caller refuses it once.
    pub fn died_on(&self, path: &Path) -> bool {
        let mut suspects = self
            .suspects
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if suspects.is_empty() {
            return false;
        }
        let Some(suspect) = suspects.remove(&key(path)) else {
            return false;
        };
        remove(&suspect.entry);
        suspect.identity.same_as(&Identity::of(path))
    }

    /// Starts a run of checks: its own journal file, empty until a check begins.
    pub fn run(&self) -> Run {
        let path = self.dir.join(format!(
            "{}-{}.{EXTENSION}",
            process_tag(),
            uuid::Uuid::new_v4().simple()
        ));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(file) => Run {
                path,
                file: Some(file),
            },
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no check journal for this run");
                Run { path, file: None }
            }
        }
    }

    /// Removes the journal files of checks in flight: the intake stops on purpose, so
    /// those checks did not kill it. Files a previous run died on stay suspect.
    pub fn clear_in_flight(&self) {
        let suspects = self
            .suspects
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for entry in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let file = entry.path();
            let journal = file.extension().is_some_and(|e| e == EXTENSION);
            if journal && ours(&file) && !suspects.values().any(|s| s.entry == file) {
                remove(&file);
            }
        }
    }

    /// The journal folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// One run of checks (on one thread); its journal file says which file it is checking.
#[derive(Debug)]
pub struct Run {
    path: PathBuf,
    file: Option<File>,
}

impl Run {
    /// Records that the check of `path` begins (before a single byte of it is read).
    pub fn begin(&mut self, path: &Path) {
        let identity = Identity::of(path);
        let text = format!(
            "{HEADER}\n{}\n{}\n{}",
            identity.size.map_or("-".into(), |s| s.to_string()),
            identity.modified_ns.map_or("-".into(), |m| m.to_string()),
            key(path)
        );
        self.write(text.as_bytes());
    }

    /// Records that the check ended (with any outcome, a caught panic included).
    pub fn end(&mut self) {
        self.write(b"");
    }

    /// The journal file of this run (the waiter removes it when it gives up on the run).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&mut self, bytes: &[u8]) {
        let Some(file) = self.file.as_mut() else {
            return;
        };
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(bytes));
        if let Err(e) = written {
            tracing::warn!(path = %self.path.display(), error = %e, "the check journal could not be written");
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.file = None;
        remove(&self.path);
    }
}

/// The file and identity an entry names; `None` for an empty or unreadable entry.
fn read_entry(file: &Path) -> Option<(PathBuf, Identity)> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.splitn(4, '\n');
    if lines.next()? != HEADER {
        return None;
    }
    let size = lines.next()?.parse().ok();
    let modified_ns = lines.next()?.parse().ok();
    let path = lines.next().filter(|p| !p.is_empty())?;
    Some((PathBuf::from(path), Identity { size, modified_ns }))
}

fn remove(file: &Path) {
    if let Err(e) = std::fs::remove_file(file)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %file.display(), error = %e, "a check journal file could not be removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As if the process that wrote `run` died mid-check: its file stays, and it is
    /// another process's now. The OS closes a dead process's files: so does this (on
    /// Windows, a file removed while open stays listed until its last handle closes).
    fn die(mut run: Run) {
        let path = run.path().to_path_buf();
        run.file = None;
        std::mem::forget(run);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let foreign = path.with_file_name(name.replacen(process_tag(), "gestorven", 1));
        std::fs::rename(&path, foreign).unwrap();
    }

    #[test]
    fn a_check_left_unfinished_names_its_file_at_the_next_open_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let journal_dir = dir.path().join("journal");
        let bad = dir.path().join("slecht.pdf");
        let good = dir.path().join("goed.pdf");
        let gone = dir.path().join("weg.pdf");
        for f in [&bad, &good, &gone] {
            std::fs::write(f, b"inhoud").unwrap();
        }
        let journal = Journal::open(&journal_dir);
        let mut finished = journal.run();
        finished.begin(&good);
        finished.end();
        let mut died = journal.run();
        died.begin(&bad);
        die(died);
        let mut died_too = journal.run();
        died_too.begin(&gone);
        die(died_too);
        drop(finished);
        std::fs::remove_file(&gone).unwrap();

        let reopened = Journal::open(&journal_dir);
        assert!(!reopened.died_on(&good));
        assert!(!reopened.died_on(&gone));
        // The entry of the vanished file is gone already; the suspect's is kept until used.
        assert_eq!(std::fs::read_dir(&journal_dir).unwrap().count(), 1);
        assert!(reopened.died_on(&bad));
        assert!(!reopened.died_on(&bad), "refused once, then forgotten");
        assert_eq!(std::fs::read_dir(&journal_dir).unwrap().count(), 0);

        let mut again = reopened.run();
        again.begin(&bad);
        die(again);
        std::fs::write(&bad, b"een andere inhoud").unwrap();
        assert!(!Journal::open(&journal_dir).died_on(&bad), "changed since");
    }

    #[test]
    fn stopping_on_purpose_clears_checks_in_flight_but_keeps_suspects() {
        let dir = tempfile::tempdir().unwrap();
        let journal_dir = dir.path().join("journal");
        let file = dir.path().join("f.pdf");
        std::fs::write(&file, b"x").unwrap();
        let mut died = Journal::open(&journal_dir).run();
        died.begin(&file);
        die(died);
        let journal = Journal::open(&journal_dir);
        let other = dir.path().join("g.pdf");
        std::fs::write(&other, b"y").unwrap();
        let mut in_flight = journal.run();
        in_flight.begin(&other);
        // A second intake in this process does not take a run going on here for a death.
        assert!(!Journal::open(&journal_dir).died_on(&other));
        assert!(in_flight.path().exists());
        journal.clear_in_flight();
        // The process then ends with that check still going, and the OS closes its file:
        // Windows deletes a file removed while open only then.
        let path = in_flight.path().to_path_buf();
        in_flight.file = None;
        std::mem::forget(in_flight);
        assert!(!path.exists());
        assert!(Journal::open(&journal_dir).died_on(&file));
    }
}
