//! The environment's small lists: who am I, my organisations, users (administrators) and
//! each organisation's Peppol receive state. Each list is written in one transaction.

use econnect_api::{CapabilityState, Client, PartyId};
use econnect_store::{
    EnvironmentRecord, PartyRecord, Permissions, ReceiveState, Store, UserRecord,
};
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::error::EngineError;
use crate::sync::calls::with_retries;

/// Calls in flight for per-organisation look-ups.
const CONCURRENCY: usize = 4;

pub(crate) fn permissions(p: &econnect_api::Permissions) -> Permissions {
    Permissions {
        can_send_document: p.can_send_document,
        can_receive_document: p.can_receive_document,
        can_remove_document: p.can_remove_document,
        can_manage_hook: p.can_manage_hook,
        can_change_document_status: p.can_change_document_status,
    }
}

/// `GET /me` and `GET /me/party`; returns the organisations as the platform listed them.
pub(crate) async fn me_and_parties(
    client: &Client,
    store: &Store,
) -> Result<Vec<PartyRecord>, EngineError> {
    let me = with_retries("me", || client.me()).await?;
    let parties = with_retries("me/party", || client.my_parties()).await?;
    if let Some(mut env) = store.environment().await?
        && env.display_name.as_deref() != Some(me.name.as_str())
    {
        env.display_name = Some(me.name);
        store.put_environment(&env).await?;
    }
    let records: Vec<PartyRecord> = parties
        .iter()
        .map(|p| PartyRecord {
            id: p.id.as_str().to_string(),
            name: p.name.clone(),
            permissions: permissions(&p.permissions),
        })
        .collect();
    store.replace_parties(&records).await?;
    Ok(records)
}

/// `GET /user` and each user's organisations, when the user is an administrator (403 → not
/// one: the cached users are cleared). Returns whether the user is an administrator.
pub(crate) async fn users(client: &Client, store: &Store) -> Result<bool, EngineError> {
    let users = match with_retries("user", || client.users()).await {
        Ok(users) => users,
        Err(e) if e.is_forbidden() => {
            store.replace_users(&[]).await?;
            set_admin(store, false).await?;
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    };
    let records: Vec<UserRecord> = stream::iter(users)
        .map(|u| {
            let client = client.clone();
            async move {
                let parties = with_retries("user/party", || client.user_parties(&u.name)).await?;
                Ok::<_, econnect_api::Error>(UserRecord {
                    name: u.name,
                    parties: parties
                        .iter()
                        .map(|p| {
                            (
                                p.id.as_str().to_string(),
                                p.name.clone(),
                                permissions(&p.permissions),
                            )
                        })
                        .collect(),
                })
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    store.replace_users(&records).await?;
    store.complete_round("users", "").await?;
    set_admin(store, true).await?;
    Ok(true)
}

async fn set_admin(store: &Store, is_admin: bool) -> Result<(), EngineError> {
    if let Some(env) = store.environment().await?
        && env.is_admin != is_admin
    {
        store
            .put_environment(&EnvironmentRecord { is_admin, ..env })
            .await?;
    }
    Ok(())
}

/// Each organisation's Peppol configuration → its receive state (404: not registered;
/// 403: unknown). One transaction for all.
pub(crate) async fn receive_states(
    client: &Client,
    store: &Store,
    parties: &[PartyRecord],
) -> Result<(), EngineError> {
    let ids: Vec<String> = parties.iter().map(|p| p.id.clone()).collect();
    let states: Vec<(String, ReceiveState)> = stream::iter(ids)
        .map(|party| {
            let client = client.clone();
            async move {
                let id = PartyId::new(&party);
                let state =
                    match with_retries("peppol config", || client.peppol_party_config(&id)).await {
                        Ok(None) => ReceiveState::NotRegistered,
                        Ok(Some(config)) => match config.capabilities.invoices.map(|c| c.state) {
                            Some(CapabilityState::On) => ReceiveState::On,
                            Some(CapabilityState::Off) => ReceiveState::Off,
                            Some(CapabilityState::InheritedOn) => ReceiveState::InheritedOn,
                            Some(CapabilityState::InheritedOff) => ReceiveState::InheritedOff,
                            Some(CapabilityState::Other(_)) | None => ReceiveState::Unknown,
                        },
                        Err(e) if e.is_forbidden() => ReceiveState::Unknown,
                        Err(e) => return Err(e),
                    };
                Ok((party, state))
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    store.set_receive_states(&states).await?;
    Ok(())
}
