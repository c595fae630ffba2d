//! The export's columns: one [`Record`] per document, with dates and amounts kept as
//! values so each file type writes them its own way.

use econnect_store::DocumentRow;
use econnect_store::documents::{Channel, Direction};

use crate::desktop::Language;

/// A calendar date (year, month, day).
pub type Date = (u16, u8, u8);

/// The column titles, Dutch and English.
pub(crate) fn header(language: Language) -> [&'static str; 13] {
    match language {
        Language::Nl => [
            "Organisatie",
            "Richting",
            "Kanaal",
            "Status",
            "Factuurnummer",
            "Factuurdatum",
            "Relatie",
            "Relatie-nummer",
            "Bedrag",
            "Valuta",
            // The day received or sent; "Datum" on screen is the invoice date when there
            // is one (the column before), so the export names this one by what it holds.
            "Ontvangen/verzonden op",
            "Bestand",
            "Documentnummer",
        ],
        Language::En => [
            "Organisation",
            "Direction",
            "Channel",
            "Status",
            "Invoice number",
            "Invoice date",
            "Counterparty",
            "Counterparty number",
            "Amount",
            "Currency",
            "Received/sent on",
            "File",
            "Document number",
        ],
    }
}

/// One document as the export writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Organisation name.
    pub organisation: String,
    /// "Verzonden" / "Ontvangen".
    pub direction: String,
    /// The channel in words.
    pub channel: String,
    /// The status in words.
    pub status: String,
    /// Invoice number.
    pub invoice_number: String,
    /// Issue date.
    pub issue_date: Option<Date>,
    /// The other side's name.
    pub counterparty: String,
    /// The other side's party number.
    pub counterparty_id: String,
    /// Amount as decimal text with a point (`"1234.50"`), as the platform gave it.
    pub amount: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Received on / sent on.
    pub date: Option<Date>,
    /// File name.
    pub file_name: String,
    /// The platform's document id.
    pub id: String,
}

impl Record {
    /// The export's view of one document row.
    pub fn of(d: &DocumentRow, language: Language) -> Record {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        Record {
            organisation: d.party_name.clone(),
            direction: match d.direction {
                Direction::Sent => language.pick("Verzonden", "Sent"),
                _ => language.pick("Ontvangen", "Received"),
            }
            .to_string(),
            channel: channel(d.channel, language).to_string(),
            status: status(&d.status, language),
            invoice_number: opt(&d.invoice_number),
            issue_date: d.issue_date.as_deref().and_then(date),
            counterparty: d
                .counterparty_name
                .clone()
                .or_else(|| d.counterparty_id.clone())
                .unwrap_or_default(),
            counterparty_id: opt(&d.counterparty_id),
            amount: d
                .amount
                .as_deref()
                .map(str::trim)
                .filter(|a| a.parse::<f64>().is_ok_and(f64::is_finite))
                .map(str::to_string),
            currency: opt(&d.currency),
            date: date(&d.created_at),
            file_name: opt(&d.file_name),
            id: d.id.clone(),
        }
    }
}

/// `YYYY-MM-DD…` → (year, month, day), checked to be a real date.
pub(crate) fn date(text: &str) -> Option<Date> {
    let text = text.get(..10)?;
    let year: u16 = text.get(..4)?.parse().ok()?;
    let month: u8 = text.get(5..7)?.parse().ok()?;
    let day: u8 = text.get(8..10)?.parse().ok()?;
    let m = time::Month::try_from(month).ok()?;
    time::Date::from_calendar_date(i32::from(year), m, day).ok()?;
    Some((year, month, day))
}

fn channel(c: Channel, language: Language) -> &'static str {
    match c {
        Channel::Idr => language.pick("Scan & herken", "Scan & recognise"),
        Channel::Email => language.pick("XML per e-mail", "XML by e-mail"),
        Channel::Econnect => language.pick("eConnect", "eConnect"),
        Channel::Peppol => language.pick("Peppol", "Peppol"),
        _ => language.pick("Ander kanaal", "Other channel"),
    }
}

fn status(s: &str, language: Language) -> String {
    let words = match s.to_ascii_lowercase().as_str() {
        "pending" => ("In behandeling", "Pending"),
        "validated" => ("Gecontroleerd", "Validated"),
        "routed" => ("Onderweg", "Routed"),
        "delivered" => ("Afgeleverd", "Delivered"),
        "rejected" => ("Geweigerd", "Rejected"),
        "failed" => ("Mislukt", "Failed"),
        _ => return s.to_string(),
    };
    language.pick(words.0, words.1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(date("2026-12-31T23:00:00Z"), Some((2026, 12, 31)));
        assert_eq!(date("2026-02-31"), None);
        assert_eq!(date("31-12-2026"), None);
    }
}
