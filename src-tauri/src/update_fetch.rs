//! Reading the update feed and the update itself, each capped in size and time. The updater
//! plugin reads both without a cap, so the app reads them and hands the plugin only what it
//! is for: choosing this platform's entry from the feed and verifying the signature.

use std::time::Duration;

use tauri::Url;

/// Largest feed answer read (the feed is a few KB of JSON).
pub const MAX_FEED_BODY: usize = 1024 * 1024;
/// Largest update read into memory (an installer or AppImage is about 100 MB).
pub const MAX_UPDATE_BODY: u64 = 512 * 1024 * 1024;
/// Longest a feed check may take.
const FEED_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest a download may take (100 MB at 64 KB/s takes 27 minutes).
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Why a feed or download read failed (English, for the log and the tooltip).
pub type FetchError = String;

/// The HTTP client for the feed and the download. Release builds speak https only, also
/// after a redirect (as the plugin itself requires of its endpoints); debug builds may use
/// http, for a local test feed.
pub fn client() -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .user_agent(concat!("econnect-desktop/", env!("CARGO_PKG_VERSION")))
        .https_only(!cfg!(debug_assertions))
        .connect_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// The feed URL with `{{target}}` and `{{arch}}` filled in as the plugin does.
pub fn feed_for_this_platform(feed: &Url) -> Result<Url, FetchError> {
    let target = tauri_plugin_updater::target().ok_or("no updates for this platform")?;
    let (os, arch) = target
        .split_once('-')
        .ok_or_else(|| format!("unexpected target {target}"))?;
    let text = feed
        .as_str()
        .replace("%7B%7Btarget%7D%7D", os)
        .replace("%7B%7Barch%7D%7D", arch)
        .replace("{{target}}", os)
        .replace("{{arch}}", arch);
    Url::parse(&text).map_err(|e| format!("feed {text}: {e}"))
}

/// The feed's JSON, or `None` when it answers 204 (nothing newer).
pub async fn read_feed(
    http: &reqwest::Client,
    url: Url,
) -> Result<Option<serde_json::Value>, FetchError> {
    let mut response = http
        .get(url)
        .header("accept", "application/json")
        .timeout(FEED_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("feed: {e}"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NO_CONTENT {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(format!("feed answered {status}"));
    }
    let mut body = Vec::new();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_FEED_BODY as u64)
    {
        return Err(too_large("feed", MAX_FEED_BODY as u64));
    }
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("feed: {e}"))? {
        if body.len() + chunk.len() > MAX_FEED_BODY {
            return Err(too_large("feed", MAX_FEED_BODY as u64));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| format!("feed is not JSON: {e}"))
}

/// Downloads the update, reporting (bytes so far, announced total) per chunk.
pub async fn download(
    http: &reqwest::Client,
    url: Url,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Vec<u8>, FetchError> {
    let mut response = http
        .get(url)
        .header("accept", "application/octet-stream")
        .timeout(DOWNLOAD_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("download: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("download answered {}", response.status()));
    }
    let total = response.content_length();
    if total.is_some_and(|n| n > MAX_UPDATE_BODY) {
        return Err(too_large("update", MAX_UPDATE_BODY));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("download: {e}"))?
    {
        if bytes.len() as u64 + chunk.len() as u64 > MAX_UPDATE_BODY {
            return Err(too_large("update", MAX_UPDATE_BODY));
        }
        bytes.extend_from_slice(&chunk);
        progress(bytes.len() as u64, total);
    }
    Ok(bytes)
}

fn too_large(what: &str, limit: u64) -> FetchError {
    format!("{what} larger than {} KiB; refused", limit / 1024)
}
