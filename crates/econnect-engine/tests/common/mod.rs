//! Helpers for the engine's tests: a sandbox per test, an engine on a temporary folder with
//! an in-memory keyring, the sandbox's test controls, and bounded polling.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_engine::{
    AppConfig, Channel, Direction, DocumentQuery, Engine, EngineOptions, Environment,
    MemoryKeyring, OrganisationQuery, SecretStore, SignIn,
};
use econnect_sandbox::{RunningSandbox, SandboxConfig, Seed};
use econnect_store::OwnDocument;
use serde_json::{Value, json};

pub const USER: &str = econnect_sandbox::DEMO_USER;
pub const PASSWORD: &str = econnect_sandbox::DEMO_PASSWORD;

pub async fn sandbox(seed: Seed) -> RunningSandbox {
    econnect_sandbox::spawn(SandboxConfig {
        seed,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The platform client's secret in the tests' configuration.
#[allow(dead_code)]
pub const PRODUCTION_SECRET: &str = "production-secret-never-sent-elsewhere";

pub fn config() -> AppConfig {
    // The tests sign in at the sandbox's loopback address: a custom address, so its
    // client is the custom one; the platform's is one that must never reach it.
    AppConfig {
        client_id: Some("econnect-desktop-production".into()),
        client_secret: Some(PRODUCTION_SECRET.into()),
        custom_client_id: Some(econnect_sandbox::CLIENT_ID.into()),
        custom_client_secret: Some(econnect_sandbox::CLIENT_SECRET.into()),
        sync_interval: Duration::from_secs(3600),
    }
}

pub async fn engine_with(folder: &std::path::Path, keyring: Arc<dyn SecretStore>) -> Engine {
    Engine::open_with(
        folder,
        EngineOptions {
            keyring,
            config: Some(config()),
            call_timeout: Duration::from_secs(10),
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap()
}

/// An engine signed in as the demo administrator without its background followers (no
/// tracking, no receive loop: only what a test or a hook starts), its first sync done.
#[allow(dead_code)]
pub async fn quiet_engine(sb: &RunningSandbox, folder: &std::path::Path) -> Engine {
    let engine = Engine::open_with(
        folder,
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(config()),
            call_timeout: Duration::from_secs(10),
            background_sync: false,
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap();
    engine
        .sign_in(sign_in(sb, USER, PASSWORD, false))
        .await
        .unwrap();
    // The session's own first sync (its loop runs also without followers): waited for, so
    // that no sync runs during the test.
    assert!(
        eventually(Duration::from_secs(20), || async {
            engine.status().last_synced.is_some()
        })
        .await
    );
    engine
}

pub async fn engine(folder: &std::path::Path) -> Engine {
    engine_with(folder, Arc::new(MemoryKeyring::default())).await
}

pub fn custom(sb: &RunningSandbox) -> Environment {
    Environment::Custom {
        api_base: sb.url(),
        identity_base: None,
    }
}

pub fn sign_in(sb: &RunningSandbox, user: &str, password: &str, remember: bool) -> SignIn {
    SignIn {
        environment: custom(sb),
        username: user.into(),
        password: password.into(),
        remember,
    }
}

/// A platform client of its own, to read the sandbox's state directly.
pub fn client(sb: &RunningSandbox) -> Client {
    let url = url::Url::parse(&sb.url()).unwrap();
    Client::new(Config::new(
        url.clone(),
        url,
        Credentials::Password {
            username: USER.into(),
            password: PASSWORD.into(),
            client_id: econnect_sandbox::CLIENT_ID.into(),
            client_secret: econnect_sandbox::CLIENT_SECRET.into(),
        },
    ))
    .unwrap()
}

pub async fn control(
    sb: &RunningSandbox,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let http = reqwest::Client::new();
    let resp = http
        .request(method, format!("{}{path}", sb.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    let bytes = resp.bytes().await.unwrap();
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    }
}

pub async fn fault(sb: &RunningSandbox, rule: Value) {
    control(sb, reqwest::Method::POST, "/_sandbox/faults", rule).await;
}

pub async fn faults_left(sb: &RunningSandbox) -> usize {
    control(sb, reqwest::Method::GET, "/_sandbox/faults", json!(null))
        .await
        .as_array()
        .map_or(0, Vec::len)
}

/// The organisations the platform gives the demo user (normalised ids, in its order).
pub async fn platform_organisations(sb: &RunningSandbox) -> Vec<String> {
    let parties = client(sb).my_parties().await.unwrap();
    parties.iter().map(|p| p.id.as_str().to_string()).collect()
}

/// The organisations in the engine's cache (normalised ids, in the platform's order).
pub async fn cached_organisations(engine: &Engine) -> Vec<String> {
    let orgs = engine
        .organisations(OrganisationQuery::default())
        .await
        .unwrap();
    orgs.into_iter().map(|o| o.id).collect()
}

/// Records sales invoices as sent from this installation, as an accepted upload does
/// (the platform has no list the engine could learn them from).
pub async fn record_sent(engine: &Engine, party: &str, ids: &[String]) {
    let store = engine.store().await.unwrap();
    let docs: Vec<OwnDocument> = ids
        .iter()
        .map(|id| OwnDocument {
            id: id.clone(),
            party_id: PartyId::new(party).as_str().to_string(),
            direction: Direction::Sent,
            channel: Channel::Peppol,
            file_name: Some(format!("{id}.xml")),
            sha256: None,
            created_at: econnect_store::timestamp::now(),
        })
        .collect();
    let written = store.record_own_documents(&docs).await.unwrap();
    assert_eq!(
        written as usize,
        ids.len(),
        "the organisation is in the cache"
    );
}

/// Requests the sandbox recorded that read a document list (there must be none).
pub async fn list_requests(sb: &RunningSandbox) -> Vec<String> {
    let requests = control(sb, reqwest::Method::GET, "/_sandbox/requests", json!(null)).await;
    requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "GET")
        .filter_map(|r| r["path"].as_str())
        .filter(|p| p.ends_with("/salesInvoice") || p.ends_with("/purchaseInvoice"))
        .map(str::to_string)
        .collect()
}

/// Every document in the engine's cache: id → (party, status).
pub async fn cached_documents(engine: &Engine) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = engine
            .documents(DocumentQuery {
                offset,
                limit: Some(1000),
                ..Default::default()
            })
            .await
            .unwrap();
        let n = page.rows.len() as u32;
        for r in page.rows {
            out.insert(r.id, (r.party_id, r.status));
        }
        offset += n;
        if n == 0 || offset >= page.total {
            break;
        }
    }
    out
}

/// Polls `check` until it returns true or `deadline` passes.
pub async fn eventually<F, Fut>(deadline: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let end = Instant::now() + deadline;
    while Instant::now() < end {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// True when some file under `dir` contains `needle`.
pub fn any_file_contains(dir: &std::path::Path, needle: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if any_file_contains(&path, needle) {
                return true;
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            return true;
        }
    }
    false
}

/// Every file under `dir`, at any depth, sorted.
pub fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// An engine as the app opens it (its own demo configuration), with an in-memory keyring.
pub async fn demo_engine(folder: &std::path::Path) -> Engine {
    Engine::open_with(
        folder,
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap()
}
