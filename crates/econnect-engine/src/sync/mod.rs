//! The sync: on sign-in, every interval, on demand and when the network is back. Brings the
//! organisation data level with the platform: me, organisations and permissions, users and
//! memberships, Peppol registrations. Documents are not synced: the platform has no list of
//! them, so they are local-first (what this installation sent, what hooks delivered) and
//! their statuses are followed by the tracker. Unreachable → status "offline since …", the
//! cache keeps serving reads, and the loop probes again with growing pauses.

mod calls;
pub(crate) mod directory;

use std::sync::Arc;
use std::time::{Duration, Instant};

use econnect_api::{PartyId, StatusEntry};
use econnect_store::{Direction, DocumentRow, StatusStep, timestamp};

use crate::engine::Inner;
use crate::error::{EngineError, ErrorCode};
use crate::session::Session;
use crate::status::{SyncProgress, SyncSummary};

pub(crate) use calls::with_retries;

/// Cursors of the document lists older versions paged through (they do not exist).
const OBSOLETE_LISTS: [&str; 2] = ["purchase_invoices", "sales_invoices"];
/// The cursor whose completion marks a finished sync of the organisation data.
const ORGANISATIONS: &str = "organisations";
/// Longest wait for one network probe's TCP connect.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs one sync (after any running one), unless the session ends first.
pub(crate) async fn run_once(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
) -> Result<SyncSummary, EngineError> {
    let mut stop = session.stop.subscribe();
    if *stop.borrow() {
        return Err(EngineError::not_signed_in());
    }
    let work = async {
        let _one_at_a_time = session.sync_lock.lock().await;
        inner.status.send_modify(|s| {
            s.syncing = true;
            s.progress = Some(SyncProgress {
                step: "organisations".into(),
                ..SyncProgress::default()
            });
        });
        let result = sync(inner, session).await;
        match &result {
            Ok(_) => mark_online(inner, session).await,
            Err(e) => note_failure(inner, e),
        }
        inner.status.send_modify(|s| {
            s.syncing = false;
            s.progress = None;
        });
        result
    };
    tokio::select! {
        result = work => result,
        _ = stop.wait_for(|stopped| *stopped) => Err(EngineError::not_signed_in()),
    }
}

/// Boxed with an explicit `Send`: rustc cannot prove the stream of borrowing futures `Send`
/// for every lifetime when the loop is spawned, but can for these concrete ones.
fn sync<'a>(
    inner: &'a Arc<Inner>,
    session: &'a Arc<Session>,
) -> futures_util::future::BoxFuture<'a, Result<SyncSummary, EngineError>> {
    Box::pin(sync_inner(inner, session))
}

async fn sync_inner(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
) -> Result<SyncSummary, EngineError> {
    let started = Instant::now();
    let client = &session.client;
    let store = &session.store;
    let parties = directory::me_and_parties(client, store).await?;
    set_step(inner, "users");
    let is_admin = directory::users(client, store).await?;
    session.update_info(|i| i.is_admin = is_admin);
    set_step(inner, "receiveStates");
    directory::receive_states(client, store, &parties).await?;

    for p in &parties {
        for (allowed, direction) in [
            (p.permissions.can_receive_document, Direction::Received),
            (p.permissions.can_send_document, Direction::Sent),
        ] {
            if !allowed {
                // No longer allowed to see them: they leave the cache too.
                store.remove_documents(&p.id, direction).await?;
            }
        }
    }
    let total = u32::try_from(parties.len()).unwrap_or(u32::MAX);
    inner.status.send_modify(|s| {
        if let Some(progress) = s.progress.as_mut() {
            progress.organisations_done = total;
            progress.organisations_total = total;
        }
    });
    if session.sandbox.lock().await.is_some() {
        crate::demo::adopt_history(session).await?;
    }
    store.forget_rounds(&OBSOLETE_LISTS).await?;
    store.complete_round(ORGANISATIONS, "").await?;
    let summary = SyncSummary {
        organisations: total,
        duration_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
    };
    tracing::info!(?summary, "sync done");
    Ok(summary)
}

fn set_step(inner: &Inner, step: &str) {
    inner.status.send_modify(|s| {
        if let Some(progress) = s.progress.as_mut() {
            progress.step = step.to_string();
        }
    });
}

/// The loop of one session: sync now, then every interval; while offline, sync again
/// after 5 s, 10 s, … up to the interval. A network hint, the network coming back (see
/// [`network_back`]) or the end of the session interrupts the pause.
pub(crate) async fn run_loop(inner: Arc<Inner>, session: Arc<Session>) {
    let mut stop = session.stop.subscribe();
    let interval = inner.config.sync_interval;
    let first_retry = inner.options.offline_retry;
    let mut offline_pause = first_retry;
    let mut woken = Woken::Other;
    loop {
        if *stop.borrow() {
            return;
        }
        let result = run_once(&inner, &session).await;
        // A probe said the network was back, yet the platform still cannot be reached (it
        // takes connects but the calls fail): the next probe must first see it down again,
        // or the platform would get a sync every few seconds.
        let need_down =
            woken == Woken::Probe && matches!(&result, Err(e) if e.code == ErrorCode::Unreachable);
        let pause = match result {
            Ok(_) => {
                offline_pause = first_retry;
                interval
            }
            Err(e) if e.code == ErrorCode::NotSignedIn => return,
            Err(e) if is_offline(&e) => {
                let pause = offline_pause.min(interval);
                offline_pause = (offline_pause * 2).min(interval);
                pause
            }
            Err(_) => interval,
        };
        woken = pause_or_stop(&inner, &session, &mut stop, pause, need_down).await;
        if woken == Woken::Stopped {
            return;
        }
    }
}

/// What ended a pause of the sync loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Woken {
    /// The session ended.
    Stopped,
    /// The network probe found the platform reachable again.
    Probe,
    /// The pause ran out, a hint, or "sync now".
    Other,
}

/// Waits `pause` or until woken.
async fn pause_or_stop(
    inner: &Inner,
    session: &Session,
    stop: &mut tokio::sync::watch::Receiver<bool>,
    pause: Duration,
    need_down: bool,
) -> Woken {
    let hint = inner.network_hint.notified();
    let wake = session.wake.notified();
    let back = network_back(inner, &session.client, need_down);
    tokio::pin!(hint, wake, back);
    tokio::select! {
        _ = tokio::time::sleep(pause) => Woken::Other,
        _ = &mut hint => Woken::Other,
        _ = &mut wake => Woken::Other,
        _ = &mut back => {
            tracing::info!("the platform can be reached again; syncing now");
            Woken::Probe
        }
        _ = stop.wait_for(|stopped| *stopped) => Woken::Stopped,
    }
}

/// Whether the status says the platform cannot be reached (not: in maintenance, or rate
/// limited; then it answers connects and must not get a sync every few seconds).
fn unreachable(status: &crate::status::EngineStatus) -> bool {
    !status.online
        && status
            .last_error
            .as_ref()
            .is_some_and(|e| e.code == ErrorCode::Unreachable)
}

/// Resolves when the network comes back: while the status says "unreachable" (whichever
/// call found that out), a TCP connect to the platform's API address every
/// [`crate::EngineOptions::network_probe`] until one succeeds (with `need_down`, only
/// after one failed). No request is sent, so it costs the platform nothing; the sync that
/// follows finds out whether it really answers.
async fn network_back(inner: &Inner, client: &econnect_api::Client, need_down: bool) {
    let every = inner.options.network_probe.max(Duration::from_millis(50));
    let base = &client.config().api_base;
    let (Some(host), Some(port)) = (base.host_str(), base.port_or_known_default()) else {
        return std::future::pending().await;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let mut status = inner.status.subscribe();
    let mut was_down = !need_down;
    loop {
        if !unreachable(&status.borrow_and_update()) && status.wait_for(unreachable).await.is_err()
        {
            return std::future::pending().await;
        }
        tokio::time::sleep(every).await;
        let connect = tokio::net::TcpStream::connect((host.as_str(), port));
        let up = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, connect).await,
            Ok(Ok(_))
        );
        if up && was_down {
            return;
        }
        was_down |= !up;
    }
}

fn is_offline(e: &EngineError) -> bool {
    matches!(
        e.code,
        ErrorCode::Unreachable | ErrorCode::Maintenance | ErrorCode::RateLimited
    )
}

/// Records a failed platform call in the status: unreachable/maintenance → offline.
pub(crate) fn note_failure(inner: &Inner, e: &EngineError) {
    if matches!(e.code, ErrorCode::Unreachable | ErrorCode::Maintenance) {
        mark_offline(inner, Some(e.clone()));
    } else {
        inner.status.send_modify(|s| s.last_error = Some(e.clone()));
    }
}

/// Sets the status offline (keeping the first "offline since" time).
pub(crate) fn mark_offline(inner: &Inner, error: Option<EngineError>) {
    let since = match inner.offline_since.lock() {
        Ok(mut since) => since.get_or_insert_with(timestamp::now).clone(),
        Err(_) => timestamp::now(),
    };
    inner.status.send_modify(|s| {
        s.online = false;
        s.offline_since = Some(since.clone());
        if error.is_some() {
            s.last_error = error.clone();
        }
    });
}

async fn mark_online(inner: &Inner, session: &Session) {
    if let Ok(mut since) = inner.offline_since.lock() {
        *since = None;
    }
    let last_synced = session
        .store
        .last_completed()
        .await
        .ok()
        .flatten()
        .or_else(|| Some(timestamp::now()));
    inner.status.send_modify(|s| {
        s.online = true;
        s.offline_since = None;
        s.last_error = None;
        s.last_synced = last_synced.clone();
    });
    session.update_info(|i| i.opened_offline = false);
}

/// Fetches a document's status history from the platform into the cache.
pub(crate) async fn refresh_history(
    session: &Session,
    doc: &DocumentRow,
) -> Result<(), EngineError> {
    let party = PartyId::new(&doc.party_id);
    let client = &session.client;
    let entries = match doc.direction {
        Direction::Sent => {
            with_retries("sales status", || {
                client.sales_invoice_status(&party, &doc.id)
            })
            .await?
        }
        Direction::Received => {
            with_retries("purchase status", || {
                client.purchase_invoice_status(&party, &doc.id)
            })
            .await?
        }
    };
    let steps = history_steps(entries);
    if !steps.is_empty() {
        session.store.replace_history(&doc.id, &steps).await?;
    }
    Ok(())
}

/// The platform's history as cached steps. An entry without a name carries no status (the
/// platform's model has `name` nullable): it is left out, never an error.
pub(crate) fn history_steps(entries: Vec<StatusEntry>) -> Vec<StatusStep> {
    entries
        .into_iter()
        .filter_map(|e| {
            Some(StatusStep {
                status: e.name?.as_str().to_string(),
                description: e.description,
                occurred_at: e.created_on.as_deref().map(timestamp::normalise),
                source: "platform".into(),
            })
        })
        .collect()
}
