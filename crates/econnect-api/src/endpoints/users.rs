//! Users of the environment and their access to organisations (administrators only).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client};
use crate::endpoints::me::UserParty;
use crate::error::Error;
use crate::party_id::{PartyId, encode_path_segment};

/// A user of the environment: `{"name"}` (the API never returns a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The user's name (an e-mail address).
    pub name: String,
}

/// The body of `PUT /api/v1/user`.
#[derive(Serialize)]
struct PutUser<'a> {
    name: &'a str,
    password: &'a str,
}

fn user_path(name: &str) -> String {
    format!("/api/v1/user/{}", encode_path_segment(name))
}

impl Client {
    /// `GET /api/v1/user`: all users of the environment.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        self.send_json(Call::new(Method::GET, self.api_url("/api/v1/user")?))
            .await
    }

    /// `PUT /api/v1/user`: creates the user or sets a new password.
    pub async fn put_user(&self, name: &str, password: &str) -> Result<User, Error> {
        let call = Call::new(Method::PUT, self.api_url("/api/v1/user")?)
            .json(&PutUser { name, password })?;
        self.send_json(call).await
    }

    /// `DELETE /api/v1/user/{name}`.
    pub async fn delete_user(&self, name: &str) -> Result<(), Error> {
        self.send_empty(Call::new(Method::DELETE, self.api_url(&user_path(name))?))
            .await
    }

    /// `GET /api/v1/user/{name}/party`: the organisations a user may act for.
    pub async fn user_parties(&self, name: &str) -> Result<Vec<UserParty>, Error> {
        let url = self.api_url(&format!("{}/party", user_path(name)))?;
        self.send_json(Call::new(Method::GET, url)).await
    }

    /// `PUT /api/v1/user/{name}/party`: gives a user access to an organisation with these permissions.
    pub async fn put_user_party(&self, name: &str, party: &UserParty) -> Result<UserParty, Error> {
        let url = self.api_url(&format!("{}/party", user_path(name)))?;
        self.send_json(Call::new(Method::PUT, url).json(party)?)
            .await
    }

    /// `DELETE /api/v1/user/{name}/party/{partyId}`: takes that access away.
    pub async fn delete_user_party(&self, name: &str, party: &PartyId) -> Result<(), Error> {
        let url = self.api_url(&format!(
            "{}/party/{}",
            user_path(name),
            party.to_path_segment()
        ))?;
        self.send_empty(Call::new(Method::DELETE, url)).await
    }
}
