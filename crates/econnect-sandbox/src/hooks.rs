//! Hooks: subscriptions per environment and per party, and signed deliveries (loopback only).

use std::net::IpAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::auth::{Caller, Need, require_admin, require_party};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::party_id;
use crate::state::{AppState, DeliveryRecord, Hook};
use crate::users::parse_json;

/// The signature header of deliveries.
pub const SIGNATURE_HEADER: &str = "X-EConnect-Signature";

/// `sha256=<hex HMAC-SHA256(body, secret)>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(), // HMAC takes keys of any length; never happens
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn validate(mut hook: Hook) -> ApiResult<Hook> {
    let action = hook.action.trim().to_string();
    let ok = if let Some(addr) = action.strip_prefix("mailto:") {
        addr.contains('@')
    } else {
        match url::Url::parse(&action) {
            // http is allowed for loopback receivers only (tests); the platform wants https.
            Ok(u) => u.scheme() == "https" || (u.scheme() == "http" && is_loopback(&u)),
            Err(_) => false,
        }
    };
    if !ok {
        return Err(ApiError::bad_request(
            "action must be mailto:… or https://…#secret",
        ));
    }
    hook.action = action;
    if hook.id.trim().is_empty() {
        hook.id = uuid::Uuid::new_v4().to_string();
    }
    Ok(hook)
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn upsert(list: &mut Vec<Hook>, hook: Hook) {
    match list.iter_mut().find(|h| h.id == hook.id) {
        Some(h) => *h = hook,
        None => list.push(hook),
    }
}

/// `GET /api/v1/hook` — environment hooks (administrators).
pub async fn list_env(
    State(st): State<Arc<AppState>>,
    caller: Caller,
) -> ApiResult<Json<Vec<Hook>>> {
    let inner = st.lock();
    require_admin(&inner, &caller)?;
    Ok(Json(inner.env_hooks.clone()))
}

/// `PUT /api/v1/hook` — create or update an environment hook.
pub async fn put_env(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Hook>> {
    let hook = validate(parse_json(&body)?)?;
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    upsert(&mut inner.env_hooks, hook.clone());
    Ok(Json(hook))
}

/// `DELETE /api/v1/hook/{id}` — an environment hook (admin) or a party hook (canManageHook).
pub async fn delete(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    if inner.env_hooks.iter().any(|h| h.id == id) {
        require_admin(&inner, &caller)?;
        inner.env_hooks.retain(|h| h.id != id);
        return Ok(());
    }
    let owner = inner
        .parties
        .values()
        .find(|p| p.hooks.iter().any(|h| h.id == id))
        .map(|p| p.id.clone());
    let Some(party) = owner else {
        return Err(ApiError::not_found(format!("Hook '{id}' not found")));
    };
    require_party(&inner, &caller, &party, Need::Hook)?;
    if let Some(p) = inner.parties.get_mut(&party) {
        p.hooks.retain(|h| h.id != id);
    }
    Ok(())
}

/// `GET /api/v1/{partyId}/hook`.
pub async fn list_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Vec<Hook>>> {
    let inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Hook)?;
    Ok(Json(
        inner
            .parties
            .get(&party)
            .map(|p| p.hooks.clone())
            .unwrap_or_default(),
    ))
}

/// `PUT /api/v1/{partyId}/hook`.
pub async fn put_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Hook>> {
    let hook = validate(parse_json(&body)?)?;
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Hook)?;
    let p = inner
        .parties
        .get_mut(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    upsert(&mut p.hooks, hook.clone());
    Ok(Json(hook))
}

/// `GET /api/v1/{partyId}/hook/ping` — sends a `Ping` to the party's active hooks; 200, empty body.
pub async fn ping(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<()> {
    let party = {
        let inner = st.lock();
        require_party(&inner, &caller, &raw, Need::Hook)?
    };
    fire(&st, &party, "Ping", "");
    Ok(())
}

/// Delivers `topic` for a party's document to matching active hooks, in the background.
pub fn fire(st: &Arc<AppState>, party: &str, topic: &str, document_id: &str) {
    let targets: Vec<Hook> = {
        let inner = st.lock();
        let party_hooks = inner
            .parties
            .get(party)
            .map(|p| p.hooks.as_slice())
            .unwrap_or(&[]);
        inner
            .env_hooks
            .iter()
            .chain(party_hooks)
            .filter(|h| {
                h.is_active
                    && (topic == "Ping" || h.topics.iter().any(|t| t.eq_ignore_ascii_case(topic)))
            })
            .cloned()
            .collect()
    };
    for hook in targets {
        let body = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "hookId": hook.id,
            "topic": topic,
            "partyId": party_id::display(party),
            "documentId": if document_id.is_empty() { None } else { Some(document_id) },
            "dateTime": rfc3339(st.clock.now()),
        })
        .to_string();
        let st = Arc::clone(st);
        let topic = topic.to_string();
        tokio::spawn(async move { deliver(&st, hook, topic, body).await });
    }
}

async fn deliver(st: &AppState, hook: Hook, topic: String, body: String) {
    let mut record = DeliveryRecord {
        hook_id: hook.id.clone(),
        topic,
        url: String::new(),
        status: None,
        error: None,
    };
    if hook.action.starts_with("mailto:") {
        record.url = hook.action.clone();
        record.error = Some("mailto hooks are not delivered by the sandbox".into());
    } else {
        match url::Url::parse(&hook.action) {
            Ok(mut u) => {
                let secret = u.fragment().map(|f| {
                    percent_encoding::percent_decode_str(f)
                        .decode_utf8_lossy()
                        .into_owned()
                });
                u.set_fragment(None);
                record.url = u.to_string();
                if !is_loopback(&u) {
                    // The sandbox never sends anything off this machine.
                    record.error = Some("not a loopback address: not delivered".into());
                } else if let Some(http) = st.http() {
                    let mut req = http
                        .post(u.as_str())
                        .header("content-type", "application/json")
                        .header("user-agent", "eConnect-Sandbox-Hooks");
                    if let Some(s) = secret.as_deref() {
                        req = req.header(SIGNATURE_HEADER, signature(s, body.as_bytes()));
                    }
                    match req.body(body).send().await {
                        Ok(resp) => record.status = Some(resp.status().as_u16()),
                        Err(e) => record.error = Some(e.to_string()),
                    }
                } else {
                    record.error = Some("no HTTP client available".into());
                }
            }
            Err(e) => record.error = Some(e.to_string()),
        }
    }
    tracing::debug!(?record, "hook delivery");
    let mut inner = st.lock();
    if inner.deliveries.len() >= 1000 {
        inner.deliveries.pop_front();
    }
    inner.deliveries.push_back(record);
}
