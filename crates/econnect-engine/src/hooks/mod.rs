//! Receiving by hook: a webhook receiver for an office server, a NAS or a
//! desktop the platform can reach. The session owns it: [`Engine::serve_hooks`] registers
//! this installation's own environment hook (`<public URL>#<secret>`), serves the
//! receiver, and runs the worker that turns stored events into files on disk and statuses
//! in the cache, until [`HookServer::shutdown`] or the session ends.
//!
//! - [`receiver`]: the axum router (signature, freshness, size cap, store, then 200).
//! - [`worker`]: the inbox in order of arrival (also the catch-up after a crash).
//! - [`registration`]: finding, updating or creating our own hook; others are left alone.
//! - [`secret`]: the signing secret (keyring, else a 0600 file).
//! - [`public_url`]: https, except on loopback.

pub mod public_url;
pub mod receiver;
pub mod registration;
pub mod secret;
pub mod worker;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};
use crate::receive::{ReceiveOptions, Receiver};
pub use public_url::check_public_url;
pub use receiver::{MAX_BODY, ReceiverState, router};
pub use registration::{HOOK_TOPICS, OwnAction, find_own, hook_name, put_own, register};
pub mod channel;
pub use channel::{ChannelKind, ReceiveChannel, ReceiveChannelState};
pub use secret::{SecretPlace, hook_secret};
pub use worker::{HookWorker, RoundSummary};

/// How to serve hooks.
#[derive(Debug, Clone)]
pub struct HookOptions {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// The address the platform posts to (https, or http on loopback; port 0 on loopback
    /// means the bound port).
    pub public_url: String,
    /// Where received invoices go (default: the profile's receive folder).
    pub folder: Option<PathBuf>,
}

/// A running receiver with its worker.
pub struct HookServer {
    addr: SocketAddr,
    hook_id: Option<String>,
    secret_place: SecretPlace,
    worker: HookWorker,
    /// News subscribed before the worker started, so the catch-up of a restart is in it too.
    news: Option<WorkerNews>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// What the worker did from its first round on: invoices written, statuses changed.
pub struct WorkerNews {
    /// Invoices placed on disk (and other receive events).
    pub received: tokio::sync::broadcast::Receiver<crate::receive::ReceiveEvent>,
    /// Statuses changed by hook events.
    pub statuses: tokio::sync::broadcast::Receiver<econnect_store::StatusChange>,
}

impl HookServer {
    /// Everything the worker reported since it started (once; `None` after the first call).
    pub fn take_news(&mut self) -> Option<WorkerNews> {
        self.news.take()
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The platform's id of our hook.
    pub fn hook_id(&self) -> Option<&str> {
        self.hook_id.as_deref()
    }

    /// Where the secret is kept.
    pub fn secret_place(&self) -> &SecretPlace {
        &self.secret_place
    }

    /// The worker (e.g. to wait for a round, or to follow status changes).
    pub fn worker(&self) -> &HookWorker {
        &self.worker
    }

    /// Stops taking deliveries (requests in flight are answered first) and stops the
    /// worker between two steps; everything stored stays for the next start.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// This installation's id (made once, kept in the data folder; not a secret): it names
/// the hook, so two installations in one environment each keep their own.
pub fn installation_id(data_folder: &Path) -> Result<String, EngineError> {
    let path = data_folder.join("installation-id");
    let error = |e: std::io::Error| {
        EngineError::new(ErrorCode::NoDataFolder, format!("{}: {e}", path.display()))
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(error(e)),
    }
    let id = uuid::Uuid::new_v4().to_string();
    std::fs::create_dir_all(data_folder).map_err(error)?;
    std::fs::write(&path, &id).map_err(error)?;
    Ok(id)
}

impl Engine {
    /// Starts receiving by hook for the open session: checks the public URL, binds,
    /// starts the worker (which first catches up on stored events), serves, and registers
    /// our hook. Stops with [`HookServer::shutdown`] or when the session ends.
    pub async fn serve_hooks(&self, options: HookOptions) -> Result<HookServer, EngineError> {
        let mut public_url = check_public_url(&options.public_url)?;
        let session = self.require().await?;
        let profile = session.info().profile;
        let profile_folder = session
            .store
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.data_folder().to_path_buf());
        let (secret, secret_place) =
            hook_secret(&self.keyring(), &profile_folder, &profile).await?;
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| {
                EngineError::new(
                    ErrorCode::InvalidInput,
                    format!("luisteren op {}: {e}", options.listen),
                )
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| EngineError::new(ErrorCode::InvalidInput, e.to_string()))?;
        // Port 0 on loopback (the app's demo receiver, tests, benchmarks): the platform
        // posts to the port that was bound.
        if public_url.port() == Some(0) && public_url::is_loopback(&public_url) {
            let _ = public_url.set_port(Some(addr.port()));
        }
        // The session's receiver when files go to the profile's folder: one pass at a time
        // for both the hook worker and the receive loop.
        let receive = match (&options.folder, session.receiver.get()) {
            (None, Some(shared)) => shared.clone(),
            _ => Receiver::new(
                session.client.clone(),
                session.store.clone(),
                ReceiveOptions {
                    folder: options.folder.clone(),
                    ..ReceiveOptions::default()
                },
            ),
        };
        let worker = HookWorker::new(session.store.clone(), receive);
        let (stop, stopped) = watch::channel(false);
        // The session's end stops it too.
        let mut session_stop = session.stop.subscribe();
        let stop_on_end = stop.clone();
        let mut own_stop = stopped.clone();
        let follow_session = tokio::spawn(async move {
            tokio::select! {
                _ = session_stop.wait_for(|s| *s) => { let _ = stop_on_end.send(true); }
                _ = own_stop.wait_for(|s| *s) => {}
            }
        });

        let app = router(ReceiverState {
            store: session.store.clone(),
            secret: Arc::from(secret.as_str()),
            path: public_url.path().to_string(),
            wake: worker.wake_handle(),
            max_body: MAX_BODY,
        });
        let mut until = stopped.clone();
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = until.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::warn!(error = %e, "hook receiver stopped");
            }
        });
        // Subscribed before the first round: a later subscriber would miss the catch-up.
        let news = WorkerNews {
            received: worker.received(),
            statuses: worker.subscribe(),
        };
        let work = tokio::spawn(worker.clone().run(stopped.clone()));

        let name = hook_name(&installation_id(self.data_folder())?);
        let hook =
            match register(&session.client, &session.store, &public_url, &secret, &name).await {
                Ok(hook) => hook,
                Err(e) => {
                    let _ = stop.send(true);
                    let _ = server.await;
                    let _ = work.await;
                    let _ = follow_session.await;
                    return Err(e);
                }
            };
        Ok(HookServer {
            addr,
            hook_id: hook.id,
            secret_place,
            worker,
            news: Some(news),
            stop,
            tasks: vec![server, work, follow_session],
        })
    }
}
