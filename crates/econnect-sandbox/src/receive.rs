//! Receiving: download (starts retention), response, delete. There is no list: the platform
//! has none, so `GET {party}/purchaseInvoice` falls through to the 404 of unknown paths.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Caller, Need, require_party};
use crate::documents::{refuse_taken_id, requested_id};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Direction};
use crate::ubl;
use crate::users::parse_json;

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
    Ok(())
}
