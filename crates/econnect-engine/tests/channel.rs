//! Instellingen → Ontvangen against the sandbox: with "this computer can be reached" the
//! platform's own signed delivery brings a received invoice to disk; "by e-mail" makes the
//! platform mail it with the invoice attached; "not through the app" deactivates only our
//! own hook; and the demo's received invoices arrive by hook from the embedded sandbox.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use econnect_api::Hook;
use econnect_engine::Engine;
use econnect_engine::hooks::{ChannelKind, ReceiveChannel};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, Seed};

/// Bakkerij De Gouden Korenaar: receiving on in the demo.
const PARTY: &str = "0106:30187412";
const WAIT: Duration = Duration::from_secs(20);

async fn signed_in(sb: &RunningSandbox, home: &std::path::Path) -> Engine {
    common::quiet_engine(sb, home).await
}

fn reachable() -> ReceiveChannel {
    ReceiveChannel {
        kind: ChannelKind::Public,
        public_url: Some("http://127.0.0.1:0/econnect-hook".into()),
        listen: Some("127.0.0.1:0".into()),
        mail_address: None,
    }
}

async fn environment_hooks(sb: &RunningSandbox) -> Vec<Hook> {
    common::client(sb).hooks().await.unwrap()
}

#[tokio::test]
async fn a_reachable_computer_gets_each_received_invoice_by_the_platforms_own_hook() {
    let sb = common::sandbox(Seed::Demo).await;
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let engine = signed_in(&sb, home.path()).await;
    engine
        .set_receive_folder(out.path().to_path_buf())
        .await
        .unwrap();

    let state = engine.set_receive_channel(reachable()).await.unwrap();
    assert!(state.registered, "{state:?}");
    let listening = state.listening.clone().expect("the receiver runs");
    assert!(!listening.ends_with(":0"), "a real port: {listening}");
    let ours: Vec<Hook> = environment_hooks(&sb)
        .await
        .into_iter()
        .filter(|h| h.is_active)
        .collect();
    assert_eq!(ours.len(), 1);
    assert!(
        ours[0]
            .action
            .starts_with(&format!("http://{listening}/econnect-hook#")),
        "{}",
        ours[0].action
    );

    let id = sb
        .add_received(ReceivedInvoice {
            party_id: PARTY.into(),
            invoice_number: Some("HOOK-1".into()),
            ..Default::default()
        })
        .unwrap();
    let saved = common::eventually(WAIT, || async {
        matches!(engine.received_invoices(vec![id.clone()]).await.as_deref(), Ok([r]) if r.xml_path.is_some())
    })
    .await;
    assert!(saved, "the invoice announced by hook is on disk");
    assert!(common::any_file_contains(out.path(), b"HOOK-1"));
    let state = engine.receive_channel().await.unwrap();
    assert!(state.last_event.is_some());
}

#[tokio::test]
async fn by_email_the_platform_mails_the_invoice_attached_and_off_deactivates_only_our_hook() {
    let sb = common::sandbox(Seed::Demo).await;
    let home = tempfile::tempdir().unwrap();
    let engine = signed_in(&sb, home.path()).await;
    // A bookkeeping package's hook, which the app must leave alone.
    let theirs = common::client(&sb)
        .put_hook(&Hook::new(
            "Boekhoudpakket",
            "mailto:boekhouding@voorbeeld.nl",
            &["InvoiceSent"],
        ))
        .await
        .unwrap();

    let bad = ReceiveChannel {
        kind: ChannelKind::Mail,
        mail_address: Some("geen adres".into()),
        public_url: None,
        listen: None,
    };
    assert!(engine.set_receive_channel(bad).await.is_err());

    let mail = ReceiveChannel {
        kind: ChannelKind::Mail,
        mail_address: Some("facturen@voorbeeld.nl".into()),
        public_url: None,
        listen: None,
    };
    let state = engine.set_receive_channel(mail).await.unwrap();
    assert!(state.registered && state.listening.is_none(), "{state:?}");
    sb.add_received(ReceivedInvoice {
        party_id: PARTY.into(),
        invoice_number: Some("MAIL-1".into()),
        ..Default::default()
    })
    .unwrap();
    let mailed = common::eventually(WAIT, || async {
        let mails = sb.mails().to_string();
        mails.contains("facturen@voorbeeld.nl") && mails.contains("MAIL-1")
    })
    .await;
    assert!(mailed, "the mail with the invoice attached: {}", sb.mails());

    let off = ReceiveChannel {
        kind: ChannelKind::None,
        public_url: None,
        listen: None,
        mail_address: None,
    };
    let state = engine.set_receive_channel(off).await.unwrap();
    assert!(!state.registered);
    let hooks = environment_hooks(&sb).await;
    let still_theirs = hooks
        .iter()
        .find(|h| h.id == theirs.id)
        .expect("their hook stays");
    assert_eq!(still_theirs.action, "mailto:boekhouding@voorbeeld.nl");
    assert!(still_theirs.is_active);
    assert_eq!(
        hooks.iter().filter(|h| h.is_active).count(),
        1,
        "ours is off, not deleted: {hooks:?}"
    );
    assert_eq!(hooks.len(), 2);
}

#[tokio::test]
async fn the_demo_receives_its_invoices_by_hook_from_the_embedded_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let engine = common::demo_engine(home.path()).await;
    engine.sign_in_sandbox().await.unwrap();
    let arrived = common::eventually(Duration::from_secs(30), || async {
        let Ok(store) = engine.store().await else {
            return false;
        };
        let events = store.hook_events().await.unwrap_or_default();
        let received = events
            .iter()
            .filter(|e| e.topic == "InvoiceReceived")
            .count();
        let state = engine.receive_channel().await;
        received > 0 && state.is_ok_and(|s| s.registered && s.last_event.is_some())
    })
    .await;
    assert!(arrived, "the demo's received invoices come by hook");
    // Demo invoices stay out of the user's Documents.
    let folder = engine.receive_folder().await.unwrap();
    assert!(
        folder
            .path
            .starts_with(&home.path().to_string_lossy().to_string()),
        "{}",
        folder.path
    );
}

#[tokio::test]
async fn the_apps_embedded_demo_platform_has_no_test_controls() {
    let home = tempfile::tempdir().unwrap();
    let engine = common::demo_engine(home.path()).await;
    let info = engine.sign_in_sandbox().await.unwrap();
    let base = info.api_base.trim_end_matches('/').to_string();
    let http = reqwest::Client::new();
    for (method, path) in [
        ("POST", "/_sandbox/faults"),
        ("POST", "/_sandbox/received"),
        ("GET", "/_sandbox/mails"),
        ("POST", "/_sandbox/maintenance"),
    ] {
        let request = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .json(&serde_json::json!({"kind": "reset"}));
        let status = request.send().await.unwrap().status();
        assert_eq!(status.as_u16(), 404, "{method} {path}");
    }
    // The platform itself answers.
    assert_eq!(
        http.get(format!("{base}/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}
