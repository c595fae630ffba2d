//! Maintenance of the platform ("Standaard tijdsvenster onderhoudswerkzaamheden"): the
//! user's schedule of windows, the platform's own 503 answers, and what follows from both —
//! a notice before a window, a banner during it, and uploads held (without counting failed
//! attempts) until it is over, after which they go out by themselves.

pub mod amsterdam;
mod runner;
pub mod schedule;

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{Notify, watch};

pub use schedule::{MaintenanceSchedule, OneOffWindow, WeekDay, WeeklyWindow, Window};

use crate::error::{EngineError, ErrorCode};

/// Why uploads are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MaintenanceSource {
    /// A window of the user's schedule.
    Scheduled,
    /// The platform answered 503 (outside the schedule).
    Platform,
}

/// A window as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WindowInfo {
    /// Start, RFC 3339 UTC.
    pub start: String,
    /// End, RFC 3339 UTC.
    pub end: String,
    /// Start date in Amsterdam, "YYYY-MM-DD".
    pub start_date: String,
    /// Start, "HH:MM" Amsterdam.
    pub start_clock: String,
    /// End, "HH:MM" Amsterdam.
    pub end_clock: String,
}

impl WindowInfo {
    fn of(w: Window) -> WindowInfo {
        WindowInfo {
            start: rfc3339(w.start),
            end: rfc3339(w.end),
            start_date: amsterdam::date(w.start),
            start_clock: amsterdam::clock(w.start),
            end_clock: amsterdam::clock(w.end),
        }
    }
}

/// What the banner and Instellingen → Onderhoud show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceState {
    /// Maintenance is on now: uploads are held.
    pub active: bool,
    /// Why (when active).
    pub source: Option<MaintenanceSource>,
    /// Until when, RFC 3339 UTC (when active).
    pub until: Option<String>,
    /// Until when, "HH:MM" Amsterdam ("Onderhoud tot HH:MM").
    pub until_clock: Option<String>,
    /// The next scheduled window.
    pub next: Option<WindowInfo>,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// The maintenance service; clones share it. The shell builds one, gives it the saved
/// schedule and runs [`Maintenance::run`] beside the outbox.
#[derive(Clone)]
pub struct Maintenance {
    inner: Arc<Inner>,
}

struct Inner {
    schedule: Mutex<MaintenanceSchedule>,
    platform_until: Mutex<Option<OffsetDateTime>>,
    state: watch::Sender<MaintenanceState>,
    changed: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The values are plain data: a panic elsewhere leaves them usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for Maintenance {
    fn default() -> Self {
        Maintenance::new(MaintenanceSchedule::default())
    }
}

impl Maintenance {
    /// A service with a schedule (invalid windows are ignored by the computations).
    pub fn new(schedule: MaintenanceSchedule) -> Maintenance {
        Maintenance {
            inner: Arc::new(Inner {
                schedule: Mutex::new(schedule),
                platform_until: Mutex::new(None),
                state: watch::channel(MaintenanceState::default()).0,
                changed: Notify::new(),
            }),
        }
    }

    /// The schedule in force.
    pub fn schedule(&self) -> MaintenanceSchedule {
        lock(&self.inner.schedule).clone()
    }

    /// Replaces the schedule after checking it; the runner applies it at once.
    pub fn set_schedule(&self, schedule: MaintenanceSchedule) -> Result<(), EngineError> {
        schedule
            .validate()
            .map_err(|m| EngineError::new(ErrorCode::InvalidInput, m))?;
        *lock(&self.inner.schedule) = schedule;
        self.refresh(OffsetDateTime::now_utc());
        self.inner.changed.notify_one();
        Ok(())
    }

    /// The platform said it is in maintenance until `until` (503 + `Retry-After`).
    pub fn platform_unavailable(&self, until: OffsetDateTime) {
        {
            let mut current = lock(&self.inner.platform_until);
            if current.is_some_and(|c| c >= until) {
                return;
            }
            *current = Some(until);
        }
        self.refresh(OffsetDateTime::now_utc());
        self.inner.changed.notify_one();
    }

    /// The state now.
    pub fn state(&self) -> MaintenanceState {
        self.inner.state.borrow().clone()
    }

    /// Follows the state (for the banner).
    pub fn updates(&self) -> watch::Receiver<MaintenanceState> {
        self.inner.state.subscribe()
    }

    /// The scheduled window on at `now`, if any.
    pub fn scheduled_at(&self, now: OffsetDateTime) -> Option<Window> {
        lock(&self.inner.schedule).active_at(now)
    }

    /// Works out the state at `now` (a scheduled window wins over the platform's word,
    /// the later end wins when both are on).
    pub fn evaluate(&self, now: OffsetDateTime) -> MaintenanceState {
        let schedule = self.schedule();
        let scheduled = schedule.active_at(now);
        let platform = lock(&self.inner.platform_until).filter(|until| *until > now);
        let (source, until) = match (scheduled, platform) {
            (Some(w), Some(p)) if p > w.end => (Some(MaintenanceSource::Platform), Some(p)),
            (Some(w), _) => (Some(MaintenanceSource::Scheduled), Some(w.end)),
            (None, Some(p)) => (Some(MaintenanceSource::Platform), Some(p)),
            (None, None) => (None, None),
        };
        MaintenanceState {
            active: until.is_some(),
            source,
            until: until.map(rfc3339),
            until_clock: until.map(amsterdam::clock),
            next: schedule.next_after(now).map(WindowInfo::of),
        }
    }

    /// Recomputes and publishes the state (subscribers hear only real changes).
    fn refresh(&self, now: OffsetDateTime) -> MaintenanceState {
        let state = self.evaluate(now);
        self.inner.state.send_if_modified(|current| {
            let changed = *current != state;
            if changed {
                *current = state.clone();
            }
            changed
        });
        state
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_platform_s_word_shows_until_retry_after() {
        let m = Maintenance::default();
        let now = OffsetDateTime::now_utc();
        assert!(!m.evaluate(now).active);
        m.platform_unavailable(now + time::Duration::minutes(10));
        let state = m.state();
        assert!(state.active);
        assert_eq!(state.source, Some(MaintenanceSource::Platform));
        assert_eq!(
            state.until_clock,
            Some(amsterdam::clock(now + time::Duration::minutes(10)))
        );
        assert!(!m.evaluate(now + time::Duration::minutes(11)).active);
    }

    #[test]
    fn a_scheduled_window_is_reported_with_its_end_and_the_next_one() {
        let m = Maintenance::new(MaintenanceSchedule {
            weekly: vec![WeeklyWindow {
                weekday: WeekDay::Saturday,
                start: "22:00".into(),
                minutes: 120,
            }],
            ..MaintenanceSchedule::default()
        });
        let on = m.evaluate(datetime!(2026-06-06 20:30 UTC));
        assert!(on.active);
        assert_eq!(on.source, Some(MaintenanceSource::Scheduled));
        assert_eq!(on.until_clock.as_deref(), Some("00:00"));
        let next = on.next.expect("next week");
        assert_eq!(next.start_date, "2026-06-13");
        assert_eq!(
            (next.start_clock.as_str(), next.end_clock.as_str()),
            ("22:00", "00:00")
        );
    }

    #[test]
    fn an_invalid_schedule_is_refused_and_the_old_one_kept() {
        let m = Maintenance::default();
        let bad = MaintenanceSchedule {
            weekly: vec![WeeklyWindow {
                weekday: WeekDay::Monday,
                start: "99:00".into(),
                minutes: 10,
            }],
            ..MaintenanceSchedule::default()
        };
        let err = m.set_schedule(bad).expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(m.schedule().weekly.is_empty());
    }
}
