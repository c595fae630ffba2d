//! The hook inbox: an event is stored once however often it is delivered, taken in order
//! of arrival until marked processed, and kept across a reopen.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_store::{NewHookEvent, OwnHook, Store};

fn event(key: &str, topic: &str, doc: &str, created_ms: i64) -> NewHookEvent {
    NewHookEvent {
        event_key: key.into(),
        topic: topic.into(),
        party_id: Some("NL:KVK:30187412".into()),
        hook_id: Some("h-1".into()),
        document_id: Some(doc.into()),
        created_on: Some("2026-12-06T10:00:00Z".into()),
        created_ms: Some(created_ms),
        body: format!(r#"{{"topic":"{topic}"}}"#),
    }
}

#[tokio::test]
async fn a_repeated_delivery_is_stored_once_and_pending_events_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let store = Store::open(&path).await.unwrap();
    let first = store
        .add_hook_event(&event("k1", "InvoiceReceived", "d1", 1))
        .await
        .unwrap();
    let second = store
        .add_hook_event(&event("k2", "InvoiceSent", "d2", 2))
        .await
        .unwrap();
    let again = store
        .add_hook_event(&event("k1", "InvoiceReceived", "d1", 1))
        .await
        .unwrap();
    assert!(first.new && second.new && !again.new);
    assert_eq!(again.seq, first.seq);
    assert!(second.seq > first.seq);

    let pending = store.unprocessed_hook_events(10).await.unwrap();
    assert_eq!(
        pending.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![first.seq, second.seq]
    );
    assert_eq!(pending[0].deliveries, 2);

    store
        .mark_hook_event_processed(first.seq, "recorded")
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let pending = store.unprocessed_hook_events(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].topic, "InvoiceSent");
    let done = store.hook_event(first.seq).await.unwrap().unwrap();
    assert_eq!(done.outcome.as_deref(), Some("recorded"));
    assert!(done.processed_at.is_some());
}

#[tokio::test]
async fn newer_events_that_arrived_earlier_are_found_by_document_and_topic() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    let sent = store
        .add_hook_event(&event("k1", "InvoiceSent", "d1", 200))
        .await
        .unwrap();
    let old = store
        .add_hook_event(&event("k2", "InvoiceSentError", "d1", 100))
        .await
        .unwrap();
    let topics = ["InvoiceSent", "InvoiceSentError"];
    assert!(
        store
            .newer_hook_event("d1", &topics, 100, old.seq)
            .await
            .unwrap()
    );
    assert!(
        !store
            .newer_hook_event("d1", &topics, 100, sent.seq)
            .await
            .unwrap(),
        "arrived later"
    );
    assert!(
        !store
            .newer_hook_event("d1", &topics, 200, old.seq)
            .await
            .unwrap(),
        "not newer"
    );
    assert!(
        !store
            .newer_hook_event("d1", &["InvoiceSentRetry"], 100, old.seq)
            .await
            .unwrap()
    );
    assert!(
        !store
            .newer_hook_event("d2", &topics, 100, old.seq)
            .await
            .unwrap()
    );

    store
        .mark_hook_events_processed(&[(sent.seq, "Delivered".into()), (old.seq, "ouder".into())])
        .await
        .unwrap();
    assert!(store.unprocessed_hook_events(10).await.unwrap().is_empty());
    let outcomes: Vec<Option<String>> = store
        .hook_events()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [Some("Delivered".to_string()), Some("ouder".to_string())]
    );
}

#[tokio::test]
async fn the_own_hook_is_remembered_per_scope_without_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    assert_eq!(store.own_hook("").await.unwrap(), None);
    let hook = OwnHook {
        scope: String::new(),
        hook_id: "h-9".into(),
        name: "eConnect Desktop".into(),
        public_url: "https://kantoor.example/hook".into(),
    };
    store.set_own_hook(&hook).await.unwrap();
    store
        .set_own_hook(&OwnHook {
            hook_id: "h-10".into(),
            ..hook.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        store.own_hook("").await.unwrap().map(|h| h.hook_id),
        Some("h-10".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_arriving_together_share_commits_and_each_gets_its_own_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite")).await.unwrap();
    // 200 deliveries at once, every fourth a repeat of an earlier event.
    let mut tasks = Vec::new();
    for i in 0..200i64 {
        let store = store.clone();
        let key = if i % 4 == 3 {
            format!("k{}", i - 1)
        } else {
            format!("k{i}")
        };
        tasks.push(tokio::spawn(async move {
            (
                key.clone(),
                store
                    .add_hook_event(&event(&key, "InvoiceReceived", &key, i))
                    .await
                    .unwrap(),
            )
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let stored = store.hook_events().await.unwrap();
    assert_eq!(stored.len(), 150, "each event once");
    let new = answers.iter().filter(|(_, a)| a.new).count();
    assert_eq!(
        new, 150,
        "exactly one delivery of each event is the new one"
    );
    for (key, answer) in &answers {
        let row = stored
            .iter()
            .find(|r| r.seq == answer.seq)
            .expect("the answer names a stored row");
        assert_eq!(row.document_id.as_deref(), Some(key.as_str()));
    }
    let repeats: i64 = stored.iter().map(|r| r.deliveries).sum();
    assert_eq!(repeats, 200);
}
