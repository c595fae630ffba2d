//! Webhook deliveries from the platform: the event's JSON, its `X-EConnect-Signature`
//! (`sha256=` + lowercase hex HMAC-SHA256 of the raw body, keyed with the secret after the
//! `#` of the hook's action) and the freshness of its `sentOn` (±5 minutes), as eConnect's
//! own SDK checks them.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The header that carries the signature of a delivery.
pub const SIGNATURE_HEADER: &str = "X-EConnect-Signature";

/// How far a delivery's `sentOn` may be from now, either way.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// Topic: an invoice was received for an organisation.
pub const INVOICE_RECEIVED: &str = "InvoiceReceived";
/// Topic: receiving an invoice failed.
pub const INVOICE_RECEIVED_ERROR: &str = "InvoiceReceivedError";
/// Topic: a sent invoice was delivered.
pub const INVOICE_SENT: &str = "InvoiceSent";
/// Topic: sending an invoice failed for good.
pub const INVOICE_SENT_ERROR: &str = "InvoiceSentError";
/// Topic: sending an invoice failed for now; the platform tries again.
pub const INVOICE_SENT_RETRY: &str = "InvoiceSentRetry";

/// One webhook delivery's body:
/// `{"topic","partyId","hookId","documentId","message","details","createdOn","sentOn"}`.
/// Missing or null fields are empty; fields the platform adds later are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// `InvoiceReceived`, `InvoiceSent`, … (empty when absent).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub topic: String,
    /// The organisation the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
    /// The hook that fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_id: Option<String>,
    /// The document the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// A sentence for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Details (sender, recipient, attempt, …); non-text values are kept as their JSON text.
    #[serde(default, deserialize_with = "details")]
    pub details: BTreeMap<String, String>,
    /// When the event happened (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// When this delivery was sent (RFC 3339); a retry has a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_on: Option<String>,
    /// Fields not named above, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn details<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default();
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

impl WebhookEvent {
    /// Parses a delivery's body.
    pub fn parse(body: &[u8]) -> Result<WebhookEvent, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// `details.channel` of a delivery's body, as [`WebhookEvent::parse`] would give it,
    /// without building the rest (the inbox's worker needs only this, per received invoice).
    pub fn channel_of(body: &[u8]) -> Option<String> {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            details: Option<Details>,
        }
        #[derive(Deserialize)]
        struct Details {
            #[serde(default)]
            channel: Option<Value>,
        }
        let body: Body = serde_json::from_slice(body).ok()?;
        match body.details?.channel? {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    /// What names one event across repeated deliveries (a retry has a new `sentOn`, the
    /// same rest): SHA-256 over hookId, topic, documentId and createdOn, hex.
    pub fn delivery_key(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.hook_id.as_deref().unwrap_or(""),
            self.topic.as_str(),
            self.document_id.as_deref().unwrap_or(""),
            self.created_on.as_deref().unwrap_or(""),
        ] {
            hash.update(part.as_bytes());
            // A separator that cannot occur in the parts' text keeps "ab"+"c" apart from "a"+"bc".
            hash.update([0u8]);
        }
        hex::encode(hash.finalize())
    }

    /// `createdOn` as a moment, when it is a valid RFC 3339 date-time.
    pub fn created_at(&self) -> Option<OffsetDateTime> {
        parse_moment(self.created_on.as_deref()?)
    }
}

/// The signature of `body` under `secret`: `sha256=<lowercase hex HMAC-SHA256>`.
pub fn sign(body: &[u8], secret: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        // HMAC takes keys of any length: never happens.
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether `header` is the signature of `body` under `secret`, compared in constant time.
pub fn verify(body: &[u8], header: &str, secret: &str) -> bool {
    let header = header.trim();
    let Some(hex_part) = header
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("sha256="))
        .and_then(|_| header.get(7..))
    else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_part) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Whether `sent_on` lies within [`MAX_CLOCK_SKEW`] of `now`. Unreadable or absurd dates
/// are not fresh (and never panic).
pub fn is_fresh(sent_on: &str, now: OffsetDateTime) -> bool {
    let Some(sent) = parse_moment(sent_on) else {
        return false;
    };
    // Both moments lie within years ±9999, so their difference always fits a Duration.
    let off = sent - now;
    off >= -MAX_CLOCK_SKEW && off <= MAX_CLOCK_SKEW
}

fn parse_moment(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_alone_reads_as_the_whole_event_does() {
        for body in [
            r#"{"topic":"InvoiceReceived","details":{"channel":"peppol","senderId":"0106:1"}}"#,
            r#"{"details":{"channel":7}}"#,
            r#"{"details":{"channel":null}}"#,
            r#"{"details":null,"extra":{"channel":"no"}}"#,
            r#"{"topic":"InvoiceReceived"}"#,
            r#"not json"#,
        ] {
            let whole = WebhookEvent::parse(body.as_bytes())
                .ok()
                .and_then(|e| e.details.get("channel").cloned());
            assert_eq!(WebhookEvent::channel_of(body.as_bytes()), whole, "{body}");
        }
        assert_eq!(
            WebhookEvent::channel_of(br#"{"details":{"channel":"email"}}"#).as_deref(),
            Some("email")
        );
    }

    /// The body of eConnect's .NET SDK test `PsbWebHookSignatureTests` (a C# verbatim
    /// string in a file with CRLF line ends), byte for byte.
    fn sdk_body() -> String {
        [
            "{",
            r#"    "topic": "InvoiceSent","#,
            r#"    "partyId": "NL:KVK:SENDER","#,
            r#"    "hookId": "111","#,
            r#"    "documentId": "f96bad15-0500-4d80-b883-1a82c01b8f93","#,
            r#"    "message": "'Invoice' successfully sent: 'ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu'.","#,
            r#"    "details": {"#,
            r#"        "sender": "NL:KVK:SENDER","#,
            r#"        "id": "12115120","#,
            r#"        "sourceDocumentTypeId": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1","#,
            r#"        "attempt": "1","#,
            r#"        "targetDocumentTypeId": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1","#,
            r#"        "endpoint": "https://accp-ap.econnect.eu/as4/v1","#,
            r#"        "recipient": "NL:KVK:RECEIVER","#,
            r#"        "protocol": "As4","#,
            r#"        "messageId": "f96bad15-0500-4d80-b883-1a82c01b8f93@econnect.eu","#,
            r#"        "returnedMessageId": "ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu""#,
            "    },",
            r#"    "createdOn": "2022-01-21T10:03:18.3726197+00:00","#,
            r#"    "sentOn": "2022-01-21T10:03:18.5951881+00:00""#,
            "}",
        ]
        .join("\r\n")
    }

    const SDK_SIGNATURE: &str =
        "sha256=8f3382eadc9a5444977205979f22d5a899cae74b75b6aade80c3274b214096f4";

    #[test]
    fn signs_the_sdk_known_vector() {
        let body = sdk_body();
        assert_eq!(body.len(), 1084);
        assert_eq!(sign(body.as_bytes(), "secret"), SDK_SIGNATURE);
        assert!(verify(body.as_bytes(), SDK_SIGNATURE, "secret"));
        assert!(verify(
            body.as_bytes(),
            &SDK_SIGNATURE.to_uppercase().replace("SHA256=", "sha256="),
            "secret"
        ));
    }

    #[test]
    fn refuses_other_secrets_bodies_and_malformed_headers() {
        let body = sdk_body();
        assert!(!verify(body.as_bytes(), SDK_SIGNATURE, "Secret"));
        assert!(!verify(
            body.replace("\r\n", "\n").as_bytes(),
            SDK_SIGNATURE,
            "secret"
        ));
        for header in [
            "",
            "sha256=",
            "8f3382ea",
            "sha1=8f3382ea",
            "sha256=zz",
            "sha256=8f3382eadc9a54",
            "é",
        ] {
            assert!(!verify(body.as_bytes(), header, "secret"), "{header:?}");
        }
    }

    #[test]
    fn parses_the_sdk_event_and_keeps_unknown_fields() {
        let event = WebhookEvent::parse(sdk_body().as_bytes()).unwrap();
        assert_eq!(event.topic, INVOICE_SENT);
        assert_eq!(event.party_id.as_deref(), Some("NL:KVK:SENDER"));
        assert_eq!(event.hook_id.as_deref(), Some("111"));
        assert_eq!(event.details.get("attempt").map(String::as_str), Some("1"));
        assert_eq!(event.details.len(), 10);
        assert!(event.created_at().is_some());

        let odd = br#"{"topic":null,"partyId":null,"details":{"n":3,"x":null},"future":{"a":1}}"#;
        let event = WebhookEvent::parse(odd).unwrap();
        assert_eq!(event.topic, "");
        assert_eq!(event.party_id, None);
        assert_eq!(event.details.get("n").map(String::as_str), Some("3"));
        assert!(!event.details.contains_key("x"));
        assert_eq!(
            event.extra.get("future"),
            Some(&serde_json::json!({"a": 1}))
        );
        let again: Value = serde_json::to_value(&event).unwrap();
        assert_eq!(again["future"], serde_json::json!({"a": 1}));
        assert!(WebhookEvent::parse(b"{}").is_ok());
        assert!(WebhookEvent::parse(b"[1]").is_err());
    }

    #[test]
    fn a_retry_has_the_same_delivery_key() {
        let first = WebhookEvent::parse(sdk_body().as_bytes()).unwrap();
        let mut retry = first.clone();
        retry.sent_on = Some("2022-01-21T10:08:00Z".into());
        assert_eq!(first.delivery_key(), retry.delivery_key());
        let mut other = first.clone();
        other.topic = INVOICE_SENT_ERROR.into();
        assert_ne!(first.delivery_key(), other.delivery_key());
    }

    #[test]
    fn sent_on_must_be_within_five_minutes() {
        let now = OffsetDateTime::parse("2026-12-06T12:00:00Z", &Rfc3339).unwrap();
        assert!(is_fresh("2026-12-06T12:00:00Z", now));
        assert!(is_fresh("2026-12-06T11:55:00Z", now));
        assert!(is_fresh("2026-12-06T13:04:59+01:00", now));
        assert!(!is_fresh("2026-12-06T11:54:59Z", now));
        assert!(!is_fresh("2026-12-06T12:05:01Z", now));
        assert!(!is_fresh("9999-12-31T23:59:59Z", now));
        assert!(!is_fresh("0000-01-01T00:00:00Z", now));
        assert!(!is_fresh("gisteren", now));
        assert!(!is_fresh("", now));
        // At the edge of what the time type holds: no overflow, no panic.
        let edge = OffsetDateTime::parse("9999-12-31T23:59:59Z", &Rfc3339).unwrap();
        assert!(is_fresh("9999-12-31T23:58:00Z", edge));
        assert!(!is_fresh("9999-12-31T23:58:00Z", now));
    }
}
