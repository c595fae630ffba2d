//! Watched folders and their bindings: a root with one subfolder per organisation (each
//! carrying a marker file with the party id, so renaming the subfolder keeps the
//! binding), or a single folder bound to one organisation.

use std::path::{Path, PathBuf};

use econnect_api::PartyId;
use serde::{Deserialize, Serialize};

use crate::filter::{self, MARKER};
use crate::preflight::Direction;

/// How a watched folder maps to organisations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Layout {
    /// One subfolder per organisation, bound by its marker file.
    Root,
    /// The folder itself belongs to one organisation.
    Single {
        /// The organisation's party id.
        party: String,
    },
}

/// A folder the intake watches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WatchedFolder {
    /// The folder.
    pub path: PathBuf,
    /// Root of organisation subfolders, or bound to one organisation.
    pub layout: Layout,
    /// Purchase or sales intake (a subfolder's marker may say otherwise).
    pub direction: Direction,
}

/// A folder whose files go to one organisation: where files are taken from, and where
/// `Verwerkt/` and `Mislukt/` live.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgFolder {
    /// The folder.
    pub path: PathBuf,
    /// The organisation (normalised party id).
    pub party: PartyId,
    /// Purchase or sales intake.
    pub direction: Direction,
}

/// Reads a folder's marker: line 1 the party id, optional line 2 `verkoop` or `inkoop`.
pub fn read_marker(dir: &Path) -> Option<(PartyId, Option<Direction>)> {
    let marker = dir.join(MARKER);
    // A marker is tiny; refuse anything that is not a small regular file.
    let meta = std::fs::symlink_metadata(&marker).ok()?;
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = std::fs::read_to_string(&marker).ok()?;
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let party = lines.next()?;
    let direction = lines.next().and_then(|l| match l.to_lowercase().as_str() {
        "verkoop" | "sales" => Some(Direction::Sales),
        "inkoop" | "purchase" => Some(Direction::Purchase),
        _ => None,
    });
    Some((PartyId::new(party), direction))
}

/// Writes a folder's marker (replacing an older one: the user asked for this binding).
pub fn write_marker(dir: &Path, party: &PartyId, direction: Direction) -> std::io::Result<()> {
    let word = match direction {
        Direction::Purchase => "inkoop",
        Direction::Sales => "verkoop",
    };
    let text = format!(
        "{}\n{word}\n# eConnect Desktop: deze map hoort bij deze organisatie. Niet verwijderen.\n",
        party.as_str()
    );
    std::fs::write(dir.join(MARKER), text)
}

/// A folder name from an organisation's name: no path separators, reserved characters or
/// Windows device names, and no leading or trailing dots and spaces.
pub fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let short: String = cleaned.chars().take(100).collect();
    // Leading dots hide a folder; trailing dots and spaces vanish on Windows.
    let trimmed = short.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return "Organisatie".into();
    }
    // A device name (CON, COM1, LPT¹, …) would open the device, not make a folder.
    if econnect_api::local_file::is_reserved_windows_name(trimmed) {
        return format!("_{trimmed}");
    }
    trimmed.to_string()
}

impl WatchedFolder {
    /// The organisation folders this watched folder has now.
    pub fn org_folders(&self) -> Vec<OrgFolder> {
        match &self.layout {
            Layout::Single { party } => vec![OrgFolder {
                path: self.path.clone(),
                party: PartyId::new(party),
                direction: self.direction,
            }],
            Layout::Root => {
                let Ok(entries) = std::fs::read_dir(&self.path) else {
                    return Vec::new();
                };
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter(|e| !filter::is_own_dir(&e.file_name().to_string_lossy()))
                    .filter_map(|e| self.bind_subfolder(&e.path()))
                    .collect()
            }
        }
    }

    /// Subfolders of a root that have no marker (shown as "niet gekoppeld").
    pub fn unbound_subfolders(&self) -> Vec<PathBuf> {
        if self.layout != Layout::Root {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(&self.path) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                !name.starts_with('.') && !filter::is_own_dir(&name) && read_marker(p).is_none()
            })
            .collect()
    }

    /// The organisation folder `dir` is, when `dir` is a bound subfolder of this root.
    pub fn bind_subfolder(&self, dir: &Path) -> Option<OrgFolder> {
        let (party, direction) = read_marker(dir)?;
        Some(OrgFolder {
            path: dir.to_path_buf(),
            party,
            direction: direction.unwrap_or(self.direction),
        })
    }

    /// The organisation folder a file at `path` belongs to (its parent must be one).
    pub fn org_folder_of(&self, path: &Path) -> Option<OrgFolder> {
        let parent = path.parent()?;
        match &self.layout {
            Layout::Single { .. } if parent == self.path => self.org_folders().into_iter().next(),
            Layout::Root if parent.parent() == Some(self.path.as_path()) => {
                let name = parent.file_name()?.to_string_lossy();
                if filter::is_own_dir(&name) {
                    return None;
                }
                self.bind_subfolder(parent)
            }
            _ => None,
        }
    }
}

/// What kind of directory entry a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file: may be an invoice. A link is one too, but only to be taken and
    /// refused with its reason (preflight never follows it), so the user sees why.
    File,
    /// Anything never taken: folder, FIFO, socket, device, placeholder.
    Skip,
}

/// Classifies `path` inside `folder` without opening it (so a FIFO can never block) and
/// without following a link.
pub fn entry_kind(_folder: &Path, path: &Path) -> EntryKind {
    if filter::skip_path(path) {
        return EntryKind::Skip;
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return EntryKind::Skip;
    };
    let ft = meta.file_type();
    if ft.is_file() {
        return if filter::is_placeholder(&meta) {
            EntryKind::Skip
        } else {
            EntryKind::File
        };
    }
    if ft.is_symlink() {
        return EntryKind::File;
    }
    EntryKind::Skip
}

/// The candidate files directly in an organisation folder.
pub fn list_candidates(org: &OrgFolder) -> Vec<PathBuf> {
    candidates(org).collect()
}

/// The candidate files of an organisation folder, read as the directory is read.
pub fn candidates(org: &OrgFolder) -> impl Iterator<Item = PathBuf> + '_ {
    std::fs::read_dir(&org.path)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| entry_kind(&org.path, p) == EntryKind::File)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_bind_subfolders_across_renames() {
        let root = tempfile::tempdir().unwrap();
        let folder = WatchedFolder {
            path: root.path().to_path_buf(),
            layout: Layout::Root,
            direction: Direction::Purchase,
        };
        let a = root.path().join("Bakkerij");
        std::fs::create_dir(&a).unwrap();
        write_marker(&a, &PartyId::new("NL:KVK:30187412"), Direction::Sales).unwrap();
        std::fs::create_dir(root.path().join("Los")).unwrap();
        std::fs::create_dir(root.path().join("Verwerkt")).unwrap();
        let orgs = folder.org_folders();
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0].party.as_str(), "0106:30187412");
        assert_eq!(orgs[0].direction, Direction::Sales);
        assert_eq!(folder.unbound_subfolders(), vec![root.path().join("Los")]);
        let b = root.path().join("Bakkerij De Gouden Korenaar");
        std::fs::rename(&a, &b).unwrap();
        let of = folder.org_folder_of(&b.join("f.pdf")).unwrap();
        assert_eq!(of.party.as_str(), "0106:30187412");
        assert!(folder.org_folder_of(&root.path().join("f.pdf")).is_none());
        assert!(
            folder
                .org_folder_of(&b.join("Verwerkt").join("f.pdf"))
                .is_none()
        );
        assert_eq!(folder_name("A/B: C?"), "A B  C");
        assert_eq!(folder_name(".."), "Organisatie");
    }

    #[test]
    fn organisation_folder_names_never_name_a_windows_device_or_end_in_a_dot() {
        assert_eq!(folder_name("CON"), "_CON");
        assert_eq!(folder_name("com\u{b2}"), "_com\u{b2}");
        assert_eq!(folder_name("LPT0.bv"), "_LPT0.bv");
        assert_eq!(folder_name("Conout$"), "_Conout$");
        assert_eq!(folder_name("Bakkerij . ."), "Bakkerij");
        assert_eq!(folder_name("Conserven B.V."), "Conserven B.V");
        for name in ["NUL", "aux.", "CONIN$", "com9 ", "Lpt\u{b3}.txt"] {
            let folder = folder_name(name);
            assert!(
                !econnect_api::local_file::is_reserved_windows_name(&folder),
                "{name:?} -> {folder:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn special_entries_are_skipped_without_opening_and_links_are_taken_to_be_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("geheim.pdf");
        std::fs::write(&secret, b"x").unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("link.pdf")).unwrap();
        std::fs::write(dir.path().join("echt.pdf"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("echt.pdf"), dir.path().join("binnen.pdf"))
            .unwrap();
        std::fs::create_dir(dir.path().join("map.pdf")).unwrap();
        let fifo = dir.path().join("pijp.pdf");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let org = OrgFolder {
            path: dir.path().to_path_buf(),
            party: PartyId::new("0106:1"),
            direction: Direction::Purchase,
        };
        let mut names: Vec<String> = list_candidates(&org)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        // Links (inside or out) are candidates only so that preflight refuses them.
        assert_eq!(names, vec!["binnen.pdf", "echt.pdf", "link.pdf"]);
    }
}
