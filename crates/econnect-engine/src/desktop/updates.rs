//! Update channels (the one place their feeds are configured) and the update status the
//! UI shows.

use serde::{Deserialize, Serialize};

use super::install::UpdateSupport;

/// Where updates come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum UpdateChannel {
    /// Releases for everyone.
    #[default]
    Stable,
    /// Early releases for testers.
    Beta,
}

/// The feed the updater reads per channel. `{{target}}` and `{{arch}}` are filled in by
/// the updater plugin (e.g. `linux`, `x86_64`).
pub fn feed_url(channel: UpdateChannel) -> &'static str {
    match channel {
        UpdateChannel::Stable => {
            "https://downloads.econnect.eu/desktop/stable/{{target}}-{{arch}}.json"
        }
        UpdateChannel::Beta => {
            "https://downloads.econnect.eu/desktop/beta/{{target}}-{{arch}}.json"
        }
    }
}

/// What the updater is doing, for Instellingen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UpdateStatus {
    /// This install cannot update itself; `support` says why.
    Disabled {
        /// Why not.
        support: UpdateSupport,
    },
    /// No check has run yet.
    Idle,
    /// Asking the feed.
    Checking,
    /// The feed has nothing newer.
    UpToDate,
    /// Downloading a new version in the background.
    Downloading {
        /// The version being downloaded.
        version: String,
        /// Bytes so far.
        downloaded: u64,
        /// Total bytes, when the server says.
        total: Option<u64>,
    },
    /// Downloaded and verified: "Herstarten om bij te werken".
    Ready {
        /// The version that installs on restart.
        version: String,
    },
    /// The last check or download failed; the next daily check tries again.
    Failed {
        /// Detail (English) for the log and the tooltip.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_has_an_https_feed() {
        for channel in [UpdateChannel::Stable, UpdateChannel::Beta] {
            assert!(feed_url(channel).starts_with("https://"), "{channel:?}");
        }
        assert_ne!(
            feed_url(UpdateChannel::Stable),
            feed_url(UpdateChannel::Beta)
        );
    }

    #[test]
    fn status_serialises_with_a_state_tag() {
        let json = serde_json::to_value(UpdateStatus::Ready {
            version: "1.2.0".into(),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"state": "ready", "version": "1.2.0"})
        );
    }
}
