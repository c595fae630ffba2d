//! `econnect watch` and `econnect recognize`: the app's intake without a window. `watch`
//! runs on the engine's session, as the app does (same profile database, preflight,
//! ledger and outbox, sync, tracking and receive channel), so the command line and the
//! app never disagree about what was sent.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use econnect_api::PartyId;
use econnect_engine::EngineEvent;
use econnect_engine::desktop::NoticeKind;
use econnect_engine::outbox::IntakeSetup;
use econnect_intake::{
    Direction, Intake, IntakeConfig, IntakeEvent, Layout, Stage, SubmitOutcome, WatchedFolder,
};
use econnect_store::Store;
use time::UtcOffset;
use tokio::sync::broadcast::error::RecvError;

use crate::cli::Cli;
use crate::commands::cache;
use crate::{connect, messages};

/// Options of `econnect watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// A folder to watch, bound to the `--org` at the same position (repeatable).
    #[arg(long = "dir")]
    pub dirs: Vec<PathBuf>,
    /// The organisation of the `--dir` at the same position (party id, e.g. NL:KVK:12345678).
    #[arg(long = "org")]
    pub orgs: Vec<String>,
    /// A root folder with one subfolder per organisation (bound by their marker files).
    #[arg(long = "root")]
    pub roots: Vec<PathBuf>,
    /// Sales intake (default: purchase invoices).
    #[arg(long)]
    pub sales: bool,
    /// Only scan (network shares send no file events).
    #[arg(long)]
    pub poll: bool,
    /// Uploads in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
}

/// Opens the profile database the app uses for these credentials and this server.
pub async fn open_store(cli: &Cli) -> Result<Store, String> {
    let home = econnect_engine::about::data_folder(cli.home.clone()).map_err(|e| e.message)?;
    // The client id names a machine sign-in's profile: the one the address gets (see
    // `connect::credentials_from_env`).
    let client_var = if cli.api_base.is_some() {
        "ECONNECT_CUSTOM_CLIENT_ID"
    } else {
        "ECONNECT_CLIENT_ID"
    };
    let user = ["ECONNECT_USERNAME", client_var]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "cli".into());
    let environment = match &cli.api_base {
        Some(api) => econnect_engine::Environment::Custom {
            api_base: api.clone(),
            identity_base: cli.identity_base.clone(),
        },
        None => econnect_engine::Environment::Production,
    };
    let path = econnect_store::profile_database_path(&home, &environment.profile(&user));
    Store::open(&path).await.map_err(|e| {
        format!(
            "De lokale database kon niet worden geopend ({}): {e}",
            path.display()
        )
    })
}

fn config(concurrency: usize, offset: UtcOffset) -> IntakeConfig {
    IntakeConfig {
        concurrency: concurrency.max(1),
        local_offset: offset,
        ..IntakeConfig::default()
    }
}

/// Runs the intake until SIGINT/SIGTERM; in-flight uploads finish before it exits.
pub async fn watch(cli: &Cli, args: &WatchArgs, offset: UtcOffset) -> Result<ExitCode, String> {
    if args.dirs.len() != args.orgs.len() {
        return Err("Geef bij elke --dir een --org (in dezelfde volgorde)".into());
    }
    if args.dirs.is_empty() && args.roots.is_empty() {
        return Err("Geef minstens één --dir DIR --org PARTIJ of --root DIR".into());
    }
    let direction = if args.sales {
        Direction::Sales
    } else {
        Direction::Purchase
    };
    let mut folders: Vec<WatchedFolder> = args
        .dirs
        .iter()
        .zip(&args.orgs)
        .map(|(dir, org)| WatchedFolder {
            path: absolute(dir),
            layout: Layout::Single {
                party: PartyId::new(org).as_str().to_string(),
            },
            direction,
        })
        .collect();
    folders.extend(args.roots.iter().map(|r| WatchedFolder {
        path: absolute(r),
        layout: Layout::Root,
        direction,
    }));
    // The session the app runs: signed in like the other commands, with the sync loop,
    // status tracking, maintenance and the saved receive channel (Instellingen →
    // Ontvangen); these folders are watched for this run only.
    let (engine, _) = cache::session_with(cli, true).await?;
    engine.outbox().configure(IntakeSetup {
        extra: folders.clone(),
        poll_only: args.poll,
        concurrency: args.concurrency,
        local_offset: Some(offset),
    });
    let mut events = engine.outbox().subscribe();
    let mut notices = engine.events();
    engine.start_services();
    if let Err(e) = engine.outbox().intake(&engine).await {
        engine.close().await;
        return Err(messages::describe_engine(&e));
    }
    for f in &folders {
        eprintln!(
            "volgt {} ({})",
            f.path.display(),
            if args.sales { "verkoop" } else { "inkoop" }
        );
    }
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(ev) => print_event(&ev),
                Err(RecvError::Lagged(n)) => eprintln!("({n} meldingen overgeslagen)"),
                Err(RecvError::Closed) => break,
            },
            notice = notices.recv() => match notice {
                Ok(EngineEvent::Notice(n)) if n.kind == NoticeKind::InvoiceReceived => {
                    println!("{}\tontvangen", n.subject);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            _ = &mut stop => break,
        }
    }
    eprintln!("stoppen: lopende uploads worden afgemaakt…");
    engine.outbox().stop().await;
    engine.close().await;
    while let Ok(ev) = events.try_recv() {
        print_event(&ev);
    }
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn absolute(p: &std::path::Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// One line per event that matters to someone watching a terminal.
fn print_event(ev: &IntakeEvent) {
    let what = match &ev.stage {
        Stage::Wachten => "wachten".to_string(),
        Stage::Verzonden {
            document_id,
            already_there,
        } => {
            let note = if *already_there {
                ALREADY_THERE_NOTE
            } else {
                ""
            };
            format!("verzonden\t{document_id}{note}")
        }
        Stage::Mislukt { refusal } => format!("mislukt\t{}", refusal.message),
        Stage::Dood { refusal } => format!("opgegeven\t{}", refusal.message),
        Stage::Duplicaat { of } => {
            format!("duplicaat\t{}", of.document_id.as_deref().unwrap_or(&of.id))
        }
        Stage::Opnieuw {
            attempt,
            wait_ms,
            error,
        } => format!("opnieuw\tpoging {attempt}, over {wait_ms} ms: {error}"),
        Stage::Controleren | Stage::Uploaden { .. } => return,
    };
    println!("{}\t{what}", ev.path);
}

/// Said after the document id of a file the platform already had (its 409 to our id).
const ALREADY_THERE_NOTE: &str = "\thet platform heeft dit bestand al";

/// Preflights, records and uploads each file through the outbox; one line per file
/// (`path<TAB>document id`, with a note when the platform already had it, or
/// `path<TAB>FOUT: reason`); failure when any failed.
pub async fn recognize(
    cli: &Cli,
    org: &str,
    sales: bool,
    retries: u32,
    force: bool,
    files: &[PathBuf],
    offset: UtcOffset,
) -> Result<ExitCode, String> {
    let client = connect::client(cli)?;
    let store = open_store(cli).await?;
    let mut config = config(4, offset);
    config.max_attempts = retries.saturating_add(1);
    config.max_delay = Duration::from_secs(30);
    let intake = Intake::start(store, client, config, Vec::new())
        .await
        .map_err(|e| e.dutch())?;
    let mut events = intake.subscribe();
    let party = PartyId::new(org);
    let direction = if sales {
        Direction::Sales
    } else {
        Direction::Purchase
    };
    let paths: Vec<PathBuf> = files.iter().map(|f| absolute(f)).collect();
    let submitted = intake
        .submit_paths(&party, direction, paths, force)
        .await
        .map_err(|e| e.dutch())?;
    let mut lines: Vec<(String, Result<String, String>)> = Vec::new();
    let mut waiting: HashSet<String> = HashSet::new();
    for (file, s) in files.iter().zip(&submitted) {
        let shown = file.display().to_string();
        match &s.outcome {
            SubmitOutcome::Queued { id } => {
                waiting.insert(id.clone());
                lines.push((shown, Ok(id.clone())));
            }
            SubmitOutcome::Duplicate { refusal, .. } | SubmitOutcome::Refused { refusal } => {
                lines.push((shown, Err(refusal.message.clone())));
            }
        }
    }
    // Per outbox id: the document id and whether the platform already had it, or why not.
    let mut outcomes: std::collections::HashMap<String, Result<(String, bool), String>> =
        Default::default();
    while !waiting.is_empty() {
        match tokio::time::timeout(Duration::from_millis(500), events.recv()).await {
            // No event for a while, or some were missed: ask the outbox itself.
            Err(_) | Ok(Err(RecvError::Lagged(_))) => {
                for id in waiting.clone() {
                    if let Ok(Some(item)) = intake.item(&id).await {
                        let done = match item.state.as_str() {
                            "sent" => Some(Ok((item.document_id.unwrap_or_default(), false))),
                            "refused" | "dead" => {
                                Some(Err(item.refusal_message.unwrap_or_default()))
                            }
                            // Changed after its check: not sent; checked again and queued
                            // under a new id, sent by the next run.
                            "changed" => Some(Err(item.last_error.unwrap_or_default())),
                            _ => None,
                        };
                        if let Some(done) = done {
                            waiting.remove(&id);
                            outcomes.insert(id, done);
                        }
                    }
                }
            }
            Ok(Ok(ev)) => {
                let Some(id) = ev.outbox_id.clone().filter(|id| waiting.contains(id)) else {
                    continue;
                };
                let done = match ev.stage {
                    Stage::Verzonden {
                        document_id,
                        already_there,
                    } => Some(Ok((document_id, already_there))),
                    Stage::Mislukt { refusal } | Stage::Dood { refusal } => {
                        Some(Err(refusal.message))
                    }
                    _ => None,
                };
                if let Some(done) = done {
                    waiting.remove(&id);
                    outcomes.insert(id, done);
                }
            }
            Ok(Err(RecvError::Closed)) => break,
        }
    }
    intake.shutdown().await;
    let mut failed = 0;
    for (path, result) in lines {
        let result = match result {
            Ok(id) => outcomes
                .remove(&id)
                .unwrap_or(Err("onbekende uitkomst".into())),
            Err(e) => Err(e),
        };
        match result {
            Ok((doc, false)) => println!("{path}\t{doc}"),
            Ok((doc, true)) => println!("{path}\t{doc}{ALREADY_THERE_NOTE}"),
            Err(reason) => {
                failed += 1;
                println!("{path}\tFOUT: {reason}");
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
