//! The app's own configuration: the OAuth client (id and secret of the app, never a user's
//! secret) and the sync interval. From `<data>/config.json`, overridden by the environment
//! variables `ECONNECT_CLIENT_ID` / `ECONNECT_CLIENT_SECRET`.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{EngineError, ErrorCode};

/// Default time between two syncs.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// `config.json` as written by an administrator or installer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ConfigFile {
    client_id: Option<String>,
    client_secret: Option<String>,
    sync_interval_seconds: Option<u64>,
}

/// The resolved configuration.
#[derive(Clone, Default)]
pub struct AppConfig {
    /// OAuth client id for production/acceptance/custom.
    pub client_id: Option<String>,
    /// OAuth client secret (the app's, not a user's).
    pub client_secret: Option<String>,
    /// Time between two syncs.
    pub sync_interval: Duration,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
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
            sync_interval: file
                .sync_interval_seconds
                .filter(|s| *s > 0)
                .map_or(DEFAULT_SYNC_INTERVAL, Duration::from_secs),
        })
    }

    /// The client id and secret, or `ClientNotConfigured`.
    pub fn client(&self) -> Result<(String, String), EngineError> {
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
            _ => Err(EngineError::new(
                ErrorCode::ClientNotConfigured,
                "no OAuth client: set clientId/clientSecret in config.json or ECONNECT_CLIENT_ID/ECONNECT_CLIENT_SECRET",
            )),
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
            assert_eq!(cfg.client().unwrap().0, "a");
        }
        assert!(!format!("{cfg:?}").contains("\"b\""));
        std::fs::write(dir.path().join("config.json"), "{").unwrap();
        assert_eq!(
            AppConfig::load(dir.path()).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
    }
}
