//! The overview of what needs attention across organisations (the start screen, the
//! counts on Organisaties, the sidebar's badge).

use econnect_store::Attention;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::engine::Engine;
use crate::error::EngineError;

/// Failed and rejected documents count for this many days: older ones were dealt with or
/// are history, and a count that never goes down would stop meaning anything.
pub const PROBLEM_DAYS: i64 = 30;
/// A received invoice without an answer is "new" for this many days.
pub const NEW_DAYS: i64 = 7;

/// Every organisation's counts, worst first, with the periods they cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AttentionOverview {
    /// First day (`YYYY-MM-DD`) of the period for failed and rejected documents.
    pub since: String,
    /// First day (`YYYY-MM-DD`) of the period for newly received invoices.
    pub new_since: String,
    /// The organisations, worst first.
    pub organisations: Vec<Attention>,
}

/// The first day of a period of `days` days ending today (UTC, as the document list's
/// period filter reads dates).
fn days_back(today: OffsetDateTime, days: i64) -> String {
    let date = (today - Duration::days(days - 1)).date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl Engine {
    /// What needs attention per organisation, from the cache.
    pub async fn attention(&self) -> Result<AttentionOverview, EngineError> {
        let session = self.require().await?;
        let now = OffsetDateTime::now_utc();
        let since = days_back(now, PROBLEM_DAYS);
        let new_since = days_back(now, NEW_DAYS);
        let organisations = session.store.attention(&since, &new_since).await?;
        Ok(AttentionOverview {
            since,
            new_since,
            organisations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_of_days_includes_today() {
        let today = time::macros::datetime!(2026-12-06 05:00 UTC);
        assert_eq!(days_back(today, 1), "2026-12-06");
        assert_eq!(days_back(today, 7), "2026-11-30");
        assert_eq!(days_back(today, 30), "2026-11-07");
    }
}
