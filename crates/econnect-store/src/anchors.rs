//! Deep pages of the date-sorted document list without walking every row before them: the
//! last key (day shown, created-at, seq) of each page read is remembered per filter, and a
//! later page at or beyond that place starts from the nearest remembered key instead of
//! from the top. Valid until the next write, like the remembered totals.

use std::collections::{BTreeMap, HashMap};

use crate::db::Store;

/// Offsets below this are cheap to walk: no anchor is looked up or kept for them.
pub(crate) const ANCHOR_MIN_OFFSET: u32 = 2000;
/// Anchors kept per filter at most (then that filter's are forgotten).
const PER_FILTER: usize = 4096;
/// Filters with anchors at most (then all are forgotten).
const FILTERS: usize = 64;

/// A place in the date-sorted list: the row at `position - 1` has this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// Rows before the place.
    pub position: u32,
    /// The day shown (`doc_date`) of the last of them.
    pub doc_date: String,
    /// Its created-at.
    pub created_at: String,
    /// Its seq.
    pub seq: i64,
}

/// Remembered places: filter key → (feed id when read, position → anchor).
#[derive(Debug, Default)]
pub(crate) struct Anchors {
    entries: HashMap<String, (i64, BTreeMap<u32, Anchor>)>,
}

impl Store {
    /// The nearest remembered place at or before `offset` for `key`, read at `version`.
    pub(crate) fn anchor_before(&self, key: &str, version: i64, offset: u32) -> Option<Anchor> {
        let anchors = self.anchors.lock().ok()?;
        let (v, places) = anchors.entries.get(key)?;
        if *v != version {
            return None;
        }
        places.range(..=offset).next_back().map(|(_, a)| a.clone())
    }

    /// Remembers a place (forgetting stale or too many ones).
    pub(crate) fn remember_anchor(&self, key: &str, version: i64, anchor: Anchor) {
        let Ok(mut anchors) = self.anchors.lock() else {
            return;
        };
        if !anchors.entries.contains_key(key) && anchors.entries.len() >= FILTERS {
            anchors.entries.clear();
        }
        let entry = anchors
            .entries
            .entry(key.to_string())
            .or_insert_with(|| (version, BTreeMap::new()));
        if entry.0 != version || entry.1.len() >= PER_FILTER {
            *entry = (version, BTreeMap::new());
        }
        entry.1.insert(anchor.position, anchor);
    }
}
