//! File and folder names made from what the platform sends (supplier, invoice number,
//! organisation name). Nothing in them can leave the receive folder or name a device:
//! separators, `..`, drive letters, control and bidi characters, reserved Windows names
//! and overlong names are all neutralised.

use std::path::{Component, Path, PathBuf};

/// Longest name part in bytes (a Windows path must stay under 260 characters in total).
pub const MAX_COMPONENT_BYTES: usize = 80;

/// One safe path component from untrusted text; `fallback` when nothing usable is left.
pub fn component(raw: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_COMPONENT_BYTES));
    let mut last_space = true;
    for c in raw.chars() {
        let c = if c.is_control()
            || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
            || is_invisible(c)
        {
            '_'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        if out.len() + c.len_utf8() > MAX_COMPONENT_BYTES {
            break;
        }
        out.push(c);
    }
    // Leading dots hide a file or climb (`..`); trailing dots and spaces vanish on Windows.
    let trimmed = out.trim_matches(|c: char| c == '.' || c == ' ').to_string();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '_') {
        return if fallback.is_empty() {
            "_".to_string()
        } else {
            component(fallback, "")
        };
    }
    if econnect_api::local_file::is_reserved_windows_name(&trimmed) {
        return format!("_{trimmed}");
    }
    trimmed
}

/// Bidi overrides and zero-width characters make a name read differently from what it is.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `<supplier> <number>` as a file stem (without extension).
pub fn invoice_stem(supplier: Option<&str>, number: Option<&str>, fallback: &str) -> String {
    let text = [supplier, number]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    component(&text, fallback)
}

/// The stem with a counter for the n-th choice: `stem`, `stem (2)`, `stem (3)`, …
pub fn numbered(stem: &str, n: u32) -> String {
    if n <= 1 {
        return stem.to_string();
    }
    let suffix = format!(" ({n})");
    let mut base = stem.to_string();
    while base.len() + suffix.len() > MAX_COMPONENT_BYTES {
        base.pop();
    }
    format!("{}{suffix}", base.trim_end())
}

/// True when `path` is `root` or below it, with no `..` or root components on the way.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    match path.strip_prefix(root) {
        Ok(rest) => rest.components().all(|c| matches!(c, Component::Normal(_))),
        Err(_) => false,
    }
}

/// `<root>/Ontvangen/<organisation>/<YYYY-MM>`.
pub fn month_folder(root: &Path, organisation: &str, month: &str) -> PathBuf {
    root.join("Ontvangen")
        .join(component(organisation, "organisatie"))
        .join(component(month, "onbekend"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_names_stay_plain() {
        assert_eq!(component("../../x", "f"), "_.._x");
        assert_eq!(component("/etc/passwd", "f"), "_etc_passwd");
        assert_eq!(component("C:\\Windows\\evil", "f"), "C__Windows_evil");
        assert_eq!(component("..", "fallback"), "fallback");
        assert_eq!(component("CON", "f"), "_CON");
        assert_eq!(component("lpt1.txt", "f"), "_lpt1.txt");
        assert_eq!(component("COM0", "f"), "_COM0");
        assert_eq!(component("lpt9.xml", "f"), "_lpt9.xml");
        assert_eq!(component("COM\u{b9}.pdf", "f"), "_COM\u{b9}.pdf");
        assert_eq!(component("conout$", "f"), "_conout$");
        assert_eq!(component("CONIN$ .", "f"), "_CONIN$");
        assert_eq!(component("nul . ", "f"), "_nul");
        assert_eq!(component("a\u{0}b\nc\u{202E}d  e", "f"), "a_b_c_d e");
        assert_eq!(component("   ", "doc-1"), "doc-1");
        assert!(component(&"x".repeat(300), "f").len() <= MAX_COMPONENT_BYTES);
        assert_eq!(numbered("Mulder 1", 2), "Mulder 1 (2)");
    }

    /// What the OS makes of each name: a plain file under exactly that name (Windows would
    /// open a device for `CON`, and silently drop a trailing dot or space).
    #[test]
    fn hostile_names_become_files_under_exactly_that_name() {
        let dir = tempfile::tempdir().unwrap();
        let raw = [
            "CON",
            "aux.xml",
            "nul . ",
            "COM1.pdf",
            "conout$",
            "Factuur 12.",
            "Factuur 13 ",
            "lpt1",
            "prn.txt",
            "a:b",
            "Mulder\\2026",
        ];
        for (i, raw) in raw.iter().enumerate() {
            let name = format!("{}.xml", component(raw, "f"));
            let path = dir.path().join(&name);
            let mut file = econnect_api::local_file::create_exclusive(&path)
                .unwrap_or_else(|e| panic!("{raw:?} as {name:?}: {e}"));
            std::io::Write::write_all(&mut file, format!("{i}").as_bytes()).unwrap();
            drop(file);
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                format!("{i}"),
                "{raw:?}"
            );
        }
        let mut listed: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        listed.sort();
        let mut expected: Vec<String> = raw
            .iter()
            .map(|r| format!("{}.xml", component(r, "f")))
            .collect();
        expected.sort();
        assert_eq!(listed, expected, "every name on disk as it was made");
    }

    proptest! {
        #[test]
        fn any_text_becomes_one_safe_component(raw in any::<String>()) {
            let c = component(&raw, "fallback");
            prop_assert!(!c.is_empty() && c.len() <= MAX_COMPONENT_BYTES);
            prop_assert!(c != "." && c != ".." && !c.starts_with('.') && !c.ends_with(' '));
            prop_assert!(!c.contains(['/', '\\', ':', '\0']));
            prop_assert!(!c.chars().any(char::is_control));
            prop_assert!(!econnect_api::local_file::is_reserved_windows_name(&c));
            let root = Path::new("/r");
            let file = month_folder(root, &raw, &raw).join(format!("{}.xml", c));
            prop_assert!(is_inside(root, &file));
        }
    }
}
