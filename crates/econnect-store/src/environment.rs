//! The environment row: which platform this profile belongs to and who is signed in.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// The profile's environment as cached.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, Deserialize)]
pub struct EnvironmentRecord {
    /// `production`, `acceptance`, `custom` or `sandbox`.
    pub name: String,
    /// API base URL.
    pub api_base: String,
    /// Identity base URL.
    pub identity_base: String,
    /// The signed-in user name.
    pub username: String,
    /// The name `GET /me` gave.
    pub display_name: Option<String>,
    /// Whether the user may list the environment's users.
    pub is_admin: bool,
}

impl Store {
    /// The cached environment, if this profile has been signed in before.
    pub async fn environment(&self) -> Result<Option<EnvironmentRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, api_base, identity_base, username, display_name, is_admin
             FROM environment WHERE id = 1",
        )
        .fetch_optional(self.pool())
        .await?)
    }

    /// Stores the environment (replacing the row) and appends to the feed when it changed.
    pub async fn put_environment(&self, env: &EnvironmentRecord) -> Result<(), StoreError> {
        if self.environment().await?.as_ref() == Some(env) {
            return Ok(());
        }
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query(
            "INSERT INTO environment (id, name, api_base, identity_base, username, display_name, is_admin, updated_at)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, api_base = excluded.api_base,
               identity_base = excluded.identity_base, username = excluded.username,
               display_name = excluded.display_name, is_admin = excluded.is_admin,
               updated_at = excluded.updated_at",
        )
        .bind(&env.name)
        .bind(&env.api_base)
        .bind(&env.identity_base)
        .bind(&env.username)
        .bind(&env.display_name)
        .bind(env.is_admin)
        .bind(timestamp::now())
        .execute(&mut *tx)
        .await?;
        changes::append(&mut tx, ChangeKind::Environment, None, &[]).await?;
        self.commit(tx).await
    }
}
