//! Putting a received file in place: written to a temporary file beside its target, synced,
//! then linked under its final name without ever replacing an existing file, so a reader
//! never sees half a file and nothing is overwritten.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// How placing a file ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Placed {
    /// The file is at the target now.
    Done,
    /// The target already holds exactly these bytes (an earlier attempt got this far).
    AlreadyThere,
    /// Another file has the name: choose another.
    Taken,
}

/// The temporary name beside `target` for document `key` (a hash: platform ids are not trusted).
pub fn temp_beside(dir: &Path, key: &str, ext: &str) -> PathBuf {
    let short = &hex::encode(Sha256::digest(key.as_bytes()))[..16];
    dir.join(format!(".econnect-{short}.{ext}.part"))
}

/// Writes `bytes` to the temp file `path` and returns it open, not yet flushed to the disk:
/// the caller flushes it (fsync) once it has read the PDF out of it.
pub fn write_temp(path: &Path, bytes: &[u8]) -> std::io::Result<std::fs::File> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    Ok(file)
}

/// SHA-256 (hex) of a file, read in chunks.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex::encode(hash.finalize()));
        }
        hash.update(&buf[..n]);
    }
}

/// Moves the finished `temp` to `target` unless `target` exists; `sha` is the temp's hash.
pub fn place(temp: &Path, target: &Path, sha: &str) -> std::io::Result<Placed> {
    match rename_noreplace(temp, target) {
        Ok(()) => return Ok(Placed::Done),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return already_there(temp, target, sha),
        // Not supported here (another OS, or a file system without it): link instead.
        Err(_) => {}
    }
    match std::fs::hard_link(temp, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(temp);
            Ok(Placed::Done)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => already_there(temp, target, sha),
        // File systems without hard links (FAT, some shares): rename, after checking the
        // name is free (a small window, accepted there).
        Err(_) if !target.exists() => {
            std::fs::rename(temp, target)?;
            Ok(Placed::Done)
        }
        Err(_) => Ok(Placed::Taken),
    }
}

/// `target` exists: the same bytes count as placed (the temp goes), others as taken.
fn already_there(temp: &Path, target: &Path, sha: &str) -> std::io::Result<Placed> {
    if sha256_of(target).ok().as_deref() == Some(sha) {
        let _ = std::fs::remove_file(temp);
        Ok(Placed::AlreadyThere)
    } else {
        Ok(Placed::Taken)
    }
}

/// Renames without replacing (Linux `renameat2`): one step instead of link + unlink, and
/// no deleted temp inode per file, which makes ext4 slow to create the next files.
#[cfg(target_os = "linux")]
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call; the descriptors
    // are AT_FDCWD (paths are absolute or relative to the working folder).
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_NOREPLACE) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn rename_noreplace(_from: &Path, _to: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_never_overwrites_and_recognises_its_own_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("a.xml");
        std::fs::write(&target, b"someone else's").expect("write");
        let temp = temp_beside(dir.path(), "doc", "xml");
        std::fs::write(&temp, b"ours").expect("write");
        let sha = sha256_of(&temp).expect("hash");
        assert_eq!(place(&temp, &target, &sha).expect("place"), Placed::Taken);
        assert_eq!(std::fs::read(&target).expect("read"), b"someone else's");
        let other = dir.path().join("b.xml");
        assert_eq!(place(&temp, &other, &sha).expect("place"), Placed::Done);
        assert!(!temp.exists());
        std::fs::write(&temp, b"ours").expect("write");
        assert_eq!(place(&temp, &other, &sha).expect("place"), Placed::AlreadyThere);
    }
}
