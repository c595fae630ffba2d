//! The documents of one organisation and direction: pages through the platform's list, each
//! page written in one transaction together with the cursor, so a crash or restart goes on
//! from the next page. While a page is written, the next one is already being fetched.

use econnect_api::{Client, PartyId, PurchaseInvoiceQuery, ReceivedInvoice, SentInvoice};
use econnect_store::documents::PageOutcome;
use econnect_store::{Channel, Direction, DocumentRecord, Store, timestamp};

use crate::error::EngineError;
use crate::sync::calls::with_retries;

/// Cursor name of the purchase-invoice list.
pub(crate) const PURCHASE: &str = "purchase_invoices";
/// Cursor name of the sales-invoice list.
pub(crate) const SALES: &str = "sales_invoices";

/// One fetched page, already mapped.
struct Page {
    documents: Vec<DocumentRecord>,
    next: Option<String>,
}

async fn fetch(
    client: &Client,
    party: &PartyId,
    direction: Direction,
    token: Option<String>,
) -> Result<Page, econnect_api::Error> {
    let query = PurchaseInvoiceQuery {
        continuation_token: token,
        ..Default::default()
    };
    match direction {
        Direction::Received => {
            let page = with_retries("purchase list", || {
                client.list_purchase_invoices(party, &query)
            })
            .await?;
            Ok(Page {
                documents: page.items.into_iter().map(received).collect(),
                next: page.continuation_token,
            })
        }
        Direction::Sent => {
            let page =
                with_retries("sales list", || client.list_sales_invoices(party, &query)).await?;
            Ok(Page {
                documents: page.items.into_iter().map(sent).collect(),
                next: page.continuation_token,
            })
        }
    }
}

fn received(item: ReceivedInvoice) -> DocumentRecord {
    DocumentRecord {
        id: item.id,
        channel: item
            .channel
            .as_deref()
            .map_or(Channel::Other, Channel::parse),
        // A list without statuses ([I]) holds documents that reached the organisation.
        status: item
            .status
            .map_or_else(|| "Delivered".to_string(), |s| s.as_str().to_string()),
        counterparty_id: item.sender_id.map(|p| p.as_str().to_string()),
        counterparty_name: item.sender_name,
        invoice_number: item.invoice_number,
        issue_date: item.issue_date,
        amount: item.amount,
        currency: item.currency,
        created_at: item.received_on.unwrap_or_else(timestamp::now),
    }
}

fn sent(item: SentInvoice) -> DocumentRecord {
    DocumentRecord {
        id: item.id,
        channel: item
            .channel
            .as_deref()
            .map_or(Channel::Other, Channel::parse),
        status: item
            .status
            .map_or_else(|| "Pending".to_string(), |s| s.as_str().to_string()),
        counterparty_id: item.receiver_id.map(|p| p.as_str().to_string()),
        counterparty_name: None,
        invoice_number: None,
        issue_date: None,
        amount: None,
        currency: None,
        created_at: item.created_on.unwrap_or_else(timestamp::now),
    }
}

/// What one list did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ListOutcome {
    pub pages: u32,
    pub documents: u32,
    pub totals: PageOutcome,
}

/// Syncs one list to its end; `on_page` is called after each written page (progress).
pub(crate) async fn sync_list(
    client: &Client,
    store: &Store,
    party_id: &str,
    direction: Direction,
    write_lock: &tokio::sync::Mutex<()>,
    on_page: &(dyn Fn(u32) + Send + Sync),
) -> Result<ListOutcome, EngineError> {
    let resource = match direction {
        Direction::Received => PURCHASE,
        Direction::Sent => SALES,
    };
    let party = PartyId::new(party_id);
    let mut cursor = store.start_round(resource, party_id).await?;
    if cursor.continuation_token.is_some() {
        tracing::info!(
            resource,
            party_id,
            pages_done = cursor.pages_done,
            "resuming an interrupted sync"
        );
    }
    let mut outcome = ListOutcome::default();
    let mut page = match fetch(client, &party, direction, cursor.continuation_token.clone()).await {
        Ok(page) => page,
        Err(e) if cursor.continuation_token.is_some() && e.status() == Some(400) => {
            // The saved token is no longer accepted: start this list again from the top.
            tracing::info!(resource, party_id, error = %e, "saved position refused; starting over");
            cursor = store.restart_round(resource, party_id).await?;
            fetch(client, &party, direction, None).await?
        }
        Err(e) => return Err(e.into()),
    };
    loop {
        let next_token = page.next.clone();
        let count = u32::try_from(page.documents.len()).unwrap_or(u32::MAX);
        // Lists take turns to write: SQLite has one writer at a time, and waiting on this
        // lock wakes at once, where SQLite's busy handler would sleep and poll.
        let write = async {
            let _turn = write_lock.lock().await;
            store
                .write_document_page(
                    resource,
                    party_id,
                    direction,
                    cursor.generation,
                    &page.documents,
                    next_token.as_deref(),
                )
                .await
        };
        let (written, next) = match next_token.clone() {
            Some(token) => {
                let (w, n) = tokio::join!(write, fetch(client, &party, direction, Some(token)));
                (w, Some(n))
            }
            None => (write.await, None),
        };
        let written = written?;
        outcome.pages += 1;
        outcome.documents += count;
        outcome.totals.inserted += written.inserted;
        outcome.totals.updated += written.updated;
        outcome.totals.deleted += written.deleted;
        on_page(count);
        match next {
            Some(next) => page = next?,
            None => return Ok(outcome),
        }
    }
}
