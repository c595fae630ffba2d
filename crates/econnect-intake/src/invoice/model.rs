//! The invoice as the app shows it; every type crosses to the UI (camelCase).

use serde::{Deserialize, Serialize};

/// Invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InvoiceKind {
    /// UBL `Invoice`.
    Invoice,
    /// UBL `CreditNote`.
    CreditNote,
}

/// A readable invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceView {
    /// Invoice or credit note.
    pub kind: InvoiceKind,
    /// Invoice number (`cbc:ID`).
    pub number: Option<String>,
    /// Type code (380 invoice, 381 credit note, 384 corrective, …).
    pub type_code: Option<String>,
    /// Issue date (`YYYY-MM-DD`).
    pub issue_date: Option<String>,
    /// Due date (`YYYY-MM-DD`), from the document or its payment terms.
    pub due_date: Option<String>,
    /// Currency (ISO 4217).
    pub currency: Option<String>,
    /// The buyer's reference (purchase order, cost centre).
    pub buyer_reference: Option<String>,
    /// The order it refers to.
    pub order_reference: Option<String>,
    /// The supplier (seller).
    pub supplier: Option<InvoiceParty>,
    /// The customer (buyer).
    pub customer: Option<InvoiceParty>,
    /// The lines, in document order.
    pub lines: Vec<InvoiceLine>,
    /// VAT per category and rate.
    pub vat: Vec<VatBreakdown>,
    /// The document totals.
    pub totals: InvoiceTotals,
    /// How to pay.
    pub payment: Option<PaymentDetails>,
    /// Free-text notes.
    pub notes: Vec<String>,
    /// Attached documents (embedded or linked).
    pub attachments: Vec<InvoiceAttachment>,
}

/// A party on the invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceParty {
    /// Trading name, else the registered name.
    pub name: Option<String>,
    /// Registered (legal) name, when it differs from the trading name.
    pub legal_name: Option<String>,
    /// Street and number.
    pub street: Option<String>,
    /// Second address line.
    pub additional_street: Option<String>,
    /// Postal code.
    pub postal_zone: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country code (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Chamber of Commerce number (KvK, scheme 0106), when given.
    pub kvk: Option<String>,
    /// Other legal registration id (with its scheme, e.g. `0190:…` OIN).
    pub legal_id: Option<String>,
    /// VAT number.
    pub vat_id: Option<String>,
    /// Peppol address (`scheme:value`).
    pub endpoint: Option<String>,
    /// Contact name, phone and e-mail, as given.
    pub contact: Option<String>,
}

/// One invoice line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    /// Line id.
    pub id: Option<String>,
    /// The item's name (or description when it has no name).
    pub description: Option<String>,
    /// The item's longer description or the line note.
    pub detail: Option<String>,
    /// Quantity (decimal text).
    pub quantity: Option<String>,
    /// Unit of measure (UN/ECE rec 20 code, e.g. `C62`, `HUR`).
    pub unit: Option<String>,
    /// Net price per unit (decimal text).
    pub unit_price: Option<String>,
    /// VAT category (`S`, `Z`, `E`, `AE`, …).
    pub vat_category: Option<String>,
    /// VAT rate in percent (decimal text).
    pub vat_percent: Option<String>,
    /// Line amount without VAT (decimal text).
    pub amount: Option<String>,
}

/// VAT for one category and rate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VatBreakdown {
    /// VAT category (`S`, `Z`, `E`, `AE`, …).
    pub category: Option<String>,
    /// Rate in percent.
    pub percent: Option<String>,
    /// Amount the rate applies to.
    pub taxable: Option<String>,
    /// VAT amount.
    pub tax: Option<String>,
    /// Why it is exempt or reverse-charged, when stated.
    pub exemption_reason: Option<String>,
}

/// The document totals (decimal text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceTotals {
    /// Sum of the line amounts.
    pub lines: Option<String>,
    /// Document-level allowances (discounts).
    pub allowances: Option<String>,
    /// Document-level charges.
    pub charges: Option<String>,
    /// Total without VAT.
    pub without_vat: Option<String>,
    /// Total VAT (in the document currency).
    pub vat: Option<String>,
    /// Total with VAT.
    pub with_vat: Option<String>,
    /// Paid in advance.
    pub prepaid: Option<String>,
    /// Rounding.
    pub rounding: Option<String>,
    /// Amount due.
    pub payable: Option<String>,
}

/// How to pay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails {
    /// Payment means code (30 transfer, 58 SEPA transfer, 49 direct debit, …).
    pub means_code: Option<String>,
    /// The account to pay to (IBAN), without spaces.
    pub iban: Option<String>,
    /// The account holder's name.
    pub account_name: Option<String>,
    /// The bank's BIC.
    pub bic: Option<String>,
    /// The payment reference (`PaymentID`).
    pub reference: Option<String>,
    /// Payment terms as written.
    pub terms: Option<String>,
    /// The mandate reference of a direct debit.
    pub mandate: Option<String>,
}

/// An attached document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceAttachment {
    /// Position among the document's attachments (0-based), to ask for its bytes.
    pub index: u32,
    /// The reference's id.
    pub id: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// File name of the embedded object.
    pub file_name: Option<String>,
    /// MIME type of the embedded object.
    pub mime: Option<String>,
    /// Size in bytes of the embedded object (decoded), when embedded.
    #[specta(type = Option<f64>)]
    pub size: Option<u64>,
    /// A PDF (by MIME type or file name).
    pub is_pdf: bool,
    /// A link instead of an embedded object.
    pub uri: Option<String>,
}
