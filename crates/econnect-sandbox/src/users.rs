//! Users of the environment and their party permissions (administrators only).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Caller, require_admin};
use crate::error::{ApiError, ApiResult};
use crate::parties::{UserParty, user_parties};
use crate::party_id;
use crate::state::{AppState, Memberships, Party, User};

/// Parses a JSON body without axum's plain-text rejections.
pub fn parse_json<T: for<'de> Deserialize<'de>>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))
}

/// `GET /api/v1/user`.
pub async fn list(State(st): State<Arc<AppState>>, caller: Caller) -> ApiResult<Json<Vec<Value>>> {
    let inner = st.lock();
    require_admin(&inner, &caller)?;
    Ok(Json(
        inner
            .users
            .values()
            .map(|u| json!({ "name": u.name }))
            .collect(),
    ))
}

#[derive(Deserialize)]
struct NewUser {
    name: String,
    #[serde(default)]
    password: Option<String>,
}

/// `PUT /api/v1/user` — create or update (password change).
pub async fn put(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: NewUser = parse_json(&body)?;
    let name = req.name.trim().to_string();
    if name.is_empty()
        || name.len() > 254
        || !name.contains('@')
        || name.contains(char::is_whitespace)
    {
        return Err(ApiError::bad_request("name must be an e-mail address"));
    }
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    let key = name.to_lowercase();
    match inner.users.get_mut(&key) {
        Some(u) => {
            if let Some(p) = req.password.filter(|p| !p.is_empty()) {
                u.password = p;
            }
            Ok(Json(json!({ "name": u.name })))
        }
        None => {
            let password = req
                .password
                .filter(|p| !p.is_empty())
                .ok_or_else(|| ApiError::bad_request("password is required for a new user"))?;
            inner.users.insert(
                key,
                User {
                    name: name.clone(),
                    password,
                    admin: false,
                    locked: false,
                    parties: Memberships::default(),
                },
            );
            Ok(Json(json!({ "name": name })))
        }
    }
}

/// `DELETE /api/v1/user/{name}`.
pub async fn delete(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    if name.eq_ignore_ascii_case(&caller.user) {
        return Err(ApiError::bad_request("You cannot delete yourself"));
    }
    inner
        .users
        .remove(&name.to_lowercase())
        .ok_or_else(|| ApiError::not_found(format!("User '{name}' not found")))?;
    inner
        .tokens
        .retain(|_, t| !t.user.eq_ignore_ascii_case(&name));
    Ok(())
}

/// `GET /api/v1/user/{name}/party`.
pub async fn parties(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<UserParty>>> {
    let inner = st.lock();
    require_admin(&inner, &caller)?;
    user_parties(&inner, &name).map(Json)
}

/// `PUT /api/v1/user/{name}/party` — gives access; an unknown party is created (pop-up organisation).
pub async fn put_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name): Path<String>,
    body: Bytes,
) -> ApiResult<Json<UserParty>> {
    let req: UserParty = parse_json(&body)?;
    let party = party_id::normalise(&req.id)
        .ok_or_else(|| ApiError::bad_request(format!("'{}' is not a valid party id", req.id)))?;
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    if inner.user(&name).is_none() {
        return Err(ApiError::not_found(format!("User '{name}' not found")));
    }
    let party_name = match inner.parties.get_mut(&party) {
        Some(p) => {
            if !req.name.trim().is_empty() {
                p.name = req.name.trim().to_string();
            }
            p.name.clone()
        }
        None => {
            let n = req.name.trim();
            if n.is_empty() {
                return Err(ApiError::bad_request(
                    "name is required for a new organisation",
                ));
            }
            inner.parties.insert(
                party.clone(),
                Party {
                    id: party.clone(),
                    name: n.to_string(),
                    peppol: None,
                    hooks: Vec::new(),
                },
            );
            n.to_string()
        }
    };
    if let Some(u) = inner.users.get_mut(&name.to_lowercase()) {
        u.parties.insert(party.clone(), req.permissions);
    }
    Ok(Json(UserParty {
        id: party_id::display(&party),
        name: party_name,
        permissions: req.permissions,
    }))
}

/// `DELETE /api/v1/user/{name}/party/{partyId}`.
pub async fn delete_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path((name, party)): Path<(String, String)>,
) -> ApiResult<()> {
    let mut inner = st.lock();
    require_admin(&inner, &caller)?;
    let norm = party_id::normalise(&party)
        .ok_or_else(|| ApiError::bad_request(format!("'{party}' is not a valid party id")))?;
    let user = inner
        .users
        .get_mut(&name.to_lowercase())
        .ok_or_else(|| ApiError::not_found(format!("User '{name}' not found")))?;
    user.parties
        .remove(&norm)
        .map(|_| ())
        .ok_or_else(|| ApiError::not_found(format!("User '{name}' has no access to {party}")))
}
