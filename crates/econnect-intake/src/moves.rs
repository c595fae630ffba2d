//! Moving a handled file out of the way: `Verwerkt/YYYY-MM/` after the platform accepted
//! it, `Mislukt/` (with `<name>.reden.txt`) when refused. Never overwrites, never deletes.

use std::io::Write;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::filter::{DONE_DIR, FAILED_DIR};
use crate::refusal::Refusal;

/// Most suffixes tried before giving up on a free name.
const MAX_SUFFIX: u32 = 10_000;

/// Moves `file` to `<folder>/Verwerkt/YYYY-MM/`; returns the new path. When a file of the
/// same name and the same bytes is already there (another installation watching the same
/// folder moved it while we were at it), the job is done: the source goes, nothing is
/// copied again, and that file's path is returned.
pub fn to_done(file: &Path, folder: &Path, now: OffsetDateTime) -> std::io::Result<PathBuf> {
    let month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
    let dir = folder.join(DONE_DIR).join(month);
    if let Some(name) = file.file_name() {
        let there = dir.join(name);
        if there.exists() && same_content(file, &there) {
            match std::fs::remove_file(file) {
                Ok(()) => return Ok(there),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(there),
                Err(e) => return Err(e),
            }
        }
    }
    move_into(file, &dir)
}

/// Whether two paths hold the same bytes (false when either cannot be read).
fn same_content(a: &Path, b: &Path) -> bool {
    use econnect_api::local_file::open_no_follow;
    use std::io::Read;
    let (Ok(fa), Ok(fb)) = (open_no_follow(a), open_no_follow(b)) else {
        return false;
    };
    match (fa.metadata(), fb.metadata()) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => {}
        _ => return false,
    }
    let (mut ra, mut rb) = (std::io::BufReader::new(fa), std::io::BufReader::new(fb));
    let (mut ba, mut bb) = ([0u8; 8192], [0u8; 8192]);
    loop {
        let Ok(n) = ra.read(&mut ba) else {
            return false;
        };
        if n == 0 {
            return rb.read(&mut bb).is_ok_and(|m| m == 0);
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// Moves `file` to `<folder>/Mislukt/` and writes the reason next to it; returns the new path.
pub fn to_failed(
    file: &Path,
    folder: &Path,
    refusal: &Refusal,
    now: OffsetDateTime,
) -> std::io::Result<PathBuf> {
    let target = move_into(file, &folder.join(FAILED_DIR))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reason_path = target.with_file_name(format!("{name}.reden.txt"));
    let date = format!(
        "{:02}-{:02}-{:04} {:02}:{:02}",
        now.day(),
        u8::from(now.month()),
        now.year(),
        now.hour(),
        now.minute()
    );
    let text = format!(
        "{}\r\n\r\nBestand: {name}\r\nDatum: {date}\r\nCode: {}\r\n\r\n(English) {}\r\n",
        refusal.message,
        serde_json::to_value(refusal.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        refusal.message_en
    );
    // The reason file never replaces another one either, nor writes through a link.
    if let Ok(mut f) = econnect_api::local_file::create_exclusive(&reason_path) {
        let _ = f.write_all(text.as_bytes());
    }
    Ok(target)
}

/// Moves `file` into `dir` under its own name, or `name (2).ext`, `name (3).ext`, … when taken.
pub fn move_into(file: &Path, dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = file
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let name = name.to_string_lossy();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    for n in 1..=MAX_SUFFIX {
        let candidate = if n == 1 {
            dir.join(name.as_ref())
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        match econnect_api::local_file::rename_no_replace(file, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::RefusalCode;

    #[test]
    fn clashes_get_a_suffix_and_reasons_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        for i in 0..3 {
            let f = dir.path().join("factuur.pdf");
            std::fs::write(&f, format!("{i}")).unwrap();
            let moved = to_done(&f, dir.path(), now).unwrap();
            assert!(!f.exists());
            let expected = if i == 0 {
                "factuur.pdf".to_string()
            } else {
                format!("factuur ({}).pdf", i + 1)
            };
            assert_eq!(moved.file_name().unwrap().to_string_lossy(), expected);
            assert_eq!(std::fs::read_to_string(&moved).unwrap(), format!("{i}"));
        }
        let f = dir.path().join("leeg.pdf");
        std::fs::write(&f, "").unwrap();
        let moved = to_failed(&f, dir.path(), &Refusal::of(RefusalCode::Empty), now).unwrap();
        let reason = std::fs::read_to_string(moved.with_file_name("leeg.pdf.reden.txt")).unwrap();
        assert!(reason.starts_with("Het bestand is leeg"), "{reason}");
        assert!(reason.contains("Code: empty"));
    }

    #[test]
    fn a_file_already_moved_by_another_installation_is_not_copied_again() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        let f = dir.path().join("factuur.pdf");
        std::fs::write(&f, "dezelfde inhoud").unwrap();
        // The other installation linked it into Verwerkt/ and has not unlinked it yet.
        let first = to_done(&f, dir.path(), now).unwrap();
        std::fs::write(&f, "dezelfde inhoud").unwrap();
        let second = to_done(&f, dir.path(), now).unwrap();
        assert_eq!(second, first);
        assert!(!f.exists());
        let names: Vec<_> = std::fs::read_dir(first.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1, "no 'factuur (2).pdf'");
        // Other bytes under the same name still get a name of their own.
        std::fs::write(&f, "andere inhoud").unwrap();
        let third = to_done(&f, dir.path(), now).unwrap();
        assert_eq!(
            third.file_name().unwrap().to_string_lossy(),
            "factuur (2).pdf"
        );
    }
}
