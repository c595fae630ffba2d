//! `GET /api/v1/me` and `GET /api/v1/me/party`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::party_id;
use crate::state::{AppState, Inner, Permissions};

/// `UserParty` of the contract.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserParty {
    /// Party id (display form `NL:KVK:x` for KvK numbers).
    pub id: String,
    /// Party name.
    #[serde(default)]
    pub name: String,
    /// The five permissions.
    #[serde(default)]
    pub permissions: Permissions,
}

/// The `UserParty` list of a user.
pub fn user_parties(inner: &Inner, user: &str) -> ApiResult<Vec<UserParty>> {
    let u = inner
        .user(user)
        .ok_or_else(|| ApiError::not_found(format!("User '{user}' not found")))?;
    Ok(u.parties
        .iter()
        .map(|(id, perms)| UserParty {
            id: party_id::display(id),
            name: inner
                .parties
                .get(id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            permissions: *perms,
        })
        .collect())
}

/// `GET /api/v1/me`.
pub async fn me(caller: Caller) -> Json<Value> {
    Json(json!({ "name": caller.user }))
}

/// `GET /api/v1/me/party`.
pub async fn me_party(
    State(st): State<Arc<AppState>>,
    caller: Caller,
) -> ApiResult<Json<Vec<UserParty>>> {
    let inner = st.lock();
    user_parties(&inner, &caller.user).map(Json)
}
