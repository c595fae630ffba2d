//! One module per subcommand; each is a thin layer over the crates.

mod bench;
mod documents;
mod identity;
mod sandbox;

use std::process::ExitCode;

use time::UtcOffset;

use crate::cli::{BenchCommand, Cli, Command};

/// Runs the chosen subcommand; `Err` carries the Dutch message to print.
pub async fn run(cli: Cli, offset: UtcOffset) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Sandbox(args) => sandbox::run(args).await,
        Command::Whoami => identity::whoami(&cli, offset).await,
        Command::Orgs { json } => identity::orgs(&cli, *json, offset).await,
        Command::Recognize {
            org,
            sales,
            retries,
            files,
        } => documents::recognize(&cli, org, *sales, *retries, files, offset).await,
        Command::DocumentStatus { org, sales, id } => {
            documents::status(&cli, org, *sales, id, offset).await
        }
        Command::Bench(BenchCommand::Upload(args)) => bench::upload(args).await,
    }
}
