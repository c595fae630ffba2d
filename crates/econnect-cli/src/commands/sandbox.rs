//! `econnect sandbox`: runs the platform double until SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use econnect_sandbox::{SandboxConfig, Seed};

use crate::cli::{SandboxArgs, SeedArg};
use crate::messages;

/// Starts the sandbox, prints `listening on http://ADDR` first, and runs until a signal.
pub async fn run(args: &SandboxArgs) -> Result<ExitCode, String> {
    let seed = match args.seed {
        SeedArg::Demo => Seed::Demo,
        SeedArg::Empty => Seed::Empty,
    };
    // Handlers go in before the address is printed: whoever reads that line may signal at once.
    let signals = Signals::install().map_err(|e| e.to_string())?;
    let sandbox = econnect_sandbox::spawn(SandboxConfig {
        addr: args.addr,
        seed,
        controls: true,
    })
    .await
    .map_err(|e| messages::sandbox_failed(&e))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{}", sandbox.addr()).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    signals.wait().await;
    sandbox.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere), registered up front.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let Signals {
                mut interrupt,
                mut terminate,
            } = self;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
