//! Test controls under `/_sandbox/` (the real API has no such path): faults, clock,
//! counters, recorded requests, received invoices, bulk seeding, webhook deliveries and
//! the mails of mail hooks.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::{date, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultRule;
use crate::hook_delivery::RetryPlan;
use crate::hook_events;
use crate::party_id;
use crate::seed;
use crate::state::{AppState, Counters, InvoiceMeta};
use crate::users::parse_json;

/// The control routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/time", get(now))
        .route("/_sandbox/time/advance", post(advance))
        .route("/_sandbox/counters", get(counters))
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route("/_sandbox/received", post(received))
        .route("/_sandbox/sent", post(sent))
        .route("/_sandbox/seed", post(bulk_seed))
        .route("/_sandbox/directory", post(add_directory))
        .route(
            "/_sandbox/deliveries",
            get(deliveries).delete(clear_deliveries),
        )
        .route("/_sandbox/mails", get(mails).delete(clear_mails))
        .route("/_sandbox/events", post(event))
        .route("/_sandbox/hooks/retry", get(retry_plan).put(set_retry_plan))
}

async fn list_faults(State(st): State<Arc<AppState>>) -> Json<Vec<FaultRule>> {
    Json(st.lock().faults.clone())
}

async fn add_fault(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let rule: FaultRule = parse_json(&body)?;
    match (rule.next, rule.rate) {
        (Some(_), None) => {}
        (None, Some(r)) if (0.0..=1.0).contains(&r) => {}
        _ => {
            return Err(ApiError::bad_request(
                "give either \"next\": N or \"rate\": 0..1",
            ));
        }
    }
    let mut inner = st.lock();
    inner.faults.push(rule);
    Ok(Json(json!({ "faults": inner.faults.len() })))
}

async fn clear_faults(State(st): State<Arc<AppState>>) {
    st.lock().faults.clear();
}

async fn now(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "now": rfc3339(st.clock.now()) }))
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let a: Advance = parse_json(&body)?;
    if a.seconds < 0 {
        return Err(ApiError::bad_request("the clock only moves forward"));
    }
    st.advance_clock(a.seconds);
    Ok(Json(json!({ "now": rfc3339(st.clock.now()) })))
}

async fn counters(State(st): State<Arc<AppState>>) -> Json<Counters> {
    Json(st.lock().counters.clone())
}

async fn requests(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!(st.lock().requests))
}

async fn clear_requests(State(st): State<Arc<AppState>>) {
    st.lock().requests.clear();
}

/// Body of `POST /_sandbox/received`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReceivedInvoice {
    /// The receiving party (any spelling).
    pub party_id: String,
    /// Supplier name.
    pub sender_name: Option<String>,
    /// Supplier party id.
    pub sender_id: Option<String>,
    /// Invoice number.
    pub invoice_number: Option<String>,
    /// Total including VAT, in currency units (e.g. 121.50).
    pub amount: Option<f64>,
    /// Embed a PDF in the UBL.
    pub with_pdf: Option<bool>,
    /// File name of the embedded PDF.
    pub file_name: Option<String>,
    /// Channel (`peppol` by default).
    pub channel: Option<String>,
    /// Pad the embedded PDF to this many bytes (oversized attachments).
    pub pdf_bytes: Option<usize>,
    /// Serve this text as the download instead of a UBL (hostile XML, e.g. a bomb).
    pub raw_xml: Option<String>,
    /// Received this many days ago (the retention guard's tests).
    pub age_days: Option<i64>,
}

/// Adds a received invoice (an invoice arriving for the party); returns its id. Its
/// `InvoiceReceived` event reaches the hooks in the background.
pub fn add_received(st: &Arc<AppState>, req: ReceivedInvoice) -> ApiResult<String> {
    let party = party_id::normalise(&req.party_id).ok_or_else(|| {
        ApiError::bad_request(format!("'{}' is not a valid party id", req.party_id))
    })?;
    let amount = req.amount.unwrap_or(121.0);
    if !amount.is_finite() || amount.abs() > 1e12 {
        return Err(ApiError::bad_request("amount must be a number"));
    }
    if req.pdf_bytes.is_some_and(|n| n > 200 * 1024 * 1024) {
        return Err(ApiError::bad_request("pdfBytes: at most 200 MB"));
    }
    let age = time::Duration::days(req.age_days.unwrap_or(0).clamp(0, 89));
    let now = st.clock.now() - age;
    let id = uuid::Uuid::new_v4().to_string();
    {
        let mut inner = st.lock();
        if !inner.parties.contains_key(&party) {
            return Err(ApiError::not_found(format!(
                "Party {} does not exist",
                req.party_id
            )));
        }
        let number = req
            .invoice_number
            .unwrap_or_else(|| format!("INV-{}", &id[..8]));
        let meta = InvoiceMeta {
            sender_id: req.sender_id.unwrap_or_else(|| "NL:KVK:27312152".into()),
            sender_name: req
                .sender_name
                .unwrap_or_else(|| "Kantoorartikelen Mulder B.V.".into()),
            invoice_number: number,
            issue_date: date(now),
            amount_cents: (amount * 100.0).round() as i64,
            currency: "EUR".into(),
            with_pdf: req.with_pdf.unwrap_or(false),
            file_name: req.file_name.unwrap_or_default(),
            pdf_bytes: req.pdf_bytes,
            raw_xml: req.raw_xml,
        };
        let channel = req.channel.unwrap_or_else(|| "peppol".into());
        let doc = seed::received_document(id.clone(), &party, &channel, now, meta);
        hook_events::schedule_for_document(&mut inner, &doc);
        inner.insert_document(doc);
    }
    st.events_changed.notify_one();
    Ok(id)
}

async fn received(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: ReceivedInvoice = parse_json(&body)?;
    add_received(&st, req).map(|id| Json(json!({ "id": id })))
}

/// Body of `POST /_sandbox/seed`: organisations only (documents have no list to be found by).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BulkSeed {
    parties: usize,
}

async fn bulk_seed(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: BulkSeed = parse_json(&body)?;
    if req.parties > 100_000 {
        return Err(ApiError::bad_request(
            "at most 100,000 parties per seed call",
        ));
    }
    let ids = seed::bulk(&mut st.lock(), req.parties);
    Ok(Json(json!({ "parties": ids })))
}

#[derive(Deserialize)]
struct DirectoryEntry {
    id: String,
    #[serde(default)]
    name: String,
}

async fn add_directory(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let e: DirectoryEntry = parse_json(&body)?;
    let id = party_id::normalise(&e.id).ok_or_else(|| ApiError::bad_request("invalid party id"))?;
    st.lock().directory.insert(id.clone(), e.name);
    Ok(Json(json!({ "id": id })))
}

async fn deliveries(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!(st.lock().deliveries))
}

async fn clear_deliveries(State(st): State<Arc<AppState>>) {
    st.lock().deliveries.clear();
}

async fn mails(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!(st.lock().mails))
}

async fn clear_mails(State(st): State<Arc<AppState>>) {
    st.lock().mails.clear();
}

/// Body of `POST /_sandbox/events`: a hook event to deliver now (e.g. a repeated delivery).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRequest {
    /// The topic, e.g. `InvoiceReceived`.
    pub topic: String,
    /// The party (any spelling).
    pub party_id: String,
    /// The document, if any.
    #[serde(default)]
    pub document_id: Option<String>,
    /// Text for people (default: the topic).
    #[serde(default)]
    pub message: Option<String>,
    /// Details, string to string.
    #[serde(default)]
    pub details: std::collections::BTreeMap<String, String>,
}

/// Delivers an event now to the hooks it reaches; returns how many.
pub fn emit_event(st: &Arc<AppState>, req: EventRequest) -> ApiResult<usize> {
    let party = party_id::normalise(&req.party_id).ok_or_else(|| {
        ApiError::bad_request(format!("'{}' is not a valid party id", req.party_id))
    })?;
    if req.topic.trim().is_empty() {
        return Err(ApiError::bad_request("topic is required"));
    }
    if !st.lock().parties.contains_key(&party) {
        return Err(ApiError::not_found(format!(
            "Party {} does not exist",
            req.party_id
        )));
    }
    let mut event = hook_events::HookEvent::new(
        req.topic.trim(),
        &party,
        req.document_id.as_deref(),
        req.message.unwrap_or_else(|| req.topic.clone()),
        st.clock.now(),
    );
    event.details = req.details;
    Ok(hook_events::emit(st, event))
}

async fn event(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: EventRequest = parse_json(&body)?;
    emit_event(&st, req).map(|n| Json(json!({ "hooks": n })))
}

async fn retry_plan(State(st): State<Arc<AppState>>) -> Json<RetryPlan> {
    Json(st.lock().hook_retry)
}

async fn set_retry_plan(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> ApiResult<Json<RetryPlan>> {
    let plan: RetryPlan = parse_json(&body)?;
    if !(1..=20).contains(&plan.attempts) || plan.first_pause_ms > 600_000 {
        return Err(ApiError::bad_request(
            "attempts: 1..20, firstPauseMs: at most 600000",
        ));
    }
    st.lock().hook_retry = plan;
    Ok(Json(plan))
}

/// Body of `POST /_sandbox/sent`: sent documents whose statuses advance with the clock.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentDocuments {
    /// The sending party (any spelling).
    pub party_id: String,
    /// How many (at most 100,000).
    #[serde(default = "one")]
    pub count: usize,
    /// Every n-th document is rejected (0: none), with `reason`.
    #[serde(default)]
    pub reject_every: usize,
    /// Every n-th document fails (0: none), with `reason`.
    #[serde(default)]
    pub fail_every: usize,
    /// The platform's reason for rejections and failures.
    #[serde(default)]
    pub reason: Option<String>,
    /// Ids start with this (default `sent-`), followed by a number.
    #[serde(default)]
    pub id_prefix: Option<String>,
}

fn one() -> usize {
    1
}

/// Adds sent documents created now: Pending now, final after the timelines of `state`
/// (delivered after 2 minutes, rejected after 5 s, failed after 30 s). Returns their ids.
pub fn add_sent(st: &Arc<AppState>, req: SentDocuments) -> ApiResult<Vec<String>> {
    let party = party_id::normalise(&req.party_id).ok_or_else(|| {
        ApiError::bad_request(format!("'{}' is not a valid party id", req.party_id))
    })?;
    if req.count > 100_000 {
        return Err(ApiError::bad_request("count: at most 100,000"));
    }
    let now = st.clock.now();
    let prefix = req.id_prefix.unwrap_or_else(|| "sent-".into());
    let mut inner = st.lock();
    if !inner.parties.contains_key(&party) {
        return Err(ApiError::not_found(format!(
            "Party {} does not exist",
            req.party_id
        )));
    }
    let reason = req.reason.unwrap_or_else(|| {
        "Geen factuur herkend (bijv. herinnering, order of pakbon) / Not an invoice (e.g. a reminder, order or packing slip)".into()
    });
    let mut ids = Vec::with_capacity(req.count);
    for n in 0..req.count {
        let id = format!("{prefix}{n}");
        // Spread over a few milliseconds so creation times differ, as real uploads' do.
        let t = now + time::Duration::milliseconds(i64::try_from(n).unwrap_or(0));
        let stages = if req.reject_every > 0 && n % req.reject_every == req.reject_every - 1 {
            crate::state::rejected_timeline(t, &reason)
        } else if req.fail_every > 0 && n % req.fail_every == req.fail_every - 1 {
            crate::state::failed_timeline(t, &reason)
        } else {
            crate::state::delivered_timeline(t)
        };
        let doc = crate::state::Document {
            id: id.clone(),
            party: party.clone(),
            direction: crate::state::Direction::Sales,
            channel: "peppol".into(),
            created_on: t,
            stages,
            meta: None,
            receiver: None,
            downloaded_on: None,
            deleted: false,
        };
        hook_events::schedule_for_document(&mut inner, &doc);
        inner.insert_document(doc);
        ids.push(id);
    }
    drop(inner);
    st.events_changed.notify_one();
    Ok(ids)
}

async fn sent(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: SentDocuments = parse_json(&body)?;
    add_sent(&st, req).map(|ids| Json(json!({ "ids": ids })))
}
