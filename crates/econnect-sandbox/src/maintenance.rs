//! Maintenance mode: `POST /_sandbox/maintenance {"seconds": N}` puts the platform in
//! maintenance for N seconds of real time. Meanwhile every `/api/` call answers 503 with a
//! `Retry-After` of the seconds left (as a platform announcing its own end would), and it
//! ends by itself; `DELETE` ends it at once, `GET` tells whether it is on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::parse_json;

/// Until when the sandbox is in maintenance.
#[derive(Debug, Default)]
pub struct MaintenanceMode {
    until: Mutex<Option<Instant>>,
}

impl MaintenanceMode {
    /// Starts (or extends/shortens) maintenance for `length`.
    pub fn start(&self, length: Duration) {
        *self.lock() = Some(Instant::now() + length);
    }

    /// Ends maintenance now.
    pub fn end(&self) {
        *self.lock() = None;
    }

    /// Whole seconds left (at least 1), when on.
    pub fn seconds_left(&self) -> Option<u64> {
        let until = (*self.lock())?;
        let left = until.checked_duration_since(Instant::now())?;
        if left.is_zero() {
            return None;
        }
        Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The 503 an API call gets during maintenance.
pub fn answer(seconds_left: u64) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "API503",
        "Het platform is in onderhoud / The platform is under maintenance",
    )
    .with_retry_after(seconds_left)
}

/// The control route.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/_sandbox/maintenance", get(status).post(start).delete(end))
}

#[derive(Deserialize)]
struct Start {
    seconds: u64,
}

async fn start(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let req: Start = parse_json(&body)?;
    if req.seconds == 0 || req.seconds > 7 * 24 * 3600 {
        return Err(ApiError::bad_request("seconds: 1 … 604800"));
    }
    st.maintenance.start(Duration::from_secs(req.seconds));
    Ok(Json(
        json!({ "secondsLeft": st.maintenance.seconds_left() }),
    ))
}

async fn end(State(st): State<Arc<AppState>>) -> Json<Value> {
    st.maintenance.end();
    Json(json!({ "secondsLeft": null }))
}

async fn status(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "secondsLeft": st.maintenance.seconds_left() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_counts_down_and_ends() {
        let mode = MaintenanceMode::default();
        assert_eq!(mode.seconds_left(), None);
        mode.start(Duration::from_secs(5));
        let left = mode.seconds_left().expect("on");
        assert!((4..=5).contains(&left), "{left}");
        mode.end();
        assert_eq!(mode.seconds_left(), None);
        mode.start(Duration::ZERO);
        assert_eq!(mode.seconds_left(), None, "a zero-length window is over");
    }
}
