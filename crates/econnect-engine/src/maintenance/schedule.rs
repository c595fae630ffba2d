//! The maintenance schedule: weekly windows ("elke zaterdag 22:00, 4 uur") and one-off
//! windows, all in Europe/Amsterdam time, and the questions the runner asks of it: is a
//! window on now, until when, and which one comes next.
//!
//! No window is preset. The help-centre article "Standaard tijdsvenster
//! onderhoudswerkzaamheden" (our only source, /work/shared/help-centre-articles.txt) says
//! that eConnect keeps a standard maintenance window but its public text does not state
//! the day or hours, so we cannot confirm a value; the platform's 503 answers (with
//! `Retry-After`) drive the app until the user enters the window they were told.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};

use super::amsterdam;

/// Minutes in a week: a weekly window is at most this long.
const WEEK_MINUTES: u32 = 7 * 24 * 60;
/// Windows a schedule may hold (each kind).
const MAX_WINDOWS: usize = 50;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum WeekDay {
    /// Maandag.
    Monday,
    /// Dinsdag.
    Tuesday,
    /// Woensdag.
    Wednesday,
    /// Donderdag.
    Thursday,
    /// Vrijdag.
    Friday,
    /// Zaterdag.
    Saturday,
    /// Zondag.
    Sunday,
}

impl WeekDay {
    fn matches(self, day: time::Weekday) -> bool {
        use time::Weekday as W;
        matches!(
            (self, day),
            (WeekDay::Monday, W::Monday)
                | (WeekDay::Tuesday, W::Tuesday)
                | (WeekDay::Wednesday, W::Wednesday)
                | (WeekDay::Thursday, W::Thursday)
                | (WeekDay::Friday, W::Friday)
                | (WeekDay::Saturday, W::Saturday)
                | (WeekDay::Sunday, W::Sunday)
        )
    }
}

/// A window that comes back every week; it may run past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyWindow {
    /// The day it starts on.
    pub weekday: WeekDay,
    /// Start, "HH:MM" Amsterdam time.
    pub start: String,
    /// Length in minutes (1 … one week).
    pub minutes: u32,
}

/// A window that happens once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OneOffWindow {
    /// Start, "YYYY-MM-DDTHH:MM" Amsterdam time.
    pub start: String,
    /// End, "YYYY-MM-DDTHH:MM" Amsterdam time, after the start.
    pub end: String,
}

/// The user's maintenance schedule (kept in the desktop settings file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct MaintenanceSchedule {
    /// Windows every week.
    pub weekly: Vec<WeeklyWindow>,
    /// Windows once.
    pub once: Vec<OneOffWindow>,
    /// How many minutes before a window the notice goes out (0: none).
    pub notice_minutes: u32,
}

impl Default for MaintenanceSchedule {
    fn default() -> Self {
        MaintenanceSchedule {
            weekly: Vec::new(),
            once: Vec::new(),
            notice_minutes: 30,
        }
    }
}

/// One concrete occurrence of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// When it starts.
    pub start: OffsetDateTime,
    /// When it ends.
    pub end: OffsetDateTime,
}

/// Parses "HH:MM".
fn parse_clock(text: &str) -> Option<Time> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

/// Parses "YYYY-MM-DDTHH:MM" (a space instead of the T is fine too).
fn parse_local(text: &str) -> Option<PrimitiveDateTime> {
    let text = text.trim();
    let (date, clock) = text.split_once('T').or_else(|| text.split_once(' '))?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let date = time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, parse_clock(clock)?))
}

impl MaintenanceSchedule {
    /// Checks every window; the message (Dutch) names the first wrong one.
    pub fn validate(&self) -> Result<(), String> {
        if self.weekly.len() > MAX_WINDOWS || self.once.len() > MAX_WINDOWS {
            return Err(format!(
                "Te veel vensters (ten hoogste {MAX_WINDOWS} per soort)"
            ));
        }
        if self.notice_minutes > 24 * 60 {
            return Err("Een melding kan ten hoogste 24 uur vooraf".into());
        }
        for w in &self.weekly {
            if parse_clock(&w.start).is_none() {
                return Err(format!("Ongeldige begintijd '{}': gebruik UU:MM", w.start));
            }
            if w.minutes == 0 || w.minutes > WEEK_MINUTES {
                return Err(format!(
                    "Een wekelijks venster duurt 1 minuut tot een week, niet {} minuten",
                    w.minutes
                ));
            }
        }
        for w in &self.once {
            let (Some(start), Some(end)) = (parse_local(&w.start), parse_local(&w.end)) else {
                return Err(format!(
                    "Ongeldig venster '{}' – '{}': gebruik JJJJ-MM-DD UU:MM",
                    w.start, w.end
                ));
            };
            if end <= start {
                return Err(format!(
                    "Het venster '{}' eindigt niet na het begin",
                    w.start
                ));
            }
        }
        Ok(())
    }

    /// Every occurrence that overlaps `[from, to)`, unsorted. Weekly windows are expanded
    /// over the local days around the range (a window may have started up to a week before).
    fn occurrences(&self, from: OffsetDateTime, to: OffsetDateTime) -> Vec<Window> {
        let mut out = Vec::new();
        let first = amsterdam::local_date(from) - Duration::days(8);
        let last = amsterdam::local_date(to) + Duration::days(1);
        for w in &self.weekly {
            let Some(start) = parse_clock(&w.start) else {
                continue;
            };
            let mut day = first;
            while day <= last {
                if w.weekday.matches(day.weekday()) {
                    let begin = amsterdam::from_local(PrimitiveDateTime::new(day, start));
                    let end = begin + Duration::minutes(i64::from(w.minutes));
                    if end > from && begin < to {
                        out.push(Window { start: begin, end });
                    }
                }
                day = day.next_day().unwrap_or(last + Duration::DAY);
            }
        }
        for w in &self.once {
            if let (Some(s), Some(e)) = (parse_local(&w.start), parse_local(&w.end)) {
                let (begin, end) = (amsterdam::from_local(s), amsterdam::from_local(e));
                if end > begin && end > from && begin < to {
                    out.push(Window { start: begin, end });
                }
            }
        }
        out
    }

    /// The window on at `now`, joined with windows that overlap or touch it (so the hold
    /// ends when maintenance really ends).
    pub fn active_at(&self, now: OffsetDateTime) -> Option<Window> {
        let horizon = now + Duration::days(15);
        let mut windows = self.occurrences(now, horizon);
        windows.sort_by_key(|w| w.start);
        let mut active: Option<Window> = None;
        for w in windows {
            match active.as_mut() {
                None if w.start <= now && now < w.end => active = Some(w),
                Some(a) if w.start <= a.end => a.end = a.end.max(w.end),
                _ => {}
            }
        }
        active
    }

    /// The next window that starts after `now` (one on now is not "next").
    pub fn next_after(&self, now: OffsetDateTime) -> Option<Window> {
        let far = now + Duration::days(3660);
        let horizon = now + Duration::days(15);
        let weekly = self.occurrences(now, horizon);
        let once = self.occurrences(now, far);
        weekly
            .into_iter()
            .chain(once)
            .filter(|w| w.start > now)
            .min_by_key(|w| w.start)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn weekly(weekday: WeekDay, start: &str, minutes: u32) -> MaintenanceSchedule {
        MaintenanceSchedule {
            weekly: vec![WeeklyWindow {
                weekday,
                start: start.into(),
                minutes,
            }],
            ..MaintenanceSchedule::default()
        }
    }

    #[test]
    fn nothing_is_preset() {
        let s = MaintenanceSchedule::default();
        assert!(s.weekly.is_empty() && s.once.is_empty());
        assert_eq!(s.active_at(datetime!(2026-06-06 21:00 UTC)), None);
        assert_eq!(s.next_after(datetime!(2026-06-06 21:00 UTC)), None);
    }

    #[test]
    fn a_weekly_window_across_midnight_is_on_after_midnight_too() {
        // Saturday 22:00 for 4 hours (Amsterdam summer time, UTC+2): until Sunday 02:00.
        let s = weekly(WeekDay::Saturday, "22:00", 240);
        // 2026-06-06 is a Saturday.
        assert_eq!(s.active_at(datetime!(2026-06-06 19:59 UTC)), None);
        let on = s
            .active_at(datetime!(2026-06-06 20:00 UTC))
            .expect("on at 22:00");
        assert_eq!(on.end, datetime!(2026-06-07 00:00 UTC));
        // Sunday 01:30 local is still inside.
        let late = s
            .active_at(datetime!(2026-06-06 23:30 UTC))
            .expect("on after midnight");
        assert_eq!(amsterdam::clock(late.end), "02:00");
        assert_eq!(s.active_at(datetime!(2026-06-07 00:00 UTC)), None);
        // And it is next week again.
        let next = s.next_after(datetime!(2026-06-07 00:00 UTC)).expect("next");
        assert_eq!(next.start, datetime!(2026-06-13 20:00 UTC));
    }

    #[test]
    fn weekly_windows_follow_amsterdam_winter_time() {
        let s = weekly(WeekDay::Saturday, "22:00", 60);
        // 2026-12-05 is a Saturday; 22:00 CET is 21:00 UTC.
        let on = s.active_at(datetime!(2026-12-05 21:30 UTC)).expect("on");
        assert_eq!(on.start, datetime!(2026-12-05 21:00 UTC));
        assert_eq!(amsterdam::clock(on.end), "23:00");
    }

    #[test]
    fn a_one_off_window_is_on_once() {
        let s = MaintenanceSchedule {
            once: vec![OneOffWindow {
                start: "2026-06-10T06:00".into(),
                end: "2026-06-10T07:30".into(),
            }],
            ..MaintenanceSchedule::default()
        };
        let before = datetime!(2026-06-01 00:00 UTC);
        assert_eq!(
            s.next_after(before).map(|w| w.start),
            Some(datetime!(2026-06-10 04:00 UTC))
        );
        let on = s.active_at(datetime!(2026-06-10 05:00 UTC)).expect("on");
        assert_eq!(amsterdam::clock(on.end), "07:30");
        assert_eq!(s.active_at(datetime!(2026-06-10 05:30 UTC)), None);
        assert_eq!(s.next_after(datetime!(2026-06-10 05:30 UTC)), None);
    }

    #[test]
    fn touching_windows_make_one_hold() {
        let mut s = weekly(WeekDay::Saturday, "22:00", 120);
        s.once.push(OneOffWindow {
            start: "2026-06-07T00:00".into(),
            end: "2026-06-07T03:00".into(),
        });
        let on = s.active_at(datetime!(2026-06-06 21:00 UTC)).expect("on");
        assert_eq!(amsterdam::clock(on.end), "03:00");
    }

    #[test]
    fn wrong_windows_are_refused_with_a_reason() {
        assert!(weekly(WeekDay::Monday, "25:00", 10).validate().is_err());
        assert!(weekly(WeekDay::Monday, "9:00", 10).validate().is_err());
        assert!(weekly(WeekDay::Monday, "09:00", 0).validate().is_err());
        assert!(weekly(WeekDay::Monday, "09:00", 60).validate().is_ok());
        let backwards = MaintenanceSchedule {
            once: vec![OneOffWindow {
                start: "2026-06-10T08:00".into(),
                end: "2026-06-10T07:00".into(),
            }],
            ..MaintenanceSchedule::default()
        };
        let err = backwards.validate().expect_err("end before start");
        assert!(err.contains("eindigt niet na het begin"), "{err}");
    }

    #[test]
    fn the_schedule_round_trips_as_json() {
        let s = weekly(WeekDay::Sunday, "03:00", 90);
        let json = serde_json::to_value(&s).expect("json");
        assert_eq!(json["weekly"][0]["weekday"], "sunday");
        assert_eq!(json["noticeMinutes"], 30);
        let back: MaintenanceSchedule = serde_json::from_value(json).expect("back");
        assert_eq!(back, s);
    }
}
