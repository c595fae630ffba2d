//! Organisations ("parties") the user may act for: permissions and Peppol receive state.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::changes::{self, ChangeKind};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;
use crate::users::UserAccess;

/// The five permissions a user has on one organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// May send documents.
    pub can_send_document: bool,
    /// May see and download received documents.
    pub can_receive_document: bool,
    /// May delete documents.
    pub can_remove_document: bool,
    /// May manage hooks.
    pub can_manage_hook: bool,
    /// May change a document's status (invoice responses).
    pub can_change_document_status: bool,
}

/// Whether an organisation receives invoices over Peppol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ReceiveState {
    /// Registered, invoices `on`.
    On,
    /// Registered, invoices `off`.
    Off,
    /// Registered, inheriting the environment's default, which is on.
    InheritedOn,
    /// Registered, inheriting the environment's default, which is off.
    InheritedOff,
    /// Not registered for receiving (the platform answered 404).
    NotRegistered,
    /// Not known yet (not synced, or not allowed to read it).
    Unknown,
}

impl ReceiveState {
    /// The stored name (`NULL` for unknown).
    pub fn as_db(self) -> Option<&'static str> {
        match self {
            ReceiveState::On => Some("on"),
            ReceiveState::Off => Some("off"),
            ReceiveState::InheritedOn => Some("inherited_on"),
            ReceiveState::InheritedOff => Some("inherited_off"),
            ReceiveState::NotRegistered => Some("not_registered"),
            ReceiveState::Unknown => None,
        }
    }

    /// Parses the stored name.
    pub fn from_db(text: Option<&str>) -> ReceiveState {
        match text {
            Some("on") => ReceiveState::On,
            Some("off") => ReceiveState::Off,
            Some("inherited_on") => ReceiveState::InheritedOn,
            Some("inherited_off") => ReceiveState::InheritedOff,
            Some("not_registered") => ReceiveState::NotRegistered,
            _ => ReceiveState::Unknown,
        }
    }

    /// True when invoices are received (on, or inherited on).
    pub fn is_on(self) -> bool {
        matches!(self, ReceiveState::On | ReceiveState::InheritedOn)
    }
}

/// An organisation as the platform lists it for the user (input of [`Store::replace_parties`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRecord {
    /// Normalised party id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The user's permissions.
    pub permissions: Permissions,
}

/// An organisation in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// Normalised party id (e.g. `0106:12345678`).
    pub id: String,
    /// Name.
    pub name: String,
    /// KvK number when the id is one.
    pub kvk: Option<String>,
    /// What the signed-in user may do for it.
    pub permissions: Permissions,
    /// Peppol receiving.
    pub receive: ReceiveState,
    /// Documents in the cache (sent + received).
    pub document_count: u32,
}

/// Filter of the organisation list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct OrganisationQuery {
    /// Matches name, party id or KvK (case-insensitive, anywhere).
    pub search: Option<String>,
}

/// One organisation with its users and document counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationDetail {
    /// The organisation.
    pub organisation: Organisation,
    /// Sent documents in the cache.
    pub sent_count: u32,
    /// Received documents in the cache.
    pub received_count: u32,
    /// Who has access and with which permissions (administrators only; else empty).
    pub users: Vec<UserAccess>,
    /// When its documents were last synced completely.
    pub last_synced: Option<String>,
}

#[derive(FromRow)]
struct OrganisationRow {
    id: String,
    name: String,
    kvk: Option<String>,
    can_send: bool,
    can_receive: bool,
    can_remove: bool,
    can_manage_hook: bool,
    can_change_status: bool,
    receive_state: Option<String>,
    document_count: i64,
}

impl From<OrganisationRow> for Organisation {
    fn from(r: OrganisationRow) -> Self {
        Organisation {
            id: r.id,
            name: r.name,
            kvk: r.kvk,
            permissions: Permissions {
                can_send_document: r.can_send,
                can_receive_document: r.can_receive,
                can_remove_document: r.can_remove,
                can_manage_hook: r.can_manage_hook,
                can_change_document_status: r.can_change_status,
            },
            receive: ReceiveState::from_db(r.receive_state.as_deref()),
            document_count: u32::try_from(r.document_count).unwrap_or(u32::MAX),
        }
    }
}

/// The KvK number of a normalised `0106:<8 digits>` id.
pub fn kvk_of(party_id: &str) -> Option<String> {
    party_id
        .strip_prefix("0106:")
        .filter(|n| n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

const ORGANISATION_SELECT: &str = "SELECT p.id, p.name, p.kvk, p.can_send, p.can_receive,
    p.can_remove, p.can_manage_hook, p.can_change_status, p.receive_state,
    (SELECT COUNT(*) FROM documents d WHERE d.party_id = p.id) AS document_count
    FROM parties p";

impl Store {
    /// Replaces the organisation list with what the platform listed (one transaction):
    /// new ones are added, changed ones updated (receive state kept), missing ones deleted
    /// with their documents. Appends one feed entry when anything changed.
    pub async fn replace_parties(&self, parties: &[PartyRecord]) -> Result<bool, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let now = timestamp::now();
        let mut changed: Vec<&str> = Vec::new();
        for (position, p) in parties.iter().enumerate() {
            let perms = p.permissions;
            let done = sqlx::query(
                "INSERT INTO parties (id, name, kvk, can_send, can_receive, can_remove,
                   can_manage_hook, can_change_status, position, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, kvk = excluded.kvk,
                   can_send = excluded.can_send, can_receive = excluded.can_receive,
                   can_remove = excluded.can_remove, can_manage_hook = excluded.can_manage_hook,
                   can_change_status = excluded.can_change_status, position = excluded.position,
                   updated_at = excluded.updated_at
                 WHERE (name, kvk, can_send, can_receive, can_remove, can_manage_hook,
                        can_change_status, position)
                   IS NOT (excluded.name, excluded.kvk, excluded.can_send, excluded.can_receive,
                        excluded.can_remove, excluded.can_manage_hook, excluded.can_change_status,
                        excluded.position)",
            )
            .bind(&p.id)
            .bind(&p.name)
            .bind(kvk_of(&p.id))
            .bind(perms.can_send_document)
            .bind(perms.can_receive_document)
            .bind(perms.can_remove_document)
            .bind(perms.can_manage_hook)
            .bind(perms.can_change_document_status)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                changed.push(&p.id);
            }
        }
        let keep = serde_json::to_string(&parties.iter().map(|p| &p.id).collect::<Vec<_>>())
            .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let gone: Vec<String> = sqlx::query_scalar(
            "DELETE FROM parties WHERE id NOT IN (SELECT value FROM json_each(?)) RETURNING id",
        )
        .bind(&keep)
        .fetch_all(&mut *tx)
        .await?;
        if !gone.is_empty() {
            sqlx::query(
                "DELETE FROM sync_cursors WHERE party_id <> '' AND party_id NOT IN
                 (SELECT value FROM json_each(?))",
            )
            .bind(&keep)
            .execute(&mut *tx)
            .await?;
        }
        changed.extend(gone.iter().map(String::as_str));
        let any = !changed.is_empty();
        if any {
            changes::append(&mut tx, ChangeKind::Parties, None, &changed).await?;
        }
        self.commit(tx).await?;
        Ok(any)
    }

    /// Sets the Peppol receive states of several organisations (one transaction).
    pub async fn set_receive_states(
        &self,
        states: &[(String, ReceiveState)],
    ) -> Result<bool, StoreError> {
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        let mut changed: Vec<&str> = Vec::new();
        for (id, state) in states {
            let done = sqlx::query(
                "UPDATE parties SET receive_state = ?, updated_at = ?
                 WHERE id = ? AND receive_state IS NOT ?",
            )
            .bind(state.as_db())
            .bind(timestamp::now())
            .bind(id)
            .bind(state.as_db())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                changed.push(id);
            }
        }
        let any = !changed.is_empty();
        if any {
            changes::append(&mut tx, ChangeKind::Parties, None, &changed).await?;
        }
        self.commit(tx).await?;
        Ok(any)
    }

    /// The organisations, in the platform's order, filtered by `query.search`.
    pub async fn organisations(
        &self,
        query: &OrganisationQuery,
    ) -> Result<Vec<Organisation>, StoreError> {
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let rows: Vec<OrganisationRow> = match search {
            None => {
                sqlx::query_as(&format!(
                    "{ORGANISATION_SELECT} ORDER BY p.position, p.name"
                ))
                .fetch_all(self.pool())
                .await?
            }
            Some(text) => {
                let like = format!("%{}%", escape_like(&text.to_lowercase()));
                sqlx::query_as(&format!(
                    "{ORGANISATION_SELECT} WHERE lower(p.name) LIKE ?1 ESCAPE '\\'
                       OR p.id LIKE ?1 ESCAPE '\\' OR p.kvk LIKE ?1 ESCAPE '\\'
                     ORDER BY p.position, p.name"
                ))
                .bind(like)
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows.into_iter().map(Organisation::from).collect())
    }

    /// One organisation with counts and users; `NotFound` when it is not cached.
    pub async fn organisation(&self, party_id: &str) -> Result<OrganisationDetail, StoreError> {
        let row: Option<OrganisationRow> =
            sqlx::query_as(&format!("{ORGANISATION_SELECT} WHERE p.id = ?"))
                .bind(party_id)
                .fetch_optional(self.pool())
                .await?;
        let organisation: Organisation = row
            .ok_or_else(|| StoreError::NotFound(format!("organisation {party_id}")))?
            .into();
        let (sent, received): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(direction = 'sent'), 0), COALESCE(SUM(direction = 'received'), 0)
             FROM documents WHERE party_id = ?",
        )
        .bind(party_id)
        .fetch_one(self.pool())
        .await?;
        let last_synced: Option<String> =
            sqlx::query_scalar("SELECT MIN(completed_at) FROM sync_cursors WHERE party_id = ?")
                .bind(party_id)
                .fetch_one(self.pool())
                .await?;
        let users = self.users_of_party(party_id).await?;
        Ok(OrganisationDetail {
            organisation,
            sent_count: u32::try_from(sent).unwrap_or(u32::MAX),
            received_count: u32::try_from(received).unwrap_or(u32::MAX),
            users,
            last_synced,
        })
    }
}

/// Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
