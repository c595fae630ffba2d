//! Receiving: the purchase-invoice list, download (starts retention), response, delete.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Caller, Need, require_party};
use crate::clock::{parse_instant, rfc3339};
use crate::documents::{refuse_taken_id, requested_id};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Direction, Document, unix_ms};
use crate::ubl;
use crate::users::parse_json;

/// Items per page of the receive list.
pub const PAGE_SIZE: usize = 100;

fn encode_token(ms: i64, id: &str) -> String {
    hex::encode(format!("v1|{ms}|{id}"))
}

fn decode_token(t: &str) -> Option<(i64, String)> {
    let raw = String::from_utf8(hex::decode(t).ok()?).ok()?;
    let mut it = raw.splitn(3, '|');
    if it.next()? != "v1" {
        return None;
    }
    let ms = it.next()?.parse().ok()?;
    Some((ms, it.next()?.to_string()))
}

/// `GET /api/v1/{partyId}/purchaseInvoice?status=&from=&to=&continuationToken=`.
///
/// Oldest first by `receivedOn`; the token is opaque (the last item's key). Rejected
/// documents are left out unless `status=Rejected` is asked for.
pub async fn list_purchase(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    list(&st, &caller, &raw, q, Direction::Purchase)
}

/// `GET /api/v1/{partyId}/salesInvoice?status=&from=&to=&continuationToken=` — [I] the
/// sandbox's reading of "a list endpoint per document type": the same paging as the receive
/// list, items `{"id","receiverId","channel","status","createdOn"}`, all statuses unless filtered.
pub async fn list_sales(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    list(&st, &caller, &raw, q, Direction::Sales)
}

fn list(
    st: &AppState,
    caller: &Caller,
    raw: &str,
    q: Option<String>,
    dir: Direction,
) -> ApiResult<Json<Value>> {
    let q = q.unwrap_or_default();
    let mut status = None;
    let mut from = None;
    let mut to = None;
    let mut after = None;
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        if v.is_empty() {
            continue;
        }
        match k.as_ref() {
            "status" => status = Some(v.into_owned()),
            "from" => {
                from = Some(
                    parse_instant(&v, false)
                        .ok_or_else(|| ApiError::bad_request("from must be a date or date-time"))?,
                )
            }
            "to" => {
                to = Some(
                    parse_instant(&v, true)
                        .ok_or_else(|| ApiError::bad_request("to must be a date or date-time"))?,
                )
            }
            "continuationToken" => {
                after = Some(
                    decode_token(&v)
                        .ok_or_else(|| ApiError::bad_request("Invalid continuationToken"))?,
                )
            }
            _ => {}
        }
    }
    let now = st.clock.now();
    let inner = st.lock();
    let need = if dir == Direction::Sales {
        Need::Send
    } else {
        Need::Receive
    };
    let party = require_party(&inner, caller, raw, need)?;
    let mut items = Vec::new();
    let mut next = None;
    if let Some(index) = inner.index.get(&(party.clone(), dir)) {
        let range: Box<dyn Iterator<Item = &(i64, String)>> = match &after {
            Some(key) => Box::new(index.range((
                std::ops::Bound::Excluded(key.clone()),
                std::ops::Bound::Unbounded,
            ))),
            None => Box::new(index.iter()),
        };
        for key in range {
            let Some(doc) = inner.documents.get(&key.1) else {
                continue;
            };
            if !doc.is_visible(now) {
                continue;
            }
            let current = doc.current_status(now);
            let wanted = match &status {
                Some(s) => current.eq_ignore_ascii_case(s),
                None => dir == Direction::Sales || current != "Rejected",
            };
            if !wanted
                || from.is_some_and(|f| doc.created_on < f)
                || to.is_some_and(|t| doc.created_on > t)
            {
                continue;
            }
            if items.len() == PAGE_SIZE {
                // There is at least one more: the token points after the last item given.
                next = items
                    .last()
                    .map(|(ms, id, _): &(i64, String, Value)| encode_token(*ms, id));
                break;
            }
            items.push((key.0, doc.id.clone(), item(doc, current)));
        }
    }
    Ok(Json(json!({
        "items": items.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
        "continuationToken": next,
    })))
}

fn item(doc: &Document, current: &str) -> Value {
    if doc.direction == Direction::Sales {
        return json!({
            "id": doc.id,
            "receiverId": doc.receiver,
            "channel": doc.channel,
            "status": current,
            "createdOn": rfc3339(doc.created_on),
        });
    }
    let meta = doc.meta.as_ref();
    json!({
        "id": doc.id,
        "senderId": meta.map(|m| m.sender_id.clone()),
        "senderName": meta.map(|m| m.sender_name.clone()),
        "invoiceNumber": meta.map(|m| m.invoice_number.clone()),
        "issueDate": meta.map(|m| m.issue_date.clone()),
        "amount": meta.map(|m| m.amount_cents as f64 / 100.0),
        "currency": meta.map(|m| m.currency.clone()),
        "channel": doc.channel,
        "receivedOn": rfc3339(doc.created_on),
        "status": current,
    })
}

/// `GET /api/v1/{partyId}/purchaseInvoice/{documentId}/download[?targetFormat=|targetDocumentTypeId=]`.
///
/// Both parameter names are accepted; the sandbox always answers UBL 2.1 Invoice XML.
pub async fn download(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((raw, id)): Path<(String, String)>,
) -> Response {
    let now = st.clock.now();
    let mut inner = st.lock();
    let party = match require_party(&inner, &caller, &raw, Need::Receive) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(doc) = inner
        .documents
        .get_mut(&id)
        .filter(|d| d.party == party && d.direction == Direction::Purchase && d.is_visible(now))
    else {
        return ApiError::not_found(format!("Document '{id}' not found")).into_response();
    };
    if doc.current_status(now) == "Rejected" {
        return ApiError::not_found(format!(
            "Document '{id}' was rejected and has no invoice to download"
        ))
        .into_response();
    }
    let Some(meta) = doc.meta.clone() else {
        return ApiError::not_found(format!("Document '{id}' has no content")).into_response();
    };
    if doc.downloaded_on.is_none() {
        doc.downloaded_on = Some(now);
    }
    let receiver_name = inner
        .parties
        .get(&party)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    drop(inner);
    let xml = match meta.raw_xml {
        Some(raw) => raw,
        None => ubl::invoice(&meta, &crate::party_id::display(&party), &receiver_name),
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// The response body; `reasons`, `actions` and `note` are accepted and not checked further.
#[derive(Deserialize)]
struct ResponseBody {
    status: String,
}

/// Invoice response codes (UNCL 4343 subset used by Peppol).
pub const RESPONSE_CODES: [&str; 7] = ["AB", "IP", "UQ", "CA", "RE", "AP", "PD"];

/// `POST /api/v1/{partyId}/purchaseInvoice/{documentId}/response` → `{"id"}` of the response.
///
/// Like uploads, a repeated `X-EConnect-DocumentId` (of any document) is answered 409.
pub async fn respond(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    Path((raw, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: ResponseBody = parse_json(&body)?;
    if !RESPONSE_CODES.contains(&req.status.as_str()) {
        return Err(ApiError::bad_request(format!(
            "status must be one of {}",
            RESPONSE_CODES.join(", ")
        )));
    }
    let wanted = requested_id(&headers)?;
    let now = st.clock.now();
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Receive)?;
    if !inner.documents.get(&id).is_some_and(|d| {
        d.party == party && d.direction == Direction::Purchase && d.is_visible(now)
    }) {
        return Err(ApiError::not_found(format!("Document '{id}' not found")));
    }
    let response_id = match wanted {
        Some(w) => {
            refuse_taken_id(&mut inner, &w)?;
            w
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    inner
        .responses
        .insert(response_id.clone(), (id, req.status));
    Ok(Json(json!({ "id": response_id })))
}

/// `DELETE /api/v1/{partyId}/purchaseInvoice/{documentId}` → 200 with an empty body.
pub async fn delete(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((raw, id)): Path<(String, String)>,
) -> ApiResult<()> {
    let now = st.clock.now();
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Remove)?;
    let doc = inner
        .documents
        .get_mut(&id)
        .filter(|d| d.party == party && d.direction == Direction::Purchase && d.is_visible(now))
        .ok_or_else(|| ApiError::not_found(format!("Document '{id}' not found")))?;
    doc.deleted = true;
    let key = (unix_ms(doc.created_on), doc.id.clone());
    if let Some(index) = inner.index.get_mut(&(party, Direction::Purchase)) {
        index.remove(&key);
    }
    Ok(())
}
