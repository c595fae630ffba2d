//! `econnect login/logout/sync/documents` (the built binary) against `econnect sandbox` in a
//! separate process: `sync` brings the organisations and then the statuses of the documents
//! sent from here, `documents` lists those with file name and status, also after the sandbox
//! is gone; login without a keyring says so.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_econnect");

struct Sandbox {
    child: Child,
    url: String,
}

impl Sandbox {
    fn start() -> Sandbox {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--addr", "127.0.0.1:0", "--seed", "demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        Sandbox { child, url }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An `econnect` command on a data folder, against the sandbox, without inherited settings.
fn econnect(home: &Path, url: &str) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ECONNECT_") && key != "ECONNECT_TEST_SECRET_SERVICE" {
            cmd.env_remove(key);
        }
    }
    cmd.env("ECONNECT_HOME", home)
        .env("ECONNECT_API_BASE", url)
        .env("ECONNECT_CUSTOM_CLIENT_ID", "econnect-desktop")
        .env("ECONNECT_CUSTOM_CLIENT_SECRET", "sandbox");
    cmd
}

fn with_password(mut cmd: Command) -> Command {
    cmd.env("ECONNECT_USERNAME", "demo@voorbeeld.nl")
        .env("ECONNECT_PASSWORD", "demo");
    cmd
}

fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A PDF the sandbox accepts as an invoice (over 1 KB).
fn pdf(dir: &Path, name: &str, marker: &str) -> std::path::PathBuf {
    let mut bytes = format!("%PDF-1.4\n% {marker}\n").into_bytes();
    bytes.resize(4090, b'0');
    bytes.extend_from_slice(b"%%EOF\n");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Moves the sandbox's clock (a test control; the platform has no such path).
fn advance(url: &str, seconds: i64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{url}/_sandbox/time/advance"))
            .json(&serde_json::json!({ "seconds": seconds }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    });
}

#[test]
fn sync_updates_the_statuses_of_documents_sent_from_here_and_documents_lists_them_also_offline() {
    let mut sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let out = run(with_password(econnect(home.path(), &sb.url)), &["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("12 organisaties"),
        "{}",
        text(&out)
    );
    // Nothing was sent from here yet: no documents (the platform has no list of them).
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &["documents", "--json"],
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 0, "{}", text(&out));

    let good = pdf(files.path(), "inkoop maart.pdf", "factuur");
    let reminder = pdf(files.path(), "herinnering.pdf", "NOT-AN-INVOICE");
    for file in [&good, &reminder] {
        let out = run(
            with_password(econnect(home.path(), &sb.url)),
            &[
                "recognize",
                "--org",
                "NL:KVK:30187412",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &["documents"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for line in &lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields[2], "Pending", "{line}");
        assert!(
            ["inkoop maart.pdf", "herinnering.pdf"].contains(&fields[3]),
            "the file name: {line}"
        );
    }

    advance(&sb.url, 600);
    let out = run(with_password(econnect(home.path(), &sb.url)), &["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("2 van 2 open documenten nagevraagd, 2 status(sen) gewijzigd"),
        "{}",
        text(&out)
    );
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &["documents", "--status", "rejected", "--json"],
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["fileName"], "herinnering.pdf");

    sb.stop();
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &["documents"],
    );
    assert!(out.status.success(), "reads work offline: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let mut statuses: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[3], f[2])
        })
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [
            ("herinnering.pdf", "Rejected"),
            ("inkoop maart.pdf", "Delivered")
        ],
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("offline sinds"),
        "{}",
        text(&out)
    );
    let out = run(with_password(econnect(home.path(), &sb.url)), &["sync"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("niet bereikbaar"), "{}", text(&out));
}

#[test]
fn wrong_password_and_no_session_are_explained() {
    let sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = econnect(home.path(), &sb.url);
    cmd.env("ECONNECT_USERNAME", "demo@voorbeeld.nl")
        .env("ECONNECT_PASSWORD", "fout");
    let out = run(cmd, &["sync"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("Onjuist wachtwoord"), "{}", text(&out));
    let mut cmd = econnect(home.path(), &sb.url);
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/econnect-test-bus",
    );
    let out = run(cmd, &["documents"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("econnect login"), "{}", text(&out));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "Windows always has its Credential Manager: no D-Bus to point away, no keyring-less machine to imitate"
)]
fn login_without_a_keyring_says_the_password_was_not_kept() {
    let sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = econnect(home.path(), &sb.url);
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/econnect-test-bus",
    )
    .args(["login", "--user", "demo@voorbeeld.nl"])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"demo\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("geen sleutelhanger"), "{}", text(&out));
    assert!(
        !home.path().join("session.json").exists(),
        "nothing to restore without a keyring"
    );
}

#[test]
#[cfg_attr(
    not(windows),
    ignore = "needs a Secret Service (a D-Bus session with an unlocked keyring); scripts/test.sh runs it inside one"
)]
fn login_sync_logout_with_the_os_keyring() {
    let mut sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = econnect(home.path(), &sb.url);
    cmd.args(["login", "--user", "demo@voorbeeld.nl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"demo\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("bewaard"), "{}", text(&out));

    let out = run(econnect(home.path(), &sb.url), &["sync"]);
    assert!(
        out.status.success(),
        "the keyring's password is used: {}",
        text(&out)
    );
    sb.stop();
    let out = run(econnect(home.path(), &sb.url), &["documents", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        page["total"].is_u64(),
        "the local documents are readable offline"
    );

    let out = run(econnect(home.path(), &sb.url), &["logout"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(econnect(home.path(), &sb.url), &["documents"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("econnect login"), "{}", text(&out));
}
