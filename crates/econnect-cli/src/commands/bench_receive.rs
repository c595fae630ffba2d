//! `econnect bench status` and `econnect bench receive` (issue 8), against an in-process
//! sandbox. Status: N open documents sent from here brought to their final status by the
//! tracker (one status call each: the platform has no list), with the calls it made and the
//! time it took. Receive: N received invoices, announced as hooks announce them (recorded
//! with `record_listed`; there is no list), downloaded into a folder by the receiver, against
//! a bare download loop over the same ids in the same run (ratio = receiver rate / bare
//! rate; target ≥ 0.8). The lead redoes this one as hook → disk.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use econnect_api::{Client, Config, Credentials, PartyId};
use econnect_engine::receive::{PhaseTimes, ReceiveOptions, Receiver};
use econnect_engine::tracking::{Tracker, TrackerOptions};
use econnect_engine::{AppConfig, Channel, Direction, Engine, EngineOptions, Environment, MemoryKeyring, SignIn};
use econnect_sandbox::{ReceivedInvoice, RunningSandbox, SandboxConfig, Seed, SentDocuments};
use econnect_store::{ListedInvoice, OwnDocument, Store, timestamp};
use futures_util::{StreamExt, stream};
use tokio::io::AsyncWriteExt;

use crate::messages;

/// Options of `econnect bench status`.
#[derive(Debug, Args)]
pub struct BenchStatusArgs {
    /// Open documents.
    #[arg(long, default_value_t = 10_000)]
    pub documents: usize,
    /// Organisations they are spread over.
    #[arg(long, default_value_t = 10)]
    pub parties: usize,
    /// Every n-th document is rejected (its history carries the reason).
    #[arg(long, default_value_t = 50)]
    pub reject_every: usize,
    /// The tracker's call budget per minute (the app uses 120).
    #[arg(long, default_value_t = 1200)]
    pub calls_per_minute: u32,
}

/// Options of `econnect bench receive`.
#[derive(Debug, Args)]
pub struct BenchReceiveArgs {
    /// Received invoices.
    #[arg(long, default_value_t = 1000)]
    pub invoices: usize,
    /// Every n-th has an embedded PDF (0: none).
    #[arg(long, default_value_t = 2)]
    pub pdf_every: usize,
    /// Downloads in flight, for both sides.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Rounds (alternating which side goes first); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Delay every download answer by this many ms (the sandbox's `slow` fault), for both
    /// sides: a stand-in for the network and the platform, which loopback does not have.
    #[arg(long, default_value_t = 0)]
    pub platform_delay_ms: u64,
}

/// The demo organisation that receives (Bakkerij De Gouden Korenaar).
const RECEIVING_PARTY: &str = "0106:30187412";

async fn sandbox(seed: Seed) -> Result<RunningSandbox, String> {
    econnect_sandbox::spawn(SandboxConfig { seed, ..SandboxConfig::default() })
        .await
        .map_err(|e| messages::sandbox_failed(&e))
}

fn client(sb: &RunningSandbox) -> Result<Client, String> {
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

/// Runs `econnect bench status`.
pub async fn status(args: &BenchStatusArgs) -> Result<ExitCode, String> {
    let sb = sandbox(Seed::Empty).await?;
    let http = reqwest::Client::new();
    let seeded: serde_json::Value = http
        .post(format!("{}/_sandbox/seed", sb.url()))
        .json(&serde_json::json!({"parties": args.parties.max(1)}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let parties: Vec<String> = seeded["parties"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_string)).collect();
    let per_party = args.documents / parties.len().max(1);
    let mut sent = Vec::new();
    for (i, party) in parties.iter().enumerate() {
        let ids = sb.add_sent(SentDocuments {
            party_id: party.clone(),
            count: per_party,
            reject_every: args.reject_every,
            id_prefix: Some(format!("bench-{i}-")),
            ..SentDocuments::default()
        })?;
        sent.extend(ids.into_iter().map(|id| (PartyId::new(party).as_str().to_string(), id)));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let engine = Engine::open_with(
        dir.path(),
        EngineOptions {
            keyring: Arc::new(MemoryKeyring::default()),
            config: Some(AppConfig {
                client_id: Some(econnect_sandbox::CLIENT_ID.into()),
                client_secret: Some(econnect_sandbox::CLIENT_SECRET.into()),
                sync_interval: Duration::from_secs(24 * 3600),
            }),
            background_sync: false,
            ..EngineOptions::default()
        },
    )
    .await
    .map_err(|e| e.message)?;
    engine
        .sign_in(SignIn {
            environment: Environment::Custom { api_base: sb.url(), identity_base: None },
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            remember: false,
        })
        .await
        .map_err(|e| e.message)?;
    engine.sync_now().await.map_err(|e| e.message)?;
    // What the outbox writes when the platform accepts an upload: the documents are this
    // installation's own, the only ones it can follow.
    let store = engine.store().await.map_err(|e| e.message)?;
    let now = timestamp::now();
    let own: Vec<OwnDocument> = sent
        .into_iter()
        .map(|(party_id, id)| OwnDocument {
            file_name: Some(format!("{id}.xml")),
            id,
            party_id,
            direction: Direction::Sent,
            channel: Channel::Peppol,
            sha256: None,
            created_at: now.clone(),
        })
        .collect();
    store.record_own_documents(&own).await.map_err(|e| e.to_string())?;
    let tracker = Tracker::new(
        engine.client().await.map_err(|e| e.message)?,
        store,
        TrackerOptions { calls_per_minute: args.calls_per_minute, burst: 20, tick: Duration::from_millis(10) },
    );
    let open = tracker.open_count().await.map_err(|e| e.message)?;
    println!("{open} open documenten in {} organisaties; de sandbox loopt 10 minuten vooruit", parties.len());
    sb.advance_time(600);
    let start = Instant::now();
    let mut rounds = 0;
    while tracker.open_count().await.map_err(|e| e.message)? > 0 {
        rounds += 1;
        if let Err(e) = tracker.round().await {
            eprintln!("ronde {rounds}: {}", e.message);
        }
        if start.elapsed() > Duration::from_secs(1800) {
            return Err("niet alle statussen definitief binnen 30 minuten".into());
        }
    }
    let took = start.elapsed();
    let stats = tracker.stats();
    let ceiling = tracker.budget().ceiling(took);
    println!(
        "bijgewerkt: {} statussen in {:.1} s, {rounds} rondes; {} statusoproepen (geen lijsten: het platform heeft ze niet) — {:.3} calls per document",
        stats.changes,
        took.as_secs_f64(),
        stats.calls,
        stats.calls as f64 / open.max(1) as f64,
    );
    if stats.calls > ceiling {
        return Err(format!("budget overschreden: {} calls, plafond {ceiling}", stats.calls));
    }
    println!(
        "budget {} calls/min (plafond in deze tijd {}); met het budget van de app (120/min) kost dit {:.1} min",
        args.calls_per_minute,
        ceiling,
        stats.calls as f64 / 120.0
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `econnect bench receive`.
pub async fn receive(args: &BenchReceiveArgs) -> Result<ExitCode, String> {
    let sb = sandbox(Seed::Demo).await?;
    // What the hooks announce: the demo's waiting invoices and the new ones.
    let mut announced: Vec<ListedInvoice> = sb
        .seeded_documents()
        .into_iter()
        .filter(|d| !d.sent && d.party_id == RECEIVING_PARTY)
        .map(|d| ListedInvoice { document_id: d.id, received_on: d.created_on, channel: d.channel })
        .collect();
    for n in 0..args.invoices {
        let id = sb.add_received(ReceivedInvoice {
            party_id: RECEIVING_PARTY.into(),
            invoice_number: Some(format!("BENCH-{n:05}")),
            with_pdf: Some(args.pdf_every > 0 && n % args.pdf_every == 0),
            ..ReceivedInvoice::default()
        })?;
        announced.push(ListedInvoice { document_id: id, received_on: timestamp::now(), channel: "peppol".into() });
    }
    if args.platform_delay_ms > 0 {
        let rule = serde_json::json!({"kind": "slow", "rate": 1.0, "delayMs": args.platform_delay_ms, "pathContains": "/download"});
        reqwest::Client::new()
            .post(format!("{}/_sandbox/faults", sb.url()))
            .json(&rule)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!("elke download {} ms vertraagd (sandbox-fout `slow`), beide kanten", args.platform_delay_ms);
    }
    let client = client(&sb)?;
    let total = args.invoices + 3;
    println!("sandbox: {total} ontvangen facturen (elke {}e met pdf), {} tegelijk", args.pdf_every, args.concurrency);
    // Each side does, per invoice: the receiver records the announcement, downloads
    // (streamed, hashed) into a temp file, reads the UBL's facts and extracts the embedded
    // PDF, links both files under their final names and records the invoice in the cache
    // (one transaction); the bare loop downloads the announced ids and writes the XML under
    // a numbered name. "Durable": every file
    // is flushed to the disk (fsync) before it counts, as the app does.
    let mut times: [Vec<Duration>; 4] = Default::default();
    let mut phases = Vec::new();
    // Every round writes into its own folder, removed only at the end: removing thousands
    // of files makes creating the next ones slow for minutes on some file systems (ext4
    // skips recently freed inodes), which would charge one side for the other's cleanup.
    let mut folders = Vec::new();
    for round in 0..args.rounds.max(1) {
        for step in 0..2 {
            if (step == 0) == (round % 2 == 0) {
                for (slot, durable) in [(0, true), (1, false)] {
                    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
                    super::bench_sync::flush_disk().await;
                    let (took, saved, phase) = receiver_round(&client, &announced, folder.path(), args.concurrency, durable).await?;
                    folders.push(folder);
                    if saved != total {
                        return Err(format!("ontvanger: {saved} van {total} opgeslagen"));
                    }
                    times[slot].push(took);
                    if durable {
                        phases.push(phase);
                    }
                }
            } else {
                for (slot, durable) in [(2, true), (3, false)] {
                    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
                    super::bench_sync::flush_disk().await;
                    let (took, n) = bare_round(&client, &announced, folder.path(), args.concurrency, durable).await?;
                    folders.push(folder);
                    if n != total {
                        return Err(format!("kale lus: {n} van {total} gedownload"));
                    }
                    times[slot].push(took);
                }
            }
        }
    }
    let [rd, ru, bd, bu] = times.map(|mut t| median(&mut t));
    let rate = |t: Duration| total as f64 / t.as_secs_f64();
    println!("ontvanger, fsync (aangekondigd, download, pdf eruit, atomisch plaatsen, cache): {:.0} facturen/s ({:.2} s)", rate(rd), rd.as_secs_f64());
    println!("kale lus, fsync (download, xml schrijven + fsync):                             {:.0} facturen/s ({:.2} s)", rate(bd), bd.as_secs_f64());
    println!("ontvanger zonder fsync (alleen om te meten):                           {:.0} facturen/s ({:.2} s)", rate(ru), ru.as_secs_f64());
    println!("kale lus zonder fsync (download, xml schrijven):                       {:.0} facturen/s ({:.2} s)", rate(bu), bu.as_secs_f64());
    println!(
        "verhouding (doel ≥ 0,8×): {:.2}× gelijk tegen gelijk met fsync, {:.2}× gelijk tegen gelijk zonder fsync; {:.2}× ontvanger met fsync tegen kale lus zonder",
        rate(rd) / rate(bd),
        rate(ru) / rate(bu),
        rate(rd) / rate(bu)
    );
    if let Some(p) = phases.get(phases.len() / 2) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "ontvanger per fase (opgeteld over {} gelijktijdige downloads, ms): download {:.0}, ubl lezen + pdf {:.0}, plaatsen {:.0}, cache {:.0}, per batch {:.0}",
            args.concurrency,
            ms(p.download),
            ms(p.read),
            ms(p.place),
            ms(p.record),
            ms(p.batch)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn receiver_round(client: &Client, announced: &[ListedInvoice], dir: &Path, concurrency: usize, durable: bool) -> Result<(Duration, usize, PhaseTimes), String> {
    let store = Store::open(&dir.join("cache.sqlite")).await.map_err(|e| e.to_string())?;
    let receiver = Receiver::new(
        client.clone(),
        store.clone(),
        ReceiveOptions { concurrency, durable, folder: Some(dir.join("out")), only_party: Some(RECEIVING_PARTY.into()), ..ReceiveOptions::default() },
    );
    receiver.refresh_organisations().await.map_err(|e| e.message)?;
    let start = Instant::now();
    store.record_listed(RECEIVING_PARTY, announced, None).await.map_err(|e| e.to_string())?;
    let summary = receiver.pass().await.map_err(|e| e.message)?;
    let took = start.elapsed();
    store.close().await;
    Ok((took, summary.saved as usize, receiver.phase_times()))
}

async fn bare_round(client: &Client, announced: &[ListedInvoice], out: &Path, concurrency: usize, durable: bool) -> Result<(Duration, usize), String> {
    let party = PartyId::new(RECEIVING_PARTY);
    let start = Instant::now();
    let ids: Vec<&str> = announced.iter().map(|i| i.document_id.as_str()).collect();
    let done: Vec<Result<(), String>> = stream::iter(ids.iter().copied().enumerate())
        .map(|(n, id)| {
            let party = party.clone();
            async move {
                let bytes = client.download_purchase_invoice(&party, id, None).await.map_err(|e| e.to_string())?;
                let mut file = tokio::fs::File::create(out.join(format!("{n}.xml"))).await.map_err(|e| e.to_string())?;
                file.write_all(&bytes).await.map_err(|e| e.to_string())?;
                if durable {
                    file.sync_data().await.map_err(|e| e.to_string())?;
                }
                Ok(())
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let took = start.elapsed();
    let ok = done.into_iter().collect::<Result<Vec<()>, String>>()?.len();
    Ok((took, ok))
}
