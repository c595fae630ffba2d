//! Hooks as eConnect documents them: every field kept, signed and retried webhook
//! deliveries, topic wildcards, inactive hooks silent, mail hooks recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use econnect_sandbox::RetryPlan;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::common::*;

type Deliveries = mpsc::UnboundedReceiver<(Option<String>, Bytes)>;

/// A local receiver that answers `statuses` in turn (then 200) and forwards
/// (signature header, raw body) of each delivery.
async fn receiver_answering(statuses: Vec<u16>) -> (String, Deliveries) {
    let (tx, rx) = mpsc::unbounded_channel();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let status = statuses.get(n).copied().unwrap_or(200);
            async move {
                let sig = headers
                    .get("x-econnect-signature")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let _ = tx.send((sig, body));
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), rx)
}

async fn receiver() -> (String, Deliveries) {
    receiver_answering(Vec::new()).await
}

async fn next(rx: &mut Deliveries) -> (Option<String>, Bytes) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("delivery within 10 s")
        .expect("open")
}

fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    if hex_sig.chars().any(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

fn id_of(hook: &Value) -> &str {
    hook["id"].as_str().expect("id")
}

fn instant(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        v.as_str().expect("a time"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339")
}

async fn put_hook(cx: &Ctx, token: &str, path: &str, hook: Value) -> Value {
    let resp = cx
        .http
        .put(cx.url(path))
        .bearer_auth(token)
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "PUT {path} {hook}");
    resp.json().await.unwrap()
}

fn party_hooks(party: &str) -> String {
    format!("/api/v1/{}/hook", enc(party))
}

/// Polls a control (bounded) until `done` holds for its answer.
async fn wait_for(cx: &Ctx, path: &str, done: impl Fn(&Vec<Value>) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let v = cx.control_get(path).await;
        let items = v.as_array().cloned().unwrap_or_default();
        if done(&items) {
            return items;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{path} never got there: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn the_signing_function_passes_the_sdk_vector() {
    // The body of eConnect's .NET SDK test (CRLF line ends, as in its source file).
    let body = "{\r\n    \"topic\": \"InvoiceSent\",\r\n    \"partyId\": \"NL:KVK:SENDER\",\r\n    \"hookId\": \"111\",\r\n    \"documentId\": \"f96bad15-0500-4d80-b883-1a82c01b8f93\",\r\n    \"message\": \"'Invoice' successfully sent: 'ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu'.\",\r\n    \"details\": {\r\n        \"sender\": \"NL:KVK:SENDER\",\r\n        \"id\": \"12115120\",\r\n        \"sourceDocumentTypeId\": \"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1\",\r\n        \"attempt\": \"1\",\r\n        \"targetDocumentTypeId\": \"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1\",\r\n        \"endpoint\": \"https://accp-ap.econnect.eu/as4/v1\",\r\n        \"recipient\": \"NL:KVK:RECEIVER\",\r\n        \"protocol\": \"As4\",\r\n        \"messageId\": \"f96bad15-0500-4d80-b883-1a82c01b8f93@econnect.eu\",\r\n        \"returnedMessageId\": \"ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu\"\r\n    },\r\n    \"createdOn\": \"2022-01-21T10:03:18.3726197+00:00\",\r\n    \"sentOn\": \"2022-01-21T10:03:18.5951881+00:00\"\r\n}";
    let expected = "sha256=8f3382eadc9a5444977205979f22d5a899cae74b75b6aade80c3274b214096f4";
    assert_eq!(
        econnect_sandbox::signature("secret", body.as_bytes()),
        expected
    );
    assert!(verify("secret", body.as_bytes(), expected));
    assert_eq!(econnect_sandbox::SIGNATURE_HEADER, "X-EConnect-Signature");
}

#[tokio::test]
async fn webhook_deliveries_carry_the_documented_body_and_signature() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (url, mut rx) = receiver().await;
    let action = format!("{url}#s3cret");
    let saved = put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "boekhouding", "action": action, "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    let hook_id = saved["id"].as_str().unwrap().to_string();
    assert!(!hook_id.is_empty());
    let listed = cx.get_json(&token, &party_hooks(ORG1)).await;
    assert_eq!(listed[0]["action"], action);

    let before = cx.control_get("/_sandbox/time").await["now"].clone();
    let doc = cx
        .control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    let (sig, body) = next(&mut rx).await;
    let sig = sig.expect("signed");
    assert!(verify("s3cret", &body, &sig), "signature {sig} verifies");
    assert!(!verify("other", &body, &sig));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    let keys: Vec<&str> = payload
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "createdOn",
            "details",
            "documentId",
            "hookId",
            "message",
            "partyId",
            "sentOn",
            "topic"
        ]
    );
    assert_eq!(payload["topic"], "InvoiceReceived");
    assert_eq!(payload["documentId"], doc["id"]);
    assert_eq!(payload["partyId"], ORG1);
    assert_eq!(payload["hookId"], hook_id.as_str());
    assert!(payload["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(
        payload["details"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_string)
    );
    // createdOn and sentOn are sandbox-clock RFC 3339 times, not before the call.
    for key in ["createdOn", "sentOn"] {
        assert!(
            instant(&payload[key]) >= instant(&before),
            "{key} after {before}"
        );
    }

    // Ping answers the party's id and reaches the hook regardless of its topics.
    let resp = cx
        .get(&token, &format!("/api/v1/{}/hook/ping", enc(ORG1)))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["id"], ORG1);
    let (sig, body) = next(&mut rx).await;
    assert!(verify("s3cret", &body, &sig.unwrap()));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["topic"], "Ping");

    // Deleting the hook (by its party path) stops deliveries.
    let resp = cx
        .http
        .delete(cx.url(&format!("{}/{hook_id}", party_hooks(ORG1))))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    cx.control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    let deliveries = wait_for(&cx, "/_sandbox/deliveries", |d| d.len() >= 2).await;
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d["status"] == 200));
    assert!(deliveries.iter().all(|d| d["attempt"] == 1));
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn deliveries_are_retried_with_a_fresh_sent_on_until_the_receiver_answers_2xx() {
    let cx = Ctx::start().await;
    cx.sb.set_hook_retry(RetryPlan {
        attempts: 5,
        first_pause_ms: 5,
    });
    let token = cx.demo().await;
    let (url, mut rx) = receiver_answering(vec![500, 503]).await;
    put_hook(
        &cx,
        &token,
        "/api/v1/hook",
        json!({ "name": "env", "action": format!("{url}#geheim"), "topics": ["*Received"], "isActive": true }),
    )
    .await;
    cx.control("/_sandbox/received", json!({ "partyId": ORG2 }))
        .await;
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let (sig, body) = next(&mut rx).await;
        assert!(verify("geheim", &body, &sig.expect("signed")));
        bodies.push(serde_json::from_slice::<Value>(&body).unwrap());
    }
    let records = wait_for(&cx, "/_sandbox/deliveries", |d| d.len() >= 3).await;
    let attempts: Vec<(Value, Value)> = records
        .iter()
        .map(|r| (r["attempt"].clone(), r["status"].clone()))
        .collect();
    assert_eq!(
        attempts,
        [
            (json!(1), json!(500)),
            (json!(2), json!(503)),
            (json!(3), json!(200))
        ]
    );
    // The same event each time, each attempt with its own sentOn.
    assert!(
        bodies
            .iter()
            .all(|b| b["documentId"] == bodies[0]["documentId"])
    );
    assert!(
        bodies
            .iter()
            .all(|b| b["createdOn"] == bodies[0]["createdOn"])
    );
    let sent: Vec<_> = bodies.iter().map(|b| instant(&b["sentOn"])).collect();
    assert!(sent[0] < sent[1] && sent[1] < sent[2], "{sent:?}");
    assert!(instant(&bodies[0]["createdOn"]) <= sent[0]);
    assert!(rx.try_recv().is_err(), "no delivery after the 2xx");
    assert_eq!(cx.sb.deliveries().as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn an_unreachable_receiver_gets_bounded_attempts_and_never_blocks_the_api() {
    let cx = Ctx::start().await;
    cx.sb.set_hook_retry(RetryPlan {
        attempts: 3,
        first_pause_ms: 5,
    });
    let token = cx.demo().await;
    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "weg", "action": format!("http://{addr}/hook#s"), "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    // A receiver that never answers must not hold up the call that caused the event.
    let hang = axum::Router::new().route("/hook", post(std::future::pending::<&'static str>));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, hang).await });
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "traag", "action": format!("http://{hang_addr}/hook#s"), "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    tokio::time::timeout(
        Duration::from_secs(2),
        cx.control("/_sandbox/received", json!({ "partyId": ORG1 })),
    )
    .await
    .expect("the API answers without waiting for deliveries");

    let records = wait_for(&cx, "/_sandbox/deliveries", |d| {
        d.iter()
            .filter(|r| r["url"].as_str().unwrap().contains(&addr.to_string()))
            .count()
            >= 3
    })
    .await;
    let unreachable: Vec<&Value> = records
        .iter()
        .filter(|r| r["url"].as_str().unwrap().contains(&addr.to_string()))
        .collect();
    assert_eq!(
        unreachable
            .iter()
            .map(|r| r["attempt"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(
        unreachable
            .iter()
            .all(|r| r["status"].is_null() && r["error"].is_string())
    );
}

#[tokio::test]
async fn topics_with_wildcards_pick_the_events_and_party_hooks_only_their_party() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (env_url, mut env_rx) = receiver().await;
    let (org1_url, mut org1_rx) = receiver().await;
    let (org4_url, mut org4_rx) = receiver().await;
    put_hook(
        &cx,
        &token,
        "/api/v1/hook",
        json!({ "name": "env", "action": format!("{env_url}#e"), "topics": ["*Received"], "isActive": true }),
    )
    .await;
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "org1", "action": format!("{org1_url}#o"), "topics": ["*Sent", "*SentError", "*ReceivedError"], "isActive": true }),
    )
    .await;
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG4),
        json!({ "name": "org4", "action": format!("{org4_url}#f"), "topics": ["*"], "isActive": true }),
    )
    .await;

    // A received invoice for ORG1: the environment hook (`*Received`) only.
    let doc = cx
        .control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    let (_, body) = next(&mut env_rx).await;
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (event["topic"].as_str(), &event["documentId"]),
        (Some("InvoiceReceived"), &doc["id"])
    );

    // A sent invoice of ORG1 announces nothing until it is Delivered (after 120 s).
    let up = cx
        .upload(
            &token,
            ORG1,
            "salesInvoice/send",
            ubl(2048),
            Some("wildcard-1"),
        )
        .await;
    assert_eq!(up.status(), StatusCode::OK);
    // A purchase upload that is not an invoice: InvoiceReceivedError once it is Rejected.
    let up = cx
        .upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(2048, "NOT-AN-INVOICE"),
            Some("wildcard-2"),
        )
        .await;
    assert_eq!(up.status(), StatusCode::OK);
    cx.advance(6).await;
    let (_, body) = next(&mut org1_rx).await;
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["topic"], "InvoiceReceivedError");
    assert_eq!(event["documentId"], "wildcard-2");
    assert!(
        org1_rx.try_recv().is_err(),
        "not yet delivered, so no InvoiceSent"
    );
    cx.advance(120).await;
    let (_, body) = next(&mut org1_rx).await;
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["topic"], "InvoiceSent");
    assert_eq!(event["documentId"], "wildcard-1");
    assert_eq!(event["partyId"], ORG1);

    // ORG4's catch-all hook heard nothing of ORG1; the environment hook no sent events.
    let records = wait_for(&cx, "/_sandbox/deliveries", |d| d.len() >= 3).await;
    assert!(
        records
            .iter()
            .all(|r| !r["url"].as_str().unwrap().contains(&org4_url))
    );
    assert!(org4_rx.try_recv().is_err());
    assert!(env_rx.try_recv().is_err());
}

#[tokio::test]
async fn a_failed_send_announces_a_retry_then_the_error() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (url, mut rx) = receiver().await;
    put_hook(
        &cx,
        &token,
        "/api/v1/hook",
        json!({ "name": "env", "action": format!("{url}#g"), "topics": ["InvoiceSent", "InvoiceSentRetry", "InvoiceSentError"], "isActive": true }),
    )
    .await;
    let resp = cx
        .http
        .post(cx.url(&format!(
            "/api/v1/{}/salesInvoice/send?receiverId=0106:11111111",
            enc(ORG3)
        )))
        .bearer_auth(&token)
        .header("X-EConnect-DocumentId", "unreachable-1")
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(ubl(2048)).file_name("f.xml"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    cx.advance(6).await;
    let (_, body) = next(&mut rx).await;
    let retry: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(retry["topic"], "InvoiceSentRetry");
    cx.advance(30).await;
    let (_, body) = next(&mut rx).await;
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["topic"], "InvoiceSentError");
    assert_eq!(error["documentId"], "unreachable-1");
    assert!(
        error["details"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
}

#[tokio::test]
async fn inactive_hooks_deliver_nothing() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (quiet_url, mut quiet_rx) = receiver().await;
    let (live_url, mut live_rx) = receiver().await;
    let off = put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "uit", "action": format!("{quiet_url}#a"), "topics": ["InvoiceReceived"], "isActive": false }),
    )
    .await;
    // Without isActive a hook is not active either (the platform's model has a plain bool).
    let unset = put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "zonder", "action": format!("{quiet_url}#b"), "topics": ["InvoiceReceived"] }),
    )
    .await;
    assert_eq!(unset["isActive"], false);
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "aan", "action": format!("{live_url}#c"), "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    cx.control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    next(&mut live_rx).await;
    let records = wait_for(&cx, "/_sandbox/deliveries", |d| !d.is_empty()).await;
    assert!(
        records
            .iter()
            .all(|r| r["hookId"] != off["id"] && r["hookId"] != unset["id"]),
        "{records:?}"
    );
    assert!(quiet_rx.try_recv().is_err());

    // A repeated delivery of the same event (the receiver must cope) reaches the live hook only.
    let event = json!({ "topic": "InvoiceReceived", "partyId": ORG1, "documentId": "repeat-1", "details": { "attempt": "2" } });
    assert_eq!(cx.control("/_sandbox/events", event).await["hooks"], 1);
    let (_, body) = next(&mut live_rx).await;
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["documentId"], "repeat-1");
    assert_eq!(payload["details"]["attempt"], "2");
}

#[tokio::test]
async fn mail_hooks_record_the_mail_with_the_document_only_when_asked() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    put_hook(
        &cx,
        &token,
        &party_hooks(ORG1),
        json!({ "name": "met", "action": "mailto:inkoop@voorbeeld.nl?includeAttachment=true&version=1.0", "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    put_hook(
        &cx,
        &token,
        "/api/v1/hook",
        json!({ "name": "zonder", "action": "mailto:kantoor@voorbeeld.nl", "topics": ["*Received"], "isActive": true }),
    )
    .await;
    let doc = cx
        .control(
            "/_sandbox/received",
            json!({ "partyId": ORG1, "invoiceNumber": "F-2026-077" }),
        )
        .await;
    let mails = wait_for(&cx, "/_sandbox/mails", |m| m.len() >= 2).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let with = mails
        .iter()
        .find(|m| m["to"] == json!(["inkoop@voorbeeld.nl"]))
        .expect("mail to inkoop");
    let without = mails
        .iter()
        .find(|m| m["to"] == json!(["kantoor@voorbeeld.nl"]))
        .expect("mail to kantoor");
    for mail in [with, without] {
        assert_eq!(mail["topic"], "InvoiceReceived");
        assert_eq!(mail["documentId"], doc["id"]);
        assert_eq!(mail["partyId"], ORG1);
        assert!(mail["subject"].as_str().is_some_and(|s| !s.is_empty()));
    }
    let attachment = &with["attachment"];
    assert_eq!(attachment["contentType"], "application/xml");
    let xml = attachment["content"].as_str().unwrap();
    assert!(
        xml.contains("Invoice") && xml.contains("F-2026-077"),
        "{xml}"
    );
    assert_eq!(with["options"]["version"], "1.0");
    assert!(without["attachment"].is_null());
    assert_eq!(cx.sb.mails().as_array().map(Vec::len), Some(2));
    // No webhook attempt for a mail hook; the mails can be cleared.
    assert_eq!(cx.control_get("/_sandbox/deliveries").await, json!([]));
    let resp = cx
        .http
        .delete(cx.url("/_sandbox/mails"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(cx.control_get("/_sandbox/mails").await, json!([]));
}

#[tokio::test]
async fn hooks_keep_every_field_and_the_server_sets_id_and_dates() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let hook = json!({
        "name": "boekhouding",
        "action": "https://boekhouding.example/hook#geheim",
        "topics": ["*Received", "HookSentError"],
        "publishTopics": ["*Received"],
        "filter": "documentType eq 'Invoice'",
        "init": { "cursor": { "at": 3 } },
        "isActive": true,
        "createdOn": "1999-01-01T00:00:00Z",
        "vendorField": [1, "twee"]
    });
    for path in ["/api/v1/hook".to_string(), party_hooks(ORG1)] {
        let created = put_hook(&cx, &token, &path, hook.clone()).await;
        let id = created["id"]
            .as_str()
            .expect("server assigns an id")
            .to_string();
        let created_on = created["createdOn"].as_str().unwrap().to_string();
        assert_ne!(
            created_on, "1999-01-01T00:00:00Z",
            "createdOn is the server's"
        );
        assert!(created["changedOn"].is_string());
        let listed = cx.get_json(&token, &path).await;
        let stored = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id.as_str())
            .expect("listed")
            .clone();
        for key in [
            "name",
            "action",
            "topics",
            "publishTopics",
            "filter",
            "init",
            "isActive",
            "vendorField",
        ] {
            assert_eq!(stored[key], hook[key], "{key} kept at {path}");
        }

        // Update by id: the change lands, every other field stays, createdOn too.
        cx.advance(60).await;
        let mut update = stored.clone();
        update["name"] = json!("boekhouding 2");
        let updated = put_hook(&cx, &token, &path, update).await;
        assert_eq!(updated["id"], id.as_str());
        assert_eq!(updated["createdOn"], created_on.as_str());
        assert_ne!(updated["changedOn"], created["changedOn"]);
        let listed = cx.get_json(&token, &path).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "updated, not added");
        assert_eq!(listed[0]["name"], "boekhouding 2");
        assert_eq!(listed[0]["vendorField"], hook["vendorField"]);
        assert_eq!(listed[0]["init"], hook["init"]);

        // `"id": null` (as eConnect's .NET SDK writes a new hook) creates one.
        let mut with_null = hook.clone();
        with_null["id"] = Value::Null;
        with_null["name"] = json!("tweede");
        let second = put_hook(&cx, &token, &path, with_null).await;
        assert!(
            second["id"]
                .as_str()
                .is_some_and(|id| !id.is_empty() && id != id_of(&updated))
        );

        // An id that is not one of this scope's hooks is not found; a name is required.
        let mut unknown = hook.clone();
        unknown["id"] = json!("no-such-hook");
        let resp = cx
            .http
            .put(cx.url(&path))
            .bearer_auth(&token)
            .json(&unknown)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let mut nameless = hook.clone();
        nameless["name"] = json!("");
        let resp = cx
            .http
            .put(cx.url(&path))
            .bearer_auth(&token)
            .json(&nameless)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    // A party's hook cannot be deleted through the environment path, and vice versa.
    let party_hook = cx.get_json(&token, &party_hooks(ORG1)).await[0]["id"].clone();
    let env_hook = cx.get_json(&token, "/api/v1/hook").await[0]["id"].clone();
    let del = |path: String| cx.http.delete(cx.url(&path)).bearer_auth(&token).send();
    assert_eq!(
        del(format!("/api/v1/hook/{}", party_hook.as_str().unwrap()))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        del(format!(
            "{}/{}",
            party_hooks(ORG1),
            env_hook.as_str().unwrap()
        ))
        .await
        .unwrap()
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        del(format!(
            "{}/{}",
            party_hooks(ORG1),
            party_hook.as_str().unwrap()
        ))
        .await
        .unwrap()
        .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn foreign_hosts_are_never_called_and_staff_cannot_see_environment_hooks() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    put_hook(
        &cx,
        &token,
        "/api/v1/hook",
        json!({ "name": "remote", "action": "https://hooks.example.com/x#s", "topics": ["InvoiceReceived"], "isActive": true }),
    )
    .await;
    let resp = cx
        .http
        .put(cx.url("/api/v1/hook"))
        .bearer_auth(&token)
        .json(&json!({ "name": "bad", "action": "ftp://x", "topics": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    cx.control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    let records = wait_for(&cx, "/_sandbox/deliveries", |d| !d.is_empty()).await;
    let r = &records[0];
    assert!(r["url"].as_str().unwrap().contains("example.com"));
    assert!(r["status"].is_null());
    assert!(r["error"].as_str().unwrap().contains("loopback"));
    assert!(
        !r["url"].as_str().unwrap().contains('#'),
        "secret not recorded"
    );
    let staff = cx.token(STAFF, "demo").await;
    assert_eq!(
        cx.get(&staff, "/api/v1/hook").await.status(),
        StatusCode::FORBIDDEN
    );
}
