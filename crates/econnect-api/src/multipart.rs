//! Multipart uploads that stream a file from disk (part name `file`), never buffering it whole.
//!
//! The file is read on the blocking pool in chunks of at most [`CHUNK`] bytes: opening it,
//! reading its length and its first chunk is one blocking call, so a typical invoice (well
//! under one chunk) costs one trip to the blocking pool, and a 10 MB scan never holds more
//! than one chunk per upload in memory. Exactly the length read at open time is sent, to
//! match the part's `Content-Length`; a file that shrinks meanwhile fails the upload.
//!
//! The file is opened once per request and never through a link. With [`Expected`] (what
//! was checked before the file was queued), its size is compared at open and its SHA-256
//! while it streams: a difference fails the stream before its last byte, so the request
//! never completes and the platform never accepts other bytes than the ones checked.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::local_file;

/// Largest chunk read from disk at once.
pub const CHUNK: u64 = 256 * 1024;
/// The multipart part name the platform expects.
pub const PART_NAME: &str = "file";

/// A file to upload: its path, the file name the platform sees, and its MIME type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The file name sent in the part's `Content-Disposition`.
    pub file_name: String,
    /// The part's `Content-Type`.
    pub mime: String,
    /// What the file must still be; `None` sends whatever is there.
    pub expected: Option<Expected>,
}

/// The size and content hash a file had when it was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

impl Upload {
    /// An upload of `path`, named after it, with the MIME type its extension suggests.
    pub fn from_path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document".to_string());
        let mime = mime_for(&file_name).to_string();
        Upload {
            path,
            file_name,
            mime,
            expected: None,
        }
    }

    /// Sends the file only if it still has this size and SHA-256 (lower-case hex).
    pub fn expecting(mut self, size: u64, sha256: impl Into<String>) -> Self {
        self.expected = Some(Expected {
            size,
            sha256: sha256.into().to_ascii_lowercase(),
        });
        self
    }

    /// Overrides the MIME type (e.g. after sniffing the bytes).
    pub fn with_mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = mime.into();
        self
    }

    /// Opens the file and builds a form whose `file` part streams it; returns the form and size.
    pub(crate) async fn form(&self) -> Result<(Form, u64), Error> {
        let (len, stream) = open_stream(self.path.clone(), self.expected.clone()).await?;
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
            .file_name(self.file_name.clone())
            .mime_str(&self.mime)
            .map_err(|e| Error::InvalidInput(format!("MIME type {:?}: {e}", self.mime)))?;
        Ok((Form::new().part(PART_NAME, part), len))
    }
}

/// Reads the next chunk: `min(remaining, CHUNK)` bytes.
fn read_chunk(file: &mut File, remaining: u64) -> std::io::Result<Bytes> {
    let n = remaining.min(CHUNK);
    let mut buf = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    // `take` + `read_to_end` fills the buffer without zeroing it first.
    file.by_ref().take(n).read_to_end(&mut buf)?;
    if (buf.len() as u64) < n {
        return Err(file_changed());
    }
    Ok(Bytes::from(buf))
}

/// The file is not what was checked (another size or content, a link now), or got shorter
/// while it was being uploaded: a local problem, not a network one.
#[derive(Debug, thiserror::Error)]
#[error("the file changed since it was checked")]
pub struct FileChanged;

/// An I/O error carrying [`FileChanged`].
pub fn file_changed() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, FileChanged)
}

/// True when `err` carries [`FileChanged`].
pub fn is_file_changed(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<FileChanged>())
}

/// What the stream still has to do.
struct Reader {
    file: File,
    first: Option<Bytes>,
    remaining: u64,
    /// The running hash and the one it must end at.
    check: Option<(Sha256, String)>,
}

impl Reader {
    /// Reads the next chunk and, with a check, hashes it; the last chunk is handed out
    /// only when the whole file hashed to what was expected.
    fn next_chunk(&mut self) -> std::io::Result<Bytes> {
        let chunk = read_chunk(&mut self.file, self.remaining)?;
        self.remaining -= chunk.len() as u64;
        if let Some((hash, expected)) = &mut self.check {
            hash.update(&chunk);
            if self.remaining == 0 && hex::encode(hash.clone().finalize()) != *expected {
                return Err(file_changed());
            }
        }
        Ok(chunk)
    }
}

/// Opens `path` (not through a link), reads its length and first chunk in one blocking
/// call, and returns the length and a stream of its chunks. With `expected`, another size
/// fails here, another content before the stream's last chunk.
pub(crate) async fn open_stream(
    path: PathBuf,
    expected: Option<Expected>,
) -> Result<
    (
        u64,
        impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    ),
    Error,
> {
    let opened = tokio::task::spawn_blocking(move || -> std::io::Result<(u64, Reader)> {
        let checked = expected.is_some();
        let file = match local_file::open_no_follow(&path) {
            // A link where the checked file was: not the file that was checked.
            Err(e) if checked && local_file::is_link_error(&e) => return Err(file_changed()),
            other => other?,
        };
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(if checked {
                file_changed()
            } else {
                std::io::Error::other("not a regular file")
            });
        }
        let len = meta.len();
        if expected.as_ref().is_some_and(|e| e.size != len) {
            return Err(file_changed());
        }
        let mut reader = Reader {
            file,
            first: None,
            remaining: len,
            check: expected.map(|e| (Sha256::new(), e.sha256)),
        };
        reader.first = Some(reader.next_chunk()?);
        Ok((len, reader))
    })
    .await
    .map_err(|e| Error::Io(std::io::Error::other(e)))??;
    let (len, reader) = opened;
    let chunks = stream::try_unfold(reader, |mut reader| async move {
        if let Some(first) = reader.first.take() {
            return Ok(Some((first, reader)));
        }
        if reader.remaining == 0 {
            return Ok(None);
        }
        let (chunk, reader) = tokio::task::spawn_blocking(move || {
            let mut reader = reader;
            reader.next_chunk().map(|chunk| (chunk, reader))
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(Some((chunk, reader)))
    });
    Ok((len, chunks))
}

/// The MIME type for a file name's extension (the intake's accepted types, else octet-stream).
pub fn mime_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "bmp" => "image/bmp",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_by_extension() {
        assert_eq!(mime_for("a.PDF"), "application/pdf");
        assert_eq!(mime_for("scan.jpeg"), "image/jpeg");
        assert_eq!(mime_for("inv.xml"), "application/xml");
        assert_eq!(mime_for("noext"), "application/octet-stream");
        let u = Upload::from_path("/tmp/x/factuur 1.png");
        assert_eq!(
            (u.file_name.as_str(), u.mime.as_str()),
            ("factuur 1.png", "image/png")
        );
    }

    #[tokio::test]
    async fn stream_yields_the_whole_file_in_bounded_chunks() {
        use futures_util::StreamExt;
        let dir = tempfile::tempdir().unwrap();
        for size in [
            0usize,
            1,
            CHUNK as usize,
            CHUNK as usize + 1,
            3 * CHUNK as usize + 17,
        ] {
            let path = dir.path().join(format!("f{size}"));
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            let (len, stream) = open_stream(path, None).await.unwrap();
            assert_eq!(len, size as u64);
            let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
            assert!(chunks.iter().all(|c| c.len() as u64 <= CHUNK));
            assert_eq!(chunks.concat(), data);
        }
    }

    #[tokio::test]
    async fn a_file_that_shrinks_fails_the_stream_with_file_changed() {
        use futures_util::StreamExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("groeit-niet");
        std::fs::write(&path, vec![7u8; 3 * CHUNK as usize]).unwrap();
        let (len, stream) = open_stream(path.clone(), None).await.unwrap();
        assert_eq!(len, 3 * CHUNK);
        std::fs::write(&path, b"kort").unwrap();
        let results: Vec<_> = stream.collect().await;
        let err = results.into_iter().find_map(Result::err).expect("an error");
        assert!(
            err.get_ref().is_some_and(|e| e.is::<FileChanged>()),
            "{err:?}"
        );
    }

    /// The bytes a stream hands out before it ends, and whether it ended in an error.
    async fn drain(
        stream: impl Stream<Item = std::io::Result<Bytes>>,
    ) -> (Vec<u8>, Option<std::io::Error>) {
        use futures_util::StreamExt;
        let mut stream = std::pin::pin!(stream);
        let mut sent = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) => sent.extend_from_slice(&c),
                Err(e) => return (sent, Some(e)),
            }
        }
        (sent, None)
    }

    fn sha(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    #[tokio::test]
    async fn the_checked_file_streams_whole() {
        let dir = tempfile::tempdir().unwrap();
        for size in [2000usize, 3 * CHUNK as usize + 5] {
            let path = dir.path().join(format!("f{size}"));
            let data: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            let expected = Expected {
                size: size as u64,
                sha256: sha(&data),
            };
            let (len, stream) = open_stream(path, Some(expected)).await.unwrap();
            assert_eq!(len, size as u64);
            let (sent, err) = drain(stream).await;
            assert!(err.is_none(), "{err:?}");
            assert_eq!(sent, data);
        }
    }

    #[tokio::test]
    async fn other_bytes_of_the_same_size_fail_before_the_stream_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gewijzigd.pdf");
        let checked = vec![1u8; 3 * CHUNK as usize];
        let expected = Expected {
            size: checked.len() as u64,
            sha256: sha(&checked),
        };
        let mut now = checked.clone();
        *now.last_mut().unwrap() = 2;
        std::fs::write(&path, &now).unwrap();
        let (_, stream) = open_stream(path.clone(), Some(expected.clone()))
            .await
            .unwrap();
        let (sent, err) = drain(stream).await;
        let err = err.expect("the stream fails");
        assert!(is_file_changed(&err), "{err:?}");
        assert!(sent.len() < now.len(), "the last chunk is never handed out");
        // A small file (one chunk) fails at open: nothing is sent at all.
        std::fs::write(&path, [3u8; 2000]).unwrap();
        let small = Expected {
            size: 2000,
            sha256: sha(&[4u8; 2000]),
        };
        let err = open_stream(path, Some(small)).await.err().expect("refused");
        assert!(
            matches!(&err, Error::Io(e) if is_file_changed(e)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn another_size_is_refused_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("langer.pdf");
        std::fs::write(&path, vec![5u8; 4000]).unwrap();
        let expected = Expected {
            size: 3000,
            sha256: sha(&[5u8; 3000]),
        };
        let err = Upload::from_path(&path)
            .expecting(expected.size, expected.sha256)
            .form()
            .await
            .expect_err("refused");
        assert!(
            matches!(&err, Error::Io(e) if is_file_changed(e)),
            "{err:?}"
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_link_where_the_checked_file_was_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![6u8; 4000];
        let elsewhere = dir.path().join("elders.pdf");
        std::fs::write(&elsewhere, &data).unwrap();
        let path = dir.path().join("factuur.pdf");
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        // Even a link to the very bytes that were checked is not sent.
        let err = Upload::from_path(&path)
            .expecting(4000, sha(&data))
            .form()
            .await
            .expect_err("refused");
        assert!(
            matches!(&err, Error::Io(e) if is_file_changed(e)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = Upload::from_path(dir.path()).form().await.err();
        assert!(matches!(err, Some(Error::Io(_))), "{err:?}");
    }

    #[tokio::test]
    async fn missing_file_is_io_error() {
        let err = Upload::from_path("/nonexistent/econnect/x.pdf")
            .form()
            .await
            .err();
        assert!(matches!(err, Some(Error::Io(_))), "{err:?}");
    }
}
