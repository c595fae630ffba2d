//! The caller-chosen id of a new document (`X-EConnect-DocumentId`), used as idempotency key.
//!
//! The platform keeps one global id space and answers a repeated id with `409 Conflict`
//! (see [`crate::client`]), so an id derived from the content names one document wherever
//! and however often it is sent: [`DocumentId::for_content`].

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::party_id::PartyId;

/// Shortest document id the platform accepts [C: "at least 6 characters"].
pub const MIN_LEN: usize = 6;
/// Longest document id sent ([I]: the platform documents no upper bound).
pub const MAX_LEN: usize = 64;
/// Hex characters of the content digest kept in a content-addressed id (160 bits).
const DIGEST_HEX: usize = 40;

/// Whether a document goes out (sales) or comes in (purchase); part of a content id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DocumentDirection {
    /// `salesInvoice/…`: an invoice this organisation sends.
    Sales,
    /// `purchaseInvoice/…`: an invoice this organisation received.
    Purchase,
}

impl DocumentDirection {
    /// `sales` or `purchase`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentDirection::Sales => "sales",
            DocumentDirection::Purchase => "purchase",
        }
    }
}

/// A document id the caller chooses; reusing it on a retry must not create a second document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentId(String);

impl DocumentId {
    /// A fresh random id (UUID v4, 36 characters).
    pub fn new_random() -> Self {
        DocumentId(uuid::Uuid::new_v4().to_string())
    }

    /// The id of these bytes (by their SHA-256) sent by `party` in `direction`: the same on
    /// every machine, so a retry, a restart, a reinstall or a second installation names the
    /// same document. `attempt` 0 is the first send; a deliberate resend ("toch verzenden")
    /// passes the number of earlier sends and gets `-<attempt + 1>` appended.
    ///
    /// Form: `ec` + `s`/`p` + `-` + 40 hex characters of SHA-256 over the party's canonical
    /// id, the direction and the content digest (at most 55 characters in all).
    pub fn for_content(
        party: &PartyId,
        direction: DocumentDirection,
        sha256: &[u8; 32],
        attempt: u32,
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"econnect-document-v1\n");
        hasher.update(party.as_str().as_bytes());
        hasher.update(b"\n");
        hasher.update(direction.as_str().as_bytes());
        hasher.update(b"\n");
        hasher.update(sha256);
        let digest = hex::encode(hasher.finalize());
        let tag = match direction {
            DocumentDirection::Sales => 's',
            DocumentDirection::Purchase => 'p',
        };
        let mut id = format!("ec{tag}-{}", &digest[..DIGEST_HEX]);
        if attempt > 0 {
            id.push_str(&format!("-{}", u64::from(attempt) + 1));
        }
        DocumentId(id)
    }

    /// [`DocumentId::for_content`] with the content digest as 64 hex characters.
    pub fn for_content_hex(
        party: &PartyId,
        direction: DocumentDirection,
        sha256_hex: &str,
        attempt: u32,
    ) -> Result<Self, crate::Error> {
        let mut digest = [0u8; 32];
        hex::decode_to_slice(sha256_hex.trim(), &mut digest).map_err(|_| {
            crate::Error::InvalidInput("content digest must be 64 hex characters".into())
        })?;
        Ok(Self::for_content(party, direction, &digest, attempt))
    }

    /// Checks the platform's id syntax: 6..=64 characters of `A-Z a-z 0-9 . -` [C: at least
    /// 6, no `@` or `_`; I: the character set and the upper bound].
    pub fn parse(raw: &str) -> Result<Self, crate::Error> {
        if is_valid(raw) {
            Ok(DocumentId(raw.to_string()))
        } else {
            Err(crate::Error::InvalidInput(format!(
                "document id must be {MIN_LEN}..={MAX_LEN} characters of A-Z, a-z, 0-9, '-', '.'"
            )))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `raw` keeps to the document id syntax of [`DocumentId::parse`].
pub fn is_valid(raw: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

impl From<uuid::Uuid> for DocumentId {
    fn from(id: uuid::Uuid) -> Self {
        DocumentId(id.to_string())
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_keeps_to_the_platforms_syntax() {
        assert!(DocumentId::parse("abc-123.x").is_ok());
        assert!(DocumentId::parse("abcdef").is_ok());
        assert!(DocumentId::parse(&"a".repeat(64)).is_ok());
        for bad in [
            "",
            "abcde",
            "abc_def",
            "abc@def.nl",
            "a b cdef",
            "a\r\nX: yz",
            "outbox:1",
        ] {
            assert!(DocumentId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DocumentId::parse(&"a".repeat(65)).is_err());
        let fresh = DocumentId::new_random();
        assert_eq!(DocumentId::parse(fresh.as_str()).unwrap(), fresh);
        assert_ne!(fresh, DocumentId::new_random());
    }

    #[test]
    fn content_ids_are_stable_and_counted() {
        let party = PartyId::new("NL:KVK:30187412");
        let same_party = PartyId::new("0106:30187412");
        let digest = [7u8; 32];
        let first = DocumentId::for_content(&party, DocumentDirection::Purchase, &digest, 0);
        assert_eq!(
            first,
            DocumentId::for_content(&same_party, DocumentDirection::Purchase, &digest, 0)
        );
        assert!(first.as_str().starts_with("ecp-"));
        assert_eq!(first.as_str().len(), 44);
        let again = DocumentId::for_content(&party, DocumentDirection::Purchase, &digest, 1);
        assert_eq!(again.as_str(), format!("{first}-2"));
        let hex = hex::encode(digest);
        assert_eq!(
            DocumentId::for_content_hex(&party, DocumentDirection::Purchase, &hex, 0).unwrap(),
            first
        );
        assert!(DocumentId::for_content_hex(&party, DocumentDirection::Sales, "abc", 0).is_err());
        let longest = DocumentId::for_content(&party, DocumentDirection::Sales, &digest, u32::MAX);
        assert!(DocumentId::parse(longest.as_str()).is_ok(), "{longest}");
    }

    fn direction() -> impl Strategy<Value = DocumentDirection> {
        prop_oneof![
            Just(DocumentDirection::Sales),
            Just(DocumentDirection::Purchase)
        ]
    }

    proptest! {
        #[test]
        fn content_ids_always_parse_and_differ_per_party_direction_content_and_attempt(
            kvk in "[0-9]{8}", other_kvk in "[0-9]{8}",
            dir in direction(),
            sha in any::<[u8; 32]>(), flip in 0usize..32,
            attempt in 0u32..10_000,
        ) {
            let party = PartyId::new(&kvk);
            let id = DocumentId::for_content(&party, dir, &sha, attempt);
            prop_assert!(DocumentId::parse(id.as_str()).is_ok(), "{}", id);
            prop_assert_eq!(&id, &DocumentId::for_content(&party, dir, &sha, attempt));
            let other_party = PartyId::new(&other_kvk);
            prop_assert_eq!(
                id == DocumentId::for_content(&other_party, dir, &sha, attempt),
                kvk == other_kvk
            );
            let other_dir = match dir {
                DocumentDirection::Sales => DocumentDirection::Purchase,
                DocumentDirection::Purchase => DocumentDirection::Sales,
            };
            prop_assert_ne!(&id, &DocumentId::for_content(&party, other_dir, &sha, attempt));
            let mut other_sha = sha;
            other_sha[flip] ^= 1;
            prop_assert_ne!(&id, &DocumentId::for_content(&party, dir, &other_sha, attempt));
            let next = DocumentId::for_content(&party, dir, &sha, attempt + 1);
            prop_assert!(DocumentId::parse(next.as_str()).is_ok(), "{}", next);
            prop_assert_ne!(&id, &next);
        }
    }
}
