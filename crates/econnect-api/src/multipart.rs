//! Multipart uploads that stream a file from disk (part name `file`), never buffering it whole.
//!
//! The file is read on the blocking pool in chunks of at most [`CHUNK`] bytes: opening it,
//! reading its length and its first chunk is one blocking call, so a typical invoice (well
//! under one chunk) costs one trip to the blocking pool, and a 10 MB scan never holds more
//! than one chunk per upload in memory. Exactly the length read at open time is sent, to
//! match the part's `Content-Length`; a file that shrinks meanwhile fails the upload.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream::{self, Stream};
use reqwest::multipart::{Form, Part};

use crate::error::Error;

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
        }
    }

    /// Overrides the MIME type (e.g. after sniffing the bytes).
    pub fn with_mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = mime.into();
        self
    }

    /// Opens the file and builds a form whose `file` part streams it; returns the form and size.
    pub(crate) async fn form(&self) -> Result<(Form, u64), Error> {
        let (len, stream) = open_stream(self.path.clone()).await?;
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
        return Err(std::io::Error::other(FileChanged));
    }
    Ok(Bytes::from(buf))
}

/// The file got shorter while it was being uploaded (a local problem, not a network one).
#[derive(Debug, thiserror::Error)]
#[error("the file changed while it was being sent")]
pub struct FileChanged;

/// What the stream still has to do.
struct Reader {
    file: File,
    first: Option<Bytes>,
    remaining: u64,
}

/// Opens `path`, reads its length and first chunk in one blocking call, and returns the
/// length and a stream of its chunks.
pub(crate) async fn open_stream(
    path: PathBuf,
) -> Result<
    (
        u64,
        impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    ),
    Error,
> {
    let opened = tokio::task::spawn_blocking(move || -> std::io::Result<(u64, Reader)> {
        let mut file = File::open(&path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        let len = meta.len();
        let first = read_chunk(&mut file, len)?;
        let remaining = len - first.len() as u64;
        Ok((
            len,
            Reader {
                file,
                first: Some(first),
                remaining,
            },
        ))
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
            read_chunk(&mut reader.file, reader.remaining).map(|chunk| {
                let mut reader = reader;
                reader.remaining -= chunk.len() as u64;
                (chunk, reader)
            })
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
            let (len, stream) = open_stream(path).await.unwrap();
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
        let (len, stream) = open_stream(path.clone()).await.unwrap();
        assert_eq!(len, 3 * CHUNK);
        std::fs::write(&path, b"kort").unwrap();
        let results: Vec<_> = stream.collect().await;
        let err = results.into_iter().find_map(Result::err).expect("an error");
        assert!(
            err.get_ref().is_some_and(|e| e.is::<FileChanged>()),
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
