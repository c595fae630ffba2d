//! `econnect recognize` and `econnect document-status`.

use std::path::PathBuf;
use std::process::ExitCode;

use econnect_api::{DocumentId, PartyId, RetryPolicy, Upload};
use futures_util::stream::{self, StreamExt};
use time::UtcOffset;

use crate::cli::Cli;
use crate::{connect, messages};

/// Files uploaded at once by `recognize`.
const IN_FLIGHT: usize = 4;

/// Uploads each file for scan & recognise; one line per file; failure when any failed.
pub async fn recognize(
    cli: &Cli,
    org: &str,
    sales: bool,
    retries: u32,
    files: &[PathBuf],
    offset: UtcOffset,
) -> Result<ExitCode, String> {
    let client = connect::client(cli)?;
    let party = PartyId::new(org);
    let policy = RetryPolicy {
        attempts: retries.saturating_add(1),
        ..RetryPolicy::default()
    };
    let results = stream::iter(files.iter().cloned())
        .map(|path| {
            let client = client.clone();
            let party = party.clone();
            async move {
                let upload = Upload::from_path(&path);
                // One id per file, reused by every retry of that file, so a retry cannot make a
                // second document. A later issue takes the id from the ledger instead.
                let document_id = DocumentId::new_random();
                let result = policy
                    .run(|| async {
                        if sales {
                            client
                                .recognize_sales_invoice(&party, &upload, &document_id, None)
                                .await
                        } else {
                            client
                                .recognize_purchase_invoice(&party, &upload, &document_id, None)
                                .await
                        }
                    })
                    .await;
                (path, result)
            }
        })
        .buffered(IN_FLIGHT)
        .collect::<Vec<_>>()
        .await;
    let mut failed = 0;
    for (path, result) in results {
        match result {
            Ok(doc) => println!("{}\t{}", path.display(), doc.id),
            Err(e) => {
                failed += 1;
                println!(
                    "{}\tFOUT: {}",
                    path.display(),
                    messages::describe(&e, offset)
                );
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

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
        println!(
            "{}\t{}\t{}",
            entry.created_on.as_deref().unwrap_or("-"),
            entry.name,
            entry.description.as_deref().unwrap_or("")
        );
    }
    Ok(ExitCode::SUCCESS)
}
