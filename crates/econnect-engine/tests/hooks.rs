//! Receiving by hook against the sandbox: forged and stale deliveries are refused and not
//! stored; a repeated delivery is stored once and its invoice written once; events that
//! arrive out of order end in the right state; an event stored before a crash is caught up
//! at the next start; registration leaves others' hooks alone. The tests sign deliveries
//! themselves, as the platform does.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::files;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use econnect_api::webhook::{self, SIGNATURE_HEADER};
use econnect_api::{Client, Hook};
use econnect_engine::Engine;
use econnect_engine::hooks::{HOOK_TOPICS, HookOptions, HookServer, ReceiverState, router};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, Seed};
use econnect_store::Store;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Bakkerij De Gouden Korenaar: receiving on in the demo.
const PARTY: &str = "0106:30187412";
const WAIT: Duration = Duration::from_secs(20);

struct Setup {
    sb: RunningSandbox,
    engine: Engine,
    _home: tempfile::TempDir,
    out: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let sb = common::sandbox(Seed::Demo).await;
        let home = tempfile::tempdir().unwrap();
        let engine = common::quiet_engine(&sb, home.path()).await;
        Setup {
            sb,
            engine,
            _home: home,
            out: tempfile::tempdir().unwrap(),
        }
    }

    async fn serve(&self) -> HookServer {
        self.engine
            .serve_hooks(HookOptions {
                listen: "127.0.0.1:0".parse().unwrap(),
                // Only its path matters here: the tests post to the bound address.
                public_url: "http://127.0.0.1:9/econnect/hook".into(),
                folder: Some(self.out.path().to_path_buf()),
            })
            .await
            .unwrap()
    }

    async fn store(&self) -> Store {
        self.engine.store().await.unwrap()
    }

    fn client(&self) -> Client {
        common::client(&self.sb)
    }

    /// Our hook as the platform has it.
    async fn own_hook(&self) -> Hook {
        let hooks = self.client().hooks().await.unwrap();
        let ours: Vec<Hook> = hooks
            .into_iter()
            .filter(|h| h.name.starts_with("eConnect Desktop – "))
            .collect();
        assert_eq!(ours.len(), 1, "{ours:?}");
        ours.into_iter().next().unwrap()
    }

    /// The secret, as the platform knows it: the fragment of our hook's action.
    async fn secret(&self) -> String {
        let action = self.own_hook().await.action;
        url::Url::parse(&action)
            .unwrap()
            .fragment()
            .unwrap()
            .to_string()
    }

    async fn received(&self, number: &str) -> String {
        self.sb
            .add_received(ReceivedInvoice {
                party_id: PARTY.into(),
                invoice_number: Some(number.into()),
                ..Default::default()
            })
            .unwrap()
    }
}

fn now_text() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap()
}

fn event(topic: &str, party: &str, document: &str, created_on: &str) -> Value {
    json!({
        "topic": topic,
        "partyId": party,
        "hookId": "hook-1",
        "documentId": document,
        "message": "test",
        "details": {"attempt": "1"},
        "createdOn": created_on,
        "sentOn": now_text(),
    })
}

async fn post(addr: SocketAddr, path: &str, body: &[u8], signature: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        request = request.header(SIGNATURE_HEADER, s);
    }
    request.send().await.unwrap().status().as_u16()
}

/// Posts an event signed with `secret` (as the platform does).
async fn deliver(addr: SocketAddr, secret: &str, event: &Value) -> u16 {
    let body = serde_json::to_vec(event).unwrap();
    post(
        addr,
        "/econnect/hook",
        &body,
        Some(&webhook::sign(&body, secret)),
    )
    .await
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect()
}

async fn all_processed(store: &Store) -> bool {
    store.unprocessed_hook_events(10).await.unwrap().is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_and_malformed_deliveries_are_refused_and_nothing_is_stored() {
    let s = Setup::new().await;
    let server = s.serve().await;
    let addr = server.local_addr();
    let secret = s.secret().await;
    let store = s.store().await;
    let doc = s.received("VALS-1").await;

    let good = serde_json::to_vec(&event("InvoiceReceived", PARTY, &doc, &now_text())).unwrap();
    assert_eq!(
        post(addr, "/econnect/hook", &good, None).await,
        401,
        "no signature"
    );
    assert_eq!(
        post(
            addr,
            "/econnect/hook",
            &good,
            Some(&webhook::sign(&good, "other-secret"))
        )
        .await,
        401
    );
    let mut tampered = good.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        post(
            addr,
            "/econnect/hook",
            &tampered,
            Some(&webhook::sign(&good, &secret))
        )
        .await,
        401
    );

    let mut stale = event("InvoiceReceived", PARTY, &doc, &now_text());
    let old = (OffsetDateTime::now_utc() - time::Duration::minutes(6))
        .format(&Rfc3339)
        .unwrap();
    stale["sentOn"] = json!(old);
    assert_eq!(deliver(addr, &secret, &stale).await, 401, "stale sentOn");
    let future = (OffsetDateTime::now_utc() + time::Duration::minutes(6))
        .format(&Rfc3339)
        .unwrap();
    stale["sentOn"] = json!(future);
    assert_eq!(
        deliver(addr, &secret, &stale).await,
        401,
        "sentOn in the future"
    );
    stale["sentOn"] = json!("99999-01-01T00:00:00Z");
    assert_eq!(deliver(addr, &secret, &stale).await, 401, "absurd sentOn");
    stale["sentOn"] = Value::Null;
    assert_eq!(deliver(addr, &secret, &stale).await, 401, "no sentOn");

    let not_json = b"not an event".to_vec();
    assert_eq!(
        post(
            addr,
            "/econnect/hook",
            &not_json,
            Some(&webhook::sign(&not_json, &secret))
        )
        .await,
        400
    );
    let huge = vec![b' '; 2 * 1024 * 1024];
    assert_eq!(
        post(
            addr,
            "/econnect/hook",
            &huge,
            Some(&webhook::sign(&huge, &secret))
        )
        .await,
        413
    );
    assert_eq!(
        post(addr, "/elders", &good, Some(&webhook::sign(&good, &secret))).await,
        404
    );
    let get = reqwest::get(format!("http://{addr}/econnect/hook"))
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(get, 405);

    assert!(
        store.hook_events().await.unwrap().is_empty(),
        "nothing refused was stored"
    );
    assert!(xml_files(s.out.path()).is_empty());

    // The same event, signed and fresh, is taken.
    assert_eq!(
        post(
            addr,
            "/econnect/hook",
            &good,
            Some(&webhook::sign(&good, &secret))
        )
        .await,
        200
    );
    assert_eq!(store.hook_events().await.unwrap().len(), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_invoice_is_downloaded_once_also_when_the_delivery_is_repeated() {
    let s = Setup::new().await;
    let server = s.serve().await;
    let addr = server.local_addr();
    let secret = s.secret().await;
    let store = s.store().await;
    let doc = s.received("HOOK-1").await;

    let first = event("InvoiceReceived", "NL:KVK:30187412", &doc, &now_text());
    assert_eq!(deliver(addr, &secret, &first).await, 200);
    let out = s.out.path().to_path_buf();
    assert!(
        common::eventually(WAIT, || async { xml_files(&out).len() == 1 }).await,
        "{:?}",
        files(&out)
    );
    let written = xml_files(&out);
    assert!(
        written[0].starts_with(
            out.join("Ontvangen")
                .join("Bakkerij De Gouden Korenaar B.V")
        ),
        "{written:?}"
    );
    assert!(
        written[0].to_string_lossy().contains("HOOK-1"),
        "{written:?}"
    );

    // The platform did not hear our 200 and delivers again (a new sentOn, the same event).
    let mut again = first.clone();
    again["sentOn"] = json!(now_text());
    assert_eq!(deliver(addr, &secret, &again).await, 200);
    assert_eq!(deliver(addr, &secret, &first).await, 200);
    let events = store.hook_events().await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].deliveries, 3);
    server.worker().round().await.unwrap();
    assert_eq!(xml_files(&out), written, "written once");
    let record = store.received_invoice(&doc).await.unwrap().unwrap();
    assert_eq!(record.state, econnect_store::ReceivedState::Saved);

    // The demo's other waiting invoices were announced by no hook, so nothing fetched them.
    let saved = store.received_counts().await.unwrap();
    assert_eq!(
        saved.iter().map(|c| c.1).sum::<i64>() as usize,
        1,
        "{saved:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_order_events_end_in_the_right_state() {
    let s = Setup::new().await;
    let server = s.serve().await;
    let addr = server.local_addr();
    let secret = s.secret().await;
    let store = s.store().await;

    // Two received invoices, the later one delivered first, in different months.
    let early = s.received("VOLG-1").await;
    let late = s.received("VOLG-2").await;
    assert_eq!(
        deliver(
            addr,
            &secret,
            &event("InvoiceReceived", PARTY, &late, "2026-11-30T23:59:00Z")
        )
        .await,
        200
    );
    assert_eq!(
        deliver(
            addr,
            &secret,
            &event("InvoiceReceived", PARTY, &early, "2026-10-31T08:00:00Z")
        )
        .await,
        200
    );

    // Sent documents we know: one hears Delivered, then an older retry; one the reverse.
    let now = now_text();
    for id in [
        "eigen-verzonden-1",
        "eigen-verzonden-2",
        "eigen-verzonden-3",
    ] {
        sqlx::query(
            "INSERT INTO documents (id, party_id, direction, channel, status, created_at, first_seen_at, updated_at)
             VALUES (?, ?, 'sent', 'peppol', 'Pending', ?, ?, ?)",
        )
        .bind(id)
        .bind(PARTY)
        .bind(&now)
        .bind(&now)
        .bind(&now)
        .execute(store.pool())
        .await
        .unwrap();
    }
    let t = |m: u32| format!("2026-12-06T10:{m:02}:00Z");
    let send = |topic: &str, doc: &str, at: String| event(topic, PARTY, doc, &at);
    for (topic, doc, minute) in [
        // 1: Delivered (10:05) arrives before the older retry (10:01).
        ("InvoiceSent", "eigen-verzonden-1", 5),
        ("InvoiceSentRetry", "eigen-verzonden-1", 1),
        // 2: the retry (10:01) first, then Delivered (10:05).
        ("InvoiceSentRetry", "eigen-verzonden-2", 1),
        ("InvoiceSent", "eigen-verzonden-2", 5),
        // 3: a final error (10:09) arrives before an older Delivered (10:05): the newer wins.
        ("InvoiceSentError", "eigen-verzonden-3", 9),
    ] {
        assert_eq!(
            deliver(addr, &secret, &send(topic, doc, t(minute))).await,
            200,
            "{topic} {doc}"
        );
    }
    server.worker().round().await.unwrap();
    assert_eq!(
        deliver(
            addr,
            &secret,
            &send("InvoiceSent", "eigen-verzonden-3", t(5))
        )
        .await,
        200
    );
    // A document we never sent is recorded and left alone.
    assert_eq!(
        deliver(addr, &secret, &send("InvoiceSent", "niet-van-ons", t(5))).await,
        200
    );

    let out = s.out.path().to_path_buf();
    assert!(
        common::eventually(WAIT, || async { xml_files(&out).len() == 2 }).await,
        "{:?}",
        files(&out)
    );
    assert!(common::eventually(WAIT, || async { all_processed(&store).await }).await);
    server.worker().round().await.unwrap();
    let months: Vec<String> = xml_files(&out)
        .iter()
        .map(|p| {
            p.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        months,
        ["2026-10", "2026-11"],
        "each in the month it arrived"
    );

    let status = |id: &'static str| {
        let store = store.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT status FROM documents WHERE id = ?")
                .bind(id)
                .fetch_one(store.pool())
                .await
                .unwrap()
        }
    };
    assert_eq!(status("eigen-verzonden-1").await, "Delivered");
    assert_eq!(status("eigen-verzonden-2").await, "Delivered");
    assert_eq!(status("eigen-verzonden-3").await, "Failed");
    let unknown: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE id = 'niet-van-ons'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(unknown, 0);
    assert_eq!(store.hook_events().await.unwrap().len(), 9);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_stored_before_a_crash_is_written_once_at_the_next_start() {
    let s = Setup::new().await;
    let server = s.serve().await;
    let secret = s.secret().await;
    server.shutdown().await;
    let store = s.store().await;

    // The receiver alone (the worker "crashed"): the event is stored, nothing acted on it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(ReceiverState {
        store: store.clone(),
        secret: Arc::from(secret.as_str()),
        path: "/econnect/hook".into(),
        wake: Arc::default(),
        max_body: econnect_engine::hooks::MAX_BODY,
    });
    let alone = tokio::spawn(async move { axum::serve(listener, app).await });
    let doc = s.received("CRASH-1").await;
    assert_eq!(
        deliver(
            addr,
            &secret,
            &event("InvoiceReceived", PARTY, &doc, &now_text())
        )
        .await,
        200
    );
    alone.abort();
    assert_eq!(store.unprocessed_hook_events(10).await.unwrap().len(), 1);
    assert!(xml_files(s.out.path()).is_empty());

    // The next start catches up.
    let server = s.serve().await;
    let out = s.out.path().to_path_buf();
    assert!(common::eventually(WAIT, || async { xml_files(&out).len() == 1 }).await);
    assert!(common::eventually(WAIT, || async { all_processed(&store).await }).await);
    server.worker().round().await.unwrap();
    assert_eq!(xml_files(&out).len(), 1, "written once");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_keeps_its_own_hook_and_leaves_others_alone() {
    let s = Setup::new().await;
    let client = s.client();
    let foreign: Hook = serde_json::from_value(json!({
        "name": "Boekhoudpakket",
        "action": "https://boekhouding.example/hook#hun-geheim",
        "topics": ["InvoiceReceived"],
        "isActive": true,
    }))
    .unwrap();
    let foreign = client.put_hook(&foreign).await.unwrap();

    let server = s.serve().await;
    let ours = s.own_hook().await;
    assert_eq!(ours.topics, HOOK_TOPICS.map(String::from).to_vec());
    assert!(ours.is_active);
    assert!(ours.action.starts_with("http://127.0.0.1:9/econnect/hook#"));
    let secret = s.secret().await;
    assert_eq!(secret.len(), 64);
    assert_eq!(server.hook_id(), ours.id.as_deref());
    server.shutdown().await;

    // A restart updates the same hook, keeps the secret, and touches nothing else.
    let server = s.serve().await;
    assert_eq!(s.own_hook().await.id, ours.id);
    assert_eq!(s.secret().await, secret);
    let hooks = client.hooks().await.unwrap();
    assert_eq!(hooks.len(), 2, "{hooks:?}");
    assert!(
        hooks.contains(&foreign),
        "the other hook is unchanged: {hooks:?}"
    );
    server.shutdown().await;

    // A cache that lost what it registered finds its hook again by name, not a second one.
    sqlx::query("DELETE FROM own_hooks")
        .execute(s.store().await.pool())
        .await
        .unwrap();
    let server = s.serve().await;
    assert_eq!(s.own_hook().await.id, ours.id);
    assert_eq!(client.hooks().await.unwrap().len(), 2);
    // No secret in the cache.
    let path = s.store().await.path().to_path_buf();
    for file in [
        path.clone(),
        PathBuf::from(format!("{}-wal", path.display())),
    ] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{file:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_public_url_off_loopback_is_refused() {
    let s = Setup::new().await;
    let refused = s
        .engine
        .serve_hooks(HookOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://kantoor.example.nl/econnect/hook".into(),
            folder: None,
        })
        .await;
    assert!(refused.is_err());
    assert!(
        s.client().hooks().await.unwrap().is_empty(),
        "nothing registered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn final_statuses_that_arrive_reversed_in_one_batch_keep_the_newest() {
    let s = Setup::new().await;
    let store = s.store().await;
    let now = now_text();
    sqlx::query(
        "INSERT INTO documents (id, party_id, direction, channel, status, created_at, first_seen_at, updated_at)
         VALUES ('eigen-verzonden-9', ?, 'sent', 'peppol', 'Pending', ?, ?, ?)",
    )
    .bind(PARTY)
    .bind(&now)
    .bind(&now)
    .bind(&now)
    .execute(store.pool())
    .await
    .unwrap();
    // Stored by the receiver alone, so the worker meets both in the same batch.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(ReceiverState {
        store: store.clone(),
        secret: Arc::from("geheim"),
        path: "/econnect/hook".into(),
        wake: Arc::default(),
        max_body: econnect_engine::hooks::MAX_BODY,
    });
    let alone = tokio::spawn(async move { axum::serve(listener, app).await });
    let error = event(
        "InvoiceSentError",
        PARTY,
        "eigen-verzonden-9",
        "2026-12-06T10:09:00Z",
    );
    let sent = event(
        "InvoiceSent",
        PARTY,
        "eigen-verzonden-9",
        "2026-12-06T10:05:00Z",
    );
    assert_eq!(deliver(addr, "geheim", &error).await, 200);
    assert_eq!(deliver(addr, "geheim", &sent).await, 200);
    alone.abort();

    let receiver = econnect_engine::receive::Receiver::new(
        s.client(),
        store.clone(),
        econnect_engine::receive::ReceiveOptions {
            folder: Some(s.out.path().to_path_buf()),
            ..Default::default()
        },
    );
    let worker = econnect_engine::hooks::HookWorker::new(store.clone(), receiver);
    let round = worker.round().await.unwrap();
    assert_eq!(
        (round.events, round.statuses),
        (2, 1),
        "{:?}",
        store.hook_events().await.unwrap()
    );
    let status: String =
        sqlx::query_scalar("SELECT status FROM documents WHERE id = 'eigen-verzonden-9'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(status, "Failed");
    assert!(all_processed(&store).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_public_url_with_port_zero_registers_the_bound_port() {
    let s = Setup::new().await;
    let server = s
        .engine
        .serve_hooks(HookOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1:0/econnect/hook".into(),
            folder: Some(s.out.path().to_path_buf()),
        })
        .await
        .unwrap();
    let port = server.local_addr().port();
    assert_ne!(port, 0);
    let action = s.own_hook().await.action;
    assert!(
        action.starts_with(&format!("http://127.0.0.1:{port}/econnect/hook#")),
        "{action}"
    );
    // The platform's own signed delivery reaches the receiver and the invoice lands.
    let mut saved = server.worker().received();
    s.received("POORT-0").await;
    let landed = tokio::time::timeout(WAIT, saved.recv()).await;
    assert!(matches!(landed, Ok(Ok(_))), "{landed:?}");
    server.shutdown().await;
}
