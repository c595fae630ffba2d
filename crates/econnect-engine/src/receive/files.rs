//! Putting a received file in place: written to a temporary file beside its target, made
//! durable (a batch at a time), then moved under its final name without ever replacing an
//! existing file, so a reader never sees half a file and nothing is overwritten.

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

/// Writes `bytes` to the temp file `path` (not yet flushed to the disk: see [`make_durable`]).
pub fn write_temp(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Flushes a batch of temp files to the disk before any of them gets its final name. On
/// Linux one `syncfs` per folder (one journal commit for the whole batch instead of one
/// fsync per file); elsewhere an fsync per file.
pub fn make_durable(dirs: &[PathBuf], temps: &[PathBuf]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let _ = temps;
        for dir in dirs {
            let folder = std::fs::File::open(dir)?;
            // SAFETY: the descriptor is open for the duration of the call.
            if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dirs;
        for temp in temps {
            std::fs::OpenOptions::new()
                .write(true)
                .open(temp)?
                .sync_data()?;
        }
        Ok(())
    }
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
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return already_there(temp, target, sha);
        }
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
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_noreplace(_from: &Path, _to: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_made_durable_only_when_its_folders_are_there() {
        let dir = tempfile::tempdir().expect("temp dir");
        let temp = temp_beside(dir.path(), "doc", "xml");
        write_temp(&temp, b"<Invoice/>").expect("write");
        make_durable(&[dir.path().to_path_buf()], std::slice::from_ref(&temp)).expect("flushed");
        assert_eq!(std::fs::read(&temp).expect("read"), b"<Invoice/>");
        // A folder (or, elsewhere, a temp file) gone meanwhile fails the batch: its
        // invoices are tried again rather than recorded without their files.
        let gone = dir.path().join("weg");
        let err =
            make_durable(std::slice::from_ref(&gone), &[gone.join("x.part")]).expect_err("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }

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
        assert_eq!(
            place(&temp, &other, &sha).expect("place"),
            Placed::AlreadyThere
        );
    }
}
