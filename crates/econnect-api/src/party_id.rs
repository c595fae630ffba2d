//! Party (organisation) identifiers, normalised so that every spelling of one id is equal.
//!
//! The platform accepts one KvK number in three spellings: `NL:KVK:12345678`,
//! `0106:12345678` and `iso6523-actorid-upis::0106:12345678`. [`PartyId`] keeps one
//! canonical form, **`<ICD scheme>:<value>`** (e.g. `0106:12345678`): the ISO 6523 scheme
//! code, a colon, the identifier. That form is what `Display` prints, what the client puts
//! (URL-encoded) in paths and what it serialises in JSON. Ids in a scheme this module does
//! not know are kept as written (trimmed), so they still round-trip.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The Peppol participant-identifier scheme prefix, as in `iso6523-actorid-upis::0106:x`.
const ISO6523_PREFIX: &str = "iso6523-actorid-upis::";

/// ISO 6523 scheme code for the Dutch Chamber of Commerce (KvK) number.
pub const SCHEME_KVK: &str = "0106";
/// ISO 6523 scheme code for the Dutch government organisation number (OIN).
pub const SCHEME_OIN: &str = "0190";
/// ISO 6523 scheme code for the Dutch VAT number.
pub const SCHEME_NL_VAT: &str = "9944";
/// ISO 6523 scheme code for the GS1 Global Location Number.
pub const SCHEME_GLN: &str = "0088";

/// Characters that stay literal when a party id is put in a URL path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An organisation's identifier in its canonical `<scheme>:<value>` form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartyId(String);

impl PartyId {
    /// Normalises any accepted spelling into the canonical form; never fails.
    pub fn new(raw: &str) -> Self {
        PartyId(normalise(raw))
    }

    /// The canonical form, e.g. `0106:12345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 6523 scheme code (e.g. `0106`) when the id has one.
    pub fn scheme(&self) -> Option<&str> {
        self.0
            .split_once(':')
            .map(|(scheme, _)| scheme)
            .filter(|s| is_icd(s))
    }

    /// The identifier without its scheme (e.g. the KvK number).
    pub fn value(&self) -> &str {
        match self.scheme() {
            Some(scheme) => &self.0[scheme.len() + 1..],
            None => &self.0,
        }
    }

    /// The Peppol participant form, `iso6523-actorid-upis::<scheme>:<value>`.
    pub fn to_peppol(&self) -> String {
        match self.scheme() {
            Some(_) => format!("{ISO6523_PREFIX}{}", self.0),
            None => self.0.clone(),
        }
    }

    /// The canonical form percent-encoded for use as one URL path segment.
    pub fn to_path_segment(&self) -> String {
        encode_path_segment(&self.0)
    }

    /// True when the value looks valid for its known scheme (KvK 8 digits, OIN 20, …).
    pub fn is_well_formed(&self) -> bool {
        let v = self.value();
        match self.scheme() {
            Some(SCHEME_KVK) => v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()),
            Some(SCHEME_OIN) => v.len() == 20 && v.bytes().all(|b| b.is_ascii_digit()),
            Some(SCHEME_NL_VAT) => is_nl_vat(v),
            Some(SCHEME_GLN) => v.len() == 13 && v.bytes().all(|b| b.is_ascii_digit()),
            _ => !v.is_empty(),
        }
    }
}

/// Percent-encodes a string as one URL path segment (only `A-Za-z0-9-._~` stay literal).
pub(crate) fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

fn is_icd(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_nl_vat(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 14
        && v.starts_with("NL")
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11] == b'B'
        && b[12..].iter().all(u8::is_ascii_digit)
}

/// Maps the Dutch `NL:XXX` prefixes the platform accepts to their ISO 6523 code.
fn scheme_for_prefix(prefix: &str) -> Option<&'static str> {
    match prefix.to_ascii_uppercase().as_str() {
        "NL:KVK" => Some(SCHEME_KVK),
        "NL:OIN" | "NL:OINO" => Some(SCHEME_OIN),
        "NL:VAT" | "NL:BTW" => Some(SCHEME_NL_VAT),
        "GLN" => Some(SCHEME_GLN),
        _ => None,
    }
}

fn strip_peppol_prefix(mut s: &str) -> &str {
    loop {
        s = s.trim();
        let n = ISO6523_PREFIX.len();
        if s.len() >= n && s.is_char_boundary(n) && s[..n].eq_ignore_ascii_case(ISO6523_PREFIX) {
            s = &s[n..];
        } else {
            return s;
        }
    }
}

/// Splits `0106:x`, `NL:KVK:x` or `GLN:x` into (ISO 6523 code, value).
fn split_scheme(s: &str) -> Option<(String, &str)> {
    let (head, rest) = s.split_once(':')?;
    let head = head.trim();
    if is_icd(head) {
        return Some((head.to_string(), rest.trim()));
    }
    if let Some(code) = scheme_for_prefix(head) {
        return Some((code.to_string(), rest.trim()));
    }
    let (second, value) = rest.split_once(':')?;
    let code = scheme_for_prefix(&format!("{head}:{}", second.trim()))?;
    Some((code.to_string(), value.trim()))
}

fn normalise(raw: &str) -> String {
    let s = strip_peppol_prefix(raw);
    match split_scheme(s) {
        Some((code, value)) if code == SCHEME_NL_VAT => {
            format!("{code}:{}", value.to_ascii_uppercase())
        }
        Some((code, value)) => format!("{code}:{value}"),
        None => s.to_string(),
    }
}

impl fmt::Display for PartyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for PartyId {
    fn from(s: &str) -> Self {
        PartyId::new(s)
    }
}

impl From<String> for PartyId {
    fn from(s: String) -> Self {
        PartyId::new(&s)
    }
}

impl std::str::FromStr for PartyId {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(PartyId::new(s))
    }
}

impl AsRef<str> for PartyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for PartyId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartyId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(PartyId::new(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_kvk_spellings_are_equal() {
        let a = PartyId::new("NL:KVK:12345678");
        let b = PartyId::new("0106:12345678");
        let c = PartyId::new("iso6523-actorid-upis::0106:12345678");
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.to_string(), "0106:12345678");
        assert_eq!(a.scheme(), Some("0106"));
        assert_eq!(a.value(), "12345678");
        assert!(a.is_well_formed());
    }

    #[test]
    fn other_schemes() {
        assert_eq!(
            PartyId::new("NL:OIN:00000001234567890000").as_str(),
            "0190:00000001234567890000"
        );
        assert_eq!(
            PartyId::new("nl:vat:nl123456789b01").as_str(),
            "9944:NL123456789B01"
        );
        assert!(PartyId::new("9944:NL123456789B01").is_well_formed());
        assert_eq!(
            PartyId::new("GLN:8712345678906").as_str(),
            "0088:8712345678906"
        );
        assert_eq!(
            PartyId::new("ISO6523-ACTORID-UPIS::0088:8712345678906").as_str(),
            "0088:8712345678906"
        );
    }

    #[test]
    fn unknown_schemes_are_kept() {
        assert_eq!(PartyId::new("DE:LWID:42").as_str(), "DE:LWID:42");
        assert_eq!(PartyId::new("  9915:abc ").as_str(), "9915:abc");
        assert_eq!(PartyId::new("plain").as_str(), "plain");
        assert_eq!(PartyId::new("plain").scheme(), None);
    }

    #[test]
    fn path_segment_is_encoded() {
        assert_eq!(
            PartyId::new("NL:KVK:12345678").to_path_segment(),
            "0106%3A12345678"
        );
        assert_eq!(encode_path_segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn serde_normalises() {
        let id: PartyId = serde_json::from_str("\"NL:KVK:12345678\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0106:12345678\"");
    }

    proptest! {
        #[test]
        fn spellings_agree(kvk in "[0-9]{8}") {
            let a = PartyId::new(&format!("NL:KVK:{kvk}"));
            let b = PartyId::new(&format!("0106:{kvk}"));
            let c = PartyId::new(&format!("iso6523-actorid-upis::0106:{kvk}"));
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&b, &c);
            prop_assert!(a.is_well_formed());
            prop_assert_eq!(PartyId::new(&a.to_peppol()), a.clone());
        }

        #[test]
        fn normalising_is_idempotent(raw in ".*") {
            let once = PartyId::new(&raw);
            let twice = PartyId::new(once.as_str());
            prop_assert_eq!(&once, &twice);
            let via_peppol = PartyId::new(&once.to_peppol());
            prop_assert_eq!(&once, &via_peppol);
        }

        #[test]
        fn never_panics_and_encodes_safely(raw in any::<String>()) {
            let id = PartyId::new(&raw);
            let seg = id.to_path_segment();
            prop_assert!(seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            let _ = (id.scheme(), id.value(), id.is_well_formed());
        }

        #[test]
        fn scheme_and_value_round_trip(scheme in "[0-9]{4}", value in "[A-Za-z0-9]{1,20}") {
            let id = PartyId::new(&format!("{scheme}:{value}"));
            prop_assert_eq!(id.scheme(), Some(scheme.as_str()));
            let expected = if scheme == SCHEME_NL_VAT { value.to_ascii_uppercase() } else { value.clone() };
            prop_assert_eq!(id.value(), expected.as_str());
        }
    }
}
