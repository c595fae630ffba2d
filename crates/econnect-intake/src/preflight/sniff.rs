//! What a file is, judged by its first bytes (never by its name).

/// The family the magic bytes point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    /// `%PDF-` (also after up to 1 KB of junk, as PDF readers allow).
    Pdf,
    /// `FF D8 FF`.
    Jpeg,
    /// The PNG signature.
    Png,
    /// `BM` followed by a plausible header.
    Bmp,
    /// Starts with `<` after an optional byte-order mark and white space, in UTF-8 or UTF-16.
    Xml,
    /// A ZIP archive (also Office files): never an invoice here.
    Zip,
    /// Anything else.
    Other,
}

/// Classifies `head` (the first bytes of a file; 1 KB is plenty).
pub fn sniff(head: &[u8]) -> Magic {
    if head.starts_with(b"%PDF-") {
        return Magic::Pdf;
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Magic::Jpeg;
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Magic::Png;
    }
    // BMP: "BM", then the file size (4 bytes), 4 reserved bytes and the pixel offset.
    if head.len() >= 26 && head.starts_with(b"BM") {
        let dib = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
        if matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
            return Magic::Bmp;
        }
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Magic::Zip;
    }
    // In any encoding XML allows (UTF-8 or UTF-16, with or without a byte-order mark).
    if super::encoding::looks_like_xml(head) {
        return Magic::Xml;
    }
    // Readers accept a PDF header within the first 1024 bytes (e.g. after a mail header).
    if memfind(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Magic::Pdf;
    }
    Magic::Other
}

/// The MIME type to upload a file of this family with.
pub fn mime(magic: Magic) -> &'static str {
    match magic {
        Magic::Pdf => "application/pdf",
        Magic::Jpeg => "image/jpeg",
        Magic::Png => "image/png",
        Magic::Bmp => "image/bmp",
        Magic::Xml => "application/xml",
        Magic::Zip | Magic::Other => "application/octet-stream",
    }
}

/// Position of `needle` in `hay` (SIMD search: whole 10 MB files are scanned).
pub fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Magic::Pdf);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Magic::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Magic::Png);
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&[0; 8]);
        assert_eq!(sniff(&bmp), Magic::Bmp);
        assert_eq!(sniff(b"BMW is geen bitmap, want te kort"), Magic::Other);
        assert_eq!(sniff(b"PK\x03\x04rest"), Magic::Zip);
        assert_eq!(sniff(b"\xEF\xBB\xBF  \n<?xml"), Magic::Xml);
        assert_eq!(sniff(b"From: x\r\n\r\n%PDF-1.4"), Magic::Pdf);
        assert_eq!(sniff(b""), Magic::Other);
    }
}
