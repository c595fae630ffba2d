//! The character encoding of an XML file, found as the XML standard says (appendix F: a
//! byte-order mark, else the first bytes of `<?xml`, else the declaration's `encoding`),
//! and the text decoded with `encoding_rs`, so roxmltree (which reads only `&str`) sees
//! every encoding an e-invoice may come in.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::refusal::{Refusal, RefusalCode};

/// How far into the file the XML declaration is looked for (it must come first, and real
/// ones are well under 100 bytes).
const DECLARATION_WINDOW: usize = 256;

/// How the first bytes say the text is encoded, before any declaration is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A UTF-8 byte-order mark (3 bytes).
    Utf8Bom,
    /// UTF-16, little-endian; `bom` when a mark (2 bytes) precedes the text.
    Utf16Le {
        /// Whether the text starts with a byte-order mark.
        bom: bool,
    },
    /// UTF-16, big-endian; `bom` when a mark (2 bytes) precedes the text.
    Utf16Be {
        /// Whether the text starts with a byte-order mark.
        bom: bool,
    },
    /// UTF-32 or EBCDIC: XML allows them, `encoding_rs` (and the platform) does not.
    Unsupported(&'static str),
    /// ASCII-compatible bytes: UTF-8 unless the declaration names another encoding.
    AsciiCompatible,
}

/// The encoding family of a file from its first four bytes.
pub fn family(head: &[u8]) -> Family {
    match head {
        // UTF-32 first: its little-endian mark starts like UTF-16's.
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => Family::Unsupported("UTF-32"),
        [0, 0, 0, b'<', ..] | [b'<', 0, 0, 0, ..] => Family::Unsupported("UTF-32"),
        [0xEF, 0xBB, 0xBF, ..] => Family::Utf8Bom,
        [0xFF, 0xFE, ..] => Family::Utf16Le { bom: true },
        [0xFE, 0xFF, ..] => Family::Utf16Be { bom: true },
        [b'<', 0, b'?', 0, ..] => Family::Utf16Le { bom: false },
        [0, b'<', 0, b'?', ..] => Family::Utf16Be { bom: false },
        [0x4C, 0x6F, 0xA7, 0x94, ..] => Family::Unsupported("EBCDIC"),
        _ => Family::AsciiCompatible,
    }
}

/// True when the first bytes are the start of an XML document in some encoding: `<` after
/// optional white space, in UTF-8 (with or without mark) or UTF-16 (with mark, or `<?`),
/// or the first bytes of XML in an encoding that is refused with its own reason.
pub fn looks_like_xml(head: &[u8]) -> bool {
    match family(head) {
        Family::Unsupported(_) => true,
        Family::Utf8Bom => first_non_space_is_lt(&head[3..], 1, 0),
        Family::AsciiCompatible => first_non_space_is_lt(head, 1, 0),
        Family::Utf16Le { bom } => first_non_space_is_lt(&head[if bom { 2 } else { 0 }..], 2, 0),
        Family::Utf16Be { bom } => first_non_space_is_lt(&head[if bom { 2 } else { 0 }..], 2, 1),
    }
}

/// Whether the first code unit that is not XML white space is `<` (units of `width`
/// bytes, the ASCII byte at `at`, the others zero).
fn first_non_space_is_lt(bytes: &[u8], width: usize, at: usize) -> bool {
    for unit in bytes.chunks_exact(width) {
        if unit.iter().enumerate().any(|(i, b)| i != at && *b != 0) {
            return false;
        }
        match unit[at] {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'<' => return true,
            _ => return false,
        }
    }
    false
}

/// The text of an XML file, decoded from whatever encoding its mark or declaration names
/// (the mark removed); a specific refusal when the encoding is unknown, unsupported or
/// the bytes are not valid in it.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Refusal> {
    match family(bytes) {
        Family::Unsupported(name) => Err(unsupported(name)),
        Family::Utf8Bom => decode_as(UTF_8, &bytes[3..]),
        Family::Utf16Le { bom } => decode_as(UTF_16LE, &bytes[if bom { 2 } else { 0 }..]),
        Family::Utf16Be { bom } => decode_as(UTF_16BE, &bytes[if bom { 2 } else { 0 }..]),
        Family::AsciiCompatible => {
            let Some(label) = declared_encoding(bytes) else {
                return decode_as(UTF_8, bytes); // no declaration: UTF-8, as the standard says
            };
            let encoding = Encoding::for_label(label.as_bytes())
                .filter(|e| e.is_ascii_compatible() && *e != encoding_rs::X_USER_DEFINED)
                .filter(|e| *e != encoding_rs::REPLACEMENT);
            match encoding {
                Some(encoding) => decode_as(encoding, bytes),
                // A UTF-16 label on bytes that are not UTF-16 (no mark, no `<\0?\0`).
                None if Encoding::for_label(label.as_bytes())
                    .is_some_and(|e| e == UTF_16LE || e == UTF_16BE) =>
                {
                    Err(Refusal::new(
                        RefusalCode::XmlInvalid,
                        format!(
                            "De XML zegt {label} gecodeerd te zijn, maar de bytes zijn geen {label}"
                        ),
                        format!("The XML declares {label}, but its bytes are not {label}"),
                    ))
                }
                None => Err(unsupported(&label)),
            }
        }
    }
}

/// Decodes all of `bytes` (no mark) strictly: a byte sequence that is not valid in the
/// encoding refuses the file rather than becoming a replacement character.
fn decode_as<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Result<Cow<'a, str>, Refusal> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            let name = encoding.name();
            Refusal::new(
                RefusalCode::XmlInvalid,
                format!("De XML bevat tekens die in de tekencodering {name} niet geldig zijn"),
                format!("The XML contains bytes that are not valid {name}"),
            )
        })
}

/// The refusal of an encoding that XML allows but we cannot read.
fn unsupported(name: &str) -> Refusal {
    Refusal::new(
        RefusalCode::XmlInvalid,
        format!(
            "De XML gebruikt de tekencodering \"{name}\", die niet wordt ondersteund; sla de factuur op als UTF-8"
        ),
        format!("The XML uses the encoding \"{name}\", which is not supported; save it as UTF-8"),
    )
}

/// The `encoding` named in an ASCII-compatible XML declaration (`<?xml version="1.0"
/// encoding="…"?>` at the very start), when there is one.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let window = &bytes[..bytes.len().min(DECLARATION_WINDOW)];
    let rest = window.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(u8::is_ascii_whitespace) {
        return None; // `<?xml-stylesheet` and the like are no declaration
    }
    let end = memchr::memmem::find(rest, b"?>")?;
    let decl = &rest[..end];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let after = decl[at + b"encoding".len()..].trim_ascii_start();
    let after = after.strip_prefix(b"=")?.trim_ascii_start();
    let quote = *after.first().filter(|q| **q == b'"' || **q == b'\'')?;
    let value = &after[1..];
    let close = value.iter().position(|b| *b == quote)?;
    let label = &value[..close];
    // The standard's EncName: [A-Za-z] ([A-Za-z0-9._] | '-')*
    let valid = label.first().is_some_and(u8::is_ascii_alphabetic)
        && label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b));
    valid.then(|| String::from_utf8_lossy(label).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::utf16;

    #[test]
    fn marks_and_patterns_name_the_family() {
        assert_eq!(family(b"\xEF\xBB\xBF<a/>"), Family::Utf8Bom);
        assert_eq!(family(b"\xFF\xFE<\0"), Family::Utf16Le { bom: true });
        assert_eq!(family(b"\xFE\xFF\0<"), Family::Utf16Be { bom: true });
        assert_eq!(family(b"<\0?\0x\0"), Family::Utf16Le { bom: false });
        assert_eq!(family(b"\0<\0?\0x"), Family::Utf16Be { bom: false });
        assert_eq!(
            family(b"\xFF\xFE\0\0<\0\0\0"),
            Family::Unsupported("UTF-32")
        );
        assert_eq!(family(b"<?xml"), Family::AsciiCompatible);
        assert!(looks_like_xml(&utf16(" \n<Invoice/>", true, true)));
        assert!(looks_like_xml(&utf16("<Invoice/>", false, true)));
        assert!(!looks_like_xml(&utf16("geen xml", true, true)));
        assert!(!looks_like_xml(b"\xFF\xFEnope"));
    }

    #[test]
    fn every_encoding_decodes_to_the_same_text() {
        let text = "<?xml version=\"1.0\"?><a>Café €</a>";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap(), text);
        for (little, bom) in [(true, true), (false, true), (true, false), (false, false)] {
            assert_eq!(decode(&utf16(text, little, bom)).unwrap(), text);
        }
        let latin = "<?xml version='1.0' encoding='ISO-8859-1'?><a>Caf\u{e9}</a>";
        let bytes: Vec<u8> = latin.chars().map(|c| c as u8).collect();
        assert_eq!(decode(&bytes).unwrap(), latin);
        let cp1252 = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x80</a>";
        assert!(decode(cp1252).unwrap().contains('€'));
    }

    #[test]
    fn unknown_unsupported_and_invalid_encodings_are_refused_with_their_own_reason() {
        let unknown = b"<?xml version=\"1.0\" encoding=\"klingon-8\"?><a/>";
        let r = decode(unknown).unwrap_err();
        assert!(r.message.contains("\"klingon-8\""), "{}", r.message);
        assert!(
            r.message.contains("niet wordt ondersteund"),
            "{}",
            r.message
        );
        let replacement = b"<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><a/>";
        assert!(
            decode(replacement)
                .unwrap_err()
                .message
                .contains("ISO-2022-KR")
        );
        let utf32 = b"\0\0\xFE\xFF\0\0\0<";
        assert!(decode(utf32).unwrap_err().message.contains("UTF-32"));
        let lying = b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>";
        assert!(decode(lying).unwrap_err().message.contains("geen UTF-16"));
        let bad_utf8 = b"<?xml version=\"1.0\"?><a>\xC3\x28</a>";
        assert!(decode(bad_utf8).unwrap_err().message.contains("UTF-8"));
        let odd_utf16 = [&utf16("<a/>", true, true)[..], b"\x00\xD8"].concat();
        assert!(decode(&odd_utf16).is_err());
    }
}
