//! A local double of the eConnect platform, for tests, benchmarks and sandbox mode.
//!
//! One loopback port serves the identity path (`/connect/token`) and the API paths of
//! `econnect-api.md`, plus test controls under `/_sandbox/` (see `controls`).

mod auth;
mod clock;
// Without `test-controls` their HTTP handlers are compiled but never routed.
#[cfg_attr(not(feature = "test-controls"), allow(dead_code))]
mod controls;
mod documents;
mod error;
mod faults;
mod hook_delivery;
mod hook_events;
mod hooks;
mod intake;
#[cfg_attr(not(feature = "test-controls"), allow(dead_code))]
mod maintenance;
mod parties;
mod party_id;
mod peppol;
mod receive;
mod recorder;
#[cfg_attr(not(feature = "test-controls"), allow(dead_code))]
mod seed;
mod server;
mod state;
mod ubl;
mod users;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use controls::{EventRequest, ReceivedInvoice, SentDocuments};
pub use hook_delivery::{RetryPlan, SIGNATURE_HEADER, signature};
pub use party_id::normalise as normalise_party_id;
pub use seed::{LOCKED_USER, STAFF_USER, SeededDocument, SentFileFacts};
pub use state::Counters;

use error::ApiError;
use state::AppState;

/// Demo user name (administrator of the demo environment).
pub const DEMO_USER: &str = "demo@voorbeeld.nl";
/// Password of every seeded user.
pub const DEMO_PASSWORD: &str = "demo";
/// The OAuth client id the sandbox accepts.
pub const CLIENT_ID: &str = "econnect-desktop";
/// The OAuth client secret the sandbox accepts.
pub const CLIENT_SECRET: &str = "sandbox";

/// Which data the sandbox starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seed {
    /// An accountant environment: 3 users, 12 organisations, documents and received invoices.
    #[default]
    Demo,
    /// Only the demo user and one organisation.
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = String;

    /// `demo` or `empty` (any case), as the CLI's `--seed` takes it.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => Err(format!("unknown seed '{other}': use demo or empty")),
        }
    }
}

impl std::fmt::Display for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Seed::Demo => "demo",
            Seed::Empty => "empty",
        })
    }
}

/// Where to listen and what to seed.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Listen address (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// Seed data.
    pub seed: Seed,
    /// Serve the test controls (`/_sandbox/*`: faults, seed, received, clock, …). They exist
    /// only in builds with the `test-controls` feature (tests, the CLI); the app's embedded
    /// demo turns them off too, so no local page or user can reach them.
    pub controls: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: Seed::Demo,
            controls: true,
        }
    }
}

/// A running sandbox; dropping it stops the server too.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    state: Arc<AppState>,
}

impl RunningSandbox {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for both identity and API paths, e.g. `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets open requests finish (at most 5 s), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Moves the virtual clock forward (hook events that became due fire).
    pub fn advance_time(&self, seconds: i64) {
        self.state.advance_clock(seconds);
    }

    /// Sets how webhook deliveries are retried (tests use short pauses).
    pub fn set_hook_retry(&self, plan: RetryPlan) {
        self.state.lock().hook_retry = plan;
    }

    /// Delivers a hook event now (e.g. a repeat of one already delivered); returns how many
    /// hooks it reached.
    pub fn emit_event(&self, event: EventRequest) -> Result<usize, String> {
        controls::emit_event(&self.state, event).map_err(|e| e.message)
    }

    /// The webhook attempts so far, as `GET /_sandbox/deliveries` lists them.
    pub fn deliveries(&self) -> serde_json::Value {
        serde_json::json!(self.state.lock().deliveries)
    }

    /// The mails of mail hooks so far, as `GET /_sandbox/mails` lists them.
    pub fn mails(&self) -> serde_json::Value {
        serde_json::json!(self.state.lock().mails)
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> Counters {
        self.state.lock().counters.clone()
    }

    /// Puts the platform in maintenance for `length` (503 + `Retry-After` on every API call).
    pub fn start_maintenance(&self, length: std::time::Duration) {
        self.state.maintenance.start(length);
    }

    /// Ends maintenance now.
    pub fn end_maintenance(&self) {
        self.state.maintenance.end();
    }

    /// Adds sent documents whose statuses advance with the clock; returns their ids.
    pub fn add_sent(&self, documents: SentDocuments) -> Result<Vec<String>, String> {
        controls::add_sent(&self.state, documents).map_err(|e| e.message)
    }

    /// Adds a received purchase invoice and returns its id.
    pub fn add_received(&self, invoice: ReceivedInvoice) -> Result<String, String> {
        controls::add_received(&self.state, invoice).map_err(|e| e.message)
    }

    /// The demo seed's documents (the demo installation's own history), oldest first.
    pub fn seeded_documents(&self) -> Vec<SeededDocument> {
        seed::seeded_documents(&self.state.lock())
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds the address, seeds the state and starts serving in the background.
pub async fn spawn(config: SandboxConfig) -> std::io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let clock_now = clock::Clock::default().now();
    let state = Arc::new(AppState::new(seed::build(config.seed, clock_now)));
    let _ = state.runtime.set(tokio::runtime::Handle::current());
    let app = router(Arc::clone(&state), config.controls);
    tokio::spawn(hook_events::run_scheduler(Arc::downgrade(&state)));
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(server::run(listener, app, stopped));
    tracing::info!(%addr, seed = ?config.seed, "eConnect sandbox listening");
    Ok(RunningSandbox {
        addr,
        stop: Some(stop),
        task: Some(task),
        state,
    })
}

fn router(state: Arc<AppState>, controls: bool) -> Router {
    let party = "/api/v1/{partyId}";
    let platform = Router::new()
        .route("/connect/token", post(auth::token))
        .route("/api/v1/me", get(parties::me))
        .route("/api/v1/me/party", get(parties::me_party))
        .route("/api/v1/user", get(users::list).put(users::put))
        .route("/api/v1/user/{name}", delete(users::delete))
        .route(
            "/api/v1/user/{name}/party",
            get(users::parties).put(users::put_party),
        )
        .route(
            "/api/v1/user/{name}/party/{partyId}",
            delete(users::delete_party),
        )
        .route(
            "/api/v1/peppol/config",
            get(peppol::get_env).put(peppol::put_env),
        )
        .route(
            "/api/v1/peppol/config/party/{partyId}",
            get(peppol::get_party)
                .put(peppol::put_party)
                .delete(peppol::delete_party),
        )
        .route(
            "/api/v1/peppol/deliveryOption",
            get(peppol::delivery_option),
        )
        .route("/api/v1/hook", get(hooks::list_env).put(hooks::put_env))
        .route("/api/v1/hook/{id}", delete(hooks::delete_env))
        .route(
            &format!("{party}/hook"),
            get(hooks::list_party).put(hooks::put_party),
        )
        .route(&format!("{party}/hook/{{id}}"), delete(hooks::delete_party))
        .route(&format!("{party}/hook/ping"), get(hooks::ping))
        .route(
            &format!("{party}/salesInvoice/send"),
            post(documents::sales_send).layer(DefaultBodyLimit::disable()),
        )
        .route(
            &format!("{party}/salesInvoice/recognize"),
            post(documents::sales_recognize).layer(DefaultBodyLimit::disable()),
        )
        .route(
            &format!("{party}/salesInvoice/queryRecipientParty"),
            post(documents::query_recipient),
        )
        .route(
            &format!("{party}/salesInvoice/{{documentId}}/status"),
            get(documents::sales_status),
        )
        .route(
            &format!("{party}/purchaseInvoice/recognize"),
            post(documents::purchase_recognize).layer(DefaultBodyLimit::disable()),
        )
        .route(
            &format!("{party}/purchaseInvoice/{{documentId}}"),
            delete(receive::delete),
        )
        .route(
            &format!("{party}/purchaseInvoice/{{documentId}}/status"),
            get(documents::purchase_status),
        )
        .route(
            &format!("{party}/purchaseInvoice/{{documentId}}/download"),
            get(receive::download),
        )
        .route(
            &format!("{party}/purchaseInvoice/{{documentId}}/response"),
            post(receive::respond),
        );
    with_controls(platform, controls)
        .fallback(|| async { ApiError::not_found("No such path") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "API405",
                "Method not allowed on this path",
            )
        })
        // JSON bodies are small; uploads lift this per route and enforce 10 MB while streaming.
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            faults::observe,
        ))
        .with_state(state)
}

/// The platform's routes plus, in builds with the `test-controls` feature and when asked,
/// the test controls.
#[cfg(feature = "test-controls")]
fn with_controls(platform: Router<Arc<AppState>>, controls: bool) -> Router<Arc<AppState>> {
    if controls {
        platform
            .merge(controls::routes())
            .merge(maintenance::routes())
    } else {
        platform
    }
}

/// Without the `test-controls` feature (the shipped app) there are no test controls at all.
#[cfg(not(feature = "test-controls"))]
fn with_controls(platform: Router<Arc<AppState>>, _controls: bool) -> Router<Arc<AppState>> {
    platform
}

#[cfg(test)]
mod tests {
    use super::Seed;

    #[test]
    fn seed_parses_and_prints() {
        assert_eq!("Demo".parse::<Seed>(), Ok(Seed::Demo));
        assert_eq!(" empty ".parse::<Seed>(), Ok(Seed::Empty));
        assert!("full".parse::<Seed>().is_err());
        assert_eq!(Seed::Empty.to_string(), "empty");
    }
}
