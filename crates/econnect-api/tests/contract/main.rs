//! Contract tests: the client against the in-process sandbox, one sandbox per test.

mod common;

mod auth;
mod document_ids;
mod documents;
mod errors;
mod identity;
mod limits;
mod peppol_hooks;
mod receiving;
mod redirects;
mod wire;
