//! Integration tests of the sandbox over raw HTTP (reqwest), one binary to keep links few.

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
