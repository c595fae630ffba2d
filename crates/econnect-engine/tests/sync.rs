//! The sync against the in-process sandbox, which (like the platform) has no document
//! lists: a clean run brings the organisation data and never asks for a list, runs through
//! injected faults (429, 503, resets), old list cursors do not hold back "last synced",
//! documents sent from here get their statuses from their own status calls, and the change
//! feed batches what is written.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_api::PartyId;
use econnect_engine::tracking::{Tracker, TrackerOptions};
use econnect_engine::{ChangeKind, DocumentQuery, OrganisationQuery, ReceiveState};
use econnect_sandbox::Seed;
use econnect_store::{Store, profile_database_path};
use serde_json::json;

#[tokio::test]
async fn a_sync_brings_the_organisation_data_and_never_asks_for_a_document_list() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let info = engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    assert_eq!(info.username, USER);
    let summary = engine.sync_now().await.unwrap();
    assert_eq!(summary.organisations, 12);

    let orgs = engine
        .organisations(OrganisationQuery::default())
        .await
        .unwrap();
    assert_eq!(orgs.len(), 12);
    assert_eq!(
        cached_organisations(&engine).await,
        platform_organisations(&sb).await
    );
    let bakkerij = orgs.iter().find(|o| o.id == "0106:30187412").unwrap();
    assert_eq!(bakkerij.kvk.as_deref(), Some("30187412"));
    assert_eq!(bakkerij.receive, ReceiveState::On);
    assert!(bakkerij.permissions.can_send_document);
    // Organisation 3 is not registered for receiving.
    assert_eq!(orgs[2].receive, ReceiveState::NotRegistered);
    let detail = engine.organisation("NL:KVK:30187412").await.unwrap();
    assert!(
        detail
            .users
            .iter()
            .any(|u| u.name == "medewerker@voorbeeld.nl"),
        "an administrator sees the users"
    );
    assert!(engine.session().await.unwrap().is_admin);
    assert!(
        eventually(Duration::from_secs(10), || async {
            !engine.status().syncing
        })
        .await
    );
    let status = engine.status();
    assert!(
        status.signed_in && status.online && status.last_synced.is_some(),
        "{status:?}"
    );

    // Local-first: nothing was sent from this installation, so there are no documents.
    assert!(cached_documents(&engine).await.is_empty());
    let coverage = engine.document_coverage().await.unwrap();
    assert_eq!((coverage.sent_here, coverage.received), (0, 0));
    assert_eq!(list_requests(&sb).await, Vec::<String>::new());
    let again = engine.sync_now().await.unwrap();
    assert_eq!(again.organisations, 12);
}

#[tokio::test]
async fn faults_mid_sync_still_end_with_the_organisation_data() {
    let sb = sandbox(Seed::Demo).await;
    control(
        &sb,
        reqwest::Method::POST,
        "/_sandbox/seed",
        json!({"parties": 20}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    fault(
        &sb,
        json!({"kind": "rateLimited", "next": 2, "retryAfter": 1, "pathContains": "/me/party"}),
    )
    .await;
    fault(
        &sb,
        json!({"kind": "maintenance", "next": 2, "retryAfter": 1, "pathContains": "/peppol/config"}),
    )
    .await;
    fault(
        &sb,
        json!({"kind": "reset", "next": 2, "pathContains": "/user"}),
    )
    .await;
    fault(&sb, json!({"kind": "reset", "rate": 0.05})).await;
    let summary = engine.sync_now().await;
    control(
        &sb,
        reqwest::Method::DELETE,
        "/_sandbox/faults",
        json!(null),
    )
    .await;
    let counters = control(&sb, reqwest::Method::GET, "/_sandbox/counters", json!(null)).await;
    assert!(
        counters["faultsInjected"].as_u64().unwrap() >= 4,
        "{counters}"
    );
    let summary = match summary {
        Ok(s) => s,
        // 5% random resets may exhaust one call's retries: the next sync gets it all.
        Err(_) => engine.sync_now().await.unwrap(),
    };
    assert_eq!(summary.organisations, 32);
    assert_eq!(
        cached_organisations(&engine).await,
        platform_organisations(&sb).await
    );
    assert_eq!(list_requests(&sb).await, Vec::<String>::new());
}

#[tokio::test]
async fn an_old_document_list_cursor_does_not_hold_back_last_synced() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    {
        // An older version was stopped in the middle of paging a document list.
        let profile = custom(&sb).profile(USER);
        let store = Store::open(&profile_database_path(dir.path(), &profile))
            .await
            .unwrap();
        store
            .start_round("purchase_invoices", "0106:30187412")
            .await
            .unwrap();
        assert_eq!(store.last_completed().await.unwrap(), None);
        store.close().await;
    }
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    assert!(
        eventually(Duration::from_secs(10), || async {
            let status = engine.status();
            !status.syncing && status.last_synced.is_some()
        })
        .await,
        "{:?}",
        engine.status()
    );
    let store = engine.store().await.unwrap();
    assert!(
        store
            .cursor("purchase_invoices", "0106:30187412")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_sent_document_gets_its_status_history_from_its_own_status_call() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    let mut feed = engine.subscribe();

    // A sales invoice sent from here: Pending now, Delivered after 120 s.
    let party = PartyId::new("NL:KVK:30187412");
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(4096, b' ');
    let file = dir.path().join("factuur.pdf");
    std::fs::write(&file, pdf).unwrap();
    let upload = econnect_api::Upload::from_path(&file);
    let doc_id = econnect_api::DocumentId::new_random();
    let id = client(&sb)
        .recognize_sales_invoice(&party, &upload, &doc_id, None)
        .await
        .unwrap()
        .id;
    record_sent(&engine, party.as_str(), std::slice::from_ref(&id)).await;

    let batch = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let batch = feed.recv().await.unwrap();
            if batch.documents.contains(&id) {
                return batch;
            }
        }
    })
    .await
    .expect("a batch names the new document");
    assert!(batch.kinds.contains(&ChangeKind::Documents));
    assert!(batch.parties.contains(&"0106:30187412".to_string()));
    let rows = engine
        .documents(DocumentQuery::default())
        .await
        .unwrap()
        .rows;
    let row = rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row.status, "Pending");
    assert_eq!(row.file_name.as_deref(), Some(format!("{id}.xml").as_str()));

    sb.advance_time(200);
    let tracker = Tracker::new(
        engine.client().await.unwrap(),
        engine.store().await.unwrap(),
        TrackerOptions::default(),
    );
    let store = engine.store().await.unwrap();
    // The session's own tracker may get there first; either way one status call does it.
    assert!(
        eventually(Duration::from_secs(10), || async {
            let _ = tracker.round().await;
            store.document(&id).await.unwrap().document.status == "Delivered"
        })
        .await
    );
    let tracked = store.document(&id).await.unwrap();
    // The platform's history has an entry with a null name: it carries no status and is
    // left out, never an error.
    let steps: Vec<&str> = tracked.history.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(steps, ["Pending", "Validated", "Routed", "Delivered"]);
    assert!(tracked.history.iter().all(|s| s.source == "platform"));
    let detail = engine.document(&id).await.unwrap();
    assert_eq!(
        detail.history, tracked.history,
        "the refresh reads the same"
    );
    assert_eq!(list_requests(&sb).await, Vec::<String>::new());
}

#[tokio::test]
async fn batches_are_at_most_one_per_100_ms() {
    let sb = sandbox(Seed::Empty).await;
    let seeded = control(
        &sb,
        reqwest::Method::POST,
        "/_sandbox/seed",
        json!({"parties": 3}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    let mut feed = engine.subscribe();
    // Receive while the documents are written, so each receipt time is the send time.
    let listener = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let mut times = Vec::new();
        let mut documents = std::collections::BTreeSet::new();
        let mut truncated = false;
        // Until the feed has been quiet for 2 s (the writes are over by then).
        while let Ok(batch) = tokio::time::timeout(Duration::from_secs(2), feed.recv()).await {
            let batch = batch.expect("the subscriber keeps up");
            times.push(started.elapsed());
            truncated |= batch.documents_truncated;
            documents.extend(batch.documents);
        }
        (times, if truncated { 2400 } else { documents.len() })
    });
    // 2,400 documents sent from here, recorded 100 at a time as the uploads are accepted.
    for (p, party) in seeded["parties"].as_array().unwrap().iter().enumerate() {
        for chunk in 0..8 {
            let ids: Vec<String> = (0..100).map(|n| format!("s{p}-{chunk}-{n}")).collect();
            record_sent(&engine, party.as_str().unwrap(), &ids).await;
            // Uploads are accepted over time: the writes span several batch windows.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (times, seen) = listener.await.unwrap();
    assert_eq!(
        seen, 2400,
        "every document was named in some batch (or a batch said it had more)"
    );
    assert!(times.len() >= 2, "{times:?}");
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(90),
            "batches too close: {times:?}"
        );
    }
}
