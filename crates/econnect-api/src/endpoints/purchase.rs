//! Receiving: `purchaseInvoice/recognize`, download, status, response, delete.
//! (The list call is inferred and lives in [`crate::inferred`].)

use std::collections::BTreeMap;

use bytes::Bytes;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::document_id::DocumentId;
use crate::endpoints::{DocumentRef, StatusEntry, document_path};
use crate::error::Error;
use crate::multipart::Upload;
use crate::party_id::PartyId;

/// The status codes of an invoice response (UNCL 4343 subset used by Peppol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResponseStatus {
    /// Acknowledged.
    AB,
    /// In process.
    IP,
    /// Under query.
    UQ,
    /// Conditionally accepted.
    CA,
    /// Rejected.
    RE,
    /// Accepted.
    AP,
    /// Fully paid.
    PD,
}

/// The body of `purchaseInvoice/{id}/response`: `{"status","reasons","actions","note"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceResponse {
    /// The response status.
    pub status: ResponseStatus,
    /// Reason codes with their texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<String, String>,
    /// Requested action codes with their texts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, String>,
    /// A free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl InvoiceResponse {
    /// A response with only a status.
    pub fn new(status: ResponseStatus) -> Self {
        InvoiceResponse {
            status,
            reasons: BTreeMap::new(),
            actions: BTreeMap::new(),
            note: None,
        }
    }
}

/// A download in progress: its body, one chunk at a time.
#[derive(Debug)]
pub struct Download {
    response: reqwest::Response,
    /// The size the server announced, when it did.
    pub length: Option<u64>,
}

impl Download {
    /// The next chunk of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.response.chunk().await.map_err(Error::from_transport)
    }
}

impl Client {
    /// `POST /api/v1/{partyId}/purchaseInvoice/recognize`: a PDF or image becomes a received invoice.
    pub async fn recognize_purchase_invoice(
        &self,
        party: &PartyId,
        file: &Upload,
        document_id: &DocumentId,
        channel: Option<&str>,
    ) -> Result<DocumentRef, Error> {
        let url = self.recognize_url(party, "purchaseInvoice", channel)?;
        self.create_document(
            Call::new(Method::POST, url)
                .file(file)
                .document_id(document_id),
        )
        .await
    }

    /// `GET /api/v1/{partyId}/purchaseInvoice/{documentId}/download`: the invoice's XML bytes.
    ///
    /// The first download starts the platform's 7-day retention clock: store what you get.
    pub async fn download_purchase_invoice(
        &self,
        party: &PartyId,
        document_id: &str,
        target_format: Option<&str>,
    ) -> Result<Bytes, Error> {
        let mut url = self.api_url(&format!(
            "{}/download",
            document_path(party, "purchaseInvoice", document_id)
        ))?;
        if let Some(format) = target_format {
            url.query_pairs_mut()
                .append_pair(crate::inferred::DOWNLOAD_FORMAT_PARAM, format);
        }
        let mut call = Call::new(Method::GET, url);
        call.accept_any = true;
        let response = self.send(call).await?;
        crate::client::read_capped(response, crate::client::MAX_DOCUMENT_BODY, false)
            .await
            .map(bytes::Bytes::from)
    }

    /// The same download, read a chunk at a time (a received UBL with an embedded PDF can
    /// be megabytes; the caller writes it to disk as it comes).
    pub async fn download_purchase_invoice_streamed(
        &self,
        party: &PartyId,
        document_id: &str,
    ) -> Result<Download, Error> {
        let url = self.api_url(&format!(
            "{}/download",
            document_path(party, "purchaseInvoice", document_id)
        ))?;
        let mut call = Call::new(Method::GET, url);
        call.accept_any = true;
        let response = self.send(call).await?;
        Ok(Download {
            length: response.content_length(),
            response,
        })
    }

    /// `GET /api/v1/{partyId}/purchaseInvoice/{documentId}/status`: the history, oldest first.
    pub async fn purchase_invoice_status(
        &self,
        party: &PartyId,
        document_id: &str,
    ) -> Result<Vec<StatusEntry>, Error> {
        let url = self.api_url(&format!(
            "{}/status",
            document_path(party, "purchaseInvoice", document_id)
        ))?;
        self.send_json(Call::new(Method::GET, url)).await
    }

    /// `POST /api/v1/{partyId}/purchaseInvoice/{documentId}/response`: answers a received invoice.
    pub async fn respond_to_purchase_invoice(
        &self,
        party: &PartyId,
        invoice_id: &str,
        response: &InvoiceResponse,
        document_id: &DocumentId,
    ) -> Result<DocumentRef, Error> {
        let url = self.api_url(&format!(
            "{}/response",
            document_path(party, "purchaseInvoice", invoice_id)
        ))?;
        self.create_document(
            Call::new(Method::POST, url)
                .json(response)?
                .document_id(document_id),
        )
        .await
    }

    /// `DELETE /api/v1/{partyId}/purchaseInvoice/{documentId}`.
    pub async fn delete_purchase_invoice(
        &self,
        party: &PartyId,
        document_id: &str,
    ) -> Result<(), Error> {
        let url = self.api_url(&document_path(party, "purchaseInvoice", document_id))?;
        self.send_empty(Call::new(Method::DELETE, url)).await
    }
}
