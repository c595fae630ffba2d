//! The intake ledger: every file taken for an organisation, by content hash, and
//! the one transaction that writes its ledger row and its outbox row together.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp;

/// A file about to be queued (or recorded as refused) for an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntake {
    /// The outbox id; also sent as `X-EConnect-DocumentId` (with [`enqueue_named`], the
    /// name the namer gives decides instead).
    pub id: String,
    /// Normalised party id.
    pub party_id: String,
    /// `purchase` or `sales`.
    pub direction: String,
    /// The platform call (`purchaseRecognize`, …); `None` for a file refused locally.
    pub route: Option<String>,
    /// Where the file is.
    pub path: String,
    /// The file name shown.
    pub file_name: String,
    /// MIME type to upload with.
    pub mime: String,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// A structured e-invoice (no OCR needed).
    pub e_invoice: bool,
    /// Folder holding `Verwerkt/` and `Mislukt/`; `None` leaves the file where it is.
    pub done_dir: Option<String>,
    /// Refused locally: the stable code and the Dutch reason (the row is stored as `refused`).
    pub refusal: Option<(String, String)>,
}

/// An earlier intake of the same content for the same organisation.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateOf {
    /// Its outbox id.
    pub id: String,
    /// Its file name.
    pub file_name: String,
    /// Its outbox state (`queued`, `sending`, `sent`, `dead`).
    pub state: String,
    /// The platform's document id, once accepted.
    pub document_id: Option<String>,
    /// When it was sent (or, when not yet, taken), RFC 3339.
    pub at: String,
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// Both rows were written.
    Written,
    /// Nothing was written: the same content is already queued or sent.
    Duplicate(DuplicateOf),
}

/// Writes the ledger row and the outbox row in one transaction, unless the same content
/// is already queued, being sent, sent or waiting for a manual retry for this
/// organisation and `force` is false.
pub async fn enqueue(store: &Store, item: &NewIntake, force: bool) -> Result<Enqueued, StoreError> {
    let mut done = enqueue_many(store, std::slice::from_ref(item), force, None).await?;
    done.pop()
        .ok_or_else(|| StoreError::InvalidInput("enqueue: no outcome".into()))
}

/// How a duplicate is recorded: the stable code and the Dutch reason, made from the
/// earlier intake.
pub type DuplicateRecord<'a> = &'a (dyn Fn(&DuplicateOf) -> (String, String) + Sync);

/// Names an item's row for its `n`-th intake of the same content by the same organisation
/// in the same direction (0 for the first): the content-addressed document id.
pub type RowNamer<'a> = &'a (dyn Fn(&NewIntake, u32) -> String + Sync);

/// [`enqueue`] for a batch, in one transaction of a few statements whatever its size (a
/// statement is a trip to the database thread). Items are taken in order, so of two with
/// the same content in one batch the second is the duplicate. With `record_duplicate`, a
/// duplicate is still written, as `refused` with that code and reason (so it can be sent
/// anyway by hand); without, it is not written. One outcome per item, in order.
pub async fn enqueue_many(
    store: &Store,
    items: &[NewIntake],
    force: bool,
    record_duplicate: Option<DuplicateRecord<'_>>,
) -> Result<Vec<Enqueued>, StoreError> {
    let done = enqueue_batch(store, items, force, record_duplicate, None).await?;
    Ok(done.into_iter().map(|(outcome, _)| outcome).collect())
}

/// [`enqueue_many`] with rows named by `name` instead of by [`NewIntake::id`]: each item
/// gets `name(item, n)` for the first `n`, counting from the number of earlier intakes of
/// its content (organisation, direction and SHA-256) in the ledger and in this batch, that
/// is not taken yet. So the first intake of some bytes is named `n = 0` in every
/// installation, and a later one ("toch verzenden", a recorded duplicate) gets a new name.
/// Decided inside the transaction, so two batches cannot pick the same name. One outcome
/// per item, in order, with the id its row got (or would have got, for an unwritten one).
pub async fn enqueue_named(
    store: &Store,
    items: &[NewIntake],
    force: bool,
    record_duplicate: Option<DuplicateRecord<'_>>,
    name: RowNamer<'_>,
) -> Result<Vec<(Enqueued, String)>, StoreError> {
    enqueue_batch(store, items, force, record_duplicate, Some(name)).await
}

/// The rows already in the ledger for the content of `items`: how many per (organisation,
/// SHA-256, direction), and their ids.
async fn earlier_intakes(
    tx: &mut sqlx::SqliteConnection,
    items: &[NewIntake],
) -> Result<(HashMap<(String, String, String), u32>, HashSet<String>), StoreError> {
    let keys = json(
        items
            .iter()
            .map(|i| serde_json::json!([i.party_id, i.sha256])),
    )?;
    let found: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT l.id, l.party_id, l.sha256, o.direction
         FROM json_each(?) j
         JOIN intake_ledger l ON l.party_id = j.value->>0 AND l.sha256 = j.value->>1
         JOIN intake_outbox o ON o.id = l.id",
    )
    .bind(keys)
    .fetch_all(&mut *tx)
    .await?;
    let mut counts: HashMap<(String, String, String), u32> = HashMap::new();
    let mut ids = HashSet::new();
    for (id, party, sha, direction) in found {
        *counts.entry((party, sha, direction)).or_default() += 1;
        ids.insert(id);
    }
    Ok((counts, ids))
}

async fn enqueue_batch(
    store: &Store,
    items: &[NewIntake],
    force: bool,
    record_duplicate: Option<DuplicateRecord<'_>>,
    name: Option<RowNamer<'_>>,
) -> Result<Vec<(Enqueued, String)>, StoreError> {
    let now = timestamp::now();
    let mut writer = store.writer().await?;
    // The write lock is held from here, so two intakes of the same content cannot both
    // pass the duplicate check.
    let mut tx = writer.begin().await?;
    let checked: Vec<(usize, &NewIntake)> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.refusal.is_none() && !force)
        .collect();
    let mut earlier: Vec<Option<DuplicateOf>> = vec![None; items.len()];
    if !checked.is_empty() {
        let keys = json(
            checked
                .iter()
                .map(|(n, i)| serde_json::json!([n, i.party_id, i.sha256])),
        )?;
        let found: Vec<(i64, String, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT j.value->>0, o.id, o.file_name, o.state, o.document_id, COALESCE(o.sent_at, o.created_at)
             FROM json_each(?) j
             JOIN intake_ledger l ON l.party_id = j.value->>1 AND l.sha256 = j.value->>2
             JOIN intake_outbox o ON o.id = l.id
             WHERE o.state IN ('queued', 'sending', 'sent', 'dead')
             ORDER BY j.key, o.created_at",
        )
        .bind(keys)
        .fetch_all(&mut *tx)
        .await?;
        for (n, id, file_name, state, document_id, at) in found {
            if let Some(slot) = usize::try_from(n).ok().and_then(|n| earlier.get_mut(n)) {
                slot.get_or_insert(DuplicateOf {
                    id,
                    file_name,
                    state,
                    document_id,
                    at,
                });
            }
        }
    }
    // Each item's row id: its own, or the first free name from its count of earlier intakes.
    let ids: Vec<String> = match name {
        None => items.iter().map(|i| i.id.clone()).collect(),
        Some(name) => {
            let (mut counts, mut taken) = earlier_intakes(&mut tx, items).await?;
            items
                .iter()
                .map(|item| {
                    let key = (
                        item.party_id.clone(),
                        item.sha256.clone(),
                        item.direction.clone(),
                    );
                    let count = counts.entry(key).or_default();
                    let mut n = *count;
                    let mut id = name(item, n);
                    while taken.contains(&id) {
                        n = n.saturating_add(1);
                        id = name(item, n);
                    }
                    *count = n.saturating_add(1);
                    taken.insert(id.clone());
                    id
                })
                .collect()
        }
    };
    let mut outcomes = Vec::with_capacity(items.len());
    let mut rows = Vec::with_capacity(items.len());
    // Content queued by this batch, for the duplicates within it.
    let mut queued_here: std::collections::HashMap<(&str, &str), DuplicateOf> = Default::default();
    for (n, item) in items.iter().enumerate() {
        let key = (item.party_id.as_str(), item.sha256.as_str());
        let dup = if item.refusal.is_none() && !force {
            earlier[n].take().or_else(|| queued_here.get(&key).cloned())
        } else {
            None
        };
        let refusal = match &dup {
            None => item.refusal.clone(),
            Some(of) => record_duplicate.map(|f| f(of)),
        };
        match dup {
            Some(of) => outcomes.push(Enqueued::Duplicate(of)),
            None => {
                if item.refusal.is_none() {
                    queued_here.entry(key).or_insert_with(|| DuplicateOf {
                        id: ids[n].clone(),
                        file_name: item.file_name.clone(),
                        state: "queued".into(),
                        document_id: None,
                        at: now.clone(),
                    });
                }
                outcomes.push(Enqueued::Written);
            }
        }
        let Some(state) = (match (&outcomes[n], &refusal) {
            (Enqueued::Written, None) => Some("queued"),
            (_, Some(_)) => Some("refused"),
            (Enqueued::Duplicate(_), None) => None,
        }) else {
            continue;
        };
        let (code, message) = refusal.unzip();
        rows.push(serde_json::json!({
            "id": ids[n], "party": item.party_id, "direction": item.direction, "route": item.route,
            "path": item.path, "fileName": item.file_name, "mime": item.mime, "sha": item.sha256,
            "size": item.size, "eInvoice": item.e_invoice, "state": state, "code": code,
            "message": message, "doneDir": item.done_dir,
        }));
    }
    if !rows.is_empty() {
        let rows = json(rows.into_iter())?;
        sqlx::query(
            "INSERT INTO intake_ledger (id, party_id, sha256, file_name, size, forced, created_at)
             SELECT value->>'id', value->>'party', value->>'sha', value->>'fileName', value->>'size', ?1, ?2
             FROM json_each(?3)",
        )
        .bind(force)
        .bind(&now)
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO intake_outbox (id, party_id, direction, route, path, original_path, file_name, mime,
                 sha256, size, e_invoice, state, refusal_code, refusal_message, done_dir, created_at, updated_at)
             SELECT value->>'id', value->>'party', value->>'direction', value->>'route', value->>'path',
                 value->>'path', value->>'fileName', value->>'mime', value->>'sha', value->>'size',
                 value->>'eInvoice', value->>'state', value->>'code', value->>'message', value->>'doneDir', ?1, ?1
             FROM json_each(?2)",
        )
        .bind(&now)
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
    }
    store.commit(tx).await?;
    Ok(outcomes.into_iter().zip(ids).collect())
}

fn json(rows: impl Iterator<Item = serde_json::Value>) -> Result<String, StoreError> {
    serde_json::to_string(&rows.collect::<Vec<_>>())
        .map_err(|e| StoreError::InvalidInput(e.to_string()))
}

/// The earliest live intake of this content for this organisation, if any.
pub async fn find_duplicate(
    store: &Store,
    party_id: &str,
    sha256: &str,
) -> Result<Option<DuplicateOf>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.file_name, o.state, o.document_id, COALESCE(o.sent_at, o.created_at) AS at
         FROM intake_ledger l JOIN intake_outbox o ON o.id = l.id
         WHERE l.party_id = ? AND l.sha256 = ? AND o.state IN ('queued', 'sending', 'sent', 'dead')
         ORDER BY o.created_at LIMIT 1",
    )
    .bind(party_id)
    .bind(sha256)
    .fetch_optional(store.pool())
    .await?)
}
