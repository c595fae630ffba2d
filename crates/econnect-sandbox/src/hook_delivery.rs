//! Delivering a hook event: a signed, retried POST for a webhook, a recorded mail for a mail hook.
//!
//! Webhook (`action` = `http(s)://host/path#secret`): POST to the URL without the fragment,
//! body `{"topic","partyId","hookId","documentId","message","details","createdOn","sentOn"}`,
//! header `X-EConnect-Signature: sha256=<lowercase hex HMAC-SHA256(raw body, secret)>`. A
//! receiver that does not answer 2xx (or cannot be reached) gets the event again after a
//! growing pause, each attempt with its own `sentOn` and signature, up to a bounded number of
//! attempts. The sandbox only ever posts to loopback addresses.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::clock::rfc3339;
use crate::hook_events::HookEvent;
use crate::party_id;
use crate::state::{AppState, DeliveryRecord, Direction, Hook, Inner, MailAttachment, MailRecord};

/// The signature header of webhook deliveries.
pub const SIGNATURE_HEADER: &str = "X-EConnect-Signature";

/// The sandbox keeps at most this many delivery and mail records (oldest dropped first).
const MAX_RECORDS: usize = 1000;

/// How webhook deliveries are retried: `attempts` in all, pausing `first_pause_ms`, then
/// twice as long after each further failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPlan {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// The pause after the first failed attempt, in milliseconds.
    pub first_pause_ms: u64,
}

impl Default for RetryPlan {
    /// Short, so that tests and the demo see a retry within seconds: 0.5, 1, 2, 4 s.
    fn default() -> Self {
        RetryPlan {
            attempts: 5,
            first_pause_ms: 500,
        }
    }
}

impl RetryPlan {
    /// The pause after failed attempt number `attempt` (1-based).
    pub fn pause_after(&self, attempt: u32) -> std::time::Duration {
        let factor = 1u64 << attempt.saturating_sub(1).min(16);
        std::time::Duration::from_millis(self.first_pause_ms.saturating_mul(factor))
    }
}

/// `sha256=<lowercase hex HMAC-SHA256(body, secret)>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(), // HMAC takes keys of any length; never happens
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The JSON body of a webhook delivery, fields in the platform's order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookBody<'a> {
    /// The event's topic.
    pub topic: &'a str,
    /// The party (display form, e.g. `NL:KVK:12345678`).
    pub party_id: String,
    /// The hook delivering it.
    pub hook_id: &'a str,
    /// The document, if any.
    pub document_id: Option<&'a str>,
    /// Text for people.
    pub message: &'a str,
    /// Details, string to string.
    pub details: &'a BTreeMap<String, String>,
    /// When the event happened.
    pub created_on: String,
    /// When this attempt was sent.
    pub sent_on: String,
}

/// Whether an `http(s)` URL points at this machine.
pub fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A `mailto:` action's addresses and options (`includeAttachment`, `version`, …).
pub fn parse_mailto(action: &str) -> Option<(Vec<String>, BTreeMap<String, String>)> {
    let rest = action.trim().strip_prefix("mailto:")?;
    let (addresses, query) = rest.split_once('?').unwrap_or((rest, ""));
    let to: Vec<String> = addresses
        .split(',')
        .map(|a| {
            percent_encoding::percent_decode_str(a.trim())
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|a| !a.is_empty())
        .collect();
    if to.is_empty() || !to.iter().all(|a| looks_like_address(a)) {
        return None;
    }
    let options = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Some((to, options))
}

fn looks_like_address(a: &str) -> bool {
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !a.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Delivers `event` to `hook` in the background.
pub fn start(st: &Arc<AppState>, hook: Hook, event: HookEvent) {
    if hook.action.trim_start().starts_with("mailto:") {
        record_mail(st, &hook, &event);
        return;
    }
    let task_state = Arc::clone(st);
    st.spawn(async move { deliver_webhook(&task_state, &hook, &event).await });
}

async fn deliver_webhook(st: &AppState, hook: &Hook, event: &HookEvent) {
    let mut record = DeliveryRecord {
        hook_id: hook.id.clone(),
        topic: event.topic.clone(),
        document_id: event.document_id.clone(),
        url: String::new(),
        attempt: 1,
        sent_on: String::new(),
        status: None,
        error: None,
    };
    let mut url = match url::Url::parse(hook.action.trim()) {
        Ok(u) => u,
        Err(e) => {
            record.error = Some(e.to_string());
            return push_delivery(&mut st.lock(), record);
        }
    };
    let secret = url.fragment().map(|f| {
        percent_encoding::percent_decode_str(f)
            .decode_utf8_lossy()
            .into_owned()
    });
    url.set_fragment(None);
    record.url = url.to_string();
    if !is_loopback(&url) {
        // The sandbox never sends anything off this machine.
        record.error = Some("not a loopback address: not delivered".into());
        return push_delivery(&mut st.lock(), record);
    }
    let Some(http) = st.http() else {
        record.error = Some("no HTTP client available".into());
        return push_delivery(&mut st.lock(), record);
    };
    let plan = st.lock().hook_retry;
    let attempts = plan.attempts.max(1);
    for attempt in 1..=attempts {
        let sent_on = rfc3339(st.clock.now());
        let body = WebhookBody {
            topic: &event.topic,
            party_id: party_id::display(&event.party),
            hook_id: &hook.id,
            document_id: event.document_id.as_deref(),
            message: &event.message,
            details: &event.details,
            created_on: rfc3339(event.created_on),
            sent_on: sent_on.clone(),
        };
        let body = match serde_json::to_vec(&body) {
            Ok(b) => b,
            Err(e) => {
                record.error = Some(e.to_string());
                return push_delivery(&mut st.lock(), record);
            }
        };
        let mut req = http
            .post(url.as_str())
            .header("content-type", "application/json")
            .header("user-agent", "eConnect-Sandbox-Hooks");
        if let Some(s) = secret.as_deref() {
            req = req.header(SIGNATURE_HEADER, signature(s, &body));
        }
        let mut this = DeliveryRecord {
            attempt,
            sent_on,
            ..record.clone()
        };
        let delivered = match req.body(body).send().await {
            Ok(resp) => {
                this.status = Some(resp.status().as_u16());
                resp.status().is_success()
            }
            Err(e) => {
                this.error = Some(e.to_string());
                false
            }
        };
        tracing::debug!(record = ?this, "hook delivery attempt");
        push_delivery(&mut st.lock(), this);
        if delivered {
            return;
        }
        if attempt < attempts {
            tokio::time::sleep(plan.pause_after(attempt)).await;
        }
    }
}

fn push_delivery(inner: &mut Inner, record: DeliveryRecord) {
    if inner.deliveries.len() >= MAX_RECORDS {
        inner.deliveries.pop_front();
    }
    inner.deliveries.push_back(record);
}

/// Records the mail the platform would send for a mail hook.
fn record_mail(st: &AppState, hook: &Hook, event: &HookEvent) {
    let Some((to, options)) = parse_mailto(&hook.action) else {
        tracing::warn!(hook = %hook.id, "mail hook without a valid address");
        return;
    };
    let attach = options
        .get("includeAttachment")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let now = st.clock.now();
    let mut inner = st.lock();
    let attachment = if attach {
        event
            .document_id
            .as_deref()
            .and_then(|id| document_xml(&inner, &event.party, id))
            .map(|(file_name, content)| MailAttachment {
                file_name,
                content_type: "application/xml".into(),
                content,
            })
    } else {
        None
    };
    let document = event.document_id.as_deref().unwrap_or("-");
    let mail = MailRecord {
        to,
        subject: format!("eConnect {}: {document}", event.topic),
        topic: event.topic.clone(),
        party_id: party_id::display(&event.party),
        document_id: event.document_id.clone(),
        hook_id: hook.id.clone(),
        message: event.message.clone(),
        sent_on: rfc3339(now),
        options,
        attachment,
    };
    if inner.mails.len() >= MAX_RECORDS {
        inner.mails.pop_front();
    }
    inner.mails.push_back(mail);
}

/// The XML of a received document, as its download would serve it. The sandbox does not
/// keep the files of sent documents, so those have none.
fn document_xml(inner: &Inner, party: &str, id: &str) -> Option<(String, String)> {
    let doc = inner
        .documents
        .get(id)
        .filter(|d| d.party == party && d.direction == Direction::Purchase)?;
    let meta = doc.meta.as_ref()?;
    let xml = match &meta.raw_xml {
        Some(raw) => raw.clone(),
        None => {
            let name = inner
                .parties
                .get(party)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            crate::ubl::invoice(meta, &party_id::display(party), &name)
        }
    };
    Some((format!("{id}.xml"), xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// eConnect's .NET SDK tests its verifier with this body, secret and signature
    /// (`UnitTests/WebHook/PsbWebHookSignatureTests.cs` in theinvoicingcompany/econnect-psb-dotnet);
    /// that file has CRLF line ends, which are part of the signed bytes.
    const SDK_BODY: &str = "{\r\n    \"topic\": \"InvoiceSent\",\r\n    \"partyId\": \"NL:KVK:SENDER\",\r\n    \"hookId\": \"111\",\r\n    \"documentId\": \"f96bad15-0500-4d80-b883-1a82c01b8f93\",\r\n    \"message\": \"'Invoice' successfully sent: 'ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu'.\",\r\n    \"details\": {\r\n        \"sender\": \"NL:KVK:SENDER\",\r\n        \"id\": \"12115120\",\r\n        \"sourceDocumentTypeId\": \"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1\",\r\n        \"attempt\": \"1\",\r\n        \"targetDocumentTypeId\": \"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1\",\r\n        \"endpoint\": \"https://accp-ap.econnect.eu/as4/v1\",\r\n        \"recipient\": \"NL:KVK:RECEIVER\",\r\n        \"protocol\": \"As4\",\r\n        \"messageId\": \"f96bad15-0500-4d80-b883-1a82c01b8f93@econnect.eu\",\r\n        \"returnedMessageId\": \"ffb4b016-5c24-4bbb-b56c-3571ec4bb6a2@econnect.eu\"\r\n    },\r\n    \"createdOn\": \"2022-01-21T10:03:18.3726197+00:00\",\r\n    \"sentOn\": \"2022-01-21T10:03:18.5951881+00:00\"\r\n}";

    #[test]
    fn signature_matches_the_sdk_vector() {
        assert_eq!(
            signature("secret", SDK_BODY.as_bytes()),
            "sha256=8f3382eadc9a5444977205979f22d5a899cae74b75b6aade80c3274b214096f4"
        );
        assert_ne!(
            signature("secret", SDK_BODY.replace("111", "112").as_bytes()),
            "sha256=8f3382eadc9a5444977205979f22d5a899cae74b75b6aade80c3274b214096f4"
        );
    }

    #[test]
    fn the_body_has_the_documented_fields_in_order() {
        let details = BTreeMap::from([("sender".to_string(), "NL:KVK:1".to_string())]);
        let body = WebhookBody {
            topic: "InvoiceSent",
            party_id: "NL:KVK:1".into(),
            hook_id: "h",
            document_id: Some("d"),
            message: "m",
            details: &details,
            created_on: "c".into(),
            sent_on: "s".into(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"topic":"InvoiceSent","partyId":"NL:KVK:1","hookId":"h","documentId":"d","message":"m","details":{"sender":"NL:KVK:1"},"createdOn":"c","sentOn":"s"}"#
        );
    }

    #[test]
    fn pauses_grow() {
        let plan = RetryPlan {
            attempts: 4,
            first_pause_ms: 100,
        };
        assert_eq!(plan.pause_after(1).as_millis(), 100);
        assert_eq!(plan.pause_after(2).as_millis(), 200);
        assert_eq!(plan.pause_after(3).as_millis(), 400);
    }

    #[test]
    fn mailto_actions_parse_addresses_and_options() {
        let (to, options) =
            parse_mailto("mailto:a@b.nl,c%40d.nl?includeAttachment=true&version=1.0").unwrap();
        assert_eq!(to, vec!["a@b.nl", "c@d.nl"]);
        assert_eq!(options["includeAttachment"], "true");
        assert_eq!(options["version"], "1.0");
        assert!(parse_mailto("mailto:").is_none());
        assert!(parse_mailto("mailto:nobody").is_none());
        assert!(parse_mailto("https://x").is_none());
    }
}
