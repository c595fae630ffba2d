//! Local files, handled so that nobody else with access to a folder can steer the app:
//! files are opened without following links, temporary files are created exclusively
//! under names nobody can guess, and a file is put in place without ever replacing one
//! that is already there. One place for these, behind `cfg`, with a path on every OS.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The path is a symbolic link (or another reparse point) and is not followed.
#[derive(Debug, thiserror::Error)]
#[error("the path is a link and is not followed")]
pub struct IsLink;

/// True when `err` says the path was a link that was not followed.
pub fn is_link_error(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<IsLink>())
}

/// True when `err` says another program has the file open in a way that excludes us
/// (Windows' sharing and lock violations: a scanner or Word still writing it). Such a
/// file is waited for, never refused. Unix has no such refusals.
pub fn is_in_use(err: &io::Error) -> bool {
    /// `ERROR_SHARING_VIOLATION`, `ERROR_LOCK_VIOLATION`.
    const IN_USE: [i32; 2] = [32, 33];
    cfg!(windows) && err.raw_os_error().is_some_and(|c| IN_USE.contains(&c))
}

fn link_error() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, IsLink)
}

/// Opens `path` for reading without following a link at its last component, and without
/// blocking on a FIFO. A link gives an error for which [`is_link_error`] holds.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    match options.open(path) {
        Ok(file) => {
            // Windows opens the reparse point itself; say so rather than read the link.
            if file.metadata()?.file_type().is_symlink() {
                return Err(link_error());
            }
            Ok(file)
        }
        Err(e) => {
            // ELOOP on Linux and macOS, EMLINK on FreeBSD: named by looking at the path.
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                Err(link_error())
            } else {
                Err(e)
            }
        }
    }
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
}

/// `FILE_FLAG_OPEN_REPARSE_POINT`: open the link itself, never its target.
#[cfg(windows)]
const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;

#[cfg(windows)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::windows::fs::OpenOptionsExt;
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}

#[cfg(not(any(unix, windows)))]
fn no_follow(_options: &mut OpenOptions) {}

/// Creates a new, empty temporary file in `dir`, named `.<prefix>-<random>.<suffix>`:
/// created exclusively (never an existing file, never through a link) under a name
/// nobody can guess and plant first. Returns the open file and its path.
pub fn create_temp(dir: &Path, prefix: &str, suffix: &str) -> io::Result<(File, PathBuf)> {
    temp_in(dir, prefix, suffix, false)
}

/// [`create_temp`], readable and writable by the user only from the start (Unix 0600),
/// for secrets.
pub fn create_private_temp(dir: &Path, prefix: &str, suffix: &str) -> io::Result<(File, PathBuf)> {
    temp_in(dir, prefix, suffix, true)
}

/// An unguessable temporary name in `dir`, `.<prefix>-<random>.<suffix>`, not created yet:
/// for writers that create it themselves with [`create_exclusive`].
pub fn temp_name(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let random = uuid::Uuid::new_v4().simple().to_string();
    dir.join(format!(".{prefix}-{random}.{suffix}"))
}

fn temp_in(dir: &Path, prefix: &str, suffix: &str, private: bool) -> io::Result<(File, PathBuf)> {
    for _ in 0..16 {
        let path = temp_name(dir, prefix, suffix);
        match exclusive(private).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary name",
    ))
}

/// Creates `path` for writing only when nothing (not even a link) is there.
pub fn create_exclusive(path: &Path) -> io::Result<File> {
    exclusive(false).open(path)
}

fn exclusive(private: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // `create_new` already refuses a link at the path (O_EXCL, CREATE_NEW); O_NOFOLLOW
    // says so twice on Unix.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
        if private {
            options.mode(0o600);
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    options
}

/// Moves `from` to `to` unless something is at `to`: then `AlreadyExists`, and both stay
/// as they were. Never replaces a file, on any OS or file system: the OS's own
/// no-replace rename where it has one, else a hard link and unlinking the source, else
/// (file systems without links) an exclusive copy.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    match os_rename_no_replace(from, to) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
        // Another program has it open: a link would give the file a second name that
        // cannot be taken away again while it is busy.
        Err(e) if is_in_use(&e) => return Err(e),
        // Not supported by this OS or file system: the next way.
        Err(_) => {}
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            return match std::fs::remove_file(from) {
                // Unlinked meanwhile (another installation finished the same move).
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    copy_exclusive(from, to)
}

/// The last way: copy into a file created exclusively at `to`, then remove `from`. Not
/// atomic (a reader may see the copy grow), but it never replaces anything.
fn copy_exclusive(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = open_no_follow(from)?;
    let mut target = create_exclusive(to)?;
    let copied = io::copy(&mut source, &mut target).and_then(|_| target.sync_all());
    if let Err(e) = copied {
        drop(target);
        let _ = std::fs::remove_file(to);
        return Err(e);
    }
    std::fs::remove_file(from)
}

/// Linux: `renameat2(RENAME_NOREPLACE)`, one step (and no deleted inode per file, which
/// makes ext4 slow to create the next files).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn os_rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    let (from, to) = (c_path(from)?, c_path(to)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call; AT_FDCWD makes
    // them relative to the working folder, as `std::fs::rename` does.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// macOS: `renamex_np(RENAME_EXCL)` (APFS and HFS+; others answer ENOTSUP).
#[cfg(any(target_os = "macos", target_os = "ios"))]
fn os_rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    let (from, to) = (c_path(from)?, c_path(to)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe { libc::renamex_np(from.as_ptr(), to.as_ptr(), libc::RENAME_EXCL) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn c_path(path: &Path) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// Windows: `MoveFileExW` without `MOVEFILE_REPLACE_EXISTING` fails when the target
/// exists (`std::fs::rename` passes that flag, so it would replace).
#[cfg(windows)]
fn os_rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn MoveFileExW(existing: *const u16, new: *const u16, flags: u32) -> i32;
    }
    let wide = |p: &Path| -> io::Result<Vec<u16>> {
        let long = verbatim(p)?;
        Ok(long.as_os_str().encode_wide().chain(Some(0)).collect())
    };
    let (from, to) = (wide(from)?, wide(to)?);
    // SAFETY: both are NUL-terminated UTF-16 strings that outlive the call; flags 0: no
    // replacing, no copying across volumes.
    let ok = unsafe { MoveFileExW(from.as_ptr(), to.as_ptr(), 0) };
    if ok != 0 {
        Ok(())
    } else {
        // ERROR_FILE_EXISTS and ERROR_ALREADY_EXISTS map to `AlreadyExists`.
        Err(io::Error::last_os_error())
    }
}

/// `path` in the form Windows takes past 260 characters (`\\?\C:\…`, `\\?\UNC\…`):
/// absolute and normalised first, as the prefix turns normalising off. The standard
/// library does this for its own calls; a direct system call must do it itself.
#[cfg(windows)]
fn verbatim(path: &Path) -> io::Result<PathBuf> {
    use std::path::{Component, Prefix};
    let absolute = std::path::absolute(path)?;
    let mut components = absolute.components();
    let Some(Component::Prefix(prefix)) = components.next() else {
        return Ok(absolute);
    };
    let rest = components.as_path();
    let mut long = match prefix.kind() {
        Prefix::Disk(letter) => PathBuf::from(format!(r"\\?\{}:\", char::from(letter))),
        Prefix::UNC(server, share) => {
            let mut p = std::ffi::OsString::from(r"\\?\UNC\");
            p.push(server);
            p.push(r"\");
            p.push(share);
            p.push(r"\");
            PathBuf::from(p)
        }
        // Verbatim already, or a device path: as it is.
        _ => return Ok(absolute),
    };
    long.push(rest);
    Ok(long)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    windows
)))]
fn os_rename_no_replace(_from: &Path, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// True when Windows reserves `name` for a device in every folder: CON, PRN, AUX, NUL,
/// COM0–COM9 and LPT0–LPT9 (also with the superscript digits ¹ ² ³), CONIN$ and CONOUT$;
/// in any case, with any extension, and with the trailing dots and spaces Windows drops.
/// Such a name opens the device instead of a file, so it is never used for one.
pub fn is_reserved_windows_name(name: &str) -> bool {
    let base = name.trim_end_matches(['.', ' ']);
    let stem = base.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let Some(number) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    let mut chars = number.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('0'..='9' | '\u{b9}' | '\u{b2}' | '\u{b3}'), None)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placing_never_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("nieuw"), dir.path().join("bestaand"));
        std::fs::write(&from, b"nieuw").unwrap();
        std::fs::write(&to, b"van iemand anders").unwrap();
        let err = rename_no_replace(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&to).unwrap(), b"van iemand anders");
        assert_eq!(std::fs::read(&from).unwrap(), b"nieuw");
        let free = dir.path().join("vrij");
        rename_no_replace(&from, &free).unwrap();
        assert!(!from.exists());
        assert_eq!(std::fs::read(&free).unwrap(), b"nieuw");
    }

    #[test]
    fn placing_works_past_260_characters() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().to_path_buf();
        for i in 0..12 {
            deep = deep.join(format!("administratie-boekjaar-{i:02}"));
        }
        std::fs::create_dir_all(&deep).unwrap();
        let (from, to) = (deep.join("nieuw.pdf"), deep.join("verplaatst.pdf"));
        assert!(to.as_os_str().len() > 300);
        std::fs::write(&from, b"nieuw").unwrap();
        // The OS's own way, not the fallbacks, which the standard library makes long.
        os_rename_no_replace(&from, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"nieuw");
        std::fs::write(&from, b"nog een").unwrap();
        let err = os_rename_no_replace(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    /// A file another program has open without letting others delete or rename it (a
    /// scanner still writing): not moved, and not given a second name by a hard link.
    #[cfg(windows)]
    #[test]
    fn a_file_open_elsewhere_is_in_use_not_linked() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("scan.pdf"), dir.path().join("Verwerkt.pdf"));
        std::fs::write(&from, b"bezig").unwrap();
        // FILE_SHARE_READ | FILE_SHARE_WRITE, no FILE_SHARE_DELETE.
        let writer = OpenOptions::new()
            .write(true)
            .share_mode(0x3)
            .open(&from)
            .unwrap();
        let err = rename_no_replace(&from, &to).unwrap_err();
        assert!(is_in_use(&err), "{err:?}");
        assert!(!to.exists(), "no second name");
        drop(writer);
        rename_no_replace(&from, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"bezig");
    }

    #[test]
    fn the_exclusive_copy_never_replaces_either() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&from, b"a").unwrap();
        std::fs::write(&to, b"b").unwrap();
        assert_eq!(
            copy_exclusive(&from, &to).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(&to).unwrap(), b"b");
        std::fs::remove_file(&to).unwrap();
        copy_exclusive(&from, &to).unwrap();
        assert!(!from.exists());
        assert_eq!(std::fs::read(&to).unwrap(), b"a");
    }

    #[test]
    fn temp_files_get_fresh_unguessable_names_and_never_open_a_planted_file() {
        let dir = tempfile::tempdir().unwrap();
        let (_a, first) = create_temp(dir.path(), "econnect", "xml.part").unwrap();
        let (_b, second) = create_temp(dir.path(), "econnect", "xml.part").unwrap();
        assert_ne!(first, second);
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".econnect-") && name.ends_with(".xml.part"),
            "{name}"
        );
        // A file planted at a name is never opened for writing.
        let planted = dir.path().join("geplant");
        std::fs::write(&planted, b"blijft").unwrap();
        assert_eq!(
            create_exclusive(&planted).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(&planted).unwrap(), b"blijft");
    }

    #[test]
    fn every_windows_device_name_is_recognised() {
        let mut reserved: Vec<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
            .map(String::from)
            .to_vec();
        for device in ["COM", "LPT"] {
            for digit in ('0'..='9').chain(['¹', '²', '³']) {
                reserved.push(format!("{device}{digit}"));
            }
        }
        assert_eq!(reserved.len(), 6 + 2 * 13);
        for name in &reserved {
            for spelled in [
                name.clone(),
                name.to_lowercase(),
                format!("{name}.txt"),
                format!("{}.tar.gz", name.to_lowercase()),
                format!("{name}."),
                format!("{name} "),
                format!("{name} .pdf"),
                format!("{name}. . "),
            ] {
                assert!(is_reserved_windows_name(&spelled), "{spelled:?}");
            }
        }
        for free in [
            "CONSOLE",
            "COM10",
            "LPT",
            "COM",
            "NULL",
            "AUXI",
            "xCON",
            "COM1x",
            "COM⁴",
            "COM½",
            "Factuur CON",
            "CON-1",
            "CONIN",
            "factuur.pdf",
            "",
        ] {
            assert!(!is_reserved_windows_name(free), "{free:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_are_neither_followed_when_opening_nor_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("doel");
        std::fs::write(&target, b"geheim").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_no_follow(&link).unwrap_err();
        assert!(is_link_error(&err), "{err:?}");
        assert!(create_exclusive(&link).is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"geheim");
        assert!(open_no_follow(&target).is_ok());
    }
}
