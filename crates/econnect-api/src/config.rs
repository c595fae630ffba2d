//! Where the platform is and how to sign in.

use std::fmt;
use std::time::Duration;

use url::{Host, Url};

/// Whether a base URL may carry credentials: https, or http only to this machine's loopback
/// (the sandbox, a local reverse proxy). Anything else would send the password and tokens
/// in clear text.
pub fn is_safe_base(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback(url),
        _ => false,
    }
}

/// Whether the URL's host is this machine's loopback (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether the URL is one of eConnect's own platform hosts (production or acceptance, API
/// or identity), by origin: https, the exact host, the default port. The app's own OAuth
/// client (its secret is issued by eConnect for these hosts) may only be sent there.
pub fn is_platform_host(url: &Url) -> bool {
    [
        PRODUCTION_API,
        PRODUCTION_IDENTITY,
        ACCEPTANCE_API,
        ACCEPTANCE_IDENTITY,
    ]
    .iter()
    .filter_map(|known| Url::parse(known).ok())
    .any(|known| known.origin() == url.origin())
}

/// Default timeout of one platform call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Slowest upload speed an upload's timeout allows for (bytes per second) on top of `timeout`.
pub const DEFAULT_MIN_UPLOAD_RATE: u64 = 64 * 1024;

/// Acceptance API base (no real Peppol traffic).
pub const ACCEPTANCE_API: &str = "https://accp-psb.econnect.eu";
/// Acceptance identity base.
pub const ACCEPTANCE_IDENTITY: &str = "https://accp-identity.econnect.eu";
/// Production API base.
pub const PRODUCTION_API: &str = "https://psb.econnect.eu";
/// Production identity base.
pub const PRODUCTION_IDENTITY: &str = "https://identity.econnect.eu";

/// The OAuth2 grant used to get a token.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A person signing in (`grant_type=password`).
    Password {
        /// User name (an e-mail address).
        username: String,
        /// Password.
        password: String,
        /// OAuth client id.
        client_id: String,
        /// OAuth client secret.
        client_secret: String,
    },
    /// A machine signing in (`grant_type=client_credentials`).
    ClientCredentials {
        /// OAuth client id.
        client_id: String,
        /// OAuth client secret.
        client_secret: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password {
                username,
                client_id,
                ..
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("client_id", client_id)
                .finish_non_exhaustive(),
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

/// Everything the client needs to talk to one platform environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL of the API ("PSB"), e.g. `https://accp-psb.econnect.eu`.
    pub api_base: Url,
    /// Base URL of the identity server, e.g. `https://accp-identity.econnect.eu`.
    pub identity_base: Url,
    /// How to get a token.
    pub credentials: Credentials,
    /// Legacy `Subscription-Key` header, sent when set.
    pub subscription_key: Option<String>,
    /// `X-EConnect-DomainId` header, sent when set.
    pub domain_id: Option<String>,
    /// Timeout of one call (uploads get more, see `min_upload_rate`).
    pub timeout: Duration,
    /// Uploads get `timeout + size / min_upload_rate` seconds.
    pub min_upload_rate: u64,
}

impl Config {
    /// A configuration with default timeouts and no optional headers.
    pub fn new(api_base: Url, identity_base: Url, credentials: Credentials) -> Self {
        Config {
            api_base,
            identity_base,
            credentials,
            subscription_key: None,
            domain_id: None,
            timeout: DEFAULT_TIMEOUT,
            min_upload_rate: DEFAULT_MIN_UPLOAD_RATE,
        }
    }

    /// Sets the legacy `Subscription-Key`.
    pub fn with_subscription_key(mut self, key: impl Into<String>) -> Self {
        self.subscription_key = Some(key.into());
        self
    }

    /// Sets `X-EConnect-DomainId`.
    pub fn with_domain_id(mut self, domain: impl Into<String>) -> Self {
        self.domain_id = Some(domain.into());
        self
    }

    /// Sets the per-call timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for uploading `bytes` bytes.
    pub fn upload_timeout(&self, bytes: u64) -> Duration {
        let rate = self.min_upload_rate.max(1);
        self.timeout + Duration::from_secs(bytes.div_ceil(rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_travel_over_https_or_to_loopback_only() {
        let safe = |t: &str| is_safe_base(&Url::parse(t).unwrap());
        assert!(safe("https://psb.econnect.eu"));
        assert!(safe("http://127.0.0.1:8080"));
        assert!(safe("http://[::1]:9"));
        assert!(safe("http://localhost:3000"));
        assert!(!safe("http://psb.econnect.eu"));
        assert!(!safe("http://192.168.1.10"));
        assert!(!safe("ftp://127.0.0.1"));
    }

    #[test]
    fn only_econnects_own_hosts_are_platform_hosts() {
        let platform = |t: &str| is_platform_host(&Url::parse(t).unwrap());
        assert!(platform("https://identity.econnect.eu"));
        assert!(platform("https://identity.econnect.eu/some/path"));
        assert!(platform("https://accp-identity.econnect.eu:443"));
        assert!(platform("https://psb.econnect.eu"));
        assert!(!platform("http://identity.econnect.eu"));
        assert!(!platform("https://identity.econnect.eu:8443"));
        assert!(!platform("https://identity.econnect.eu.example.com"));
        assert!(!platform("https://evil.example/identity.econnect.eu"));
        assert!(!platform("http://127.0.0.1:8080"));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Password {
            username: "u".into(),
            password: "hunter2".into(),
            client_id: "cid".into(),
            client_secret: "s3cret".into(),
        };
        let text = format!("{c:?}");
        assert!(
            !text.contains("hunter2") && !text.contains("s3cret"),
            "{text}"
        );
        assert!(text.contains("cid"));
    }

    #[test]
    fn upload_timeout_scales() {
        let url = Url::parse("http://localhost").unwrap();
        let cfg = Config::new(
            url.clone(),
            url,
            Credentials::ClientCredentials {
                client_id: "a".into(),
                client_secret: "b".into(),
            },
        );
        assert_eq!(cfg.upload_timeout(0), DEFAULT_TIMEOUT);
        assert_eq!(
            cfg.upload_timeout(10 * 1024 * 1024),
            DEFAULT_TIMEOUT + Duration::from_secs(160)
        );
    }
}
