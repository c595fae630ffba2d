//! Party (organisation) identifiers: `NL:KVK:x` = `0106:x` = `iso6523-actorid-upis::0106:x`.

/// Normalises a party id to `scheme:value` with the ISO 6523 scheme code, e.g. `0106:12345678`.
///
/// Returns `None` for text that is not a party id at all (empty, no scheme).
pub fn normalise(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = strip_prefix_ci(s, "iso6523-actorid-upis::").unwrap_or(s);
    let upper = s.to_ascii_uppercase();
    // Dutch shorthand schemes used by eConnect ("NL:KVK:12345678").
    const ALIASES: [(&str, &str); 6] = [
        ("NL:KVK:", "0106"),
        ("NL:OINO:", "0190"),
        ("NL:OIN:", "0190"),
        ("NL:VAT:", "9944"),
        ("NL:BTW:", "9944"),
        ("GLN:", "0088"),
    ];
    for (alias, code) in ALIASES {
        if let Some(rest) = upper.strip_prefix(alias) {
            return value(code, rest);
        }
    }
    let (scheme, rest) = upper.split_once(':')?;
    if scheme.len() == 4 && scheme.bytes().all(|b| b.is_ascii_digit()) {
        return value(scheme, rest);
    }
    None
}

/// The display form used in party lists: `NL:KVK:x` for KvK numbers, else the normalised id.
pub fn display(normalised: &str) -> String {
    match normalised.strip_prefix("0106:") {
        Some(kvk) => format!("NL:KVK:{kvk}"),
        None => normalised.to_string(),
    }
}

fn value(code: &str, rest: &str) -> Option<String> {
    let v = rest.trim();
    if v.is_empty() || v.len() > 64 || v.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{code}:{v}"))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_spellings_are_equal() {
        let a = normalise("NL:KVK:12345678");
        assert_eq!(a.as_deref(), Some("0106:12345678"));
        assert_eq!(normalise("0106:12345678"), a);
        assert_eq!(normalise("iso6523-actorid-upis::0106:12345678"), a);
        assert_eq!(normalise("nl:kvk:12345678"), a);
        assert_eq!(normalise("12345678"), None);
        assert_eq!(normalise("NL:KVK:"), None);
        assert_eq!(display("0106:12345678"), "NL:KVK:12345678");
    }
}
