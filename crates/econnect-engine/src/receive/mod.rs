//! Receiving: the platform has no list of received documents; a hook announces
//! each one (InvoiceReceived with its documentId). Whoever hears of it records it with
//! [`Store::record_listed`] (state `listed`) and triggers a pass (see
//! [`crate::Engine::announce_received`] and `follow.rs`). A pass downloads every recorded
//! invoice that is due, for every organisation with receiving on and the right to
//! receive: each UBL (and the PDF embedded in it) into
//! `<map>/Ontvangen/<organisatie>/YYYY-MM/<leverancier> <factuurnummer>.xml|.pdf`, and record
//! it in the cache. Every step is recorded before the next, so a crash or restart resumes
//! and writes each invoice exactly once. The platform is told nothing here: answers
//! (accept, reject, paid) and removal are the user's, see [`answers`].

pub mod answers;
mod commands;
pub use commands::ReceiveFolder;
mod files;
pub mod names;
pub mod ubl;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use econnect_api::{Client, PartyId};
use econnect_store::{
    InvoiceFacts, Organisation, OrganisationQuery, ReceivedInvoice, SavedInvoice, Store, timestamp,
};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::error::{EngineError, ErrorCode};
use crate::sync::with_retries;
use files::Placed;

/// Received documents still not on disk this long after arrival raise a notice (the
/// platform deletes them after 90 days).
pub const RETENTION_WARNING_DAYS: i64 = 60;

/// How the receiver works; the defaults suit the app.
#[derive(Debug, Clone)]
pub struct ReceiveOptions {
    /// Downloads in flight.
    pub concurrency: usize,
    /// Largest download accepted (bigger ones are refused, never retried).
    pub max_download: u64,
    /// Largest embedded PDF extracted (a bigger one is left in the XML only).
    pub max_pdf: u64,
    /// Only this organisation (`econnect receive --org`).
    pub only_party: Option<String>,
    /// Use this folder instead of the chosen ones (`econnect receive --to`).
    pub folder: Option<PathBuf>,
    /// First pause before a failed download is tried again; doubles per attempt.
    pub retry_base: Duration,
    /// Flush each file to the disk before it gets its name and is recorded as saved: a
    /// power cut cannot then leave an empty file under an invoice's name, or lose one the
    /// cache says is there. Off only to measure its cost.
    pub durable: bool,
}

impl Default for ReceiveOptions {
    fn default() -> Self {
        ReceiveOptions {
            concurrency: 4,
            max_download: 64 * 1024 * 1024,
            max_pdf: 32 * 1024 * 1024,
            only_party: None,
            folder: None,
            retry_base: Duration::from_secs(30),
            durable: true,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveSummary {
    /// Organisations that receive (whose recorded invoices were looked at).
    pub organisations: u32,
    /// Invoices saved on disk.
    pub saved: u32,
    /// Downloads that failed (tried again later).
    pub failed: u32,
    /// Invoices refused for good (e.g. an XML bomb).
    pub refused: u32,
    /// How long the pass took.
    pub duration_ms: u32,
}

/// Something the user may want to hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiveEvent {
    /// An invoice is on disk now.
    Saved {
        /// The organisation's name.
        organisation: String,
        /// `<supplier> <number>`.
        label: String,
    },
    /// A received invoice is not on disk 60 days after arrival.
    RetentionRisk {
        /// The organisation's name.
        organisation: String,
        /// Invoice number or document id.
        label: String,
    },
}

/// The receiver of one profile: a client, the cache, and where files go.
#[derive(Clone)]
pub struct Receiver {
    client: Client,
    store: Store,
    options: Arc<ReceiveOptions>,
    events: broadcast::Sender<ReceiveEvent>,
    /// One pass at a time per database (the loop and "receive now" share it).
    pass_lock: Arc<tokio::sync::Mutex<()>>,
    /// The names claimed in the folders seen so far (path → document id), loaded from the
    /// cache the first time a batch uses a folder and kept up to date as names are taken,
    /// so that choosing a free name is a lookup in memory: two downloads with the same
    /// supplier and number must not both take the same free name, nor one a name another
    /// record holds. A claim left by a record removed since costs only a numbered name
    /// (placing never replaces a file), so the map is not reloaded per batch: that made
    /// every batch read the whole month folder's names again.
    claims: Arc<std::sync::Mutex<Claims>>,
    /// The receive root of each organisation in the current batch.
    roots: Arc<std::sync::Mutex<HashMap<String, PathBuf>>>,
    /// Time spent per phase, summed over the downloads (for the benchmark).
    phases: Arc<PhaseClock>,
    /// Rung when invoices were recorded to download ([`Receiver::announce`]).
    recorded: Arc<tokio::sync::Notify>,
    /// Month folders made in the current batch (each once, not per invoice).
    made_dirs: Arc<std::sync::Mutex<HashSet<PathBuf>>>,
}

/// Time spent per phase of receiving, summed over all downloads (they overlap).
#[derive(Debug, Default)]
struct PhaseClock {
    download: AtomicU64,
    read: AtomicU64,
    place: AtomicU64,
    record: AtomicU64,
    batch: AtomicU64,
}

/// The summed time per phase (downloads overlap, so the sum exceeds the wall time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseTimes {
    /// Streaming the UBL into its temp file (and syncing it).
    pub download: Duration,
    /// Reading the UBL's facts and extracting the PDF.
    pub read: Duration,
    /// Choosing free names and linking the files in place.
    pub place: Duration,
    /// Recording the invoice as saved in the cache.
    pub record: Duration,
    /// Per batch: listing what is due, loading roots and claimed names.
    pub batch: Duration,
}

fn add_time(slot: &AtomicU64, since: Instant) {
    slot.fetch_add(
        u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

/// The pass lock of a database, shared by every receiver on it in this process.
fn pass_lock(store: &Store) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
    > = std::sync::OnceLock::new();
    let locks = LOCKS.get_or_init(Default::default);
    let mut map = locks.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(map.entry(store.path().to_path_buf()).or_default())
}

/// Downloads up to this size are kept in memory until written with one blocking call.
const IN_MEMORY_DOWNLOAD: u64 = 1024 * 1024;

/// Due invoices read from the cache at a time.
const DUE_CHUNK: u32 = 500;

/// One stream of downloads in a pass: what it yielded, what is still open, and why it
/// stopped early.
#[derive(Default)]
struct Feed {
    /// Invoices yielded.
    listed: AtomicU32,
    /// Yielded and not yet finished (read and handed over, or failed).
    open: AtomicU32,
    /// Rung when the last open download finishes.
    idle: tokio::sync::Notify,
    /// Rung (for every waiter) when the last open download finishes: the recorder then
    /// commits what it gathered instead of waiting for more.
    settled: tokio::sync::Notify,
    /// The cache's error that ended the stream.
    broken: std::sync::Mutex<Option<EngineError>>,
}

impl Feed {
    /// One yielded invoice is finished.
    fn done(&self) {
        if self.open.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_one();
            self.settled.notify_waiters();
        }
    }
}

/// Invoices being read, written and flushed at once (beyond the downloads in flight).
const DISK_SLOTS: usize = 8;

/// Read invoices waiting for the recorder at most: enough for its group commits, and a
/// bound on memory (a small download waits with its bytes).
const PLACE_CAPACITY: usize = 128;

/// Names kept in memory at most; past it the claims are loaded afresh.
const MAX_CLAIMS: usize = 200_000;

/// The claimed names and the folders they were loaded for.
#[derive(Default)]
struct Claims {
    names: HashMap<PathBuf, String>,
    folders: HashSet<PathBuf>,
}

/// A downloaded invoice: in memory when small, else in its temp file.
struct Fetched {
    dir: PathBuf,
    xml_temp: PathBuf,
    xml_sha: String,
    size: u64,
    bytes: Option<Vec<u8>>,
}

/// How long the recorder gathers finished invoices before it commits them together.
const GROUP_COMMIT_WAIT: Duration = Duration::from_millis(20);

/// A read invoice whose files wait, durable, in temp files beside their targets. The
/// recorder puts a batch of them in place and records them together.
struct ToPlace {
    record: ReceivedInvoice,
    organisation: String,
    dir: PathBuf,
    stem: String,
    /// The XML's temp file and SHA-256.
    xml: (PathBuf, String),
    /// The embedded PDF's temp file and SHA-256, when there was one.
    pdf: Option<(PathBuf, String)>,
    facts: InvoiceFacts,
}

enum Outcome {
    /// Read and handed to the recorder; counted as saved once it is placed and recorded.
    Handed,
    Failed,
    Refused,
}

impl Receiver {
    /// A receiver over a client and a profile's cache.
    pub fn new(client: Client, store: Store, options: ReceiveOptions) -> Receiver {
        let (events, _) = broadcast::channel(1024);
        let pass_lock = pass_lock(&store);
        Receiver {
            client,
            store,
            options: Arc::new(options),
            events,
            pass_lock,
            claims: Arc::default(),
            roots: Arc::default(),
            phases: Arc::default(),
            made_dirs: Arc::default(),
            recorded: Arc::default(),
        }
    }

    /// Says that invoices were recorded to download: a running pass takes them into its
    /// downloads, else [`Receiver::announced`] wakes whoever waits to start one.
    pub fn announce(&self) {
        self.recorded.notify_one();
    }

    /// Waits for [`Receiver::announce`] (one ring is kept when nobody waits).
    pub async fn announced(&self) {
        self.recorded.notified().await;
    }

    /// Time spent per phase so far (summed over concurrent downloads).
    pub fn phase_times(&self) -> PhaseTimes {
        let d = |a: &AtomicU64| Duration::from_nanos(a.load(Ordering::Relaxed));
        let p = &self.phases;
        PhaseTimes {
            download: d(&p.download),
            read: d(&p.read),
            place: d(&p.place),
            record: d(&p.record),
            batch: d(&p.batch),
        }
    }

    /// What it saves and warns about.
    pub fn subscribe(&self) -> broadcast::Receiver<ReceiveEvent> {
        self.events.subscribe()
    }

    /// Refreshes the organisations and their receive states from the platform (hosts
    /// without the sync loop, such as `econnect watch`).
    pub async fn refresh_organisations(&self) -> Result<(), EngineError> {
        let parties = crate::sync::directory::me_and_parties(&self.client, &self.store).await?;
        crate::sync::directory::receive_states(&self.client, &self.store, &parties).await
    }

    /// The organisations that receive: receiving on and the right to receive.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, EngineError> {
        let only = self
            .options
            .only_party
            .as_deref()
            .map(|p| PartyId::new(p).as_str().to_string());
        Ok(self
            .store
            .organisations(&OrganisationQuery::default())
            .await?
            .into_iter()
            .filter(|o| o.permissions.can_receive_document && o.receive.is_on())
            .filter(|o| only.as_deref().is_none_or(|p| p == o.id))
            .collect())
    }

    /// One pass: download every recorded invoice that is due (announced by a hook and
    /// recorded with [`Store::record_listed`], or failed earlier and due again) for the
    /// receiving organisations, then warn about what is at risk.
    pub async fn pass(&self) -> Result<ReceiveSummary, EngineError> {
        let _one_at_a_time = self.pass_lock.lock().await;
        let started = Instant::now();
        let organisations = self.organisations().await?;
        let mut summary = ReceiveSummary {
            organisations: u32::try_from(organisations.len()).unwrap_or(u32::MAX),
            ..ReceiveSummary::default()
        };
        let (saved, failed, refused) = self.download_due(&organisations).await?;
        summary.saved = saved;
        summary.failed = failed;
        summary.refused = refused;
        self.guard_retention().await?;
        summary.duration_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        Ok(summary)
    }

    /// Downloads every due invoice of the receiving organisations, several at a time.
    async fn download_due(
        &self,
        organisations: &[Organisation],
    ) -> Result<(u32, u32, u32), EngineError> {
        let (saved, failed, refused) = (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0));
        loop {
            let (queue, inbox) = tokio::sync::mpsc::channel(PLACE_CAPACITY);
            // Two stages: the platform sees at most `concurrency` downloads; a finished
            // download frees its slot at once while its files are read, written and
            // flushed (the disk's own, larger, number of slots). The list of due invoices
            // is read again whenever it runs out, so invoices recorded while this runs (a
            // hook announcing them) join the same stream instead of waiting for its end.
            let feed = Feed::default();
            let feed_ref = &feed;
            let downloads = async move {
                self.due_stream(organisations, feed_ref)
                    .map(|(record, name)| async move {
                        let fetched = self.fetch(&record, &name).await;
                        (record, name, fetched)
                    })
                    .buffer_unordered(self.options.concurrency.max(1))
                    .map(|(record, name, fetched)| {
                        let queue = queue.clone();
                        async move {
                            let outcome = self.finish_one(&record, &name, fetched, &queue).await;
                            feed_ref.done();
                            outcome
                        }
                    })
                    .buffer_unordered(DISK_SLOTS)
                    .collect::<Vec<Result<Outcome, EngineError>>>()
                    .await
            };
            let (recorded, results) = tokio::join!(self.record_saved(inbox, &feed), downloads);
            let (recorded, unplaced) = recorded?;
            if let Some(e) = feed.broken.into_inner().unwrap_or_else(|e| e.into_inner()) {
                return Err(e);
            }
            saved.fetch_add(recorded, Ordering::Relaxed);
            failed.fetch_add(unplaced, Ordering::Relaxed);
            let mut progressed = recorded > 0;
            for r in results {
                match r? {
                    Outcome::Handed => 0,
                    Outcome::Failed => failed.fetch_add(1, Ordering::Relaxed),
                    Outcome::Refused => {
                        progressed = true;
                        refused.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
            if feed.listed.load(Ordering::Relaxed) == 0 || !progressed {
                // Nothing was due, or everything left failed and waits for its retry time.
                break;
            }
        }
        Ok((
            saved.into_inner(),
            failed.into_inner(),
            refused.into_inner(),
        ))
    }

    /// The due invoices of the receiving organisations, each once, read from the cache in
    /// chunks. When a chunk runs out the list is read again; when that brings nothing new
    /// while downloads are still open, it waits for newly recorded invoices (rung by
    /// [`Receiver::announce`]) or for the last download to finish, and ends only then. So a
    /// hook's invoices join the downloads already running instead of waiting for them.
    fn due_stream<'a>(
        &'a self,
        organisations: &'a [Organisation],
        feed: &'a Feed,
    ) -> impl futures_util::Stream<Item = (ReceivedInvoice, String)> + 'a {
        let only_party = self
            .options
            .only_party
            .as_deref()
            .map(|p| PartyId::new(p).as_str().to_string());
        let state = (
            Vec::<(ReceivedInvoice, String)>::new(),
            HashSet::<String>::new(),
        );
        stream::unfold(state, move |(mut chunk, mut taken)| {
            let only_party = only_party.clone();
            async move {
                while chunk.is_empty() {
                    // Registered before the list is read: a ring after it is not missed.
                    let recorded = self.recorded.notified();
                    let idle = feed.idle.notified();
                    match self
                        .next_chunk(organisations, only_party.as_deref(), &mut taken)
                        .await
                    {
                        // Reversed, so that popping takes the oldest first.
                        Ok(next) => chunk = next.into_iter().rev().collect(),
                        Err(e) => {
                            *feed.broken.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                            return None;
                        }
                    }
                    if chunk.is_empty() {
                        if feed.open.load(Ordering::Acquire) == 0 {
                            return None;
                        }
                        tokio::select! {
                            () = recorded => {}
                            () = idle => {}
                        }
                    }
                }
                let next = chunk.pop()?;
                feed.listed.fetch_add(1, Ordering::Relaxed);
                feed.open.fetch_add(1, Ordering::AcqRel);
                Some((next, (chunk, taken)))
            }
        })
    }

    /// The due invoices not yet `taken` (oldest first, with their organisation's name),
    /// marked taken and prepared for; empty when there are none.
    async fn next_chunk(
        &self,
        organisations: &[Organisation],
        only_party: Option<&str>,
        taken: &mut HashSet<String>,
    ) -> Result<Vec<(ReceivedInvoice, String)>, EngineError> {
        // Those taken and not yet recorded are still due: read past them.
        let limit = u32::try_from(taken.len())
            .unwrap_or(u32::MAX)
            .saturating_add(DUE_CHUNK);
        let due = self
            .store
            .due_received(only_party, unix_ms(), limit)
            .await?;
        let chunk: Vec<(ReceivedInvoice, String)> = due
            .into_iter()
            .filter(|r| !taken.contains(&r.document_id))
            .filter_map(|r| {
                let name = organisations
                    .iter()
                    .find(|o| o.id == r.party_id)?
                    .name
                    .clone();
                Some((r, name))
            })
            .take(DUE_CHUNK as usize)
            .collect();
        if chunk.is_empty() {
            return Ok(chunk);
        }
        let prepared = Instant::now();
        self.prepare_batch(&chunk).await?;
        add_time(&self.phases.batch, prepared);
        taken.extend(chunk.iter().map(|(r, _)| r.document_id.clone()));
        Ok(chunk)
    }

    /// Places and records read invoices as they come in: whatever finished while the last
    /// batch ran goes in the next one (group commit), and a download hands its invoice over
    /// without waiting, so downloads never wait on a transaction. A batch's files (already
    /// durable) are moved to their names, then recorded; only after the commit is an
    /// invoice counted and announced. Returns how many were recorded and how many failed
    /// (and wait for a retry).
    async fn record_saved(
        &self,
        mut inbox: tokio::sync::mpsc::Receiver<ToPlace>,
        feed: &Feed,
    ) -> Result<(u32, u32), EngineError> {
        let (mut recorded, mut unplaced) = (0u32, 0u32);
        let mut failed = None;
        while let Some(first) = inbox.recv().await {
            // What arrives within a moment goes in the same batch: a transaction costs about
            // the same whatever its size, and a notice a few milliseconds later is not
            // noticed.
            let mut batch = vec![first];
            let until = tokio::time::Instant::now() + GROUP_COMMIT_WAIT;
            while batch.len() < 256 {
                // Registered before the check, so a download finishing in between is heard.
                let settled = feed.settled.notified();
                if feed.open.load(Ordering::Acquire) == 0 {
                    // Nothing else in flight: what is queued is all there is to wait for.
                    while batch.len() < 256 {
                        match inbox.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    break;
                }
                tokio::select! {
                    next = inbox.recv() => match next {
                        Some(next) => batch.push(next),
                        None => break,
                    },
                    () = settled => {}
                    () = tokio::time::sleep_until(until) => break,
                }
            }
            if failed.is_some() {
                // The cache refused a commit: the rest stays unrecorded (the next pass
                // recognises their files by their bytes).
                continue;
            }
            let clock = Instant::now();
            let mut items = Vec::with_capacity(batch.len());
            let mut labels = Vec::with_capacity(batch.len());
            // Renames and hashes in the receive folder, maybe on a share that hangs: one trip
            // to the blocking pool for the batch, never on the async workers.
            let claims = Arc::clone(&self.claims);
            let (batch, placed) = tokio::task::spawn_blocking(move || {
                let placed: Vec<_> = batch
                    .iter()
                    .map(|item| {
                        let pdf = item
                            .pdf
                            .as_ref()
                            .map(|(temp, sha)| (temp.as_path(), sha.as_str()));
                        Self::place_both(
                            &claims,
                            &item.record,
                            &item.dir,
                            &item.stem,
                            (&item.xml.0, &item.xml.1),
                            pdf,
                        )
                    })
                    .collect();
                (batch, placed)
            })
            .await
            .map_err(|e| EngineError::new(ErrorCode::Storage, e.to_string()))?;
            for (item, placed) in batch.into_iter().zip(placed) {
                match placed {
                    Ok((xml_target, pdf_target)) => {
                        items.push(SavedInvoice {
                            document_id: item.record.document_id.clone(),
                            xml: (xml_target.to_string_lossy().into_owned(), item.xml.1),
                            pdf: item
                                .pdf
                                .map(|(_, sha)| (pdf_target.to_string_lossy().into_owned(), sha)),
                            facts: item.facts,
                        });
                        labels.push((item.organisation, item.stem));
                    }
                    Err(failure) => {
                        self.fail(&item.record, failure).await?;
                        unplaced += 1;
                    }
                }
            }
            add_time(&self.phases.place, clock);
            let clock = Instant::now();
            match self.store.mark_received_saved_many(&items).await {
                Ok(()) => {
                    recorded += u32::try_from(items.len()).unwrap_or(u32::MAX);
                    for (organisation, label) in labels {
                        let _ = self.events.send(ReceiveEvent::Saved {
                            organisation,
                            label,
                        });
                    }
                }
                Err(e) => failed = Some(EngineError::from(e)),
            }
            add_time(&self.phases.record, clock);
        }
        failed.map_or(Ok((recorded, unplaced)), Err)
    }

    /// Reads a downloaded invoice and hands it to the recorder, or records how it failed.
    async fn finish_one(
        &self,
        record: &ReceivedInvoice,
        organisation: &str,
        fetched: Result<Fetched, Failure>,
        queue: &tokio::sync::mpsc::Sender<ToPlace>,
    ) -> Result<Outcome, EngineError> {
        let read = match fetched {
            Ok(fetched) => self.save(record, organisation, fetched).await,
            Err(failure) => Err(failure),
        };
        match read {
            Ok(item) => {
                // Awaited: a read invoice must be recorded, so a recorder that is behind
                // holds the downloads back instead of letting them pile up in memory.
                queue.send(item).await.map_err(|_| {
                    EngineError::new(
                        ErrorCode::Storage,
                        "De ontvangen facturen konden niet worden vastgelegd.",
                    )
                })?;
                Ok(Outcome::Handed)
            }
            Err(failure) => self.fail(record, failure).await,
        }
    }

    /// Records why an invoice was not saved: refused for good, or to be tried again later.
    async fn fail(
        &self,
        record: &ReceivedInvoice,
        failure: Failure,
    ) -> Result<Outcome, EngineError> {
        match failure {
            Failure::Refused(reason) => {
                tracing::warn!(id = record.document_id, reason, "received invoice refused");
                self.store
                    .mark_received_failed(&record.document_id, &reason, i64::MAX, true)
                    .await?;
                Ok(Outcome::Refused)
            }
            Failure::Retry(reason) => {
                let shift = u32::try_from(record.attempts.clamp(0, 10)).unwrap_or(10);
                let wait = self
                    .options
                    .retry_base
                    .saturating_mul(1 << shift)
                    .min(Duration::from_secs(6 * 3600));
                let next =
                    unix_ms().saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
                tracing::info!(
                    id = record.document_id,
                    reason,
                    "download failed; trying again later"
                );
                self.store
                    .mark_received_failed(&record.document_id, &reason, next, false)
                    .await?;
                Ok(Outcome::Failed)
            }
            Failure::Engine(e) => Err(e),
        }
    }

    /// Loads the roots of the batch's organisations and the names claimed in its folders.
    async fn prepare_batch(&self, due: &[(ReceivedInvoice, String)]) -> Result<(), EngineError> {
        let mut roots = HashMap::new();
        let mut folders = std::collections::BTreeSet::new();
        for (record, organisation) in due {
            if !roots.contains_key(&record.party_id) {
                roots.insert(
                    record.party_id.clone(),
                    self.chosen_root(&record.party_id).await?,
                );
            }
            if let Some(root) = roots.get(&record.party_id) {
                folders.insert(names::month_folder(root, organisation, month_of(record)));
            }
        }
        let new_folders: Vec<PathBuf> = {
            let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
            if claims.names.len() > MAX_CLAIMS {
                *claims = Claims::default();
            }
            folders
                .into_iter()
                .filter(|f| !claims.folders.contains(f))
                .collect()
        };
        for folder in new_folders {
            let held = self
                .store
                .received_paths_in(&folder.to_string_lossy())
                .await?;
            // Temp files a crash left behind go, once per folder and run (nobody waits).
            let sweep = folder.clone();
            drop(tokio::task::spawn_blocking(move || {
                files::remove_stale_temps(&sweep, files::STALE_TEMP)
            }));
            let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
            for (path, id) in held {
                claims.names.entry(PathBuf::from(path)).or_insert(id);
            }
            claims.folders.insert(folder);
        }
        // Made again once per batch: a folder removed meanwhile comes back.
        self.made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        // Added to and updated, not replaced: downloads of the previous chunk may still be
        // running (they go to the folder chosen now, which is what the user asked for).
        self.roots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(roots);
        Ok(())
    }

    /// The receive root of an organisation as loaded for the current chunk.
    async fn root(&self, party_id: &str) -> Result<PathBuf, EngineError> {
        if let Some(root) = self
            .roots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(party_id)
        {
            return Ok(root.clone());
        }
        self.chosen_root(party_id).await
    }

    /// Where an organisation's invoices go now: this run's folder, else the one chosen in
    /// the settings, else the default. Read per chunk, so a folder chosen while the worker
    /// runs is used from the next chunk on, without a restart.
    async fn chosen_root(&self, party_id: &str) -> Result<PathBuf, EngineError> {
        if let Some(folder) = &self.options.folder {
            return Ok(folder.clone());
        }
        Ok(match self.store.receive_folder(party_id).await? {
            Some(path) => PathBuf::from(path),
            None => default_root(),
        })
    }

    /// Downloads one invoice into memory or its temp file (the platform's part).
    async fn fetch(
        &self,
        record: &ReceivedInvoice,
        organisation: &str,
    ) -> Result<Fetched, Failure> {
        let root = self.root(&record.party_id).await.map_err(Failure::Engine)?;
        let dir = names::month_folder(&root, organisation, month_of(record));
        if !names::is_inside(&root, &dir) {
            return Err(Failure::Refused("map buiten de ontvangstmap".into()));
        }
        if !self
            .made_dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&dir)
        {
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| Failure::Retry(format!("{}: {e}", dir.display())))?;
            self.made_dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(dir.clone());
        }
        let xml_temp = files::temp_beside(&dir, &record.document_id, "xml");
        let clock = Instant::now();
        let (xml_sha, size, bytes) = self.download(record, &xml_temp).await?;
        add_time(&self.phases.download, clock);
        Ok(Fetched {
            dir,
            xml_temp,
            xml_sha,
            size,
            bytes,
        })
    }

    /// Reads a fetched invoice (the disk's part): its facts, and its PDF out into a temp file.
    async fn save(
        &self,
        record: &ReceivedInvoice,
        organisation: &str,
        fetched: Fetched,
    ) -> Result<ToPlace, Failure> {
        let Fetched {
            dir,
            xml_temp,
            xml_sha,
            size,
            bytes,
        } = fetched;
        let pdf_temp = files::temp_beside(&dir, &record.document_id, "pdf");
        let clock = Instant::now();
        let parsed = {
            let (xml, pdf, max) = (xml_temp.clone(), pdf_temp.clone(), self.options.max_pdf);
            let durable = self.options.durable;
            tokio::task::spawn_blocking(move || {
                let io = |e: std::io::Error| ubl::UblError::Io(e.to_string());
                // Each file flushed as soon as it is written (see `files::make_durable`),
                // here on the blocking pool, several at a time.
                let parsed = match bytes {
                    Some(bytes) => {
                        let written = files::write_temp(&xml, &bytes).map_err(io)?;
                        if durable {
                            written.sync_data().map_err(io)?;
                        }
                        ubl::read_from(bytes.as_slice(), &pdf, max)
                    }
                    None => {
                        if durable {
                            files::make_durable(&xml).map_err(io)?;
                        }
                        ubl::read(&xml, &pdf, max)
                    }
                }?;
                if durable && let Some(file) = &parsed.pdf_file {
                    file.sync_data().map_err(io)?;
                }
                Ok(parsed)
            })
            .await
            .map_err(|e| Failure::Retry(e.to_string()))?
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                // Off the async workers (the folder may be on a share); nobody waits for it.
                let (xml, pdf) = (xml_temp.clone(), pdf_temp.clone());
                drop(tokio::task::spawn_blocking(move || {
                    let _ = std::fs::remove_file(xml);
                    let _ = std::fs::remove_file(pdf);
                }));
                return Err(match e {
                    ubl::UblError::Refused(m) => Failure::Refused(m),
                    ubl::UblError::Io(m) => Failure::Retry(m),
                });
            }
        };
        add_time(&self.phases.read, clock);
        tracing::debug!(id = record.document_id, size, "received invoice downloaded");
        if parsed.pdf_too_large {
            tracing::warn!(
                id = record.document_id,
                "embedded PDF too large: only the XML was saved"
            );
        }
        let stem = names::invoice_stem(
            parsed.facts.supplier.as_deref(),
            parsed.facts.invoice_number.as_deref(),
            &record.document_id,
        );
        Ok(ToPlace {
            record: record.clone(),
            organisation: organisation.to_string(),
            dir,
            stem,
            xml: (xml_temp, xml_sha),
            pdf: parsed.pdf.map(|(_, sha)| (pdf_temp, sha)),
            facts: parsed.facts,
        })
    }

    /// Streams the download (hashing, capped); returns (SHA-256, size, the bytes). A small
    /// download stays in memory (the caller writes it to `temp` with one blocking call
    /// that also reads it); a larger one is written to `temp` as it comes (bytes: None).
    async fn download(
        &self,
        record: &ReceivedInvoice,
        temp: &Path,
    ) -> Result<(String, u64, Option<Vec<u8>>), Failure> {
        use sha2::Digest;
        use tokio::io::AsyncWriteExt;
        let party = PartyId::new(&record.party_id);
        let mut download = with_retries("download", || {
            self.client
                .download_purchase_invoice_streamed(&party, &record.document_id)
        })
        .await
        .map_err(|e| {
            if e.is_not_found() {
                Failure::Refused(format!("niet meer op het platform: {e}"))
            } else {
                Failure::Retry(e.to_string())
            }
        })?;
        if download
            .length
            .is_some_and(|n| n > self.options.max_download)
        {
            return Err(Failure::Refused(too_large(self.options.max_download)));
        }
        let retry = |e: std::io::Error| Failure::Retry(e.to_string());
        let mut memory = Some(Vec::new());
        let mut file: Option<tokio::fs::File> = None;
        let mut hash = sha2::Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = download
            .chunk()
            .await
            .map_err(|e| Failure::Retry(e.to_string()))?
        {
            size += chunk.len() as u64;
            if size > self.options.max_download {
                drop(file);
                let _ = tokio::fs::remove_file(temp).await;
                return Err(Failure::Refused(too_large(self.options.max_download)));
            }
            hash.update(&chunk);
            if size > IN_MEMORY_DOWNLOAD && file.is_none() {
                let path = temp.to_path_buf();
                let created = tokio::task::spawn_blocking(move || files::create_temp(&path))
                    .await
                    .map_err(|e| Failure::Retry(e.to_string()))?;
                let mut f = tokio::fs::File::from_std(created.map_err(retry)?);
                f.write_all(&memory.take().unwrap_or_default())
                    .await
                    .map_err(retry)?;
                file = Some(f);
            }
            match (&mut file, &mut memory) {
                (Some(f), _) => f.write_all(&chunk).await.map_err(retry)?,
                (None, Some(m)) => m.extend_from_slice(&chunk),
                (None, None) => {}
            }
        }
        if let Some(mut f) = file {
            // tokio hands the last write to a thread and returns: without this flush the
            // reader of the temp file may come before the bytes are all there.
            f.flush().await.map_err(retry)?;
            memory = None;
        }
        Ok((hex::encode(hash.finalize()), size, memory))
    }

    /// Chooses free names (the planned ones first, after a crash), claims them in memory,
    /// then links both files in place; returns the targets, recorded by the caller in the
    /// same transaction that marks the invoice saved. A name held by another record or
    /// file gets the next number. A crash before that record leaves files whose bytes the
    /// next attempt recognises (same name, same hash), so nothing is written twice.
    fn place_both(
        claims: &std::sync::Mutex<Claims>,
        record: &ReceivedInvoice,
        dir: &Path,
        stem: &str,
        xml: (&Path, &str),
        pdf: Option<(&Path, &str)>,
    ) -> Result<(PathBuf, PathBuf), Failure> {
        let planned = record
            .xml_path
            .as_ref()
            .map(PathBuf::from)
            .filter(|p| p.parent() == Some(dir));
        let io = |e: std::io::Error| Failure::Retry(e.to_string());
        let id = &record.document_id;
        for n in 1..=1000u32 {
            let (xml_target, pdf_target) = match (&planned, n) {
                (Some(p), 1) => (p.clone(), p.with_extension("pdf")),
                _ => {
                    let name = names::numbered(stem, n);
                    (
                        dir.join(format!("{name}.xml")),
                        dir.join(format!("{name}.pdf")),
                    )
                }
            };
            {
                // Claimed by another record (in the cache, or by a download of this batch).
                let mut claims = claims.lock().unwrap_or_else(|e| e.into_inner());
                let other = |p: &PathBuf| claims.names.get(p).is_some_and(|holder| holder != id);
                if other(&xml_target) || other(&pdf_target) {
                    continue;
                }
                claims.names.insert(xml_target.clone(), id.clone());
                claims.names.insert(pdf_target.clone(), id.clone());
            }
            // Linking never replaces a file: a name held by other bytes is skipped, the
            // same bytes (an attempt that got this far before a crash) count as done.
            if files::place(xml.0, &xml_target, xml.1).map_err(io)? == Placed::Taken {
                continue;
            }
            if let Some((temp, sha)) = pdf
                && files::place(temp, &pdf_target, sha).map_err(io)? == Placed::Taken
            {
                continue;
            }
            return Ok((xml_target, pdf_target));
        }
        Err(Failure::Retry("geen vrije bestandsnaam gevonden".into()))
    }

    /// Warns once about each received document not on disk 60 days after arrival.
    async fn guard_retention(&self) -> Result<(), EngineError> {
        let before = timestamp::format(
            time::OffsetDateTime::now_utc() - time::Duration::days(RETENTION_WARNING_DAYS),
        );
        let risks = self.store.retention_risks(&before).await?;
        if risks.is_empty() {
            return Ok(());
        }
        for r in &risks {
            let label = r
                .invoice_number
                .clone()
                .unwrap_or_else(|| r.document_id.clone());
            let _ = self.events.send(ReceiveEvent::RetentionRisk {
                organisation: r.party_name.clone(),
                label,
            });
        }
        let ids: Vec<String> = risks.into_iter().map(|r| r.document_id).collect();
        self.store.mark_retention_warned(&ids).await?;
        Ok(())
    }

    /// Passes until `stop` turns true: one now, then every `interval`.
    pub async fn run(self, interval: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(e) = self.pass().await {
                tracing::info!(error = %e, "receive pass failed; next pass later");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }
}

enum Failure {
    Refused(String),
    Retry(String),
    Engine(EngineError),
}

fn too_large(max: u64) -> String {
    format!("ontvangen document groter dan {} MB", max / (1024 * 1024))
}

/// The `YYYY-MM` folder of an invoice (by its arrival).
fn month_of(record: &ReceivedInvoice) -> &str {
    record.received_on.get(..7).unwrap_or("onbekend")
}

fn unix_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
        .unwrap_or(i64::MAX)
}

/// The default receive root: `<Documenten>/eConnect` (the home folder when there is no
/// documents folder).
pub fn default_root() -> PathBuf {
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("eConnect")
}

/// Checks a receive folder the user chose: absolute, and creatable.
pub fn check_folder(path: &Path) -> Result<(), EngineError> {
    if !path.is_absolute() {
        return Err(EngineError::new(
            ErrorCode::Folder,
            "Kies een volledige map (geen relatief pad).",
        ));
    }
    std::fs::create_dir_all(path).map_err(|e| {
        EngineError::new(
            ErrorCode::Folder,
            format!("De map {} kan niet worden gemaakt: {e}", path.display()),
        )
    })
}
