//! Helpers shared by the store's integration tests.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use econnect_store::{Direction, DocumentRecord, Store};

/// Writes `docs` as one sync round of `party`'s documents in `direction`, in pages of 500.
pub async fn write(store: &Store, party: &str, direction: Direction, docs: &[DocumentRecord]) {
    let kind = match direction {
        Direction::Received => "purchase_invoices",
        Direction::Sent => "sales_invoices",
    };
    let c = store.start_round(kind, party).await.unwrap();
    let chunks: Vec<_> = docs.chunks(500).collect();
    for (n, chunk) in chunks.iter().enumerate() {
        let next = (n + 1 < chunks.len()).then(|| format!("t{n}"));
        store
            .write_document_page(kind, party, direction, c.generation, chunk, next.as_deref())
            .await
            .unwrap();
    }
}
