//! The virtual clock: real time plus an offset that tests move forward.

use std::sync::atomic::{AtomicI64, Ordering};

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// Real UTC time shifted by an offset that only ever grows (via `/_sandbox/time/advance`).
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// The sandbox's current time.
    pub fn now(&self) -> OffsetDateTime {
        let real = OffsetDateTime::now_utc();
        real.checked_add(Duration::milliseconds(
            self.offset_ms.load(Ordering::Relaxed),
        ))
        .unwrap_or(real)
    }

    /// Moves the clock forward; negative values are ignored so histories never run backwards.
    pub fn advance(&self, seconds: i64) {
        if seconds > 0 {
            let add = seconds.min(MAX_OFFSET_MS / 1000) * 1000;
            let _ = self
                .offset_ms
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                    Some(cur.saturating_add(add).min(MAX_OFFSET_MS))
                });
        }
    }
}

/// The clock never runs more than about 1000 years ahead (date arithmetic stays in range).
const MAX_OFFSET_MS: i64 = 1000 * 366 * 86_400 * 1000;

/// RFC 3339 text of a timestamp (the platform's date-time format).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// `YYYY-MM-DD` of a timestamp.
pub fn date(t: OffsetDateTime) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
