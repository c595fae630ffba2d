//! The demo (sign-in with the embedded sandbox): the demo installation's own history. The
//! platform has no document lists, so a fresh demo would show an empty Documenten screen;
//! instead, on the first demo sync, the sandbox's seeded sales invoices are recorded as sent
//! from this installation (`Pending`; the tracker then follows them by their status calls,
//! so the screen soon shows every status). Its received invoices arrive by hook from the
//! embedded sandbox ([`deliver_received`]).

use econnect_api::webhook::INVOICE_RECEIVED;
use econnect_sandbox::EventRequest;
use econnect_store::{Channel, Direction, OwnDocument, SentFacts};

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
    // What the (imaginary) sent files say, as `sent_facts` reads it from a real one.
    let facts: Vec<(String, Option<SentFacts>)> = seeded
        .iter()
        .filter_map(|d| {
            let f = d.sent_facts.as_ref()?;
            Some((
                d.id.clone(),
                Some(SentFacts {
                    customer: Some(f.customer.clone()),
                    customer_id: Some(f.customer_id.clone()),
                    invoice_number: Some(f.invoice_number.clone()),
                    issue_date: Some(f.issue_date.clone()),
                    amount: Some(f.amount.clone()),
                    currency: Some("EUR".into()),
                }),
            ))
        })
        .collect();
    store.fill_sent_facts(&facts).await?;
    tracing::info!(
        written,
        "demo: the seeded sales invoices are this installation's history"
    );

    Ok(())
}

/// The demo's received invoices reach the app as they reach any installation: the
/// embedded sandbox announces each one by hook (InvoiceReceived) to the app's own receiver,
/// once its hook is registered. Invoices already on this computer are not announced again.
pub(crate) async fn deliver_received(session: &Session) {
    let guard = session.sandbox.lock().await;
    let Some(sandbox) = guard.as_ref() else {
        return;
    };
    own_receive_folder(session).await;
    for doc in sandbox.seeded_documents().into_iter().filter(|d| !d.sent) {
        if matches!(session.store.received_invoice(&doc.id).await, Ok(Some(_))) {
            continue;
        }
        let event = EventRequest {
            topic: INVOICE_RECEIVED.to_string(),
            party_id: doc.party_id.clone(),
            document_id: Some(doc.id.clone()),
            message: None,
            details: Default::default(),
        };
        if let Err(e) = sandbox.emit_event(event) {
            tracing::warn!(error = %e, id = %doc.id, "demo invoice not announced");
        }
    }
}

/// The demo's invoices are not real: unless the user chose a folder, they go to a folder
/// under the profile's data folder, never into the user's Documents.
async fn own_receive_folder(session: &Session) {
    if !matches!(session.store.receive_folder("").await, Ok(None)) {
        return;
    }
    let Some(profile) = session.store.path().parent() else {
        return;
    };
    let folder = profile.join("demo-documenten");
    if let Err(e) = session
        .store
        .set_receive_folder("", &folder.to_string_lossy())
        .await
    {
        tracing::warn!(error = %e, "demo receive folder not set");
    }
}
