use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

async fn fault(cx: &Ctx, body: Value) {
    cx.control("/_sandbox/faults", body).await;
}

#[tokio::test]
async fn server_error_hits_the_next_n_calls_only() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(&cx, json!({ "kind": "serverError", "next": 2 })).await;
    for _ in 0..2 {
        let resp = cx.get(&token, "/api/v1/me").await;
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(code(resp).await, "API500");
    }
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["faultsInjected"], 2);
}

#[tokio::test]
async fn reset_closes_the_connection_without_a_response() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(&cx, json!({ "kind": "reset", "next": 1 })).await;
    let result = cx
        .http
        .get(cx.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await;
    let err = result.expect_err("a reset is a connection error, not a status");
    assert!(err.status().is_none());
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    // Also for an upload whose body is in flight.
    fault(
        &cx,
        json!({ "kind": "reset", "next": 1, "pathContains": "recognize" }),
    )
    .await;
    let upload = cx
        .http
        .post(cx.url(&format!("/api/v1/{}/purchaseInvoice/recognize", enc(ORG1))))
        .bearer_auth(&token)
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(pdf(300_000, "x"))),
        )
        .send()
        .await;
    assert!(upload.is_err(), "{upload:?}");
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn reset_after_handling_creates_the_document_and_loses_the_answer() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(
        &cx,
        json!({ "kind": "resetAfterHandling", "next": 1, "pathContains": "recognize" }),
    )
    .await;
    let lost = cx
        .upload_result(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(300_000, "factuur"),
            Some("lost-answer-1"),
        )
        .await;
    let err = lost.expect_err("the answer never arrives");
    assert!(err.status().is_none(), "{err:?}");
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(
        counters["documentsCreated"]["0106:30187412"], 1,
        "{counters}"
    );
    assert_eq!(counters["faultsInjected"], 1);
    // The retry with the same id learns that the platform has it.
    let retry = cx
        .upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(300_000, "factuur"),
            Some("lost-answer-1"),
        )
        .await;
    assert_eq!(retry.status(), StatusCode::CONFLICT);
    assert_eq!(code(retry).await, "API409");
}

#[tokio::test]
async fn rate_limited_and_maintenance_carry_retry_after() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(
        &cx,
        json!({ "kind": "rateLimited", "next": 1, "retryAfter": 7 }),
    )
    .await;
    let resp = cx.get(&token, "/api/v1/me").await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(code(resp).await, "API429");

    fault(
        &cx,
        json!({ "kind": "maintenance", "next": 1, "retryAfter": 120 }),
    )
    .await;
    let resp = cx
        .upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(200_000, "f"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "120");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "API503");
    assert!(v["message"].as_str().unwrap().contains("maintenance"));
    // The refused upload created nothing.
    let counters = cx.control_get("/_sandbox/counters").await;
    assert!(counters["documentsCreated"].as_object().unwrap().is_empty());
}

#[tokio::test]
async fn slow_delays_the_answer() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(&cx, json!({ "kind": "slow", "next": 1, "delayMs": 400 })).await;
    let err = cx
        .http
        .get(cx.url("/api/v1/me"))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
    fault(&cx, json!({ "kind": "slow", "next": 1, "delayMs": 250 })).await;
    let t = Instant::now();
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn token_expiry_invalidates_issued_tokens() {
    let cx = Ctx::start().await;
    let old = cx.demo().await;
    fault(&cx, json!({ "kind": "tokenExpiry", "next": 1 })).await;
    let resp = cx.get(&old, "/api/v1/me").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(code(resp).await, "API401");
    assert_eq!(
        cx.get(&old, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let new = cx.demo().await;
    assert_eq!(cx.get(&new, "/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_target_paths_rates_and_can_be_cleared() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    fault(
        &cx,
        json!({ "kind": "serverError", "rate": 1.0, "pathContains": "recognize" }),
    )
    .await;
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    for _ in 0..3 {
        let resp = cx
            .upload(&token, ORG1, "salesInvoice/recognize", pdf(2048, "f"), None)
            .await;
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    // The token endpoint is not hit by rules without pathContains.
    fault(&cx, json!({ "kind": "maintenance", "rate": 1.0 })).await;
    cx.demo().await;
    let resp = cx
        .http
        .delete(cx.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = cx
        .upload(&token, ORG1, "salesInvoice/recognize", pdf(2048, "f"), None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // rate 0 never fires; a bad rule is refused.
    fault(&cx, json!({ "kind": "serverError", "rate": 0.0 })).await;
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    let resp = cx
        .http
        .post(cx.url("/_sandbox/faults"))
        .json(&json!({ "kind": "meteor", "next": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // The identity path can be targeted explicitly.
    fault(
        &cx,
        json!({ "kind": "maintenance", "next": 1, "pathContains": "/connect/token" }),
    )
    .await;
    let resp = cx
        .token_response(&[("grant_type", "client_credentials")])
        .await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn requests_are_recorded_with_headers_and_part_names() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let resp = cx
        .http
        .post(cx.url(&format!(
            "/api/v1/{}/purchaseInvoice/recognize?channel=idr",
            enc(ORG1)
        )))
        .bearer_auth(&token)
        .header("Subscription-Key", "abc")
        .header("X-EConnect-DomainId", "dom-1")
        .header("X-EConnect-DocumentId", "rec-001")
        .multipart(reqwest::multipart::Form::new().text("note", "hallo").part(
            "file",
            reqwest::multipart::Part::bytes(pdf(2048, "f")).file_name("a.pdf"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let recorded = cx.control_get("/_sandbox/requests").await;
    let list = recorded.as_array().unwrap();
    // The token call and the upload; controls are not recorded.
    assert_eq!(list.len(), 2, "{recorded}");
    assert_eq!(list[0]["path"], "/connect/token");
    let r = &list[1];
    assert_eq!(r["method"], "POST");
    assert_eq!(
        r["path"],
        "/api/v1/NL%3AKVK%3A30187412/purchaseInvoice/recognize"
    );
    assert_eq!(r["query"], "channel=idr");
    assert_eq!(r["headers"]["authorization"], "Bearer …");
    assert_eq!(r["headers"]["subscription-key"], "abc");
    assert_eq!(r["headers"]["x-econnect-domainid"], "dom-1");
    assert_eq!(r["headers"]["x-econnect-documentid"], "rec-001");
    assert!(
        r["headers"]["content-type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/form-data")
    );
    assert_eq!(r["multipartParts"], json!(["note", "file"]));
    assert_eq!(r["status"], 200);
    let resp = cx
        .http
        .delete(cx.url("/_sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        cx.control_get("/_sandbox/requests")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
