//! Sending and scan & recognise: uploads, caller-chosen document ids (a repeat is 409),
//! status histories.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::{Caller, Need, require_party};
use crate::clock::{date, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::hook_events;
use crate::intake::{self, FileKind, MAX_FILE, MIN_FILE, Scan};
use crate::party_id;
use crate::peppol;
use crate::state::{
    AppState, Direction, Document, Inner, InvoiceMeta, delivered_timeline, failed_timeline,
    rejected_timeline,
};
use crate::users::parse_json;

/// The header that lets the caller choose (and so retry) a new document's id.
pub const DOCUMENT_ID_HEADER: &str = "x-econnect-documentid";
/// Shortest document id accepted [C].
pub const MIN_ID_LEN: usize = 6;
/// Longest document id accepted [I].
pub const MAX_ID_LEN: usize = 64;

/// Which upload endpoint was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upload {
    SalesSend,
    SalesRecognize,
    PurchaseRecognize,
}

/// `POST /api/v1/{partyId}/salesInvoice/send`.
pub async fn sales_send(st: State<Arc<AppState>>, party: Path<String>, req: Request) -> Response {
    upload(st, party, req, Upload::SalesSend).await
}

/// `POST /api/v1/{partyId}/salesInvoice/recognize`.
pub async fn sales_recognize(
    st: State<Arc<AppState>>,
    party: Path<String>,
    req: Request,
) -> Response {
    upload(st, party, req, Upload::SalesRecognize).await
}

/// `POST /api/v1/{partyId}/purchaseInvoice/recognize`.
pub async fn purchase_recognize(
    st: State<Arc<AppState>>,
    party: Path<String>,
    req: Request,
) -> Response {
    upload(st, party, req, Upload::PurchaseRecognize).await
}

/// Reads and validates `X-EConnect-DocumentId`: at least 6 characters, no `@` or `_` [C];
/// only `A-Z a-z 0-9 . -` and at most 64 characters [I: the contract's advice, held to here
/// so that the client never relies on more].
pub fn requested_id(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get(DOCUMENT_ID_HEADER) else {
        return Ok(None);
    };
    let s = v
        .to_str()
        .map_err(|_| ApiError::bad_request("X-EConnect-DocumentId must be ASCII"))?
        .trim();
    if s.len() < MIN_ID_LEN {
        return Err(ApiError::bad_request(format!(
            "X-EConnect-DocumentId must be at least {MIN_ID_LEN} characters"
        )));
    }
    if s.contains(['@', '_']) {
        return Err(ApiError::bad_request(
            "X-EConnect-DocumentId may not contain '@' or '_'",
        ));
    }
    let ok = s.len() <= MAX_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !ok {
        return Err(ApiError::bad_request(format!(
            "X-EConnect-DocumentId must be at most {MAX_ID_LEN} characters of letters, digits, '-' and '.'"
        )));
    }
    Ok(Some(s.to_string()))
}

/// Refuses a document id that is already taken: the platform's id space is global (every
/// party, every kind of document) and a repeat is answered `409 Conflict`, never with the
/// existing document [C].
pub fn refuse_taken_id(inner: &mut Inner, id: &str) -> ApiResult<()> {
    if inner.documents.contains_key(id) || inner.responses.contains_key(id) {
        inner.counters.duplicates_refused += 1;
        tracing::debug!(id, "repeated document id refused");
        return Err(ApiError::conflict(format!(
            "A document with id '{id}' already exists"
        )));
    }
    Ok(())
}

fn query_param(req: &Request, key: &str) -> Option<String> {
    let q = req.uri().query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn upload(
    State(st): State<Arc<AppState>>,
    Path(raw_party): Path<String>,
    req: Request,
    what: Upload,
) -> Response {
    let need = if what == Upload::PurchaseRecognize {
        Need::Receive
    } else {
        Need::Send
    };
    // The bearer check happens here rather than as an extractor so that a refused upload is
    // drained first: answering while the client still writes would look like a reset to it.
    let (mut parts, body) = req.into_parts();
    let caller = Caller::from_request_parts(&mut parts, &st).await;
    let req = Request::from_parts(parts, body);
    let pre = caller
        .and_then(|caller| {
            let inner = st.lock();
            require_party(&inner, &caller, &raw_party, need)
        })
        .and_then(|p| requested_id(req.headers()).map(|id| (p, id)));
    let (party, wanted_id) = match pre {
        Ok(x) => x,
        Err(e) => {
            intake::drain(req.into_body()).await;
            return e.into_response();
        }
    };
    let receiver = query_param(&req, "receiverId");
    let channel = query_param(&req, "channel");
    let scan = match intake::read_file_part(&st, req).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    match create(&st, &party, wanted_id, receiver, channel, &scan, what) {
        Ok(c) => {
            // The events of its status history fire in the background as the clock passes them.
            st.events_changed.notify_one();
            (StatusCode::OK, Json(json!({ "id": c.id }))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// What an upload produced.
struct Created {
    /// The new document's id.
    id: String,
}

/// Applies the intake rules and creates the document (409 for a known document id).
fn create(
    st: &AppState,
    party: &str,
    wanted_id: Option<String>,
    receiver: Option<String>,
    channel: Option<String>,
    scan: &Scan,
    what: Upload,
) -> ApiResult<Created> {
    let now = st.clock.now();
    let mut inner = st.lock();
    // A repeated id first: whatever the party or the content, the answer is 409.
    if let Some(id) = &wanted_id {
        refuse_taken_id(&mut inner, id)?;
    }
    if scan.size > MAX_FILE {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "API413",
            format!(
                "File too large: {} bytes, at most 10 MB ({MAX_FILE} bytes) per file",
                scan.size
            ),
        ));
    }
    if scan.size < MIN_FILE {
        return Err(ApiError::bad_request(format!(
            "File too small: {} bytes; files under 1 KB are ignored by the platform",
            scan.size
        )));
    }
    let kind = scan.kind();
    let allowed = match what {
        Upload::SalesSend => kind == FileKind::Xml,
        _ => kind != FileKind::Other,
    };
    if !allowed {
        let msg = if what == Upload::SalesSend {
            "Unsupported file type: salesInvoice/send takes UBL XML"
        } else {
            "Unsupported file type: only PDF, JPEG, PNG, BMP and XML are accepted"
        };
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "API415",
            msg,
        ));
    }
    if kind == FileKind::Pdf && scan.encrypted {
        return Err(ApiError::bad_request(
            "Document protected: encrypted or protected PDFs cannot be processed",
        ));
    }

    let id = wanted_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    // Sandbox rule for "not an invoice": the marker text NOT-AN-INVOICE anywhere in the file
    // (PDF or image); XML without an Invoice/CreditNote element; MULTIPLE-INVOICES = several.
    let rejection = if scan.not_invoice {
        Some(
            "Geen factuur herkend (bijv. herinnering, order of pakbon) / Not an invoice (e.g. a reminder, order or packing slip)",
        )
    } else if scan.multiple {
        Some("Document bevat meerdere documenten / Document contains multiple documents")
    } else if kind == FileKind::Xml && !scan.invoice_word {
        Some("Geen UBL- of CII-factuur / Not a UBL or CII invoice")
    } else {
        None
    };
    let mut doc_channel = match what {
        Upload::SalesSend => "peppol".to_string(),
        _ => "idr".to_string(),
    };
    let mut failure = None;
    let mut receiver_display = None;
    // A receiver on this platform that receives gets the invoice in its receive list.
    let mut internal_receiver = None;
    if what == Upload::SalesSend
        && let Some(r) = receiver.as_deref().filter(|r| !r.is_empty())
    {
        let norm = party_id::normalise(r);
        receiver_display = Some(
            norm.as_deref()
                .map(party_id::display)
                .unwrap_or_else(|| r.to_string()),
        );
        match norm.as_deref().and_then(|n| peppol::reach(&inner, n)) {
            Some((ch, _)) => {
                doc_channel = ch.to_string();
                if ch == "econnect" {
                    internal_receiver = norm.clone();
                }
            }
            None => failure = Some("Ontvanger niet bereikbaar / Recipient not reachable"),
        }
    }
    if let Some(ch) =
        channel.filter(|c| ["idr", "email", "econnect", "peppol"].contains(&c.as_str()))
    {
        doc_channel = ch;
    }
    let stages = match (rejection, failure) {
        (Some(reason), _) => rejected_timeline(now, reason),
        (None, Some(reason)) => failed_timeline(now, reason),
        (None, None) => delivered_timeline(now),
    };
    let (direction, meta) = match what {
        Upload::PurchaseRecognize => (
            Direction::Purchase,
            Some(recognised_meta(&id, scan.size, now)),
        ),
        _ => (Direction::Sales, None),
    };
    let doc = Document {
        id: id.clone(),
        party: party.to_string(),
        direction,
        channel: doc_channel,
        created_on: now,
        stages,
        meta,
        receiver: receiver_display,
        downloaded_on: None,
        deleted: false,
    };
    hook_events::schedule_for_document(&mut inner, &doc);
    inner.insert_document(doc);
    if let (Some(to), None) = (internal_receiver, rejection) {
        let sender_name = inner
            .parties
            .get(party)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let short: String = id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let received_id = format!("{id}-received");
        let meta = InvoiceMeta {
            sender_id: party_id::display(party),
            sender_name,
            invoice_number: format!("EC-{}", short.to_uppercase()),
            issue_date: date(now),
            amount_cents: i64::try_from(1_000 + (scan.size % 250_000)).unwrap_or(1_000),
            currency: "EUR".to_string(),
            with_pdf: false,
            file_name: String::new(),
            pdf_bytes: None,
            raw_xml: None,
        };
        let received = crate::seed::received_document(received_id, &to, "econnect", now, meta);
        hook_events::schedule_for_document(&mut inner, &received);
        inner.insert_document(received);
    }
    *inner
        .counters
        .documents_created
        .entry(party.to_string())
        .or_default() += 1;
    tracing::debug!(id, party, ?what, "document created");
    Ok(Created { id })
}

/// Invoice data "recognised" from an uploaded purchase invoice: deterministic from id and size.
fn recognised_meta(id: &str, size: u64, now: time::OffsetDateTime) -> InvoiceMeta {
    const SUPPLIERS: [(&str, &str); 4] = [
        ("NL:KVK:27312152", "Kantoorartikelen Mulder B.V."),
        ("NL:KVK:58104427", "Energiebedrijf Noordstroom B.V."),
        ("NL:KVK:63829104", "Schoonmaakbedrijf Glans"),
        ("NL:KVK:41025576", "ICT-Diensten De Boer"),
    ];
    let pick = usize::try_from(size % 4).unwrap_or(0);
    let (sender_id, sender_name) = SUPPLIERS[pick];
    let short: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    InvoiceMeta {
        sender_id: sender_id.to_string(),
        sender_name: sender_name.to_string(),
        invoice_number: format!("IDR-{}", short.to_uppercase()),
        issue_date: date(now),
        amount_cents: i64::try_from(1_000 + (size % 250_000)).unwrap_or(1_000),
        currency: "EUR".to_string(),
        with_pdf: false,
        file_name: String::new(),
        pdf_bytes: None,
        raw_xml: None,
    }
}

/// `GET /api/v1/{partyId}/salesInvoice/{documentId}/status`.
pub async fn sales_status(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((party, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<Value>>> {
    status(&st, &caller, &party, &id, Direction::Sales)
}

/// `GET /api/v1/{partyId}/purchaseInvoice/{documentId}/status`.
pub async fn purchase_status(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((party, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<Value>>> {
    status(&st, &caller, &party, &id, Direction::Purchase)
}

fn status(
    st: &AppState,
    caller: &Caller,
    raw: &str,
    id: &str,
    dir: Direction,
) -> ApiResult<Json<Vec<Value>>> {
    let now = st.clock.now();
    let inner = st.lock();
    let need = if dir == Direction::Sales {
        Need::Send
    } else {
        Need::Receive
    };
    let party = require_party(&inner, caller, raw, need)?;
    let doc = inner
        .documents
        .get(id)
        .filter(|d| d.party == party && d.direction == dir && d.is_visible(now))
        .ok_or_else(|| ApiError::not_found(format!("Document '{id}' not found")))?;
    Ok(Json(
        doc.visible_stages(now)
            .map(|(i, s)| {
                json!({
                    "id": format!("{}-{}", doc.id, i + 1),
                    "name": s.name,
                    "description": s.description,
                    "createdOn": rfc3339(s.at),
                })
            })
            .collect(),
    ))
}

/// `POST /api/v1/{partyId}/salesInvoice/queryRecipientParty` — body `["id1", …]`.
pub async fn query_recipient(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(party): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let ids: Vec<String> = parse_json(&body)?;
    let inner = st.lock();
    require_party(&inner, &caller, &party, Need::Send)?;
    for raw in &ids {
        if let Some(norm) = party_id::normalise(raw)
            && let Some((channel, description)) = peppol::reach(&inner, &norm)
        {
            return Ok(Json(
                json!({ "id": raw, "channel": channel, "description": description }),
            ));
        }
    }
    Err(ApiError::not_found(
        "Recipient not reachable via eConnect or the Peppol network",
    ))
}
