//! Which eConnect environment to sign in to, and where its servers are.

use econnect_api::config::{
    ACCEPTANCE_API, ACCEPTANCE_IDENTITY, PRODUCTION_API, PRODUCTION_IDENTITY,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{EngineError, ErrorCode};

/// Where the platform's sign-up page is (seed article "Aanmelden en registreren").
pub const SIGN_UP_URL: &str = "https://platform.econnect.eu";

/// An environment to sign in to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Environment {
    /// The real platform.
    Production,
    /// The acceptance platform (no real Peppol traffic).
    Acceptance,
    /// Any other server (e.g. a sandbox started by hand).
    Custom {
        /// The API base URL.
        #[serde(rename = "apiBase")]
        api_base: String,
        /// The identity base URL; the API base when absent.
        #[serde(rename = "identityBase")]
        identity_base: Option<String>,
    },
    /// The sandbox inside the app, with demo data: no account needed.
    Sandbox,
}

/// An environment as the sign-in screen offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentInfo {
    /// The environment.
    pub environment: Environment,
    /// Stable key (`production`, `acceptance`, `custom`, `sandbox`) for labels in the catalogue.
    pub key: String,
    /// The API base URL (empty for custom and sandbox: chosen or started later).
    pub api_base: String,
    /// Whether this is the one to preselect for someone without an account.
    pub is_default: bool,
}

/// Resolved base URLs of an environment that has fixed ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// API base.
    pub api_base: Url,
    /// Identity base.
    pub identity_base: Url,
}

impl Environment {
    /// The stable key, also the first part of the profile name.
    pub fn key(&self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Acceptance => "acceptance",
            Environment::Custom { .. } => "custom",
            Environment::Sandbox => "sandbox",
        }
    }

    /// The base URLs; `None` for the sandbox (its port is chosen when it starts).
    pub fn endpoints(&self) -> Result<Option<Endpoints>, EngineError> {
        let (api, identity) = match self {
            Environment::Production => {
                (PRODUCTION_API.to_string(), PRODUCTION_IDENTITY.to_string())
            }
            Environment::Acceptance => {
                (ACCEPTANCE_API.to_string(), ACCEPTANCE_IDENTITY.to_string())
            }
            Environment::Custom {
                api_base,
                identity_base,
            } => {
                let identity = identity_base
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .unwrap_or(api_base);
                (api_base.trim().to_string(), identity.trim().to_string())
            }
            Environment::Sandbox => return Ok(None),
        };
        Ok(Some(Endpoints {
            api_base: parse_base(&api)?,
            identity_base: parse_base(&identity)?,
        }))
    }

    /// The profile name: environment and user (custom environments also by host), so each
    /// gets its own cache. Sanitised into a folder name by the store.
    pub fn profile(&self, username: &str) -> String {
        let user = username.trim().to_lowercase();
        match self {
            Environment::Custom { api_base, .. } => {
                let host = Url::parse(api_base.trim())
                    .ok()
                    .map(|u| {
                        format!(
                            "{}-{}",
                            u.host_str().unwrap_or("host"),
                            u.port_or_known_default().unwrap_or(0)
                        )
                    })
                    .unwrap_or_else(|| "custom".into());
                format!("custom-{host}-{user}")
            }
            other => format!("{}-{user}", other.key()),
        }
    }

    /// The environments the sign-in screen offers; the sandbox is the default.
    pub fn all() -> Vec<EnvironmentInfo> {
        [
            Environment::Sandbox,
            Environment::Production,
            Environment::Acceptance,
        ]
        .into_iter()
        .map(|e| EnvironmentInfo {
            key: e.key().to_string(),
            api_base: match &e {
                Environment::Production => PRODUCTION_API.to_string(),
                Environment::Acceptance => ACCEPTANCE_API.to_string(),
                _ => String::new(),
            },
            is_default: e == Environment::Sandbox,
            environment: e,
        })
        .chain(std::iter::once(EnvironmentInfo {
            environment: Environment::Custom {
                api_base: String::new(),
                identity_base: None,
            },
            key: "custom".into(),
            api_base: String::new(),
            is_default: false,
        }))
        .collect()
    }
}

fn parse_base(text: &str) -> Result<Url, EngineError> {
    let url = Url::parse(text).map_err(|e| {
        EngineError::new(ErrorCode::InvalidConfig, format!("base URL {text:?}: {e}"))
    })?;
    if !econnect_api::config::is_safe_base(&url) {
        return Err(EngineError::new(
            ErrorCode::InvalidConfig,
            format!(
                "adres {text:?}: moet https zijn (http alleen op deze computer: 127.0.0.1, ::1 of localhost)"
            ),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_address_must_be_https_unless_it_is_this_computer() {
        let custom = |api: &str| Environment::Custom {
            api_base: api.into(),
            identity_base: None,
        };
        let err = custom("http://psb.kantoor.nl").endpoints().unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(custom("https://psb.kantoor.nl").endpoints().is_ok());
        assert!(custom("http://127.0.0.1:9").endpoints().is_ok());
    }

    #[test]
    fn environments_serialise_with_a_kind_tag() {
        let e = Environment::Custom {
            api_base: "http://127.0.0.1:9".into(),
            identity_base: None,
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "custom", "apiBase": "http://127.0.0.1:9", "identityBase": null})
        );
        let back: Environment = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        assert_eq!(e.profile("Demo@X.nl"), "custom-127.0.0.1-9-demo@x.nl");
        let ep = e.endpoints().unwrap().unwrap();
        assert_eq!(ep.identity_base, ep.api_base);
        assert!(
            Environment::Custom {
                api_base: "ftp://x".into(),
                identity_base: None
            }
            .endpoints()
            .is_err()
        );
        assert!(
            Environment::all()
                .iter()
                .any(|i| i.is_default && i.environment == Environment::Sandbox)
        );
    }
}
