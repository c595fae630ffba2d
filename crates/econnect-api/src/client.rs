//! The client: one HTTP connection pool, the token cache, and the request pipeline that
//! adds headers, applies timeouts, refreshes the token once on 401 and maps errors.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::auth::TokenCache;
use crate::config::Config;
use crate::document_id::DocumentId;
use crate::endpoints::DocumentRef;
use crate::error::Error;
use crate::multipart::Upload;

/// Header carrying the legacy subscription key.
pub const SUBSCRIPTION_KEY_HEADER: &str = "Subscription-Key";
/// Header selecting the environment when one login reaches several.
pub const DOMAIN_ID_HEADER: &str = "X-EConnect-DomainId";
/// Header carrying the caller-chosen id of a new document.
pub const DOCUMENT_ID_HEADER: &str = "X-EConnect-DocumentId";

/// A client for one platform environment; cheap to clone, safe to share between tasks.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    tokens: TokenCache,
}

/// What a call sends as its body.
pub(crate) enum CallBody<'a> {
    /// No body.
    Empty,
    /// A JSON body.
    Json(Vec<u8>),
    /// A multipart form with the file streamed as part `file`.
    File(&'a Upload),
}

/// One API call, described so that it can be sent again after a token refresh.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub body: CallBody<'a>,
    pub document_id: Option<&'a DocumentId>,
    pub auth: bool,
    /// Send `Accept: */*` instead of JSON (file downloads).
    pub accept_any: bool,
}

impl<'a> Call<'a> {
    /// A call with a bearer token and no body.
    pub fn new(method: Method, url: Url) -> Self {
        Call {
            method,
            url,
            body: CallBody::Empty,
            document_id: None,
            auth: true,
            accept_any: false,
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::InvalidInput(e.to_string()))?;
        self.body = CallBody::Json(bytes);
        Ok(self)
    }

    /// Streams `upload` as the multipart part `file`.
    pub fn file(mut self, upload: &'a Upload) -> Self {
        self.body = CallBody::File(upload);
        self
    }

    /// Sends `X-EConnect-DocumentId`.
    pub fn document_id(mut self, id: &'a DocumentId) -> Self {
        self.document_id = Some(id);
        self
    }

    /// Sends no `Authorization` header (public calls).
    pub fn anonymous(mut self) -> Self {
        self.auth = false;
        self
    }
}

impl Client {
    /// A client with its own connection pool (rustls).
    pub fn new(config: Config) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("econnect-desktop/", env!("CARGO_PKG_VERSION")))
            // Never follow a redirect: a 307/308 would re-POST the password form, and any
            // redirect would carry the token and subscription key to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| Error::InvalidInput(format!("HTTP client: {e}")))?;
        Ok(Self::with_http_client(config, http))
    }

    /// A client that shares an existing reqwest client (its pool and TLS settings).
    pub fn with_http_client(config: Config, http: reqwest::Client) -> Self {
        Client {
            inner: Arc::new(Inner {
                http,
                config,
                tokens: TokenCache::default(),
            }),
        }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A valid bearer token (cached; fetched or refreshed when needed).
    pub async fn access_token(&self) -> Result<String, Error> {
        let token = self
            .inner
            .tokens
            .get(&self.inner.http, &self.inner.config)
            .await?;
        Ok(token.value.to_string())
    }

    /// The absolute URL of an API path such as `/api/v1/me`.
    pub(crate) fn api_url(&self, path: &str) -> Result<Url, Error> {
        join(&self.inner.config.api_base, path)
    }

    /// Sends a call; on success returns the response, otherwise the typed error.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Response, Error> {
        let config = &self.inner.config;
        for attempt in 0..2 {
            let token = if call.auth {
                Some(self.inner.tokens.get(&self.inner.http, config).await?)
            } else {
                None
            };
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), call.url.clone())
                .header(
                    ACCEPT,
                    if call.accept_any {
                        "*/*"
                    } else {
                        "application/json"
                    },
                )
                .timeout(config.timeout);
            if let Some(token) = &token {
                request = request.header(AUTHORIZATION, bearer(&token.value)?);
            }
            if let Some(key) = &config.subscription_key {
                request = request.header(SUBSCRIPTION_KEY_HEADER, header_value(key)?);
            }
            if let Some(domain) = &config.domain_id {
                request = request.header(DOMAIN_ID_HEADER, header_value(domain)?);
            }
            if let Some(id) = call.document_id {
                request = request.header(DOCUMENT_ID_HEADER, header_value(id.as_str())?);
            }
            request = match &call.body {
                CallBody::Empty => request,
                CallBody::Json(bytes) => request
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                CallBody::File(upload) => {
                    let (form, len) = upload.form().await?;
                    request.timeout(config.upload_timeout(len)).multipart(form)
                }
            };
            tracing::debug!(method = %call.method, url = %call.url, attempt, "platform call");
            let response = request.send().await.map_err(Error::from_transport)?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == reqwest::StatusCode::UNAUTHORIZED
                && attempt == 0
                && let Some(token) = token
            {
                tracing::debug!("401: refreshing the token once");
                self.inner.tokens.invalidate(token.generation).await;
                continue;
            }
            let headers = response.headers().clone();
            // Only an excerpt of an error is ever shown: read no more than that cap.
            let body = read_capped(response, MAX_ERROR_BODY, true)
                .await
                .unwrap_or_default();
            return Err(Error::from_response(status, &headers, &body));
        }
        Err(Error::Transport("unreachable: retry loop ended".into()))
    }

    /// Sends a call and decodes its JSON answer.
    pub(crate) async fn send_json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let response = self.send(call).await?;
        let body = read_capped(response, MAX_JSON_BODY, false).await?;
        decode(&body)
    }

    /// Sends a call that creates a document (send, recognize, response) and reads its `{"id"}`.
    ///
    /// The one place that reads `409 Conflict`: the platform answers a repeated
    /// `X-EConnect-DocumentId` with 409, which its documentation calls "not an error …
    /// safely mark the request as completed" [C: shared/econnect-api.md, Headers; the PSB
    /// overview and idempotency pages]. So a 409 on a call that carried our own id means
    /// the document exists under that id: success. Without our id a 409 stays an error.
    pub(crate) async fn create_document(&self, call: Call<'_>) -> Result<DocumentRef, Error> {
        let ours = call.document_id.cloned();
        match self.send_json::<DocumentRef>(call).await {
            Err(err) if err.status() == Some(409) => match ours {
                Some(id) => {
                    tracing::debug!(id = %id, "409: the platform already has this document");
                    Ok(DocumentRef {
                        id: id.as_str().to_string(),
                        already_there: true,
                    })
                }
                None => Err(err),
            },
            other => other,
        }
    }

    /// Sends a call whose answer body does not matter (DELETE: 200 with an empty body).
    pub(crate) async fn send_empty(&self, call: Call<'_>) -> Result<(), Error> {
        let response = self.send(call).await?;
        read_capped(response, MAX_ERROR_BODY, true).await?;
        Ok(())
    }
}

/// Largest JSON answer read (the biggest lists of an environment are far smaller).
pub(crate) const MAX_JSON_BODY: usize = 16 * 1024 * 1024;
/// Largest error (or empty) answer read; only an excerpt is ever shown.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// Largest document read into memory (the platform takes files up to 10 MB; a UBL with an
/// embedded PDF is base64, a third larger).
pub(crate) const MAX_DOCUMENT_BODY: usize = 64 * 1024 * 1024;

/// Reads an answer's body up to `limit` bytes. Past it: `truncate` keeps the first `limit`
/// bytes (errors), otherwise the answer is refused as too large, so no server can make the
/// app hold an unbounded body in memory.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, Error> {
    if !truncate && response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::from_transport)? {
        if body.len() + chunk.len() > limit {
            if truncate {
                body.extend_from_slice(&chunk[..limit - body.len()]);
                return Ok(body);
            }
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(limit: usize) -> Error {
    Error::TooLarge { limit }
}

/// Decodes a JSON success body, reporting a short excerpt when it does not fit.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        Error::Decode(format!("{e} in {text:?}"))
    })
}

/// Appends an absolute path (with already-encoded segments) to a base URL that may have a path.
pub(crate) fn join(base: &Url, path: &str) -> Result<Url, Error> {
    let text = format!("{}{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&text).map_err(|e| Error::InvalidInput(format!("URL {text:?}: {e}")))
}

fn header_value(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidInput("header value has invalid characters".into()))
}

fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = header_value(&format!("Bearer {token}"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_keeps_base_path() {
        let base = Url::parse("https://host/prefix/").unwrap();
        assert_eq!(
            join(&base, "/api/v1/me").unwrap().as_str(),
            "https://host/prefix/api/v1/me"
        );
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        assert_eq!(
            join(&base, "/api/v1/x%3Ay").unwrap().as_str(),
            "http://127.0.0.1:9/api/v1/x%3Ay"
        );
    }
}
