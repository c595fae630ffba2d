//! The language of native texts (tray, notifications); the UI has its own catalogue.

use serde::{Deserialize, Serialize};

/// A language the native texts speak; Dutch first, like the UI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Nederlands, the default.
    #[default]
    Nl,
    /// English.
    En,
}

impl Language {
    /// Picks the Dutch or the English text.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Language::Nl => nl,
            Language::En => en,
        }
    }

    /// "1 bestand" / "3 bestanden": a count with the singular or plural noun.
    pub fn count(self, n: usize, nl: (&str, &str), en: (&str, &str)) -> String {
        let (one, many) = match self {
            Language::Nl => nl,
            Language::En => en,
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}
