//! `econnect hooks serve` as a process: announces where it listens, refuses forged
//! deliveries, writes an announced invoice exactly once across a kill -9 between storing
//! the event and downloading the invoice, and stops cleanly on SIGTERM; an http public
//! URL off loopback is refused before anything is registered.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{admin_client, xml_files};

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use econnect_api::webhook::{self, SIGNATURE_HEADER};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, SandboxConfig, Seed};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const BIN: &str = env!("CARGO_BIN_EXE_econnect");
/// Bakkerij De Gouden Korenaar: receiving on in the demo.
const PARTY: &str = "NL:KVK:30187412";

fn serve(sb: &RunningSandbox, home: &Path, out: &Path, public_url: &str) -> Child {
    Command::new(BIN)
        .args([
            "hooks",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--public-url",
            public_url,
            "--to",
        ])
        .arg(out)
        .env("ECONNECT_API_BASE", sb.url())
        .env("ECONNECT_HOME", home)
        .env("ECONNECT_USERNAME", econnect_sandbox::DEMO_USER)
        .env("ECONNECT_PASSWORD", econnect_sandbox::DEMO_PASSWORD)
        .env("ECONNECT_CUSTOM_CLIENT_ID", econnect_sandbox::CLIENT_ID)
        .env(
            "ECONNECT_CUSTOM_CLIENT_SECRET",
            econnect_sandbox::CLIENT_SECRET,
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("econnect hooks serve")
}

/// Reads the first stdout line and returns the bound address; a thread keeps reading the
/// rest into `lines`.
async fn listening(child: &mut Child, lines: Arc<Mutex<Vec<String>>>) -> SocketAddr {
    let stdout = child.stdout.take().expect("stdout");
    let (first, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut first = Some(first);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match first.take() {
                Some(tx) => {
                    let _ = tx.send(line);
                }
                None => lines.lock().expect("lines").push(line),
            }
        }
    });
    let line = rx.await.expect("a first line");
    let addr = line
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    addr.parse().expect("address")
}

/// The secret as the platform knows it: the fragment of our hook's action.
async fn platform_secret(sb: &RunningSandbox) -> String {
    let hooks = admin_client(sb).hooks().await.expect("hooks");
    let ours: Vec<_> = hooks
        .iter()
        .filter(|h| h.name.starts_with("eConnect Desktop"))
        .collect();
    assert_eq!(ours.len(), 1, "{hooks:?}");
    url::Url::parse(&ours[0].action)
        .expect("action")
        .fragment()
        .expect("secret")
        .to_string()
}

async fn control(sb: &RunningSandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .request(method, format!("{}{path}", sb.url()))
        .json(&body)
        .send()
        .await
        .expect("control");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(Value::Null)
}

async fn deliver(addr: SocketAddr, body: &[u8], signature: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("http://{addr}/econnect/hook"))
        .header(SIGNATURE_HEADER, signature)
        .body(body.to_vec())
        .send()
        .await
        .expect("delivery")
        .status()
        .as_u16()
}

fn received_event(document: &str, created_on: &str) -> Value {
    json!({
        "topic": "InvoiceReceived",
        "partyId": PARTY,
        "hookId": "hook-1",
        "documentId": document,
        "message": "Invoice received",
        "details": {},
        "createdOn": created_on,
        "sentOn": OffsetDateTime::now_utc().format(&Rfc3339).expect("now"),
    })
}

async fn wait_for<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    windows,
    ignore = "stops the process with SIGTERM, which Windows has not (a console control event reaches only processes sharing the console)"
)]
async fn hooks_serve_writes_an_announced_invoice_once_across_a_kill_and_stops_on_sigterm() {
    let sb = econnect_sandbox::spawn(SandboxConfig {
        seed: Seed::Demo,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let out = tempfile::tempdir().expect("out");
    let public = "http://127.0.0.1:9/econnect/hook";

    let mut first = serve(&sb, home.path(), out.path(), public);
    let addr = listening(&mut first, Arc::default()).await;
    let secret = platform_secret(&sb).await;
    let document = sb
        .add_received(ReceivedInvoice {
            party_id: PARTY.into(),
            invoice_number: Some("NAS-1".into()),
            ..Default::default()
        })
        .expect("seed");
    let body =
        serde_json::to_vec(&received_event(&document, "2026-12-01T09:30:00Z")).expect("json");

    // A forged delivery is refused.
    assert_eq!(
        deliver(addr, &body, &webhook::sign(&body, "geraden")).await,
        401
    );

    // The download hangs; the event is stored and answered 200; then the process dies.
    control(
        &sb,
        reqwest::Method::POST,
        "/_sandbox/faults",
        json!({"kind": "slow", "delayMs": 60_000, "next": 1, "pathContains": "/download"}),
    )
    .await;
    assert_eq!(
        deliver(addr, &body, &webhook::sign(&body, &secret)).await,
        200
    );
    wait_for(Duration::from_secs(20), "the download to start", || async {
        control(&sb, reqwest::Method::GET, "/_sandbox/faults", Value::Null)
            .await
            .as_array()
            .is_some_and(Vec::is_empty)
    })
    .await;
    first.kill().expect("kill -9");
    let _ = first.wait();
    assert!(
        xml_files(out.path()).is_empty(),
        "nothing written before the kill"
    );

    // Restarted: the stored event is caught up, the invoice written once, also when the
    // platform delivers it again.
    let mut second = serve(&sb, home.path(), out.path(), public);
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let addr = listening(&mut second, Arc::clone(&lines)).await;
    assert_eq!(
        platform_secret(&sb).await,
        secret,
        "the same secret after a restart"
    );
    wait_for(Duration::from_secs(30), "the invoice on disk", || async {
        xml_files(out.path()).len() == 1
    })
    .await;
    let body =
        serde_json::to_vec(&received_event(&document, "2026-12-01T09:30:00Z")).expect("json");
    assert_eq!(
        deliver(addr, &body, &webhook::sign(&body, &secret)).await,
        200
    );
    let written = xml_files(out.path());
    wait_for(
        Duration::from_secs(10),
        "the line about the invoice",
        || async {
            lines
                .lock()
                .expect("lines")
                .iter()
                .any(|l| l.contains("\tontvangen\t") && l.contains("NAS-1"))
        },
    )
    .await;
    assert!(
        written[0].to_string_lossy().contains("2026-12"),
        "{written:?}"
    );
    assert!(
        written[0].to_string_lossy().contains("NAS-1"),
        "{written:?}"
    );

    common::terminate(&second);
    let status = tokio::task::spawn_blocking(move || second.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(xml_files(out.path()), written, "written once");
    let lines = lines.lock().expect("lines").clone();
    assert_eq!(
        lines.iter().filter(|l| l.contains("\tontvangen\t")).count(),
        1,
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_serve_refuses_an_http_public_url_off_loopback() {
    let sb = econnect_sandbox::spawn(SandboxConfig {
        seed: Seed::Demo,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let out = tempfile::tempdir().expect("out");
    let child = serve(
        &sb,
        home.path(),
        out.path(),
        "http://kantoor.example.nl/econnect/hook",
    );
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("https"), "{stderr}");
    assert!(
        admin_client(&sb).hooks().await.expect("hooks").is_empty(),
        "nothing registered"
    );
}
