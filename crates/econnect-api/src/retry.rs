//! Retrying a call after a retryable failure, honouring the platform's `Retry-After`.
//!
//! Only use it for calls that are safe to repeat: reads, and creating calls that carry the
//! same [`crate::DocumentId`] on every attempt (the platform answers a repeat with 409, which
//! the client reads as success: see `Client::create_document`).

use std::future::Future;
use std::time::Duration;

use crate::error::Error;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// Longest wait; a `Retry-After` beyond it ends the retries, so the caller can tell the user.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0-based) after `err`; `None` when not to retry.
    pub fn delay(&self, retry: u32, err: &Error) -> Option<Duration> {
        if !err.is_retryable() || retry + 1 >= self.attempts {
            return None;
        }
        match err.retry_after() {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => {
                let factor = 2u32.saturating_pow(retry.min(16));
                Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
            }
        }
    }

    /// Runs `call` until it succeeds, fails for good, or the attempts are used up.
    pub async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut retry = 0;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(err) => match self.delay(retry, &err) {
                    Some(wait) => {
                        tracing::debug!(?wait, error = %err, retry, "retrying platform call");
                        tokio::time::sleep(wait).await;
                        retry += 1;
                    }
                    None => return Err(err),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_and_respect_retry_after() {
        let p = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        let reset = Error::Reset("x".into());
        assert_eq!(p.delay(0, &reset), Some(Duration::from_millis(100)));
        assert_eq!(p.delay(1, &reset), Some(Duration::from_millis(200)));
        assert_eq!(p.delay(3, &reset), Some(Duration::from_millis(800)));
        assert_eq!(p.delay(4, &reset), None, "attempts used up");
        let soon = Error::RateLimited {
            retry_after: Some(Duration::from_millis(300)),
        };
        assert_eq!(p.delay(0, &soon), Some(Duration::from_millis(300)));
        let later = Error::Maintenance {
            retry_after: Some(Duration::from_secs(900)),
        };
        assert_eq!(p.delay(0, &later), None, "too long: hand it to the user");
        let forbidden = Error::Api {
            status: 403,
            code: "API403".into(),
            message: String::new(),
            request_id: None,
        };
        assert_eq!(p.delay(0, &forbidden), None);
        assert_eq!(RetryPolicy::none().delay(0, &reset), None);
    }

    #[tokio::test]
    async fn run_stops_at_success_or_a_final_error() {
        let p = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        };
        let mut calls = 0;
        let out = p
            .run(|| {
                calls += 1;
                let n = calls;
                async move { if n < 3 { Err(Error::Timeout) } else { Ok(n) } }
            })
            .await;
        assert_eq!(out.unwrap(), 3);
        let mut calls = 0;
        let out: Result<(), Error> = p
            .run(|| {
                calls += 1;
                async { Err(Error::InvalidInput("nee".into())) }
            })
            .await;
        assert!(matches!(out, Err(Error::InvalidInput(_))));
        assert_eq!(calls, 1);
    }
}
