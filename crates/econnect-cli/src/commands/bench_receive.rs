//! `econnect bench receive`, against an in-process sandbox: N received
//! invoices arrive as signed webhook deliveries at the engine's hook receiver
//! (`Engine::serve_hooks`), which verifies and stores each before answering, and whose
//! worker downloads and places them; timed from the first delivery to the N-th invoice on
//! disk. Against it, in the same run and alternating:
//! - like with like (target ≥ 0.8): a bare hook receiver on an identical second sandbox,
//!   which gets the same webhooks and downloads and writes the same documents
//!   (`bench_receive_bare`);
//! - a bare loop that only downloads the engine's ids and writes them: no webhooks at all,
//!   so the platform's own work of posting them, which shares this machine's cores in
//!   process, counts against the engine only.
//!
//! Every side fsyncs every file, as the app does, after a `sync()`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_engine::hooks::HookOptions;
use econnect_engine::receive::{ReceiveEvent, ReceiveOptions};
use econnect_engine::{AppConfig, Engine, EngineOptions, Environment, MemoryKeyring, SignIn};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, SandboxConfig, Seed};
use futures_util::{StreamExt, stream};
use tokio::io::AsyncWriteExt;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::messages;

/// Options of `econnect bench receive`.
#[derive(Debug, Args)]
pub struct BenchReceiveArgs {
    /// Received invoices.
    #[arg(long, default_value_t = 1000)]
    pub invoices: usize,
    /// Every n-th has an embedded PDF (0: none).
    #[arg(long, default_value_t = 2)]
    pub pdf_every: usize,
    /// Rounds (alternating which side goes first; each round N new invoices); the median
    /// is reported.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Delay every download answer by this many ms (the sandbox's `slow` fault), for both
    /// sides: a stand-in for the network and the platform, which loopback does not have.
    #[arg(long, default_value_t = 0)]
    pub platform_delay_ms: u64,
    /// Runs with one allocator heap, as the app does (by default the process keeps glibc's
    /// heaps, as `econnect hooks serve` does).
    #[arg(long)]
    pub one_heap: bool,
}

/// The demo organisation that receives (Bakkerij De Gouden Korenaar).
pub(crate) const RECEIVING_PARTY: &str = "0106:30187412";

/// Where every side writes a round's invoices under its folder: the engine's layout (its
/// month folder of the receiving organisation), so that all sides create their files at
/// the same depth. Where the file system puts a new folder's files depends on the folders
/// above it (ext4 spreads folders over its groups), and so does what creating them costs.
pub(crate) fn month_folder(root: &Path) -> PathBuf {
    let month = econnect_store::timestamp::now();
    econnect_engine::receive::names::month_folder(
        root,
        "Bakkerij De Gouden Korenaar B.V.",
        month.get(..7).unwrap_or("onbekend"),
    )
}

/// A sandbox on a runtime and threads of its own: the platform is another machine, and
/// its tasks (one per webhook it posts) must not queue in front of the app's on the app's
/// runtime, as they would if it ran on the benchmark's.
pub(crate) struct Platform {
    sandbox: RunningSandbox,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::ops::Deref for Platform {
    type Target = RunningSandbox;
    fn deref(&self) -> &RunningSandbox {
        &self.sandbox
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a sandbox seeded with `seed` on its own runtime (two threads).
pub(crate) async fn sandbox(seed: Seed) -> Result<Platform, String> {
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("platform".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("platform")
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = started_tx.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                let running = econnect_sandbox::spawn(SandboxConfig {
                    seed,
                    ..SandboxConfig::default()
                })
                .await
                .map_err(|e| messages::sandbox_failed(&e));
                let _ = started_tx.send(running);
                let _ = stopped.await;
            });
        })
        .map_err(|e| e.to_string())?;
    let sandbox = started
        .await
        .map_err(|_| "het platform stopte bij het starten".to_string())??;
    Ok(Platform {
        sandbox,
        stop: Some(stop),
        thread: Some(thread),
    })
}

pub(crate) fn client(sb: &RunningSandbox) -> Result<Client, String> {
    let url = url::Url::parse(&sb.url()).map_err(|e| e.to_string())?;
    Client::new(Config::new(
        url.clone(),
        url,
        Credentials::Password {
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            client_id: econnect_sandbox::CLIENT_ID.into(),
            client_secret: econnect_sandbox::CLIENT_SECRET.into(),
        },
    ))
    .map_err(|e| e.to_string())
}

/// Delays every download answer of `sb` by `ms` (the sandbox's `slow` fault).
pub(crate) async fn slow_downloads(sb: &RunningSandbox, ms: u64) -> Result<(), String> {
    let rule = serde_json::json!({"kind": "slow", "rate": 1.0, "delayMs": ms, "pathContains": "/download"});
    reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sb.url()))
        .json(&rule)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// An engine with its own data folder, signed in to the sandbox (no background sync).
pub(crate) async fn signed_in(sb: &RunningSandbox, data: &Path) -> Result<Engine, String> {
    let engine = Engine::open_with(
        data,
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(AppConfig {
                custom_client_id: Some(econnect_sandbox::CLIENT_ID.into()),
                custom_client_secret: Some(econnect_sandbox::CLIENT_SECRET.into()),
                sync_interval: Duration::from_secs(24 * 3600),
                ..AppConfig::default()
            }),
            background_sync: false,
            ..EngineOptions::default()
        },
    )
    .await
    .map_err(|e| e.message)?;
    engine
        .sign_in(SignIn {
            environment: Environment::Custom {
                api_base: sb.url(),
                identity_base: None,
            },
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            remember: false,
        })
        .await
        .map_err(|e| e.message)?;
    Ok(engine)
}

/// Runs `econnect bench receive`.
pub async fn receive(args: &BenchReceiveArgs) -> Result<ExitCode, String> {
    let sb = sandbox(Seed::Demo).await?;
    if args.platform_delay_ms > 0 {
        slow_downloads(&sb, args.platform_delay_ms).await?;
        println!(
            "elke download {} ms vertraagd (sandbox-fout `slow`), alle kanten",
            args.platform_delay_ms
        );
    }
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let engine = signed_in(&sb, data.path()).await?;
    // Every round of every side writes into a folder of its own, made just before it, in
    // the same layout (the engine's is chosen as its receive folder, as a user does in
    // Instellingen); all are removed only at the end. One folder kept by the engine for the
    // whole run gave it a folder three times as full as any bare one. (On ext4 without a
    // journal, creating files also costs more in a part of the disk where files were
    // removed in the last minutes, e.g. by an earlier run: run rounds apart, or compare
    // with `TMPDIR=/dev/shm`, where no side pays for the disk.)
    let server = engine
        .serve_hooks(HookOptions {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://127.0.0.1:0/econnect-hook".into(),
            folder: None,
        })
        .await
        .map_err(|e| e.message)?;
    let mut saved = server.worker().received();
    let concurrency = ReceiveOptions::default().concurrency;
    println!(
        "sandbox: {} ontvangen facturen per ronde (elke {}e met pdf) als ondertekende webhooks naar http://{}; {concurrency} downloads tegelijk, beide kanten; {}",
        args.invoices,
        args.pdf_every,
        server.local_addr(),
        if args.one_heap {
            "één geheugenheap (zoals de app)"
        } else {
            "glibc's geheugenheaps (zoals `econnect hooks serve`)"
        }
    );
    let client = client(&sb)?;
    let mut like = super::bench_receive_bare::BareReceiver::start(args.platform_delay_ms).await?;
    let mut engine_times = Vec::new();
    let mut like_times = Vec::new();
    let mut bare_times = Vec::new();
    // The process's CPU time per side (the in-process platform's work included, the same
    // for both): other load on the machine does not move it.
    let cpu = super::bench_sync::process_cpu_time;
    let (mut engine_cpu, mut like_cpu) = (Vec::new(), Vec::new());
    let mut bare_folders = Vec::new();
    let mut engine_folders = Vec::new();
    let mut landed = 0;
    let mut ids: Vec<String> = Vec::new();
    let result: Result<(), String> = async {
        for round in 0..args.rounds.max(1) {
            // Odd rounds start with the bare loop, over the previous round's invoices (the
            // same sizes): the engine's new invoices announce themselves when added.
            if round % 2 == 1 {
                bare_times.push(bare_side(&client, &ids, &mut bare_folders, concurrency).await?);
                let before = cpu();
                let took =
                    like_side(&mut like, args, round, &mut bare_folders, concurrency).await?;
                like_cpu.push(cpu().saturating_sub(before));
                like_times.push(took);
            }
            let out = tempfile::tempdir().map_err(|e| e.to_string())?;
            engine
                .set_receive_folder(out.path().to_path_buf())
                .await
                .map_err(|e| e.message)?;
            super::bench_sync::flush_disk().await;
            let before = cpu();
            let (took, new_ids) = engine_side(&sb, &mut saved, args, round).await?;
            engine_cpu.push(cpu().saturating_sub(before));
            ids = new_ids;
            landed += args.invoices;
            let on_disk = same_files("engine", out.path(), args, round);
            engine_folders.push(out);
            on_disk?;
            engine_times.push(took);
            if round % 2 == 0 {
                let before = cpu();
                let took =
                    like_side(&mut like, args, round, &mut bare_folders, concurrency).await?;
                like_cpu.push(cpu().saturating_sub(before));
                like_times.push(took);
                bare_times.push(bare_side(&client, &ids, &mut bare_folders, concurrency).await?);
            }
        }
        Ok(())
    }
    .await;
    server.shutdown().await;
    engine.close().await;
    result?;
    drop(like);
    // Per round, engine and bare receiver ran back to back (in turn first), so each pair
    // shares the machine's state of that moment; the median of the pairs' ratios is the
    // like-with-like figure.
    let mut paired: Vec<f64> = engine_times
        .iter()
        .zip(&like_times)
        .map(|(engine, like)| like.as_secs_f64() / engine.as_secs_f64().max(1e-9))
        .collect();
    let like_ratio = median(&mut paired);
    let engine_took = median(&mut engine_times);
    let like_took = median(&mut like_times);
    let bare_took = median(&mut bare_times);
    let per_invoice = |t: Duration| t.as_secs_f64() * 1e6 / args.invoices.max(1) as f64;
    let (engine_cpu, like_cpu) = (median(&mut engine_cpu), median(&mut like_cpu));
    let rate = |t: Duration| args.invoices as f64 / t.as_secs_f64();
    println!(
        "op schijf: {landed} facturen (xml), elk na een eigen ondertekende webhook, in {} rondes",
        engine_times.len()
    );
    println!(
        "engine, fsync (ondertekende webhook, controle, opslaan, 200, download, pdf eruit, atomisch plaatsen, cache): {:.0} facturen/s ({:.2} s)",
        rate(engine_took),
        engine_took.as_secs_f64()
    );
    println!(
        "kale ontvanger, fsync (zelfde webhooks → 200, download, xml en pdf schrijven + fsync):                    {:.0} facturen/s ({:.2} s)",
        rate(like_took),
        like_took.as_secs_f64()
    );
    println!(
        "kale downloadlus, fsync (geen webhooks; download, xml en pdf schrijven + fsync):                          {:.0} facturen/s ({:.2} s)",
        rate(bare_took),
        bare_took.as_secs_f64()
    );
    println!(
        "per ronde (engine / kale ontvanger, direct na elkaar): {}",
        paired
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "verhouding gelijk tegen gelijk (engine / kale ontvanger; zelfde webhooks, downloads en fsync; mediaan van de rondes; doel ≥ 0,8×): {like_ratio:.2}×"
    );
    println!(
        "processortijd per factuur (hele proces, platform inbegrepen): engine {:.0} µs, kale ontvanger {:.0} µs; verhouding {:.2}×",
        per_invoice(engine_cpu),
        per_invoice(like_cpu),
        like_cpu.as_secs_f64() / engine_cpu.as_secs_f64().max(1e-9)
    );
    println!(
        "verhouding engine / kale downloadlus (het posten van de webhooks door het platform telt alleen bij de engine): {:.2}×",
        rate(engine_took) / rate(bare_took)
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds N received invoices (the sandbox posts each to our hook as it is added) and waits
/// until the worker reports the N-th on disk.
async fn engine_side(
    sb: &RunningSandbox,
    saved: &mut broadcast::Receiver<ReceiveEvent>,
    args: &BenchReceiveArgs,
    round: usize,
) -> Result<(Duration, Vec<String>), String> {
    while !matches!(
        saved.try_recv(),
        Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed)
    ) {}
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    let start = Instant::now();
    let mut ids = Vec::with_capacity(args.invoices);
    for n in 0..args.invoices {
        ids.push(sb.add_received(ReceivedInvoice {
            party_id: RECEIVING_PARTY.into(),
            invoice_number: Some(format!("BENCH-{round}-{n:05}")),
            with_pdf: Some(args.pdf_every > 0 && n % args.pdf_every == 0),
            ..ReceivedInvoice::default()
        })?);
    }
    let mut on_disk = 0;
    while on_disk < args.invoices {
        match tokio::time::timeout_at(deadline, saved.recv()).await {
            Err(_) => {
                return Err(format!(
                    "engine: {on_disk} van {} facturen op schijf na 10 minuten",
                    args.invoices
                ));
            }
            Ok(Ok(ReceiveEvent::Saved { .. })) => on_disk += 1,
            Ok(Ok(_)) => {}
            // Only new invoices are saved here; missed notices are checked on disk after.
            Ok(Err(RecvError::Lagged(missed))) => on_disk += missed as usize,
            Ok(Err(RecvError::Closed)) => return Err("engine: de hook-worker stopte".into()),
        }
    }
    Ok((start.elapsed(), ids))
}

/// One bare round into its own folder, after `sync()`.
async fn bare_side(
    client: &Client,
    ids: &[String],
    folders: &mut Vec<tempfile::TempDir>,
    concurrency: usize,
) -> Result<Duration, String> {
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    super::bench_sync::flush_disk().await;
    let (took, n) = bare_round(client, ids, &month_folder(folder.path()), concurrency).await?;
    folders.push(folder);
    if n != ids.len() {
        return Err(format!("kale lus: {n} van {} gedownload", ids.len()));
    }
    Ok(took)
}

/// One round of the bare hook receiver into its own folder, after `sync()`.
async fn like_side(
    like: &mut super::bench_receive_bare::BareReceiver,
    args: &BenchReceiveArgs,
    round: usize,
    folders: &mut Vec<tempfile::TempDir>,
    concurrency: usize,
) -> Result<Duration, String> {
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    super::bench_sync::flush_disk().await;
    let took = like
        .round(
            args.invoices,
            args.pdf_every,
            round,
            folder.path(),
            concurrency,
        )
        .await?;
    let on_disk = same_files("kale ontvanger", folder.path(), args, round);
    folders.push(folder);
    on_disk.map(|()| took)
}

/// The XML and PDF files a round puts on disk: every invoice, and every `pdf_every`-th
/// one's PDF.
fn expected_files(args: &BenchReceiveArgs) -> (usize, usize) {
    let pdfs = match args.pdf_every {
        0 => 0,
        every => args.invoices.div_ceil(every),
    };
    (args.invoices, pdfs)
}

/// Whether `side` wrote a round's XML and PDF files under `dir` (in any depth: the
/// receiver places by organisation and month), so every side is seen to write the same
/// documents.
fn same_files(side: &str, dir: &Path, args: &BenchReceiveArgs, round: usize) -> Result<(), String> {
    let on_disk = (count_files(dir, "xml"), count_files(dir, "pdf"));
    let expected = expected_files(args);
    if on_disk == expected {
        Ok(())
    } else {
        Err(format!(
            "{side}: {on_disk:?} (xml, pdf) in de map van ronde {round}, verwacht {expected:?}"
        ))
    }
}

/// Files with extension `ext` under `dir`, in any depth.
fn count_files(dir: &Path, ext: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                count_files(&path, ext)
            } else {
                usize::from(
                    path.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case(ext)),
                )
            }
        })
        .sum()
}

/// The middle value (sorts `values`; times, or the per-round ratios, which are never NaN).
fn median<T: Copy + PartialOrd>(values: &mut [T]) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

async fn bare_round(
    client: &Client,
    ids: &[String],
    out: &Path,
    concurrency: usize,
) -> Result<(Duration, usize), String> {
    let party = PartyId::new(RECEIVING_PARTY);
    let start = Instant::now();
    tokio::fs::create_dir_all(out)
        .await
        .map_err(|e| e.to_string())?;
    let done: Vec<Result<(), String>> = stream::iter(ids.iter().enumerate())
        .map(|(n, id)| {
            let party = party.clone();
            async move { download_to(client, &party, id, &out.join(format!("{n}.xml"))).await }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let took = start.elapsed();
    let ok = done.into_iter().collect::<Result<Vec<()>, String>>()?.len();
    Ok((took, ok))
}

/// Downloads one received invoice and writes it to `path` with fsync, and its embedded PDF
/// (if any) beside it, also with fsync: the bare sides' work per invoice, the same files the
/// engine puts on disk.
pub(crate) async fn download_to(
    client: &Client,
    party: &PartyId,
    id: &str,
    path: &Path,
) -> Result<(), String> {
    let bytes = client
        .download_purchase_invoice(party, id, None)
        .await
        .map_err(|e| e.to_string())?;
    write_synced(path, &bytes).await?;
    match embedded_pdf(&bytes)? {
        Some(pdf) => write_synced(&path.with_extension("pdf"), &pdf).await,
        None => Ok(()),
    }
}

async fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| e.to_string())?;
    file.write_all(bytes).await.map_err(|e| e.to_string())?;
    file.sync_data().await.map_err(|e| e.to_string())
}

/// The least a bare loop does to get the PDF out of a UBL: the content of the first
/// `EmbeddedDocumentBinaryObject` with `mimeCode="application/pdf"`, base64-decoded.
fn embedded_pdf(xml: &[u8]) -> Result<Option<Vec<u8>>, String> {
    use base64::Engine as _;
    let Some(at) = memchr::memmem::find(xml, b"mimeCode=\"application/pdf\"") else {
        return Ok(None);
    };
    let rest = &xml[at..];
    let start = memchr::memchr(b'>', rest).ok_or("bijlage zonder inhoud")? + 1;
    let len = memchr::memchr(b'<', &rest[start..]).ok_or("afgebroken bijlage")?;
    let text: Vec<u8> = rest[start..start + len]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Some)
        .map_err(|e| e.to_string())
}
