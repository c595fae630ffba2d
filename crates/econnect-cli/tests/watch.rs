//! `econnect watch` as a process: takes files from a --dir, moves them, stops on SIGTERM.

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

#[cfg(unix)]
#[test]
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
    let pid = watch.id() as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
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
