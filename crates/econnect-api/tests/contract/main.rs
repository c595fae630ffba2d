//! Contract tests: the client against the in-process sandbox, one sandbox per test.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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
