//! Timestamps as stored: RFC 3339 in UTC with whole seconds ("2026-11-29T15:40:00Z"), so
//! that text comparison in SQL is time comparison.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Now, in the stored form.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// A moment in the stored form.
pub fn format(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// A platform timestamp (RFC 3339 with any offset, or a bare `YYYY-MM-DD` date) in the
/// stored form; text that is neither is kept as given.
pub fn normalise(text: &str) -> String {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return format(t);
    }
    if let Some(date) = parse_date(text) {
        return format(date.midnight().assume_utc());
    }
    text.to_string()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.get(..10)?, &fmt)
        .ok()
        .filter(|_| text.len() == 10)
}

/// The lower bound of a period filter: a date (its start) or a date-time.
pub fn period_start(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(date) = parse_date(text) {
        return Some(format(date.midnight().assume_utc()));
    }
    OffsetDateTime::parse(text, &Rfc3339).ok().map(format)
}

/// The exclusive upper bound of a period filter: a date (the start of the next day, so the
/// day itself is included) or a date-time.
pub fn period_end(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(date) = parse_date(text) {
        let next = date.next_day()?;
        return Some(format(next.midnight().assume_utc()));
    }
    OffsetDateTime::parse(text, &Rfc3339).ok().map(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_offsets_and_dates() {
        assert_eq!(
            normalise("2026-11-29T16:40:00.123+01:00"),
            "2026-11-29T15:40:00Z"
        );
        assert_eq!(normalise("2026-11-29"), "2026-11-29T00:00:00Z");
        assert_eq!(normalise("gisteren"), "gisteren");
        assert_eq!(
            period_end("2026-12-31").as_deref(),
            Some("2027-01-01T00:00:00Z")
        );
        assert_eq!(period_start("2026-02-30"), None);
    }
}
