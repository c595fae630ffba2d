//! A small CSV writer (RFC 4180, comma-separated) for the document list export; the
//! workspace has no `csv` crate and one quoting rule is all it needs.

/// One field, quoted when it holds a comma, quote or line break. A text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, and not a number) gets a
/// leading apostrophe, so a counterparty's name cannot start a formula.
pub fn field(text: &str) -> String {
    let guarded = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if text.parse::<f64>().is_err() => {
            format!("'{text}")
        }
        _ => text.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One line of fields, ending in CRLF as RFC 4180 has it.
pub fn line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = fields.into_iter().map(field).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_stay_as_they_are() {
        assert_eq!(field("INV-001"), "INV-001");
        assert_eq!(field("-12.50"), "-12.50");
        assert_eq!(field(""), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("Jansen, B.V."), "\"Jansen, B.V.\"");
        assert_eq!(field("De \"Hoek\""), "\"De \"\"Hoek\"\"\"");
        assert_eq!(field("regel 1\nregel 2"), "\"regel 1\nregel 2\"");
        assert_eq!(line(["a", "b,c", "d"]), "a,\"b,c\",d\r\n");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }
}
