//! The engine's one event stream: the services it starts itself (maintenance with the
//! saved schedule, the outbox) and the session reach the host as `EngineEvent`s.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_engine::EngineEvent;
use econnect_engine::desktop::DesktopSettings;
use econnect_engine::maintenance::{MaintenanceSchedule, OneOffWindow, amsterdam};
use econnect_sandbox::Seed;
use tokio::sync::broadcast::Receiver;

/// Waits for the first event that `wanted` accepts; events before it are passed over.
async fn next_matching(
    events: &mut Receiver<EngineEvent>,
    wanted: impl Fn(&EngineEvent) -> bool,
) -> EngineEvent {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event) => return event,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(e) => panic!("event stream ended: {e}"),
            }
        }
    })
    .await
    .expect("the event arrived in time")
}

fn local(at: time::OffsetDateTime) -> String {
    let l = amsterdam::to_local(at);
    format!("{}T{:02}:{:02}", amsterdam::date(at), l.hour(), l.minute())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_services_apply_the_saved_schedule_and_announce_when_maintenance_ends() {
    let dir = tempfile::tempdir().unwrap();
    let now = time::OffsetDateTime::now_utc();
    let schedule = MaintenanceSchedule {
        once: vec![OneOffWindow {
            start: local(now - time::Duration::minutes(1)),
            end: local(now + time::Duration::minutes(61)),
        }],
        ..MaintenanceSchedule::default()
    };
    let settings = DesktopSettings {
        maintenance: schedule.clone(),
        ..DesktopSettings::default()
    };
    settings
        .save(&DesktopSettings::path_in(dir.path()))
        .unwrap();
    let engine = engine(dir.path()).await;
    let mut events = engine.events();
    engine.start_services();
    assert_eq!(
        engine.maintenance().schedule(),
        schedule,
        "the saved schedule is in force"
    );
    assert!(engine.maintenance().state().active, "its window is on now");
    // The window taken out: the host hears that maintenance is over.
    engine
        .maintenance()
        .set_schedule(MaintenanceSchedule::default())
        .unwrap();
    next_matching(
        &mut events,
        |e| matches!(e, EngineEvent::MaintenanceChanged(s) if !s.active),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_paused_is_announced_once_per_change() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let mut events = engine.events();
    engine.set_sending_paused(true).await;
    engine.set_sending_paused(true).await;
    engine.set_sending_paused(false).await;
    let mut heard = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let EngineEvent::SendingPaused(paused) = event {
            heard.push(paused);
        }
    }
    assert_eq!(heard, vec![true, false]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_and_its_sync_reach_the_host_as_status_and_data_events() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let mut events = engine.events();
    engine.start_services();
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    next_matching(
        &mut events,
        |e| matches!(e, EngineEvent::StatusChanged(s) if s.signed_in),
    )
    .await;
    engine.sync_now().await.unwrap();
    next_matching(&mut events, |e| {
        matches!(e, EngineEvent::DataChanged(Some(_)))
    })
    .await;
    engine.sign_out().await.unwrap();
    next_matching(
        &mut events,
        |e| matches!(e, EngineEvent::StatusChanged(s) if !s.signed_in),
    )
    .await;
}
