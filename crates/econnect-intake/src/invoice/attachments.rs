//! The bytes of embedded attachments (base64 in `EmbeddedDocumentBinaryObject`).

use base64::Engine as _;
use roxmltree::Node;

use super::read::{self, attachment_objects, object_file_name, object_is_pdf, object_text};
use super::{InvoiceViewCode, InvoiceViewError};

/// The decoded size of an embedded object, from its base64 length (no decoding).
pub(super) fn decoded_len(object: Node<'_, '_>) -> u64 {
    let text = object_text(object);
    let chars = text.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u64;
    let padding = text
        .trim_end()
        .bytes()
        .rev()
        .take_while(|b| *b == b'=')
        .count() as u64;
    (chars / 4 * 3).saturating_sub(padding.min(2))
}

/// An embedded file: its name (when given) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The `filename` attribute.
    pub name: Option<String>,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

fn embedded(object: Node<'_, '_>) -> Result<EmbeddedFile, InvoiceViewError> {
    Ok(EmbeddedFile {
        name: object_file_name(object),
        bytes: decode(object)?,
    })
}

fn decode(object: Node<'_, '_>) -> Result<Vec<u8>, InvoiceViewError> {
    let compact: Vec<u8> = object_text(object)
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| {
            InvoiceViewError::with(
                InvoiceViewCode::Malformed,
                format!("De bijlage is beschadigd (ongeldige base64: {e})"),
                format!("The attachment is damaged (invalid base64: {e})"),
            )
        })
}

/// The decoded bytes of the attachment at `index`, with its file name; `None` when there
/// is no embedded object there.
pub fn attachment_bytes(
    bytes: &[u8],
    index: u32,
) -> Result<Option<EmbeddedFile>, InvoiceViewError> {
    read::with_document(bytes, |root, _| {
        let objects = attachment_objects(root);
        match usize::try_from(index)
            .ok()
            .and_then(|i| objects.get(i).copied().flatten())
        {
            Some(object) => embedded(object).map(Some),
            None => Ok(None),
        }
    })?
}

/// The first embedded PDF (the invoice's visual form), with its file name.
pub fn first_pdf(bytes: &[u8]) -> Result<Option<EmbeddedFile>, InvoiceViewError> {
    read::with_document(bytes, |root, _| {
        match attachment_objects(root)
            .into_iter()
            .flatten()
            .find(|o| object_is_pdf(*o))
        {
            Some(object) => embedded(object).map(Some),
            None => Ok(None),
        }
    })?
}
