//! How the sync calls the platform: retries that honour `Retry-After` on 429/503, a few
//! quick retries on broken connections, and none when the server cannot be reached at all
//! (then the engine goes offline and the loop probes again later).

use std::future::Future;
use std::time::Duration;

use econnect_api::Error;

/// Longest wait for one `Retry-After`; a longer one ends this sync (the loop comes back).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Attempts of one call when the platform says "later" (429/503).
const BUSY_ATTEMPTS: u32 = 8;
/// Attempts of one call when a connection broke or the server failed (reset, 5xx, timeout).
const BROKEN_ATTEMPTS: u32 = 4;
/// Attempts when nothing answers at all (refused, DNS): go offline quickly.
const UNREACHABLE_ATTEMPTS: u32 = 2;
/// First back-off; doubles per retry.
const BASE_DELAY: Duration = Duration::from_millis(250);

/// The wait before retry number `retry` (0-based) of a call that failed with `err`, or
/// `None` when it should not be retried.
pub(crate) fn retry_delay(retry: u32, err: &Error) -> Option<Duration> {
    let backoff = BASE_DELAY
        .saturating_mul(2u32.saturating_pow(retry.min(10)))
        .min(MAX_RETRY_AFTER);
    let attempts = match err {
        Error::RateLimited { .. } | Error::Maintenance { .. } => BUSY_ATTEMPTS,
        Error::Connect(_) => UNREACHABLE_ATTEMPTS,
        e if e.is_retryable() => BROKEN_ATTEMPTS,
        _ => return None,
    };
    if retry + 1 >= attempts {
        return None;
    }
    match err.retry_after() {
        Some(wait) if wait > MAX_RETRY_AFTER => None,
        Some(wait) => Some(wait),
        None => Some(backoff),
    }
}

/// Runs `call` until it succeeds or [`retry_delay`] says stop.
pub(crate) async fn with_retries<T, F, Fut>(what: &str, mut call: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut retry = 0;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(err) => match retry_delay(retry, &err) {
                Some(wait) => {
                    tracing::debug!(what, error = %err, ?wait, retry, "platform busy or connection broken; retrying");
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => return Err(err),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_retry_after_and_gives_up() {
        let busy = Error::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(retry_delay(0, &busy), Some(Duration::from_secs(2)));
        assert_eq!(retry_delay(BUSY_ATTEMPTS - 1, &busy), None);
        let long = Error::Maintenance {
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(retry_delay(0, &long), None);
        let reset = Error::Reset("x".into());
        assert_eq!(retry_delay(1, &reset), Some(BASE_DELAY * 2));
        let gone = Error::Connect("refused".into());
        assert!(retry_delay(0, &gone).is_some());
        assert_eq!(retry_delay(1, &gone), None);
        let forbidden = Error::Api {
            status: 403,
            code: "API403".into(),
            message: String::new(),
            request_id: None,
        };
        assert_eq!(retry_delay(0, &forbidden), None);
    }
}
