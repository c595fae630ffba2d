//! Shared helpers: start a sandbox, get tokens, upload files, call controls.

use econnect_sandbox::{
    CLIENT_ID, CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER, RunningSandbox, SandboxConfig, Seed, spawn,
};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// First demo organisation (all permissions for the demo user, registered for receiving).
pub const ORG1: &str = "NL:KVK:30187412";
/// Second demo organisation (the employee may only receive here).
pub const ORG2: &str = "NL:KVK:24356718";
/// Third demo organisation (the employee may only send here).
pub const ORG3: &str = "NL:KVK:56012934";
/// A demo organisation the employee has no access to.
pub const ORG4: &str = "NL:KVK:34298851";
pub const STAFF: &str = "medewerker@voorbeeld.nl";
pub const LOCKED: &str = "geblokkeerd@voorbeeld.nl";

pub struct Ctx {
    pub sb: RunningSandbox,
    pub http: Client,
    pub base: String,
}

pub fn enc(s: &str) -> String {
    s.replace(':', "%3A")
}

impl Ctx {
    pub async fn start() -> Ctx {
        Self::with_seed(Seed::Demo).await
    }

    pub async fn with_seed(seed: Seed) -> Ctx {
        let sb = spawn(SandboxConfig {
            seed,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox starts");
        let base = sb.url();
        let http = Client::builder().no_proxy().build().expect("client");
        Ctx { sb, http, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn token_response(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("/connect/token"))
            .form(form)
            .send()
            .await
            .expect("token call")
    }

    pub async fn token(&self, user: &str, password: &str) -> String {
        let resp = self
            .token_response(&[
                ("grant_type", "password"),
                ("username", user),
                ("password", password),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("scope", "ap"),
            ])
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let v: Value = resp.json().await.expect("json");
        v["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    pub async fn demo(&self) -> String {
        self.token(DEMO_USER, DEMO_PASSWORD).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("get")
    }

    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let resp = self.get(token, path).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        resp.json().await.expect("json")
    }

    pub async fn upload(
        &self,
        token: &str,
        party: &str,
        endpoint: &str,
        bytes: Vec<u8>,
        id: Option<&str>,
    ) -> Response {
        self.upload_result(token, party, endpoint, bytes, id)
            .await
            .expect("upload")
    }

    /// [`Ctx::upload`] that returns a transport error instead of panicking on it.
    pub async fn upload_result(
        &self,
        token: &str,
        party: &str,
        endpoint: &str,
        bytes: Vec<u8>,
        id: Option<&str>,
    ) -> reqwest::Result<Response> {
        let form = Form::new().part("file", Part::bytes(bytes).file_name("factuur.pdf"));
        let mut req = self
            .http
            .post(self.url(&format!("/api/v1/{}/{endpoint}", enc(party))))
            .bearer_auth(token)
            .multipart(form);
        if let Some(id) = id {
            req = req.header("X-EConnect-DocumentId", id);
        }
        req.send().await
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("control");
        assert_eq!(resp.status(), StatusCode::OK, "POST {path}");
        resp.json().await.expect("json")
    }

    pub async fn control_get(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("control")
            .json()
            .await
            .expect("json")
    }

    pub async fn advance(&self, seconds: i64) {
        self.control(
            "/_sandbox/time/advance",
            serde_json::json!({ "seconds": seconds }),
        )
        .await;
    }
}

/// A PDF-looking file of `size` bytes with `text` inside.
pub fn pdf(size: usize, text: &str) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% {text}\n").into_bytes();
    while b.len() < size {
        b.extend_from_slice(b"0 0 0 RG some page content here\n");
    }
    b.truncate(size.max(16));
    b
}

/// A UBL invoice of at least `size` bytes.
pub fn ubl(size: usize) -> Vec<u8> {
    let mut b = br#"<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID>F-1</cbc:ID>"#.to_vec();
    while b.len() + 10 < size {
        b.extend_from_slice(b"<!-- padding padding padding -->");
    }
    b.extend_from_slice(b"</Invoice>");
    b
}

/// The API error code of a response.
pub async fn code(resp: Response) -> String {
    let v: Value = resp.json().await.expect("error json");
    v["code"].as_str().unwrap_or_default().to_string()
}
