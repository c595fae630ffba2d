//! `econnect login`, `logout`, `sync` and `documents`: thin layers over the engine, which
//! keeps the password in the OS keyring and the environment in the local cache.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use econnect_engine::{
    DocumentQuery, Engine, EngineOptions, Environment, NoKeyring, SessionInfo, SignIn,
};
use time::UtcOffset;

use crate::cli::{Cli, EnvArg};
use crate::messages;

/// Filters of `econnect documents`.
pub struct DocumentFilter {
    /// Organisation.
    pub org: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Search words.
    pub search: Option<String>,
    /// Rows.
    pub limit: u32,
}

fn data_folder(cli: &Cli) -> Result<std::path::PathBuf, String> {
    econnect_engine::about::data_folder(cli.home.clone()).map_err(|e| messages::describe_engine(&e))
}

/// The environment the global options point at: `--api-base` wins over `--env`.
fn environment(cli: &Cli, env: EnvArg) -> Environment {
    match &cli.api_base {
        Some(api) => Environment::Custom {
            api_base: api.clone(),
            identity_base: cli.identity_base.clone(),
        },
        None => match env {
            EnvArg::Production => Environment::Production,
            EnvArg::Acceptance => Environment::Acceptance,
            EnvArg::Sandbox => Environment::Sandbox,
        },
    }
}

async fn open_engine(cli: &Cli, keyring: bool, background: bool) -> Result<Engine, String> {
    let mut options = EngineOptions {
        background_sync: background,
        call_timeout: std::time::Duration::from_secs(cli.timeout.max(1)),
        ..EngineOptions::default()
    };
    if !keyring {
        options.keyring = Arc::new(NoKeyring);
    }
    Engine::open_with(data_folder(cli)?, options)
        .await
        .map_err(|e| messages::describe_engine(&e))
}

/// Asks for the user name (unless given) and the password (without echo on a terminal),
/// signs in and stores the password in the OS keyring.
pub async fn login(cli: &Cli, env: EnvArg, user: Option<&str>) -> Result<ExitCode, String> {
    let environment = environment(cli, env);
    let username = match user {
        Some(u) => u.to_string(),
        None => ask("Gebruikersnaam: ")?,
    };
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Wachtwoord: ").map_err(|e| format!("Wachtwoord lezen: {e}"))?
    } else {
        // Piped input (scripts, tests): the next line is the password.
        read_line()?
    };
    let engine = open_engine(cli, true, false).await?;
    let info = engine
        .sign_in(SignIn {
            environment,
            username,
            password,
            remember: true,
        })
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    print_session(&info);
    if info.keyring != econnect_engine::KeyringState::Stored {
        eprintln!("{}", messages::NO_KEYRING);
    }
    Ok(ExitCode::SUCCESS)
}

/// Deletes the remembered password and forgets the last profile (the cache stays).
pub async fn logout(cli: &Cli) -> Result<ExitCode, String> {
    let engine = open_engine(cli, true, false).await?;
    engine
        .sign_out()
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    println!("uitgelogd");
    Ok(ExitCode::SUCCESS)
}

/// A session: from ECONNECT_USERNAME/ECONNECT_PASSWORD when set (never stored), else the
/// last `econnect login` (password from the keyring; offline from the cache if need be).
pub(crate) async fn session(cli: &Cli) -> Result<(Engine, SessionInfo), String> {
    session_with(cli, false).await
}

/// The session as the app runs it: with `background`, the sync loop, status tracking and
/// the saved receive channel start with it (for long-running commands such as `watch`).
pub(crate) async fn session_with(
    cli: &Cli,
    background: bool,
) -> Result<(Engine, SessionInfo), String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let (Some(username), Some(password)) = (var("ECONNECT_USERNAME"), var("ECONNECT_PASSWORD")) {
        let engine = open_engine(cli, false, background).await?;
        let environment = environment(cli, EnvArg::Production);
        let info = engine
            .sign_in_or_offline(SignIn {
                environment,
                username,
                password,
                remember: false,
            })
            .await
            .map_err(|e| messages::describe_engine(&e))?;
        return Ok((engine, info));
    }
    let engine = open_engine(cli, true, background).await?;
    match engine
        .restore_session()
        .await
        .map_err(|e| messages::describe_engine(&e))?
    {
        Some(info) => Ok((engine, info)),
        None => Err(messages::describe_engine(
            &econnect_engine::EngineError::not_signed_in(),
        )),
    }
}

/// Brings the organisation data up to date, then the statuses of the documents sent from
/// here that are still open (one status call each: the platform has no document lists).
pub async fn sync(cli: &Cli, json: bool, offset: UtcOffset) -> Result<ExitCode, String> {
    let (engine, _) = session(cli).await?;
    let offline = |e: &econnect_engine::EngineError| {
        let since = engine
            .status()
            .offline_since
            .as_deref()
            .map(|t| local_clock(t, offset));
        match since {
            Some(since) => format!("{} (offline sinds {since})", messages::describe_engine(e)),
            None => messages::describe_engine(e),
        }
    };
    let summary = engine.sync_now().await.map_err(|e| offline(&e))?;
    let statuses = engine.refresh_statuses().await.map_err(|e| offline(&e))?;
    if json {
        let both = serde_json::json!({ "sync": summary, "statuses": statuses });
        println!(
            "{}",
            serde_json::to_string_pretty(&both).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{} organisaties bijgewerkt in {} ms; {} van {} open documenten nagevraagd, {} status(sen) gewijzigd",
            summary.organisations,
            summary.duration_ms,
            statuses.checked,
            statuses.open,
            statuses.changed
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists documents from the cache (no platform call needed).
pub async fn documents(
    cli: &Cli,
    filter: DocumentFilter,
    json: bool,
    offset: UtcOffset,
) -> Result<ExitCode, String> {
    let (engine, info) = session(cli).await?;
    let page = engine
        .documents(DocumentQuery {
            party: filter.org,
            status: filter.status,
            search: filter.search,
            limit: Some(filter.limit.max(1)),
            ..DocumentQuery::default()
        })
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&page).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if info.opened_offline
        && let Some(since) = engine.status().offline_since
    {
        eprintln!(
            "offline sinds {} — uit de lokale cache",
            local_clock(&since, offset)
        );
    }
    // One line per document: date, direction, status, file name, organisation, number,
    // counterparty, amount, id (tab-separated).
    for r in &page.rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.created_at.get(..10).unwrap_or(&r.created_at),
            if r.direction == econnect_engine::Direction::Sent {
                "verzonden"
            } else {
                "ontvangen"
            },
            r.status,
            r.file_name.as_deref().unwrap_or("-"),
            r.party_id,
            r.invoice_number.as_deref().unwrap_or("-"),
            r.counterparty_name
                .as_deref()
                .or(r.counterparty_id.as_deref())
                .unwrap_or("-"),
            r.amount
                .as_deref()
                .map(|a| format!("{a} {}", r.currency.as_deref().unwrap_or("")))
                .unwrap_or_else(|| "-".into()),
            r.id,
        );
    }
    eprintln!("{} van {} documenten", page.rows.len(), page.total);
    if let Ok(c) = engine.document_coverage().await {
        eprintln!(
            "lokaal: {} verzonden vanaf deze computer, {} ontvangen (aangekondigd door een hook); het platform heeft geen documentlijsten",
            c.sent_here, c.received
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_session(info: &SessionInfo) {
    println!(
        "ingelogd als {} ({})",
        info.display_name.as_deref().unwrap_or(&info.username),
        info.api_base
    );
    if info.keyring == econnect_engine::KeyringState::Stored {
        println!("wachtwoord bewaard in de sleutelhanger van het systeem");
    }
}

fn ask(prompt: &str) -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        print!("{prompt}");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
    }
    read_line()
}

fn read_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("Invoer lezen: {e}"))?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    if line.is_empty() {
        return Err("Geen invoer".into());
    }
    Ok(line)
}

/// `HH:MM` local time of a stored RFC 3339 UTC timestamp.
fn local_clock(stored: &str, offset: UtcOffset) -> String {
    time::OffsetDateTime::parse(stored, &time::format_description::well_known::Rfc3339)
        .map(|t| {
            let t = t.to_offset(offset);
            format!("{:02}:{:02}", t.hour(), t.minute())
        })
        .unwrap_or_else(|_| stored.to_string())
}
