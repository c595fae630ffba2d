//! Signed updates: a check at start and daily, the download in the background with
//! progress, and "Herstarten om bij te werken" once it is verified. The updater plugin
//! checks the minisign signature against the public key in tauri.conf.json; a .deb or a
//! developer build does not update itself (see `install::install_kind`).
//!
//! The plugin (v2) always verifies the signature: there is no switch to turn that off, and
//! nothing here sets one of its `dangerous*` options. tauri.conf.json also sets
//! `requireSignedVersion`: the feed's answer is not signed, only the artifact is, so without
//! it a signature that names no version (made before the CLI recorded one) would let a feed
//! offer an old signed release as a new version. `tauri build` records the version.

use std::sync::Mutex;
use std::time::Duration;

use econnect_engine::desktop::install::install_kind;
use econnect_engine::desktop::updates::feed_url;
use econnect_engine::desktop::{DesktopError, DesktopErrorCode, UpdateStatus, UpdateSupport};
use tauri::{AppHandle, Emitter, Manager, Runtime, Url};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::plugins::{self, DesktopState};
use crate::update_fetch;

/// The UI event carrying the [`UpdateStatus`].
pub const UPDATE_EVENT: &str = "desktop://update";
/// How often a running app checks again.
const CHECK_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// Overrides the channel's feed (a staging server, a local test feed); debug builds only.
#[cfg(debug_assertions)]
const FEED_OVERRIDE: &str = "ECONNECT_UPDATE_FEED";

/// The feed set in the environment, read only by debug builds: a release build takes its
/// updates from its channel's feed alone, whatever its environment says (anything that can
/// set a variable for the app could otherwise point it at another feed).
#[cfg(debug_assertions)]
fn feed_override() -> Option<String> {
    std::env::var(FEED_OVERRIDE)
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// Release builds have no feed override.
#[cfg(not(debug_assertions))]
fn feed_override() -> Option<String> {
    None
}

/// A downloaded, verified update waiting for the restart.
pub struct ReadyUpdate {
    update: Update,
    bytes: Vec<u8>,
}

/// The update waiting for "Herstarten om bij te werken", if any.
#[derive(Default)]
struct Pending(Mutex<Option<ReadyUpdate>>);

/// Starts the checks (at start, then daily), or marks updates disabled for this install.
pub fn start(app: &AppHandle) {
    app.manage(Pending::default());
    let support = match std::env::current_exe() {
        Ok(exe) => install_kind(
            std::env::consts::OS,
            &exe,
            std::env::var("APPIMAGE").ok().as_deref(),
        )
        .update_support(),
        Err(err) => {
            tracing::warn!("cannot tell where the app is installed: {err}");
            UpdateSupport::NotPackaged
        }
    };
    // A feed set explicitly is a deliberate test or staging run, whatever the install.
    if support != UpdateSupport::SelfUpdate && feed_override().is_none() {
        tracing::info!("updates disabled for this install: {support:?}");
        set_status(app, UpdateStatus::Disabled { support });
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            check_now(&app).await;
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// Checks the feed and downloads a newer version; the outcome lands in the status.
pub async fn check_now(app: &AppHandle) {
    if matches!(
        status(app),
        UpdateStatus::Ready { .. } | UpdateStatus::Disabled { .. }
    ) {
        return;
    }
    let feed = match feed(app) {
        Ok(feed) => feed,
        Err(err) => {
            return set_status(
                app,
                UpdateStatus::Failed {
                    message: err.message,
                },
            );
        }
    };
    let reporter = app.clone();
    match fetch_update(app, feed, move |s| set_status(&reporter, s)).await {
        Ok(Some(ready)) => {
            let version = ready.update.version.clone();
            *app.state::<Pending>()
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(ready);
            set_status(app, UpdateStatus::Ready { version });
        }
        Ok(None) => set_status(app, UpdateStatus::UpToDate),
        Err(err) => {
            tracing::warn!("update check failed: {err}");
            set_status(
                app,
                UpdateStatus::Failed {
                    message: err.message,
                },
            );
        }
    }
}

/// Asks the feed for a newer version and downloads it; the plugin verifies the signature
/// against the configured public key before anything is returned. The feed and the download
/// are read by `update_fetch` (capped in size and time); the plugin picks this platform's
/// entry (always requiring the signed version, see `restore_update`) and verifies.
pub async fn fetch_update<R: Runtime>(
    app: &AppHandle<R>,
    feed: Url,
    mut report: impl FnMut(UpdateStatus),
) -> Result<Option<ReadyUpdate>, DesktopError> {
    let failed = |message: String| DesktopError::new(DesktopErrorCode::UpdateFailed, message);
    let plugin_failed = |err: tauri_plugin_updater::Error| failed(err.to_string());
    report(UpdateStatus::Checking);
    let updater = app
        .updater_builder()
        .endpoints(vec![feed.clone()])
        .map_err(plugin_failed)?
        .build()
        .map_err(plugin_failed)?;
    let http = update_fetch::client().map_err(failed)?;
    let url = update_fetch::feed_for_this_platform(&feed).map_err(failed)?;
    let Some(answer) = update_fetch::read_feed(&http, url).await.map_err(failed)? else {
        return Ok(None);
    };
    let Some(update) = updater.restore_update(answer).map_err(plugin_failed)? else {
        return Ok(None);
    };
    tracing::info!("update {} found; downloading", update.version);
    let version = update.version.clone();
    let mut last_percent = None;
    let bytes = update_fetch::download(&http, update.download_url.clone(), |downloaded, total| {
        // One report per percent, not per chunk.
        let percent = total.map(|t| downloaded * 100 / t.max(1));
        if percent != last_percent || total.is_none() {
            last_percent = percent;
            report(UpdateStatus::Downloading {
                version: version.clone(),
                downloaded,
                total,
            });
        }
    })
    .await
    .map_err(failed)?;
    update.verify(&bytes).map_err(plugin_failed)?;
    tracing::info!(
        "update {} downloaded and its signature verified",
        update.version
    );
    Ok(Some(ReadyUpdate { update, bytes }))
}

impl ReadyUpdate {
    /// The version that installs on restart.
    pub fn version(&self) -> &str {
        &self.update.version
    }
}

/// Installs the downloaded update and restarts the app.
pub fn restart_to_update(app: &AppHandle) -> Result<(), DesktopError> {
    let Some(ready) = app
        .state::<Pending>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    else {
        return Err(DesktopError::new(
            DesktopErrorCode::UpdateFailed,
            "no update is ready",
        ));
    };
    if let Err(err) = ready.update.install(&ready.bytes) {
        tracing::error!("installing update {} failed: {err}", ready.version());
        set_status(
            app,
            UpdateStatus::Failed {
                message: err.to_string(),
            },
        );
        return Err(DesktopError::new(
            DesktopErrorCode::UpdateFailed,
            err.to_string(),
        ));
    }
    tracing::info!("update {} installed; restarting", ready.version());
    app.restart()
}

/// The updater's status now.
pub fn status(app: &AppHandle) -> UpdateStatus {
    app.state::<DesktopState>()
        .update
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

fn set_status(app: &AppHandle, status: UpdateStatus) {
    *app.state::<DesktopState>()
        .update
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = status.clone();
    if let Err(err) = app.emit(UPDATE_EVENT, status) {
        tracing::warn!("could not send the update status to the UI: {err}");
    }
}

fn feed(app: &AppHandle) -> Result<Url, DesktopError> {
    let raw = feed_override()
        .unwrap_or_else(|| feed_url(plugins::settings(app).update_channel).to_owned());
    Url::parse(&raw).map_err(|err| {
        DesktopError::new(DesktopErrorCode::UpdateFailed, format!("feed {raw}: {err}"))
    })
}

#[cfg(test)]
mod tests {
    //! Serves an update feed from a loopback server and lets the updater plugin check,
    //! download and verify it, as the app does: a good signature is accepted, a signature
    //! by another key, over other bytes or for another version is refused.

    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use minisign::KeyPair;
    use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};

    use super::*;

    const ARTIFACT: &[u8] = b"pretend this is eConnect Desktop 9.9.9";

    /// A key pair in the encoding tauri.conf.json and the feed use (base64 of minisign text).
    fn key_pair() -> (KeyPair, String) {
        let pair = KeyPair::generate_unencrypted_keypair().expect("key pair");
        let public = pair.pk.to_box().expect("public key box").to_string();
        (pair, STANDARD.encode(public))
    }

    /// Signs like `tauri build`: the trusted comment names the version.
    fn sign(pair: &KeyPair, bytes: &[u8], version: &str) -> String {
        sign_with_comment(
            pair,
            bytes,
            &format!("timestamp:1700000000\tfile:econnect-desktop.AppImage\tversion:{version}"),
        )
    }

    fn sign_with_comment(pair: &KeyPair, bytes: &[u8], trusted: &str) -> String {
        let signature = minisign::sign(
            Some(&pair.pk),
            &pair.sk,
            bytes,
            Some(trusted),
            Some("signature from tauri secret key"),
        )
        .expect("sign");
        STANDARD.encode(signature.to_string())
    }

    /// Serves `/feed.json` and `/app` on loopback until the test ends.
    fn serve(signature: String) -> Url {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let entry = serde_json::json!({ "signature": signature, "url": format!("{base}/app") });
        let feed = serde_json::json!({
            "version": "9.9.9",
            "notes": "test",
            "pub_date": "2026-11-29T12:00:00Z",
            "platforms": { "linux-x86_64": entry, "windows-x86_64": entry, "darwin-aarch64": entry, "darwin-x86_64": entry },
        })
        .to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // Skip the headers: the answers do not depend on them.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let body: &[u8] = if request_line.contains(" /feed.json") {
                    feed.as_bytes()
                } else {
                    ARTIFACT
                };
                let mut out = &stream;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out
                    .write_all(head.as_bytes())
                    .and_then(|()| out.write_all(body));
            }
        });
        Url::parse(&format!("{base}/feed.json")).expect("url")
    }

    /// The updater section of the shipped tauri.conf.json.
    fn shipped_updater_config() -> serde_json::Value {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
        config["plugins"]["updater"].clone()
    }

    /// A mock app with the shipped updater settings, trusting `pubkey` instead of ours.
    fn app_trusting(pubkey: &str) -> tauri::App<MockRuntime> {
        let mut updater = shipped_updater_config();
        updater["pubkey"] = serde_json::json!(pubkey);
        let mut context = mock_context(noop_assets());
        context
            .config_mut()
            .plugins
            .0
            .insert("updater".into(), updater);
        mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .expect("mock app")
    }

    fn run(
        pubkey: &str,
        signature: String,
    ) -> (Result<Option<ReadyUpdate>, DesktopError>, Vec<UpdateStatus>) {
        let app = app_trusting(pubkey);
        let feed = serve(signature);
        let mut seen = Vec::new();
        let outcome =
            tauri::async_runtime::block_on(fetch_update(app.handle(), feed, |s| seen.push(s)));
        (outcome, seen)
    }

    #[test]
    fn a_good_signature_is_accepted_with_progress() {
        let (pair, pubkey) = key_pair();
        let (outcome, seen) = run(&pubkey, sign(&pair, ARTIFACT, "9.9.9"));
        let ready = outcome.expect("accepted").expect("an update");
        assert_eq!(ready.version(), "9.9.9");
        assert_eq!(ready.bytes, ARTIFACT);
        assert_eq!(seen.first(), Some(&UpdateStatus::Checking));
        let total = ARTIFACT.len() as u64;
        assert!(
            seen.contains(&UpdateStatus::Downloading {
                version: "9.9.9".into(),
                downloaded: total,
                total: Some(total)
            }),
            "{seen:?}"
        );
    }

    #[test]
    fn a_signature_by_another_key_is_refused() {
        let (_, trusted) = key_pair();
        let (stranger, _) = key_pair();
        let (outcome, _) = run(&trusted, sign(&stranger, ARTIFACT, "9.9.9"));
        let err = outcome.err().expect("refused");
        assert_eq!(err.code, DesktopErrorCode::UpdateFailed);
    }

    #[test]
    fn a_signature_over_other_bytes_is_refused() {
        let (pair, pubkey) = key_pair();
        let (outcome, _) = run(&pubkey, sign(&pair, b"the genuine release", "9.9.9"));
        assert!(outcome.is_err(), "tampered download accepted");
    }

    #[test]
    fn a_signature_for_another_version_is_refused() {
        let (pair, pubkey) = key_pair();
        let (outcome, _) = run(&pubkey, sign(&pair, ARTIFACT, "9.9.8"));
        let err = outcome.err().expect("refused");
        assert!(err.message.contains("9.9.8"), "{}", err.message);
    }

    #[test]
    fn a_signature_that_names_no_version_is_refused() {
        // What a signature made before the CLI recorded versions looks like: a feed could
        // otherwise offer such an old release under any new version number.
        let (pair, pubkey) = key_pair();
        let legacy = sign_with_comment(
            &pair,
            ARTIFACT,
            "timestamp:1700000000\tfile:econnect-desktop.AppImage",
        );
        let (outcome, _) = run(&pubkey, legacy);
        let err = outcome.err().expect("refused");
        assert_eq!(err.code, DesktopErrorCode::UpdateFailed);
    }

    #[test]
    fn the_shipped_updater_config_keeps_every_check_on() {
        let updater = shipped_updater_config();
        assert_eq!(updater["requireSignedVersion"], serde_json::json!(true));
        assert!(updater["pubkey"].as_str().is_some_and(|k| !k.is_empty()));
        let keys: Vec<&String> = updater.as_object().expect("an object").keys().collect();
        assert!(keys.iter().all(|k| !k.starts_with("dangerous")), "{keys:?}");
    }

    #[test]
    fn the_feed_override_is_read_by_debug_builds_only() {
        // The variable is set by hand for a staging run, never by the tests: its absence
        // here is the normal case, and a release build must not even look.
        if cfg!(debug_assertions) {
            assert_eq!(
                feed_override(),
                std::env::var(FEED_OVERRIDE_NAME)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
            );
        } else {
            assert_eq!(feed_override(), None);
        }
    }

    const FEED_OVERRIDE_NAME: &str = "ECONNECT_UPDATE_FEED";

    #[cfg(unix)]
    #[test]
    fn the_package_script_refuses_a_release_without_the_signing_key() {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/package.sh");
        // Only what the script needs before building is on the path: were the check
        // missing, no key would be made and no build started (there is no npx to run).
        let tools = tempfile::tempdir().expect("tools dir");
        for tool in ["dirname", "cat", "mktemp", "ls"] {
            for dir in ["/usr/bin", "/bin"] {
                let source = std::path::Path::new(dir).join(tool);
                if source.exists() {
                    std::os::unix::fs::symlink(&source, tools.path().join(tool)).expect("link");
                    break;
                }
            }
        }
        for flag in ["RELEASE", "CI_RELEASE"] {
            let out = std::process::Command::new("/bin/bash")
                .arg(script)
                .env(flag, "1")
                .env_remove("TAURI_SIGNING_PRIVATE_KEY")
                .env_remove(if flag == "RELEASE" {
                    "CI_RELEASE"
                } else {
                    "RELEASE"
                })
                .env("PATH", tools.path())
                .env("HOME", tools.path())
                .output()
                .expect("run bash");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{flag}: {stderr}");
            assert!(stderr.contains("TAURI_SIGNING_PRIVATE_KEY"), "{stderr}");
            assert!(stderr.contains("refusing"), "{stderr}");
            assert!(!stderr.contains("signing with a throwaway key"), "{stderr}");
        }
    }

    #[test]
    fn an_oversized_feed_is_refused_without_reading_it_all() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                // Announces no length and never ends: only a cap stops the reader.
                let mut out = &stream;
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[");
                let block = vec![b' '; 64 * 1024];
                while out.write_all(&block).is_ok() {}
            }
        });
        let (_, pubkey) = key_pair();
        let app = app_trusting(&pubkey);
        let feed = Url::parse(&format!("{base}/feed.json")).expect("url");
        let outcome = tauri::async_runtime::block_on(fetch_update(app.handle(), feed, |_| {}));
        let err = outcome.err().expect("refused");
        assert!(err.message.contains("larger than"), "{}", err.message);
    }
}
