//! Fault injection: rules set through `/_sandbox/faults`, applied by the request middleware.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::intake;
use crate::recorder;
use crate::state::AppState;

/// What a fault does to the request it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// 500 with the error JSON.
    ServerError,
    /// The connection is closed without an HTTP response.
    Reset,
    /// The request is handled in full (a document is created), then the connection is
    /// closed without the answer: the client cannot tell whether it arrived.
    ResetAfterHandling,
    /// 429 with `Retry-After`.
    RateLimited,
    /// 503 "maintenance" with `Retry-After`.
    Maintenance,
    /// The answer is delayed by `delayMs` (default 2000 ms), then served normally.
    Slow,
    /// Every token issued so far becomes invalid, so this call answers 401.
    TokenExpiry,
}

/// A fault rule (`POST /_sandbox/faults` body).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// What happens.
    pub kind: FaultKind,
    /// Hit the next N matching calls.
    #[serde(default)]
    pub next: Option<u32>,
    /// Or hit each matching call with this probability.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Seconds for `Retry-After` (429 and 503; default 1).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Delay of `slow` in ms.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Only paths containing this text. Without it, rules hit `/api/` paths only, so a
    /// client's token call does not use up a fault meant for an API call.
    #[serde(default)]
    pub path_contains: Option<String>,
}

impl FaultRule {
    fn matches(&self, path: &str) -> bool {
        match &self.path_contains {
            Some(p) => path.contains(p.as_str()),
            None => path.starts_with("/api/"),
        }
    }
}

/// Marker extension on a response: the server loop drops the connection instead of answering.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Picks the fault (if any) that hits a request to `path`, consuming one of its `next` count.
fn take(st: &AppState, path: &str) -> Option<FaultRule> {
    let mut inner = st.lock();
    let mut hit = None;
    for rule in inner.faults.iter_mut() {
        if !rule.matches(path) {
            continue;
        }
        if let Some(n) = rule.next.as_mut() {
            if *n > 0 {
                *n -= 1;
                hit = Some(rule.clone());
                break;
            }
        } else if let Some(rate) = rule.rate
            && rand::random::<f64>() < rate
        {
            hit = Some(rule.clone());
            break;
        }
    }
    inner.faults.retain(|r| r.next != Some(0));
    if let Some(rule) = &hit {
        inner.counters.faults_injected += 1;
        if rule.kind == FaultKind::TokenExpiry {
            inner.tokens.clear();
        }
        tracing::info!(kind = ?rule.kind, path, "fault injected");
    }
    hit
}

/// Middleware around every non-control request: records it, then applies faults.
pub async fn observe(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sandbox") {
        return next.run(req).await;
    }
    let seq = recorder::record(&st, &req);
    req.extensions_mut().insert(seq);
    if let Some(left) = st
        .maintenance
        .seconds_left()
        .filter(|_| path.starts_with("/api/"))
    {
        // Read the body first: an early answer to an upload in flight looks like a reset.
        intake::drain(req.into_body()).await;
        let resp = crate::maintenance::answer(left).into_response();
        recorder::set_status(&st, seq, resp.status().as_u16());
        return resp;
    }
    let fault = take(&st, &path);
    let resp = match fault {
        None => next.run(req).await,
        Some(rule) => match rule.kind {
            FaultKind::Reset => {
                let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                resp.extensions_mut().insert(DropConnection);
                return resp;
            }
            FaultKind::ResetAfterHandling => {
                let mut resp = next.run(req).await;
                recorder::set_status(&st, seq, resp.status().as_u16());
                resp.extensions_mut().insert(DropConnection);
                return resp;
            }
            FaultKind::Slow => {
                tokio::time::sleep(Duration::from_millis(rule.delay_ms.unwrap_or(2000))).await;
                next.run(req).await
            }
            FaultKind::TokenExpiry => next.run(req).await,
            kind => {
                // Read the body first: an early answer to an upload in flight looks like a reset.
                intake::drain(req.into_body()).await;
                let retry = rule.retry_after.unwrap_or(1);
                match kind {
                    FaultKind::RateLimited => ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "API429",
                        "Too many requests, try again later",
                    )
                    .with_retry_after(retry)
                    .into_response(),
                    FaultKind::Maintenance => ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "API503",
                        "Het platform is in onderhoud / The platform is under maintenance",
                    )
                    .with_retry_after(retry)
                    .into_response(),
                    _ => ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "API500",
                        "Internal server error (injected)",
                    )
                    .into_response(),
                }
            }
        },
    };
    recorder::set_status(&st, seq, resp.status().as_u16());
    tracing::debug!(path, status = resp.status().as_u16(), "request");
    resp
}
