//! What the shell can ask about received invoices: their records, a pass now, answers,
//! removal, and the receive folder.

use std::path::PathBuf;

use econnect_store::{DocumentCoverage, ListedInvoice, ReceivedInvoice};
use serde::{Deserialize, Serialize};

use super::answers::{self, InvoiceAnswer};
use super::{ReceiveOptions, ReceiveSummary, Receiver};
use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};

/// The receive folder of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveFolder {
    /// The root; invoices go to `<path>/Ontvangen/<organisatie>/YYYY-MM/`.
    pub path: String,
    /// False while the default is used (nothing chosen yet).
    pub chosen: bool,
}

impl Engine {
    /// The records of these received invoices (those that have one): state, files, answer.
    pub async fn received_invoices(
        &self,
        ids: Vec<String>,
    ) -> Result<Vec<ReceivedInvoice>, EngineError> {
        let session = self.require().await?;
        Ok(session.store.received_invoices(&ids).await?)
    }

    /// Records invoices a hook announced for an organisation (InvoiceReceived) and starts a
    /// receive pass at once; returns how many were new. A repeated announcement is a no-op.
    pub async fn announce_received(
        &self,
        party_id: &str,
        invoices: &[ListedInvoice],
    ) -> Result<u32, EngineError> {
        let session = self.require().await?;
        let party = econnect_api::PartyId::new(party_id);
        let new = session
            .store
            .record_listed(party.as_str(), invoices, None)
            .await?;
        session.receive_kick.notify_one();
        Ok(new)
    }

    /// What the Documents screen covers: documents sent from this computer and invoices
    /// received (announced by a hook and saved here). The platform has no lists, so these
    /// are all the documents there are to show.
    pub async fn document_coverage(&self) -> Result<DocumentCoverage, EngineError> {
        let session = self.require().await?;
        Ok(session.store.document_coverage().await?)
    }

    /// Runs a receive pass now (after any running one).
    pub async fn receive_now(
        &self,
        options: ReceiveOptions,
    ) -> Result<ReceiveSummary, EngineError> {
        let session = self.require().await?;
        Receiver::new(session.client.clone(), session.store.clone(), options)
            .pass()
            .await
    }

    /// Accepts, rejects or marks paid a received invoice.
    pub async fn answer_invoice(
        &self,
        id: &str,
        answer: InvoiceAnswer,
    ) -> Result<Option<ReceivedInvoice>, EngineError> {
        let session = self.require().await?;
        answers::answer(&session.client, &session.store, id, &answer).await?;
        Ok(session.store.received_invoice(id).await?)
    }

    /// Removes a received invoice from the platform (only once it is safely on disk).
    pub async fn remove_received(&self, id: &str) -> Result<(), EngineError> {
        let session = self.require().await?;
        answers::remove(&session.client, &session.store, id).await
    }

    /// The receive folder (the default under Documenten until one is chosen).
    pub async fn receive_folder(&self) -> Result<ReceiveFolder, EngineError> {
        let session = self.require().await?;
        Ok(match session.store.receive_folder("").await? {
            Some(path) => ReceiveFolder { path, chosen: true },
            None => ReceiveFolder {
                path: super::default_root().to_string_lossy().into_owned(),
                chosen: false,
            },
        })
    }

    /// Chooses the receive folder (checked: absolute and creatable).
    pub async fn set_receive_folder(&self, path: PathBuf) -> Result<ReceiveFolder, EngineError> {
        let session = self.require().await?;
        // Off the async workers: the folder may be on a share that hangs.
        let checked = path.clone();
        tokio::task::spawn_blocking(move || super::check_folder(&checked))
            .await
            .map_err(|e| EngineError::new(ErrorCode::Folder, e.to_string()))??;
        session
            .store
            .set_receive_folder("", &path.to_string_lossy())
            .await?;
        self.receive_folder().await
    }
}
