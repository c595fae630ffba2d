//! A seeded mutation fuzzer of preflight, bounded so it runs in every CI run: random bytes
//! and mutations (bit flips, truncation, splices, duplicated and deleted ranges, inserted
//! tokens) of the sample PDFs, images and XML, each through `preflight::preflight` with a
//! time limit. An input that panics, hangs or breaks the verdict's invariants is written to
//! `tests/fuzz-regressions/` and the test fails naming it; every file kept there is
//! replayed by the second test.
//!
//! Longer by hand: `ECONNECT_FUZZ_ITERATIONS=200000 cargo test --release -p econnect-intake
//! --test fuzz_preflight` (`ECONNECT_FUZZ_SEED` picks another sequence of inputs).

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use econnect_intake::checks::CHECK_STACK_BYTES;
use econnect_intake::{Direction, Preflight, preflight, samples};

/// Inputs per CI run: 20-45 s in a debug build on a busy 2-core machine.
const ITERATIONS: u64 = 5_000;
const SEED: u64 = 0x0EC0_11EC_7F22_2026;
/// Longest one input may take: real checks take milliseconds even in a debug build.
const LIMIT: Duration = Duration::from_secs(10);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

/// The input being checked, kept on disk while it is: if the process dies on it (a stack
/// overflow, running out of memory), the next run of this seed and build finds it here.
/// Named by both, so a debug and a release run at the same time keep apart.
fn inflight(seed: u64) -> PathBuf {
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-preflight-{build}-{seed:x}.bin"))
}

/// SplitMix64: small, fast and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

/// The seeds: every kind of file the intake meets, plus the kept regressions.
fn corpus() -> Vec<Vec<u8>> {
    let mut files = vec![
        samples::pdf(3000, "F-1"),
        samples::pdf(12_000, "F-2"),
        samples::encrypted_pdf(),
        samples::factur_x_pdf(true, false),
        samples::factur_x_pdf(false, true),
        samples::jpeg(3000),
        samples::png(3000),
        samples::bmp(3000),
        samples::ubl_invoice("F-3", true).into_bytes(),
        samples::ubl_invoice("F-4", false).into_bytes(),
        samples::cii_invoice("C-1").into_bytes(),
        utf16le(&samples::ubl_invoice("F-5", true)),
        samples::ubl_invoice("F-6", true)
            .replacen("UTF-8", "ISO-8859-1", 1)
            .into_bytes(),
    ];
    files.extend(
        regressions()
            .into_iter()
            .filter_map(|p| std::fs::read(p).ok()),
    );
    files
}

/// Bytes that mean something to the PDF and XML parsers.
const TOKENS: &[&[u8]] = &[
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b" 0 R",
    b" 1 0 obj\n",
    b"endobj\n",
    b"stream\n",
    b"\nendstream",
    b"xref\n0 1\n0000000000 65535 f \n",
    b"trailer\n<< /Root 1 0 R /Size 9 >>\n",
    b"startxref\n0\n%%EOF\n",
    b"%PDF-1.7\n",
    b"/Type /Catalog",
    b"/Names << /EmbeddedFiles << /Kids [1 0 R] >> >>",
    b"/AF [1 0 R]",
    b"/Filter /FlateDecode",
    b"/Length 999999999",
    b"/Encrypt",
    b"/ObjStm /N 99 /First 0",
    b"<",
    b"</",
    b"/>",
    b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>",
    b"<!DOCTYPE a [<!ENTITY e \"x\">]>",
    b"&e;",
    b"&#xD800;",
    b"<![CDATA[",
    b"xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\x00",
];

const INTERESTING: &[u8] = &[
    0, 0xFF, 0x7F, 0x80, b'[', b'<', b'(', b'0', b'9', b'\n', b'%',
];

/// One mutated (or random) input.
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = if rng.chance(8) {
        let len = 1024 + rng.below(8192);
        let mut random: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if rng.chance(50) {
            let magic = [
                b"%PDF-1.4\n".as_slice(),
                b"<?xml ",
                b"\xFF\xD8\xFF",
                b"BM",
                b"<a>",
            ];
            let m = magic[rng.below(magic.len())];
            random.splice(0..0, m.iter().copied());
        }
        random
    } else {
        corpus[rng.below(corpus.len())].clone()
    };
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(10) {
            0 | 1 => {
                let at = rng.below(len);
                if let Some(b) = data.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            2 => {
                let at = rng.below(len);
                if let Some(b) = data.get_mut(at) {
                    *b = INTERESTING[rng.below(INTERESTING.len())];
                }
            }
            3 => {
                // Mostly keep a kilobyte: smaller files are refused before any parser.
                let at = if rng.chance(80) {
                    1024 + rng.below(len.saturating_sub(1024))
                } else {
                    rng.below(len)
                };
                data.truncate(at.min(len));
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let at = rng.below(len);
                let from = rng.below(other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            5 => {
                let a = rng.below(len);
                let b = (a + rng.below(512)).min(len);
                let copy = data[a..b].to_vec();
                let at = rng.below(data.len());
                let times = if rng.chance(10) { 1 + rng.below(64) } else { 1 };
                for _ in 0..times {
                    data.splice(at..at, copy.iter().copied());
                }
            }
            6 => {
                let a = rng.below(len);
                let b = (a + rng.below(256)).min(len);
                data.drain(a..b);
            }
            7 => {
                let at = rng.below(len);
                let n = rng.below(32);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            _ => {
                let at = rng.below(len);
                let token = TOKENS[rng.below(TOKENS.len())];
                let times = if rng.chance(5) {
                    1 + rng.below(2000)
                } else {
                    1
                };
                let run: Vec<u8> = token.repeat(times);
                data.splice(at..at, run);
            }
        }
    }
    data.truncate(256 * 1024);
    data
}

/// What went wrong with one input, if anything.
fn check_one(path: &Path, direction: Direction, limit: Duration) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let input = path.to_path_buf();
    std::thread::Builder::new()
        .name("fuzz-preflight".into())
        .stack_size(CHECK_STACK_BYTES)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| preflight::preflight(&input, direction));
            let _ = tx.send(result);
        })
        .map_err(|e| format!("no thread: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(Ok(p)) => invariants(&p),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {what}"))
        }
        // The thread is left hanging; the test fails and the process ends it.
        Err(_) => Err(format!("took longer than {limit:?}")),
    }
}

/// A verdict is either a route or a refusal, never both or neither.
fn invariants(p: &Preflight) -> Result<(), String> {
    if p.route.is_some() == p.refusal.is_some() {
        return Err(format!("route {:?} with refusal {:?}", p.route, p.refusal));
    }
    Ok(())
}

/// Keeps a failing input as a regression file; its path.
fn keep(bytes: &[u8], what: &str) -> PathBuf {
    let dir = regressions_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let name = format!("{what}-{}.bin", &preflight::sha256_hex(bytes)[..16]);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn regressions() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(regressions_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "bin"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn preflight_survives_random_and_mutated_files() {
    let seed = env_u64("ECONNECT_FUZZ_SEED").unwrap_or(SEED);
    let inflight = inflight(seed);
    if let Ok(bytes) = std::fs::read(&inflight) {
        let kept = keep(&bytes, "died");
        let _ = std::fs::remove_file(&inflight);
        panic!(
            "an earlier fuzz run died (or was stopped) while checking {}: replay it with the \
             regression test, fix the cause, keep the file",
            kept.display()
        );
    }
    let iterations = env_u64("ECONNECT_FUZZ_ITERATIONS").unwrap_or(ITERATIONS);
    let limit = env_u64("ECONNECT_FUZZ_LIMIT_SECS").map_or(LIMIT, Duration::from_secs);
    let corpus = corpus();
    let mut rng = Rng(seed);
    let started = Instant::now();
    for i in 0..iterations {
        let bytes = mutate(&mut rng, &corpus);
        std::fs::write(&inflight, &bytes).unwrap();
        let direction = if i % 2 == 0 {
            Direction::Purchase
        } else {
            Direction::Sales
        };
        if let Err(problem) = check_one(&inflight, direction, limit) {
            let kept = keep(&bytes, "crash");
            let _ = std::fs::remove_file(&inflight);
            panic!(
                "input {i} of seed {seed:#x}: preflight {problem}; kept as {}",
                kept.display()
            );
        }
    }
    let _ = std::fs::remove_file(&inflight);
    eprintln!(
        "fuzzed {iterations} inputs (seed {seed:#x}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn every_kept_regression_input_is_checked_without_a_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let files = regressions();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let input = dir.path().join("input.bin");
        std::fs::write(&input, &bytes).unwrap();
        for direction in [Direction::Purchase, Direction::Sales] {
            if let Err(problem) = check_one(&input, direction, LIMIT) {
                panic!("{}: preflight {problem}", file.display());
            }
        }
    }
    // The regressions kept so far (a file removed by mistake shows here).
    assert!(files.len() >= KEPT, "{} regression files", files.len());
}

/// How many regression files are kept in `tests/fuzz-regressions/`.
const KEPT: usize = 11;
