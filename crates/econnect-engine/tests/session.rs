//! Sign-in and sign-out: each failure's own code, "remember me" in the keyring, restoring a
//! session (also offline), and reads from the cache once the platform is gone.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use econnect_engine::{
    DocumentQuery, Engine, EngineOptions, Environment, ErrorCode, KeyringState, MemoryKeyring,
    NoKeyring, OrganisationQuery, SecretStore,
};
use econnect_sandbox::Seed;
use serde_json::json;

#[tokio::test]
async fn each_sign_in_failure_has_its_own_code() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;

    let wrong = engine
        .sign_in(sign_in(&sb, USER, "not-the-password", false))
        .await
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongPassword, "{wrong:?}");
    let locked = engine
        .sign_in(sign_in(&sb, econnect_sandbox::LOCKED_USER, PASSWORD, false))
        .await
        .unwrap_err();
    assert_eq!(locked.code, ErrorCode::AccountLocked, "{locked:?}");

    fault(&sb, json!({"kind": "maintenance", "next": 1, "retryAfter": 1, "pathContains": "/connect/token"})).await;
    let down = engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap_err();
    assert_eq!(down.code, ErrorCode::Maintenance, "{down:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere = econnect_engine::SignIn {
        environment: Environment::Custom {
            api_base: format!("http://127.0.0.1:{port}"),
            identity_base: None,
        },
        username: USER.into(),
        password: PASSWORD.into(),
        remember: false,
    };
    let unreachable = engine.sign_in(nowhere).await.unwrap_err();
    assert_eq!(unreachable.code, ErrorCode::Unreachable, "{unreachable:?}");
    assert!(engine.session().await.is_none());
    assert_eq!(
        engine
            .documents(DocumentQuery::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotSignedIn
    );

    // The client itself must be configured for real environments.
    let bare = Engine::open_with(
        dir.path().join("bare"),
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(econnect_engine::AppConfig::default()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let no_client = bare
        .sign_in(econnect_engine::SignIn {
            environment: Environment::Acceptance,
            username: USER.into(),
            password: "x".into(),
            remember: false,
        })
        .await
        .unwrap_err();
    assert_eq!(no_client.code, ErrorCode::ClientNotConfigured);
}

#[tokio::test]
async fn remember_me_keeps_the_password_in_the_keyring_until_sign_out() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = MemoryKeyring::default();
    let engine = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    let info = engine
        .sign_in(sign_in(&sb, USER, PASSWORD, true))
        .await
        .unwrap();
    assert_eq!(info.keyring, KeyringState::Stored);
    assert_eq!(
        keyring.get(&info.profile).unwrap().as_deref(),
        Some(PASSWORD)
    );
    engine.sync_now().await.unwrap();
    let db = dir.path().join("profiles");
    assert!(db.exists());

    // Next start: restored from the keyring, without asking.
    let second = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    drop(engine);
    let restored = second.restore_session().await.unwrap().expect("restored");
    assert_eq!(
        (restored.username.as_str(), restored.keyring),
        (USER, KeyringState::Stored)
    );
    assert_eq!(
        second
            .organisations(OrganisationQuery::default())
            .await
            .unwrap()
            .len(),
        12
    );

    second.sign_out().await.unwrap();
    assert!(keyring.is_empty(), "sign-out removes the secret");
    assert!(second.session().await.is_none());
    assert!(!second.status().signed_in);
    let third = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    assert!(third.restore_session().await.unwrap().is_none());
}

#[tokio::test]
async fn a_session_is_restorable_only_when_a_fresh_process_would_get_it_back() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = MemoryKeyring::default();
    let engine = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    assert!(
        engine.session_restorable().await,
        "no session: nothing to lose"
    );
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    assert!(!engine.session_restorable().await, "not remembered");
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, true))
        .await
        .unwrap();
    assert!(
        engine.session_restorable().await,
        "remembered in the keyring"
    );
    // What it promises: a fresh engine on the same folder gets the session back.
    engine.close().await;
    let next = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    assert!(next.restore_session().await.unwrap().is_some());
    next.close().await;
}

#[tokio::test]
async fn without_a_keyring_the_session_lives_in_memory_only() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let password = "Uniek-Wachtwoord-5521";
    let admin = client(&sb);
    admin.put_user("los@voorbeeld.nl", password).await.unwrap();
    let party = admin.my_parties().await.unwrap().remove(0);
    admin
        .put_user_party("los@voorbeeld.nl", &party)
        .await
        .unwrap();
    let engine = engine_with(dir.path(), Arc::new(NoKeyring)).await;
    let info = engine
        .sign_in(sign_in(&sb, "los@voorbeeld.nl", password, true))
        .await
        .unwrap();
    assert_eq!(info.keyring, KeyringState::Unavailable);
    assert!(info.keyring_message.is_some());
    assert!(
        !engine.session_restorable().await,
        "a fresh process could not sign in again"
    );
    engine.sync_now().await.unwrap();
    assert!(
        !engine
            .organisations(OrganisationQuery::default())
            .await
            .unwrap()
            .is_empty(),
        "the session works"
    );
    assert!(
        !dir.path().join("session.json").exists(),
        "nothing to restore from"
    );
    assert!(
        !any_file_contains(dir.path(), password.as_bytes()),
        "the password is in no file"
    );
    assert!(!info.is_admin);
    let next = engine_with(dir.path(), Arc::new(NoKeyring)).await;
    assert!(next.restore_session().await.unwrap().is_none());
    engine.sign_out().await.unwrap();
}

#[tokio::test]
async fn reads_work_offline_and_the_status_says_since_when() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = MemoryKeyring::default();
    let engine = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, true))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    // Documents sent from here earlier (local-first: the only ones there are).
    let sent: Vec<String> = (0..3).map(|n| format!("eerder-{n}")).collect();
    record_sent(&engine, "NL:KVK:30187412", &sent).await;
    let before = engine
        .documents(DocumentQuery {
            search: Some("eerder".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(before.total, 3, "found by file name");
    let any_id = engine
        .documents(DocumentQuery::default())
        .await
        .unwrap()
        .rows[0]
        .id
        .clone();

    sb.shutdown().await;
    let err = engine.sync_now().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unreachable, "{err:?}");
    let status = engine.status();
    assert!(!status.online && status.signed_in, "{status:?}");
    let since = status.offline_since.clone().expect("offline since");
    assert!(since.ends_with('Z') && since.len() == 20, "{since}");
    assert_eq!(
        engine
            .organisations(OrganisationQuery::default())
            .await
            .unwrap()
            .len(),
        12
    );
    let after = engine
        .documents(DocumentQuery {
            search: Some("eerder".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(after, before);
    let detail = engine.document(&any_id).await.unwrap();
    assert_eq!(detail.document.id, any_id);
    // Still offline, since the same moment.
    assert!(engine.sync_now().await.is_err());
    assert_eq!(
        engine.status().offline_since.as_deref(),
        Some(since.as_str())
    );

    // A restart without the platform opens the cache offline.
    let restarted = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    drop(engine);
    let info = restarted
        .restore_session()
        .await
        .unwrap()
        .expect("restored offline");
    assert!(info.opened_offline);
    assert!(!restarted.status().online && restarted.status().offline_since.is_some());
    assert_eq!(
        restarted
            .documents(DocumentQuery {
                search: Some("eerder".into()),
                ..Default::default()
            })
            .await
            .unwrap(),
        before
    );
}

#[tokio::test]
async fn sandbox_mode_signs_in_without_an_account_and_goes_offline_when_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let info = engine.sign_in_sandbox().await.unwrap();
    assert_eq!(info.environment, Environment::Sandbox);
    assert_eq!(info.username, USER);
    // The sign-in's own sync fills the cache.
    assert!(
        eventually(Duration::from_secs(20), || async {
            engine
                .organisations(OrganisationQuery::default())
                .await
                .map(|o| o.len())
                .unwrap_or(0)
                == 12
        })
        .await
    );
    assert!(
        eventually(Duration::from_secs(20), || async {
            !engine.status().syncing && engine.status().last_synced.is_some()
        })
        .await
    );
    // The demo installation's own history: every seeded sales invoice (12 × 6) as sent
    // from here, and the waiting invoices of the receiving organisations once the receive
    // pass (started by their announcement) saved them.
    // Announcements come per organisation and a pass may pause between them, so "settled"
    // is: the coverage unchanged across a look at the document list, and that list made of
    // exactly what the coverage counts (a slow machine, such as Wine in CI, showed a list
    // that had grown past an unchanged coverage when only the coverage was compared).
    let mut coverage = engine.document_coverage().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let docs = loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let docs = engine
            .documents(DocumentQuery::default())
            .await
            .unwrap()
            .total;
        let now = engine.document_coverage().await.unwrap();
        if now == coverage
            && now.received > 0
            && now.sent_here > 0
            && docs == now.sent_here + now.received
        {
            break docs;
        }
        coverage = now;
        assert!(
            std::time::Instant::now() < deadline,
            "not settled: {coverage:?}, {docs} documents listed"
        );
    };
    assert_eq!(coverage.sent_here, 72);

    engine.stop_sandbox().await.unwrap();
    assert!(engine.sync_now().await.is_err());
    assert!(!engine.status().online);
    assert_eq!(
        engine
            .documents(DocumentQuery::default())
            .await
            .unwrap()
            .total,
        docs
    );

    // The sandbox session comes back at the next start (its password is public).
    let next = engine_with(dir.path(), Arc::new(MemoryKeyring::default())).await;
    engine.sign_out().await.unwrap();
    assert!(
        next.restore_session().await.unwrap().is_none(),
        "signed out: nothing to restore"
    );
}

#[tokio::test]
async fn the_engine_notices_by_itself_that_the_network_is_back() {
    let sb = sandbox(Seed::Demo).await;
    let addr = sb.addr();
    let dir = tempfile::tempdir().unwrap();
    // Interval and offline retry are an hour: only the engine's own network probe can bring
    // it back within the test (nobody calls `network_changed`).
    let engine = Engine::open_with(
        dir.path(),
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(config()),
            call_timeout: Duration::from_secs(10),
            network_probe: Duration::from_millis(100),
            offline_retry: Duration::from_secs(3600),
            ..EngineOptions::default()
        },
    )
    .await
    .unwrap();
    lose_the_platform_after_a_sync(&engine, sb).await;
    let back = platform_back_at(addr).await;
    assert!(
        eventually(Duration::from_secs(20), || async { engine.status().online }).await,
        "{:?}",
        engine.status()
    );
    assert_eq!(
        cached_organisations(&engine).await,
        platform_organisations(&back).await
    );
}

#[tokio::test]
async fn the_sync_loop_comes_back_online_when_the_platform_returns() {
    let sb = sandbox(Seed::Demo).await;
    let addr = sb.addr();
    let dir = tempfile::tempdir().unwrap();
    // The loop runs here (background sync on); the interval is long, so only the offline
    // probing and the network hint can bring it back.
    let engine = engine(dir.path()).await;
    lose_the_platform_after_a_sync(&engine, sb).await;

    // The platform is back on the same address; the OS says the network changed.
    let back = platform_back_at(addr).await;
    engine.network_changed();
    assert!(
        eventually(Duration::from_secs(20), || async {
            engine.network_changed();
            engine.status().online
        })
        .await,
        "{:?}",
        engine.status()
    );
    let status = engine.status();
    assert!(
        status.offline_since.is_none() && status.last_error.is_none(),
        "{status:?}"
    );
    assert_eq!(
        cached_organisations(&engine).await,
        platform_organisations(&back).await
    );
}

/// Signs in, waits for the first sync, then stops the platform: "sync now" finds it
/// unreachable and the engine goes offline.
async fn lose_the_platform_after_a_sync(engine: &Engine, sb: econnect_sandbox::RunningSandbox) {
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(20), || async {
            engine.status().last_synced.is_some() && !engine.status().syncing
        })
        .await
    );
    sb.shutdown().await;
    let err = engine.sync_now().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unreachable, "{err:?}");
    assert!(!engine.status().online);
}

/// The demo platform started again on the address it had.
async fn platform_back_at(addr: std::net::SocketAddr) -> econnect_sandbox::RunningSandbox {
    econnect_sandbox::spawn(econnect_sandbox::SandboxConfig {
        addr,
        seed: Seed::Demo,
        controls: true,
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_401_from_the_api_keeps_the_remembered_password_only_a_refused_sign_in_forgets_it() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = MemoryKeyring::default();
    let engine = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    let info = engine
        .sign_in(sign_in(&sb, USER, PASSWORD, true))
        .await
        .unwrap();
    drop(engine);

    // Every token is refused by the API (not by the identity server) for a while.
    fault(
        &sb,
        json!({"kind": "tokenExpiry", "next": 6, "pathContains": "/api/v1/me"}),
    )
    .await;
    let second = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    assert!(second.restore_session().await.is_err());
    assert_eq!(
        keyring.get(&info.profile).unwrap().as_deref(),
        Some(PASSWORD),
        "a 401 is not a wrong password"
    );

    // The identity server refusing the password does forget it.
    client(&sb)
        .put_user(USER, "Nieuw-Wachtwoord-8812")
        .await
        .unwrap();
    let third = engine_with(dir.path(), Arc::new(keyring.clone())).await;
    let refused = third.restore_session().await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::WrongPassword);
    assert_eq!(keyring.get(&info.profile).unwrap(), None);
}

/// An identity server on loopback that records every token request's form and refuses it.
async fn recording_identity() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::routing::post;
    let forms = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&forms);
    let app = axum::Router::new().route(
        "/connect/token",
        post(move |body: String| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock().unwrap().push(body);
                (
                    axum::http::StatusCode::BAD_REQUEST,
                    [("content-type", "application/json")],
                    r#"{"error":"invalid_grant"}"#,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, forms)
}

#[tokio::test]
async fn the_platform_client_secret_never_reaches_a_custom_address() {
    let (url, forms) = recording_identity().await;
    let custom = || econnect_engine::SignIn {
        environment: Environment::Custom {
            api_base: url.clone(),
            identity_base: None,
        },
        username: USER.into(),
        password: PASSWORD.into(),
        remember: false,
    };

    // With a client for custom addresses: that one is sent, never the platform's.
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let refused = engine.sign_in(custom()).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::WrongPassword, "{refused:?}");
    let sent = forms.lock().unwrap().clone();
    assert!(!sent.is_empty(), "the token call was made");
    for form in &sent {
        assert!(!form.contains(PRODUCTION_SECRET), "{form}");
        assert!(
            form.contains(&format!("client_id={}", econnect_sandbox::CLIENT_ID)),
            "{form}"
        );
    }

    // Only the platform's client configured: nothing is sent, and the user is told why.
    forms.lock().unwrap().clear();
    let only_platform = Engine::open_with(
        dir.path().join("only-platform"),
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(econnect_engine::AppConfig {
                custom_client_id: None,
                custom_client_secret: None,
                ..config()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let err = only_platform.sign_in(custom()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ClientNotConfigured, "{err:?}");
    assert!(
        forms.lock().unwrap().is_empty(),
        "no token call without a client of its own"
    );
}
