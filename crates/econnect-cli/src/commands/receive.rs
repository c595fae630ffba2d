//! `econnect receive`: one receive pass — sync the organisations and their receive states,
//! then download the invoices hooks announced (recorded here) into the receive folder (or
//! `--to DIR`). The platform has no list of received invoices.

use std::path::PathBuf;
use std::process::ExitCode;

use econnect_engine::receive::ReceiveOptions;

use crate::cli::Cli;
use crate::commands::cache;
use crate::messages;

/// Runs one pass and prints what it did; failure when an invoice could not be saved.
pub async fn run(
    cli: &Cli,
    org: Option<String>,
    to: Option<PathBuf>,
    json: bool,
) -> Result<ExitCode, String> {
    let (engine, _) = cache::session(cli).await?;
    if let Err(e) = engine.sync_now().await {
        // The cached organisations still say who receives; the downloads will tell.
        eprintln!(
            "synchroniseren mislukt, verder met de lokale cache: {}",
            messages::describe_engine(&e)
        );
    }
    let to = match to {
        Some(dir) => {
            Some(std::path::absolute(&dir).map_err(|e| format!("{}: {e}", dir.display()))?)
        }
        None => None,
    };
    let folder = match &to {
        Some(dir) => dir.display().to_string(),
        None => {
            engine
                .receive_folder()
                .await
                .map_err(|e| messages::describe_engine(&e))?
                .path
        }
    };
    let summary = engine
        .receive_now(ReceiveOptions {
            only_party: org,
            folder: to,
            ..ReceiveOptions::default()
        })
        .await
        .map_err(|e| messages::describe_engine(&e))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{} organisaties, {} opgeslagen in {folder}, {} mislukt (later opnieuw), {} geweigerd, in {} ms",
            summary.organisations,
            summary.saved,
            summary.failed,
            summary.refused,
            summary.duration_ms
        );
    }
    Ok(if summary.failed + summary.refused > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
