//! `GET /api/v1/me` and `GET /api/v1/me/party`.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::error::Error;
use crate::party_id::PartyId;

/// The signed-in user: `{"name"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The user's name (an e-mail address).
    pub name: String,
}

/// The five permissions a user has on one organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// May send documents for the organisation.
    #[serde(default)]
    pub can_send_document: bool,
    /// May see and download received documents.
    #[serde(default)]
    pub can_receive_document: bool,
    /// May delete documents.
    #[serde(default)]
    pub can_remove_document: bool,
    /// May manage hooks.
    #[serde(default)]
    pub can_manage_hook: bool,
    /// May change a document's status (send invoice responses).
    #[serde(default)]
    pub can_change_document_status: bool,
}

/// An organisation a user may act for, with the permissions: `UserParty`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserParty {
    /// The organisation's party id (normalised).
    pub id: PartyId,
    /// The organisation's name.
    #[serde(default)]
    pub name: String,
    /// What the user may do for it.
    #[serde(default)]
    pub permissions: Permissions,
}

impl Client {
    /// `GET /api/v1/me`: who is signed in.
    pub async fn me(&self) -> Result<Me, Error> {
        self.send_json(Call::new(Method::GET, self.api_url("/api/v1/me")?))
            .await
    }

    /// `GET /api/v1/me/party`: the organisations the signed-in user may act for.
    pub async fn my_parties(&self) -> Result<Vec<UserParty>, Error> {
        self.send_json(Call::new(Method::GET, self.api_url("/api/v1/me/party")?))
            .await
    }
}
