//! The totals row of the document list: how many documents a filter holds and what their
//! amounts add up to, per currency.

use serde::{Deserialize, Serialize};

/// The sum of one currency's amounts in a filtered set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyTotal {
    /// Currency code; `None` for documents without one (often without an amount too).
    pub currency: Option<String>,
    /// Documents in this currency.
    pub count: u32,
    /// Documents in this currency that have an amount.
    pub with_amount: u32,
    /// The sum as decimal text with two decimals (`"1234.50"`, `"-3.00"`).
    pub amount: String,
}

/// The totals of one filtered set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub total: u32,
    pub by_currency: Vec<CurrencyTotal>,
    /// A search within one organisation that matches all its documents but a few: those
    /// few (a JSON array of seqs). Summed as the organisation minus them; pages leave them
    /// out.
    pub outside_party: Option<String>,
}

impl Totals {
    /// From the rows of `SELECT currency, COUNT(*), COUNT(amount_cents), SUM(amount_cents)
    /// … GROUP BY currency`; currencies with most documents first.
    pub(crate) fn from_groups(groups: Vec<(Option<String>, i64, i64, Option<i64>)>) -> Totals {
        let mut by_currency: Vec<CurrencyTotal> = groups
            .into_iter()
            .map(|(currency, count, with_amount, cents)| CurrencyTotal {
                currency,
                count: u32::try_from(count).unwrap_or(u32::MAX),
                with_amount: u32::try_from(with_amount).unwrap_or(u32::MAX),
                amount: cents_text(cents.unwrap_or(0)),
            })
            .collect();
        by_currency.sort_by(|a, b| b.count.cmp(&a.count).then(a.currency.cmp(&b.currency)));
        let total = by_currency
            .iter()
            .fold(0u32, |sum, c| sum.saturating_add(c.count));
        Totals {
            total,
            by_currency,
            outside_party: None,
        }
    }
}

/// Cents as decimal text: 123450 → "1234.50", -5 → "-0.05".
pub fn cents_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_become_decimal_text() {
        assert_eq!(cents_text(123_450), "1234.50");
        assert_eq!(cents_text(-5), "-0.05");
        assert_eq!(cents_text(0), "0.00");
    }

    #[test]
    fn groups_sum_to_the_total_largest_currency_first() {
        let t = Totals::from_groups(vec![
            (Some("USD".into()), 2, 2, Some(1000)),
            (Some("EUR".into()), 5, 4, Some(250_075)),
            (None, 1, 0, None),
        ]);
        assert_eq!(t.total, 8);
        assert_eq!(t.by_currency[0].currency.as_deref(), Some("EUR"));
        assert_eq!(t.by_currency[0].amount, "2500.75");
        assert_eq!(t.by_currency[2].amount, "0.00");
    }
}
