//! Bad input never makes the sandbox fail with a 5xx or stop answering.

use reqwest::{Method, StatusCode};

use super::common::*;

#[tokio::test]
async fn garbage_input_gets_4xx_never_5xx() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let parties = [
        "NL:KVK:30187412",
        "NL:KVK:",
        "x",
        "%FF%FE",
        "0106:%00",
        "iso6523-actorid-upis::",
        "%2F%2F",
    ];
    let bodies: [&[u8]; 5] = [b"", b"{", b"[1,2", b"null", b"{\"status\":5,\"name\":[]}"];
    let mut calls = 0;
    for party in parties {
        let paths = [
            (
                Method::GET,
                format!("/api/v1/{party}/purchaseInvoice/%00/download?targetFormat=%FF"),
            ),
            (
                Method::POST,
                format!("/api/v1/{party}/salesInvoice/queryRecipientParty"),
            ),
            (
                Method::POST,
                format!("/api/v1/{party}/purchaseInvoice/nope/response"),
            ),
            (Method::PUT, format!("/api/v1/{party}/hook")),
            (Method::PUT, format!("/api/v1/peppol/config/party/{party}")),
            (Method::PUT, "/api/v1/user".to_string()),
            (Method::PUT, format!("/api/v1/user/{party}/party")),
            (Method::PUT, "/api/v1/peppol/config".to_string()),
            (
                Method::POST,
                format!("/api/v1/{party}/purchaseInvoice/recognize"),
            ),
            (
                Method::GET,
                format!("/api/v1/peppol/deliveryOption?partyIds={party}"),
            ),
            (Method::POST, "/_sandbox/received".to_string()),
            (Method::POST, "/_sandbox/faults".to_string()),
            (Method::POST, "/_sandbox/time/advance".to_string()),
            (Method::POST, "/_sandbox/seed".to_string()),
        ];
        for (method, path) in &paths {
            for body in bodies {
                let resp = cx
                    .http
                    .request(method.clone(), cx.url(path))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .header("X-EConnect-DocumentId", "a b")
                    .body(body.to_vec())
                    .send()
                    .await
                    .unwrap();
                calls += 1;
                assert!(
                    resp.status().is_client_error() || resp.status() == StatusCode::OK,
                    "{method} {path} {:?} -> {}",
                    String::from_utf8_lossy(body),
                    resp.status()
                );
            }
        }
    }
    assert!(calls > 400);
    // A JSON body over the 2 MB limit is refused, not buffered without end.
    let big = vec![b' '; 3 * 1024 * 1024];
    let resp = cx
        .http
        .put(cx.url("/api/v1/user"))
        .bearer_auth(&token)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Still alive.
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn extreme_dates_and_clock_jumps_do_not_break_anything() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let path = format!(
        "/api/v1/{}/purchaseInvoice/demo-30187412-r1/status",
        enc(ORG1)
    );
    assert_eq!(cx.get(&token, &path).await.status(), StatusCode::OK);
    cx.advance(i64::MAX).await;
    cx.advance(i64::MAX).await;
    let token = cx.demo().await;
    assert_eq!(
        cx.get(&token, &path).await.status(),
        StatusCode::NOT_FOUND,
        "everything expired"
    );
    let now = cx.control_get("/_sandbox/time").await;
    assert!(now["now"].as_str().unwrap().starts_with('3'), "{now}");
    let resp = cx
        .upload(&token, ORG1, "salesInvoice/recognize", pdf(2048, "f"), None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}
