//! The CSV dialect Dutch Excel opens in columns without an import wizard: UTF-8 with a
//! byte-order mark, `;` between fields, a decimal comma, dates as dd-mm-jjjj and CRLF line
//! ends (RFC 4180 quoting otherwise).

use std::fs::File;
use std::io::{BufWriter, Write};

use super::Sink;
use super::columns::{self, Date, Record};
use crate::desktop::Language;

/// The field separator.
pub const SEPARATOR: char = ';';

/// One field, quoted when it holds the separator, a quote or a line break. A text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading
/// apostrophe, so a counterparty's name cannot start a formula.
pub fn field(text: &str) -> String {
    let guarded = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if guarded.contains([SEPARATOR, '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One line of fields, ending in CRLF.
pub fn line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let sep = SEPARATOR.to_string();
    let mut out = fields.into_iter().map(field).collect::<Vec<_>>().join(&sep);
    out.push_str("\r\n");
    out
}

/// `1234.50` → `1234,50` (no thousands separator: a spreadsheet reads it as a number).
pub fn decimal_comma(amount: &str) -> String {
    amount.replace('.', ",")
}

/// dd-mm-jjjj.
pub fn dutch_date(d: Option<Date>) -> String {
    d.map(|(y, m, d)| format!("{d:02}-{m:02}-{y:04}"))
        .unwrap_or_default()
}

/// The fields of one record, in the header's order.
pub fn fields(r: &Record) -> [String; 13] {
    // A negative amount is a number, not a formula: written without the guard.
    [
        field(&r.organisation),
        field(&r.direction),
        field(&r.channel),
        field(&r.status),
        field(&r.invoice_number),
        dutch_date(r.issue_date),
        field(&r.counterparty),
        field(&r.counterparty_id),
        r.amount.as_deref().map(decimal_comma).unwrap_or_default(),
        field(&r.currency),
        dutch_date(r.date),
        field(&r.file_name),
        field(&r.id),
    ]
}

/// Writes records to a file as they come.
pub(crate) struct CsvSink {
    out: BufWriter<File>,
    /// The byte-order mark and header still to write.
    start: Option<Language>,
}

impl CsvSink {
    pub(crate) fn new(file: File, language: Language) -> CsvSink {
        CsvSink {
            out: BufWriter::with_capacity(256 * 1024, file),
            start: Some(language),
        }
    }

    fn begin(&mut self) -> std::io::Result<()> {
        if let Some(language) = self.start.take() {
            // A byte-order mark, so Excel reads the file as UTF-8 (names with ë, é).
            self.out.write_all(b"\xEF\xBB\xBF")?;
            self.out
                .write_all(line(columns::header(language)).as_bytes())?;
        }
        Ok(())
    }
}

impl Sink for CsvSink {
    fn row(&mut self, record: &Record) -> Result<(), String> {
        self.begin().map_err(|e| e.to_string())?;
        let mut text = fields(record).join(";");
        text.push_str("\r\n");
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn finish(mut self: Box<Self>) -> Result<(), String> {
        self.begin().map_err(|e| e.to_string())?;
        self.out.flush().map_err(|e| e.to_string())?;
        self.out.get_ref().sync_all().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("INV-001"), "INV-001");
        assert_eq!(field("Jansen; B.V."), "\"Jansen; B.V.\"");
        assert_eq!(
            field("Jansen, B.V."),
            "Jansen, B.V.",
            "a comma is plain text here"
        );
        assert_eq!(field("De \"Hoek\""), "\"De \"\"Hoek\"\"\"");
        assert_eq!(line(["a", "b;c", "d"]), "a;\"b;c\";d\r\n");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-12"), "'-12", "text fields never start a formula");
    }

    #[test]
    fn amounts_and_dates_are_dutch() {
        assert_eq!(decimal_comma("-1234.50"), "-1234,50");
        assert_eq!(dutch_date(Some((2026, 3, 7))), "07-03-2026");
        assert_eq!(dutch_date(None), "");
    }
}
