//! The built `econnect` binary against `econnect sandbox` (a separate process).

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_econnect");
const VARS: [&str; 10] = [
    "ECONNECT_API_BASE",
    "ECONNECT_IDENTITY_BASE",
    "ECONNECT_USERNAME",
    "ECONNECT_PASSWORD",
    "ECONNECT_CLIENT_ID",
    "ECONNECT_CLIENT_SECRET",
    "ECONNECT_CUSTOM_CLIENT_ID",
    "ECONNECT_CUSTOM_CLIENT_SECRET",
    "ECONNECT_HOME",
    "ECONNECT_SUBSCRIPTION_KEY",
];

/// `econnect sandbox` running in the background; killed when dropped.
struct Sandbox {
    child: Child,
    url: String,
    /// The data folder of the commands (their ledger and outbox), never the user's own.
    home: tempfile::TempDir,
}

impl Sandbox {
    fn start() -> Sandbox {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--addr", "127.0.0.1:0", "--seed", "demo"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start econnect sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let url = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let home = tempfile::tempdir().expect("home");
        Sandbox { child, url, home }
    }

    /// An `econnect` command with the sandbox's URL and the demo credentials.
    fn command(&self, user: &str, password: &str) -> Command {
        let mut cmd = Command::new(BIN);
        for var in VARS {
            cmd.env_remove(var);
        }
        cmd.env("ECONNECT_API_BASE", &self.url)
            .env("ECONNECT_HOME", self.home.path())
            .env("ECONNECT_USERNAME", user)
            .env("ECONNECT_PASSWORD", password)
            .env("ECONNECT_CUSTOM_CLIENT_ID", "econnect-desktop")
            .env("ECONNECT_CUSTOM_CLIENT_SECRET", "sandbox");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command("demo@voorbeeld.nl", "demo")
            .args(args)
            .output()
            .expect("run econnect")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn pdf(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    let mut bytes = b"%PDF-1.4\n% factuur\n".to_vec();
    bytes.resize(size - 6, b'0');
    bytes.extend_from_slice(b"%%EOF\n");
    std::fs::write(&path, bytes).expect("write");
    path
}

#[test]
fn whoami_prints_the_signed_in_user() {
    let sandbox = Sandbox::start();
    let out = sandbox.run(&["whoami"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().next(), Some("demo@voorbeeld.nl"));
}

#[test]
fn whoami_with_a_wrong_password_fails_in_dutch() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .command("demo@voorbeeld.nl", "fout")
        .arg("whoami")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Onjuist wachtwoord of gebruikersnaam"),
        "{}",
        stderr(&out)
    );
    let out = sandbox
        .command("geblokkeerd@voorbeeld.nl", "demo")
        .arg("whoami")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("geblokkeerd"), "{}", stderr(&out));
}

#[test]
fn missing_credentials_are_explained() {
    let mut cmd = Command::new(BIN);
    for var in VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .args(["--api-base", "http://127.0.0.1:9", "whoami"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ECONNECT_USERNAME"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_custom_address_does_not_get_the_platform_client() {
    let mut cmd = Command::new(BIN);
    for var in VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .env("ECONNECT_CLIENT_ID", "econnect-desktop")
        .env("ECONNECT_CLIENT_SECRET", "production-secret")
        .args(["--api-base", "http://127.0.0.1:9", "whoami"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ECONNECT_CUSTOM_CLIENT_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn orgs_json_lists_the_organisations() {
    let sandbox = Sandbox::start();
    let out = sandbox.run(&["orgs", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parties: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let list = parties.as_array().expect("array");
    assert_eq!(list.len(), 12);
    assert!(
        list.iter()
            .all(|p| p["id"].as_str().is_some_and(|id| id.starts_with("0106:")))
    );
    assert_eq!(list[0]["permissions"]["canSendDocument"], true);
    let table = sandbox.run(&["orgs"]);
    assert_eq!(stdout(&table).lines().count(), 12);
}

#[test]
fn recognize_reports_each_file_and_fails_when_one_failed() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = pdf(dir.path(), "goed.pdf", 4096);
    let bad = pdf(dir.path(), "te-klein.pdf", 100);
    let out = sandbox.run(&[
        "recognize",
        "--org",
        "NL:KVK:30187412",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let (path, id) = lines[0].split_once('\t').expect("tab");
    assert!(path.ends_with("goed.pdf"));
    // Content-addressed: `ecp-` and 40 hex characters for a purchase invoice's first send.
    assert!(
        id.starts_with("ecp-") && id.len() == 44,
        "document id, got {id:?}"
    );
    assert!(
        lines[1].contains("te-klein.pdf") && lines[1].contains("FOUT"),
        "{}",
        lines[1]
    );

    // The same file again is a duplicate (the ledger knows it) unless forced.
    let out = sandbox.run(&[
        "recognize",
        "--org",
        "0106:30187412",
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("FOUT: Al verzonden op "),
        "{}",
        stdout(&out)
    );

    // Only the good file, forced: success, and its status can be read back.
    let out = sandbox.run(&[
        "recognize",
        "--org",
        "0106:30187412",
        "--force",
        good.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    let id = text.trim().split_once('\t').expect("tab").1.to_string();
    let status = sandbox.run(&[
        "document-status",
        "--org",
        "iso6523-actorid-upis::0106:30187412",
        &id,
    ]);
    assert!(status.status.success(), "{}", stderr(&status));
    assert!(stdout(&status).contains("Pending"), "{}", stdout(&status));
}

#[test]
fn recognize_of_a_file_the_platform_already_has_succeeds_and_says_so() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = pdf(dir.path(), "al-verstuurd.pdf", 5000);
    let first = sandbox.run(&[
        "recognize",
        "--org",
        "NL:KVK:30187412",
        file.to_str().unwrap(),
    ]);
    assert!(first.status.success(), "{}", stdout(&first));
    let first_id = stdout(&first)
        .trim()
        .split_once('\t')
        .expect("tab")
        .1
        .to_string();
    // A second installation (another data folder, so its ledger does not know the file):
    // the platform answers 409 to the same content id, which is success.
    let other_home = tempfile::tempdir().expect("second home");
    let again = sandbox
        .command("demo@voorbeeld.nl", "demo")
        .env("ECONNECT_HOME", other_home.path())
        .args([
            "recognize",
            "--org",
            "0106:30187412",
            file.to_str().unwrap(),
        ])
        .output()
        .expect("run econnect");
    let text = stdout(&again);
    assert_eq!(again.status.code(), Some(0), "{text}{}", stderr(&again));
    assert!(
        !text.contains("weigerde") && !text.contains("FOUT"),
        "{text}"
    );
    let fields: Vec<&str> = text.trim().split('\t').collect();
    assert_eq!(fields.len(), 3, "{text}");
    assert_eq!(fields[1], first_id, "the same document");
    assert_eq!(fields[2], "het platform heeft dit bestand al");
}

#[test]
fn no_access_to_an_organisation_is_explained() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .command("medewerker@voorbeeld.nl", "demo")
        .args([
            "document-status",
            "--org",
            "NL:KVK:81456302",
            "--sales",
            "x",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Geen toegang tot deze organisatie"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn sandbox_stops_cleanly_on_sigterm() {
    let mut sandbox = Sandbox::start();
    let pid = sandbox.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = sandbox.child.wait().expect("wait");
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn sandbox_with_the_empty_seed_has_one_organisation() {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--seed", "empty"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let sandbox = Sandbox {
        child,
        url: line
            .trim_end()
            .trim_start_matches("listening on ")
            .to_string(),
        home: tempfile::tempdir().expect("home"),
    };
    let out = sandbox.run(&["orgs", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parties: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(parties.as_array().map(Vec::len), Some(1));
}

#[test]
fn bench_upload_runs_and_prints_its_figures() {
    let out = Command::new(BIN)
        .args([
            "bench",
            "upload",
            "--files",
            "24",
            "--size-kb",
            "2",
            "--concurrency",
            "4",
            "--rounds",
            "1",
        ])
        .output()
        .expect("run bench");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for label in ["client:", "raw:", "ratio:", "peak RSS"] {
        assert!(
            text.lines().any(|l| l.starts_with(label)),
            "{label} missing in {text}"
        );
    }
}

#[test]
fn bench_receive_lands_every_hook_delivered_invoice_and_prints_its_ratios() {
    let out = Command::new(BIN)
        .args(["bench", "receive", "--invoices", "20", "--rounds", "2"])
        .output()
        .expect("run bench");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("op schijf: 40 facturen")),
        "files on disk missing in {text}"
    );
    // One engine / bare receiver ratio per round, paired.
    let paired = text
        .lines()
        .find_map(|l| l.strip_prefix("per ronde (engine / kale ontvanger, direct na elkaar): "))
        .map(|r| r.split(' ').filter_map(|x| x.parse::<f64>().ok()).count());
    assert_eq!(paired, Some(2), "per-round ratios in {text}");
    for prefix in [
        "verhouding gelijk tegen gelijk",
        "verhouding engine / kale downloadlus",
    ] {
        let ratio = text
            .lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(": ").next())
            .and_then(|r| r.trim_end_matches('×').parse::<f64>().ok());
        assert!(
            ratio.is_some_and(|r| r > 0.0),
            "no ratio '{prefix}' in {text}"
        );
    }
}

#[test]
fn recognize_retries_a_broken_upload_with_the_same_document_id() {
    let sandbox = Sandbox::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let control = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        runtime.block_on(async {
            let mut request =
                reqwest::Client::new().request(method, format!("{}{path}", sandbox.url));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.expect("control call");
            assert!(response.status().is_success());
            response
                .json::<serde_json::Value>()
                .await
                .unwrap_or(serde_json::Value::Null)
        })
    };
    control(
        reqwest::Method::POST,
        "/_sandbox/faults",
        Some(serde_json::json!({ "kind": "reset", "next": 1, "pathContains": "recognize" })),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = pdf(dir.path(), "herhaal.pdf", 30_000);
    let out = sandbox.run(&[
        "recognize",
        "--org",
        "NL:KVK:30187412",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let counters = control(reqwest::Method::GET, "/_sandbox/counters", None);
    assert_eq!(counters["faultsInjected"], 1, "{counters}");
    assert_eq!(
        counters["documentsCreated"]["0106:30187412"], 1,
        "{counters}"
    );
    let requests = control(reqwest::Method::GET, "/_sandbox/requests", None);
    let ids: Vec<&str> = requests
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/recognize"))
        })
        .filter_map(|r| r["headers"]["x-econnect-documentid"].as_str())
        .collect();
    assert_eq!(ids.len(), 2, "two attempts");
    assert_eq!(ids[0], ids[1], "the retry reused the document id");
}
