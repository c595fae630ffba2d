//! `econnect hooks serve`: the headless hook receiver for an office server or NAS. Signs
//! in like the other commands, registers this installation's hook, serves, writes what
//! hooks announce to the receive folder (or `--to DIR`), and stops cleanly on SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use econnect_engine::hooks::{HookOptions, SecretPlace, check_public_url};

use crate::cli::{Cli, HooksServeArgs};
use crate::commands::{cache, intake};
use crate::messages;

/// Serves until SIGINT/SIGTERM. The first line on stdout is `listening on http://ADDR`.
pub async fn serve(cli: &Cli, args: &HooksServeArgs) -> Result<ExitCode, String> {
    // Before signing in: a wrong address needs no platform to be refused.
    check_public_url(&args.public_url).map_err(|e| messages::describe_engine(&e))?;
    let folder = match &args.to {
        Some(dir) => Some(std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?),
        None => None,
    };
    let (engine, _) = cache::session(cli).await?;
    if let Err(e) = engine.sync_now().await {
        // The cached organisations still say who receives.
        eprintln!(
            "synchroniseren mislukt, verder met de lokale cache: {}",
            messages::describe_engine(&e)
        );
    }
    let server = match engine
        .serve_hooks(HookOptions {
            listen: args.listen,
            public_url: args.public_url.clone(),
            folder,
        })
        .await
    {
        Ok(server) => server,
        Err(e) => {
            engine.close().await;
            return Err(messages::describe_engine(&e));
        }
    };
    println!("listening on http://{}", server.local_addr());
    let _ = std::io::stdout().flush();
    eprintln!(
        "hook {} geregistreerd voor {}; geheim {}",
        server.hook_id().unwrap_or("?"),
        args.public_url,
        match server.secret_place() {
            SecretPlace::Keyring => "in de sleutelhanger van het systeem".to_string(),
            SecretPlace::File(path) => format!(
                "in {} (alleen voor deze gebruiker leesbaar)",
                path.display()
            ),
        }
    );
    let mut changes = server.worker().subscribe();
    let report = tokio::spawn(async move {
        while let Ok(change) = changes.recv().await {
            println!("{}\tstatus\t{}", change.id, change.new_status);
        }
    });
    intake::shutdown_signal().await;
    eprintln!("stoppen: lopende verzoeken worden afgemaakt…");
    server.shutdown().await;
    report.abort();
    engine.close().await;
    Ok(ExitCode::SUCCESS)
}
