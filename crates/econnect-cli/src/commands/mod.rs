//! One module per subcommand; each is a thin layer over the crates.

mod bench;
pub(crate) mod bench_intake;
pub(crate) mod bench_receive;
mod bench_receive_bare;
pub(crate) mod bench_status;
mod bench_sync;
mod cache;
mod documents;
mod hooks;
mod identity;
pub(crate) mod intake;
mod process_clock;
mod receive;
mod sandbox;

use std::process::ExitCode;

use time::UtcOffset;

use crate::cli::{BenchCommand, Cli, Command, HooksCommand};

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
            force,
            files,
        } => intake::recognize(&cli, org, *sales, *retries, *force, files, offset).await,
        Command::Watch(args) => intake::watch(&cli, args, offset).await,
        Command::Hooks(HooksCommand::Serve(args)) => hooks::serve(&cli, args).await,
        Command::DocumentStatus { org, sales, id } => {
            documents::status(&cli, org, *sales, id, offset).await
        }
        Command::Login { environment, user } => {
            cache::login(&cli, *environment, user.as_deref()).await
        }
        Command::Logout => cache::logout(&cli).await,
        Command::Sync { json } => cache::sync(&cli, *json, offset).await,
        Command::Documents {
            org,
            status,
            search,
            limit,
            json,
        } => {
            let filter = cache::DocumentFilter {
                org: org.clone(),
                status: status.clone(),
                search: search.clone(),
                limit: *limit,
            };
            cache::documents(&cli, filter, *json, offset).await
        }
        Command::Receive { org, to, json } => {
            receive::run(&cli, org.clone(), to.clone(), *json).await
        }
        Command::Bench(BenchCommand::Status(args)) => bench_status::status(args).await,
        Command::Bench(BenchCommand::Receive(args)) => bench_receive::receive(args).await,
        Command::Bench(BenchCommand::Upload(args)) => bench::upload(args).await,
        Command::Bench(BenchCommand::Intake(args)) => bench_intake::run(args).await,
        Command::Bench(BenchCommand::Sync(args)) => bench_sync::run(args).await,
    }
}
