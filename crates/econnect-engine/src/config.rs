//! The app's own configuration: the OAuth clients (ids and secrets of the app, never a
//! user's secret) and the sync interval. From `<data>/config.json`, overridden by the
//! environment variables `ECONNECT_CLIENT_ID` / `ECONNECT_CLIENT_SECRET` (eConnect's
//! platform) and `ECONNECT_CUSTOM_CLIENT_ID` / `ECONNECT_CUSTOM_CLIENT_SECRET` (any other
//! address).

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::error::{EngineError, ErrorCode};

/// Default time between two syncs.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// `config.json` as written by an administrator or installer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ConfigFile {
    client_id: Option<String>,
    client_secret: Option<String>,
    custom_client_id: Option<String>,
    custom_client_secret: Option<String>,
    sync_interval_seconds: Option<u64>,
}

/// The resolved configuration.
#[derive(Clone, Default)]
pub struct AppConfig {
    /// OAuth client id for eConnect's platform (production, acceptance).
    pub client_id: Option<String>,
    /// OAuth client secret for eConnect's platform (the app's, not a user's); only ever
    /// sent to eConnect's own hosts.
    pub client_secret: Option<String>,
    /// OAuth client id for a custom address (a sandbox, a test server).
    pub custom_client_id: Option<String>,
    /// OAuth client secret for a custom address.
    pub custom_client_secret: Option<String>,
    /// Time between two syncs.
    pub sync_interval: Duration,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("custom_client_id", &self.custom_client_id)
            .field(
                "custom_client_secret",
                &self.custom_client_secret.as_ref().map(|_| "…"),
            )
            .field("sync_interval", &self.sync_interval)
            .finish()
    }
}

impl AppConfig {
    /// Reads `<data>/config.json` (absent is fine) and the environment variables.
    pub fn load(data_folder: &Path) -> Result<AppConfig, EngineError> {
        let path = data_folder.join("config.json");
        let file: ConfigFile = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                EngineError::new(ErrorCode::InvalidConfig, format!("{}: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => {
                return Err(EngineError::new(
                    ErrorCode::InvalidConfig,
                    format!("{}: {e}", path.display()),
                ));
            }
        };
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Ok(AppConfig {
            client_id: var("ECONNECT_CLIENT_ID").or(file.client_id),
            client_secret: var("ECONNECT_CLIENT_SECRET").or(file.client_secret),
            custom_client_id: var("ECONNECT_CUSTOM_CLIENT_ID").or(file.custom_client_id),
            custom_client_secret: var("ECONNECT_CUSTOM_CLIENT_SECRET")
                .or(file.custom_client_secret),
            sync_interval: file
                .sync_interval_seconds
                .filter(|s| *s > 0)
                .map_or(DEFAULT_SYNC_INTERVAL, Duration::from_secs),
        })
    }

    /// The client id and secret to sign in at `identity_base`, or `ClientNotConfigured`.
    ///
    /// The platform client goes only to eConnect's own hosts. Any other address someone
    /// typed in (or was talked into typing) would otherwise receive the secret eConnect
    /// issued to this app, and could then pose as the app to the real platform. Sending no
    /// client there is no answer either: the token call requires one in both grants
    /// (shared/econnect-api.md, Authentication), so a custom address needs a client of its
    /// own, configured for custom addresses on purpose.
    pub fn client_for(&self, identity_base: &Url) -> Result<(String, String), EngineError> {
        if econnect_api::config::is_platform_host(identity_base) {
            match (&self.client_id, &self.client_secret) {
                (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
                _ => Err(EngineError::new(
                    ErrorCode::ClientNotConfigured,
                    "no OAuth client: set clientId/clientSecret in config.json or ECONNECT_CLIENT_ID/ECONNECT_CLIENT_SECRET",
                )),
            }
        } else {
            match (&self.custom_client_id, &self.custom_client_secret) {
                (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
                _ => Err(EngineError::new(
                    ErrorCode::ClientNotConfigured,
                    "no OAuth client for a custom address (the platform's own client is never sent there): set customClientId/customClientSecret in config.json or ECONNECT_CUSTOM_CLIENT_ID/ECONNECT_CUSTOM_CLIENT_SECRET",
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let none = AppConfig::load(dir.path()).unwrap();
        assert_eq!(none.sync_interval, DEFAULT_SYNC_INTERVAL);
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"clientId":"a","clientSecret":"b","syncIntervalSeconds":5}"#,
        )
        .unwrap();
        let cfg = AppConfig::load(dir.path()).unwrap();
        assert_eq!(cfg.sync_interval, Duration::from_secs(5));
        if std::env::var_os("ECONNECT_CLIENT_ID").is_none() {
            let production = Url::parse(econnect_api::config::PRODUCTION_IDENTITY).unwrap();
            assert_eq!(cfg.client_for(&production).unwrap().0, "a");
        }
        assert!(!format!("{cfg:?}").contains("\"b\""));
        std::fs::write(dir.path().join("config.json"), "{").unwrap();
        assert_eq!(
            AppConfig::load(dir.path()).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn the_platform_client_never_goes_to_another_host() {
        let cfg = AppConfig {
            client_id: Some("app".into()),
            client_secret: Some("production-secret".into()),
            ..AppConfig::default()
        };
        let at = |u: &str| cfg.client_for(&Url::parse(u).unwrap());
        assert_eq!(
            at("https://identity.econnect.eu").unwrap().1,
            "production-secret"
        );
        assert_eq!(
            at("https://accp-identity.econnect.eu").unwrap().1,
            "production-secret"
        );
        for custom in [
            "https://identity.kantoor.nl",
            "http://127.0.0.1:9",
            "https://identity.econnect.eu.kantoor.nl",
        ] {
            let err = at(custom).unwrap_err();
            assert_eq!(err.code, ErrorCode::ClientNotConfigured, "{custom}");
            assert!(!err.message.contains("production-secret"));
        }
        let with_own = AppConfig {
            custom_client_id: Some("mine".into()),
            custom_client_secret: Some("my-secret".into()),
            ..cfg.clone()
        };
        let own = with_own
            .client_for(&Url::parse("https://identity.kantoor.nl").unwrap())
            .unwrap();
        assert_eq!(own, ("mine".to_string(), "my-secret".to_string()));
    }
}
