//! The token call: both grants, wrong password, locked user, wrong client, caching, refresh.

use econnect_api::{AuthErrorKind, Config, Credentials, Error};
use serde_json::{Value, json};

use crate::common::{Env, LOCKED_USER};

fn count(requests: &[Value], method: &str, path: &str) -> usize {
    requests
        .iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .count()
}

#[tokio::test]
async fn password_grant_signs_in() {
    let env = Env::demo().await;
    let me = env.client().me().await.expect("me");
    assert_eq!(me.name.to_lowercase(), econnect_sandbox::DEMO_USER);
}

#[tokio::test]
async fn client_credentials_grant_signs_in() {
    let env = Env::demo().await;
    let config = Config::new(
        env.base.clone(),
        env.base.clone(),
        Credentials::ClientCredentials {
            client_id: econnect_sandbox::CLIENT_ID.into(),
            client_secret: econnect_sandbox::CLIENT_SECRET.into(),
        },
    );
    let me = env.client_with(config).me().await.expect("me");
    assert!(!me.name.is_empty());
}

#[tokio::test]
async fn wrong_password_is_wrong_credentials() {
    let env = Env::demo().await;
    let err = env
        .client_as(econnect_sandbox::DEMO_USER, "fout")
        .me()
        .await
        .unwrap_err();
    match err {
        Error::Auth(a) => assert_eq!(a.kind, AuthErrorKind::WrongCredentials),
        other => panic!("expected Auth, got {other:?}"),
    }
}

#[tokio::test]
async fn locked_user_is_locked_not_wrong_password() {
    let env = Env::demo().await;
    let err = env.client_as(LOCKED_USER, "demo").me().await.unwrap_err();
    match err {
        Error::Auth(a) => assert_eq!(a.kind, AuthErrorKind::Locked, "{a:?}"),
        other => panic!("expected Auth, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let env = Env::demo().await;
    let mut config = env.config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD);
    if let Credentials::Password { client_secret, .. } = &mut config.credentials {
        *client_secret = "niet-goed".into();
    }
    let err = env.client_with(config).me().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(ref a) if a.kind == AuthErrorKind::InvalidClient),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn token_is_fetched_once_and_reused() {
    let env = Env::demo().await;
    let client = env.client();
    client.me().await.expect("me");
    client.my_parties().await.expect("parties");
    client.me().await.expect("me again");
    let requests = env.requests().await;
    assert_eq!(count(&requests, "POST", "/connect/token"), 1);
    assert_eq!(count(&requests, "GET", "/api/v1/me"), 2);
}

#[tokio::test]
async fn token_refused_by_the_api_is_refreshed_once_and_the_call_retried() {
    let env = Env::demo().await;
    let client = env.client();
    client.me().await.expect("first call");
    env.clear_requests().await;
    env.fault(json!({ "kind": "tokenExpiry", "next": 1 })).await;
    let me = client.me().await.expect("call after expiry succeeds");
    assert!(!me.name.is_empty());
    let requests = env.requests().await;
    let statuses: Vec<_> = requests
        .iter()
        .map(|r| (r["path"].as_str().unwrap_or(""), r["status"].as_u64()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("/api/v1/me", Some(401)),
            ("/connect/token", Some(200)),
            ("/api/v1/me", Some(200))
        ]
    );
}

#[tokio::test]
async fn token_expired_on_the_server_clock_is_refreshed() {
    let env = Env::demo().await;
    let client = env.client();
    client.me().await.expect("first call");
    env.advance(3601).await;
    client.me().await.expect("call after the token's lifetime");
    assert_eq!(count(&env.requests().await, "POST", "/connect/token"), 2);
}

#[tokio::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let env = Env::demo().await;
    let client = env.client();
    env.fault(json!({ "kind": "tokenExpiry", "next": 5 })).await;
    let err = client.me().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");
    assert_eq!(count(&env.requests().await, "GET", "/api/v1/me"), 2);
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let env = Env::demo().await;
    let client = env.client();
    client.me().await.expect("warm");
    env.fault(json!({ "kind": "tokenExpiry", "next": 1 })).await;
    let calls = (0..16).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.my_parties().await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.expect("task").expect("every call succeeds");
    }
    let token_calls = count(&env.requests().await, "POST", "/connect/token");
    // The first token, and exactly one refresh however many calls saw the 401.
    assert_eq!(token_calls, 2);
}
