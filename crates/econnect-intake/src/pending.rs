//! The files the watcher has seen and not yet handed on, bounded. In a backlog of
//! thousands (a scanner's night, a copied archive) remembering every name would cost
//! memory per file for as long as the backlog lasts; past the bound a file is not
//! remembered, and the folders are scanned again once the remembered ones have gone on.
//! The scan finds every file still there, so none is lost: it only waits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::folders::OrgFolder;

/// Files remembered at most by default (a few hundred bytes each).
pub const MAX_PENDING: usize = 2048;

/// A file seen but not yet known to be complete.
pub(crate) struct Pending {
    /// Its organisation folder.
    pub org: OrgFolder,
    /// Size and modification time at the last look.
    pub seen: Option<(u64, SystemTime)>,
    /// How old it must be before it is taken.
    pub min_age: Duration,
}

impl Pending {
    /// Not looked at yet.
    pub fn new(org: OrgFolder, min_age: Duration) -> Pending {
        Pending {
            org,
            seen: None,
            min_age,
        }
    }
}

/// The remembered files, at most `capacity`, and whether some were left out.
pub(crate) struct PendingFiles {
    files: HashMap<PathBuf, Pending>,
    capacity: usize,
    left_out: bool,
}

impl PendingFiles {
    /// Empty, remembering at most `capacity` files (at least one).
    pub fn new(capacity: usize) -> PendingFiles {
        PendingFiles {
            files: HashMap::new(),
            capacity: capacity.max(1),
            left_out: false,
        }
    }

    /// Remembers a file (replacing what was known of it); when full it is left out for a
    /// later scan, and false is returned.
    pub fn insert(&mut self, path: PathBuf, pending: Pending) -> bool {
        if self.files.len() >= self.capacity && !self.files.contains_key(&path) {
            self.left_out = true;
            return false;
        }
        self.files.insert(path, pending);
        true
    }

    /// Forgets a file.
    pub fn remove(&mut self, path: &Path) -> Option<Pending> {
        let removed = self.files.remove(path);
        if self.files.is_empty() {
            // The peak's table is not kept for the quiet hours after it.
            self.files.shrink_to_fit();
        }
        removed
    }

    /// Whether a file is remembered.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The remembered files, to look at again.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&PathBuf, &mut Pending)> {
        self.files.iter_mut()
    }

    /// True once, when files were left out and the remembered ones are down to a quarter
    /// of the bound: time to scan for the others.
    pub fn take_rescan(&mut self) -> bool {
        if self.left_out && self.files.len() <= self.capacity / 4 {
            self.left_out = false;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use econnect_api::PartyId;

    use super::*;
    use crate::preflight::Direction;

    fn org() -> OrgFolder {
        OrgFolder {
            path: PathBuf::from("/map"),
            party: PartyId::new("0106:30187412"),
            direction: Direction::Purchase,
        }
    }

    #[test]
    fn past_the_bound_files_are_left_out_and_a_scan_is_asked_for_once_drained() {
        let mut pending = PendingFiles::new(8);
        let paths: Vec<PathBuf> = (0..12)
            .map(|i| PathBuf::from(format!("/map/{i}.pdf")))
            .collect();
        let kept = paths
            .iter()
            .filter(|p| pending.insert((*p).clone(), Pending::new(org(), Duration::ZERO)))
            .count();
        assert_eq!(kept, 8);
        assert!(!pending.contains(&paths[11]));
        // Known again: replaced, not refused.
        assert!(pending.insert(paths[0].clone(), Pending::new(org(), Duration::ZERO)));
        assert!(!pending.take_rescan(), "still full: no scan yet");
        for p in &paths[..6] {
            pending.remove(p);
        }
        assert!(
            pending.take_rescan(),
            "down to a quarter: scan for the rest"
        );
        assert!(!pending.take_rescan(), "asked once");
    }
}
