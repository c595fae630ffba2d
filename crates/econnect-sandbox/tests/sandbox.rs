//! Integration tests of the sandbox over raw HTTP (reqwest), one binary to keep links few.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sandbox {
    mod auth;
    pub mod common;
    mod documents;
    mod faults;
    mod hooks;
    mod peppol;
    mod receive;
    mod robustness;
    mod users;
}
