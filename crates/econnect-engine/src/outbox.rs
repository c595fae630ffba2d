//! The intake of the signed-in session (watched folders, drops, the outbox and its
//! uploader): started when a session opens, stopped when it ends, one per profile.

use std::path::PathBuf;

use econnect_api::PartyId;
use econnect_intake::{
    Direction, FolderStatus, Intake, IntakeConfig, IntakeError, IntakeEvent, Preflight, Submitted,
    WatchedFolder,
};
use econnect_store::outbox::{OutboxCounts, OutboxItem};
use tokio::sync::{Mutex, broadcast, watch};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// Rows the "Verzenden" page shows at most.
const QUEUE_LIMIT: i64 = 2000;

/// How a host wants the session's intake started (the command line's `watch` options);
/// the app uses the defaults.
#[derive(Debug, Clone)]
pub struct IntakeSetup {
    /// Folders watched besides the saved ones, for this run only (not saved).
    pub extra: Vec<WatchedFolder>,
    /// Only scan, never wait for file events (network shares).
    pub poll_only: bool,
    /// Uploads in flight at once.
    pub concurrency: usize,
    /// The user's UTC offset, when the host read it before its threads started (the only
    /// time the `time` crate can on Linux); `None`: asked at start.
    pub local_offset: Option<time::UtcOffset>,
}

impl Default for IntakeSetup {
    fn default() -> Self {
        IntakeSetup {
            extra: Vec::new(),
            poll_only: false,
            concurrency: IntakeConfig::default().concurrency,
            local_offset: None,
        }
    }
}

/// The running intake of the open session, if any; cheap to share behind an `Arc`.
pub struct Outbox {
    current: Mutex<Option<(String, Intake)>>,
    events: broadcast::Sender<IntakeEvent>,
    /// The scheduled maintenance hold, kept so an intake started later gets it too.
    scheduled_hold: std::sync::Mutex<Option<std::time::Instant>>,
    /// Until when the platform last said (503) it is in maintenance, from any session.
    platform_maintenance: watch::Sender<Option<time::OffsetDateTime>>,
    /// Sending paused by the user (tray), kept for an intake started later.
    paused: std::sync::atomic::AtomicBool,
    /// How the next intake starts.
    setup: std::sync::Mutex<IntakeSetup>,
}

impl Default for Outbox {
    fn default() -> Self {
        let (events, _) = broadcast::channel(4096);
        Outbox {
            current: Mutex::new(None),
            events,
            scheduled_hold: std::sync::Mutex::new(None),
            platform_maintenance: watch::channel(None).0,
            paused: std::sync::atomic::AtomicBool::new(false),
            setup: std::sync::Mutex::new(IntakeSetup::default()),
        }
    }
}

impl Outbox {
    /// Per-file progress of whichever session's intake is running.
    pub fn subscribe(&self) -> broadcast::Receiver<IntakeEvent> {
        self.events.subscribe()
    }

    /// Sets how the session's intake starts; call before it starts (before
    /// [`Engine::start_services`] or the first use).
    pub fn configure(&self, setup: IntakeSetup) {
        *self.setup.lock().unwrap_or_else(|e| e.into_inner()) = setup;
    }

    /// Keeps the intake in step with the session: started at sign-in, stopped at sign-out.
    pub async fn follow(self: std::sync::Arc<Self>, engine: Engine) {
        let mut status = engine.status_updates();
        loop {
            let signed_in = status.borrow_and_update().signed_in;
            let result = if signed_in {
                self.intake(&engine).await.map(|_| ())
            } else {
                self.stop().await;
                Ok(())
            };
            if let Err(err) = result {
                tracing::warn!("intake not started: {err}");
            }
            if status.changed().await.is_err() {
                break;
            }
        }
    }

    /// The session's intake, started on first use (and again after a change of profile).
    pub async fn intake(&self, engine: &Engine) -> Result<Intake, EngineError> {
        let session = engine
            .session()
            .await
            .ok_or_else(EngineError::not_signed_in)?;
        let mut current = self.current.lock().await;
        if let Some((profile, intake)) = current.as_ref()
            && *profile == session.profile
        {
            return Ok(intake.clone());
        }
        if let Some((_, old)) = current.take() {
            old.shutdown().await;
        }
        let setup = self.setup.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let config = IntakeConfig {
            local_offset: setup.local_offset.unwrap_or_else(local_offset),
            poll_only: setup.poll_only,
            concurrency: setup.concurrency.max(1),
            ..IntakeConfig::default()
        };
        let intake = Intake::start(
            engine.store().await?,
            engine.client().await?,
            config,
            setup.extra,
        )
        .await
        .map_err(intake_error)?;
        let mut progress = intake.subscribe();
        let events = self.events.clone();
        tokio::spawn(async move {
            loop {
                match progress.recv().await {
                    Ok(event) => {
                        let _ = events.send(event);
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        intake.set_scheduled_hold(self.scheduled_hold());
        intake.set_paused(self.paused.load(std::sync::atomic::Ordering::Relaxed));
        let mut platform = intake.platform_maintenance();
        let forward = self.platform_maintenance.clone();
        tokio::spawn(async move {
            while platform.changed().await.is_ok() {
                let until = *platform.borrow_and_update();
                forward.send_replace(until);
            }
        });
        *current = Some((session.profile, intake.clone()));
        Ok(intake)
    }

    /// Holds uploads until a scheduled maintenance window ends (`None`: no window now).
    pub async fn set_scheduled_hold(&self, until: Option<std::time::Instant>) {
        *self
            .scheduled_hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = until;
        if let Some((_, intake)) = self.current.lock().await.as_ref() {
            intake.set_scheduled_hold(until);
        }
    }

    /// Pauses or resumes sending ("Verzenden pauzeren/hervatten" in the tray).
    pub async fn set_paused(&self, paused: bool) {
        self.paused
            .store(paused, std::sync::atomic::Ordering::Relaxed);
        if let Some((_, intake)) = self.current.lock().await.as_ref() {
            intake.set_paused(paused);
        }
    }

    fn scheduled_hold(&self) -> Option<std::time::Instant> {
        *self
            .scheduled_hold
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Follows until when the platform said (503) it is in maintenance.
    pub fn platform_maintenance(&self) -> watch::Receiver<Option<time::OffsetDateTime>> {
        self.platform_maintenance.subscribe()
    }

    /// Stops the intake, letting uploads in flight finish.
    pub async fn stop(&self) {
        if let Some((_, intake)) = self.current.lock().await.take() {
            intake.shutdown().await;
        }
    }

    /// Checks files before they are sent (what the drop dialog shows).
    pub async fn preflight(
        &self,
        engine: &Engine,
        paths: Vec<PathBuf>,
        direction: Direction,
    ) -> Result<Vec<Preflight>, EngineError> {
        let intake = self.intake(engine).await?;
        let mut out = Vec::with_capacity(paths.len());
        for path in paths {
            out.push(intake.preflight(path, direction).await);
        }
        Ok(out)
    }

    /// Queues dropped or chosen files for an organisation.
    pub async fn submit(
        &self,
        engine: &Engine,
        party: &str,
        direction: Direction,
        paths: Vec<PathBuf>,
        force: bool,
    ) -> Result<Vec<Submitted>, EngineError> {
        let party = PartyId::new(party);
        self.intake(engine)
            .await?
            .submit_paths(&party, direction, paths, force)
            .await
            .map_err(intake_error)
    }

    /// The outbox, newest first; one organisation or all.
    pub async fn queue(
        &self,
        engine: &Engine,
        party: Option<&str>,
    ) -> Result<Vec<OutboxItem>, EngineError> {
        let party = party.map(PartyId::new);
        self.intake(engine)
            .await?
            .queue(party.as_ref(), QUEUE_LIMIT)
            .await
            .map_err(intake_error)
    }

    /// Rows per state for one organisation.
    pub async fn counts(&self, engine: &Engine, party: &str) -> Result<OutboxCounts, EngineError> {
        let party = PartyId::new(party);
        self.intake(engine)
            .await?
            .counts(&party)
            .await
            .map_err(intake_error)
    }

    /// Puts a refused or dead row back in the queue (`force`: send a duplicate anyway).
    pub async fn retry(&self, engine: &Engine, id: &str, force: bool) -> Result<bool, EngineError> {
        self.intake(engine)
            .await?
            .retry(id, force)
            .await
            .map_err(intake_error)
    }

    /// Hides a row from the list; its file stays where it is.
    pub async fn remove(&self, engine: &Engine, id: &str) -> Result<bool, EngineError> {
        self.intake(engine)
            .await?
            .remove(id)
            .await
            .map_err(intake_error)
    }

    /// The watched folders with their bindings and health.
    pub async fn folders(&self, engine: &Engine) -> Result<Vec<FolderStatus>, EngineError> {
        Ok(self.intake(engine).await?.bindings())
    }

    /// Starts watching a folder (saved in the profile's cache).
    pub async fn add_folder(
        &self,
        engine: &Engine,
        folder: WatchedFolder,
    ) -> Result<(), EngineError> {
        self.intake(engine)
            .await?
            .add_folder(folder)
            .await
            .map_err(intake_error)
    }

    /// Stops watching a folder.
    pub async fn remove_folder(&self, engine: &Engine, path: PathBuf) -> Result<(), EngineError> {
        self.intake(engine)
            .await?
            .remove_folder(&path)
            .await
            .map_err(intake_error)
    }

    /// Creates `<root>/<name>/` bound to an organisation, for the one-folder-per-organisation layout.
    pub async fn create_organisation_folder(
        &self,
        engine: &Engine,
        root: PathBuf,
        party: &str,
        name: &str,
        direction: Direction,
    ) -> Result<PathBuf, EngineError> {
        let party = PartyId::new(party);
        self.intake(engine)
            .await?
            .create_org_folder(&root, &party, name, direction)
            .await
            .map_err(intake_error)
    }
}

fn intake_error(err: IntakeError) -> EngineError {
    let code = match err.code() {
        "storage" => ErrorCode::Storage,
        "folder" => ErrorCode::Folder,
        _ => ErrorCode::InvalidInput,
    };
    EngineError::new(code, err.dutch())
}

/// The user's UTC offset now, so `Verwerkt/YYYY-MM/` and dates in reasons are local.
fn local_offset() -> time::UtcOffset {
    time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC)
}
