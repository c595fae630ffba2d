//! `econnect whoami` and `econnect orgs`.

use std::process::ExitCode;

use econnect_api::Permissions;
use time::UtcOffset;

use crate::cli::Cli;
use crate::{connect, messages};

/// Prints the signed-in user's name, the environment and the data folder.
pub async fn whoami(cli: &Cli, offset: UtcOffset) -> Result<ExitCode, String> {
    let client = connect::client(cli)?;
    let me = client
        .me()
        .await
        .map_err(|e| messages::describe(&e, offset))?;
    println!("{}", me.name);
    println!("platform: {}", client.config().api_base);
    if let Some(home) = &cli.home {
        println!("gegevensmap: {}", home.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists the user's organisations as a table or as JSON.
pub async fn orgs(cli: &Cli, json: bool, offset: UtcOffset) -> Result<ExitCode, String> {
    let client = connect::client(cli)?;
    let parties = client
        .my_parties()
        .await
        .map_err(|e| messages::describe(&e, offset))?;
    if json {
        let text = serde_json::to_string_pretty(&parties).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        for party in &parties {
            println!(
                "{}\t{}\t{}",
                party.id,
                party.name,
                permission_letters(&party.permissions)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `VOWHS`-style summary: Verzenden, Ontvangen, Wissen, Hooks, Status wijzigen (`-` when absent).
fn permission_letters(p: &Permissions) -> String {
    [
        (p.can_send_document, 'V'),
        (p.can_receive_document, 'O'),
        (p.can_remove_document, 'W'),
        (p.can_manage_hook, 'H'),
        (p.can_change_document_status, 'S'),
    ]
    .iter()
    .map(|&(on, letter)| if on { letter } else { '-' })
    .collect()
}
