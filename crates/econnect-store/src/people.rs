//! Writes of the people screens: one user's access to one organisation, users
//! created or deleted by an administrator, and the receive pop-up's "niet meer vragen".
//! Each write is one transaction with its change-feed entry, like the sync's writes.

use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;
use crate::parties::Permissions;
use crate::timestamp;

/// One user of the environment with the organisations they may act for (from the cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedUser {
    /// The user's name (an e-mail address).
    pub name: String,
    /// `(party id, party name, permissions)` for each organisation.
    pub parties: Vec<(String, String, Permissions)>,
}

#[derive(FromRow)]
struct GrantRow {
    name: String,
    party_id: Option<String>,
    party_name: Option<String>,
    can_send: Option<bool>,
    can_receive: Option<bool>,
    can_remove: Option<bool>,
    can_manage_hook: Option<bool>,
    can_change_status: Option<bool>,
}

impl Store {
    /// Every cached user with their organisations, by name (administrators' cache only).
    pub async fn cached_users(&self) -> Result<Vec<CachedUser>, StoreError> {
        let rows: Vec<GrantRow> = sqlx::query_as(
            "SELECT u.name, g.party_id, g.party_name, g.can_send, g.can_receive, g.can_remove,
                    g.can_manage_hook, g.can_change_status
             FROM users u LEFT JOIN user_party_permissions g ON g.user_name = u.name
             ORDER BY u.name, g.party_name, g.party_id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<CachedUser> = Vec::new();
        for r in rows {
            if out.last().is_none_or(|u| u.name != r.name) {
                out.push(CachedUser {
                    name: r.name.clone(),
                    parties: Vec::new(),
                });
            }
            if let (Some(id), Some(user)) = (r.party_id, out.last_mut()) {
                user.parties.push((
                    id,
                    r.party_name.unwrap_or_default(),
                    Permissions {
                        can_send_document: r.can_send.unwrap_or(false),
                        can_receive_document: r.can_receive.unwrap_or(false),
                        can_remove_document: r.can_remove.unwrap_or(false),
                        can_manage_hook: r.can_manage_hook.unwrap_or(false),
                        can_change_document_status: r.can_change_status.unwrap_or(false),
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Records a user the platform accepted (no organisations yet).
    pub async fn put_cached_user(&self, name: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query("INSERT OR IGNORE INTO users (name, updated_at) VALUES (?, ?)")
            .bind(name)
            .bind(timestamp::now())
            .execute(&mut *tx)
            .await?;
        changes::append(&mut tx, ChangeKind::Users, None, &[name]).await?;
        self.commit(tx).await
    }

    /// Forgets a user the platform deleted, with all their access.
    pub async fn remove_cached_user(&self, name: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query("DELETE FROM user_party_permissions WHERE user_name = ?")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM users WHERE name = ?")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        changes::append(&mut tx, ChangeKind::Users, None, &[name]).await?;
        self.commit(tx).await
    }

    /// Records one user's access to one organisation (added or changed).
    pub async fn put_user_access(
        &self,
        user: &str,
        party_id: &str,
        party_name: &str,
        permissions: Permissions,
    ) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        sqlx::query("INSERT OR IGNORE INTO users (name, updated_at) VALUES (?, ?)")
            .bind(user)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT OR REPLACE INTO user_party_permissions (user_name, party_id, party_name,
               can_send, can_receive, can_remove, can_manage_hook, can_change_status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(user)
        .bind(party_id)
        .bind(party_name)
        .bind(permissions.can_send_document)
        .bind(permissions.can_receive_document)
        .bind(permissions.can_remove_document)
        .bind(permissions.can_manage_hook)
        .bind(permissions.can_change_document_status)
        .execute(&mut *tx)
        .await?;
        changes::append(&mut tx, ChangeKind::Users, Some(party_id), &[user]).await?;
        self.commit(tx).await
    }

    /// Forgets one user's access to one organisation.
    pub async fn remove_user_access(&self, user: &str, party_id: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query("DELETE FROM user_party_permissions WHERE user_name = ? AND party_id = ?")
            .bind(user)
            .bind(party_id)
            .execute(&mut *tx)
            .await?;
        changes::append(&mut tx, ChangeKind::Users, Some(party_id), &[user]).await?;
        self.commit(tx).await
    }

    /// The organisations for which the user chose "niet meer vragen" in the receive pop-up.
    pub async fn receive_never_ask(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT party_id FROM receive_prompt_choices WHERE choice = 'never' ORDER BY party_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Remembers "niet meer vragen" for an organisation (across restarts).
    pub async fn set_receive_never_ask(&self, party_id: &str) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query(
            "INSERT OR REPLACE INTO receive_prompt_choices (party_id, choice, decided_at)
             VALUES (?, 'never', ?)",
        )
        .bind(party_id)
        .bind(timestamp::now())
        .execute(&mut *tx)
        .await?;
        changes::append(&mut tx, ChangeKind::Parties, None, &[party_id]).await?;
        self.commit(tx).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.sqlite")).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn access_is_added_changed_and_removed_with_feed_entries() {
        let (_dir, store) = store().await;
        let before = store.latest_change_id().await.unwrap();
        let basic = Permissions {
            can_send_document: true,
            ..Permissions::default()
        };
        store
            .put_user_access("a@x.nl", "0106:1", "Eén", basic)
            .await
            .unwrap();
        store.put_cached_user("b@x.nl").await.unwrap();
        let users = store.cached_users().await.unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(
            users[0].parties,
            vec![("0106:1".into(), "Eén".into(), basic)]
        );
        assert!(users[1].parties.is_empty());
        assert_eq!(store.users_of_party("0106:1").await.unwrap().len(), 1);

        store.remove_user_access("a@x.nl", "0106:1").await.unwrap();
        assert!(store.users_of_party("0106:1").await.unwrap().is_empty());
        store.remove_cached_user("b@x.nl").await.unwrap();
        assert_eq!(store.cached_users().await.unwrap().len(), 1);
        let feed = store.changes_since(before, 100).await.unwrap();
        assert_eq!(feed.len(), 4);
        assert!(feed.iter().all(|c| c.kind == ChangeKind::Users));
    }

    #[tokio::test]
    async fn never_ask_is_remembered_once() {
        let (dir, store) = store().await;
        store.set_receive_never_ask("0106:1").await.unwrap();
        store.set_receive_never_ask("0106:1").await.unwrap();
        store.close().await;
        let again = Store::open(&dir.path().join("c.sqlite")).await.unwrap();
        assert_eq!(
            again.receive_never_ask().await.unwrap(),
            vec!["0106:1".to_string()]
        );
    }
}
