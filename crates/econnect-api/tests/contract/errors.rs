//! Typed errors: 403, 429/503 with Retry-After, 500, connection reset, timeout, unreachable.

use std::time::Duration;

use econnect_api::{DocumentId, Error, Upload};
use serde_json::json;

use crate::common::{Env, SHORT, STAFF_USER, first_party};

#[tokio::test]
async fn no_access_to_an_organisation_is_403_with_the_platform_body() {
    let env = Env::demo().await;
    let staff = env.client_as(STAFF_USER, "demo");
    // The employee works for 3 of the 12 organisations; the last one is not among them.
    let other = env.client().my_parties().await.expect("parties")[11]
        .id
        .clone();
    let err = staff.sales_invoice_status(&other, "x").await.unwrap_err();
    match &err {
        Error::Api {
            status,
            code,
            message,
            request_id,
        } => {
            assert_eq!((*status, code.as_str()), (403, "API403"));
            assert!(!message.is_empty());
            assert!(request_id.is_some());
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let env = Env::demo().await;
    let client = env.client();
    env.fault(json!({ "kind": "rateLimited", "next": 1, "retryAfter": 7 }))
        .await;
    let err = client.me().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(7)),
        "{err:?}"
    );
    assert!(err.is_retryable());
    client.me().await.expect("next call passes");
}

#[tokio::test]
async fn maintenance_carries_retry_after() {
    let env = Env::demo().await;
    let client = env.client();
    env.fault(json!({ "kind": "maintenance", "next": 1, "retryAfter": 900 }))
        .await;
    let err = client.my_parties().await.unwrap_err();
    assert!(
        matches!(err, Error::Maintenance { retry_after: Some(d) } if d == Duration::from_secs(900)),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn maintenance_during_an_upload_is_maintenance() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    env.fault(
        json!({ "kind": "maintenance", "next": 1, "retryAfter": 60, "pathContains": "recognize" }),
    )
    .await;
    let file = Upload::from_path(env.pdf("f.pdf", 200_000, "factuur"));
    let err = client
        .recognize_purchase_invoice(&party, &file, &DocumentId::new_random(), None)
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)), "{err:?}");
}

#[tokio::test]
async fn server_error_is_retryable_api_error() {
    let env = Env::demo().await;
    let client = env.client();
    env.fault(json!({ "kind": "serverError", "next": 1 })).await;
    let err = client.me().await.unwrap_err();
    assert!(matches!(err, Error::Api { status: 500, .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn connection_reset_is_reset() {
    let env = Env::demo().await;
    let client = env.client();
    client.me().await.expect("warm");
    env.fault(json!({ "kind": "reset", "next": 1 })).await;
    let err = client.me().await.unwrap_err();
    assert!(matches!(err, Error::Reset(_)), "{err:?}");
    assert!(err.is_retryable());
    client.me().await.expect("next call passes");
}

#[tokio::test]
async fn slow_answer_beyond_the_timeout_is_timeout() {
    let env = Env::demo().await;
    let client = env.client_with(
        env.config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD)
            .with_timeout(SHORT),
    );
    client.me().await.expect("fast call passes");
    env.fault(json!({ "kind": "slow", "next": 1, "delayMs": 3000 }))
        .await;
    let started = std::time::Instant::now();
    let err = client.me().await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "gave up at the timeout, not after the answer"
    );
}

#[tokio::test]
async fn unreachable_platform_is_connect() {
    let env = Env::demo().await;
    let mut config = env.config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD);
    // A port that was free a moment ago: bind, read it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let dead = url::Url::parse(&format!("http://127.0.0.1:{port}")).expect("url");
    config.api_base = dead.clone();
    config.identity_base = dead;
    let err = env.client_with(config).me().await.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
}

/// A one-request HTTP server that answers every connection with `response` (a proxy's error page).
async fn canned_server(response: &'static str) -> url::Url {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    url::Url::parse(&format!("http://{addr}")).expect("url")
}

#[tokio::test]
async fn non_json_error_body_is_http_error_with_excerpt() {
    let env = Env::demo().await;
    let body = "<html><body>502 Bad Gateway</body></html>";
    let response: &'static str = Box::leak(
        format!("HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
            .into_boxed_str(),
    );
    let mut config = env.config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD);
    config.api_base = canned_server(response).await;
    let err = env.client_with(config).me().await.unwrap_err();
    match &err {
        Error::Http {
            status: 502,
            body_excerpt,
        } => assert_eq!(body_excerpt, body),
        other => panic!("expected Http, got {other:?}"),
    }
    assert!(err.is_retryable());
}
