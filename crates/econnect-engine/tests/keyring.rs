//! The OS keyring for real: a round trip (on Linux through the Secret Service, ignored
//! unless asked for, as `scripts/test.sh` does inside a D-Bus session with an unlocked
//! gnome-keyring; on Windows through the Credential Manager, which Wine has too), and a
//! Linux machine without one (D-Bus pointing nowhere, in a child process so the variable
//! stays out of other tests).

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::*;
use econnect_engine::secrets::SecretError;
use econnect_engine::{KeyringState, SecretStore, SystemKeyring};
use econnect_sandbox::Seed;

const CHILD_MARKER: &str = "ECONNECT_TEST_NO_KEYRING_CHILD";
const SECRET: &str = "Zeer-Geheim-7731";

/// Adds a user with a password no other data contains, with access to one organisation.
async fn user_with_unique_password(sb: &econnect_sandbox::RunningSandbox) -> String {
    let name = "geheim@voorbeeld.nl".to_string();
    let admin = client(sb);
    admin.put_user(&name, SECRET).await.unwrap();
    let party = admin.my_parties().await.unwrap().remove(0);
    admin.put_user_party(&name, &party).await.unwrap();
    name
}

#[tokio::test]
#[cfg_attr(
    not(windows),
    ignore = "needs a Secret Service (a D-Bus session with an unlocked keyring); scripts/test.sh runs it inside one"
)]
async fn os_keyring_round_trip() {
    let account = format!("test-{}", std::process::id());
    let keyring = SystemKeyring;
    keyring.set(&account, SECRET).unwrap();
    assert_eq!(keyring.get(&account).unwrap().as_deref(), Some(SECRET));
    keyring.delete(&account).unwrap();
    assert_eq!(keyring.get(&account).unwrap(), None);
    keyring.delete(&account).unwrap();

    // Through the engine: remember, restore in a "new process", sign out.
    let sb = sandbox(Seed::Demo).await;
    let user = user_with_unique_password(&sb).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with(dir.path(), Arc::new(SystemKeyring)).await;
    let info = engine
        .sign_in(sign_in(&sb, &user, SECRET, true))
        .await
        .unwrap();
    assert_eq!(info.keyring, KeyringState::Stored);
    assert_eq!(
        SystemKeyring.get(&info.profile).unwrap().as_deref(),
        Some(SECRET)
    );
    assert!(!any_file_contains(dir.path(), SECRET.as_bytes()));
    let next = engine_with(dir.path(), Arc::new(SystemKeyring)).await;
    drop(engine);
    let restored = next
        .restore_session()
        .await
        .unwrap()
        .expect("restored from the OS keyring");
    assert_eq!(restored.username, user);
    next.sign_out().await.unwrap();
    assert_eq!(
        SystemKeyring.get(&info.profile).unwrap(),
        None,
        "sign-out deleted the secret"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows always has its Credential Manager: no D-Bus to point away, no keyring-less machine to imitate"
)]
fn without_a_secret_service_the_keyring_is_unavailable() {
    if std::env::var_os(CHILD_MARKER).is_some() {
        return child();
    }
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "without_a_secret_service_the_keyring_is_unavailable",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_MARKER, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/econnect-test-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("CHILD-OK"),
        "the child ran its checks: {text}"
    );
}

fn child() {
    match SystemKeyring.set("econnect-test", SECRET) {
        Err(SecretError::Unavailable(reason)) => eprintln!("unavailable as expected: {reason}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sb = sandbox(Seed::Demo).await;
        let user = user_with_unique_password(&sb).await;
        let dir = tempfile::tempdir().unwrap();
        let engine = engine_with(dir.path(), Arc::new(SystemKeyring)).await;
        let info = engine
            .sign_in(sign_in(&sb, &user, SECRET, true))
            .await
            .unwrap();
        assert_eq!(info.keyring, KeyringState::Unavailable);
        assert!(info.keyring_message.is_some());
        engine.sync_now().await.unwrap();
        assert!(
            !engine
                .organisations(Default::default())
                .await
                .unwrap()
                .is_empty(),
            "the session works in memory"
        );
        assert!(
            !any_file_contains(dir.path(), SECRET.as_bytes()),
            "the password is in no file"
        );
        let next = engine_with(dir.path(), Arc::new(SystemKeyring)).await;
        assert!(next.restore_session().await.unwrap().is_none());
        engine.sign_out().await.unwrap();
    });
    println!("CHILD-OK");
}
