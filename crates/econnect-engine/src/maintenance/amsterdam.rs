//! Europe/Amsterdam wall-clock time, which the maintenance schedule is written in (the
//! platform is Dutch; a window "zaterdag 22:00" means Dutch time wherever the laptop is).
//!
//! The workspace has no time-zone database, and one zone needs none: since 1996 the EU rule
//! is CET (UTC+1) in winter and CEST (UTC+2) from the last Sunday of March 01:00 UTC until
//! the last Sunday of October 01:00 UTC (Directive 2000/84/EC).

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

const CET: UtcOffset = match UtcOffset::from_hms(1, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};
const CEST: UtcOffset = match UtcOffset::from_hms(2, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The last Sunday of a month, at 01:00 UTC (when the EU changes the clocks).
fn switch_at(year: i32, month: Month) -> OffsetDateTime {
    let days = month.length(year);
    let mut day = Date::from_calendar_date(year, month, days).unwrap_or(Date::MIN);
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day().unwrap_or(day);
    }
    PrimitiveDateTime::new(day, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc()
}

/// The offset Amsterdam uses at an instant.
pub fn offset_at(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    if utc >= switch_at(year, Month::March) && utc < switch_at(year, Month::October) {
        CEST
    } else {
        CET
    }
}

/// An instant as Amsterdam's wall clock shows it.
pub fn to_local(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(offset_at(at))
}

/// The instant a wall-clock time in Amsterdam stands for. In the autumn hour that happens
/// twice the first (summer-time) one is meant; a time in the spring gap (02:00–03:00, which
/// does not exist) is read as winter time, i.e. an hour later on the clock.
pub fn from_local(local: PrimitiveDateTime) -> OffsetDateTime {
    for offset in [CEST, CET] {
        let at = local.assume_offset(offset);
        if offset_at(at) == offset {
            return at;
        }
    }
    local.assume_offset(CET)
}

/// "HH:MM" in Amsterdam.
pub fn clock(at: OffsetDateTime) -> String {
    let local = to_local(at);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// "YYYY-MM-DD" in Amsterdam.
pub fn date(at: OffsetDateTime) -> String {
    let local = to_local(at);
    format!(
        "{:04}-{:02}-{:02}",
        local.year(),
        u8::from(local.month()),
        local.day()
    )
}

/// Midnight of the Amsterdam day an instant falls on, as a local date.
pub fn local_date(at: OffsetDateTime) -> Date {
    to_local(at).date()
}

/// One day, for walking dates.
pub const DAY: Duration = Duration::DAY;

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn winter_is_utc_plus_one_and_summer_plus_two() {
        assert_eq!(offset_at(datetime!(2026-01-15 12:00 UTC)), CET);
        assert_eq!(offset_at(datetime!(2026-07-15 12:00 UTC)), CEST);
        assert_eq!(clock(datetime!(2026-07-15 20:00 UTC)), "22:00");
        assert_eq!(clock(datetime!(2026-01-15 21:00 UTC)), "22:00");
    }

    #[test]
    fn clocks_change_on_the_last_sundays_of_march_and_october() {
        // 2026: 29 March and 25 October.
        assert_eq!(offset_at(datetime!(2026-03-29 00:59 UTC)), CET);
        assert_eq!(offset_at(datetime!(2026-03-29 01:00 UTC)), CEST);
        assert_eq!(offset_at(datetime!(2026-10-25 00:59 UTC)), CEST);
        assert_eq!(offset_at(datetime!(2026-10-25 01:00 UTC)), CET);
    }

    #[test]
    fn local_times_map_back_including_the_gap_and_the_double_hour() {
        assert_eq!(
            from_local(datetime!(2026-07-15 22:00)),
            datetime!(2026-07-15 20:00 UTC)
        );
        // 02:30 on 29 March 2026 does not exist: read as winter time (= 03:30 CEST).
        assert_eq!(
            from_local(datetime!(2026-03-29 02:30)),
            datetime!(2026-03-29 01:30 UTC)
        );
        // 02:30 on 25 October 2026 happens twice: the first one (summer time).
        assert_eq!(
            from_local(datetime!(2026-10-25 02:30)),
            datetime!(2026-10-25 00:30 UTC)
        );
        assert_eq!(date(datetime!(2026-12-31 23:30 UTC)), "2027-01-01");
    }
}
