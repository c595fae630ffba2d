//! `econnect hooks serve`: the headless hook receiver for an office server or NAS. Signs
//! in like the other commands, registers this installation's hook, serves, writes what
//! hooks announce to the receive folder (or `--to DIR`), and stops cleanly on SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use econnect_engine::hooks::{HookOptions, SecretPlace, WorkerNews, check_public_url};
use econnect_engine::receive::ReceiveEvent;
use tokio::sync::broadcast::error::RecvError;

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
    let mut server = match engine
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
    // One line per invoice written and per status changed; a closed stdout (a supervisor
    // that stopped reading) must not stop the receiver, so write errors are ignored.
    // Taken from the server, not subscribed now: the catch-up after a restart may already
    // have written invoices.
    let Some(WorkerNews {
        statuses: mut changes,
        mut received,
    }) = server.take_news()
    else {
        server.shutdown().await;
        engine.close().await;
        return Err("de ontvanger gaf geen berichten door".into());
    };
    let report = tokio::spawn(async move {
        loop {
            let line = tokio::select! {
                change = changes.recv() => match change {
                    Ok(c) => format!("{}\tstatus\t{}", c.id, c.new_status),
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                },
                event = received.recv() => match event {
                    Ok(ReceiveEvent::Saved { organisation, label }) => format!("{organisation}\tontvangen\t{label}"),
                    Ok(_) | Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                },
            };
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}").and_then(|()| out.flush());
        }
    });
    intake::shutdown_signal().await;
    eprintln!("stoppen: lopende verzoeken worden afgemaakt…");
    server.shutdown().await;
    report.abort();
    engine.close().await;
    Ok(ExitCode::SUCCESS)
}
