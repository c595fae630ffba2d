use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::common::*;

/// A local receiver that forwards (signature header, raw body) of each delivery.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(Option<String>, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let sig = headers
                    .get("x-econnect-signature")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let _ = tx.send((sig, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), rx)
}

async fn next(
    rx: &mut mpsc::UnboundedReceiver<(Option<String>, Bytes)>,
) -> (Option<String>, Bytes) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("delivery within 10 s")
        .expect("open")
}

fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

#[tokio::test]
async fn hook_deliveries_are_signed_with_the_secret() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (url, mut rx) = receiver().await;
    let hook = json!({ "name": "boekhouding", "action": format!("{url}#s3cret"), "topics": ["InvoiceReceived"], "isActive": true });
    let resp = cx
        .http
        .put(cx.url(&format!("/api/v1/{}/hook", enc(ORG1))))
        .bearer_auth(&token)
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let saved: Value = resp.json().await.unwrap();
    let hook_id = saved["id"].as_str().unwrap().to_string();
    assert!(!hook_id.is_empty());
    let listed = cx
        .get_json(&token, &format!("/api/v1/{}/hook", enc(ORG1)))
        .await;
    assert_eq!(listed[0]["action"], format!("{url}#s3cret"));

    let doc = cx
        .control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    let (sig, body) = next(&mut rx).await;
    let sig = sig.expect("signed");
    assert!(verify("s3cret", &body, &sig), "signature {sig} verifies");
    assert!(!verify("other", &body, &sig));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["topic"], "InvoiceReceived");
    assert_eq!(payload["documentId"], doc["id"]);
    assert_eq!(payload["partyId"], ORG1);

    // Ping reaches the hook regardless of its topics.
    let resp = cx
        .get(&token, &format!("/api/v1/{}/hook/ping", enc(ORG1)))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (sig, body) = next(&mut rx).await;
    assert!(verify("s3cret", &body, &sig.unwrap()));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["topic"], "Ping");

    // A sales upload is not a topic of this hook; deleting the hook stops deliveries.
    cx.upload(&token, ORG1, "salesInvoice/recognize", pdf(2048, "f"), None)
        .await;
    let resp = cx
        .http
        .delete(cx.url(&format!("/api/v1/hook/{hook_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    cx.control("/_sandbox/received", json!({ "partyId": ORG1 }))
        .await;
    // Records are written after the receiver answered: poll (bounded) until both are there.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let d = cx.control_get("/_sandbox/hooks/deliveries").await;
        if d.as_array().unwrap().len() >= 2 || tokio::time::Instant::now() > deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(deliveries.as_array().unwrap().len(), 2, "{deliveries}");
    assert!(
        deliveries
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == 200)
    );
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn environment_hooks_get_invoice_sent_and_foreign_hosts_are_never_called() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let (url, mut rx) = receiver().await;
    let put = |hook: Value| {
        cx.http
            .put(cx.url("/api/v1/hook"))
            .bearer_auth(&token)
            .json(&hook)
            .send()
    };
    let resp =
        put(json!({ "name": "env", "action": format!("{url}#geheim"), "topics": ["InvoiceSent"] }))
            .await
            .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = put(json!({ "name": "remote", "action": "https://hooks.example.com/x#s", "topics": ["InvoiceSent"] })).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = put(json!({ "name": "bad", "action": "ftp://x", "topics": [] }))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let up = cx
        .upload(&token, ORG3, "salesInvoice/send", ubl(2048), Some("sent-1"))
        .await;
    assert_eq!(up.status(), StatusCode::OK);
    let (sig, body) = next(&mut rx).await;
    assert!(verify("geheim", &body, &sig.unwrap()));
    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["topic"], "InvoiceSent");
    assert_eq!(payload["documentId"], "sent-1");

    // The remote hook is recorded as not delivered (bounded poll: deliveries are async).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let d = cx.control_get("/_sandbox/hooks/deliveries").await;
        if let Some(r) = d
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["url"].as_str().unwrap().contains("example.com"))
        {
            assert!(r["status"].is_null());
            assert!(r["error"].as_str().unwrap().contains("loopback"));
            assert!(
                !r["url"].as_str().unwrap().contains('#'),
                "secret not recorded"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "remote hook recorded"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Non-admins cannot see environment hooks.
    let staff = cx.token(STAFF, "demo").await;
    assert_eq!(
        cx.get(&staff, "/api/v1/hook").await.status(),
        StatusCode::FORBIDDEN
    );
}
