//! `econnect document-status` (`econnect recognize` lives in `intake.rs`: it goes through the outbox).

use std::process::ExitCode;

use econnect_api::PartyId;
use time::UtcOffset;

use crate::cli::Cli;
use crate::{connect, messages};

/// Prints a document's status history, oldest first.
pub async fn status(
    cli: &Cli,
    org: &str,
    sales: bool,
    id: &str,
    offset: UtcOffset,
) -> Result<ExitCode, String> {
    let client = connect::client(cli)?;
    let party = PartyId::new(org);
    let history = if sales {
        client.sales_invoice_status(&party, id).await
    } else {
        client.purchase_invoice_status(&party, id).await
    }
    .map_err(|e| messages::describe(&e, offset))?;
    for entry in history {
        // The platform's history may hold entries without a name: shown as "-".
        println!(
            "{}\t{}\t{}",
            entry.created_on.as_deref().unwrap_or("-"),
            entry.name.as_ref().map_or("-", |n| n.as_str()),
            entry.description.as_deref().unwrap_or("")
        );
    }
    Ok(ExitCode::SUCCESS)
}
