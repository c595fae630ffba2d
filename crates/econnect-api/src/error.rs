//! Typed errors of the platform client.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// How many characters of a non-JSON error body are kept in [`Error::Http`].
const BODY_EXCERPT_CHARS: usize = 300;

/// Everything a platform call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform answered with its JSON error body `{code, message, requestId}`.
    #[error("platform error {status} {code}: {message}")]
    Api {
        /// HTTP status code.
        status: u16,
        /// The platform's error code, e.g. `API403`.
        code: String,
        /// The platform's message.
        message: String,
        /// The platform's request id, for support.
        request_id: Option<String>,
    },
    /// A non-success answer whose body is not the platform's JSON error.
    #[error("HTTP {status}: {body_excerpt}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// The first few hundred characters of the body.
        body_excerpt: String,
    },
    /// The identity server refused the sign-in.
    #[error("sign-in refused: {0}")]
    Auth(#[from] AuthError),
    /// 429: too many requests; `retry_after` from the `Retry-After` header.
    #[error("rate limited (retry after {retry_after:?})")]
    RateLimited {
        /// How long to wait, when the platform said.
        retry_after: Option<Duration>,
    },
    /// 503: the platform is in maintenance or overloaded; `retry_after` from `Retry-After`.
    #[error("platform unavailable (retry after {retry_after:?})")]
    Maintenance {
        /// How long to wait, when the platform said.
        retry_after: Option<Duration>,
    },
    /// The call took longer than its timeout.
    #[error("the call timed out")]
    Timeout,
    /// The platform could not be reached (DNS, refused, TLS).
    #[error("cannot reach the platform: {0}")]
    Connect(String),
    /// The connection broke before a full answer arrived.
    #[error("connection reset: {0}")]
    Reset(String),
    /// Another transport failure.
    #[error("transport error: {0}")]
    Transport(String),
    /// A local file could not be read or written.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// The platform's success answer did not have the documented shape.
    #[error("unexpected answer from the platform: {0}")]
    Decode(String),
    /// The answer's body was larger than the cap for its kind, and was not read further:
    /// no server can make the app hold an unbounded body in memory.
    #[error("answer larger than {} KiB; refused", limit / 1024)]
    TooLarge {
        /// The cap that was exceeded, in bytes.
        limit: usize,
    },
    /// The caller passed something that cannot be sent (bad URL, bad header value).
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

/// Why the identity server refused a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// Wrong user name or password (`invalid_grant`).
    WrongCredentials,
    /// The account is locked or disabled (`invalid_grant` whose description says so).
    Locked,
    /// The client id or secret is wrong (`invalid_client`).
    InvalidClient,
    /// Another OAuth error code, kept as sent.
    Other(String),
}

/// A refused token request: the OAuth `error` and `error_description`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} ({})", description.as_deref().unwrap_or("-"))]
pub struct AuthError {
    /// What kind of refusal this is.
    pub kind: AuthErrorKind,
    /// The identity server's `error_description`, if any.
    pub description: Option<String>,
}

/// The OAuth2 error body of the token endpoint.
#[derive(Debug, Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// The platform's JSON error body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformErrorBody {
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

impl Error {
    /// True when trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. }
            | Error::Maintenance { .. }
            | Error::Timeout
            | Error::Connect(_)
            | Error::Reset(_)
            | Error::Transport(_) => true,
            Error::Api { status, .. } | Error::Http { status, .. } => {
                matches!(*status, 408 | 500 | 502 | 503 | 504)
            }
            Error::Auth(_)
            | Error::Io(_)
            | Error::Decode(_)
            | Error::TooLarge { .. }
            | Error::InvalidInput(_) => false,
        }
    }

    /// The HTTP status, when the platform answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Http { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::Maintenance { .. } => Some(503),
            _ => None,
        }
    }

    /// True when a file to upload was not what was checked before it was queued (other
    /// size or content, or a link now): nothing of it was accepted.
    pub fn is_file_changed(&self) -> bool {
        matches!(self, Error::Io(e) if crate::multipart::is_file_changed(e))
    }

    /// True for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a 403 answer (no permission for this organisation or action).
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// How long the platform asked to wait, for 429 and 503 answers.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after } | Error::Maintenance { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// Maps a transport-level reqwest error to the matching variant.
    pub(crate) fn from_transport(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Error::Timeout;
        }
        if err.is_connect() {
            return Error::Connect(chain(&err));
        }
        if err.is_builder() {
            return Error::InvalidInput(chain(&err));
        }
        if has_source::<crate::multipart::FileChanged>(&err) {
            return Error::Io(crate::multipart::file_changed());
        }
        if is_reset(&err) {
            return Error::Reset(chain(&err));
        }
        Error::Transport(chain(&err))
    }

    /// Builds the error for a non-success API answer from its status, headers and body.
    pub(crate) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let retry_after = parse_retry_after(headers);
        match status.as_u16() {
            429 => return Error::RateLimited { retry_after },
            503 => return Error::Maintenance { retry_after },
            _ => {}
        }
        if let Ok(platform) = serde_json::from_slice::<PlatformErrorBody>(body) {
            return Error::Api {
                status: status.as_u16(),
                code: platform.code,
                message: platform.message.unwrap_or_default(),
                request_id: platform.request_id,
            };
        }
        Error::Http {
            status: status.as_u16(),
            body_excerpt: excerpt(body),
        }
    }

    /// Builds the error for a non-success answer of the token endpoint.
    pub(crate) fn from_token_response(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        if let Ok(oauth) = serde_json::from_slice::<OAuthErrorBody>(body)
            && status.is_client_error()
            && status.as_u16() != 429
        {
            return Error::Auth(AuthError::from_oauth(&oauth.error, oauth.error_description));
        }
        Error::from_response(status, headers, body)
    }
}

impl AuthError {
    /// Classifies an OAuth error code and description.
    pub fn from_oauth(code: &str, description: Option<String>) -> Self {
        let kind = match code {
            "invalid_grant" if description.as_deref().is_some_and(says_locked) => {
                AuthErrorKind::Locked
            }
            "invalid_grant" => AuthErrorKind::WrongCredentials,
            "invalid_client" | "unauthorized_client" => AuthErrorKind::InvalidClient,
            other => AuthErrorKind::Other(other.to_string()),
        };
        AuthError { kind, description }
    }
}

/// Whether an `error_description` says the account is locked rather than the password wrong.
fn says_locked(description: &str) -> bool {
    let d = description.to_lowercase();
    [
        "locked",
        "lockout",
        "blocked",
        "disabled",
        "geblokkeerd",
        "vergrendeld",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// The longest wait or lifetime the client takes from a server (`Retry-After`,
/// `expires_in`): a day. A larger value is clamped, so no answer can overflow a clock.
pub const MAX_SERVER_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses `Retry-After` as delta-seconds or as an HTTP date, at most [`MAX_SERVER_DURATION`].
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    read_retry_after(headers).map(|d| d.min(MAX_SERVER_DURATION))
}

fn read_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let delta = when - time::OffsetDateTime::now_utc();
    Some(Duration::from_secs(
        delta.whole_seconds().max(0).unsigned_abs(),
    ))
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    match trimmed.char_indices().nth(BODY_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_string(),
    }
}

fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn has_source<T: std::error::Error + 'static>(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(s) = source {
        if s.is::<T>() {
            return true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.get_ref().is_some_and(|inner| inner.is::<T>())
        {
            return true;
        }
        source = s.source();
    }
    false
}

fn is_reset(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            ) {
                return true;
            }
        }
        let text = s.to_string().to_lowercase();
        if text.contains("connection closed")
            || text.contains("connection reset")
            || text.contains("incomplete message")
            || text.contains("broken pipe")
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn platform_body_becomes_api_error() {
        let body = br#"{"code":"API403","message":"Forbidden","requestId":"r-1","helpLink":"x"}"#;
        let err = Error::from_response(StatusCode::FORBIDDEN, &HeaderMap::new(), body);
        match err {
            Error::Api {
                status,
                code,
                message,
                request_id,
            } => {
                assert_eq!(
                    (status, code.as_str(), message.as_str()),
                    (403, "API403", "Forbidden")
                );
                assert_eq!(request_id.as_deref(), Some("r-1"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn other_body_becomes_http_error_with_excerpt() {
        let body = "x".repeat(1000);
        let err = Error::from_response(StatusCode::BAD_GATEWAY, &HeaderMap::new(), body.as_bytes());
        match &err {
            Error::Http {
                status: 502,
                body_excerpt,
            } => assert_eq!(body_excerpt.chars().count(), 301),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.is_retryable());
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("120"),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(120)));
        let err = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &h, b"");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
        assert!(err.is_retryable());
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
        let future = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let text = future
            .format(&time::format_description::well_known::Rfc2822)
            .unwrap();
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_str(&text).unwrap(),
        );
        let parsed = parse_retry_after(&h).unwrap();
        assert!(
            parsed > Duration::from_secs(3500) && parsed <= Duration::from_secs(3600),
            "{parsed:?}"
        );
    }

    #[test]
    fn absurd_retry_after_values_are_clamped_to_a_day() {
        for value in [
            "18446744073709551615",
            "99999999999",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            let mut h = HeaderMap::new();
            h.insert(
                reqwest::header::RETRY_AFTER,
                HeaderValue::from_static(value),
            );
            assert_eq!(parse_retry_after(&h), Some(MAX_SERVER_DURATION), "{value}");
            // What callers do with it must not overflow.
            assert!(
                std::time::Instant::now()
                    .checked_add(MAX_SERVER_DURATION)
                    .is_some()
            );
        }
    }

    #[test]
    fn oauth_errors_are_classified() {
        let wrong = Error::from_token_response(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            br#"{"error":"invalid_grant"}"#,
        );
        assert!(matches!(
            wrong,
            Error::Auth(AuthError {
                kind: AuthErrorKind::WrongCredentials,
                ..
            })
        ));
        let locked = Error::from_token_response(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            br#"{"error":"invalid_grant","error_description":"User is locked out"}"#,
        );
        assert!(matches!(
            locked,
            Error::Auth(AuthError {
                kind: AuthErrorKind::Locked,
                ..
            })
        ));
        let client = Error::from_token_response(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            br#"{"error":"invalid_client"}"#,
        );
        assert!(matches!(
            client,
            Error::Auth(AuthError {
                kind: AuthErrorKind::InvalidClient,
                ..
            })
        ));
        assert!(!client.is_retryable());
        let down =
            Error::from_token_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"down");
        assert!(matches!(down, Error::Maintenance { retry_after: None }));
    }
}
