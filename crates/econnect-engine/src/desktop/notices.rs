//! Notifications: what happened, how it reads in Dutch or English, and how a burst of
//! events becomes a few messages ("25 bestanden verzonden", not 25 pop-ups).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::language::Language;
use super::settings::NoticeToggles;

/// What happened; each kind can be switched off in Instellingen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum NoticeKind {
    /// The platform accepted a file.
    FileSent,
    /// The platform (or preflight) refused a file; `reason` says why.
    FileRefused,
    /// A document reached its recipient.
    DocumentDelivered,
    /// A document was rejected by the recipient or the network.
    DocumentRejected,
    /// A new invoice arrived for one of the organisations.
    InvoiceReceived,
    /// The platform announced maintenance.
    MaintenanceStarting,
    /// The session ended; the user must sign in again.
    SignedOut,
}

impl NoticeKind {
    /// Every kind, in the order Instellingen lists them.
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::FileSent,
        NoticeKind::FileRefused,
        NoticeKind::DocumentDelivered,
        NoticeKind::DocumentRejected,
        NoticeKind::InvoiceReceived,
        NoticeKind::MaintenanceStarting,
        NoticeKind::SignedOut,
    ];
}

/// One event worth telling the user about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// What it happened to: a file name, a document number, an organisation.
    pub subject: String,
    /// Why, for refusals and rejections.
    pub reason: Option<String>,
}

impl Notice {
    /// A notice without a reason.
    pub fn new(kind: NoticeKind, subject: impl Into<String>) -> Self {
        Notice {
            kind,
            subject: subject.into(),
            reason: None,
        }
    }

    /// A notice with the reason the platform gave.
    pub fn with_reason(
        kind: NoticeKind,
        subject: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Notice {
            kind,
            subject: subject.into(),
            reason: Some(reason.into()),
        }
    }

    /// One line for the tray's recent events, e.g. "Verzonden: factuur.pdf".
    pub fn line(&self, lang: Language) -> String {
        let single = single_text(self.kind, lang);
        if self.subject.is_empty() {
            single.to_owned()
        } else {
            format!("{single}: {}", self.subject)
        }
    }
}

/// A message ready for the OS notification system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The first line.
    pub title: String,
    /// The detail below it.
    pub body: String,
}

/// How many subjects a grouped message names before "en N andere".
const NAMED_IN_GROUP: usize = 3;

/// Turns a burst of notices into messages: one per kind, grouped when a kind occurs more
/// than once, with switched-off kinds left out. Order follows the first of each kind.
pub fn group(notices: &[Notice], toggles: &NoticeToggles, lang: Language) -> Vec<Notification> {
    let mut kinds: Vec<NoticeKind> = Vec::new();
    for notice in notices {
        if toggles.allows(notice.kind) && !kinds.contains(&notice.kind) {
            kinds.push(notice.kind);
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            let of_kind: Vec<&Notice> = notices.iter().filter(|n| n.kind == kind).collect();
            match of_kind.as_slice() {
                [one] => single(one, lang),
                many => grouped(kind, many, lang),
            }
        })
        .collect()
}

fn single(notice: &Notice, lang: Language) -> Notification {
    let title = single_text(notice.kind, lang).to_owned();
    let body = match &notice.reason {
        Some(reason) if !notice.subject.is_empty() => format!("{}\n{reason}", notice.subject),
        Some(reason) => reason.clone(),
        None => notice.subject.clone(),
    };
    Notification { title, body }
}

fn grouped(kind: NoticeKind, notices: &[&Notice], lang: Language) -> Notification {
    let n = notices.len();
    let title = match kind {
        NoticeKind::FileSent => {
            format!(
                "{} {}",
                lang.count(n, ("bestand", "bestanden"), ("file", "files")),
                lang.pick("verzonden", "sent")
            )
        }
        NoticeKind::FileRefused => {
            format!(
                "{} {}",
                lang.count(n, ("bestand", "bestanden"), ("file", "files")),
                lang.pick("geweigerd", "refused")
            )
        }
        NoticeKind::DocumentDelivered => format!(
            "{} {}",
            lang.count(n, ("document", "documenten"), ("document", "documents")),
            lang.pick("afgeleverd", "delivered")
        ),
        NoticeKind::DocumentRejected => format!(
            "{} {}",
            lang.count(n, ("document", "documenten"), ("document", "documents")),
            lang.pick("afgewezen", "rejected")
        ),
        NoticeKind::InvoiceReceived => format!(
            "{} {}",
            lang.count(n, ("factuur", "facturen"), ("invoice", "invoices")),
            lang.pick("ontvangen", "received")
        ),
        // Repeats of these say nothing new: one message, as for a single notice.
        NoticeKind::MaintenanceStarting | NoticeKind::SignedOut => {
            return single(notices[n - 1], lang);
        }
    };
    let mut subjects: Vec<&str> = notices
        .iter()
        .map(|n| n.subject.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    subjects.dedup();
    let mut body = subjects
        .iter()
        .take(NAMED_IN_GROUP)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if subjects.len() > NAMED_IN_GROUP {
        let rest = subjects.len() - NAMED_IN_GROUP;
        body.push_str(
            &lang
                .pick(" en {n} andere", " and {n} more")
                .replace("{n}", &rest.to_string()),
        );
    }
    Notification { title, body }
}

fn single_text(kind: NoticeKind, lang: Language) -> &'static str {
    match kind {
        NoticeKind::FileSent => lang.pick("Verzonden", "Sent"),
        NoticeKind::FileRefused => lang.pick("Geweigerd", "Refused"),
        NoticeKind::DocumentDelivered => lang.pick("Afgeleverd", "Delivered"),
        NoticeKind::DocumentRejected => lang.pick("Afgewezen", "Rejected"),
        NoticeKind::InvoiceReceived => lang.pick("Factuur ontvangen", "Invoice received"),
        NoticeKind::MaintenanceStarting => lang.pick("Onderhoud begint", "Maintenance starting"),
        NoticeKind::SignedOut => lang.pick("Afgemeld: log opnieuw in", "Signed out: sign in again"),
    }
}

/// Collects notices until the burst is over: it flushes after `quiet` without a new
/// notice, or `max_wait` after the first one, whichever comes first. Time is passed in,
/// so the rule is tested without a clock.
#[derive(Debug)]
pub struct NoticeBatcher {
    quiet: Duration,
    max_wait: Duration,
    pending: Vec<Notice>,
    first_at: Option<Instant>,
    last_at: Option<Instant>,
}

impl NoticeBatcher {
    /// A batcher with the app's timing: 1.5 s of quiet, 10 s at most.
    pub fn new() -> Self {
        Self::with_timing(Duration::from_millis(1500), Duration::from_secs(10))
    }

    /// A batcher with explicit timing.
    pub fn with_timing(quiet: Duration, max_wait: Duration) -> Self {
        NoticeBatcher {
            quiet,
            max_wait,
            pending: Vec::new(),
            first_at: None,
            last_at: None,
        }
    }

    /// Adds a notice that arrived at `now`.
    pub fn push(&mut self, notice: Notice, now: Instant) {
        self.first_at.get_or_insert(now);
        self.last_at = Some(now);
        self.pending.push(notice);
    }

    /// When the pending batch is due, if anything is pending.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first_at?, self.last_at?);
        Some((last + self.quiet).min(first + self.max_wait))
    }

    /// Takes the batch if it is due at `now`.
    pub fn take_due(&mut self, now: Instant) -> Option<Vec<Notice>> {
        if self.deadline()? > now {
            return None;
        }
        self.first_at = None;
        self.last_at = None;
        Some(std::mem::take(&mut self.pending))
    }

    /// Everything held, due or not (the process is leaving); `None` when nothing is.
    pub fn take_all(&mut self) -> Option<Vec<Notice>> {
        self.first_at = None;
        self.last_at = None;
        let pending = std::mem::take(&mut self.pending);
        (!pending.is_empty()).then_some(pending)
    }
}

impl Default for NoticeBatcher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(name: &str) -> Notice {
        Notice::new(NoticeKind::FileSent, name)
    }

    #[test]
    fn one_file_sent_is_named() {
        let out = group(
            &[sent("factuur.pdf")],
            &NoticeToggles::default(),
            Language::Nl,
        );
        assert_eq!(
            out,
            vec![Notification {
                title: "Verzonden".into(),
                body: "factuur.pdf".into()
            }]
        );
    }

    #[test]
    fn twenty_five_files_sent_make_one_message() {
        let burst: Vec<Notice> = (1..=25).map(|i| sent(&format!("f{i}.pdf"))).collect();
        let out = group(&burst, &NoticeToggles::default(), Language::Nl);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].title, "25 bestanden verzonden");
        assert_eq!(out[0].body, "f1.pdf, f2.pdf, f3.pdf en 22 andere");
        let en = group(&burst, &NoticeToggles::default(), Language::En);
        assert_eq!(en[0].title, "25 files sent");
        assert_eq!(en[0].body, "f1.pdf, f2.pdf, f3.pdf and 22 more");
    }

    #[test]
    fn kinds_are_grouped_separately_in_order_of_arrival() {
        let burst = vec![
            Notice::with_reason(
                NoticeKind::FileRefused,
                "scan.jpg",
                "Geen pdf- of XML-bestand",
            ),
            sent("a.pdf"),
            sent("b.pdf"),
            Notice::new(NoticeKind::InvoiceReceived, "INV-1"),
        ];
        let out = group(&burst, &NoticeToggles::default(), Language::Nl);
        let titles: Vec<&str> = out.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Geweigerd", "2 bestanden verzonden", "Factuur ontvangen"]
        );
        assert_eq!(out[0].body, "scan.jpg\nGeen pdf- of XML-bestand");
        assert_eq!(out[1].body, "a.pdf, b.pdf");
    }

    #[test]
    fn switched_off_kinds_are_left_out() {
        let mut toggles = NoticeToggles::default();
        toggles.set(NoticeKind::FileSent, false);
        let burst = vec![
            sent("a.pdf"),
            Notice::new(NoticeKind::DocumentDelivered, "D-7"),
        ];
        let out = group(&burst, &toggles, Language::En);
        assert_eq!(
            out,
            vec![Notification {
                title: "Delivered".into(),
                body: "D-7".into()
            }]
        );
    }

    #[test]
    fn repeated_maintenance_is_said_once() {
        let burst = vec![
            Notice::new(NoticeKind::MaintenanceStarting, "20:00"),
            Notice::new(NoticeKind::MaintenanceStarting, "20:00"),
        ];
        let out = group(&burst, &NoticeToggles::default(), Language::Nl);
        assert_eq!(
            out,
            vec![Notification {
                title: "Onderhoud begint".into(),
                body: "20:00".into()
            }]
        );
    }

    #[test]
    fn one_invoice_and_one_document_use_the_singular() {
        let burst = vec![
            Notice::new(NoticeKind::DocumentRejected, "D-1"),
            Notice::new(NoticeKind::DocumentRejected, "D-2"),
        ];
        let out = group(&burst, &NoticeToggles::default(), Language::Nl);
        assert_eq!(out[0].title, "2 documenten afgewezen");
        assert_eq!(
            Language::Nl.count(1, ("factuur", "facturen"), ("x", "y")),
            "1 factuur"
        );
    }

    #[test]
    fn batcher_waits_for_quiet_then_flushes_everything() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut b = NoticeBatcher::with_timing(ms(100), ms(1000));
        assert_eq!(b.deadline(), None);
        assert_eq!(b.take_due(t0), None);
        b.push(sent("a"), t0);
        b.push(sent("b"), t0 + ms(50));
        assert_eq!(b.deadline(), Some(t0 + ms(150)));
        assert_eq!(b.take_due(t0 + ms(149)), None);
        assert_eq!(b.take_due(t0 + ms(150)).map(|v| v.len()), Some(2));
        assert_eq!(b.deadline(), None, "empty after a flush");
    }

    #[test]
    fn take_all_hands_over_a_burst_before_it_is_due() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut b = NoticeBatcher::with_timing(ms(100), ms(1000));
        assert_eq!(b.take_all(), None, "nothing held");
        b.push(sent("a"), t0);
        b.push(sent("b"), t0 + ms(10));
        assert_eq!(b.take_due(t0 + ms(20)), None, "not due yet");
        assert_eq!(b.take_all().map(|v| v.len()), Some(2));
        assert_eq!(b.deadline(), None, "empty after taking all");
    }

    #[test]
    fn batcher_flushes_a_steady_stream_at_max_wait() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut b = NoticeBatcher::with_timing(ms(100), ms(300));
        for i in 0..10 {
            b.push(sent("x"), t0 + ms(i * 50));
        }
        assert_eq!(b.deadline(), Some(t0 + ms(300)));
    }
}
