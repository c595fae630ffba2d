//! `econnect bench upload`: uploads through the client vs a bare loop of raw multipart posts,
//! against one sandbox in the same run, and prints uploads/s, the ratio and peak RSS.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use econnect_api::{Client, Config, Credentials, DocumentId, PartyId, Upload};
use econnect_sandbox::{SandboxConfig, Seed};
use futures_util::stream::{self, StreamExt};
use url::Url;

use crate::cli::{BenchSide, BenchUploadArgs};
use crate::messages;

/// Uploads of each kind done before measuring (connections, token, allocator warm-up).
const WARM_UP: usize = 16;
/// Files per measured batch; client and raw batches alternate.
const BATCH: usize = 100;

/// Runs the upload benchmark and prints its figures.
pub async fn upload(args: &BenchUploadArgs) -> Result<ExitCode, String> {
    let concurrency = args.concurrency.max(1);
    let dir = tempfile::tempdir().map_err(|e| messages::bench_io(&e))?;
    let files = write_files(dir.path(), args.files, args.size_kb * 1024)
        .map_err(|e| messages::bench_io(&e))?;

    let sandbox = econnect_sandbox::spawn(SandboxConfig {
        addr: "127.0.0.1:0".parse().map_err(|_| "addr")?,
        seed: Seed::Demo,
        controls: true,
    })
    .await
    .map_err(|e| messages::sandbox_failed(&e))?;
    let base = Url::parse(&sandbox.url()).map_err(|e| e.to_string())?;
    let credentials = Credentials::Password {
        username: econnect_sandbox::DEMO_USER.into(),
        password: econnect_sandbox::DEMO_PASSWORD.into(),
        client_id: econnect_sandbox::CLIENT_ID.into(),
        client_secret: econnect_sandbox::CLIENT_SECRET.into(),
    };
    let client = Client::new(Config::new(base.clone(), base.clone(), credentials))
        .map_err(|e| e.to_string())?;
    let parties = client.my_parties().await.map_err(|e| e.to_string())?;
    let party = parties
        .iter()
        .find(|p| p.permissions.can_receive_document)
        .or(parties.first())
        .map(|p| p.id.clone())
        .ok_or("the sandbox has no organisation")?;
    let token = client.access_token().await.map_err(|e| e.to_string())?;
    let raw = RawPoster {
        http: reqwest::Client::new(),
        url: Url::parse(&format!(
            "{}/api/v1/{}/purchaseInvoice/recognize",
            base.as_str().trim_end_matches('/'),
            party.to_path_segment()
        ))
        .map_err(|e| e.to_string())?,
        bearer: format!("Bearer {token}"),
    };

    let run_client_side = args.side != BenchSide::Raw;
    let run_raw_side = args.side != BenchSide::Client;
    let warm = &files[..WARM_UP.min(files.len())];
    if run_client_side {
        run_client(&client, &party, warm, concurrency).await?;
    }
    if run_raw_side {
        run_raw(&raw, warm, concurrency).await?;
    }

    // Several rounds of small interleaved batches, alternating which side goes first, so
    // that neither profits from order and background load hits both alike.
    let mut client_time = Duration::ZERO;
    let mut raw_time = Duration::ZERO;
    let mut turn = 0usize;
    for _ in 0..args.rounds.max(1) {
        for batch in files.chunks(BATCH) {
            let client_first = turn.is_multiple_of(2);
            if run_client_side && client_first {
                client_time += run_client(&client, &party, batch, concurrency).await?;
            }
            if run_raw_side {
                raw_time += run_raw(&raw, batch, concurrency).await?;
            }
            if run_client_side && !client_first {
                client_time += run_client(&client, &party, batch, concurrency).await?;
            }
            turn += 1;
        }
    }
    sandbox.shutdown().await;

    let n = (files.len() * args.rounds.max(1)) as f64;
    let client_rate = n / client_time.as_secs_f64().max(1e-9);
    let raw_rate = n / raw_time.as_secs_f64().max(1e-9);
    println!(
        "files: {} x {} KiB, {} in flight, {} rounds (each side uploads every file once per round, in alternating batches of {BATCH})",
        files.len(),
        args.size_kb,
        concurrency,
        args.rounds.max(1)
    );
    if run_client_side {
        println!(
            "client: {client_rate:.1} uploads/s ({:.2} s)",
            client_time.as_secs_f64()
        );
    }
    if run_raw_side {
        println!(
            "raw:    {raw_rate:.1} uploads/s ({:.2} s)",
            raw_time.as_secs_f64()
        );
    }
    if run_client_side && run_raw_side {
        println!("ratio:  {:.3} (target >= 0.9)", client_rate / raw_rate);
    }
    match peak_rss_kib() {
        Some(kib) => println!(
            "peak RSS (VmHWM, incl. in-process sandbox): {:.1} MiB (target < 100)",
            kib as f64 / 1024.0
        ),
        None => println!("peak RSS: unknown (no /proc/self/status)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `count` distinct PDF-looking files of `size` bytes.
fn write_files(dir: &Path, count: usize, size: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        let head = format!("%PDF-1.4\n% benchmark factuur {i}\n");
        let tail = "\n%%EOF\n";
        let mut bytes = Vec::with_capacity(size.max(head.len() + tail.len()));
        bytes.extend_from_slice(head.as_bytes());
        let filler = b"0123456789 Factuur regel Lorem ipsum dolor sit amet\n";
        while bytes.len() + tail.len() < size {
            let room = size - tail.len() - bytes.len();
            bytes.extend_from_slice(&filler[..room.min(filler.len())]);
        }
        bytes.extend_from_slice(tail.as_bytes());
        let path = dir.join(format!("factuur-{i:05}.pdf"));
        std::fs::write(&path, &bytes)?;
        paths.push(path);
    }
    Ok(paths)
}

async fn run_client(
    client: &Client,
    party: &PartyId,
    files: &[PathBuf],
    concurrency: usize,
) -> Result<Duration, String> {
    let start = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(files)
        .map(|path| async move {
            let upload = Upload::from_path(path);
            client
                .recognize_purchase_invoice(party, &upload, &DocumentId::new_random(), None)
                .await
                .map(|_| ())
                .map_err(|e| format!("client upload of {}: {e}", path.display()))
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = start.elapsed();
    results.into_iter().collect::<Result<(), String>>()?;
    Ok(elapsed)
}

/// The baseline: a bare reqwest multipart POST with a pre-fetched token.
struct RawPoster {
    http: reqwest::Client,
    url: Url,
    bearer: String,
}

async fn run_raw(
    raw: &RawPoster,
    files: &[PathBuf],
    concurrency: usize,
) -> Result<Duration, String> {
    let raw = Arc::new(raw);
    let start = Instant::now();
    let results: Vec<Result<(), String>> = stream::iter(files)
        .map(|path| {
            let raw = Arc::clone(&raw);
            async move {
                let bytes = tokio::fs::read(path).await.map_err(|e| e.to_string())?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str("application/pdf")
                    .map_err(|e| e.to_string())?;
                let response = raw
                    .http
                    .post(raw.url.clone())
                    .header("Authorization", &raw.bearer)
                    .header("X-EConnect-DocumentId", uuid::Uuid::new_v4().to_string())
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await
                    .map_err(|e| format!("raw upload: {e}"))?;
                let status = response.status();
                response.bytes().await.map_err(|e| e.to_string())?;
                if status.is_success() {
                    Ok(())
                } else {
                    Err(format!("raw upload of {}: HTTP {status}", path.display()))
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

/// Peak resident set size of this process in KiB (`VmHWM` in /proc/self/status).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
