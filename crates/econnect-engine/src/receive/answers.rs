//! What the user tells the platform about a received invoice: accept it, reject it (with
//! reason and action codes), mark it paid — and, only when asked and only once the files
//! are safely on disk, remove it from the platform.

use std::collections::BTreeMap;
use std::path::Path;

use econnect_api::{Client, DocumentId, InvoiceResponse, PartyId, ResponseStatus};
use econnect_store::{ReceivedState, Store};
use serde::{Deserialize, Serialize};

use crate::error::{EngineError, ErrorCode};
use crate::sync::with_retries;

/// The answers the app offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AnswerKind {
    /// Accepted (`AP`).
    Accept,
    /// Rejected (`RE`), with reasons.
    Reject,
    /// Paid (`PD`).
    Paid,
}

/// An answer to a received invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceAnswer {
    /// What to answer.
    pub kind: AnswerKind,
    /// Reason codes (UNCL 7161 subset, see [`REASONS`]); at least one for a rejection.
    pub reasons: Vec<String>,
    /// Requested actions (UNCL 1373 subset, see [`ACTIONS`]).
    pub actions: Vec<String>,
    /// A note to the supplier.
    pub note: Option<String>,
}

/// Reason codes of a rejection with their Dutch texts (Peppol invoice response, UNCL 7161 subset).
pub const REASONS: [(&str, &str); 7] = [
    ("NON", "Geen reden opgegeven"),
    ("REF", "Referenties onjuist"),
    ("LEG", "Juridische gegevens onjuist"),
    ("REC", "Ontvanger onjuist"),
    ("QUA", "Artikelgegevens onjuist"),
    ("DEL", "Leveringsgegevens onjuist"),
    ("PRI", "Prijzen onjuist"),
];

/// Requested actions with their Dutch texts (Peppol invoice response action codes).
pub const ACTIONS: [(&str, &str); 5] = [
    ("NOA", "Geen actie nodig"),
    ("PIN", "Stuur een nieuwe factuur"),
    ("NIN", "Stuur een nieuwe factuur na creditering"),
    ("CNF", "Stuur een creditnota (volledig)"),
    ("CNP", "Stuur een creditnota (gedeeltelijk)"),
];

fn texts(
    codes: &[String],
    table: &[(&str, &str)],
) -> Result<BTreeMap<String, String>, EngineError> {
    codes
        .iter()
        .map(|c| {
            table
                .iter()
                .find(|(code, _)| code == c)
                .map(|(code, text)| ((*code).to_string(), (*text).to_string()))
                .ok_or_else(|| {
                    EngineError::new(ErrorCode::InvalidInput, format!("Onbekende code: {c}"))
                })
        })
        .collect()
}

/// Sends an answer. The response's own id is recorded first, so a retry (or a restart)
/// sends the same one and the platform keeps one answer.
pub async fn answer(
    client: &Client,
    store: &Store,
    document_id: &str,
    answer: &InvoiceAnswer,
) -> Result<(), EngineError> {
    let record = store.received_invoice(document_id).await?.ok_or_else(|| {
        EngineError::new(
            ErrorCode::NotFound,
            "Deze factuur is niet ontvangen op deze computer.",
        )
    })?;
    let (status, code) = match answer.kind {
        AnswerKind::Accept => (ResponseStatus::AP, "AP"),
        AnswerKind::Reject => (ResponseStatus::RE, "RE"),
        AnswerKind::Paid => (ResponseStatus::PD, "PD"),
    };
    if answer.kind == AnswerKind::Reject && answer.reasons.is_empty() {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "Kies minstens één reden om de factuur af te wijzen.",
        ));
    }
    let note = answer
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "De toelichting is te lang (ten hoogste 1000 tekens).",
        ));
    }
    let body = InvoiceResponse {
        status,
        reasons: texts(&answer.reasons, &REASONS)?,
        actions: texts(&answer.actions, &ACTIONS)?,
        note: note.map(str::to_string),
    };
    let fresh = DocumentId::new_random();
    let response_id = store
        .begin_response(document_id, code, note, &fresh.to_string())
        .await?;
    let response_id = DocumentId::parse(&response_id).map_err(EngineError::from)?;
    let party = PartyId::new(&record.party_id);
    with_retries("invoice response", || {
        client.respond_to_purchase_invoice(&party, document_id, &body, &response_id)
    })
    .await?;
    store.finish_response(document_id).await?;
    Ok(())
}

/// Removes a received invoice from the platform, only when its files are on disk with
/// the bytes that were saved (the user asked; the app never does this by itself).
pub async fn remove(client: &Client, store: &Store, document_id: &str) -> Result<(), EngineError> {
    let record = store.received_invoice(document_id).await?.ok_or_else(|| {
        EngineError::new(
            ErrorCode::NotFound,
            "Deze factuur is niet ontvangen op deze computer.",
        )
    })?;
    let not_safe = || {
        EngineError::new(
            ErrorCode::InvalidInput,
            "Eerst moet de factuur veilig op schijf staan; daarna kan ze van het platform worden verwijderd.",
        )
    };
    if record.state != ReceivedState::Saved {
        return Err(not_safe());
    }
    let on_disk = |path: &Option<String>, sha: &Option<String>| match (path, sha) {
        (Some(p), Some(s)) => {
            super::files::sha256_of(Path::new(p)).ok().as_deref() == Some(s.as_str())
        }
        (None, None) => true,
        _ => false,
    };
    // Hashing reads the files, maybe from a share that hangs: not on the async workers.
    let files = [
        (record.xml_path.clone(), record.xml_sha256.clone()),
        (record.pdf_path.clone(), record.pdf_sha256.clone()),
    ];
    let safe = tokio::task::spawn_blocking(move || files.iter().all(|(p, s)| on_disk(p, s)))
        .await
        .unwrap_or(false);
    if !safe {
        return Err(not_safe());
    }
    let party = PartyId::new(&record.party_id);
    with_retries("delete", || {
        client.delete_purchase_invoice(&party, document_id)
    })
    .await?;
    store.mark_received_deleted(document_id).await?;
    Ok(())
}
