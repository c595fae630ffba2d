//! Users of the environment and their access to organisations (administrators only).

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;
use crate::parties::Permissions;
use crate::timestamp;

/// A user with the organisations they may act for (input of [`Store::replace_users`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user's name (an e-mail address).
    pub name: String,
    /// `(party id, party name, permissions)` for each organisation.
    pub parties: Vec<(String, String, Permissions)>,
}

/// One user's access to one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserAccess {
    /// The user's name (an e-mail address).
    pub name: String,
    /// What they may do for the organisation.
    pub permissions: Permissions,
}

#[derive(FromRow)]
struct AccessRow {
    user_name: String,
    can_send: bool,
    can_receive: bool,
    can_remove: bool,
    can_manage_hook: bool,
    can_change_status: bool,
}

impl Store {
    /// Replaces the users and their permissions (one transaction); an empty list clears them
    /// (e.g. the user is no longer an administrator). Appends a feed entry when anything changed.
    pub async fn replace_users(&self, users: &[UserRecord]) -> Result<bool, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let before: Vec<(String, String, bool, bool, bool, bool, bool)> = sqlx::query_as(
            "SELECT user_name, party_id, can_send, can_receive, can_remove, can_manage_hook,
               can_change_status FROM user_party_permissions ORDER BY user_name, party_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let user_names_before: Vec<String> =
            sqlx::query_scalar("SELECT name FROM users ORDER BY name")
                .fetch_all(&mut *tx)
                .await?;
        let mut after: Vec<(String, String, bool, bool, bool, bool, bool)> = users
            .iter()
            .flat_map(|u| {
                u.parties.iter().map(|(pid, _, p)| {
                    (
                        u.name.clone(),
                        pid.clone(),
                        p.can_send_document,
                        p.can_receive_document,
                        p.can_remove_document,
                        p.can_manage_hook,
                        p.can_change_document_status,
                    )
                })
            })
            .collect();
        after.sort();
        let mut names_after: Vec<String> = users.iter().map(|u| u.name.clone()).collect();
        names_after.sort();
        names_after.dedup();
        if before == after && user_names_before == names_after {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM users").execute(&mut *tx).await?;
        let now = timestamp::now();
        for u in users {
            sqlx::query("INSERT OR IGNORE INTO users (name, updated_at) VALUES (?, ?)")
                .bind(&u.name)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            for (pid, pname, p) in &u.parties {
                sqlx::query(
                    "INSERT OR REPLACE INTO user_party_permissions (user_name, party_id, party_name,
                       can_send, can_receive, can_remove, can_manage_hook, can_change_status)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&u.name)
                .bind(pid)
                .bind(pname)
                .bind(p.can_send_document)
                .bind(p.can_receive_document)
                .bind(p.can_remove_document)
                .bind(p.can_manage_hook)
                .bind(p.can_change_document_status)
                .execute(&mut *tx)
                .await?;
            }
        }
        let names: Vec<&str> = names_after.iter().map(String::as_str).collect();
        changes::append(&mut tx, ChangeKind::Users, None, &names).await?;
        self.commit(tx).await?;
        Ok(true)
    }

    /// The users with access to one organisation, by name.
    pub async fn users_of_party(&self, party_id: &str) -> Result<Vec<UserAccess>, StoreError> {
        let rows: Vec<AccessRow> = sqlx::query_as(
            "SELECT user_name, can_send, can_receive, can_remove, can_manage_hook, can_change_status
             FROM user_party_permissions WHERE party_id = ? ORDER BY user_name",
        )
        .bind(party_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| UserAccess {
                name: r.user_name,
                permissions: Permissions {
                    can_send_document: r.can_send,
                    can_receive_document: r.can_receive,
                    can_remove_document: r.can_remove,
                    can_manage_hook: r.can_manage_hook,
                    can_change_document_status: r.can_change_status,
                },
            })
            .collect())
    }

    /// All user names in the cache.
    pub async fn user_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM users ORDER BY name")
            .fetch_all(self.pool())
            .await?)
    }
}
