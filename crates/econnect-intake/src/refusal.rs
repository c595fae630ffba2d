//! Why a file is not sent: a stable code for the UI and a message in Dutch and English.

use serde::{Deserialize, Serialize};

/// Stable refusal codes; the UI translates them. Never rename or reuse one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The file has no bytes at all.
    Empty,
    /// Under 1 KB: the platform ignores such files.
    TooSmall,
    /// Over 10 MB: the platform's limit per file.
    TooLarge,
    /// Not a PDF, JPEG, PNG, BMP or invoice XML (judged by the bytes).
    UnsupportedType,
    /// An encrypted or otherwise protected PDF ("Document beveiligd").
    PdfProtected,
    /// A PDF that ends before its end marker (still being written, or damaged).
    PdfTruncated,
    /// XML with a DTD or entity declarations (never expanded: unsafe to parse).
    XmlUnsafe,
    /// XML that is not well-formed, or nests deeper than allowed.
    XmlInvalid,
    /// Well-formed XML that is no UBL or CII invoice or credit note.
    XmlNotInvoice,
    /// Not a regular file (a FIFO, a device, a folder, a link leaving the folder).
    NotAFile,
    /// The file could not be read.
    Unreadable,
    /// The same bytes were already sent for this organisation.
    Duplicate,
    /// The platform refused the file (its reason is in the message).
    PlatformRefused,
    /// Too many failed attempts; retry by hand.
    GaveUp,
    /// A symbolic link (or shortcut-like reparse point): never followed.
    Link,
}

/// A refusal with its Dutch (first) and English message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// The stable code.
    pub code: RefusalCode,
    /// The reason in Dutch, as shown and written to `<name>.reden.txt`.
    pub message: String,
    /// The reason in English.
    pub message_en: String,
    /// Another program had the file open for writing (Windows): the intake waits and looks
    /// again instead of refusing it. Never stored or shown.
    #[serde(skip)]
    pub in_use: bool,
}

impl Refusal {
    /// A refusal with explicit messages.
    pub fn new(code: RefusalCode, nl: impl Into<String>, en: impl Into<String>) -> Self {
        Refusal {
            code,
            message: nl.into(),
            message_en: en.into(),
            in_use: false,
        }
    }

    /// The standard refusal for `code` (codes that need detail take it from their constructors).
    pub fn of(code: RefusalCode) -> Self {
        let (nl, en) = match code {
            RefusalCode::Empty => ("Het bestand is leeg", "The file is empty"),
            RefusalCode::TooSmall => (
                "Bestand te klein (minder dan 1 KB): het platform negeert zulke bestanden",
                "File too small (under 1 KB): the platform ignores such files",
            ),
            RefusalCode::TooLarge => (
                "Bestand te groot (meer dan 10 MB): splits of verklein het bestand",
                "File too large (over 10 MB): split or shrink the file",
            ),
            RefusalCode::UnsupportedType => (
                "Geen factuurbestand: alleen PDF, JPEG, PNG, BMP en UBL/CII-XML worden verwerkt",
                "Not an invoice file: only PDF, JPEG, PNG, BMP and UBL/CII XML are processed",
            ),
            RefusalCode::PdfProtected => (
                "Document beveiligd: de pdf is versleuteld of beveiligd; sla hem onbeveiligd op",
                "Document protected: the PDF is encrypted or protected; save it unprotected",
            ),
            RefusalCode::PdfTruncated => (
                "De pdf is onvolledig (afgebroken of beschadigd); sla hem opnieuw op",
                "The PDF is incomplete (cut off or damaged); save it again",
            ),
            RefusalCode::XmlUnsafe => (
                "De XML bevat een DTD of entiteiten; die worden om veiligheidsredenen niet gelezen",
                "The XML contains a DTD or entities; these are not read, for safety",
            ),
            RefusalCode::XmlInvalid => (
                "De XML is ongeldig of te diep genest",
                "The XML is not well-formed or nested too deeply",
            ),
            RefusalCode::XmlNotInvoice => (
                "De XML is geen UBL- of CII-factuur of creditnota",
                "The XML is no UBL or CII invoice or credit note",
            ),
            RefusalCode::NotAFile => (
                "Geen gewoon bestand (map, pipe, apparaat of snelkoppeling naar buiten de map)",
                "Not a regular file (folder, pipe, device or link leaving the folder)",
            ),
            RefusalCode::Unreadable => (
                "Het bestand kon niet worden gelezen",
                "The file could not be read",
            ),
            RefusalCode::Duplicate => ("Dit bestand is al verzonden", "This file was already sent"),
            RefusalCode::PlatformRefused => (
                "Het platform weigerde het bestand",
                "The platform refused the file",
            ),
            RefusalCode::GaveUp => (
                "Verzenden mislukte te vaak; probeer het later opnieuw",
                "Sending failed too often; try again later",
            ),
            RefusalCode::Link => (
                "Dit is een symbolische koppeling (link), geen bestand: links worden om \
                 veiligheidsredenen niet gevolgd. Zet het bestand zelf in de map",
                "This is a symbolic link, not a file: links are not followed, for safety. \
                 Put the file itself in the folder",
            ),
        };
        Refusal::new(code, nl, en)
    }

    /// "al verzonden op <datum> als <document>": the duplicate refusal.
    pub fn duplicate(sent_on: &str, document: &str) -> Self {
        Refusal::new(
            RefusalCode::Duplicate,
            format!(
                "Al verzonden op {sent_on} als {document}; kies \"toch verzenden\" om het opnieuw te sturen"
            ),
            format!(
                "Already sent on {sent_on} as {document}; choose \"send anyway\" to send it again"
            ),
        )
    }

    /// The file could not be read, with the OS's reason.
    pub fn unreadable(err: &std::io::Error) -> Self {
        Refusal {
            in_use: econnect_api::local_file::is_in_use(err),
            ..Refusal::new(
                RefusalCode::Unreadable,
                format!("Het bestand kon niet worden gelezen: {err}"),
                format!("The file could not be read: {err}"),
            )
        }
    }

    /// The check itself failed (a bug met by this file); the file is not sent.
    pub fn check_failed() -> Self {
        Refusal::new(
            RefusalCode::Unreadable,
            "Het bestand kon niet worden gecontroleerd: de controle stuitte op een fout",
            "The file could not be checked: the check failed with an error",
        )
    }

    /// The check took longer than `limit`; it was given up on.
    pub fn check_too_slow(limit: std::time::Duration) -> Self {
        let secs = limit.as_secs().max(1);
        Refusal::new(
            RefusalCode::Unreadable,
            format!(
                "De controle duurde te lang (meer dan {secs} seconden); het bestand is niet verzonden"
            ),
            format!("Checking the file took too long (over {secs} seconds); it was not sent"),
        )
    }

    /// The app stopped while checking this file: it is not checked again by itself.
    pub fn check_died() -> Self {
        Refusal::new(
            RefusalCode::Unreadable,
            "De app stopte tijdens de controle van dit bestand (het bestand bracht de controle ten val, of de app werd afgesloten); het wordt niet vanzelf opnieuw gecontroleerd. Kies \"Opnieuw proberen\" om het toch te controleren",
            "The app stopped while checking this file (the file crashed the check, or the app was closed); it is not checked again by itself. Choose \"Retry\" to check it anyway",
        )
    }

    /// The platform's refusal, with its own message.
    pub fn platform(message: &str) -> Self {
        let nl = match message {
            m if m.contains("protected") => "Document beveiligd".to_string(),
            m => format!("Het platform weigerde het bestand: {m}"),
        };
        Refusal::new(
            RefusalCode::PlatformRefused,
            nl,
            format!("The platform refused the file: {message}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_snake_case_and_protected_says_beveiligd() {
        let r = Refusal::of(RefusalCode::PdfProtected);
        assert!(r.message.starts_with("Document beveiligd"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["code"], "pdf_protected");
        assert!(json["messageEn"].is_string());
        let d = Refusal::duplicate("3 november 2026", "abc");
        assert!(
            d.message
                .contains("al verzonden op 3 november 2026 als abc")
                || d.message
                    .contains("Al verzonden op 3 november 2026 als abc")
        );
    }
}
