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
    /// Rounds of the throughput run (a); the medians count.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Skip the memory run.
    #[arg(long)]
    pub no_rss: bool,
    /// Run only the engine side of (a), for profiling it (no ratio is printed).
    #[arg(long, hide = true)]
    pub engine_only: bool,
    /// Internal: run one memory child against this sandbox URL with `--files` files.
    #[arg(long, hide = true)]
    pub rss_child: Option<String>,
    /// Internal: the memory child copies its files from this folder (made by the parent).
    #[arg(long, hide = true)]
    pub rss_staged: Option<PathBuf>,
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
        return rss_child(url, args.files, args.rss_staged.as_deref()).await;
    }
    let sandbox = econnect_sandbox::spawn(SandboxConfig {
        addr: "127.0.0.1:0".parse().map_err(|_| "addr")?,
        seed: Seed::Demo,
        controls: true,
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

    preflight_costs(&staging, &files).await?;

    // Rounds of three, each in a fresh folder and database: the bare loop over the files
    // already on disk, the bare loop that first writes each file (with the same writer as
    // the engine run) and then posts it, and the engine with its watched folder (writing
    // included). The engine's own work per file (hash, PDF checks, ledger + outbox, move)
    // is what the like-with-like ratio prices; writing 268 MB is in both of its sides. The
    // median of the rounds counts: on a shared machine one round can stall on disk
    // writeback. Every side posts to the same in-process sandbox with the same uploads in
    // flight; CPU is this process's (the sandbox's share is in every side alike).
    let client = client_for(&url)?;
    let (mut raws, mut wraws, mut engines, mut checks) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Nothing is deleted between runs: ext4 then searches past the just-freed inodes on
    // every create, which slowed whichever writer came next (seen with perf).
    if args.engine_only {
        for round in 0..args.rounds.max(1) {
            let round_files = engine_files(work.path(), &files, round, args)?;
            let (wall, cpu) = cpu_timed(engine_run(
                &url,
                work.path(),
                &format!("map-p{round}"),
                &round_files,
                args.concurrency,
            ))
            .await?;
            println!(
                "    engine only: {:.2} s, CPU {:.2} ms/file",
                wall.as_secs_f64(),
                cpu.as_secs_f64() * 1000.0 / files.len() as f64
            );
        }
        sandbox.shutdown().await;
        return Ok(ExitCode::SUCCESS);
    }
    for round in 0..args.rounds.max(1) {
        raws.push(
            cpu_timed(raw_loop(
                &client,
                &url,
                &staging,
                &files,
                args.concurrency,
                None,
                false,
            ))
            .await?,
        );
        let checked_dir = work.path().join(format!("bron-controleren-{round}"));
        checks.push(
            cpu_timed(raw_loop(
                &client,
                &url,
                &staging,
                &files,
                args.concurrency,
                Some(&checked_dir),
                true,
            ))
            .await?,
        );
        let written_dir = work.path().join(format!("bron-schrijven-{round}"));
        let name = format!("map-a{round}");
        let round_files = engine_files(work.path(), &files, round, args)?;
        // The writing sides alternate which goes first.
        let writing = || {
            cpu_timed(raw_loop(
                &client,
                &url,
                &staging,
                &files,
                args.concurrency,
                Some(&written_dir),
                false,
            ))
        };
        let engine = || {
            cpu_timed(engine_run(
                &url,
                work.path(),
                &name,
                &round_files,
                args.concurrency,
            ))
        };
        if round % 2 == 0 {
            wraws.push(writing().await?);
            engines.push(engine().await?);
        } else {
            engines.push(engine().await?);
            wraws.push(writing().await?);
        }
        println!(
            "    round {}: bare loop {:.2} s, bare loop writing {:.2} s, bare loop writing + checking {:.2} s, engine {:.2} s",
            round + 1,
            raws[round].0.as_secs_f64(),
            wraws[round].0.as_secs_f64(),
            checks[round].0.as_secs_f64(),
            engines[round].0.as_secs_f64()
        );
    }
    let (raw, wraw, engine) = (median(&mut raws), median(&mut wraws), median(&mut engines));
    let check = median(&mut checks);
    let n = files.len() as f64;
    let line = |label: &str, (wall, cpu): (Duration, Duration), note: &str| {
        println!(
            "    {label:<32} {:>7.1} files/s ({:.2} s; CPU {:.2} ms/file){note}",
            n / wall.as_secs_f64(),
            wall.as_secs_f64(),
            cpu.as_secs_f64() * 1000.0 / n
        );
    };
    println!("    medians of {} rounds:", args.rounds.max(1));
    line("bare loop, files on disk:", raw, "");
    line(
        "bare loop, writing each file:",
        wraw,
        " (write, then post; same writer as the engine run)",
    );
    line(
        "bare loop, writing + checking:",
        check,
        " (also hashes and checks each file, as the engine must)",
    );
    line(
        "intake engine, watched folder:",
        engine,
        " (writing included)",
    );
    println!(
        "    ratio vs bare loop writing the same files: {:.3} (like with like; target >= 0.8)",
        wraw.0.as_secs_f64() / engine.0.as_secs_f64()
    );
    println!(
        "    ceiling: bare loop writing + checking vs writing: {:.3} (no engine that checks each file does better here)",
        wraw.0.as_secs_f64() / check.0.as_secs_f64()
    );
    println!(
        "    engine vs bare loop writing + checking:    {:.3} (what the watcher, queue and moves cost)",
        check.0.as_secs_f64() / engine.0.as_secs_f64()
    );
    println!(
        "    ratio vs bare loop over files on disk:     {:.3} (the engine run also writes {:.0} MiB)",
        raw.0.as_secs_f64() / engine.0.as_secs_f64(),
        total_bytes as f64 / 1048576.0
    );
    println!("    (system load, 1 min: {})", load_average());

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
            // The files are made here, not in the child: making 10,000 PDFs with lopdf in
            // the measured process fragmented its heap and was counted as the engine's.
            let staged = work.path().join(format!("bron-c-{count}"));
            stage_rss_files(&staged, *count).await?;
            let (n, u) = (count.to_string(), url.clone());
            let staged_arg = staged.to_string_lossy().into_owned();
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(exe)
                    .args(["bench", "intake", "--files", &n, "--rss-child", &u])
                    .args(["--rss-staged", &staged_arg])
                    .env("ECONNECT_LOG", "off")
                    .output()
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            if std::env::var_os("ECONNECT_BENCH_RSS_DETAIL").is_some() {
                // The child's diagnostics (what its memory is made of), as it wrote them.
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
            }
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
            if let (Some(few), Some(many)) = (counts.first(), counts.last())
                && many > few
            {
                // What a backlog leaves per file: the growth between the smallest and
                // the largest run, over the files between them.
                let grown = last.saturating_sub(*first) as f64 * 1024.0;
                println!(
                    "    growth {:.0} bytes per file from {few} to {many} files (target <= 50)",
                    grown / (many - few) as f64
                );
            }
        }
    }
    sandbox.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// What checking a file costs on its own, per step (one thread, files in the page cache):
/// the part of the engine's per-file work that the bare loop does not do.
async fn preflight_costs(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let paths: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.0)).collect();
    let costs = tokio::task::spawn_blocking(move || {
        let n = paths.len().max(1) as f64;
        let t = Instant::now();
        let mut bytes = Vec::with_capacity(paths.len());
        for p in &paths {
            bytes.push(econnect_intake::preflight::read_bounded(p)?);
        }
        let read = t.elapsed().as_secs_f64() * 1000.0 / n;
        let t = Instant::now();
        for b in &bytes {
            std::hint::black_box(econnect_intake::preflight::sha256_hex(b));
        }
        let hash = t.elapsed().as_secs_f64() * 1000.0 / n;
        let t = Instant::now();
        for b in &bytes {
            std::hint::black_box(econnect_intake::preflight::pdf::inspect(b));
        }
        let pdf = t.elapsed().as_secs_f64() * 1000.0 / n;
        drop(bytes);
        let t = Instant::now();
        for p in &paths {
            std::hint::black_box(econnect_intake::preflight(p, Direction::Purchase));
        }
        let whole = t.elapsed().as_secs_f64() * 1000.0 / n;
        Ok::<_, std::io::Error>((read, hash, pdf, whole))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    println!(
        "    preflight per file, one thread: {:.2} ms (read {:.2}, SHA-256 {:.2}, PDF checks {:.2})",
        costs.3, costs.0, costs.1, costs.2
    );
    Ok(())
}

/// Runs `work` (after flushing the disk), returning its wall time and this process's CPU
/// time meanwhile.
async fn cpu_timed(
    work: impl std::future::Future<Output = Result<Duration, String>>,
) -> Result<(Duration, Duration), String> {
    super::bench_sync::flush_disk().await;
    let before = super::bench_sync::process_cpu_time();
    let wall = work.await?;
    Ok((
        wall,
        super::bench_sync::process_cpu_time().saturating_sub(before),
    ))
}

/// The median run by wall time (with its CPU time).
fn median(runs: &mut [(Duration, Duration)]) -> (Duration, Duration) {
    runs.sort_by_key(|r| r.0);
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn pct(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted_ms.len() - 1) as f64).round() as usize;
    sorted_ms[i.min(sorted_ms.len() - 1)]
}

/// Generates `count` distinct PDFs with sizes spread evenly over [min, max] KiB.
/// The files of one engine round: the first round sends `files`; later rounds send files
/// of the same sizes with other text. Document ids are content-addressed, so sending the
/// same bytes again would only meet the platform's 409 (nothing new created), while the
/// bare loop, with fresh random ids, creates a document every time: not like with like.
fn engine_files(
    work: &Path,
    files: &[(String, Vec<u8>)],
    round: usize,
    args: &BenchIntakeArgs,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    if round == 0 {
        return Ok(files.to_vec());
    }
    let dir = work.join(format!("bron-ronde-{round}"));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    write_pdfs(
        &dir,
        files.len(),
        args.min_kb,
        args.max_kb,
        &format!("r{round}"),
    )
    .map_err(|e| e.to_string())
}

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

/// The baseline: read each file from disk and post it as multipart, nothing else. With
/// `write_into`, a writer thread first writes each file there (as the engine run's writer
/// does into the watched folder) and the loop posts it from there once it is closed. With
/// `check`, each file's bytes also get the engine's preflight (SHA-256, type, PDF checks)
/// on the blocking pool before the post: the least any engine must do per file.
async fn raw_loop(
    client: &Client,
    url: &str,
    dir: &Path,
    files: &[(String, Vec<u8>)],
    concurrency: usize,
    write_into: Option<&Path>,
    check: bool,
) -> Result<Duration, String> {
    let token = client.access_token().await.map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let target = format!(
        "{url}/api/v1/{}/purchaseInvoice/recognize",
        PartyId::new(PARTY).to_path_segment()
    );
    let bearer = Arc::new(format!("Bearer {token}"));
    if let Some(into) = write_into {
        std::fs::create_dir_all(into).map_err(|e| e.to_string())?;
    }
    let from = write_into.unwrap_or(dir).to_path_buf();
    let (names_tx, names_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let start = Instant::now();
    let writer = match write_into {
        Some(into) => {
            let (into, files) = (into.to_path_buf(), files.to_vec());
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                for (name, bytes) in files {
                    std::fs::write(into.join(&name), bytes)?;
                    let _ = names_tx.send(name);
                }
                Ok(())
            })
        }
        None => {
            for f in files {
                let _ = names_tx.send(f.0.clone());
            }
            drop(names_tx);
            tokio::task::spawn_blocking(|| Ok(()))
        }
    };
    let names = stream::unfold(names_rx, |mut rx| async move {
        rx.recv().await.map(|name| (name, rx))
    });
    let results: Vec<Result<(), String>> = names
        .map(|name| {
            let (http, target, bearer) = (http.clone(), target.clone(), Arc::clone(&bearer));
            let path = from.join(&name);
            async move {
                let mut bytes = tokio::fs::read(&path).await.map_err(|e| e.to_string())?;
                if check {
                    let (checked, pf) = tokio::task::spawn_blocking(move || {
                        let pf = econnect_intake::preflight::inspect(&bytes, Direction::Purchase);
                        (bytes, pf)
                    })
                    .await
                    .map_err(|e| e.to_string())?;
                    if pf.refusal.is_some() || pf.sha256.is_empty() {
                        return Err("bare check refused a file".into());
                    }
                    bytes = checked;
                }
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
    writer
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    results.into_iter().collect::<Result<(), String>>()?;
    Ok(elapsed)
}

async fn start_engine(
    url: &str,
    dir: &Path,
    name: &str,
    concurrency: usize,
) -> Result<(Intake, PathBuf, Store), String> {
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
    let intake = Intake::start(store.clone(), client_for(url)?, config, vec![watched])
        .await
        .map_err(|e| e.dutch())?;
    Ok((intake, folder, store))
}

/// Writes every file into the watched folder and waits until all are accepted.
async fn engine_run(
    url: &str,
    dir: &Path,
    name: &str,
    files: &[(String, Vec<u8>)],
    concurrency: usize,
) -> Result<Duration, String> {
    let (intake, folder, _) = start_engine(url, dir, name, concurrency).await?;
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
    let (intake, folder, _) = start_engine(url, dir, "map-b", args.concurrency).await?;
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

/// Makes the memory run's `count` distinct PDFs of 4 KiB in `dir`.
async fn stage_rss_files(dir: &Path, count: usize) -> Result<(), String> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for i in 0..count {
            let name = format!("rss-{i:05}.pdf");
            std::fs::write(
                dir.join(&name),
                samples::pdf(4096, &format!("{name}-{}-{count}", std::process::id())),
            )?;
        }
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

/// One memory child: `count` files of 4 KiB through the engine; prints VmHWM (KiB) last.
/// The files are copied in (write + close, as a scanner saves) from `staged`, made by the
/// parent (or, run alone, made here before the engine starts).
async fn rss_child(url: &str, count: usize, staged: Option<&Path>) -> Result<ExitCode, String> {
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let staged = match staged {
        Some(dir) => dir.to_path_buf(),
        None => {
            let dir = work.path().join("bron-c");
            stage_rss_files(&dir, count).await?;
            dir
        }
    };
    let (intake, folder, store) = start_engine(url, work.path(), "map-c", 4).await?;
    let folder2 = folder.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        for i in 0..count {
            let name = format!("rss-{i:05}.pdf");
            std::fs::copy(staged.join(&name), folder2.join(&name))?;
        }
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let party = PartyId::new(PARTY);
    let deadline = Instant::now() + Duration::from_secs(900);
    let detail = std::env::var_os("ECONNECT_BENCH_RSS_DETAIL").is_some();
    let mut most_waiting = 0;
    loop {
        let c = intake.counts(&party).await.map_err(|e| e.dutch())?;
        most_waiting = most_waiting.max(c.waiting);
        if (c.sent + c.refused + c.dead) as usize >= count {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("only {} of {count} handled", c.sent));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if detail {
        eprintln!("most files queued in the outbox at once: {most_waiting}");
        sqlite_memory();
        connection_caches(&store).await?;
        malloc_stats();
    }
    intake.shutdown().await;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if detail {
        // Diagnostic: what the resident memory is made of now (heap, mapped files, shared).
        for line in status
            .lines()
            .filter(|l| l.starts_with("Rss") || l.starts_with("VmHWM"))
        {
            eprintln!("{line}");
        }
    }
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("0");
    println!("{kib}");
    Ok(ExitCode::SUCCESS)
}

/// Diagnostic: glibc's per-arena totals (bytes taken from the system vs in use) on stderr,
/// to tell live heap from freed memory the allocator keeps.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn malloc_stats() {
    // SAFETY: malloc_stats only reads the allocator's state and writes to stderr.
    unsafe { libc::malloc_stats() }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn malloc_stats() {}

/// Diagnostic: SQLite's own heap (all connections), now and at its peak, on stderr.
fn sqlite_memory() {
    unsafe extern "C" {
        // Linked in by libsqlite3-sys (bundled) through sqlx.
        fn sqlite3_status64(op: i32, current: *mut i64, highwater: *mut i64, reset: i32) -> i32;
    }
    for (op, name) in [(0, "memory used"), (2, "page cache (malloc)")] {
        let (mut now, mut peak) = (0i64, 0i64);
        // SAFETY: both pointers are to live locals; the call only writes them.
        let rc = unsafe { sqlite3_status64(op, &mut now, &mut peak, 0) };
        eprintln!("sqlite {name}: {now} bytes now, {peak} at most (rc {rc})");
    }
}

/// Diagnostic: the page cache each connection holds (the writer, then the pool's), on stderr.
async fn connection_caches(store: &Store) -> Result<(), String> {
    use econnect_store::db::cache_used;
    let mut writer = store.writer().await.map_err(|e| e.to_string())?;
    let used = cache_used(&mut writer).await.map_err(|e| e.to_string())?;
    eprintln!("writer page cache: {used} bytes");
    drop(writer);
    let mut held = Vec::new();
    for _ in 0..store.pool().size() {
        let mut conn = store.pool().acquire().await.map_err(|e| e.to_string())?;
        let used = cache_used(&mut conn).await.map_err(|e| e.to_string())?;
        eprintln!("pooled connection page cache: {used} bytes");
        held.push(conn);
    }
    Ok(())
}
