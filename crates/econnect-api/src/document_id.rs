//! The caller-chosen id of a new document (`X-EConnect-DocumentId`), used as idempotency key.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest document id accepted (the platform documents none; ids are UUID-sized).
const MAX_LEN: usize = 128;

/// A document id the caller chooses; reusing it on a retry must not create a second document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentId(String);

impl DocumentId {
    /// A fresh random id (UUID v4).
    pub fn new_random() -> Self {
        DocumentId(uuid::Uuid::new_v4().to_string())
    }

    /// Checks that `raw` can travel as a header value and a path segment.
    pub fn parse(raw: &str) -> Result<Self, crate::Error> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if ok {
            Ok(DocumentId(raw.to_string()))
        } else {
            Err(crate::Error::InvalidInput(format!(
                "document id must be 1..={MAX_LEN} characters of A-Z, a-z, 0-9, '-', '_', '.'"
            )))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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

    #[test]
    fn parse_checks_characters() {
        assert!(DocumentId::parse("abc-123_x.y").is_ok());
        assert!(DocumentId::parse("").is_err());
        assert!(DocumentId::parse("a b").is_err());
        assert!(DocumentId::parse("a\r\nX: y").is_err());
        assert!(DocumentId::parse(&"a".repeat(129)).is_err());
        let fresh = DocumentId::new_random();
        assert_eq!(DocumentId::parse(fresh.as_str()).unwrap(), fresh);
        assert_ne!(fresh, DocumentId::new_random());
    }
}
