//! The intake engine: one per session. Owns the watcher task, the pipeline that turns a
//! complete file into a ledger + outbox row, and the uploader.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use econnect_api::{Client, DocumentId, PartyId};
use econnect_store::Store;
use econnect_store::ledger::{self, DuplicateOf, Enqueued, NewIntake};
use econnect_store::outbox::{self, OutboxCounts, OutboxItem};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, Semaphore, broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use crate::checks::{self, CheckFn, Guard};
use crate::error::IntakeError;
use crate::events::{IntakeEvent, Stage};
use crate::folders::{self, Layout, WatchedFolder};
use crate::journal::Journal;
use crate::preflight::{self, Direction, Preflight, Route};
use crate::refusal::{Refusal, RefusalCode};
use crate::unmoved;
use crate::uploader::{self, code_text};
use crate::watcher::{self, FolderStatus, WatchCommand};

/// How the engine behaves; the defaults suit the app.
#[derive(Debug, Clone)]
pub struct IntakeConfig {
    /// Uploads in flight at once.
    pub concurrency: usize,
    /// Failed attempts (5xx, reset, timeout) before a row is `dead`.
    pub max_attempts: u32,
    /// First backoff; doubled per attempt, with jitter.
    pub base_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
    /// Full rescan of every watched folder (events are hints; the scan is the truth).
    pub rescan_every: Duration,
    /// Interval of the size-and-mtime stability checks.
    pub settle: Duration,
    /// Debounce window of file-system events.
    pub debounce: Duration,
    /// Only poll (network shares send no events).
    pub poll_only: bool,
    /// Files preflighted at once.
    pub preflight_parallel: usize,
    /// Complete files waiting for the checks at most; more wait in the watcher.
    pub ready_capacity: usize,
    /// Files the watcher remembers at most; more wait on disk for a later scan.
    pub max_pending: usize,
    /// The user's UTC offset, for `Verwerkt/YYYY-MM/` and dates in reasons (read it at
    /// start-up, while the process has one thread; the `time` crate refuses later).
    pub local_offset: time::UtcOffset,
    /// Longest one file's check may take before the file is refused (a hostile file can
    /// make a parser run for a very long time).
    pub check_deadline: Duration,
    /// The check run on each file (tests put in a faulty one; see [`CheckFn`]).
    pub check: CheckFn,
}

impl Default for IntakeConfig {
    fn default() -> Self {
        IntakeConfig {
            concurrency: 4,
            max_attempts: 8,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(300),
            rescan_every: Duration::from_secs(180),
            settle: Duration::from_millis(150),
            debounce: Duration::from_millis(10),
            poll_only: false,
            preflight_parallel: 2,
            ready_capacity: watcher::READY_CAPACITY,
            max_pending: crate::pending::MAX_PENDING,
            local_offset: time::UtcOffset::UTC,
            // Real checks take milliseconds (a 10 MB PDF well under a second); the margin
            // is for a slow machine that is busy with other work.
            check_deadline: Duration::from_secs(30),
            check: preflight::preflight,
        }
    }
}

/// What became of one submitted (dropped or chosen) file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum SubmitOutcome {
    /// In the outbox.
    Queued {
        /// The outbox id.
        id: String,
    },
    /// Same content already sent or queued for this organisation.
    Duplicate {
        /// The earlier intake.
        of: DuplicateOf,
        /// "al verzonden op <datum> als <document>".
        refusal: Refusal,
    },
    /// Refused by preflight.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// One submitted file with its preflight and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Submitted {
    /// The path as given.
    pub path: String,
    /// The preflight result.
    pub preflight: Preflight,
    /// What happened.
    pub outcome: SubmitOutcome,
}

/// Shared state of one engine.
pub struct Inner {
    pub(crate) store: Store,
    pub(crate) client: Client,
    pub(crate) config: IntakeConfig,
    pub(crate) events: broadcast::Sender<IntakeEvent>,
    pub(crate) wake: Notify,
    pub(crate) stop: watch::Sender<bool>,
    /// Paths taken from watched folders and not yet moved away, by a 64-bit hash of the
    /// path: a burst of thousands waits here, and a hash is a tenth of a path's memory (a
    /// collision would only make a file wait for the next scan).
    taken: Mutex<HashSet<u64>>,
    /// Outbox rows whose file could not be moved away (still open elsewhere), to try again.
    unmoved: Mutex<HashSet<String>>,
    hold_until: Mutex<Option<Instant>>,
    /// A maintenance window from the user's schedule: nothing is sent until it ends.
    scheduled_hold: Mutex<Option<Instant>>,
    /// The user paused sending ("Verzenden pauzeren"): nothing goes out until resumed.
    paused: std::sync::atomic::AtomicBool,
    /// Until when the platform said (503) it is in maintenance, for the banner.
    platform_maintenance: watch::Sender<Option<time::OffsetDateTime>>,
    pub(crate) preflight_permits: Semaphore,
    /// How each file's check is guarded (journal, deadline).
    guard: Guard,
    pub(crate) watch_tx: mpsc::Sender<WatchCommand>,
    pub(crate) status: Mutex<Vec<FolderStatus>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not stop the intake: the data is still consistent sets/values.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The key of a path in the taken set (SipHash with fixed keys: the same in every run).
fn path_key(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl Inner {
    /// Sends an event about an outbox row (nobody listening is fine).
    pub(crate) fn emit(&self, item: &OutboxItem, stage: Stage) {
        let _ = self.events.send(IntakeEvent {
            outbox_id: Some(item.id.clone()),
            party_id: item.party_id.clone(),
            path: item.original_path.clone(),
            file_name: item.file_name.clone(),
            stage,
        });
    }

    pub(crate) fn emit_path(&self, id: Option<&str>, party: &PartyId, path: &Path, stage: Stage) {
        let _ = self.events.send(IntakeEvent {
            outbox_id: id.map(str::to_owned),
            party_id: party.as_str().to_string(),
            path: path.to_string_lossy().into_owned(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            stage,
        });
    }

    /// Holds the whole queue (maintenance, rate limit, offline) for `wait`.
    pub(crate) fn hold_for(&self, wait: Duration) {
        // Checked: `wait` may come from a server (Retry-After, clamped by the client too).
        let until = Instant::now()
            .checked_add(wait)
            .unwrap_or_else(Instant::now);
        let mut hold = lock(&self.hold_until);
        if hold.is_none_or(|h| h < until) {
            *hold = Some(until);
        }
    }

    /// Time left of a hold (the platform's or a scheduled window), if one is on.
    pub(crate) fn hold_remaining(&self) -> Option<Duration> {
        // Paused has no end; the loop looks again within this time, or at once when resumed.
        if self.paused.load(std::sync::atomic::Ordering::Relaxed) {
            return Some(Duration::from_secs(5));
        }
        let hold = *lock(&self.hold_until);
        let scheduled = *lock(&self.scheduled_hold);
        hold.max(scheduled)
            .and_then(|h| h.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }

    /// The platform answered 503: remember until when, for whoever shows a banner.
    pub(crate) fn note_platform_maintenance(&self, wait: Duration) {
        let until = time::OffsetDateTime::now_utc() + wait;
        self.platform_maintenance.send_if_modified(|current| {
            let later = current.is_none_or(|c| c < until);
            if later {
                *current = Some(until);
            }
            later
        });
    }

    /// The path left the watched folder (moved, or gone): it may be taken again.
    pub(crate) fn forget_path(&self, path: &str) {
        lock(&self.taken).remove(&path_key(Path::new(path)));
    }

    /// Notes a row whose file could not be moved away, for the next try.
    pub(crate) fn note_unmoved(&self, id: String) {
        lock(&self.unmoved).insert(id);
    }

    /// The rows noted by [`Inner::note_unmoved`], forgotten here.
    pub(crate) fn take_unmoved(&self) -> HashSet<String> {
        std::mem::take(&mut *lock(&self.unmoved))
    }

    /// Marks a path as taken; false when it already was.
    pub(crate) fn take_path(&self, path: &Path) -> bool {
        lock(&self.taken).insert(path_key(path))
    }

    /// Whether a path is taken.
    pub(crate) fn is_taken(&self, path: &Path) -> bool {
        lock(&self.taken).contains(&path_key(path))
    }

    /// Number of taken paths (waiting in folders).
    pub(crate) fn taken_count(&self) -> usize {
        lock(&self.taken).len()
    }
}

/// The intake engine of one session; cheap to clone.
#[derive(Clone)]
pub struct Intake {
    inner: Arc<Inner>,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Intake {
    /// Resumes the outbox, finishes interrupted moves, starts the uploader and watches the
    /// folders saved in the store plus `extra` (not saved; e.g. the CLI's `--dir`).
    pub async fn start(
        store: Store,
        client: Client,
        config: IntakeConfig,
        extra: Vec<WatchedFolder>,
    ) -> Result<Intake, IntakeError> {
        let resumed = outbox::resume(&store).await?;
        if resumed > 0 {
            tracing::info!(resumed, "resuming uploads interrupted by a stop");
        }
        let (events, _) = broadcast::channel(4096);
        let (stop, _) = watch::channel(false);
        let (watch_tx, watch_rx) = mpsc::channel(watcher::COMMAND_CAPACITY);
        // Next to the database: the journal belongs to this profile's folders.
        let journal_dir = store.path().with_file_name("preflight-journal");
        let journal = tokio::task::spawn_blocking(move || Journal::open(&journal_dir))
            .await
            .map_err(|e| IntakeError::Io(std::io::Error::other(e)))?;
        let guard = Guard {
            journal: Arc::new(journal),
            check: config.check,
            deadline: config.check_deadline,
        };
        let inner = Arc::new(Inner {
            store,
            client,
            preflight_permits: Semaphore::new(config.preflight_parallel.max(1)),
            guard,
            config,
            events,
            wake: Notify::new(),
            stop,
            taken: Mutex::new(HashSet::new()),
            unmoved: Mutex::new(HashSet::new()),
            hold_until: Mutex::new(None),
            scheduled_hold: Mutex::new(None),
            paused: std::sync::atomic::AtomicBool::new(false),
            platform_maintenance: watch::channel(None).0,
            watch_tx,
            status: Mutex::new(Vec::new()),
        });
        for path in outbox::active_paths(&inner.store).await? {
            inner.take_path(Path::new(&path));
        }
        unmoved::move_all(&inner).await?;
        let mut folders = saved_folders(&inner.store).await?;
        for f in extra {
            if !folders.iter().any(|g| g.path == f.path) {
                folders.push(f);
            }
        }
        // Bounded: a burst waits as pending paths in the watcher, not in this channel.
        let (ready_tx, ready_rx) = mpsc::channel(inner.config.ready_capacity.max(1));
        // Opening the watches creates and reads folders, maybe on a share that hangs.
        let setup = blocking_fs({
            let inner = Arc::clone(&inner);
            move || Ok(watcher::setup(&inner, folders))
        })
        .await?;
        let tasks = vec![
            tokio::spawn(uploader::run(Arc::clone(&inner))),
            tokio::spawn(watcher::run(Arc::clone(&inner), setup, watch_rx, ready_tx)),
            tokio::spawn(pipeline(Arc::clone(&inner), ready_rx)),
            tokio::spawn(unmoved::retry(Arc::clone(&inner))),
        ];
        Ok(Intake {
            inner,
            tasks: Arc::new(Mutex::new(tasks)),
        })
    }

    /// Progress events of every file.
    pub fn subscribe(&self) -> broadcast::Receiver<IntakeEvent> {
        self.inner.events.subscribe()
    }

    /// Pauses sending (files are still taken in and checked) or resumes it. Held rows wait
    /// without counting an attempt, like in maintenance.
    pub fn set_paused(&self, paused: bool) {
        self.inner
            .paused
            .store(paused, std::sync::atomic::Ordering::Relaxed);
        self.inner.wake.notify_one();
    }

    /// Holds every upload until `until` (a scheduled maintenance window), or lifts the
    /// scheduled hold (`None`). Held rows wait without counting an attempt and go out by
    /// themselves once the hold is over.
    pub fn set_scheduled_hold(&self, until: Option<Instant>) {
        *lock(&self.inner.scheduled_hold) = until;
        self.inner.wake.notify_one();
    }

    /// Until when the platform last said it is in maintenance (503 with `Retry-After`).
    pub fn platform_maintenance(&self) -> watch::Receiver<Option<time::OffsetDateTime>> {
        self.inner.platform_maintenance.subscribe()
    }

    /// Preflights a file (e.g. a dropped one) without sending it.
    pub async fn preflight(&self, path: PathBuf, direction: Direction) -> Preflight {
        run_preflight(&self.inner, path, direction).await
    }

    /// Queues dropped or chosen files for `party`; they are never moved. `force` sends a
    /// duplicate anyway ("toch verzenden").
    pub async fn submit_paths(
        &self,
        party: &PartyId,
        direction: Direction,
        paths: Vec<PathBuf>,
        force: bool,
    ) -> Result<Vec<Submitted>, IntakeError> {
        let checks = run_preflights(
            &self.inner,
            paths.iter().map(|p| (p.clone(), direction)).collect(),
        )
        .await;
        let items: Vec<NewIntake> = paths
            .iter()
            .zip(&checks)
            .filter(|(_, pf)| pf.refusal.is_none())
            .map(|(path, pf)| new_intake(party, direction, path, pf, None, None))
            .collect();
        let mut written =
            ledger::enqueue_named(&self.inner.store, &items, force, None, &document_name)
                .await?
                .into_iter();
        let mut out = Vec::with_capacity(paths.len());
        for (path, pf) in paths.into_iter().zip(checks) {
            let outcome = match (&pf.refusal, written.next()) {
                (Some(refusal), _) => SubmitOutcome::Refused {
                    refusal: refusal.clone(),
                },
                (None, Some((Enqueued::Written, id))) => {
                    self.inner
                        .emit_path(Some(&id), party, &path, Stage::Wachten);
                    SubmitOutcome::Queued { id }
                }
                (None, Some((Enqueued::Duplicate(of), _))) => SubmitOutcome::Duplicate {
                    refusal: duplicate_refusal(&of),
                    of,
                },
                (None, None) => {
                    return Err(IntakeError::InvalidInput(
                        "Onverwacht: geen uitkomst voor een bestand".into(),
                    ));
                }
            };
            out.push(Submitted {
                path: path.to_string_lossy().into_owned(),
                preflight: pf,
                outcome,
            });
        }
        self.inner.wake.notify_one();
        Ok(out)
    }

    /// The outbox of one organisation (or all), newest first.
    pub async fn queue(
        &self,
        party: Option<&PartyId>,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, IntakeError> {
        Ok(outbox::list(&self.inner.store, party.map(PartyId::as_str), limit).await?)
    }

    /// One outbox row.
    pub async fn item(&self, id: &str) -> Result<Option<OutboxItem>, IntakeError> {
        Ok(outbox::get(&self.inner.store, id).await?)
    }

    /// Counts per state of one organisation.
    pub async fn counts(&self, party: &PartyId) -> Result<OutboxCounts, IntakeError> {
        Ok(outbox::counts(&self.inner.store, party.as_str()).await?)
    }

    /// Puts a dead or refused row back in the queue; a duplicate needs `force`.
    /// The file is checked again first, at its current place.
    pub async fn retry(&self, id: &str, force: bool) -> Result<bool, IntakeError> {
        let Some(item) = outbox::get(&self.inner.store, id).await? else {
            return Err(IntakeError::InvalidInput(format!(
                "Onbekend item in de wachtrij: {id}"
            )));
        };
        if item.refusal_code.as_deref() == Some("duplicate") && !force {
            return Ok(false);
        }
        let direction = Direction::parse(&item.direction).unwrap_or(Direction::Purchase);
        let pf = run_preflight(&self.inner, PathBuf::from(&item.path), direction).await;
        let Some(route) = pf.route.filter(|_| pf.refusal.is_none()) else {
            return Ok(false);
        };
        let ok = outbox::requeue(&self.inner.store, id, route.as_str()).await?;
        if ok {
            self.inner.wake.notify_one();
        }
        Ok(ok)
    }

    /// Hides a queued, dead or refused row (its file stays where it is).
    pub async fn remove(&self, id: &str) -> Result<bool, IntakeError> {
        Ok(outbox::remove(&self.inner.store, id).await?)
    }

    /// Watches a folder from now on, and saves it for the next start.
    pub async fn add_folder(&self, folder: WatchedFolder) -> Result<(), IntakeError> {
        let (layout, party) = match &folder.layout {
            Layout::Root => ("root", None),
            Layout::Single { party } => ("single", Some(PartyId::new(party).as_str().to_string())),
        };
        blocking_fs({
            let path = folder.path.clone();
            move || std::fs::create_dir_all(path)
        })
        .await?;
        outbox::save_folder(
            &self.inner.store,
            &folder.path.to_string_lossy(),
            layout,
            party.as_deref(),
            folder.direction.as_str(),
        )
        .await?;
        // Awaited when the watcher is behind: a folder to watch must not be lost.
        let _ = self.inner.watch_tx.send(WatchCommand::Add(folder)).await;
        Ok(())
    }

    /// Stops watching a folder (its files stay).
    pub async fn remove_folder(&self, path: &Path) -> Result<(), IntakeError> {
        outbox::delete_folder(&self.inner.store, &path.to_string_lossy()).await?;
        let _ = self
            .inner
            .watch_tx
            .send(WatchCommand::Remove(path.to_path_buf()))
            .await;
        Ok(())
    }

    /// Creates `<root>/<name>/` bound to `party` (marker file), for the root layout.
    pub async fn create_org_folder(
        &self,
        root: &Path,
        party: &PartyId,
        name: &str,
        direction: Direction,
    ) -> Result<PathBuf, IntakeError> {
        let dir = root.join(folders::folder_name(name));
        blocking_fs({
            let (dir, party) = (dir.clone(), party.clone());
            move || {
                std::fs::create_dir_all(&dir)?;
                folders::write_marker(&dir, &party, direction)
            }
        })
        .await?;
        self.rescan_now();
        Ok(dir)
    }

    /// The watched folders with their organisation bindings and health.
    pub fn bindings(&self) -> Vec<FolderStatus> {
        lock(&self.inner.status).clone()
    }

    /// Asks for a full rescan now.
    pub fn rescan_now(&self) {
        // A full queue already holds commands, and every command ends in a full rescan:
        // this one may be dropped.
        let _ = self.inner.watch_tx.try_send(WatchCommand::Rescan);
    }

    /// Files taken from watched folders and not yet handled.
    pub fn waiting_in_folders(&self) -> usize {
        self.inner.taken_count()
    }

    /// Stops taking files, lets in-flight uploads finish, and returns.
    pub async fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        let tasks: Vec<JoinHandle<()>> = std::mem::take(&mut *lock(&self.tasks));
        for t in tasks {
            let _ = t.await;
        }
        // Checks still running (a dropped file's) did not kill the app: we stop on purpose.
        let journal = Arc::clone(&self.inner.guard.journal);
        let _ = tokio::task::spawn_blocking(move || journal.clear_in_flight()).await;
    }

    /// Stops at once, as a crash would: uploads in flight are cut off (tests use this to
    /// check that a restart sends every file exactly once).
    pub fn abort(&self) {
        let _ = self.inner.stop.send(true);
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
    }
}

/// Runs file-system work on the blocking pool: a watched folder may be on a network
/// share that hangs, and it must not hold an async worker meanwhile.
pub(crate) async fn blocking_fs<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(std::io::Error::other)?
}

/// The folders saved in the store.
async fn saved_folders(store: &Store) -> Result<Vec<WatchedFolder>, IntakeError> {
    Ok(outbox::folders(store)
        .await?
        .into_iter()
        .map(|row| WatchedFolder {
            path: PathBuf::from(row.path),
            layout: match row.party_id {
                Some(party) if row.layout == "single" => Layout::Single { party },
                _ => Layout::Root,
            },
            direction: Direction::parse(&row.direction).unwrap_or(Direction::Purchase),
        })
        .collect())
}

/// Preflight of one file; see [`run_preflights`].
pub(crate) async fn run_preflight(inner: &Inner, path: PathBuf, direction: Direction) -> Preflight {
    let mut checks = run_preflights(inner, vec![(path.clone(), direction)]).await;
    checks
        .pop()
        .unwrap_or_else(|| checks::not_checked(&path, Refusal::check_failed()))
}

/// Preflight of a few files in one trip to a checking thread (it reads and parses whole
/// files), a few trips at a time, each guarded (see [`checks::check_files`]). One result
/// per file, in order.
async fn run_preflights(inner: &Inner, files: Vec<(PathBuf, Direction)>) -> Vec<Preflight> {
    let _permit = inner.preflight_permits.acquire().await;
    checks::check_files(&inner.guard, files).await
}

pub(crate) fn new_intake(
    party: &PartyId,
    direction: Direction,
    path: &Path,
    pf: &Preflight,
    done_dir: Option<&Path>,
    refusal: Option<&Refusal>,
) -> NewIntake {
    NewIntake {
        id: content_document_id(party, direction, &pf.sha256, 0),
        party_id: party.as_str().to_string(),
        direction: direction.as_str().to_string(),
        route: pf.route.map(|r: Route| r.as_str().to_string()),
        path: path.to_string_lossy().into_owned(),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        mime: pf.mime.clone(),
        sha256: pf.sha256.clone(),
        size: i64::try_from(pf.size).unwrap_or(i64::MAX),
        e_invoice: pf.e_invoice,
        done_dir: done_dir.map(|d| d.to_string_lossy().into_owned()),
        refusal: refusal.map(|r| (code_text(r.code), r.message.clone())),
    }
}

/// The document id of these bytes for this organisation and direction, for the
/// `attempt`-th intake of them (0: the first, the same in every installation).
fn content_document_id(
    party: &PartyId,
    direction: Direction,
    sha256: &str,
    attempt: u32,
) -> String {
    DocumentId::for_content_hex(party, direction.document_direction(), sha256, attempt)
        .map(|id| id.as_str().to_string())
        // Preflight always gives a digest; should one be missing, a random id is still unique.
        .unwrap_or_else(|_| uuid::Uuid::new_v4().to_string())
}

/// Names an outbox row (= `X-EConnect-DocumentId`) for the `attempt`-th intake of its
/// content: so a retry, a restart, a reinstall and a second installation watching the same
/// folder all name a file the same, and the platform's 409 stops a second document, while
/// "toch verzenden" (a later attempt) is a deliberate new one.
pub(crate) fn document_name(item: &NewIntake, attempt: u32) -> String {
    let direction = Direction::parse(&item.direction).unwrap_or(Direction::Purchase);
    content_document_id(
        &PartyId::new(&item.party_id),
        direction,
        &item.sha256,
        attempt,
    )
}

/// "al verzonden op <datum> als <document>".
pub fn duplicate_refusal(of: &DuplicateOf) -> Refusal {
    let date = of
        .at
        .get(..10)
        .and_then(|d| {
            let mut parts = d.split('-');
            let (y, m, day) = (parts.next()?, parts.next()?, parts.next()?);
            Some(format!("{day}-{m}-{y}"))
        })
        .unwrap_or_else(|| of.at.clone());
    let document = match &of.document_id {
        Some(doc) => format!("document {doc} ({})", of.file_name),
        None => format!("{} (nog in de wachtrij)", of.file_name),
    };
    Refusal::duplicate(&date, &document)
}

/// Files checked and queued together at most: one trip to the blocking pool and one
/// transaction for the lot (per file, those hand-offs between threads cost more than the
/// checks). Small, so that a burst still spreads over the workers.
const BATCH: usize = 8;

/// Takes complete files from the watcher: preflight, ledger + outbox, or `Mislukt/`.
async fn pipeline(inner: Arc<Inner>, mut ready: mpsc::Receiver<watcher::Ready>) {
    let mut stop = inner.stop.subscribe();
    let mut running = tokio::task::JoinSet::new();
    // Bounds the batches being checked at once, so a burst of thousands waits as paths (in
    // the bounded channel, then pending in the watcher), not as tasks.
    let slots = Arc::new(Semaphore::new(inner.config.preflight_parallel.max(1)));
    loop {
        tokio::select! {
            next = ready.recv() => {
                let Some(first) = next else { break };
                // Finished tasks keep their memory until joined; with a backlog the channel
                // is always ready, so join them here rather than only when `select!` picks
                // that branch (memory then stays flat however many files wait).
                while running.try_join_next().is_some() {}
                // A free worker first: files that arrive meanwhile join this batch.
                let Ok(slot) = Arc::clone(&slots).acquire_owned().await else { break };
                let mut batch = Vec::with_capacity(BATCH);
                let mut next = Some(first);
                while let Some((org, path)) = next.take() {
                    if inner.take_path(&path) {
                        batch.push((org, path));
                    }
                    if batch.len() < BATCH {
                        next = ready.try_recv().ok();
                    }
                }
                if batch.is_empty() {
                    continue;
                }
                let inner = Arc::clone(&inner);
                running.spawn(async move {
                    take_files(inner, batch).await;
                    drop(slot);
                });
            }
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    while running.join_next().await.is_some() {}
}

/// Complete files from watched folders: checked, then queued (or refused) in one write.
async fn take_files(inner: Arc<Inner>, batch: Vec<watcher::Ready>) {
    for (org, path) in &batch {
        inner.emit_path(None, &org.party, path, Stage::Controleren);
    }
    let checks = run_preflights(
        &inner,
        batch
            .iter()
            .map(|(o, p)| (p.clone(), o.direction))
            .collect(),
    )
    .await;
    // Which unreadable files are gone: one trip to the blocking pool, and only when needed.
    let unreadable: Vec<PathBuf> = batch
        .iter()
        .zip(&checks)
        .filter(|(_, pf)| pf.refusal.as_ref().map(|r| r.code) == Some(RefusalCode::Unreadable))
        .map(|((_, path), _)| path.clone())
        .collect();
    let gone: HashSet<PathBuf> = if unreadable.is_empty() {
        HashSet::new()
    } else {
        blocking_fs(move || {
            Ok(unreadable
                .into_iter()
                .filter(|p| std::fs::symlink_metadata(p).is_err())
                .collect())
        })
        .await
        .unwrap_or_default()
    };
    let mut items = Vec::with_capacity(batch.len());
    let mut taken = Vec::with_capacity(batch.len());
    for ((org, path), pf) in batch.into_iter().zip(checks) {
        let unreadable = pf.refusal.as_ref().map(|r| r.code) == Some(RefusalCode::Unreadable);
        // Gone before we got to it, or still open for writing in another program (Windows:
        // a scanner, Word saving a PDF): the next event or scan finds it again then.
        if unreadable && (gone.contains(&path) || pf.refusal.as_ref().is_some_and(|r| r.in_use)) {
            inner.forget_path(&path.to_string_lossy());
            continue;
        }
        items.push(new_intake(
            &org.party,
            org.direction,
            &path,
            &pf,
            Some(&org.path),
            pf.refusal.as_ref(),
        ));
        taken.push((org, path, pf.refusal));
    }
    // A duplicate is recorded (refused, so it can be sent anyway by hand), then moved away.
    let record = |of: &DuplicateOf| {
        let refusal = duplicate_refusal(of);
        (code_text(refusal.code), refusal.message)
    };
    let outcomes = match ledger::enqueue_named(
        &inner.store,
        &items,
        false,
        Some(&record),
        &document_name,
    )
    .await
    {
        Ok(outcomes) => outcomes,
        Err(e) => {
            tracing::error!(files = items.len(), error = %e, "queueing files failed; the next scan tries again");
            for item in &items {
                inner.forget_path(&item.path);
            }
            return;
        }
    };
    let mut queued = false;
    for ((org, path, refusal), (outcome, id)) in taken.into_iter().zip(outcomes) {
        let (refusal, stage) = match (outcome, refusal) {
            (Enqueued::Written, None) => {
                inner.emit_path(Some(&id), &org.party, &path, Stage::Wachten);
                queued = true;
                continue;
            }
            (Enqueued::Written, Some(refusal)) => (refusal.clone(), Stage::Mislukt { refusal }),
            (Enqueued::Duplicate(of), _) => (duplicate_refusal(&of), Stage::Duplicaat { of }),
        };
        if let Ok(Some(row)) = outbox::get(&inner.store, &id).await {
            uploader::move_after(&inner, &row, Some(&refusal)).await;
        } else {
            inner.forget_path(&path.to_string_lossy());
        }
        inner.emit_path(Some(&id), &org.party, &path, stage);
    }
    if queued {
        inner.wake.notify_one();
    }
}
