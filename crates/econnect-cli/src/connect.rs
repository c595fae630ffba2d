//! Builds the platform client from the global options and the credential variables.

use std::time::Duration;

use econnect_api::config::{PRODUCTION_API, PRODUCTION_IDENTITY};
use econnect_api::{Client, Config, Credentials};
use url::Url;

use crate::cli::Cli;
use crate::messages;

/// The API base, identity base, subscription key, domain and timeout given on the command line.
pub struct Endpoints {
    /// API base URL.
    pub api_base: Url,
    /// Identity base URL.
    pub identity_base: Url,
}

/// Resolves the base URLs: explicit values, else the API base for identity, else production.
pub fn endpoints(cli: &Cli) -> Result<Endpoints, String> {
    let api_text = cli.api_base.as_deref().unwrap_or(PRODUCTION_API);
    let identity_text = match (&cli.identity_base, &cli.api_base) {
        (Some(identity), _) => identity.as_str(),
        (None, Some(api)) => api.as_str(),
        (None, None) => PRODUCTION_IDENTITY,
    };
    let api_base = Url::parse(api_text).map_err(|_| messages::bad_url("--api-base", api_text))?;
    let identity_base = Url::parse(identity_text)
        .map_err(|_| messages::bad_url("--identity-base", identity_text))?;
    for (flag, url) in [
        ("--api-base", &api_base),
        ("--identity-base", &identity_base),
    ] {
        if !econnect_api::config::is_safe_base(url) {
            return Err(messages::unsafe_url(flag, url.as_str()));
        }
    }
    Ok(Endpoints {
        api_base,
        identity_base,
    })
}

/// Credentials from ECONNECT_USERNAME/PASSWORD (password grant) or the client pair alone.
///
/// The client pair comes from ECONNECT_CLIENT_ID/SECRET only when the token call goes to
/// eConnect's own identity server; for any other address from ECONNECT_CUSTOM_CLIENT_ID/
/// SECRET. So a client secret issued by eConnect, kept in someone's shell profile, never
/// goes to an address typed after `--api-base` (the desktop app keeps the same rule).
pub fn credentials_from_env(identity_base: &Url) -> Result<Credentials, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (id_var, secret_var) = if econnect_api::config::is_platform_host(identity_base) {
        ("ECONNECT_CLIENT_ID", "ECONNECT_CLIENT_SECRET")
    } else {
        ("ECONNECT_CUSTOM_CLIENT_ID", "ECONNECT_CUSTOM_CLIENT_SECRET")
    };
    let client_id = var(id_var);
    let client_secret = var(secret_var);
    match (
        var("ECONNECT_USERNAME"),
        var("ECONNECT_PASSWORD"),
        client_id,
        client_secret,
    ) {
        (Some(username), Some(password), Some(client_id), Some(client_secret)) => {
            Ok(Credentials::Password {
                username,
                password,
                client_id,
                client_secret,
            })
        }
        (None, None, Some(client_id), Some(client_secret)) => Ok(Credentials::ClientCredentials {
            client_id,
            client_secret,
        }),
        _ => Err(messages::no_credentials(id_var, secret_var)),
    }
}

/// A client for the configured environment.
pub fn client(cli: &Cli) -> Result<Client, String> {
    let Endpoints {
        api_base,
        identity_base,
    } = endpoints(cli)?;
    let credentials = credentials_from_env(&identity_base)?;
    let mut config = Config::new(api_base, identity_base, credentials)
        .with_timeout(Duration::from_secs(cli.timeout.max(1)));
    config.subscription_key = cli.subscription_key.clone();
    config.domain_id = cli.domain_id.clone();
    Client::new(config).map_err(|e| e.to_string())
}
