//! Sending: `salesInvoice/send`, `salesInvoice/recognize`, `queryRecipientParty`, status.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::document_id::DocumentId;
use crate::endpoints::StatusEntry;
use crate::endpoints::{DocumentRef, document_path, party_path};
use crate::error::Error;
use crate::multipart::Upload;
use crate::party_id::PartyId;

/// Optional query parameters of `salesInvoice/send`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// `receiverId`: send to this party instead of the one in the UBL.
    pub receiver_id: Option<PartyId>,
    /// `channel`: force a delivery channel.
    pub channel: Option<String>,
}

/// How a recipient can be reached: `{"id","channel","description"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientParty {
    /// The party id that was found reachable.
    pub id: PartyId,
    /// The channel it is reachable on (e.g. Peppol).
    #[serde(default)]
    pub channel: String,
    /// A description of the route.
    #[serde(default)]
    pub description: String,
}

impl Client {
    /// `POST /api/v1/{partyId}/salesInvoice/send`: sends a UBL invoice; `document_id` is the idempotency key.
    pub async fn send_sales_invoice(
        &self,
        party: &PartyId,
        file: &Upload,
        document_id: &DocumentId,
        options: &SendOptions,
    ) -> Result<DocumentRef, Error> {
        let mut url = self.api_url(&format!("{}/salesInvoice/send", party_path(party)))?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(receiver) = &options.receiver_id {
                query.append_pair("receiverId", receiver.as_str());
            }
            if let Some(channel) = &options.channel {
                query.append_pair("channel", channel);
            }
        }
        strip_empty_query(&mut url);
        self.create_document(
            Call::new(Method::POST, url)
                .file(file)
                .document_id(document_id),
        )
        .await
    }

    /// `POST /api/v1/{partyId}/salesInvoice/recognize`: a PDF or image, recognised into UBL and sent.
    pub async fn recognize_sales_invoice(
        &self,
        party: &PartyId,
        file: &Upload,
        document_id: &DocumentId,
        channel: Option<&str>,
    ) -> Result<DocumentRef, Error> {
        let url = self.recognize_url(party, "salesInvoice", channel)?;
        self.create_document(
            Call::new(Method::POST, url)
                .file(file)
                .document_id(document_id),
        )
        .await
    }

    /// `POST /api/v1/{partyId}/salesInvoice/queryRecipientParty`: how (and whether) a recipient is reachable.
    pub async fn query_recipient_party(
        &self,
        party: &PartyId,
        candidates: &[PartyId],
    ) -> Result<RecipientParty, Error> {
        let url = self.api_url(&format!(
            "{}/salesInvoice/queryRecipientParty",
            party_path(party)
        ))?;
        self.send_json(Call::new(Method::POST, url).json(candidates)?)
            .await
    }

    /// `GET /api/v1/{partyId}/salesInvoice/{documentId}/status`: the history, oldest first.
    pub async fn sales_invoice_status(
        &self,
        party: &PartyId,
        document_id: &str,
    ) -> Result<Vec<StatusEntry>, Error> {
        let url = self.api_url(&format!(
            "{}/status",
            document_path(party, "salesInvoice", document_id)
        ))?;
        self.send_json(Call::new(Method::GET, url)).await
    }

    /// The URL of `{kind}/recognize[?channel=]`.
    pub(crate) fn recognize_url(
        &self,
        party: &PartyId,
        kind: &str,
        channel: Option<&str>,
    ) -> Result<url::Url, Error> {
        let mut url = self.api_url(&format!("{}/{kind}/recognize", party_path(party)))?;
        if let Some(channel) = channel {
            url.query_pairs_mut().append_pair("channel", channel);
        }
        Ok(url)
    }
}

/// Removes a dangling `?` left by an empty `query_pairs_mut`.
pub(crate) fn strip_empty_query(url: &mut url::Url) {
    if url.query() == Some("") {
        url.set_query(None);
    }
}
