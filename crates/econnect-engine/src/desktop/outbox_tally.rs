//! Turns the intake's per-file progress into what the tray shows (files queued, uploading,
//! failed) and the notices that go out (file sent, file refused).

use std::collections::HashMap;

use econnect_intake::{IntakeEvent, Stage};

use super::notices::{Notice, NoticeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Queued,
    Uploading,
    Failed,
}

/// The files the intake is busy with, by outbox id (or path before there is one).
#[derive(Debug, Default)]
pub struct OutboxTally {
    files: HashMap<String, Bucket>,
}

impl OutboxTally {
    /// Takes one progress event; returns the notice it warrants, if any.
    pub fn take(&mut self, event: &IntakeEvent) -> Option<Notice> {
        let key = event
            .outbox_id
            .clone()
            .unwrap_or_else(|| event.path.clone());
        if event.outbox_id.is_some() {
            // The row now has an id: forget the entry it had under its path.
            self.files.remove(&event.path);
        }
        let (bucket, notice) = match &event.stage {
            Stage::Controleren | Stage::Wachten | Stage::Opnieuw { .. } => {
                (Some(Bucket::Queued), None)
            }
            Stage::Uploaden { .. } => (Some(Bucket::Uploading), None),
            Stage::Verzonden { .. } => (
                None,
                Some(Notice::new(NoticeKind::FileSent, &event.file_name)),
            ),
            Stage::Mislukt { refusal } | Stage::Dood { refusal } => (
                Some(Bucket::Failed),
                Some(Notice::with_reason(
                    NoticeKind::FileRefused,
                    &event.file_name,
                    &refusal.message,
                )),
            ),
            Stage::Duplicaat { .. } => (None, None),
        };
        match bucket {
            Some(bucket) => self.files.insert(key, bucket),
            None => self.files.remove(&key),
        };
        notice
    }

    /// Files queued, uploading and failed, for the tray.
    pub fn counts(&self) -> (u32, u32, u32) {
        let count = |b: Bucket| self.files.values().filter(|v| **v == b).count() as u32;
        (
            count(Bucket::Queued),
            count(Bucket::Uploading),
            count(Bucket::Failed),
        )
    }
}

/// The local time as the tray's event list shows it ("14:05").
pub fn local_clock() -> String {
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    format!("{:02}:{:02}", now.hour(), now.minute())
}

#[cfg(test)]
mod tests {
    use econnect_intake::{Refusal, RefusalCode};

    use super::*;

    fn event(id: Option<&str>, stage: Stage) -> IntakeEvent {
        IntakeEvent {
            outbox_id: id.map(str::to_owned),
            party_id: "0106:12345678".into(),
            path: "/in/f.pdf".into(),
            file_name: "f.pdf".into(),
            stage,
        }
    }

    #[test]
    fn a_file_moves_from_queued_to_uploading_to_sent() {
        let mut tally = OutboxTally::default();
        assert_eq!(tally.take(&event(None, Stage::Controleren)), None);
        assert_eq!(tally.counts(), (1, 0, 0));
        tally.take(&event(Some("a"), Stage::Wachten));
        assert_eq!(
            tally.counts(),
            (1, 0, 0),
            "the path entry gives way to the id"
        );
        tally.take(&event(
            Some("a"),
            Stage::Uploaden {
                bytes_sent: 0,
                bytes_total: 10,
            },
        ));
        assert_eq!(tally.counts(), (0, 1, 0));
        let notice = tally.take(&event(
            Some("a"),
            Stage::Verzonden {
                document_id: "d".into(),
                already_there: false,
            },
        ));
        assert_eq!(notice.map(|n| n.kind), Some(NoticeKind::FileSent));
        assert_eq!(tally.counts(), (0, 0, 0));
    }

    #[test]
    fn a_refusal_counts_as_failed_and_says_why() {
        let mut tally = OutboxTally::default();
        let refusal = Refusal::new(
            RefusalCode::PdfProtected,
            "Document beveiligd",
            "Document protected",
        );
        let notice = tally
            .take(&event(Some("b"), Stage::Mislukt { refusal }))
            .expect("a notice");
        assert_eq!(notice.kind, NoticeKind::FileRefused);
        assert_eq!(notice.reason.as_deref(), Some("Document beveiligd"));
        assert_eq!(tally.counts(), (0, 0, 1));
        tally.take(&event(Some("b"), Stage::Wachten));
        assert_eq!(tally.counts(), (1, 0, 0), "a retried file is queued again");
    }
}
