//! `econnect login/logout/sync/documents` (the built binary) against `econnect sandbox` in a
//! separate process: the cache is filled by `sync` and read by `documents`, also after the
//! sandbox is gone; login without a keyring says so.

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
        .env("ECONNECT_CLIENT_ID", "econnect-desktop")
        .env("ECONNECT_CLIENT_SECRET", "sandbox");
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

#[test]
fn sync_fills_the_cache_that_documents_reads_also_offline() {
    let mut sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let out = run(with_password(econnect(home.path(), &sb.url)), &["sync"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("12 organisaties"),
        "{}",
        text(&out)
    );

    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &[
            "documents",
            "--org",
            "NL:KVK:30187412",
            "--json",
            "--limit",
            "100",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 9, "6 sent + 3 received");
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &[
            "documents",
            "--org",
            "NL:KVK:30187412",
            "--status",
            "rejected",
            "--json",
        ],
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["status"], "Rejected");

    sb.stop();
    let out = run(
        with_password(econnect(home.path(), &sb.url)),
        &["documents", "--org", "NL:KVK:30187412"],
    );
    assert!(out.status.success(), "reads work offline: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 9, "{stdout}");
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
fn login_sync_logout_with_the_secret_service() {
    if std::env::var("ECONNECT_TEST_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!(
            "skipped: set ECONNECT_TEST_SECRET_SERVICE=1 inside a D-Bus session with an unlocked keyring"
        );
        return;
    }
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
    assert!(page["total"].as_u64().unwrap() > 100);

    let out = run(econnect(home.path(), &sb.url), &["logout"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(econnect(home.path(), &sb.url), &["documents"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("econnect login"), "{}", text(&out));
}
