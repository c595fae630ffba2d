//! The address the platform posts hook events to: https, except on this machine's own
//! loopback (a reverse proxy beside the receiver, and tests).

use url::Url;

use crate::error::{EngineError, ErrorCode};

/// Checks a public URL for the receiver: absolute, https (http only on 127.0.0.0/8, ::1 or
/// localhost), without a `#fragment` (the secret goes there) and without user or password.
pub fn check_public_url(text: &str) -> Result<Url, EngineError> {
    let bad = |why: &str| {
        EngineError::new(
            ErrorCode::InvalidInput,
            format!("publiek adres {text:?}: {why}"),
        )
    };
    let url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.fragment().is_some() {
        return Err(bad("zonder #: daar zet de app zelf het geheim"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("zonder gebruikersnaam of wachtwoord"));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(bad(
            "moet https zijn (http alleen op 127.0.0.1, ::1 of localhost)",
        )),
        _ => Err(bad("moet een https-adres zijn")),
    }
}

pub use econnect_api::config::is_loopback;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://kantoor.example.nl/econnect/hook",
            "https://192.0.2.10:8443/",
            "http://127.0.0.1:8080/hook",
            "http://127.1.2.3/hook",
            "http://[::1]:9000/",
            "http://LOCALHOST/hook",
        ] {
            assert!(check_public_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://kantoor.example.nl/hook",
            "http://192.168.1.20/hook",
            "http://[::2]/",
            "http://localhost.example.nl/",
            "ftp://127.0.0.1/",
            "https://kantoor.example.nl/hook#geheim",
            "https://user:pw@kantoor.example.nl/",
            "kantoor.example.nl/hook",
            "",
        ] {
            assert!(check_public_url(bad).is_err(), "{bad}");
        }
    }
}
