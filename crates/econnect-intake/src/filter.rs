//! Which names in a watched folder are never invoices: temporary, lock, hidden, sync
//! conflict and cloud placeholder files, and the intake's own folders.

use std::path::Path;

/// Where accepted files go (inside the organisation's folder).
pub const DONE_DIR: &str = "Verwerkt";
/// Where refused files go, with a `<name>.reden.txt`.
pub const FAILED_DIR: &str = "Mislukt";
/// The marker file binding a folder to an organisation.
pub const MARKER: &str = ".econnect-organisatie";

/// Suffixes of files still being downloaded or written, or of placeholders.
const SKIP_SUFFIXES: [&str; 16] = [
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".tmp",
    ".temp",
    ".swp",
    ".lock",
    ".lck",
    ".!ut",
    ".opdownload",
    ".icloud",
    ".cloud",
    ".cloudf",
    ".nextcloud",
    ".owncloud",
];
/// Names that are system litter.
const SKIP_NAMES: [&str; 3] = ["thumbs.db", "desktop.ini", "icon\r"];

/// True when a file with this name must be left alone.
pub fn skip_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')              // hidden, .~lock.x#, .DS_Store, iCloud ".x.icloud", our marker
        || name.starts_with("~$")       // Office owner/lock file
        || name.starts_with('~') && lower.ends_with(".tmp")
        || name.ends_with('~')          // editor backup
        || name.ends_with('#')
        || SKIP_SUFFIXES.iter().any(|s| lower.ends_with(s))
        || SKIP_NAMES.contains(&lower.as_str())
        || lower.ends_with(".reden.txt")
        || is_sync_conflict(&lower)
}

/// Conflict copies of Syncthing, Dropbox, OneDrive, Nextcloud and Google Drive.
fn is_sync_conflict(lower: &str) -> bool {
    lower.contains(".sync-conflict-")
        || lower.contains("(conflicted copy")
        || lower.contains("conflicted copy")
        || lower.contains(" (conflict")
        || lower.contains("_conflict-")
        || lower.contains("-conflict-")
}

/// True for the intake's own subfolders (`Verwerkt`, `Mislukt`), compared case-insensitively.
pub fn is_own_dir(name: &str) -> bool {
    name.eq_ignore_ascii_case(DONE_DIR) || name.eq_ignore_ascii_case(FAILED_DIR)
}

/// True when the file's name (last component) must be skipped.
pub fn skip_path(path: &Path) -> bool {
    path.file_name()
        .map(|n| skip_name(&n.to_string_lossy()))
        .unwrap_or(true)
}

/// Windows cloud placeholders (OneDrive "online only"): offline / recall-on-access attributes.
#[cfg(windows)]
pub fn is_placeholder(meta: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const OFFLINE: u32 = 0x1000;
    const RECALL_ON_OPEN: u32 = 0x0004_0000;
    const RECALL_ON_DATA_ACCESS: u32 = 0x0040_0000;
    meta.file_attributes() & (OFFLINE | RECALL_ON_OPEN | RECALL_ON_DATA_ACCESS) != 0
}

/// Elsewhere placeholders are recognised by name only.
#[cfg(not(windows))]
pub fn is_placeholder(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_temporary_and_conflict_names() {
        for name in [
            ".verborgen.pdf",
            "~$factuur.docx",
            "factuur.pdf.part",
            "x.crdownload",
            "a.tmp",
            "b.TMP",
            ".~lock.factuur.odt#",
            "factuur.sync-conflict-20261129-120000-ABC.pdf",
            "factuur (conflicted copy 2026-11-29).pdf",
            "Thumbs.db",
            "factuur.pdf.reden.txt",
            ".factuur.pdf.icloud",
            "scan.pdf~",
            ".econnect-organisatie",
        ] {
            assert!(skip_name(name), "{name}");
        }
        for name in [
            "factuur.pdf",
            "Factuur 2026-001 (kopie).pdf",
            "scan.JPG",
            "ü ñ 名.pdf",
            "inkoop.xml",
        ] {
            assert!(!skip_name(name), "{name}");
        }
        assert!(is_own_dir("verwerkt") && is_own_dir("Mislukt") && !is_own_dir("Inkoop"));
    }
}
