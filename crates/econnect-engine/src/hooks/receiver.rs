//! The webhook receiver: an axum router that takes the platform's POSTs at the public
//! URL's path. A delivery is answered 200 only once its event is committed to the inbox;
//! the platform retries anything else, so nothing is lost and a repeat is harmless.
//!
//! Answers: 401 for a missing or wrong signature and for a `sentOn` more than 5 minutes
//! from now (a stale delivery is refused as unauthenticated, not as malformed: with a
//! valid signature it is exactly what a replayed capture looks like, and eConnect's own
//! receivers treat the time check as part of verifying the delivery); 400 for a signed
//! body that is not an event; 413 past the size cap; 503 when the inbox cannot store it
//! (the platform tries again later).

use std::sync::Arc;

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use econnect_api::webhook::{self, SIGNATURE_HEADER, WebhookEvent};
use econnect_store::{NewHookEvent, Store};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// Largest delivery body taken (events are a few KB; the platform never sends documents).
pub const MAX_BODY: usize = 256 * 1024;

/// What the receiver needs: where to store, the secret, and whom to wake.
#[derive(Clone)]
pub struct ReceiverState {
    /// The profile's cache (the inbox).
    pub store: Store,
    /// The signing secret (the fragment of the hook's action).
    pub secret: Arc<str>,
    /// The public URL's path; other paths answer 404.
    pub path: String,
    /// Rung after each newly stored event (the worker waits on it).
    pub wake: Arc<Notify>,
    /// Largest body taken.
    pub max_body: usize,
}

impl std::fmt::Debug for ReceiverState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverState")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The receiver's router: POST at `state.path`, nothing else.
pub fn router(state: ReceiverState) -> Router {
    // A fallback, not a route: the path comes from the user's URL and may hold characters
    // that axum's route syntax would read as parameters.
    Router::new().fallback(deliver).with_state(Arc::new(state))
}

async fn deliver(State(st): State<Arc<ReceiverState>>, request: Request) -> Response {
    if request.uri().path() != st.path {
        return StatusCode::NOT_FOUND.into_response();
    }
    if request.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, [("allow", "POST")]).into_response();
    }
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Ok(body) = to_bytes(request.into_body(), st.max_body).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Some(signature) = signature else {
        tracing::warn!("hook delivery without a signature refused");
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !webhook::verify(&body, &signature, &st.secret) {
        tracing::warn!("hook delivery with a wrong signature refused");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let event = match WebhookEvent::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(error = %e, "signed hook delivery is not an event");
            return StatusCode::BAD_REQUEST.into_response();
        }
    };
    let now = OffsetDateTime::now_utc();
    if !event
        .sent_on
        .as_deref()
        .is_some_and(|s| webhook::is_fresh(s, now))
    {
        tracing::warn!(sent_on = ?event.sent_on, "hook delivery refused: sentOn more than 5 minutes off");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let record = NewHookEvent {
        event_key: event.delivery_key(),
        topic: event.topic.clone(),
        party_id: event.party_id.clone(),
        hook_id: event.hook_id.clone(),
        document_id: event.document_id.clone(),
        created_on: event.created_on.clone(),
        created_ms: event
            .created_at()
            .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    match st.store.add_hook_event(&record).await {
        Ok(stored) => {
            if stored.new {
                st.wake.notify_one();
            } else {
                tracing::info!(seq = stored.seq, "repeated hook delivery; already stored");
            }
            StatusCode::OK.into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "hook event not stored; the platform will retry");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
