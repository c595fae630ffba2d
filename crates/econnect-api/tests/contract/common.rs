//! Shared set-up: a sandbox per test, clients for the seeded users, the test controls.

use std::path::{Path, PathBuf};
use std::time::Duration;

use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_sandbox::{RunningSandbox, SandboxConfig, Seed};
use serde_json::{Value, json};
use url::Url;

/// The non-administrator of the demo seed.
pub const STAFF_USER: &str = "medewerker@voorbeeld.nl";
/// The locked user of the demo seed.
pub const LOCKED_USER: &str = "geblokkeerd@voorbeeld.nl";

/// A running sandbox plus a plain HTTP client for its test controls.
pub struct Env {
    /// Kept alive for the test; the sandbox stops when it is dropped.
    _sandbox: RunningSandbox,
    pub base: Url,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A sandbox with the demo seed.
    pub async fn demo() -> Env {
        Env::start(Seed::Demo).await
    }

    /// A sandbox with the given seed on a free loopback port.
    pub async fn start(seed: Seed) -> Env {
        let sandbox = econnect_sandbox::spawn(SandboxConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            seed,
            controls: true,
        })
        .await
        .expect("sandbox starts");
        let base = Url::parse(&sandbox.url()).expect("sandbox url");
        Env {
            _sandbox: sandbox,
            base,
            http: reqwest::Client::new(),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The client configuration for a user of the demo environment.
    pub fn config_for(&self, user: &str, password: &str) -> Config {
        Config::new(
            self.base.clone(),
            self.base.clone(),
            Credentials::Password {
                username: user.into(),
                password: password.into(),
                client_id: econnect_sandbox::CLIENT_ID.into(),
                client_secret: econnect_sandbox::CLIENT_SECRET.into(),
            },
        )
    }

    /// A client signed in as the demo administrator.
    pub fn client(&self) -> Client {
        self.client_with(
            self.config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD),
        )
    }

    /// A client signed in as another user.
    pub fn client_as(&self, user: &str, password: &str) -> Client {
        self.client_with(self.config_for(user, password))
    }

    /// A client with a custom configuration.
    pub fn client_with(&self, config: Config) -> Client {
        Client::new(config).expect("client")
    }

    fn control(&self, path: &str) -> Url {
        self.base.join(path).expect("control url")
    }

    /// Installs a fault rule.
    pub async fn fault(&self, rule: Value) {
        let r = self
            .http
            .post(self.control("/_sandbox/faults"))
            .json(&rule)
            .send()
            .await
            .expect("fault");
        assert!(
            r.status().is_success(),
            "fault rule refused: {}",
            r.text().await.unwrap_or_default()
        );
    }

    /// The sandbox's counters.
    pub async fn counters(&self) -> Value {
        self.get_json("/_sandbox/counters").await
    }

    /// The recorded API requests (oldest first).
    pub async fn requests(&self) -> Vec<Value> {
        match self.get_json("/_sandbox/requests").await {
            Value::Array(items) => items,
            other => panic!("requests: {other}"),
        }
    }

    /// Forgets the recorded requests.
    pub async fn clear_requests(&self) {
        self.http
            .delete(self.control("/_sandbox/requests"))
            .send()
            .await
            .expect("clear");
    }

    /// Moves the sandbox clock forward.
    pub async fn advance(&self, seconds: i64) {
        let r = self
            .http
            .post(self.control("/_sandbox/time/advance"))
            .json(&json!({ "seconds": seconds }))
            .send()
            .await
            .expect("advance");
        assert!(r.status().is_success());
    }

    /// Adds a received invoice for `party`; returns its id.
    pub async fn add_received(&self, party: &PartyId) -> String {
        let r: Value = self
            .http
            .post(self.control("/_sandbox/received"))
            .json(&json!({ "partyId": party.as_str(), "invoiceNumber": "F-2026-001", "amount": 121.5 }))
            .send()
            .await
            .expect("received")
            .json()
            .await
            .expect("received json");
        r["id"].as_str().expect("id").to_string()
    }

    async fn get_json(&self, path: &str) -> Value {
        self.http
            .get(self.control(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json")
    }

    /// Writes a PDF-looking file of `size` bytes (with `marker` inside) to the temp dir.
    pub fn pdf(&self, name: &str, size: usize, marker: &str) -> PathBuf {
        write_pdf(self.dir.path(), name, size, marker)
    }

    /// Writes a minimal UBL invoice to the temp dir.
    pub fn ubl(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ID>F-2026-001</cbc:ID>
"#,
        );
        while xml.len() < 1500 {
            xml.push_str(" <cbc:Note>Factuurregel</cbc:Note>\n");
        }
        xml.push_str("</Invoice>\n");
        std::fs::write(&path, xml).expect("write ubl");
        path
    }
}

/// The first organisation of the demo seed (the demo user has every permission there).
pub async fn first_party(client: &Client) -> PartyId {
    client.my_parties().await.expect("parties")[0].id.clone()
}

/// Writes a PDF-looking file.
pub fn write_pdf(dir: &Path, name: &str, size: usize, marker: &str) -> PathBuf {
    let path = dir.join(name);
    let mut bytes = format!("%PDF-1.4\n% {marker}\n").into_bytes();
    while bytes.len() + 6 < size {
        bytes.extend_from_slice(b"0 0 0 RG factuurregel\n");
    }
    bytes.truncate(size.saturating_sub(6));
    bytes.extend_from_slice(b"%%EOF\n");
    std::fs::write(&path, bytes).expect("write pdf");
    path
}

/// A short per-call timeout for timeout tests.
pub const SHORT: Duration = Duration::from_millis(300);
