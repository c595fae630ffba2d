//! The webhook receiver: an axum router that takes the platform's POSTs at the public
//! URL's path. A delivery is answered 200 only once its event is committed to the inbox;
//! the platform retries anything else, so nothing is lost and a repeat is harmless.
//!
//! Answers: 401 for a missing or wrong signature and for a `sentOn` more than 5 minutes
//! from now (a stale delivery is refused as unauthenticated, not as malformed: with a
//! valid signature it is exactly what a replayed capture looks like, and eConnect's own
//! receivers treat the time check as part of verifying the delivery); 400 for a signed
//! body that is not an event; 413 past the size cap (before reading when the length is
//! announced); 408 when the body does not arrive in time; 503 when the inbox cannot store it
//! (the platform tries again later).

use std::sync::Arc;

use axum::Router;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use econnect_api::webhook::{self, SIGNATURE_HEADER, WebhookEvent};
use econnect_store::{NewHookEvent, Store};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// Largest delivery body taken (events are a few KB; the platform never sends documents).
pub const MAX_BODY: usize = 256 * 1024;
/// Longest time a delivery's body may take to arrive (a few KB: an honest sender is done
/// long before).
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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
    // Anyone who can reach the port can post: a body announced past the cap is refused
    // before a byte of it is read, a longer one (chunked) as soon as it passes the cap, and
    // a sender that trickles is cut off after a while.
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > st.max_body as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let body = match tokio::time::timeout(BODY_TIMEOUT, to_bytes(request.into_body(), st.max_body))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn an_announced_oversized_body_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
        let app = router(ReceiverState {
            store,
            secret: Arc::from("secret"),
            path: "/hook".into(),
            wake: Arc::new(Notify::new()),
            max_body: MAX_BODY,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        // A gigabyte announced, a few bytes sent, and the rest never comes: the answer must
        // not wait for it.
        let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /hook HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{{\"topic\":",
            1u64 << 30
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 64];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
            .await
            .expect("answered without waiting for the announced body")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    }
}
