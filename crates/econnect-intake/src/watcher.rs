//! Watching folders: notify events (debounced) are hints that a file may be ready; a full
//! rescan at start-up and every few minutes is the truth (and the only source on network
//! shares, or when the OS watch limit is reached).
//!
//! A file is taken only when complete: on Linux when its writer closed it (inotify's
//! close-write); otherwise (renamed in, found by a scan, other systems) when its size and
//! modification time are the same at two checks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, mpsc};

use crate::engine::Inner;
use crate::folders::{self, EntryKind, Layout, OrgFolder, WatchedFolder};
use crate::pending::{Pending, PendingFiles};
use crate::preflight::Direction;

/// How often folders are scanned when events cannot be had.
const POLL_EVERY: Duration = Duration::from_secs(10);
/// A file found by a scan (not by an event) must also be this old: a writer may be busy.
const SCAN_MIN_AGE: Duration = Duration::from_secs(1);

/// Complete files waiting for the pipeline at most. Past it a file stays pending in the
/// watcher (its path is all it costs there) and is offered again at the next settle tick:
/// backpressure, never a lost file.
pub const READY_CAPACITY: usize = 256;
/// Batches of file-system events waiting for the watcher at most. Events are only hints:
/// past this the batch is dropped and a full rescan, which finds every file, is asked for.
pub const EVENT_CAPACITY: usize = 64;
/// File-system events waiting for the watcher at most, over all batches: in a flood one
/// batch can hold thousands (a path each), so batches alone do not bound the memory.
pub const EVENT_BUDGET: usize = 2048;
/// Commands (add, remove, rescan) waiting for the watcher at most.
pub const COMMAND_CAPACITY: usize = 64;

/// Whether this OS reports close-write (so event paths wait for it).
const HAS_CLOSE_WRITE: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Steering the watcher from the engine.
#[derive(Debug)]
pub enum WatchCommand {
    /// Watch one more folder.
    Add(WatchedFolder),
    /// Stop watching a folder.
    Remove(PathBuf),
    /// Scan everything now.
    Rescan,
}

/// One organisation folder as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrgBinding {
    /// The folder.
    pub path: String,
    /// Its organisation.
    pub party_id: String,
    /// Purchase or sales.
    pub direction: Direction,
    /// Files in it now (waiting to be taken or sent).
    #[specta(type = f64)]
    pub files_waiting: u64,
}

/// A watched folder with its bindings and health line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FolderStatus {
    /// The watched folder.
    pub path: String,
    /// Its layout.
    pub layout: Layout,
    /// Its default direction.
    pub direction: Direction,
    /// The organisation folders found.
    pub organisations: Vec<OrgBinding>,
    /// Subfolders without a binding (root layout).
    pub unbound: Vec<String>,
    /// Last full scan (RFC 3339).
    pub last_scan: Option<String>,
    /// True when file-system events arrive; false when only scans are done.
    pub events: bool,
    /// A problem to show (Dutch), e.g. the OS watch limit.
    pub message: Option<String>,
}

/// A complete file for the pipeline, with its organisation folder.
pub type Ready = (Arc<OrgFolder>, PathBuf);

/// Sends complete files to the pipeline. Each entry shares its organisation folder (one
/// per folder, not a copy per file): a full channel then costs about the paths alone.
pub struct ReadyTx {
    tx: mpsc::Sender<Ready>,
    folders: HashMap<PathBuf, Arc<OrgFolder>>,
}

impl ReadyTx {
    /// Wraps the pipeline's channel.
    pub fn new(tx: mpsc::Sender<Ready>) -> Self {
        ReadyTx {
            tx,
            folders: HashMap::new(),
        }
    }

    /// Hands a complete file to the pipeline; when its channel is full the file comes back,
    /// to wait in `pending` (the watcher must not block: it also takes events and commands).
    fn send(&mut self, org: OrgFolder, path: PathBuf) -> Result<(), (OrgFolder, PathBuf)> {
        let shared = match self.folders.get(&org.path) {
            // The binding may have changed (a new marker): only an equal one is shared.
            Some(known) if **known == org => Arc::clone(known),
            _ => {
                let fresh = Arc::new(org);
                self.folders.insert(fresh.path.clone(), Arc::clone(&fresh));
                fresh
            }
        };
        match self.tx.try_send((shared, path)) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full((org, path))) => {
                Err((Arc::unwrap_or_clone(org), path))
            }
            // The pipeline has stopped (the engine is stopping): the next start rescans.
            Err(mpsc::error::TrySendError::Closed(_)) => Ok(()),
        }
    }
}

/// Where the watch callbacks (on notify's own threads) put their event batches.
#[derive(Clone)]
pub struct EventTx {
    tx: mpsc::Sender<DebounceEventResult>,
    overflow: Arc<Overflow>,
}

/// Set when a batch of events was dropped because the watcher was behind.
#[derive(Default)]
struct Overflow {
    happened: AtomicBool,
    wake: Notify,
    /// Events queued and not yet taken.
    queued: AtomicUsize,
}

/// Events in a batch (an error batch counts as one).
fn batch_len(batch: &DebounceEventResult) -> usize {
    batch.as_ref().map_or(1, Vec::len)
}

impl EventTx {
    fn new() -> (EventTx, mpsc::Receiver<DebounceEventResult>) {
        let (tx, rx) = mpsc::channel(EVENT_CAPACITY);
        let overflow = Arc::new(Overflow::default());
        (EventTx { tx, overflow }, rx)
    }

    /// Queues a batch without blocking notify's thread. A flood (a copy of 100,000 files,
    /// a tool touching a folder in a loop) must neither grow memory nor stall the event
    /// source: when the watcher is behind, the batch is dropped and a full rescan asked
    /// for, which finds every file the dropped events were about.
    fn deliver(&self, batch: DebounceEventResult) {
        let n = batch_len(&batch);
        let queued = self.overflow.queued.fetch_add(n, Ordering::AcqRel);
        if queued + n > EVENT_BUDGET {
            self.overflow.queued.fetch_sub(n, Ordering::AcqRel);
            self.dropped();
            return;
        }
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(batch) {
            self.overflow.queued.fetch_sub(n, Ordering::AcqRel);
            self.dropped();
        }
    }

    /// A batch was dropped: a rescan is due.
    fn dropped(&self) {
        self.overflow.happened.store(true, Ordering::Release);
        self.overflow.wake.notify_one();
    }

    /// The watcher took a batch off the queue.
    fn taken(&self, batch: &DebounceEventResult) {
        self.overflow
            .queued
            .fetch_sub(batch_len(batch), Ordering::AcqRel);
    }

    /// Whether events were dropped since the last call (and so a rescan is due).
    fn take_overflow(&self) -> bool {
        self.overflow.happened.swap(false, Ordering::AcqRel)
    }
}

/// One watched folder with its (optional) event source.
struct Watched {
    folder: WatchedFolder,
    debouncer: Option<Debouncer<notify::RecommendedWatcher, RecommendedCache>>,
    message: Option<String>,
}

/// The Dutch message for a watch error; the OS watch limit gets its own, with the fix.
pub fn watch_error_message(err: &notify::Error) -> String {
    let limit = matches!(err.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&err.kind, notify::ErrorKind::Io(e) if e.raw_os_error() == Some(28));
    if limit {
        "Het systeem kan niet meer mappen volgen: de limiet voor bestandsbewaking is bereikt \
         (inotify). De map wordt nu elke 10 seconden doorzocht. Verhoog de limiet, bijvoorbeeld \
         met: sudo sysctl fs.inotify.max_user_watches=524288"
            .to_string()
    } else {
        format!("De map kan niet worden gevolgd ({err}); hij wordt elke 10 seconden doorzocht")
    }
}

fn start_watch(
    folder: &WatchedFolder,
    debounce: Duration,
    tx: &EventTx,
) -> Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>, notify::Error> {
    let tx = tx.clone();
    let tick = (debounce / 2).max(Duration::from_millis(2));
    let mut debouncer = new_debouncer(debounce, Some(tick), move |res: DebounceEventResult| {
        tx.deliver(res);
    })?;
    let mode = match folder.layout {
        Layout::Root => RecursiveMode::Recursive,
        Layout::Single { .. } => RecursiveMode::NonRecursive,
    };
    debouncer.watch(&folder.path, mode)?;
    Ok(debouncer)
}

/// Watches set up before the engine's start returns (so no file written right after
/// the start is missed by the events), handed to [`run`].
pub struct Setup {
    watched: Vec<Watched>,
    ev_tx: EventTx,
    ev_rx: mpsc::Receiver<DebounceEventResult>,
}

/// Starts watching the initial folders.
pub fn setup(inner: &Inner, initial: Vec<WatchedFolder>) -> Setup {
    let (ev_tx, ev_rx) = EventTx::new();
    let watched = initial
        .into_iter()
        .map(|f| open(inner, f, &ev_tx))
        .collect();
    Setup {
        watched,
        ev_tx,
        ev_rx,
    }
}

/// What the watcher works on; handed to the blocking pool and back for each step.
struct State {
    watched: Vec<Watched>,
    pending: PendingFiles,
    ready: ReadyTx,
}

/// One step of the watcher's file-system work; true when it scanned every folder.
type Step = Box<dyn FnOnce(&Inner, &mut State) -> bool + Send>;

/// Runs one step of file-system work (scans, `stat`s, opening watches) on the blocking
/// pool: a folder on a network share that hangs then holds a blocking thread, never an
/// async worker (on a runtime with one worker, that would stop everything). `None` when
/// the step panicked.
async fn off_runtime<T: Send + 'static>(
    inner: &Arc<Inner>,
    state: State,
    step: impl FnOnce(&Inner, &mut State) -> T + Send + 'static,
) -> Option<(State, T)> {
    let inner = Arc::clone(inner);
    tokio::task::spawn_blocking(move || {
        let mut state = state;
        let out = step(&inner, &mut state);
        (state, out)
    })
    .await
    .ok()
}

/// The watcher task: sends `(organisation folder, path)` for each complete file.
pub async fn run(
    inner: Arc<Inner>,
    setup: Setup,
    mut commands: mpsc::Receiver<WatchCommand>,
    ready: mpsc::Sender<Ready>,
) {
    let Setup {
        watched,
        ev_tx,
        mut ev_rx,
    } = setup;
    let state = State {
        watched,
        pending: PendingFiles::new(inner.config.max_pending),
        ready: ReadyTx::new(ready),
    };
    let mut stop = inner.stop.subscribe();
    let scan = |inner: &Inner, s: &mut State| rescan(inner, &s.watched, &mut s.pending);
    let Some((mut state, ())) = off_runtime(&inner, state, scan).await else {
        tracing::error!("the folder watcher stopped: its first scan failed");
        return;
    };
    let mut settle = tokio::time::interval(inner.config.settle);
    settle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_scan = Instant::now();
    loop {
        let polling = state.watched.iter().any(|w| w.debouncer.is_none());
        let every = if polling {
            POLL_EVERY.min(inner.config.rescan_every)
        } else {
            inner.config.rescan_every
        };
        let next_scan = (last_scan + every).saturating_duration_since(Instant::now());
        // The next step, if any; run off the runtime below.
        let step: Option<Step> = tokio::select! {
            Some(batch) = ev_rx.recv() => {
                ev_tx.taken(&batch);
                match batch {
                    Ok(events) => {
                        // Batches dropped while the channel was full: only a rescan finds them.
                        let overflow = ev_tx.take_overflow();
                        Some(Box::new(move |inner: &Inner, s: &mut State| {
                            let mut full = overflow;
                            for ev in events {
                                full |= handle_event(inner, &s.watched, &mut s.pending, &mut s.ready, &ev.event);
                            }
                            full |= s.pending.take_rescan();
                            if full {
                                rescan(inner, &s.watched, &mut s.pending);
                            }
                            full
                        }))
                    }
                    Err(errors) => {
                        for e in errors {
                            tracing::warn!(error = %e, "file watch error");
                            let message = watch_error_message(&e);
                            for w in state.watched.iter_mut() {
                                if e.paths.is_empty() || e.paths.iter().any(|p| p.starts_with(&w.folder.path)) {
                                    w.message = Some(message.clone());
                                }
                            }
                        }
                        None
                    }
                }
            }
            () = ev_tx.overflow.wake.notified() => {
                ev_tx.take_overflow().then(|| -> Step {
                    Box::new(|inner: &Inner, s: &mut State| {
                        rescan(inner, &s.watched, &mut s.pending);
                        true
                    })
                })
            }
            cmd = commands.recv() => {
                let ev_tx = ev_tx.clone();
                match cmd {
                    Some(WatchCommand::Add(folder)) => Some(Box::new(move |inner: &Inner, s: &mut State| {
                        s.watched.retain(|w| w.folder.path != folder.path);
                        s.watched.push(open(inner, folder, &ev_tx));
                        rescan(inner, &s.watched, &mut s.pending);
                        true
                    })),
                    Some(WatchCommand::Remove(path)) => Some(Box::new(move |inner: &Inner, s: &mut State| {
                        s.watched.retain(|w| w.folder.path != path);
                        rescan(inner, &s.watched, &mut s.pending);
                        true
                    })),
                    Some(WatchCommand::Rescan) => Some(Box::new(|inner: &Inner, s: &mut State| {
                        rescan(inner, &s.watched, &mut s.pending);
                        true
                    })),
                    None => break,
                }
            }
            _ = settle.tick(), if !state.pending.is_empty() => Some(Box::new(|inner: &Inner, s: &mut State| {
                check_pending(inner, &mut s.pending, &mut s.ready);
                // A backlog past the bound: the files left out are looked for again.
                let scan = s.pending.take_rescan();
                if scan {
                    rescan(inner, &s.watched, &mut s.pending);
                }
                scan
            })),
            _ = tokio::time::sleep(next_scan) => Some(Box::new(|inner: &Inner, s: &mut State| {
                rescan(inner, &s.watched, &mut s.pending);
                true
            })),
            _ = stop.changed() => break,
        };
        let Some(step) = step else { continue };
        match off_runtime(&inner, state, step).await {
            Some((next, scanned)) => {
                state = next;
                if scanned {
                    last_scan = Instant::now();
                }
            }
            None => {
                tracing::error!("the folder watcher stopped: a step failed");
                return;
            }
        }
    }
}

/// Starts watching one folder (or records why only scans will do).
fn open(inner: &Inner, folder: WatchedFolder, tx: &EventTx) -> Watched {
    if let Err(e) = std::fs::create_dir_all(&folder.path) {
        let message = Some(format!(
            "De map bestaat niet en kan niet worden gemaakt: {e}"
        ));
        return Watched {
            folder,
            debouncer: None,
            message,
        };
    }
    if inner.config.poll_only {
        return Watched {
            folder,
            debouncer: None,
            message: None,
        };
    }
    match start_watch(&folder, inner.config.debounce, tx) {
        Ok(d) => Watched {
            folder,
            debouncer: Some(d),
            message: None,
        },
        Err(e) => {
            tracing::warn!(folder = %folder.path.display(), error = %e, "cannot watch; scanning instead");
            Watched {
                message: Some(watch_error_message(&e)),
                folder,
                debouncer: None,
            }
        }
    }
}

/// The organisation folder a path belongs to, in any watched folder.
fn org_of(watched: &[Watched], path: &Path) -> Option<OrgFolder> {
    watched.iter().find_map(|w| w.folder.org_folder_of(path))
}

/// Handles one event; returns true when a full rescan is needed.
fn handle_event(
    inner: &Inner,
    watched: &[Watched],
    pending: &mut PendingFiles,
    ready: &mut ReadyTx,
    event: &notify::Event,
) -> bool {
    if event.need_rescan() {
        return true;
    }
    let Some(path) = event.paths.last() else {
        return false;
    };
    match event.kind {
        EventKind::Remove(_) => {
            for p in &event.paths {
                pending.remove(p);
            }
            false
        }
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            // The writer closed it: complete.
            if let Some(org) = org_of(watched, path)
                && folders::entry_kind(&org.path, path) == EntryKind::File
                && !inner.is_taken(path)
            {
                pending.remove(path);
                if let Err((org, path)) = ready.send(org, path.clone()) {
                    // The pipeline is behind: the file waits here, and is offered again
                    // once its size and time are seen unchanged.
                    pending.insert(path, Pending::new(org, Duration::ZERO));
                }
            }
            false
        }
        EventKind::Access(_) => false,
        EventKind::Create(_) | EventKind::Modify(_) => {
            if let Some(old) = event.paths.first().filter(|_| event.paths.len() > 1) {
                pending.remove(old);
            }
            if path.is_dir() {
                // A new or renamed-in folder (maybe an organisation subfolder with files).
                scan_dir(inner, watched, pending, path);
                return false;
            }
            let renamed_in = matches!(event.kind, EventKind::Modify(ModifyKind::Name(_)));
            // Where close-write exists, a file written in place waits for it; a file renamed
            // in was written elsewhere and only needs to be stable.
            if HAS_CLOSE_WRITE && !renamed_in {
                return false;
            }
            if let Some(org) = org_of(watched, path)
                && folders::entry_kind(&org.path, path) == EntryKind::File
                && !inner.is_taken(path)
            {
                pending.insert(path.clone(), Pending::new(org, Duration::ZERO));
            }
            false
        }
        _ => false,
    }
}

/// Scans one directory that appeared: if it is an organisation folder (or the root of
/// one), its files become pending.
fn scan_dir(inner: &Inner, watched: &[Watched], pending: &mut PendingFiles, dir: &Path) {
    for w in watched {
        let orgs = w.folder.org_folders();
        for org in orgs
            .into_iter()
            .filter(|o| o.path.starts_with(dir) || dir.starts_with(&o.path))
        {
            add_candidates(inner, pending, &org, Duration::ZERO);
        }
    }
}

fn add_candidates(
    inner: &Inner,
    pending: &mut PendingFiles,
    org: &OrgFolder,
    min_age: Duration,
) -> u64 {
    let mut n = 0;
    // Read as a stream: a folder with a backlog of thousands is counted, not held.
    for path in folders::candidates(org) {
        n += 1;
        if inner.is_taken(&path) || pending.contains(&path) {
            continue;
        }
        pending.insert(path, Pending::new(org.clone(), min_age));
    }
    n
}

/// The full scan: every candidate file becomes pending; the health lines are refreshed.
fn rescan(inner: &Inner, watched: &[Watched], pending: &mut PendingFiles) {
    #[cfg(test)]
    stall::pass();
    let now = econnect_store::timestamp::now();
    let mut status = Vec::with_capacity(watched.len());
    for w in watched {
        let mut organisations = Vec::new();
        for org in w.folder.org_folders() {
            let n = add_candidates(inner, pending, &org, SCAN_MIN_AGE);
            organisations.push(OrgBinding {
                path: org.path.to_string_lossy().into_owned(),
                party_id: org.party.as_str().to_string(),
                direction: org.direction,
                files_waiting: n,
            });
        }
        status.push(FolderStatus {
            path: w.folder.path.to_string_lossy().into_owned(),
            layout: w.folder.layout.clone(),
            direction: w.folder.direction,
            organisations,
            unbound: w
                .folder
                .unbound_subfolders()
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            last_scan: Some(now.clone()),
            events: w.debouncer.is_some(),
            message: w.message.clone(),
        });
    }
    *inner
        .status
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = status;
}

/// Second (and later) looks at pending files: unchanged size and mtime → complete.
fn check_pending(inner: &Inner, pending: &mut PendingFiles, ready: &mut ReadyTx) {
    let mut done = Vec::new();
    for (path, p) in pending.iter_mut() {
        if inner.is_taken(path) || folders::entry_kind(&p.org.path, path) != EntryKind::File {
            done.push((path.clone(), false));
            continue;
        }
        // The entry itself (a link is taken as it is, to be refused).
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            done.push((path.clone(), false));
            continue;
        };
        let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let now = (meta.len(), mtime);
        let old_enough = SystemTime::now()
            .duration_since(mtime)
            .unwrap_or(Duration::ZERO)
            >= p.min_age;
        if p.seen == Some(now) && old_enough && not_locked(path) {
            done.push((path.clone(), true));
        } else {
            p.seen = Some(now);
        }
    }
    let mut full = false;
    for (path, take) in done {
        let Some(p) = pending.remove(&path) else {
            continue;
        };
        if !take {
            continue;
        }
        // A full pipeline: the file stays pending, complete, and goes at a later tick.
        let refused = if full {
            Err((p.org, path))
        } else {
            ready.send(p.org, path)
        };
        if let Err((org, path)) = refused {
            full = true;
            pending.insert(
                path,
                Pending {
                    org,
                    seen: p.seen,
                    min_age: p.min_age,
                },
            );
        }
    }
}

/// Windows: nobody has the file open for writing (a scanner, Word saving a PDF). Opening
/// it while letting others only read fails then; a reader (a PDF viewer) does not hold it.
#[cfg(windows)]
fn not_locked(path: &Path) -> bool {
    use std::os::windows::fs::OpenOptionsExt;
    /// `FILE_SHARE_READ`.
    const SHARE_READ: u32 = 0x1;
    std::fs::OpenOptions::new()
        .read(true)
        .share_mode(SHARE_READ)
        .open(path)
        .is_ok()
}

/// Elsewhere close-write (Linux) or the stability check is the test.
#[cfg(not(windows))]
fn not_locked(_path: &Path) -> bool {
    true
}

/// Test builds only: lets a test hold a rescan, as a network share that hangs would.
#[cfg(test)]
mod stall {
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    /// Whether scans are held; whether one is waiting; whether one gave up waiting.
    #[derive(Default, Clone, Copy)]
    pub struct Gate {
        pub held: bool,
        pub entered: bool,
        pub timed_out: bool,
    }

    static GATE: Mutex<Gate> = Mutex::new(Gate {
        held: false,
        entered: false,
        timed_out: false,
    });
    static CHANGED: Condvar = Condvar::new();

    fn gate() -> std::sync::MutexGuard<'static, Gate> {
        GATE.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Holds every scan from now on.
    pub fn hold() {
        *gate() = Gate {
            held: true,
            ..Gate::default()
        };
    }

    /// Lets held scans go on.
    pub fn release() {
        gate().held = false;
        CHANGED.notify_all();
    }

    /// What the gate has seen.
    pub fn seen() -> Gate {
        *gate()
    }

    /// Called by a scan: waits while scans are held (at most a few seconds, so that a
    /// scan that stalls the runtime ends the test with a failure rather than a hang).
    pub fn pass() {
        let mut g = gate();
        if !g.held {
            return;
        }
        g.entered = true;
        let (mut g, wait) = CHANGED
            .wait_timeout_while(g, Duration::from_secs(5), |g| g.held)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if wait.timed_out() {
            g.timed_out = true;
            g.held = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_held_by_a_hung_folder_does_not_stall_the_runtime() {
        // One worker thread: were the scan run on it, nothing else could run meanwhile.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = econnect_store::Store::open(&dir.path().join("cache.sqlite"))
                .await
                .unwrap();
            // Never called: nothing is queued.
            let base = url::Url::parse("http://127.0.0.1:9/").unwrap();
            let credentials = econnect_api::Credentials::Password {
                username: "u".into(),
                password: "p".into(),
                client_id: "c".into(),
                client_secret: "s".into(),
            };
            let client = econnect_api::Client::new(econnect_api::Config::new(
                base.clone(),
                base,
                credentials,
            ))
            .unwrap();
            let folder = WatchedFolder {
                path: dir.path().join("inkoop"),
                layout: Layout::Single {
                    party: "0106:30187412".into(),
                },
                direction: Direction::Purchase,
            };
            stall::hold();
            let intake = crate::Intake::start(store, client, Default::default(), vec![folder])
                .await
                .unwrap();
            // The watcher's first scan is now held; this task still runs, and sees it held.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
            while !stall::seen().entered {
                assert!(tokio::time::Instant::now() < deadline, "no scan started");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let seen = stall::seen();
            stall::release();
            assert!(
                seen.held && !seen.timed_out,
                "the runtime could not run while a scan was held"
            );
            // Released, the scan finishes and the folder's health line appears.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
            while intake.bindings().is_empty() {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the scan never ended"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            intake.shutdown().await;
        });
    }

    #[test]
    fn waiting_files_share_their_organisation_folder() {
        let (tx, mut rx) = mpsc::channel(READY_CAPACITY);
        let mut ready = ReadyTx::new(tx);
        let org = |party: &str| OrgFolder {
            path: PathBuf::from("/map/Bakkerij"),
            party: econnect_api::PartyId::new(party),
            direction: Direction::Purchase,
        };
        ready
            .send(org("0106:30187412"), PathBuf::from("/map/Bakkerij/a.pdf"))
            .unwrap();
        ready
            .send(org("0106:30187412"), PathBuf::from("/map/Bakkerij/b.pdf"))
            .unwrap();
        // A new marker binds the folder to another organisation: not shared with the old.
        ready
            .send(org("0106:24356718"), PathBuf::from("/map/Bakkerij/c.pdf"))
            .unwrap();
        let (a, _) = rx.try_recv().unwrap();
        let (b, _) = rx.try_recv().unwrap();
        let (c, path) = rx.try_recv().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.party, econnect_api::PartyId::new("0106:24356718"));
        assert_eq!(path, PathBuf::from("/map/Bakkerij/c.pdf"));
    }

    #[test]
    fn a_full_pipeline_hands_the_file_back_instead_of_queueing_it() {
        let (tx, mut rx) = mpsc::channel(2);
        let mut ready = ReadyTx::new(tx);
        let org = OrgFolder {
            path: PathBuf::from("/map/Bakkerij"),
            party: econnect_api::PartyId::new("0106:30187412"),
            direction: Direction::Purchase,
        };
        let path = |i: usize| PathBuf::from(format!("/map/Bakkerij/{i}.pdf"));
        let mut handed_back = Vec::new();
        for i in 0..1000 {
            if let Err((back, p)) = ready.send(org.clone(), path(i)) {
                assert_eq!(back, org);
                handed_back.push(p);
            }
        }
        assert_eq!(
            rx.len(),
            2,
            "the channel never holds more than its capacity"
        );
        assert_eq!(
            handed_back.len(),
            998,
            "every other file came back, none lost"
        );
        assert_eq!(rx.try_recv().unwrap().1, path(0));
        assert!(ready.send(org, path(1000)).is_ok(), "room again once read");
    }

    #[test]
    fn a_flood_of_file_events_stays_within_the_channel_and_asks_for_a_rescan() {
        let (tx, mut rx) = EventTx::new();
        let event = || {
            Ok(vec![notify_debouncer_full::DebouncedEvent::new(
                notify::Event::new(EventKind::Create(notify::event::CreateKind::File))
                    .add_path(PathBuf::from("/map/Bakkerij/f.pdf")),
                std::time::Instant::now(),
            )])
        };
        assert!(!tx.take_overflow());
        for _ in 0..100_000 {
            tx.deliver(event());
        }
        assert_eq!(rx.len(), EVENT_CAPACITY);
        assert!(
            tx.take_overflow(),
            "the dropped events ask for a full rescan"
        );
        assert!(!tx.take_overflow(), "once");
        // The watcher is woken for the rescan even when no other event follows.
        let woken = tx.overflow.wake.notified();
        tokio::pin!(woken);
        assert!(
            futures_poll_once(woken.as_mut()),
            "the overflow left a wake-up"
        );
        while rx.try_recv().is_ok() {}
        tx.deliver(event());
        assert!(!tx.take_overflow(), "room again: nothing dropped");
    }

    /// Polls a future once (the wake-up must already be there, no runtime needed).
    fn futures_poll_once<F: std::future::Future>(f: std::pin::Pin<&mut F>) -> bool {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        f.poll(&mut cx).is_ready()
    }

    #[test]
    fn the_watch_limit_has_a_clear_dutch_message() {
        let e = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let m = watch_error_message(&e);
        assert!(
            m.contains("limiet voor bestandsbewaking") && m.contains("max_user_watches"),
            "{m}"
        );
        let e = notify::Error::io(std::io::Error::from_raw_os_error(28));
        assert!(watch_error_message(&e).contains("limiet"));
    }
}
