//! Shared set-up of the engine tests: an in-process sandbox, a store in a temp folder,
//! and bounded waiting (never a bare sleep).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_intake::{Direction, Intake, IntakeConfig, IntakeEvent, Layout, Stage, WatchedFolder};
use econnect_sandbox::{RunningSandbox, SandboxConfig};
use econnect_store::Store;
use tokio::sync::broadcast;

/// The demo organisation all tests send for.
pub const PARTY: &str = "NL:KVK:30187412";

pub struct Rig {
    pub sandbox: RunningSandbox,
    pub client: Client,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl Rig {
    pub async fn new() -> Rig {
        let sandbox = econnect_sandbox::spawn(SandboxConfig::default())
            .await
            .unwrap();
        let base = url::Url::parse(&sandbox.url()).unwrap();
        let credentials = Credentials::Password {
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            client_id: econnect_sandbox::CLIENT_ID.into(),
            client_secret: econnect_sandbox::CLIENT_SECRET.into(),
        };
        let client = Client::new(
            Config::new(base.clone(), base, credentials).with_timeout(Duration::from_secs(10)),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db").join("cache.sqlite"))
            .await
            .unwrap();
        Rig {
            sandbox,
            client,
            store,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn party(&self) -> PartyId {
        PartyId::new(PARTY)
    }

    /// A watched folder bound to the demo organisation.
    pub fn single(&self, name: &str, direction: Direction) -> WatchedFolder {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(&path).unwrap();
        WatchedFolder {
            path,
            layout: Layout::Single {
                party: PARTY.into(),
            },
            direction,
        }
    }

    pub async fn start(&self, folders: Vec<WatchedFolder>) -> Intake {
        Intake::start(
            self.store.clone(),
            self.client.clone(),
            fast_config(),
            folders,
        )
        .await
        .unwrap()
    }

    pub async fn fault(&self, body: serde_json::Value) {
        let r = self
            .http
            .post(format!("{}/_sandbox/faults", self.sandbox.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }

    pub async fn clear_faults(&self) {
        self.http
            .delete(format!("{}/_sandbox/faults", self.sandbox.url()))
            .send()
            .await
            .unwrap();
    }

    pub fn created(&self) -> u64 {
        self.sandbox
            .counters()
            .documents_created
            .get("0106:30187412")
            .copied()
            .unwrap_or(0)
    }
}

/// Short delays so the tests run quickly; the logic is the app's.
pub fn fast_config() -> IntakeConfig {
    IntakeConfig {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(400),
        settle: Duration::from_millis(50),
        rescan_every: Duration::from_secs(2),
        max_attempts: 30,
        ..IntakeConfig::default()
    }
}

/// Polls `check` every 20 ms until it holds or `limit` passes.
pub async fn until<F: FnMut() -> bool>(limit: Duration, what: &str, mut check: F) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls an async check.
pub async fn until_async<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Collects events until `done` says so (bounded).
pub async fn collect_until<F: FnMut(&[IntakeEvent]) -> bool>(
    rx: &mut broadcast::Receiver<IntakeEvent>,
    limit: Duration,
    mut done: F,
) -> Vec<IntakeEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = Vec::new();
    while !done(&seen) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(ev)) => seen.push(ev),
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(e)) => panic!("event channel: {e}"),
            Err(_) => panic!(
                "timed out; events so far: {:#?}",
                seen.iter()
                    .map(|e| (&e.file_name, &e.stage))
                    .collect::<Vec<_>>()
            ),
        }
    }
    seen
}

pub fn count_stage(events: &[IntakeEvent], f: impl Fn(&Stage) -> bool) -> usize {
    events.iter().filter(|e| f(&e.stage)).count()
}

/// Files in a folder's `Verwerkt/` tree.
pub fn done_files(folder: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(months) = std::fs::read_dir(folder.join("Verwerkt")) else {
        return out;
    };
    for m in months.flatten() {
        if let Ok(files) = std::fs::read_dir(m.path()) {
            out.extend(files.flatten().map(|f| f.path()));
        }
    }
    out
}

pub fn failed_files(folder: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(folder.join("Mislukt"))
        .map(|d| d.flatten().map(|f| f.path()).collect())
        .unwrap_or_default()
}
