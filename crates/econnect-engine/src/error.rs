//! Errors as they cross to the UI: a stable machine code and a message.

use serde::{Deserialize, Serialize};

/// Stable codes the UI translates (`errors.<code>`); never reuse or rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The OS would not tell us where to keep the app's data.
    NoDataFolder,
    /// The identity server refused the user name or password.
    WrongPassword,
    /// The account is locked or disabled on the platform.
    AccountLocked,
    /// The platform (or the network) cannot be reached.
    Unreachable,
    /// The platform answered 503: maintenance or overload.
    Maintenance,
    /// The platform answered 429 too often; try again later.
    RateLimited,
    /// The app's client id/secret is missing (see `config.json` / `ECONNECT_CLIENT_ID`).
    ClientNotConfigured,
    /// The identity server refused the app's client id/secret.
    InvalidClient,
    /// The user has no access to this organisation or action (403).
    NoAccess,
    /// The thing asked for is not in the cache (or not on the platform).
    NotFound,
    /// An action needs a signed-in session and there is none.
    NotSignedIn,
    /// The action needs the platform and the app is offline.
    Offline,
    /// The local cache (SQLite) failed.
    Storage,
    /// The OS keyring failed in an unexpected way (not merely "not available").
    Keyring,
    /// The configuration file or a base URL is invalid.
    InvalidConfig,
    /// The input of a call is invalid (e.g. an unknown sort field, a bad date).
    InvalidInput,
    /// Another platform failure (unexpected answer, server error).
    Platform,
    /// A watched or chosen folder cannot be used (missing, no rights, a file in the way).
    Folder,
    /// Only administrators of the environment may do this (users, members; 403).
    AdminOnly,
    /// The text is not an e-mail address.
    InvalidEmail,
    /// A user with this e-mail address already exists in the environment.
    UserExists,
    /// The user lacks the "ontvangen" permission for this organisation (receiving).
    NoReceivePermission,
    /// Users cannot take away their own access to an organisation; another administrator can.
    OwnMembership,
}

/// An engine failure, serialised as `{code, message}` for the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, specta::Type)]
#[error("{message}")]
pub struct EngineError {
    /// What went wrong, for the UI to translate.
    pub code: ErrorCode,
    /// Detail for logs and developers (English); the UI shows its own translation.
    pub message: String,
}

impl EngineError {
    /// Builds an error from a code and a detail message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// No session: sign in first.
    pub fn not_signed_in() -> Self {
        Self::new(ErrorCode::NotSignedIn, "not signed in")
    }
}

impl From<econnect_store::StoreError> for EngineError {
    fn from(e: econnect_store::StoreError) -> Self {
        match e {
            econnect_store::StoreError::NotFound(what) => Self::new(ErrorCode::NotFound, what),
            econnect_store::StoreError::InvalidInput(what) => {
                Self::new(ErrorCode::InvalidInput, what)
            }
            other => Self::new(ErrorCode::Storage, other.to_string()),
        }
    }
}

impl From<econnect_api::Error> for EngineError {
    fn from(e: econnect_api::Error) -> Self {
        use econnect_api::{AuthErrorKind, Error};
        let code = match &e {
            Error::Auth(auth) => match auth.kind {
                AuthErrorKind::WrongCredentials => ErrorCode::WrongPassword,
                AuthErrorKind::Locked => ErrorCode::AccountLocked,
                AuthErrorKind::InvalidClient => ErrorCode::InvalidClient,
                AuthErrorKind::Other(_) => ErrorCode::Platform,
            },
            Error::Maintenance { .. } => ErrorCode::Maintenance,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Timeout | Error::Connect(_) | Error::Reset(_) | Error::Transport(_) => {
                ErrorCode::Unreachable
            }
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Io(_) => ErrorCode::Storage,
            _ if e.is_forbidden() => ErrorCode::NoAccess,
            _ if e.is_not_found() => ErrorCode::NotFound,
            Error::Api { status: 401, .. } | Error::Http { status: 401, .. } => {
                ErrorCode::WrongPassword
            }
            _ => ErrorCode::Platform,
        };
        Self::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_errors_get_their_own_codes() {
        use econnect_api::{AuthError, Error};
        let wrong = Error::Auth(AuthError::from_oauth("invalid_grant", None));
        assert_eq!(EngineError::from(wrong).code, ErrorCode::WrongPassword);
        let locked = Error::Auth(AuthError::from_oauth(
            "invalid_grant",
            Some("account locked".into()),
        ));
        assert_eq!(EngineError::from(locked).code, ErrorCode::AccountLocked);
        let down = Error::Maintenance { retry_after: None };
        assert_eq!(EngineError::from(down).code, ErrorCode::Maintenance);
        let gone = Error::Connect("refused".into());
        assert_eq!(EngineError::from(gone).code, ErrorCode::Unreachable);
        let json = serde_json::to_value(ErrorCode::AccountLocked).unwrap();
        assert_eq!(json, serde_json::json!("account_locked"));
    }
}
