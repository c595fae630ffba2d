//! `econnect bench status`, against an in-process sandbox: N open
//! documents sent from here brought to their final status by the tracker (one status call
//! each: the platform has no list), with the calls it made and the time it took.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use econnect_api::PartyId;
use econnect_engine::tracking::{Tracker, TrackerOptions};
use econnect_engine::{Channel, Direction};
use econnect_sandbox::{Seed, SentDocuments};
use econnect_store::{OwnDocument, timestamp};

use super::bench_receive::{sandbox, signed_in};

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
    let parties: Vec<String> = seeded["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
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
        sent.extend(
            ids.into_iter()
                .map(|id| (PartyId::new(party).as_str().to_string(), id)),
        );
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let engine = signed_in(&sb, dir.path()).await?;
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
    store
        .record_own_documents(&own)
        .await
        .map_err(|e| e.to_string())?;
    let tracker = Tracker::new(
        engine.client().await.map_err(|e| e.message)?,
        store,
        TrackerOptions {
            calls_per_minute: args.calls_per_minute,
            burst: 20,
            tick: Duration::from_millis(10),
        },
    );
    let open = tracker.open_count().await.map_err(|e| e.message)?;
    println!(
        "{open} open documenten in {} organisaties; de sandbox loopt 10 minuten vooruit",
        parties.len()
    );
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
        return Err(format!(
            "budget overschreden: {} calls, plafond {ceiling}",
            stats.calls
        ));
    }
    println!(
        "budget {} calls/min (plafond in deze tijd {}); met het budget van de app (120/min) kost dit {:.1} min",
        args.calls_per_minute,
        ceiling,
        stats.calls as f64 / 120.0
    );
    Ok(ExitCode::SUCCESS)
}
