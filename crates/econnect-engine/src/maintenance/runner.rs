//! The loop that turns the schedule and the platform's 503 answers into effects: the
//! scheduled hold on the outbox, the state for the banner, and the notices.

use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::{Maintenance, MaintenanceSource, amsterdam};
use crate::desktop::{Notice, NoticeKind};
use crate::outbox::Outbox;

/// The loop wakes at least this often (the clock may jump, e.g. after a suspend).
const LONGEST_SLEEP: Duration = Duration::from_secs(30);

/// An `Instant` for a wall-clock time (for the intake's hold, which uses `Instant`).
fn instant_at(at: OffsetDateTime, now: OffsetDateTime) -> Instant {
    let ahead = (at - now).max(time::Duration::ZERO);
    Instant::now() + Duration::try_from(ahead).unwrap_or(Duration::ZERO)
}

impl Maintenance {
    /// Applies the schedule until the task is dropped: holds the outbox during a window
    /// and lifts the hold after it, keeps the state current, and tells `notify` about a
    /// window `notice_minutes` before it starts and when the platform goes into maintenance.
    pub async fn run(self, outbox: Arc<Outbox>, notify: impl Fn(Notice) + Send + Sync + 'static) {
        let mut platform = outbox.platform_maintenance();
        let mut platform_open = true;
        let mut announced: Option<OffsetDateTime> = None;
        let mut held: Option<OffsetDateTime> = None;
        let mut was_platform = false;
        loop {
            let now = OffsetDateTime::now_utc();
            let scheduled = self.scheduled_at(now);
            let end = scheduled.map(|w| w.end);
            if end != held {
                outbox
                    .set_scheduled_hold(end.map(|e| instant_at(e, now)))
                    .await;
                held = end;
            }
            let state = self.refresh(now);
            let is_platform = state.source == Some(MaintenanceSource::Platform);
            if is_platform
                && !was_platform
                && let Some(until) = &state.until_clock
            {
                notify(Notice::new(
                    NoticeKind::MaintenanceStarting,
                    format!("→ {until}"),
                ));
            }
            was_platform = is_platform;

            let schedule = self.schedule();
            let mut wake = now + time::Duration::try_from(LONGEST_SLEEP).unwrap_or_default();
            if let Some(next) = schedule.next_after(now) {
                let lead = time::Duration::minutes(i64::from(schedule.notice_minutes));
                let notice_at = next.start - lead;
                if schedule.notice_minutes > 0 && now >= notice_at && announced != Some(next.start)
                {
                    notify(Notice::new(
                        NoticeKind::MaintenanceStarting,
                        format!(
                            "{} {}–{}",
                            amsterdam::date(next.start),
                            amsterdam::clock(next.start),
                            amsterdam::clock(next.end)
                        ),
                    ));
                    announced = Some(next.start);
                }
                if now < notice_at {
                    wake = wake.min(notice_at);
                }
                wake = wake.min(next.start);
            }
            if let Some(end) = end {
                wake = wake.min(end);
            }
            if let Some(until) = state.until.as_deref().and_then(parse_rfc3339) {
                wake = wake.min(until);
            }
            let sleep = Duration::try_from(wake - now)
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(10), LONGEST_SLEEP);
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = self.inner.changed.notified() => {}
                changed = platform.changed(), if platform_open => match changed {
                    Ok(()) => {
                        let until = *platform.borrow_and_update();
                        if let Some(until) = until {
                            self.platform_unavailable(until);
                        }
                    }
                    Err(_) => platform_open = false,
                },
            }
        }
    }
}

fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}
