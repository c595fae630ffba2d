//! Identity: `POST /connect/token` (password and client-credentials grants) and bearer checks.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::Duration;

use crate::error::{ApiError, OAuthError};
use crate::party_id;
use crate::state::{AppState, Inner, Permissions, TOKEN_LIFETIME_SECS, Token};
use crate::{CLIENT_ID, CLIENT_SECRET, DEMO_USER};

/// `POST /connect/token`.
pub async fn token(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut form: HashMap<String, String> =
        url::form_urlencoded::parse(&body).into_owned().collect();
    // OAuth2 also allows the client credentials in an HTTP Basic header (RFC 6749 2.3.1).
    if let Some((id, secret)) = basic_credentials(&headers) {
        form.entry("client_id".into()).or_insert(id);
        form.entry("client_secret".into()).or_insert(secret);
    }
    match issue(&st, &form) {
        Ok(tok) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({ "access_token": tok, "expires_in": TOKEN_LIFETIME_SECS, "token_type": "Bearer", "scope": "ap" })),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let dec = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((dec(id), dec(secret)))
}

fn issue(st: &AppState, form: &HashMap<String, String>) -> Result<String, OAuthError> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
        return Err(OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: Some("unknown client or wrong client secret".into()),
        });
    }
    if let Some(scope) = form.get("scope")
        && !scope.split_whitespace().any(|s| s == "ap")
    {
        return Err(OAuthError::bad("invalid_scope", "scope must include 'ap'"));
    }
    let mut inner = st.lock();
    let user = match get("grant_type") {
        "password" => {
            let name = get("username");
            if name.is_empty() {
                return Err(OAuthError::bad("invalid_request", "username is required"));
            }
            let Some(user) = inner.user(name) else {
                return Err(OAuthError::bad(
                    "invalid_grant",
                    "invalid username or password",
                ));
            };
            if user.password != get("password") {
                return Err(OAuthError::bad(
                    "invalid_grant",
                    "invalid username or password",
                ));
            }
            if user.locked {
                return Err(OAuthError::bad("invalid_grant", "user is locked out"));
            }
            user.name.clone()
        }
        // The client credentials act as the environment's owner (the demo administrator):
        // the real platform ties an API client to one environment.
        "client_credentials" => DEMO_USER.to_string(),
        "" => return Err(OAuthError::bad("invalid_request", "grant_type is required")),
        _ => {
            return Err(OAuthError::bad(
                "unsupported_grant_type",
                "only password and client_credentials are supported",
            ));
        }
    };
    let token = format!("sbx_{}", hex::encode(rand::random::<[u8; 24]>()));
    let expires_at = st.clock.now() + Duration::seconds(TOKEN_LIFETIME_SECS);
    inner
        .tokens
        .insert(token.clone(), Token { user, expires_at });
    Ok(token)
}

/// The authenticated caller of an API path.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user's name as stored.
    pub user: String,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized("Authorization header with a bearer token is required")
            })?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::unauthorized("Authorization must be 'Bearer <token>'"))?;
        let now = st.clock.now();
        let inner = st.lock();
        let tok = inner
            .tokens
            .get(token)
            .ok_or_else(|| ApiError::unauthorized("The access token is invalid or has expired"))?;
        if now >= tok.expires_at {
            return Err(ApiError::unauthorized("The access token has expired"));
        }
        let user = inner
            .user(&tok.user)
            .ok_or_else(|| ApiError::unauthorized("The user of this token no longer exists"))?;
        if user.locked {
            return Err(ApiError::unauthorized("user is locked out"));
        }
        Ok(Caller {
            user: user.name.clone(),
        })
    }
}

/// Which permission a party path needs.
///
/// Mapping (sandbox decision, the contract names the permissions but not the rules):
/// purchaseInvoice recognize/list/download/status/response and Peppol registration need
/// `canReceiveDocument`; purchaseInvoice delete needs `canRemoveDocument`; salesInvoice
/// send/recognize/status/queryRecipientParty need `canSendDocument`; party hooks need
/// `canManageHook`; reading a party's Peppol config needs any access to the party.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Any access to the party.
    Access,
    /// `canSendDocument`.
    Send,
    /// `canReceiveDocument`.
    Receive,
    /// `canRemoveDocument`.
    Remove,
    /// `canManageHook`.
    Hook,
}

/// Checks the caller may act on `raw_party` with `need`; returns the normalised party id.
pub fn require_party(
    inner: &Inner,
    caller: &Caller,
    raw_party: &str,
    need: Need,
) -> Result<String, ApiError> {
    let party = party_id::normalise(raw_party)
        .ok_or_else(|| ApiError::bad_request(format!("'{raw_party}' is not a valid party id")))?;
    let perms: Permissions = inner
        .user(&caller.user)
        .and_then(|u| u.parties.get(&party).copied())
        .ok_or_else(|| {
            ApiError::forbidden(format!("No access to party {}", party_id::display(&party)))
        })?;
    let (ok, name) = match need {
        Need::Access => (true, ""),
        Need::Send => (perms.can_send_document, "canSendDocument"),
        Need::Receive => (perms.can_receive_document, "canReceiveDocument"),
        Need::Remove => (perms.can_remove_document, "canRemoveDocument"),
        Need::Hook => (perms.can_manage_hook, "canManageHook"),
    };
    if !ok {
        return Err(ApiError::forbidden(format!(
            "Permission {name} is required for party {}",
            party_id::display(&party)
        )));
    }
    Ok(party)
}

/// Checks the caller is an administrator of the environment.
pub fn require_admin(inner: &Inner, caller: &Caller) -> Result<(), ApiError> {
    match inner.user(&caller.user) {
        Some(u) if u.admin => Ok(()),
        _ => Err(ApiError::forbidden(
            "Only administrators of the environment may do this",
        )),
    }
}
