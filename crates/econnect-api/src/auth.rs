//! The token call (`POST {identity}/connect/token`, `scope=ap`) and the token cache.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config::{Config, Credentials};
use crate::error::Error;

/// A token is renewed when fewer than this many seconds of its life remain.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Token lifetime assumed when the identity server does not say.
const DEFAULT_EXPIRES_IN: u64 = 3600;

/// The identity server's token answer.
#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    token_type: Option<String>,
}

/// A bearer token with the moment it stops being usable.
#[derive(Clone)]
pub(crate) struct Token {
    /// The bearer value.
    pub value: Arc<str>,
    /// When the cache stops handing it out (expiry minus the refresh margin).
    refresh_at: Instant,
    /// Increases with every fetched token, so a 401 only discards the token that failed.
    pub generation: u64,
}

/// One cached token, fetched by at most one caller at a time.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    token: Option<Token>,
    generation: u64,
}

impl TokenCache {
    /// A usable token: the cached one, or a fresh one from the identity server.
    pub async fn get(&self, http: &reqwest::Client, config: &Config) -> Result<Token, Error> {
        let mut slot = self.slot.lock().await;
        if let Some(token) = &slot.token
            && Instant::now() < token.refresh_at
        {
            return Ok(token.clone());
        }
        let (value, expires_in) = fetch(http, config).await?;
        slot.generation += 1;
        let lifetime = expires_in.saturating_sub(REFRESH_MARGIN);
        let token = Token {
            value: Arc::from(value),
            refresh_at: Instant::now()
                .checked_add(lifetime)
                .unwrap_or_else(Instant::now),
            generation: slot.generation,
        };
        slot.token = Some(token.clone());
        Ok(token)
    }

    /// Forgets the token of `generation` (after the API refused it with 401).
    pub async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if slot
            .token
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            slot.token = None;
        }
    }
}

/// Asks the identity server for a token; returns the token and its lifetime.
async fn fetch(http: &reqwest::Client, config: &Config) -> Result<(String, Duration), Error> {
    let url = crate::client::join(&config.identity_base, "/connect/token")?;
    let form: Vec<(&str, &str)> = match &config.credentials {
        Credentials::Password {
            username,
            password,
            client_id,
            client_secret,
        } => vec![
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("scope", "ap"),
        ],
        Credentials::ClientCredentials {
            client_id,
            client_secret,
        } => vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("scope", "ap"),
        ],
    };
    tracing::debug!(%url, "requesting token");
    let response = http
        .post(url)
        .timeout(config.timeout)
        .form(&form)
        .send()
        .await
        .map_err(Error::from_transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = crate::client::read_capped(response, crate::client::MAX_ERROR_BODY, false).await?;
    if !status.is_success() {
        return Err(Error::from_token_response(status, &headers, &body));
    }
    let token: TokenResponse =
        serde_json::from_slice(&body).map_err(|e| Error::Decode(format!("token answer: {e}")))?;
    if let Some(kind) = token.token_type.as_deref()
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(Error::Decode(format!("token type {kind:?} is not Bearer")));
    }
    // Clamped: a server's absurd lifetime must not overflow the refresh clock.
    let expires_in = Duration::from_secs(token.expires_in.unwrap_or(DEFAULT_EXPIRES_IN))
        .min(crate::error::MAX_SERVER_DURATION);
    Ok((token.access_token, expires_in))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use url::Url;

    use super::*;

    /// A tiny identity server: answers every token request with `expires_in`, records bodies.
    async fn identity(expires_in: u64) -> (Url, Arc<Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&bodies);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                // Read headers, then exactly Content-Length bytes of body.
                let body = loop {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                    let text = String::from_utf8_lossy(&data).into_owned();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if body.len() >= len {
                            break Some(body.to_string());
                        }
                    }
                };
                if let Some(body) = body {
                    seen.lock().unwrap().push(body);
                }
                let json = format!(
                    r#"{{"access_token":"t","expires_in":{expires_in},"token_type":"Bearer"}}"#
                );
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
                    json.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        (Url::parse(&format!("http://{addr}")).unwrap(), bodies)
    }

    fn config(identity: Url, credentials: Credentials) -> Config {
        Config::new(identity.clone(), identity, credentials)
    }

    fn client_config(identity: Url) -> Config {
        config(
            identity,
            Credentials::ClientCredentials {
                client_id: "c".into(),
                client_secret: "s".into(),
            },
        )
    }

    #[tokio::test]
    async fn a_token_with_more_than_a_minute_left_is_reused() {
        let (url, bodies) = identity(3600).await;
        let cfg = client_config(url);
        let cache = TokenCache::default();
        let http = reqwest::Client::new();
        let a = cache.get(&http, &cfg).await.unwrap();
        let b = cache.get(&http, &cfg).await.unwrap();
        assert_eq!(a.generation, b.generation);
        let bodies = bodies.lock().unwrap().clone();
        assert_eq!(
            bodies,
            vec!["grant_type=client_credentials&client_id=c&client_secret=s&scope=ap".to_string()]
        );
    }

    #[tokio::test]
    async fn a_token_with_a_minute_or_less_left_is_renewed() {
        let (url, bodies) = identity(60).await;
        let cfg = config(
            url,
            Credentials::Password {
                username: "a@b.nl".into(),
                password: "p w".into(),
                client_id: "c".into(),
                client_secret: "s".into(),
            },
        );
        let cache = TokenCache::default();
        let http = reqwest::Client::new();
        let a = cache.get(&http, &cfg).await.unwrap();
        let b = cache.get(&http, &cfg).await.unwrap();
        assert_ne!(a.generation, b.generation);
        let bodies = bodies.lock().unwrap().clone();
        assert_eq!(bodies.len(), 2);
        assert_eq!(
            bodies[0],
            "grant_type=password&username=a%40b.nl&password=p+w&client_id=c&client_secret=s&scope=ap"
        );
    }

    #[tokio::test]
    async fn invalidate_only_drops_the_failed_generation() {
        let (url, _) = identity(3600).await;
        let cfg = client_config(url);
        let cache = TokenCache::default();
        let http = reqwest::Client::new();
        let first = cache.get(&http, &cfg).await.unwrap();
        cache.invalidate(first.generation).await;
        let second = cache.get(&http, &cfg).await.unwrap();
        assert_eq!(second.generation, first.generation + 1);
        // A late 401 for the old token must not throw away the new one.
        cache.invalidate(first.generation).await;
        assert_eq!(
            cache.get(&http, &cfg).await.unwrap().generation,
            second.generation
        );
    }

    #[tokio::test]
    async fn an_absurd_expires_in_is_clamped_and_the_token_still_used() {
        let (url, bodies) = identity(u64::MAX).await;
        let cfg = client_config(url);
        let cache = TokenCache::default();
        let http = reqwest::Client::new();
        let a = cache.get(&http, &cfg).await.unwrap();
        let b = cache.get(&http, &cfg).await.unwrap();
        assert_eq!(a.generation, b.generation);
        assert_eq!(bodies.lock().unwrap().len(), 1);
    }
}
