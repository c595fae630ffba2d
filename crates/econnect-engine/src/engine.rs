//! The engine the shell and the CLI hold: sign-in and out, the cache's reads, sync, status
//! and the change feed. Cheap to clone; every clone is the same engine.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use econnect_api::{Client, Config, Credentials};
use econnect_sandbox::{SandboxConfig, Seed};
use econnect_store::{
    DocumentDetail, DocumentPage, DocumentQuery, EnvironmentRecord, Organisation,
    OrganisationDetail, OrganisationQuery, Store, profile_database_path,
};
use tokio::sync::{Notify, broadcast, watch};

use crate::config::AppConfig;
use crate::environment::{Environment, EnvironmentInfo};
use crate::error::{EngineError, ErrorCode};
use crate::feed::{self, ChangeBatch};
use crate::secrets::{self, KeyringState, SecretError, SecretStore, SystemKeyring};
use crate::session::{self, LastSession, Session, SessionInfo, SignIn};
use crate::status::{EngineStatus, SyncSummary};
use crate::sync;

/// Batches buffered per subscriber before a slow one starts missing some (it then reloads).
const FEED_CAPACITY: usize = 64;
/// How long `document()` waits for the platform's history before answering from the cache.
const HISTORY_TIMEOUT: Duration = Duration::from_secs(5);

/// How an engine is built; [`Engine::open`] uses the defaults.
#[derive(Clone)]
pub struct EngineOptions {
    /// Where passwords are remembered (default: the OS keyring).
    pub keyring: Arc<dyn SecretStore>,
    /// Overrides the configuration from `config.json` and the environment.
    pub config: Option<AppConfig>,
    /// What the embedded sandbox starts with (default: the demo environment).
    pub sandbox_seed: Seed,
    /// Timeout of one platform call (default 30 s).
    pub call_timeout: Duration,
    /// Run the sync loop (on sign-in and every interval). Off for one-shot hosts such as
    /// the CLI, which call [`Engine::sync_now`] themselves.
    pub background_sync: bool,
    /// While the platform is unreachable, how often a cheap check (a TCP connect to its
    /// address, no request) looks whether the network is back; the sync resumes at once
    /// when it is, instead of at the next offline retry (default 3 s).
    pub network_probe: Duration,
    /// Pause after the first failed sync while offline; doubles up to the sync interval
    /// (default 5 s).
    pub offline_retry: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            keyring: Arc::new(SystemKeyring),
            config: None,
            sandbox_seed: Seed::Demo,
            call_timeout: econnect_api::config::DEFAULT_TIMEOUT,
            background_sync: true,
            network_probe: Duration::from_secs(3),
            offline_retry: Duration::from_secs(5),
        }
    }
}

/// The eConnect Desktop engine (no Tauri). Clone it freely: clones share everything.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub data_folder: PathBuf,
    pub config: AppConfig,
    pub options: EngineOptions,
    pub session: tokio::sync::RwLock<Option<Arc<Session>>>,
    /// Serialises sign-in, restore and sign-out.
    pub sign_in_lock: tokio::sync::Mutex<()>,
    pub status: watch::Sender<EngineStatus>,
    pub changes: broadcast::Sender<ChangeBatch>,
    /// Rung when the shell says the network is back.
    pub network_hint: Notify,
    /// Offline since, kept across sessions' status resets.
    pub offline_since: Mutex<Option<String>>,
    /// Organisations answered "niet nu" in the receive pop-up this session.
    pub receive_not_now: Mutex<HashSet<String>>,
    /// What status tracking and receiving want the user to hear (see `follow`).
    pub notices: broadcast::Sender<crate::desktop::Notice>,
    /// The session's intake and uploader (started and stopped with the session).
    pub outbox: Arc<crate::outbox::Outbox>,
    /// Scheduled and platform maintenance (holds the outbox).
    pub maintenance: crate::maintenance::Maintenance,
    /// Sending paused by the user, to announce only real changes.
    pub sending_paused: std::sync::atomic::AtomicBool,
    /// The one event stream to the host (see `events.rs`).
    pub events: broadcast::Sender<crate::events::EngineEvent>,
}

impl Engine {
    /// Opens the engine on a data folder (created when missing), with the OS keyring.
    pub async fn open(data_folder: impl Into<PathBuf>) -> Result<Engine, EngineError> {
        Self::open_with(data_folder, EngineOptions::default()).await
    }

    /// Opens the engine with explicit options (tests, headless hosts).
    pub async fn open_with(
        data_folder: impl Into<PathBuf>,
        options: EngineOptions,
    ) -> Result<Engine, EngineError> {
        let data_folder = data_folder.into();
        tokio::fs::create_dir_all(&data_folder).await.map_err(|e| {
            EngineError::new(
                ErrorCode::NoDataFolder,
                format!("{}: {e}", data_folder.display()),
            )
        })?;
        let config = match &options.config {
            Some(c) => c.clone(),
            None => AppConfig::load(&data_folder)?,
        };
        let (status, _) = watch::channel(EngineStatus::default());
        let (changes, _) = broadcast::channel(FEED_CAPACITY);
        Ok(Engine {
            inner: Arc::new(Inner {
                data_folder,
                config,
                options,
                session: tokio::sync::RwLock::new(None),
                sign_in_lock: tokio::sync::Mutex::new(()),
                status,
                changes,
                network_hint: Notify::new(),
                offline_since: Mutex::new(None),
                receive_not_now: Mutex::new(HashSet::new()),
                notices: broadcast::channel(1024).0,
                outbox: Arc::new(crate::outbox::Outbox::default()),
                maintenance: crate::maintenance::Maintenance::default(),
                sending_paused: std::sync::atomic::AtomicBool::new(false),
                events: broadcast::channel(crate::events::EVENTS_CAPACITY).0,
            }),
        })
    }

    /// Ends the open session without signing out (the keyring entry and the last profile
    /// stay): its tasks stop and its cache is closed. For hosts that exit, such as the CLI.
    pub async fn close(&self) {
        self.end_session(false).await;
    }

    /// The session's outbox (intake, queue, watched folders).
    pub fn outbox(&self) -> &Arc<crate::outbox::Outbox> {
        &self.inner.outbox
    }

    /// The maintenance service (schedule, state).
    pub fn maintenance(&self) -> &crate::maintenance::Maintenance {
        &self.inner.maintenance
    }

    /// The data folder.
    pub fn data_folder(&self) -> &Path {
        &self.inner.data_folder
    }

    /// The environments the sign-in screen offers (the sandbox first, as the default).
    pub fn environments(&self) -> Vec<EnvironmentInfo> {
        Environment::all()
    }

    /// Signs in with a user name and password. With `remember`, the password goes to the OS
    /// keyring; when there is none, [`SessionInfo::keyring`] says `unavailable` and the
    /// session lives in memory only. Ends any open session first (keeping its keyring entry).
    pub async fn sign_in(&self, request: SignIn) -> Result<SessionInfo, EngineError> {
        self.sign_in_with(request, false).await
    }

    /// Like [`Engine::sign_in`], but when the platform cannot be reached (or is in
    /// maintenance) and this profile has a cache, opens the cache offline instead of failing
    /// (headless hosts such as `econnect documents`). The password is checked by the first
    /// sync that reaches the platform.
    pub async fn sign_in_or_offline(&self, request: SignIn) -> Result<SessionInfo, EngineError> {
        self.sign_in_with(request, true).await
    }

    /// Both sign-ins: ends any open session, then opens one (`offline_ok`: from the cache
    /// when the platform cannot be reached).
    async fn sign_in_with(
        &self,
        request: SignIn,
        offline_ok: bool,
    ) -> Result<SessionInfo, EngineError> {
        let _guard = self.inner.sign_in_lock.lock().await;
        self.end_session(false).await;
        let remember = if request.environment == Environment::Sandbox {
            Remember::Public
        } else if request.remember {
            Remember::Store
        } else {
            Remember::Forget
        };
        self.open_session(
            request.environment,
            request.username,
            request.password,
            remember,
            offline_ok,
        )
        .await
    }

    /// Starts the embedded sandbox (demo data) and signs in as its demo user.
    pub async fn sign_in_sandbox(&self) -> Result<SessionInfo, EngineError> {
        self.sign_in(SignIn {
            environment: Environment::Sandbox,
            username: econnect_sandbox::DEMO_USER.to_string(),
            password: econnect_sandbox::DEMO_PASSWORD.to_string(),
            remember: false,
        })
        .await
    }

    /// Signs in again as the last profile, with the password from the OS keyring (the
    /// sandbox needs none). When the platform cannot be reached, opens the session from the
    /// cache (offline). `Ok(None)` when there is nothing to restore.
    pub async fn restore_session(&self) -> Result<Option<SessionInfo>, EngineError> {
        let _guard = self.inner.sign_in_lock.lock().await;
        if let Some(session) = self.current().await {
            return Ok(Some(session.info()));
        }
        let Some(last) = session::read_last_session(&self.inner.data_folder) else {
            return Ok(None);
        };
        if last.environment == Environment::Sandbox {
            let info = self
                .open_session(
                    Environment::Sandbox,
                    econnect_sandbox::DEMO_USER.to_string(),
                    econnect_sandbox::DEMO_PASSWORD.to_string(),
                    Remember::Public,
                    false,
                )
                .await?;
            return Ok(Some(info));
        }
        let profile = last.environment.profile(&last.username);
        let secret = secrets::blocking(&self.inner.options.keyring, move |k| k.get(&profile)).await;
        let password = match secret {
            Ok(Some(password)) => password,
            Ok(None) => return Ok(None),
            Err(SecretError::Unavailable(reason)) => {
                tracing::info!(%reason, "no keyring: nothing to restore");
                return Ok(None);
            }
            Err(SecretError::Failed(reason)) => {
                return Err(EngineError::new(ErrorCode::Keyring, reason));
            }
        };
        let info = self
            .open_session(
                last.environment,
                last.username,
                password,
                Remember::AlreadyStored,
                true,
            )
            .await?;
        Ok(Some(info))
    }

    /// Signs out: stops the sync, deletes the remembered password from the keyring, forgets
    /// the last profile and stops the embedded sandbox. The cache stays for the next sign-in.
    /// Without an open session it signs out the last remembered profile.
    pub async fn sign_out(&self) -> Result<(), EngineError> {
        let _guard = self.inner.sign_in_lock.lock().await;
        // Without an open session (e.g. `econnect logout`), the last profile is signed out.
        let profile = match self.current().await {
            Some(session) => Some(session.info().profile),
            None => session::read_last_session(&self.inner.data_folder)
                .map(|last| last.environment.profile(&last.username)),
        };
        self.end_session(true).await;
        session::forget_last_session(&self.inner.data_folder);
        if let Some(profile) = profile {
            match secrets::blocking(&self.inner.options.keyring, move |k| k.delete(&profile)).await
            {
                Ok(()) | Err(SecretError::Unavailable(_)) => {}
                Err(SecretError::Failed(reason)) => {
                    return Err(EngineError::new(ErrorCode::Keyring, reason));
                }
            }
        }
        Ok(())
    }

    /// The open session, if any.
    pub async fn session(&self) -> Option<SessionInfo> {
        self.current().await.map(|s| s.info())
    }

    /// Whether a fresh process on this data folder would get the open session back with
    /// [`Engine::restore_session`]: true without a session (nothing to lose), for the
    /// sandbox, and when the keyring holds this profile's password; false for a session
    /// kept in memory only.
    pub async fn session_restorable(&self) -> bool {
        let Some(session) = self.current().await else {
            return true;
        };
        let info = session.info();
        let last = session::read_last_session(&self.inner.data_folder);
        if last.is_none_or(|last| last.environment.profile(&last.username) != info.profile) {
            return false;
        }
        if info.environment == Environment::Sandbox {
            return true;
        }
        let profile = info.profile;
        matches!(
            secrets::blocking(&self.inner.options.keyring, move |k| k.get(&profile)).await,
            Ok(Some(_))
        )
    }

    /// Runs a sync now (waits for a running one first) and reports what it did.
    pub async fn sync_now(&self) -> Result<SyncSummary, EngineError> {
        let session = self.require().await?;
        sync::run_once(&self.inner, &session).await
    }

    /// Tells the engine the network may be back (e.g. the OS said so): the sync loop retries
    /// now. Optional: while the platform is unreachable the engine also checks by itself
    /// ([`EngineOptions::network_probe`]).
    pub fn network_changed(&self) {
        self.inner.network_hint.notify_waiters();
    }

    /// The engine's state now.
    pub fn status(&self) -> EngineStatus {
        self.inner.status.borrow().clone()
    }

    /// Follows the engine's state (for a status bar).
    pub fn status_updates(&self) -> watch::Receiver<EngineStatus> {
        self.inner.status.subscribe()
    }

    /// Follows the cache's changes: at most one batch per ~100 ms. A subscriber that falls
    /// behind gets `Lagged` and should reload what it shows.
    pub fn subscribe(&self) -> broadcast::Receiver<ChangeBatch> {
        self.inner.changes.subscribe()
    }

    /// Notices from status tracking and receiving (delivered, rejected, invoice received,
    /// retention risk), for the tray and the OS notifications.
    pub fn notices(&self) -> broadcast::Receiver<crate::desktop::Notice> {
        self.inner.notices.subscribe()
    }

    /// The organisations in the cache, filtered.
    pub async fn organisations(
        &self,
        query: OrganisationQuery,
    ) -> Result<Vec<Organisation>, EngineError> {
        let session = self.require().await?;
        Ok(session.store.organisations(&query).await?)
    }

    /// One organisation with its users and document counts.
    pub async fn organisation(&self, party_id: &str) -> Result<OrganisationDetail, EngineError> {
        let session = self.require().await?;
        let id = econnect_api::PartyId::new(party_id);
        Ok(session.store.organisation(id.as_str()).await?)
    }

    /// A page of documents from the cache (filters, search, sort, offset paging).
    pub async fn documents(&self, query: DocumentQuery) -> Result<DocumentPage, EngineError> {
        let session = self.require().await?;
        let mut query = query;
        if let Some(party) = query.party.as_deref().filter(|p| !p.trim().is_empty()) {
            query.party = Some(econnect_api::PartyId::new(party).as_str().to_string());
        }
        Ok(session.store.documents(&query).await?)
    }

    /// One document with its status history. When online, the history is first refreshed
    /// from the platform (at most 5 s); otherwise, or on failure, the cached one is returned.
    pub async fn document(&self, id: &str) -> Result<DocumentDetail, EngineError> {
        let session = self.require().await?;
        let cached = session.store.document(id).await?;
        if !self.status().online {
            return Ok(cached);
        }
        match tokio::time::timeout(
            HISTORY_TIMEOUT,
            sync::refresh_history(&session, &cached.document),
        )
        .await
        {
            Ok(Ok(())) => Ok(session.store.document(id).await?),
            Ok(Err(e)) => {
                tracing::info!(error = %e, id, "history not refreshed; showing the cached one");
                sync::note_failure(&self.inner, &e);
                Ok(cached)
            }
            Err(_) => Ok(cached),
        }
    }

    /// Stops the embedded sandbox while staying signed in (to try offline mode; tests).
    pub async fn stop_sandbox(&self) -> Result<(), EngineError> {
        let session = self.require().await?;
        let sandbox = session.sandbox.lock().await.take();
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await;
        }
        Ok(())
    }

    /// The store of the open session (for crates that add their own tables, e.g. intake).
    pub async fn store(&self) -> Result<Store, EngineError> {
        Ok(self.require().await?.store.clone())
    }

    /// The platform client of the open session (for uploads and status polling).
    pub async fn client(&self) -> Result<Client, EngineError> {
        Ok(self.require().await?.client.clone())
    }

    /// The organisations answered "niet nu" in this session's receive pop-up.
    pub(crate) fn receive_not_now(&self) -> HashSet<String> {
        self.inner
            .receive_not_now
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Remembers "niet nu" for an organisation until the session ends.
    pub(crate) fn remember_not_now(&self, party_id: &str) {
        if let Ok(mut not_now) = self.inner.receive_not_now.lock() {
            not_now.insert(party_id.to_string());
        }
    }

    /// The keyring (other engine parts keep their secrets there too, e.g. the subscription key).
    pub(crate) fn keyring(&self) -> Arc<dyn SecretStore> {
        Arc::clone(&self.inner.options.keyring)
    }

    async fn current(&self) -> Option<Arc<Session>> {
        self.inner.session.read().await.clone()
    }

    pub(crate) async fn require(&self) -> Result<Arc<Session>, EngineError> {
        self.current().await.ok_or_else(EngineError::not_signed_in)
    }

    /// Stops the open session's tasks, sandbox and pool; `signed_out` also resets the status.
    async fn end_session(&self, signed_out: bool) {
        let session = self.inner.session.write().await.take();
        if let Some(session) = session {
            let _ = session.stop.send(true);
            // Wait for a running sync to notice (it holds the lock while it runs).
            let _running = session.sync_lock.lock().await;
            if let Some(sandbox) = session.sandbox.lock().await.take() {
                sandbox.shutdown().await;
            }
            session.store.close().await;
        }
        if let Ok(mut not_now) = self.inner.receive_not_now.lock() {
            not_now.clear();
        }
        if signed_out && let Ok(mut since) = self.inner.offline_since.lock() {
            *since = None;
        }
        self.inner.status.send_replace(EngineStatus::default());
    }

    /// Signs in and starts the session's tasks.
    async fn open_session(
        &self,
        environment: Environment,
        username: String,
        password: String,
        remember: Remember,
        allow_offline: bool,
    ) -> Result<SessionInfo, EngineError> {
        let username = username.trim().to_string();
        if username.is_empty() {
            return Err(EngineError::new(
                ErrorCode::WrongPassword,
                "no user name given",
            ));
        }
        let profile = environment.profile(&username);
        let mut sandbox = None;
        let (api_base, identity_base, client_id, client_secret) = match environment.endpoints()? {
            Some(ep) => {
                // The platform's client only for eConnect's hosts (see `client_for`).
                let (id, secret) = self.inner.config.client_for(&ep.identity_base)?;
                (ep.api_base, ep.identity_base, id, secret)
            }
            None => {
                // No test controls in the app's demo: nothing on this machine may seed or
                // fault it (its invoices arrive by hook through the Rust API instead).
                let running = econnect_sandbox::spawn(SandboxConfig {
                    seed: self.inner.options.sandbox_seed,
                    controls: false,
                    ..SandboxConfig::default()
                })
                .await
                .map_err(|e| EngineError::new(ErrorCode::Unreachable, format!("sandbox: {e}")))?;
                let url = url::Url::parse(&running.url())
                    .map_err(|e| EngineError::new(ErrorCode::InvalidConfig, e.to_string()))?;
                sandbox = Some(running);
                (
                    url.clone(),
                    url,
                    econnect_sandbox::CLIENT_ID.to_string(),
                    econnect_sandbox::CLIENT_SECRET.to_string(),
                )
            }
        };
        let config = Config::new(
            api_base.clone(),
            identity_base.clone(),
            Credentials::Password {
                username: username.clone(),
                password: password.clone(),
                client_id,
                client_secret,
            },
        )
        .with_timeout(self.inner.options.call_timeout);
        // Instellingen → Koppeling: the legacy Subscription-Key, kept in the keyring.
        let config = match sandbox {
            Some(_) => config,
            None => match crate::settings::connection::stored_subscription_key(
                &self.inner.options.keyring,
                &profile,
            )
            .await
            {
                Some(key) => config.with_subscription_key(key),
                None => config,
            },
        };
        let client = Client::new(config)?;

        let db_path = profile_database_path(&self.inner.data_folder, &profile);
        let me = client.me().await;
        let (display_name, opened_offline) = match me {
            Ok(me) => (Some(me.name), false),
            Err(e) => {
                // Only the identity server refusing the password means it is wrong; a 401
                // from the API (an expired or revoked token) does not.
                let refused = matches!(
                    &e,
                    econnect_api::Error::Auth(a) if matches!(a.kind, econnect_api::AuthErrorKind::WrongCredentials)
                );
                let err = EngineError::from(e);
                let offline_ok = allow_offline
                    && matches!(err.code, ErrorCode::Unreachable | ErrorCode::Maintenance)
                    && db_path.exists();
                if !offline_ok {
                    if refused && remember == Remember::AlreadyStored {
                        // The remembered password no longer works: do not try it again.
                        let p = profile.clone();
                        let _ =
                            secrets::blocking(&self.inner.options.keyring, move |k| k.delete(&p))
                                .await;
                    }
                    return Err(err);
                }
                tracing::info!(error = %err, "platform unreachable: opening the cache offline");
                (None, true)
            }
        };

        let store = Store::open(&db_path).await?;
        let cached = store.environment().await?;
        let display_name =
            display_name.or_else(|| cached.as_ref().and_then(|c| c.display_name.clone()));
        let is_admin = cached.as_ref().is_some_and(|c| c.is_admin);
        store
            .put_environment(&EnvironmentRecord {
                name: environment.key().to_string(),
                api_base: api_base.to_string(),
                identity_base: identity_base.to_string(),
                username: username.clone(),
                display_name: display_name.clone(),
                is_admin,
            })
            .await?;

        let (keyring, keyring_message) = match remember {
            Remember::Public | Remember::AlreadyStored => (
                if remember == Remember::AlreadyStored {
                    KeyringState::Stored
                } else {
                    KeyringState::NotRequested
                },
                None,
            ),
            Remember::Store => {
                let (p, pw) = (profile.clone(), password.clone());
                match secrets::blocking(&self.inner.options.keyring, move |k| k.set(&p, &pw)).await
                {
                    Ok(()) => (KeyringState::Stored, None),
                    Err(e) => {
                        tracing::warn!(error = %e, "password not remembered: session in memory only");
                        (KeyringState::Unavailable, Some(e.to_string()))
                    }
                }
            }
            Remember::Forget => {
                let p = profile.clone();
                match secrets::blocking(&self.inner.options.keyring, move |k| k.delete(&p)).await {
                    Ok(()) => (KeyringState::NotRequested, None),
                    Err(e) => (KeyringState::NotRequested, Some(e.to_string())),
                }
            }
        };
        drop(password);

        let info = SessionInfo {
            environment: environment.clone(),
            api_base: api_base.to_string(),
            username: username.clone(),
            display_name,
            is_admin,
            profile,
            keyring,
            keyring_message,
            opened_offline,
        };
        // Only a session that can come back by itself is restored at the next start.
        if matches!(remember, Remember::Public | Remember::AlreadyStored)
            || keyring == KeyringState::Stored
        {
            session::write_last_session(
                &self.inner.data_folder,
                &LastSession {
                    environment,
                    username,
                },
            );
        } else {
            session::forget_last_session(&self.inner.data_folder);
        }

        let (stop, _) = watch::channel(false);
        let session = Arc::new(Session {
            info: Mutex::new(info.clone()),
            store: store.clone(),
            client,
            sandbox: tokio::sync::Mutex::new(sandbox),
            stop,
            sync_lock: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            receive_kick: Notify::new(),
            receiver: std::sync::OnceLock::new(),
            hook_server: tokio::sync::Mutex::new(None),
        });
        let last_synced = store.last_completed().await.ok().flatten();
        self.inner.status.send_modify(|s| {
            *s = EngineStatus {
                signed_in: true,
                online: !opened_offline,
                last_synced,
                ..EngineStatus::default()
            };
        });
        if opened_offline {
            sync::mark_offline(&self.inner, None);
        }
        *self.inner.session.write().await = Some(Arc::clone(&session));
        tokio::spawn(feed::follow(
            store,
            self.inner.changes.clone(),
            session.stop.subscribe(),
        ));
        tokio::spawn(sync::run_loop(
            Arc::clone(&self.inner),
            Arc::clone(&session),
        ));
        if self.inner.options.background_sync {
            crate::follow::start(&self.inner, &session);
            // How received invoices reach this installation (Instellingen → Ontvangen);
            // never holds up the sign-in.
            let engine = self.clone();
            tokio::spawn(async move { engine.start_receive_channel().await });
        }
        Ok(info)
    }
}

/// What to do with the password in the keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Remember {
    /// Store it ("remember me").
    Store,
    /// Delete any stored one ("remember me" off).
    Forget,
    /// It came from the keyring: leave it.
    AlreadyStored,
    /// The sandbox's public demo password: never stored.
    Public,
}
