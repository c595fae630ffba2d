//! The sandbox's in-memory state: users, parties, documents, tokens, hooks and test bookkeeping.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::clock::Clock;
use crate::faults::FaultRule;
use crate::recorder::RecordedRequest;

/// How long an access token lives (seconds), as the platform says in `expires_in`.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;
/// Received documents are kept this long after receipt.
pub const RETENTION_DAYS: i64 = 90;
/// ... and this long after their first download.
pub const RETENTION_AFTER_DOWNLOAD_DAYS: i64 = 7;

/// The five per-party permissions of a user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Permissions {
    /// Send sales invoices (send and sales recognize).
    pub can_send_document: bool,
    /// Receive purchase invoices (list, download, recognize, response, Peppol registration).
    pub can_receive_document: bool,
    /// Delete documents.
    pub can_remove_document: bool,
    /// Manage the party's hooks.
    pub can_manage_hook: bool,
    /// Change a document's status (not enforced anywhere yet: no endpoint needs it).
    pub can_change_document_status: bool,
}

impl Permissions {
    /// Every permission.
    pub const ALL: Permissions = Permissions {
        can_send_document: true,
        can_receive_document: true,
        can_remove_document: true,
        can_manage_hook: true,
        can_change_document_status: true,
    };
}

/// A user of the environment.
#[derive(Debug, Clone)]
pub struct User {
    /// Login name (an e-mail address), as created.
    pub name: String,
    /// Plain password: this is a test double.
    pub password: String,
    /// Administrators may manage users and environment settings.
    pub admin: bool,
    /// Locked users cannot get a token.
    pub locked: bool,
    /// Normalised party id → permissions, in the order access was given.
    pub parties: Memberships,
}

/// A user's parties with permissions, listed in the order access was given (so the demo's
/// first organisation is first in `me/party`), looked up by normalised id.
#[derive(Debug, Clone, Default)]
pub struct Memberships {
    map: BTreeMap<String, Permissions>,
    order: Vec<String>,
}

impl Memberships {
    /// Permissions on a party.
    pub fn get(&self, party: &str) -> Option<&Permissions> {
        self.map.get(party)
    }

    /// Gives or changes access.
    pub fn insert(&mut self, party: String, perms: Permissions) {
        if self.map.insert(party.clone(), perms).is_none() {
            self.order.push(party);
        }
    }

    /// Takes access away.
    pub fn remove(&mut self, party: &str) -> Option<Permissions> {
        let removed = self.map.remove(party);
        if removed.is_some() {
            self.order.retain(|p| p != party);
        }
        removed
    }

    /// (party, permissions) in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Permissions)> {
        self.order.iter().filter_map(|p| self.map.get_key_value(p))
    }
}

/// One Peppol capability of a registration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Capability {
    /// `on`, `off`, `inherited => on`, `inherited => off`.
    pub state: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// A party's Peppol registration for receiving.
#[derive(Debug, Clone)]
pub struct PeppolRegistration {
    /// Capability name (`invoices`, `invoiceResponse`, `orders`) → capability.
    pub capabilities: BTreeMap<String, Capability>,
    /// The business card shown in the Peppol directory.
    pub business_card: serde_json::Value,
    /// When registered.
    pub created_on: OffsetDateTime,
    /// Last change.
    pub changed_on: OffsetDateTime,
}

/// An organisation.
#[derive(Debug, Clone)]
pub struct Party {
    /// Normalised id (`0106:12345678`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Registered for receiving via Peppol (None: not registered, GET answers 404).
    pub peppol: Option<PeppolRegistration>,
    /// The party's hooks.
    pub hooks: Vec<Hook>,
}

/// A hook, with every field the client sent (unknown ones in `extra`), as the platform keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// Hook id (assigned by the server when a PUT has none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// `mailto:…` or `https://…#secret`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub action: String,
    /// Topics such as `InvoiceReceived` or `*Received`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub topics: Vec<String>,
    /// Inactive hooks deliver nothing. Absent means false (the platform's model has a plain bool).
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_active: bool,
    /// Set by the server when the hook is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// Set by the server on every PUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_on: Option<String>,
    /// Every other field (`publishTopics`, `filter`, `init`, and any unknown one), kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `null` reads as the type's default: eConnect's .NET SDK writes `"id": null` when creating.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Sales (sent) or purchase (received) document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Sent by the party.
    Sales,
    /// Received by the party.
    Purchase,
}

/// One entry of a document's status history.
#[derive(Debug, Clone)]
pub struct Stage {
    /// `Pending`, `Validated`, `Routed`, `Delivered`, `Rejected`, `Failed`; `None` is served
    /// as `"name": null` (the platform's model has it nullable, and clients must cope).
    pub name: Option<&'static str>,
    /// Description (Dutch / English); `None` is served as null.
    pub description: Option<String>,
    /// When the document reaches this stage (virtual clock).
    pub at: OffsetDateTime,
}

/// What a received invoice says (used for the receive list and to generate its UBL).
#[derive(Debug, Clone)]
pub struct InvoiceMeta {
    /// Supplier party id (display form).
    pub sender_id: String,
    /// Supplier name.
    pub sender_name: String,
    /// Invoice number.
    pub invoice_number: String,
    /// Issue date `YYYY-MM-DD`.
    pub issue_date: String,
    /// Payable amount including VAT, in cents.
    pub amount_cents: i64,
    /// ISO currency.
    pub currency: String,
    /// Embed a PDF rendition in the UBL.
    pub with_pdf: bool,
    /// File name of the embedded PDF.
    pub file_name: String,
    /// Size of the embedded PDF in bytes (padded; a test control for oversized attachments).
    pub pdf_bytes: Option<usize>,
    /// Served as the download instead of a generated UBL (hostile input, e.g. an XML bomb).
    pub raw_xml: Option<String>,
}

/// A document (sent or received) with its status timeline.
///
/// `channel` and `receiver` are kept as the platform keeps them although no call answers them
/// since the invented lists are gone (hook event details may).
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Document {
    /// Document id (caller-chosen via `X-EConnect-DocumentId` or generated).
    pub id: String,
    /// Normalised owning party.
    pub party: String,
    /// Sales or purchase.
    pub direction: Direction,
    /// `idr`, `email`, `econnect` or `peppol`.
    pub channel: String,
    /// When created / received.
    pub created_on: OffsetDateTime,
    /// Full timeline; only stages at or before "now" are visible.
    pub stages: Vec<Stage>,
    /// Invoice data of purchase invoices.
    pub meta: Option<InvoiceMeta>,
    /// Receiver of a sales document (display form), when known.
    pub receiver: Option<String>,
    /// First download (starts the 7-day retention clock).
    pub downloaded_on: Option<OffsetDateTime>,
    /// Deleted via the API.
    pub deleted: bool,
}

impl Document {
    /// The stages visible at `now`, oldest first.
    pub fn visible_stages(&self, now: OffsetDateTime) -> impl Iterator<Item = (usize, &Stage)> {
        self.stages
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.at <= now)
    }

    /// The current status name at `now`: the latest named stage (unnamed ones carry no news).
    pub fn current_status(&self, now: OffsetDateTime) -> &'static str {
        self.visible_stages(now)
            .filter_map(|(_, s)| s.name)
            .last()
            .unwrap_or("Pending")
    }

    /// Whether the document still exists at `now` (not deleted, within retention).
    pub fn is_visible(&self, now: OffsetDateTime) -> bool {
        if self.deleted {
            return false;
        }
        if self.direction == Direction::Purchase {
            if now >= self.created_on + Duration::days(RETENTION_DAYS) {
                return false;
            }
            if let Some(d) = self.downloaded_on
                && now >= d + Duration::days(RETENTION_AFTER_DOWNLOAD_DAYS)
            {
                return false;
            }
        }
        true
    }
}

/// A bearer token.
#[derive(Debug, Clone)]
pub struct Token {
    /// The user the token acts for.
    pub user: String,
    /// Expiry (virtual clock).
    pub expires_at: OffsetDateTime,
}

/// Counters read by `/_sandbox/counters`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Documents created through the API per normalised party id (seeded ones excluded).
    pub documents_created: BTreeMap<String, u64>,
    /// Creating calls answered 409 because their document id was already taken.
    pub duplicates_refused: u64,
    /// API and identity requests seen (controls excluded).
    pub requests: u64,
    /// Faults injected.
    pub faults_injected: u64,
}

/// One webhook delivery attempt, for tests (`/_sandbox/deliveries`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    /// Hook id.
    pub hook_id: String,
    /// Topic delivered.
    pub topic: String,
    /// The event's document id, if any.
    pub document_id: Option<String>,
    /// Target URL without the secret.
    pub url: String,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// The attempt's `sentOn`.
    pub sent_on: String,
    /// HTTP status of the receiver, if it answered.
    pub status: Option<u16>,
    /// Why it was not delivered (no answer, not loopback, …).
    pub error: Option<String>,
}

/// A mail the platform would have sent for a mail hook (`/_sandbox/mails`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailRecord {
    /// The addresses of the `mailto:` action.
    pub to: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// The event's topic.
    pub topic: String,
    /// The party (display form).
    pub party_id: String,
    /// The event's document id, if any.
    pub document_id: Option<String>,
    /// The hook that sent it.
    pub hook_id: String,
    /// The event's message (the mail's text).
    pub message: String,
    /// When it was sent (sandbox clock).
    pub sent_on: String,
    /// The `mailto:` query options other than the address (`includeAttachment`, `version`, …).
    pub options: BTreeMap<String, String>,
    /// The document, attached only with `includeAttachment=true` (and when the sandbox has it).
    pub attachment: Option<MailAttachment>,
}

/// A mail's attachment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailAttachment {
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// The document XML.
    pub content: String,
}

/// Everything mutable, behind one mutex (never held across an await).
#[derive(Debug, Default)]
pub struct Inner {
    /// Lower-cased user name → user.
    pub users: BTreeMap<String, User>,
    /// Normalised party id → party.
    pub parties: BTreeMap<String, Party>,
    /// Document id → document.
    pub documents: HashMap<String, Document>,
    /// Access token → token.
    pub tokens: HashMap<String, Token>,
    /// Environment-wide hooks.
    pub env_hooks: Vec<Hook>,
    /// Environment Peppol defaults.
    pub env_peppol: BTreeMap<String, Capability>,
    /// Environment business-card defaults.
    pub env_business_card: serde_json::Value,
    /// Participants reachable on the Peppol network outside this sandbox: normalised id → name.
    pub directory: BTreeMap<String, String>,
    /// Test counters.
    pub counters: Counters,
    /// Active fault rules, applied in order.
    pub faults: Vec<FaultRule>,
    /// Recorded requests, newest last.
    pub requests: VecDeque<RecordedRequest>,
    /// Sequence number of the next recorded request.
    pub next_request_seq: u64,
    /// Invoice responses: response id → (document id, status code).
    pub responses: HashMap<String, (String, String)>,
    /// Webhook delivery attempts, newest last.
    pub deliveries: VecDeque<DeliveryRecord>,
    /// Mails of mail hooks, newest last.
    pub mails: VecDeque<MailRecord>,
    /// Hook events due at a sandbox time: (unix ms, sequence) → event.
    pub scheduled_events: BTreeMap<(i64, u64), crate::hook_events::HookEvent>,
    /// Sequence of the next scheduled event (keeps events of the same instant in order).
    pub next_event_seq: u64,
    /// How webhook deliveries are retried.
    pub hook_retry: crate::hook_delivery::RetryPlan,
}

impl Inner {
    /// Inserts a document.
    pub fn insert_document(&mut self, doc: Document) {
        self.documents.insert(doc.id.clone(), doc);
    }

    /// Looks a user up by name (case-insensitive).
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(&name.to_lowercase())
    }
}

/// Milliseconds since the Unix epoch (saturating), the key of scheduled hook events.
pub fn unix_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Shared state of a running sandbox.
#[derive(Debug)]
pub struct AppState {
    /// The virtual clock.
    pub clock: Clock,
    inner: Mutex<Inner>,
    /// HTTP client for hook deliveries, built on first use (most sandboxes never deliver).
    http: OnceLock<Option<reqwest::Client>>,
    /// Maintenance mode (`/_sandbox/maintenance`).
    pub maintenance: crate::maintenance::MaintenanceMode,
    /// Wakes the hook-event scheduler (an event was scheduled or the clock moved).
    pub events_changed: std::sync::Arc<tokio::sync::Notify>,
    /// The runtime the sandbox was started on: its own work (hook deliveries) runs there,
    /// also when a test control that causes it is called from another runtime.
    pub runtime: std::sync::OnceLock<tokio::runtime::Handle>,
}

impl AppState {
    /// New state around seeded data.
    pub fn new(inner: Inner) -> Self {
        Self {
            clock: Clock::default(),
            inner: Mutex::new(inner),
            http: OnceLock::new(),
            maintenance: crate::maintenance::MaintenanceMode::default(),
            events_changed: std::sync::Arc::new(tokio::sync::Notify::new()),
            runtime: std::sync::OnceLock::new(),
        }
    }

    /// Moves the virtual clock forward and lets events that became due fire.
    pub fn advance_clock(&self, seconds: i64) {
        self.clock.advance(seconds);
        self.events_changed.notify_one();
    }

    /// Runs `task` on the sandbox's own runtime (the current one when it has none).
    pub fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        match self.runtime.get() {
            Some(handle) => drop(handle.spawn(task)),
            None => drop(tokio::spawn(task)),
        }
    }

    /// The hook client: no proxy, no redirects (a redirect could lead off this machine).
    pub fn http(&self) -> Option<&reqwest::Client> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(std::time::Duration::from_secs(5))
                    .build()
                    .map_err(|e| tracing::warn!(error = %e, "no HTTP client for hook deliveries"))
                    .ok()
            })
            .as_ref()
    }

    /// Locks the state; a poisoned lock is recovered (a panic elsewhere must not wedge tests).
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The status timeline of a document that is delivered normally.
///
/// Between Validated and Routed it carries one entry whose `name` and `description` are null,
/// at 15 s: the platform's status model has both nullable, so every delivered document
/// gives clients a null name to cope with (deterministically, for tests).
pub fn delivered_timeline(t: OffsetDateTime) -> Vec<Stage> {
    vec![
        stage("Pending", "Document ontvangen / Document received", t),
        stage(
            "Validated",
            "Document gevalideerd / Document validated",
            t + Duration::seconds(5),
        ),
        Stage {
            name: None,
            description: None,
            at: t + Duration::seconds(15),
        },
        stage(
            "Routed",
            "Document verzonden naar ontvanger / Document routed to recipient",
            t + Duration::seconds(30),
        ),
        stage(
            "Delivered",
            "Document afgeleverd / Document delivered",
            t + Duration::seconds(120),
        ),
    ]
}

/// The timeline of a document the platform refuses after intake (e.g. not an invoice).
pub fn rejected_timeline(t: OffsetDateTime, reason: &str) -> Vec<Stage> {
    vec![
        stage("Pending", "Document ontvangen / Document received", t),
        stage("Rejected", reason, t + Duration::seconds(5)),
    ]
}

/// The timeline of a document that validated but could not be delivered.
pub fn failed_timeline(t: OffsetDateTime, reason: &str) -> Vec<Stage> {
    vec![
        stage("Pending", "Document ontvangen / Document received", t),
        stage(
            "Validated",
            "Document gevalideerd / Document validated",
            t + Duration::seconds(5),
        ),
        stage("Failed", reason, t + Duration::seconds(30)),
    ]
}

/// The timeline of an invoice that arrived for the party (already delivered on arrival).
pub fn received_timeline(t: OffsetDateTime) -> Vec<Stage> {
    vec![
        stage("Pending", "Document ontvangen / Document received", t),
        stage("Validated", "Document gevalideerd / Document validated", t),
        stage("Delivered", "Document afgeleverd / Document delivered", t),
    ]
}

fn stage(name: &'static str, description: &str, at: OffsetDateTime) -> Stage {
    Stage {
        name: Some(name),
        description: Some(description.to_string()),
        at,
    }
}
