//! The eConnect platform ("PSB") client: the token call, every endpoint of the contract
//! (`shared/econnect-api.md`) as a typed method on [`Client`], streaming multipart uploads,
//! party-id normalisation and typed errors.
//!
//! Calls whose shape is inferred rather than documented live in [`inferred`].

#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod config;
pub mod document_id;
pub mod endpoints;
pub mod error;
pub mod inferred;
pub mod local_file;
pub mod multipart;
pub mod party_id;
pub mod retry;
pub mod webhook;

pub use client::Client;
pub use config::{Config, Credentials};
pub use document_id::{DocumentDirection, DocumentId};
pub use endpoints::hooks::{Hook, Ping};
pub use endpoints::me::{Me, Permissions, UserParty};
pub use endpoints::peppol::{
    Capabilities, Capability, CapabilityState, DeliveryOption, DeliveryOptionQuery, PeppolConfig,
    ProcessId,
};
pub use endpoints::purchase::{Download, InvoiceResponse, ResponseStatus};
pub use endpoints::sales::{RecipientParty, SendOptions};
pub use endpoints::users::User;
pub use endpoints::{DocumentRef, StatusEntry};
pub use error::{AuthError, AuthErrorKind, Error};
pub use inferred::{DocumentStatus, Role};
pub use multipart::{Expected, Upload};
pub use party_id::PartyId;
pub use retry::RetryPolicy;
pub use webhook::WebhookEvent;

/// Result of a platform call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
