//! The demo (sign-in with the embedded sandbox): the demo installation's own history. The
//! platform has no document lists, so a fresh demo would show an empty Documenten screen;
//! instead, on the first demo sync, the sandbox's seeded sales invoices are recorded as sent
//! from this installation (`Pending`; the tracker then follows them by their status calls,
//! so the screen soon shows every status).

use econnect_store::{Channel, Direction, ListedInvoice, OwnDocument};

use crate::error::EngineError;
use crate::session::Session;

/// Records the demo seed's documents as this installation's own, once per profile (a known
/// first document means it was done). Only called for a session with an embedded sandbox.
pub(crate) async fn adopt_history(session: &Session) -> Result<(), EngineError> {
    let seeded = match session.sandbox.lock().await.as_ref() {
        Some(sandbox) => sandbox.seeded_documents(),
        None => return Ok(()),
    };
    let store = &session.store;
    let Some(first) = seeded.iter().find(|d| d.sent) else {
        return Ok(());
    };
    if store.document(&first.id).await.is_ok() {
        return Ok(());
    }
    let own: Vec<OwnDocument> = seeded
        .iter()
        .filter(|d| d.sent)
        .map(|d| OwnDocument {
            id: d.id.clone(),
            party_id: d.party_id.clone(),
            direction: Direction::Sent,
            channel: Channel::parse(&d.channel),
            file_name: Some(d.file_name.clone()),
            sha256: None,
            created_at: d.created_on.clone(),
        })
        .collect();
    let written = store.record_own_documents(&own).await?;
    tracing::info!(
        written,
        "demo: the seeded sales invoices are this installation's history"
    );

    // DEMO ONLY, until the embedded sandbox delivers them by hook: announce the seeded
    // received invoices as a hook's InvoiceReceived would (record, then a receive pass).
    let parties: std::collections::BTreeSet<&str> = seeded
        .iter()
        .filter(|d| !d.sent)
        .map(|d| d.party_id.as_str())
        .collect();
    for party in parties {
        let items: Vec<ListedInvoice> = seeded
            .iter()
            .filter(|d| !d.sent && d.party_id == party)
            .map(|d| ListedInvoice {
                document_id: d.id.clone(),
                received_on: d.created_on.clone(),
                channel: d.channel.clone(),
            })
            .collect();
        store.record_listed(party, &items, None).await?;
    }
    session.receive_kick.notify_one();
    Ok(())
}
