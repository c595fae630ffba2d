//! `econnect watch` as a process: takes files from a --dir, moves them, stops on SIGTERM.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_econnect");

fn wait_for(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn pdf(size: usize, text: &str) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% {text}\n").into_bytes();
    bytes.resize(size, b' ');
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

#[test]
#[cfg_attr(
    windows,
    ignore = "stops the process with SIGTERM, which Windows has not (a console control event reaches only processes sharing the console)"
)]
fn watch_sends_moves_and_stops_cleanly_on_sigterm() {
    let mut sandbox = Command::new(BIN)
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox");
    let mut line = String::new();
    BufReader::new(sandbox.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let home = tempfile::tempdir().expect("home");
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("al-aanwezig.pdf"),
        pdf(4000, "voor de start"),
    )
    .expect("write");
    let watch = Command::new(BIN)
        .args([
            "watch",
            "--dir",
            dir.path().to_str().expect("utf8"),
            "--org",
            "NL:KVK:30187412",
        ])
        .env("ECONNECT_API_BASE", &url)
        .env("ECONNECT_HOME", home.path())
        .env("ECONNECT_USERNAME", "demo@voorbeeld.nl")
        .env("ECONNECT_PASSWORD", "demo")
        .env("ECONNECT_CUSTOM_CLIENT_ID", "econnect-desktop")
        .env("ECONNECT_CUSTOM_CLIENT_SECRET", "sandbox")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch");
    std::fs::write(
        dir.path().join("nieuw.pdf"),
        pdf(4000, "tijdens het volgen"),
    )
    .expect("write");
    std::fs::write(dir.path().join("klein.pdf"), b"%PDF-1.4 te klein").expect("write");
    let done = dir.path().join("Verwerkt");
    let count = || {
        std::fs::read_dir(&done)
            .map(|d| {
                d.flatten()
                    .map(|m| std::fs::read_dir(m.path()).map(|f| f.count()).unwrap_or(0))
                    .sum::<usize>()
            })
            .unwrap_or(0)
    };
    wait_for(Duration::from_secs(30), "two files in Verwerkt", || {
        count() == 2
    });
    wait_for(Duration::from_secs(30), "the small file in Mislukt", || {
        dir.path()
            .join("Mislukt")
            .join("klein.pdf.reden.txt")
            .exists()
    });
    common::terminate(&watch);
    let out = watch.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\tverzonden\t").count(), 2, "{text}");
    assert!(
        text.contains("klein.pdf\tmislukt\tBestand te klein"),
        "{text}"
    );
    let _ = sandbox.kill();
    let _ = sandbox.wait();
}

/// `watch` runs the app's session: with "this computer can be reached" saved in the
/// profile (Instellingen → Ontvangen), it registers its hook and writes an announced
/// invoice to the receive folder while it sends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    windows,
    ignore = "stops the process with SIGTERM, which Windows has not (a console control event reaches only processes sharing the console)"
)]
async fn watch_receives_through_the_saved_receive_channel() {
    use econnect_sandbox::{ReceivedInvoice, SandboxConfig, Seed};
    use std::sync::{Arc, Mutex};

    let sb = econnect_sandbox::spawn(SandboxConfig {
        seed: Seed::Demo,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let user_home = tempfile::tempdir().expect("user home");
    let dir = tempfile::tempdir().expect("dir");
    // A free loopback port for the receiver (the sandbox delivers to loopback only).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let environment = econnect_engine::Environment::Custom {
        api_base: sb.url(),
        identity_base: None,
    };
    let database = econnect_store::profile_database_path(
        home.path(),
        &environment.profile(econnect_sandbox::DEMO_USER),
    );
    let profile = database.parent().expect("profile folder");
    std::fs::create_dir_all(profile).expect("profile folder");
    std::fs::write(
        profile.join("receive-channel.json"),
        serde_json::json!({
            "kind": "public",
            "publicUrl": format!("http://127.0.0.1:{port}/econnect-hook"),
            "listen": format!("127.0.0.1:{port}"),
        })
        .to_string(),
    )
    .expect("channel");

    let mut watch = Command::new(BIN)
        .args(["watch", "--dir", dir.path().to_str().expect("utf8")])
        .args(["--org", "NL:KVK:30187412"])
        .env("HOME", user_home.path())
        .env("ECONNECT_API_BASE", sb.url())
        .env("ECONNECT_HOME", home.path())
        .env("ECONNECT_USERNAME", econnect_sandbox::DEMO_USER)
        .env("ECONNECT_PASSWORD", econnect_sandbox::DEMO_PASSWORD)
        .env("ECONNECT_CUSTOM_CLIENT_ID", econnect_sandbox::CLIENT_ID)
        .env(
            "ECONNECT_CUSTOM_CLIENT_SECRET",
            econnect_sandbox::CLIENT_SECRET,
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let stdout = watch.stdout.take().expect("stdout");
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().expect("lines").push(line);
        }
    });

    // The hook is registered by the session, not by the test.
    let admin = common::admin_client(&sb);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let hooks = admin.hooks().await.expect("hooks");
        if hooks.iter().any(|h| {
            h.action
                .contains(&format!("127.0.0.1:{port}/econnect-hook"))
        }) {
            break;
        }
        assert!(Instant::now() < deadline, "no hook registered: {hooks:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sb.add_received(ReceivedInvoice {
        party_id: "NL:KVK:30187412".into(),
        invoice_number: Some("WATCH-1".into()),
        ..Default::default()
    })
    .expect("received");
    std::fs::write(
        dir.path().join("verkoop.pdf"),
        pdf(4000, "tijdens ontvangen"),
    )
    .expect("pdf");

    let written = || {
        // The default receive folder: Documents/eConnect, or ~/eConnect without one.
        common::xml_files(user_home.path()).len()
    };
    let sent = || {
        lines
            .lock()
            .expect("lines")
            .iter()
            .any(|l| l.contains("\tverzonden\t"))
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while written() != 1 || !sent() {
        assert!(
            Instant::now() < deadline,
            "invoice on disk: {}, sent: {}, lines: {:?}",
            written(),
            sent(),
            lines.lock().expect("lines")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    common::terminate(&watch);
    let status = watch.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    assert_eq!(written(), 1, "the invoice is written once");
}
