//! A readable view of a UBL 2.1 invoice or credit note (Peppol BIS 3, NLCIUS): parties,
//! dates, lines, VAT per rate, totals, payment details, notes and attachments, read with
//! the same safe XML reader as preflight (no DTD, no entities, bounded size and depth).
//! Amounts stay decimal text exactly as written; the UI formats them. Anything absent is
//! `None` (or an empty list): partial invoices still show what they have.

mod attachments;
mod model;
mod read;

pub use attachments::{EmbeddedFile, attachment_bytes, first_pdf};
pub use model::{
    InvoiceAttachment, InvoiceKind, InvoiceLine, InvoiceParty, InvoiceTotals, InvoiceView,
    PaymentDetails, VatBreakdown,
};

use serde::{Deserialize, Serialize};

/// Largest XML shown: received invoices may carry big attachments (the receiver accepts
/// downloads up to 64 MB).
pub const MAX_VIEW_BYTES: usize = 64 * 1024 * 1024;

/// Why an invoice cannot be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InvoiceViewCode {
    /// The file is larger than [`MAX_VIEW_BYTES`].
    TooLarge,
    /// A DTD or entities: never read.
    Unsafe,
    /// Not well-formed XML, an unknown encoding, or nested too deeply.
    Malformed,
    /// Well-formed XML that is no UBL invoice or credit note.
    NotInvoice,
    /// A CII (Factur-X, ZUGFeRD) invoice: readable by the platform, not shown here yet.
    Cii,
    /// The file could not be read (gone, no access).
    Unreadable,
    /// There is no invoice XML for this document on this computer.
    NoXml,
    /// The file on disk is no longer the one sent or received.
    Changed,
}

/// An invoice that cannot be shown: a code and the reason in Dutch and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceViewError {
    /// What went wrong.
    pub code: InvoiceViewCode,
    /// Why, in Dutch.
    pub message: String,
    /// Why, in English.
    pub message_en: String,
}

impl InvoiceViewError {
    /// An error with its standard wording.
    pub fn of(code: InvoiceViewCode) -> Self {
        let (nl, en) = match code {
            InvoiceViewCode::TooLarge => (
                "Het factuurbestand is te groot om te tonen (meer dan 64 MB)",
                "The invoice file is too large to show (over 64 MB)",
            ),
            InvoiceViewCode::Unsafe => (
                "De factuur bevat een DTD of entiteiten; die worden om veiligheidsredenen niet gelezen",
                "The invoice contains a DTD or entities; these are not read, for safety",
            ),
            InvoiceViewCode::Malformed => (
                "Het factuurbestand is geen geldige XML",
                "The invoice file is not valid XML",
            ),
            InvoiceViewCode::NotInvoice => (
                "Het bestand is geen UBL-factuur of -creditnota",
                "The file is no UBL invoice or credit note",
            ),
            InvoiceViewCode::Cii => (
                "Deze e-factuur is in CII-formaat (Factur-X/ZUGFeRD); de app kan alleen UBL-facturen tonen",
                "This e-invoice is in CII format (Factur-X/ZUGFeRD); the app shows UBL invoices only",
            ),
            InvoiceViewCode::Unreadable => (
                "Het factuurbestand kan niet worden gelezen",
                "The invoice file cannot be read",
            ),
            InvoiceViewCode::NoXml => (
                "Van dit document staat geen e-factuur (XML) op deze computer",
                "There is no e-invoice (XML) of this document on this computer",
            ),
            InvoiceViewCode::Changed => (
                "Het factuurbestand is gewijzigd sinds het werd verzonden of ontvangen",
                "The invoice file has changed since it was sent or received",
            ),
        };
        InvoiceViewError::with(code, nl, en)
    }

    /// An error with its own wording.
    pub fn with(code: InvoiceViewCode, nl: impl Into<String>, en: impl Into<String>) -> Self {
        InvoiceViewError {
            code,
            message: nl.into(),
            message_en: en.into(),
        }
    }
}

impl std::fmt::Display for InvoiceViewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvoiceViewError {}

/// Reads the view of a UBL invoice or credit note from the file's bytes.
pub fn view(bytes: &[u8]) -> Result<InvoiceView, InvoiceViewError> {
    read::with_document(bytes, read::view)
}

#[cfg(test)]
mod tests;
