//! Records API requests (method, path, query, headers, multipart part names) for tests.

use std::collections::BTreeMap;

use axum::extract::Request;
use serde::Serialize;

use crate::state::AppState;

/// How many requests are kept.
pub const KEEP: usize = 1000;

/// Sequence number of the recorded request, carried in the request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct RecordSeq(pub u64);

/// One recorded request, as `/_sandbox/requests` shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    #[serde(skip)]
    seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as sent (still percent-encoded).
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Lower-cased header name → value (`Authorization` redacted to `Bearer …`).
    pub headers: BTreeMap<String, String>,
    /// Names of the multipart parts, in order (empty for other bodies).
    pub multipart_parts: Vec<String>,
    /// Status answered (None while running or when the connection was dropped).
    pub status: Option<u16>,
}

/// Records a request and counts it; returns its sequence number.
pub fn record(st: &AppState, req: &Request) -> RecordSeq {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in req.headers() {
        let key = name.as_str().to_ascii_lowercase();
        let mut v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if key == "authorization" {
            v = if v.starts_with("Bearer ") || v.starts_with("bearer ") {
                "Bearer …".into()
            } else {
                "…".into()
            };
        }
        headers
            .entry(key)
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(&v);
            })
            .or_insert(v);
    }
    let mut inner = st.lock();
    inner.counters.requests += 1;
    let seq = inner.next_request_seq;
    inner.next_request_seq += 1;
    if inner.requests.len() >= KEEP {
        inner.requests.pop_front();
    }
    inner.requests.push_back(RecordedRequest {
        seq,
        method: req.method().as_str().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().map(str::to_string),
        headers,
        multipart_parts: Vec::new(),
        status: None,
    });
    RecordSeq(seq)
}

fn with<F: FnOnce(&mut RecordedRequest)>(st: &AppState, seq: RecordSeq, f: F) {
    let mut inner = st.lock();
    if let Some(r) = inner.requests.iter_mut().rev().find(|r| r.seq == seq.0) {
        f(r);
    }
}

/// Stores the multipart part names of a recorded request.
pub fn set_parts(st: &AppState, seq: RecordSeq, names: Vec<String>) {
    with(st, seq, |r| r.multipart_parts = names);
}

/// Stores the answered status of a recorded request.
pub fn set_status(st: &AppState, seq: RecordSeq, status: u16) {
    with(st, seq, |r| r.status = Some(status));
}
