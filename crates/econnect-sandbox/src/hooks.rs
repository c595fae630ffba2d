//! Hook endpoints: environment hooks (`/api/v1/hook`) and party hooks (`/api/v1/{partyId}/hook`).
//!
//! A hook keeps every field it was given; the server sets `id` (when a PUT has none),
//! `createdOn` and `changedOn`. A PUT with an id updates that hook and answers 404 when the
//! id is not one of this scope's hooks. Events and deliveries: `hook_events`, `hook_delivery`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::auth::{Caller, Need, require_admin, require_party};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::hook_delivery::{is_loopback, parse_mailto};
use crate::hook_events::{self, HookEvent};
use crate::party_id;
use crate::state::{AppState, Hook};
use crate::users::parse_json;

/// Checks a hook from a PUT: a name, and an action that is a mail address or a webhook URL.
fn validate(mut hook: Hook) -> ApiResult<Hook> {
    if hook.name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    let action = hook.action.trim().to_string();
    let ok = if action.starts_with("mailto:") {
        parse_mailto(&action).is_some()
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
    Ok(hook)
}

/// Creates (no id) or updates (known id) a hook in `list`; the server sets the dates.
fn save(list: &mut Vec<Hook>, mut hook: Hook, now: &str) -> ApiResult<Hook> {
    hook.changed_on = Some(now.to_string());
    if hook.id.trim().is_empty() {
        hook.id = uuid::Uuid::new_v4().to_string();
        hook.created_on = Some(now.to_string());
        list.push(hook.clone());
        return Ok(hook);
    }
    let Some(existing) = list.iter_mut().find(|h| h.id == hook.id) else {
        return Err(ApiError::not_found(format!("Hook '{}' not found", hook.id)));
    };
    hook.created_on = existing.created_on.clone();
    *existing = hook.clone();
    Ok(hook)
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
    let now = rfc3339(st.clock.now());
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    let hook = validate(parse_json(&body)?)?;
    save(&mut inner.env_hooks, hook, &now).map(Json)
}

/// `DELETE /api/v1/hook/{id}` — an environment hook (administrators).
pub async fn delete_env(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    if !inner.env_hooks.iter().any(|h| h.id == id) {
        return Err(ApiError::not_found(format!("Hook '{id}' not found")));
    }
    inner.env_hooks.retain(|h| h.id != id);
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

/// `PUT /api/v1/{partyId}/hook` — create or update a party's hook.
pub async fn put_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Hook>> {
    let now = rfc3339(st.clock.now());
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Hook)?;
    let hook = validate(parse_json(&body)?)?;
    let p = inner
        .parties
        .get_mut(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    save(&mut p.hooks, hook, &now).map(Json)
}

/// `DELETE /api/v1/{partyId}/hook/{id}` — a party's hook.
pub async fn delete_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((raw, id)): Path<(String, String)>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    let party = require_party(&inner, &caller, &raw, Need::Hook)?;
    let p = inner
        .parties
        .get_mut(&party)
        .ok_or_else(|| ApiError::not_found("Party not found"))?;
    if !p.hooks.iter().any(|h| h.id == id) {
        return Err(ApiError::not_found(format!("Hook '{id}' not found")));
    }
    p.hooks.retain(|h| h.id != id);
    Ok(())
}

/// `GET /api/v1/{partyId}/hook/ping` — sends a test event to the party's active hooks
/// (whatever their topics) and answers `{"id": partyId}`, as eConnect's SDK reads it.
pub async fn ping(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<Value>> {
    let party = {
        let inner = st.lock();
        let party = require_party(&inner, &caller, &raw, Need::Hook)?;
        inner
            .parties
            .get(&party)
            .map(|p| p.id.clone())
            .ok_or_else(|| ApiError::not_found("Party not found"))?
    };
    let event = HookEvent::new(
        hook_events::PING,
        &party,
        None,
        "Test event of the party's hooks",
        st.clock.now(),
    );
    hook_events::emit(&st, event);
    Ok(Json(json!({ "id": party_id::display(&party) })))
}
