//! `econnect bench sync`: the sync of N organisations' data from an in-process sandbox (the
//! platform has no document lists, so a sync brings no documents), then the local-first
//! documents screen: N × M documents written the way the app writes them (sent ones as
//! accepted uploads, received ones as announced and saved invoices) next to a raw bulk
//! insert of the same rows into the same schema in the same run (ratio bulk time / write
//! time), then searches over them (p50/p99 of many queries; target p99 ≤ 10 ms). Every
//! search answers a page and its totals row (count and sum per currency of the whole
//! filtered set), as the Documents screen asks. 1,000,000 documents: `--documents 20000`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use econnect_engine::{
    AppConfig, Channel, Direction, DocumentQuery, DocumentSort, Engine, EngineOptions, Environment,
    MemoryKeyring, SignIn, SortField,
};
use econnect_sandbox::{SandboxConfig, Seed};
use econnect_store::{InvoiceFacts, ListedInvoice, OwnDocument, PartyRecord, SavedInvoice, Store};
use sqlx::{QueryBuilder, Sqlite};

use crate::cli::BenchSyncArgs;
use crate::messages;

/// Rows per INSERT statement of the bulk baseline.
const BULK_ROWS_PER_STATEMENT: usize = 500;

/// One cached document row, as the baseline inserts it.
type Row = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
);

/// Suppliers of the received half (their names are what the search looks for).
const SUPPLIERS: [(&str, &str); 6] = [
    ("Kantoorartikelen Mulder B.V.", "0106:27312152"),
    ("Energiebedrijf Noordstroom B.V.", "0106:58104427"),
    ("Schoonmaakbedrijf Glans", "0106:63829104"),
    ("ICT-Diensten De Boer", "0106:41025576"),
    ("Drukkerij Peters", "0106:11223344"),
    ("Brouwer Logistiek", "0106:55667788"),
];

/// Runs the benchmark and prints its figures.
pub async fn run(args: &BenchSyncArgs) -> Result<ExitCode, String> {
    let per_direction = (args.documents / 2).max(1);
    let sandbox = econnect_sandbox::spawn(SandboxConfig {
        seed: Seed::Empty,
        ..SandboxConfig::default()
    })
    .await
    .map_err(|e| messages::sandbox_failed(&e))?;
    let seeded = reqwest::Client::new()
        .post(format!("{}/_sandbox/seed", sandbox.url()))
        .json(&serde_json::json!({"parties": args.parties}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !seeded.status().is_success() {
        return Err(format!("seed: HTTP {}", seeded.status()));
    }
    let expected = args.parties * per_direction * 2;
    let (elapsed, engine, _dir) = timed_sync(&sandbox.url()).await?;
    let store = engine.store().await.map_err(|e| e.to_string())?;
    let parties = read_parties(&store).await?;
    println!(
        "sync (organisatiegegevens; het platform heeft geen documentlijsten): {} organisaties in {:.0} ms",
        parties.len(),
        ms(elapsed)
    );
    println!(
        "lokaal: {} organisaties × {} documenten = {expected} documenten (verzonden als geaccepteerde uploads, ontvangen als aangekondigd en opgeslagen)",
        args.parties,
        per_direction * 2
    );

    let mut write_times = Vec::new();
    let mut bulk_times = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for round in 0..args.rounds.max(1) {
        // Round 0 writes first (its rows give the baseline its rows); then they alternate.
        let write_first = round % 2 == 0;
        for step in 0..2 {
            if (step == 0) == write_first {
                let dir = tempfile::tempdir().map_err(|e| messages::bench_io(&e))?;
                let local = Store::open(&dir.path().join("local.sqlite"))
                    .await
                    .map_err(|e| e.to_string())?;
                local
                    .replace_parties(&parties)
                    .await
                    .map_err(|e| e.to_string())?;
                let elapsed = fill(&local, &parties, per_direction).await?;
                let total = local.document_total().await.map_err(|e| e.to_string())?;
                if total as usize != expected {
                    return Err(format!("{total} documents written, expected {expected}"));
                }
                if rows.is_empty() {
                    rows = read_rows(&local).await?;
                }
                local.close().await;
                println!(
                    "ronde {}: lokaal schrijven {:>8.0} ms  ({:.0} documenten/s)",
                    round + 1,
                    ms(elapsed),
                    expected as f64 / elapsed.as_secs_f64()
                );
                write_times.push(elapsed);
            } else {
                let elapsed = timed_bulk(&parties, &rows).await?;
                println!(
                    "ronde {}: bulk insert     {:>8.0} ms  ({:.0} rijen/s)",
                    round + 1,
                    ms(elapsed),
                    rows.len() as f64 / elapsed.as_secs_f64()
                );
                bulk_times.push(elapsed);
            }
        }
    }
    let ratios: Vec<String> = write_times
        .iter()
        .zip(&bulk_times)
        .map(|(s, b)| format!("{:.2}", b.as_secs_f64() / s.as_secs_f64()))
        .collect();
    let write = median(&mut write_times);
    let bulk = median(&mut bulk_times);
    println!(
        "mediaan: lokaal schrijven {:.0} ms, bulk insert {:.0} ms → verhouding {:.2}× (bulk-tijd / schrijftijd); per ronde: {}",
        ms(write),
        ms(bulk),
        bulk.as_secs_f64() / write.as_secs_f64(),
        ratios.join(", ")
    );

    // The searches run on the engine's own cache, filled the same way.
    fill(&store, &parties, per_direction).await?;
    if let Some(copy) = std::env::var_os("ECONNECT_BENCH_SAVE_DB") {
        // Diagnostic: a copy of the cache, to try query plans on with sqlite3.
        sqlx::query("VACUUM INTO ?")
            .bind(copy.to_string_lossy().into_owned())
            .execute(store.pool())
            .await
            .map_err(|e| e.to_string())?;
    }
    search(&engine, args.queries, args.parties, per_direction).await?;
    Ok(ExitCode::SUCCESS)
}

/// Writes every organisation's documents the way the app does, 500 per write: sent ones as
/// accepted uploads, received ones as announced (`record_listed`) and then saved.
async fn fill(
    store: &Store,
    parties: &[PartyRecord],
    per_direction: usize,
) -> Result<Duration, String> {
    let now = time::OffsetDateTime::now_utc();
    let started = Instant::now();
    for party in parties.iter().filter(|p| p.id.starts_with("0106:9")) {
        let n = party.id.trim_start_matches("0106:");
        let at = |d: usize| {
            econnect_store::timestamp::format(
                now - time::Duration::minutes(i64::try_from(d).unwrap_or(0)),
            )
        };
        let sent: Vec<OwnDocument> = (0..per_direction)
            .map(|d| OwnDocument {
                id: format!("bulk-{n}-s{d}"),
                party_id: party.id.clone(),
                direction: Direction::Sent,
                channel: CHANNELS[d % 4],
                file_name: Some(format!("verkoop B{n}-{d:05}.xml")),
                sha256: None,
                created_at: at(d),
            })
            .collect();
        for chunk in sent.chunks(500) {
            store
                .record_own_documents(chunk)
                .await
                .map_err(|e| e.to_string())?;
        }
        let announced: Vec<ListedInvoice> = (0..per_direction)
            .map(|d| ListedInvoice {
                document_id: format!("bulk-{n}-r{d}"),
                received_on: at(d),
                channel: CHANNELS[(d + 1) % 4].as_str().to_string(),
            })
            .collect();
        for chunk in announced.chunks(500) {
            store
                .record_listed(&party.id, chunk, None)
                .await
                .map_err(|e| e.to_string())?;
        }
        let saved: Vec<SavedInvoice> = (0..per_direction)
            .map(|d| {
                let (supplier, supplier_id) = SUPPLIERS[d % SUPPLIERS.len()];
                SavedInvoice {
                    document_id: format!("bulk-{n}-r{d}"),
                    facts: InvoiceFacts {
                        supplier: Some(supplier.into()),
                        supplier_id: Some(supplier_id.into()),
                        invoice_number: Some(format!("B{n}-{d:05}")),
                        issue_date: Some(at(d)[..10].to_string()),
                        amount: Some(format!("{}.{:02}", 10 + (d % 10_000) * 37 / 100, d % 100)),
                        currency: Some("EUR".into()),
                    },
                    xml: (format!("/bench/{n}/B{n}-{d:05}.xml"), format!("{d:064x}")),
                    pdf: None,
                }
            })
            .collect();
        for chunk in saved.chunks(500) {
            store
                .mark_received_saved_many(chunk)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(started.elapsed())
}

/// The channels documents travel on, in turn.
const CHANNELS: [Channel; 4] = [
    Channel::Idr,
    Channel::Email,
    Channel::Econnect,
    Channel::Peppol,
];

async fn timed_sync(url: &str) -> Result<(Duration, Engine, tempfile::TempDir), String> {
    let dir = tempfile::tempdir().map_err(|e| messages::bench_io(&e))?;
    let options = EngineOptions {
        keyring: Arc::new(MemoryKeyring::default()),
        config: Some(AppConfig {
            custom_client_id: Some(econnect_sandbox::CLIENT_ID.into()),
            custom_client_secret: Some(econnect_sandbox::CLIENT_SECRET.into()),
            sync_interval: Duration::from_secs(3600),
            ..AppConfig::default()
        }),
        background_sync: false,
        ..EngineOptions::default()
    };
    let engine = Engine::open_with(dir.path(), options)
        .await
        .map_err(|e| e.to_string())?;
    engine
        .sign_in(SignIn {
            environment: Environment::Custom {
                api_base: url.to_string(),
                identity_base: None,
            },
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            remember: false,
        })
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    let started = Instant::now();
    engine
        .sync_now()
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    Ok((started.elapsed(), engine, dir))
}

async fn read_rows(store: &Store) -> Result<Vec<Row>, String> {
    sqlx::query_as(
        "SELECT id, party_id, direction, channel, status, counterparty_id, counterparty_name,
           invoice_number, issue_date, amount, amount_cents, currency, created_at FROM documents",
    )
    .fetch_all(store.pool())
    .await
    .map_err(|e| e.to_string())
}

async fn read_parties(store: &Store) -> Result<Vec<PartyRecord>, String> {
    let orgs = store
        .organisations(&Default::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(orgs
        .into_iter()
        .map(|o| PartyRecord {
            id: o.id,
            name: o.name,
            permissions: o.permissions,
        })
        .collect())
}

/// The baseline: the same rows into the same schema (indexes and search triggers), in one
/// transaction, 500 rows per INSERT — no receive records, no feed.
async fn timed_bulk(parties: &[PartyRecord], rows: &[Row]) -> Result<Duration, String> {
    let dir = tempfile::tempdir().map_err(|e| messages::bench_io(&e))?;
    let store = Store::open(&dir.path().join("bulk.sqlite"))
        .await
        .map_err(|e| e.to_string())?;
    store
        .replace_parties(parties)
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut writer = store.writer().await.map_err(|e| e.to_string())?;
    let mut tx = writer.begin().await.map_err(|e| e.to_string())?;
    for chunk in rows.chunks(BULK_ROWS_PER_STATEMENT) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO documents (id, party_id, direction, channel, status, counterparty_id,
               counterparty_name, invoice_number, issue_date, amount, amount_cents, currency,
               created_at, first_seen_at, updated_at, sync_generation) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(&r.0)
                .push_bind(&r.1)
                .push_bind(&r.2)
                .push_bind(&r.3)
                .push_bind(&r.4)
                .push_bind(&r.5)
                .push_bind(&r.6)
                .push_bind(&r.7)
                .push_bind(&r.8)
                .push_bind(&r.9)
                .push_bind(r.10)
                .push_bind(&r.11)
                .push_bind(&r.12)
                .push_bind(&r.12)
                .push_bind(&r.12)
                .push_bind(1_i64);
        });
        q.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    drop(writer);
    store.close().await;
    Ok(elapsed)
}

/// A small deterministic generator (xorshift), so every run asks the same queries.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below.max(1) as u64) as usize
    }
}

/// The queries: the document screen's mix of full-text search, filters, sorts and paging.
fn query(i: usize, rng: &mut Xorshift, parties: &[String], per_direction: usize) -> DocumentQuery {
    const WORDS: [&str; 6] = [
        "mulder",
        "noordstroom",
        "glans",
        "boer",
        "peters",
        "brouwer",
    ];
    let party = &parties[rng.next(parties.len())];
    let number = party.trim_start_matches("0106:");
    let sort = |field, descending| Some(DocumentSort { field, descending });
    match i % 8 {
        0 => DocumentQuery {
            search: Some(format!("B{number}-{:05}", rng.next(per_direction))),
            ..Default::default()
        },
        1 => DocumentQuery {
            search: Some(WORDS[rng.next(WORDS.len())].into()),
            limit: Some(100),
            ..Default::default()
        },
        2 => DocumentQuery {
            party: Some(party.clone()),
            offset: rng.next(per_direction * 2 - 100) as u32,
            limit: Some(100),
            ..Default::default()
        },
        3 => DocumentQuery {
            party: Some(party.clone()),
            status: Some("Delivered".into()),
            sort: sort(SortField::Number, false),
            limit: Some(100),
            ..Default::default()
        },
        4 => DocumentQuery {
            direction: Some(Direction::Received),
            channel: Some(
                [
                    Channel::Idr,
                    Channel::Email,
                    Channel::Econnect,
                    Channel::Peppol,
                ][rng.next(4)],
            ),
            sort: sort(SortField::Amount, true),
            limit: Some(100),
            ..Default::default()
        },
        5 => {
            let today = time::OffsetDateTime::now_utc().date();
            DocumentQuery {
                party: Some(party.clone()),
                from: Some(today.previous_day().unwrap_or(today).to_string()),
                to: Some(today.to_string()),
                limit: Some(100),
                ..Default::default()
            }
        }
        6 => DocumentQuery {
            search: Some(format!("B{number}")),
            party: Some(party.clone()),
            sort: sort(SortField::Counterparty, false),
            limit: Some(100),
            ..Default::default()
        },
        _ => DocumentQuery {
            sort: sort(SortField::Date, true),
            offset: rng.next(parties.len() * per_direction * 2 - 100) as u32,
            limit: Some(100),
            ..Default::default()
        },
    }
}

async fn search(
    engine: &Engine,
    queries: usize,
    party_count: usize,
    per_direction: usize,
) -> Result<(), String> {
    let orgs = engine
        .organisations(Default::default())
        .await
        .map_err(|e| e.to_string())?;
    let parties: Vec<String> = orgs
        .iter()
        .map(|o| o.id.clone())
        .filter(|id| id.starts_with("0106:9"))
        .collect();
    if parties.len() != party_count {
        return Err(format!(
            "expected {party_count} benchmark organisations, found {}",
            parties.len()
        ));
    }
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    // Warm the page cache and the pool like a screen that has been open a moment.
    for i in 0..50 {
        engine
            .documents(query(i, &mut rng, &parties, per_direction))
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut times = Vec::with_capacity(queries);
    let mut cpu_times = Vec::with_capacity(queries);
    let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); 8];
    let mut cpu_by_kind: Vec<Vec<Duration>> = vec![Vec::new(); 8];
    let mut empty = 0;
    // The baseline, interleaved with the measured calls so both see the same machine: the
    // bare page statement of the most common view (newest first, one organisation), keys
    // only, no totals and no row decoding — the floor any page of this data costs here.
    let store = engine.store().await.map_err(|e| e.to_string())?;
    let mut bare_times = Vec::with_capacity(queries);
    for i in 0..queries {
        let q = query(i, &mut rng, &parties, per_direction);
        let cpu_before = process_cpu_time();
        let started = Instant::now();
        let page = engine.documents(q).await.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if page.total > 0 && page.totals.is_empty() {
            return Err("a page without its totals row".into());
        }
        let cpu = process_cpu_time().saturating_sub(cpu_before);
        if page.rows.is_empty() {
            empty += 1;
        }
        times.push(elapsed);
        cpu_times.push(cpu);
        by_kind[i % 8].push(elapsed);
        cpu_by_kind[i % 8].push(cpu);

        let party = &parties[rng.next(parties.len())];
        let started = Instant::now();
        let keys: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM documents WHERE party_id = ? ORDER BY created_at DESC, seq DESC LIMIT 100",
        )
        .bind(party)
        .fetch_all(store.pool())
        .await
        .map_err(|e| e.to_string())?;
        bare_times.push(started.elapsed());
        if keys.is_empty() {
            return Err("the baseline found no documents".into());
        }
    }
    bare_times.sort();
    times.sort();
    cpu_times.sort();
    println!(
        "zoeken (pagina + totaalregel) over {} documenten: {} zoekvragen, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (doel p99 ≤ 10 ms); {} zonder resultaat",
        party_count * per_direction * 2,
        queries,
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
        empty
    );
    println!(
        "  basislijn (kale paginaquery, één organisatie, alleen sleutels): p50 {:.2} ms, p99 {:.2} ms → verhouding p99 {:.1}× (zoeken / basislijn)",
        ms(percentile(&bare_times, 0.50)),
        ms(percentile(&bare_times, 0.99)),
        percentile(&times, 0.99).as_secs_f64()
            / percentile(&bare_times, 0.99).as_secs_f64().max(1e-9)
    );
    // Wall time includes waiting for a core; on a busy machine that, not the query, sets
    // the p99. The process's CPU time per query (all its threads) shows the work itself.
    println!(
        "  CPU-tijd per zoekvraag (alle threads van dit proces): p50 {:.2} ms, p99 {:.2} ms; systeembelasting (loadavg 1 min) {}",
        ms(percentile(&cpu_times, 0.50)),
        ms(percentile(&cpu_times, 0.99)),
        load_average()
    );
    const KINDS: [&str; 8] = [
        "factuurnummer",
        "tegenpartij (breed)",
        "organisatie + offset",
        "organisatie + status, op nummer",
        "richting + kanaal, op bedrag",
        "organisatie + periode",
        "nummerprefix + organisatie",
        "alles, diepe offset",
    ];
    for (i, ((kind, mut t), mut cpu)) in KINDS.iter().zip(by_kind).zip(cpu_by_kind).enumerate() {
        t.sort();
        cpu.sort();
        println!(
            "  {kind:<34} p50 {:>6.2} ms  p99 {:>6.2} ms   CPU p50 {:>6.2} ms  p99 {:>6.2} ms",
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.99)),
            ms(percentile(&cpu, 0.5)),
            ms(percentile(&cpu, 0.99))
        );
        if std::env::var_os("ECONNECT_BENCH_EXPLAIN").is_some() {
            let plan = store
                .explain_documents(&query(i, &mut rng, &parties, per_direction))
                .await
                .map_err(|e| e.to_string())?;
            for line in plan {
                println!("      {line}");
            }
        }
    }
    Ok(())
}

pub(crate) use super::process_clock::{flush_disk, process_cpu_time};

/// The 1-minute load average, to read the wall times against (other work on the machine).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
