//! The `econnect` command line: the platform sandbox, and thin commands over the client.

mod cli;
mod commands;
mod connect;
mod messages;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Read the local UTC offset while the process still has one thread (the `time` crate
    // refuses to read it later); used to print clock times in messages.
    let offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let cli = cli::Cli::parse();
    // Still one thread: the allocator is set before any other exists.
    if cli.command.keeps_one_heap() {
        econnect_engine::memory::one_heap();
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("ECONNECT_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fout: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli, offset)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fout: {message}");
            ExitCode::FAILURE
        }
    }
}
