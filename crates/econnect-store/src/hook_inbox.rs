//! The inbox of webhook events: each event is committed (with a full sync to
//! disk) before the receiver answers 200, stored once however often it is delivered, and
//! processed in order of arrival; a restart picks up what was not processed. Also the
//! hooks this installation registered itself.

use sqlx::FromRow;
use tokio::sync::oneshot;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// Deliveries waiting for a group commit, and whether a caller is committing now.
#[derive(Default)]
pub(crate) struct HookBatch {
    waiting: Vec<(
        NewHookEvent,
        oneshot::Sender<Result<StoredDelivery, String>>,
    )>,
    flushing: bool,
}

impl std::fmt::Debug for HookBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookBatch")
            .field("waiting", &self.waiting.len())
            .field("flushing", &self.flushing)
            .finish()
    }
}

/// An event as the receiver hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHookEvent {
    /// What names the event across deliveries (see `WebhookEvent::delivery_key`).
    pub event_key: String,
    /// Its topic.
    pub topic: String,
    /// Its organisation.
    pub party_id: Option<String>,
    /// The hook that fired.
    pub hook_id: Option<String>,
    /// Its document.
    pub document_id: Option<String>,
    /// `createdOn` as delivered.
    pub created_on: Option<String>,
    /// `createdOn` in Unix milliseconds, when readable.
    pub created_ms: Option<i64>,
    /// The delivered JSON.
    pub body: String,
}

/// What storing a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredDelivery {
    /// The event's place in the order of arrival.
    pub seq: i64,
    /// False when the event was already stored (a repeated delivery).
    pub new: bool,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct HookEventRow {
    /// Order of arrival.
    pub seq: i64,
    /// Its topic.
    pub topic: String,
    /// Its organisation.
    pub party_id: Option<String>,
    /// Its document.
    pub document_id: Option<String>,
    /// `createdOn` as delivered.
    pub created_on: Option<String>,
    /// `createdOn` in Unix milliseconds.
    pub created_ms: Option<i64>,
    /// The delivered JSON.
    pub body: String,
    /// How often it was delivered.
    pub deliveries: i64,
    /// When it was processed (None: still to do).
    pub processed_at: Option<String>,
    /// What processing did.
    pub outcome: Option<String>,
}

/// A hook this installation registered.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OwnHook {
    /// `''` for the environment's hook, else the party id.
    pub scope: String,
    /// The platform's hook id.
    pub hook_id: String,
    /// The name it was given.
    pub name: String,
    /// Where it posts (without the secret).
    pub public_url: String,
}

const SELECT: &str = "SELECT seq, topic, party_id, document_id, created_on, created_ms, body,
    deliveries, processed_at, outcome FROM hook_events";

impl Store {
    /// Stores a delivered event, or counts a repeated delivery of a stored one. Committed
    /// with SQLite's full sync: once this returns, the event survives a power cut, and the
    /// platform may be told 200. Deliveries that arrive while a commit is under way share
    /// the next one (group commit): one disk sync for many events, none answered earlier.
    pub async fn add_hook_event(&self, event: &NewHookEvent) -> Result<StoredDelivery, StoreError> {
        let (done, result) = oneshot::channel();
        let lead = {
            let mut batch = self.hook_batch.lock().unwrap_or_else(|e| e.into_inner());
            batch.waiting.push((event.clone(), done));
            !std::mem::replace(&mut batch.flushing, true)
        };
        if lead {
            // This caller commits for everyone waiting, until no one is.
            loop {
                let waiting = {
                    let mut batch = self.hook_batch.lock().unwrap_or_else(|e| e.into_inner());
                    if batch.waiting.is_empty() {
                        batch.flushing = false;
                        break;
                    }
                    std::mem::take(&mut batch.waiting)
                };
                let events: Vec<&NewHookEvent> = waiting.iter().map(|(e, _)| e).collect();
                match self.store_hook_events(&events).await {
                    Ok(stored) => {
                        for ((_, done), stored) in waiting.into_iter().zip(stored) {
                            let _ = done.send(Ok(stored));
                        }
                    }
                    Err(e) => {
                        let message = e.to_string();
                        for (_, done) in waiting {
                            let _ = done.send(Err(message.clone()));
                        }
                    }
                }
            }
        }
        match result.await {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(message)) => Err(StoreError::Io(std::io::Error::other(message))),
            Err(_) => Err(StoreError::Io(std::io::Error::other(
                "hook event commit abandoned",
            ))),
        }
    }

    /// Stores events in one transaction with a full sync; one answer per event, in order.
    async fn store_hook_events(
        &self,
        events: &[&NewHookEvent],
    ) -> Result<Vec<StoredDelivery>, StoreError> {
        let mut writer = self.writer().await?;
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *writer)
            .await?;
        let stored = async {
            let mut tx = writer.begin().await?;
            let stored = insert_events(&mut tx, events).await?;
            self.commit(tx).await?;
            Ok::<_, StoreError>(stored)
        }
        .await;
        // Back to the store's usual setting for every other write, also after a failure.
        let reset = sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *writer)
            .await;
        drop(writer);
        let stored = stored?;
        reset?;
        Ok(stored)
    }

    /// Events not processed yet, in order of arrival (at most `limit`).
    pub async fn unprocessed_hook_events(
        &self,
        limit: u32,
    ) -> Result<Vec<HookEventRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE processed_at IS NULL ORDER BY seq LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?)
    }

    /// One event by its place in the order of arrival.
    pub async fn hook_event(&self, seq: i64) -> Result<Option<HookEventRow>, StoreError> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE seq = ?"))
            .bind(seq)
            .fetch_optional(self.pool())
            .await?)
    }

    /// When the newest event arrived (RFC 3339), for "the hook works" in Instellingen.
    pub async fn last_hook_event_at(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT received_at FROM hook_events ORDER BY seq DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// All stored events, oldest first (tests, diagnostics).
    pub async fn hook_events(&self) -> Result<Vec<HookEventRow>, StoreError> {
        Ok(sqlx::query_as(&format!("{SELECT} ORDER BY seq"))
            .fetch_all(self.pool())
            .await?)
    }

    /// Marks events processed, each with what was done, in one transaction.
    pub async fn mark_hook_events_processed(
        &self,
        done: &[(i64, String)],
    ) -> Result<(), StoreError> {
        let rows =
            serde_json::to_string(done).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let mut writer = self.writer().await?;
        let mut tx = writer.begin().await?;
        sqlx::query(
            "UPDATE hook_events SET processed_at = ?1, outcome = d.value->>1
             FROM json_each(?2) AS d WHERE hook_events.seq = d.value->>0",
        )
        .bind(timestamp::now())
        .bind(rows)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Marks one event processed, with what was done.
    pub async fn mark_hook_event_processed(
        &self,
        seq: i64,
        outcome: &str,
    ) -> Result<(), StoreError> {
        self.mark_hook_events_processed(&[(seq, outcome.to_string())])
            .await
    }

    /// Whether an event of one of `topics` about `document_id` that arrived before event
    /// `seq` (so was applied before it, events being processed in order of arrival)
    /// happened after `created_ms`: then older news must not overwrite what it said.
    pub async fn newer_hook_event(
        &self,
        document_id: &str,
        topics: &[&str],
        created_ms: i64,
        seq: i64,
    ) -> Result<bool, StoreError> {
        let topics =
            serde_json::to_string(topics).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM hook_events WHERE document_id = ? AND created_ms > ?
               AND seq < ? AND topic IN (SELECT value FROM json_each(?))",
        )
        .bind(document_id)
        .bind(created_ms)
        .bind(seq)
        .bind(topics)
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// The hook this installation registered for `scope` (`''`: the environment's).
    pub async fn own_hook(&self, scope: &str) -> Result<Option<OwnHook>, StoreError> {
        Ok(
            sqlx::query_as(
                "SELECT scope, hook_id, name, public_url FROM own_hooks WHERE scope = ?",
            )
            .bind(scope)
            .fetch_optional(self.pool())
            .await?,
        )
    }

    /// Remembers the hook this installation registered for its scope.
    pub async fn set_own_hook(&self, hook: &OwnHook) -> Result<(), StoreError> {
        let mut writer = self.writer().await?;
        sqlx::query(
            "INSERT INTO own_hooks (scope, hook_id, name, public_url, registered_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(scope) DO UPDATE SET hook_id = excluded.hook_id, name = excluded.name,
               public_url = excluded.public_url, registered_at = excluded.registered_at",
        )
        .bind(&hook.scope)
        .bind(&hook.hook_id)
        .bind(&hook.name)
        .bind(&hook.public_url)
        .bind(timestamp::now())
        .execute(&mut *writer)
        .await?;
        Ok(())
    }
}

/// Inserts a batch in one statement (the rows as a JSON array): a statement per event was a
/// trip to the database thread each. A repeat of a stored event only counts the delivery;
/// within the batch, the first delivery of an event is the new one. One answer per event,
/// in order.
async fn insert_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    events: &[&NewHookEvent],
) -> Result<Vec<StoredDelivery>, StoreError> {
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut rows = Vec::with_capacity(events.len());
    let mut repeats: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for (i, e) in events.iter().enumerate() {
        let key = e.event_key.as_str();
        if first.contains_key(key) {
            *repeats.entry(key).or_default() += 1;
            continue;
        }
        first.insert(key, i);
        rows.push(serde_json::json!([
            e.event_key,
            e.topic,
            e.party_id,
            e.hook_id,
            e.document_id,
            e.created_on,
            e.created_ms,
            e.body
        ]));
    }
    let rows = serde_json::to_string(&rows).map_err(|e| StoreError::InvalidInput(e.to_string()))?;
    // `WHERE true` lets SQLite read the ON CONFLICT clause after a SELECT. Each row is turned
    // into SQLite's binary JSON once: `value->>k` on a `json_each` row writes the whole
    // element out as text and parses it again for every field (here 8, one a whole body).
    let returned: Vec<(String, i64, i64)> = sqlx::query_as(
        "WITH e(v) AS MATERIALIZED (SELECT jsonb(value) FROM json_each(?1))
         INSERT INTO hook_events (event_key, topic, party_id, hook_id, document_id,
           created_on, created_ms, body, received_at)
         SELECT v->>0, v->>1, v->>2, v->>3, v->>4, v->>5, v->>6, v->>7, ?2
         FROM e WHERE true
         ON CONFLICT(event_key) DO UPDATE SET deliveries = deliveries + 1
         RETURNING event_key, seq, deliveries",
    )
    .bind(&rows)
    .bind(timestamp::now())
    .fetch_all(&mut **tx)
    .await?;
    for (key, n) in &repeats {
        sqlx::query("UPDATE hook_events SET deliveries = deliveries + ? WHERE event_key = ?")
            .bind(n)
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    let by_key: std::collections::HashMap<&str, (i64, i64)> = returned
        .iter()
        .map(|(key, seq, deliveries)| (key.as_str(), (*seq, *deliveries)))
        .collect();
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let key = e.event_key.as_str();
            let (seq, deliveries) = by_key
                .get(key)
                .copied()
                .ok_or_else(|| StoreError::InvalidInput(format!("hook event {key} not stored")))?;
            Ok(StoredDelivery {
                seq,
                new: deliveries == 1 && first.get(key) == Some(&i),
            })
        })
        .collect()
}
