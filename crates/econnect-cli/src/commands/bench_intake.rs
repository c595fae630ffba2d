//! `econnect bench intake`: the intake engine against an in-process sandbox.
//! (a) files of 50–500 KB written into a watched folder until all are accepted, against a
//!     bare upload loop over the same files in the same run (ratio);
//! (b) pickup latency from a file's close to its "wachten" event, files written one by one;
//! (c) peak RSS of the engine at 10,000 vs 1,000 files (child processes; the sandbox stays
//!     in this process, so its memory is not counted).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_intake::{Direction, Intake, IntakeConfig, Layout, Stage, WatchedFolder, samples};
use econnect_sandbox::{SandboxConfig, Seed};
use econnect_store::Store;
use futures_util::stream::{self, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use url::Url;

/// Options of `econnect bench intake`.
#[derive(Debug, Args)]
pub struct BenchIntakeArgs {
    /// Files for the throughput run (a).
    #[arg(long, default_value_t = 1000)]
    pub files: usize,
    /// Smallest file, KiB.
    #[arg(long, default_value_t = 50)]
    pub min_kb: usize,
    /// Largest file, KiB.
    #[arg(long, default_value_t = 500)]
    pub max_kb: usize,
    /// Uploads in flight (engine and baseline alike).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Files written one by one for the latency run (b).
    #[arg(long, default_value_t = 200)]
    pub latency_files: usize,
    /// Pause between files in the latency run, ms.
    #[arg(long, default_value_t = 25)]
    pub latency_gap_ms: u64,
    /// The two file counts of the memory run (c).
    #[arg(long, default_value = "1000,10000")]
    pub rss_files: String,
    /// Delay every upload answer by this many ms (the sandbox's `slow` fault), for both
    /// sides: a stand-in for the network and the platform, which loopback does not have.
    #[arg(long, default_value_t = 0)]
    pub platform_delay_ms: u64,
    /// Skip the memory run.
    #[arg(long)]
    pub no_rss: bool,
    /// Internal: run one memory child against this sandbox URL with `--files` files.
    #[arg(long, hide = true)]
    pub rss_child: Option<String>,
}

fn demo_credentials() -> Credentials {
    Credentials::Password {
        username: econnect_sandbox::DEMO_USER.into(),
        password: econnect_sandbox::DEMO_PASSWORD.into(),
        client_id: econnect_sandbox::CLIENT_ID.into(),
        client_secret: econnect_sandbox::CLIENT_SECRET.into(),
    }
}

fn client_for(url: &str) -> Result<Client, String> {
    let base = Url::parse(url).map_err(|e| e.to_string())?;
    Client::new(
        Config::new(base.clone(), base, demo_credentials()).with_timeout(Duration::from_secs(60)),
    )
    .map_err(|e| e.to_string())
}

const PARTY: &str = "0106:30187412";

/// Runs the benchmark and prints its figures.
pub async fn run(args: &BenchIntakeArgs) -> Result<ExitCode, String> {
    if let Some(url) = &args.rss_child {
        return rss_child(url, args.files).await;
    }
    let sandbox = econnect_sandbox::spawn(SandboxConfig {
        addr: "127.0.0.1:0".parse().map_err(|_| "addr")?,
        seed: Seed::Demo,
    })
    .await
    .map_err(|e| format!("sandbox: {e}"))?;
    let url = sandbox.url();
    if args.platform_delay_ms > 0 {
        let rule = serde_json::json!({"kind": "slow", "rate": 1.0, "delayMs": args.platform_delay_ms, "pathContains": "/recognize"});
        reqwest::Client::new()
            .post(format!("{url}/_sandbox/faults"))
            .json(&rule)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "every upload answer delayed by {} ms (sandbox `slow` fault), both sides",
            args.platform_delay_ms
        );
    }
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let staging = work.path().join("bron");
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    let files = write_pdfs(&staging, args.files, args.min_kb, args.max_kb, "a")
        .map_err(|e| e.to_string())?;
    let total_bytes: u64 = files.iter().map(|f| f.1.len() as u64).sum();
    println!(
        "(a) {} PDFs, {:.1} MiB ({}–{} KiB), {} in flight",
        files.len(),
        total_bytes as f64 / 1048576.0,
        args.min_kb,
        args.max_kb,
        args.concurrency
    );

    // The bare loop first and last (mean of both), the engine in between.
    let client = client_for(&url)?;
    let raw1 = raw_loop(&client, &url, &staging, &files, args.concurrency).await?;
    let engine = engine_run(&url, work.path(), &files, args.concurrency).await?;
    let raw2 = raw_loop(&client, &url, &staging, &files, args.concurrency).await?;
    let raw = (raw1 + raw2) / 2;
    let n = files.len() as f64;
    println!(
        "    bare upload loop: {:.1} files/s ({:.2} s, mean of {:.2} and {:.2})",
        n / raw.as_secs_f64(),
        raw.as_secs_f64(),
        raw1.as_secs_f64(),
        raw2.as_secs_f64()
    );
    println!(
        "    intake engine:    {:.1} files/s ({:.2} s, writing included)",
        n / engine.as_secs_f64(),
        engine.as_secs_f64()
    );
    println!(
        "    ratio:            {:.3} (target >= 0.8)",
        raw.as_secs_f64() / engine.as_secs_f64()
    );

    let lat = latency_run(&url, work.path(), args).await?;
    println!(
        "(b) pickup latency close -> wachten over {} files ({} ms apart): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (targets 50 / 250)",
        lat.len(),
        args.latency_gap_ms,
        pct(&lat, 50.0),
        pct(&lat, 99.0),
        pct(&lat, 100.0)
    );

    if !args.no_rss {
        let counts: Vec<usize> = args
            .rss_files
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let mut peaks = Vec::new();
        for count in &counts {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let (n, u) = (count.to_string(), url.clone());
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(exe)
                    .args(["bench", "intake", "--files", &n, "--rss-child", &u])
                    .env("ECONNECT_LOG", "off")
                    .output()
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout);
            let kib: u64 = text
                .trim()
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .ok_or_else(|| {
                    format!(
                        "memory child failed: {}{}",
                        text,
                        String::from_utf8_lossy(&out.stderr)
                    )
                })?;
            println!(
                "(c) {count} files (4 KiB each): peak RSS {:.1} MiB",
                kib as f64 / 1024.0
            );
            peaks.push(kib);
        }
        if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
            println!(
                "    ratio {:.2} (target <= 1.2, and <= 150 MiB)",
                *last as f64 / (*first).max(1) as f64
            );
        }
    }
    sandbox.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn pct(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted_ms.len() - 1) as f64).round() as usize;
    sorted_ms[i.min(sorted_ms.len() - 1)]
}

/// Generates `count` distinct PDFs with sizes spread evenly over [min, max] KiB.
fn write_pdfs(
    dir: &Path,
    count: usize,
    min_kb: usize,
    max_kb: usize,
    tag: &str,
) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let span = max_kb.saturating_sub(min_kb);
        let kb = min_kb
            + if count > 1 {
                span * ((i * 7919) % count) / (count - 1)
            } else {
                0
            };
        let name = format!("factuur-{tag}-{i:05}.pdf");
        let bytes = samples::pdf(kb * 1024, &name);
        std::fs::write(dir.join(&name), &bytes)?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// The baseline: read each file from disk and post it as multipart, nothing else.
async fn raw_loop(
    client: &Client,
    url: &str,
    dir: &Path,
    files: &[(String, Vec<u8>)],
    concurrency: usize,
) -> Result<Duration, String> {
    let token = client.access_token().await.map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let target = format!(
        "{url}/api/v1/{}/purchaseInvoice/recognize",
        PartyId::new(PARTY).to_path_segment()
    );
    let bearer = Arc::new(format!("Bearer {token}"));
    let start = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(files.iter().map(|f| f.0.clone()))
        .map(|name| {
            let (http, target, bearer) = (http.clone(), target.clone(), Arc::clone(&bearer));
            let path = dir.join(&name);
            async move {
                let bytes = tokio::fs::read(&path).await.map_err(|e| e.to_string())?;
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str("application/pdf")
                    .map_err(|e| e.to_string())?;
                let r = http
                    .post(target)
                    .header("Authorization", bearer.as_str())
                    .header("X-EConnect-DocumentId", uuid::Uuid::new_v4().to_string())
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let ok = r.status().is_success();
                r.bytes().await.map_err(|e| e.to_string())?;
                if ok {
                    Ok(())
                } else {
                    Err("raw upload refused".into())
                }
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = start.elapsed();
    results.into_iter().collect::<Result<(), String>>()?;
    Ok(elapsed)
}

async fn start_engine(
    url: &str,
    dir: &Path,
    name: &str,
    concurrency: usize,
) -> Result<(Intake, PathBuf), String> {
    let store = Store::open(&dir.join(format!("{name}.sqlite")))
        .await
        .map_err(|e| e.to_string())?;
    if std::env::var_os("ECONNECT_BENCH_SMALL_CACHE").is_some() {
        // Diagnostic for the memory run: a 1 MB page cache on each of the 4 pooled connections.
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = store.pool().acquire().await.map_err(|e| e.to_string())?;
            sqlx::query("PRAGMA cache_size = -1000")
                .execute(&mut *conn)
                .await
                .map_err(|e| e.to_string())?;
            held.push(conn);
        }
    }
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let watched = WatchedFolder {
        path: folder.clone(),
        layout: Layout::Single {
            party: PARTY.into(),
        },
        direction: Direction::Purchase,
    };
    let config = IntakeConfig {
        concurrency,
        ..IntakeConfig::default()
    };
    let intake = Intake::start(store, client_for(url)?, config, vec![watched])
        .await
        .map_err(|e| e.dutch())?;
    Ok((intake, folder))
}

/// Writes every file into the watched folder and waits until all are accepted.
async fn engine_run(
    url: &str,
    dir: &Path,
    files: &[(String, Vec<u8>)],
    concurrency: usize,
) -> Result<Duration, String> {
    let (intake, folder) = start_engine(url, dir, "map-a", concurrency).await?;
    let mut events = intake.subscribe();
    let start = Instant::now();
    let writer = {
        let folder = folder.clone();
        let files = files.to_vec();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            for (name, bytes) in files {
                std::fs::write(folder.join(name), bytes)?;
            }
            Ok(())
        })
    };
    let mut sent = 0usize;
    let mut failed = 0usize;
    let deadline = Instant::now() + Duration::from_secs(600);
    while sent + failed < files.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Ok(ev)) => match ev.stage {
                Stage::Verzonden { .. } => sent += 1,
                Stage::Mislukt { .. } | Stage::Dood { .. } | Stage::Duplicaat { .. } => failed += 1,
                _ => {}
            },
            Ok(Err(RecvError::Lagged(_))) => {
                let counts = intake
                    .counts(&PartyId::new(PARTY))
                    .await
                    .map_err(|e| e.dutch())?;
                sent = counts.sent as usize;
                failed = (counts.refused + counts.dead) as usize;
            }
            Ok(Err(RecvError::Closed)) | Err(_) => {
                return Err(format!(
                    "engine stopped early: {sent} sent, {failed} failed"
                ));
            }
        }
    }
    let elapsed = start.elapsed();
    writer
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    intake.shutdown().await;
    if failed > 0 {
        return Err(format!("{failed} files were not accepted"));
    }
    Ok(elapsed)
}

/// Writes files one at a time and measures close → "wachten" for each; sorted ms.
async fn latency_run(url: &str, dir: &Path, args: &BenchIntakeArgs) -> Result<Vec<f64>, String> {
    let staging = dir.join("bron-b");
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    let files = write_pdfs(&staging, args.latency_files, args.min_kb, args.max_kb, "b")
        .map_err(|e| e.to_string())?;
    let (intake, folder) = start_engine(url, dir, "map-b", args.concurrency).await?;
    let mut events = intake.subscribe();
    let queued: Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>> =
        Default::default();
    let expected = files.len();
    let listener = {
        let queued = Arc::clone(&queued);
        tokio::spawn(async move {
            let mut n = 0;
            while n < expected {
                match events.recv().await {
                    Ok(ev) if matches!(ev.stage, Stage::Wachten) => {
                        let at = Instant::now();
                        queued
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .insert(ev.file_name, at);
                        n += 1;
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        })
    };
    let mut closed = Vec::with_capacity(files.len());
    for (name, bytes) in &files {
        let path = folder.join(name);
        let (p, b) = (path.clone(), bytes.clone());
        let at = tokio::task::spawn_blocking(move || -> std::io::Result<Instant> {
            std::fs::write(&p, &b)?; // write + close
            Ok(Instant::now())
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        closed.push((name.clone(), at));
        tokio::time::sleep(Duration::from_millis(args.latency_gap_ms)).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(120), listener).await;
    intake.shutdown().await;
    let queued = queued
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let mut lat: Vec<f64> = closed
        .iter()
        .filter_map(|(name, at)| {
            queued
                .get(name)
                .map(|q| q.saturating_duration_since(*at).as_secs_f64() * 1000.0)
        })
        .collect();
    if lat.len() != files.len() {
        return Err(format!(
            "only {} of {} files were queued",
            lat.len(),
            files.len()
        ));
    }
    lat.sort_by(f64::total_cmp);
    Ok(lat)
}

/// One memory child: `count` files of 4 KiB through the engine; prints VmHWM (KiB) last.
async fn rss_child(url: &str, count: usize) -> Result<ExitCode, String> {
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (intake, folder) = start_engine(url, work.path(), "map-c", 4).await?;
    let folder2 = folder.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        for i in 0..count {
            let name = format!("rss-{i:05}.pdf");
            std::fs::write(
                folder2.join(&name),
                samples::pdf(4096, &format!("{name}-{}", std::process::id())),
            )?;
        }
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let party = PartyId::new(PARTY);
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let c = intake.counts(&party).await.map_err(|e| e.dutch())?;
        if (c.sent + c.refused + c.dead) as usize >= count {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("only {} of {count} handled", c.sent));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    intake.shutdown().await;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("0");
    println!("{kib}");
    Ok(ExitCode::SUCCESS)
}
