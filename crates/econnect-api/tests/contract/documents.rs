//! Sending and scan & recognise: send, recognize (sales and purchase), status, recipients,
//! idempotent document ids, intake refusals.

use econnect_api::{DocumentId, DocumentStatus, Error, PartyId, SendOptions, Upload};

use crate::common::{Env, first_party};

#[tokio::test]
async fn send_sales_invoice_uses_the_callers_id_and_its_history_advances() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let id = DocumentId::new_random();
    let doc = client
        .send_sales_invoice(
            &party,
            &Upload::from_path(env.ubl("factuur.xml")),
            &id,
            &SendOptions::default(),
        )
        .await
        .expect("send");
    assert_eq!(doc.id, id.as_str());
    let history = client
        .sales_invoice_status(&party, &doc.id)
        .await
        .expect("status");
    assert_eq!(
        history.first().and_then(|s| s.name.as_ref()),
        Some(&DocumentStatus::Pending)
    );
    assert!(history.iter().all(|s| s.created_on.is_some()));
    env.advance(86_400).await;
    let history = client
        .sales_invoice_status(&party, &doc.id)
        .await
        .expect("status later");
    let last = history.last().expect("entries");
    assert_eq!(last.name, Some(DocumentStatus::Delivered));
    // [C] name and description are nullable: the sandbox's delivered history has such an entry.
    let unnamed = history
        .iter()
        .find(|s| s.name.is_none())
        .expect("an entry with a null name");
    assert!(unnamed.description.is_none() && unnamed.created_on.is_some());
}

#[tokio::test]
async fn send_to_an_unreachable_receiver_ends_failed() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let options = SendOptions {
        receiver_id: Some(PartyId::new("NL:KVK:99999999")),
        channel: None,
    };
    let doc = client
        .send_sales_invoice(
            &party,
            &Upload::from_path(env.ubl("f.xml")),
            &DocumentId::new_random(),
            &options,
        )
        .await
        .expect("send");
    env.advance(86_400).await;
    let history = client
        .sales_invoice_status(&party, &doc.id)
        .await
        .expect("status");
    assert_eq!(
        history.last().and_then(|s| s.name.clone()),
        Some(DocumentStatus::Failed)
    );
}

#[tokio::test]
async fn recognize_sales_invoice_accepts_a_pdf() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let id = DocumentId::new_random();
    let file = Upload::from_path(env.pdf("verkoop.pdf", 4096, "factuur"));
    let doc = client
        .recognize_sales_invoice(&party, &file, &id, Some("idr"))
        .await
        .expect("recognize");
    assert_eq!(doc.id, id.as_str());
    assert!(
        !client
            .sales_invoice_status(&party, &doc.id)
            .await
            .expect("status")
            .is_empty()
    );
}

#[tokio::test]
async fn recognize_purchase_invoice_of_a_non_invoice_ends_rejected_with_reason() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let file = Upload::from_path(env.pdf("herinnering.pdf", 4096, "NOT-AN-INVOICE"));
    let doc = client
        .recognize_purchase_invoice(&party, &file, &DocumentId::new_random(), None)
        .await
        .expect("upload accepted");
    env.advance(86_400).await;
    let history = client
        .purchase_invoice_status(&party, &doc.id)
        .await
        .expect("status");
    let last = history.last().expect("entries");
    assert_eq!(last.name, Some(DocumentStatus::Rejected));
    assert!(last.description.as_deref().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn intake_rules_refuse_small_and_unsupported_files() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let small = Upload::from_path(env.pdf("klein.pdf", 200, "factuur"));
    let err = client
        .recognize_purchase_invoice(&party, &small, &DocumentId::new_random(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 400, .. }), "{err:?}");
    let text = env.dir.path().join("notities.txt");
    std::fs::write(&text, "geen factuur ".repeat(200)).expect("write");
    let err = client
        .recognize_purchase_invoice(
            &party,
            &Upload::from_path(&text),
            &DocumentId::new_random(),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 415, .. }), "{err:?}");
    assert_eq!(
        env.counters().await["documentsCreated"][party.as_str()],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn a_missing_file_fails_locally_without_a_request() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    env.clear_requests().await;
    let missing = Upload::from_path(env.dir.path().join("weg.pdf"));
    let err = client
        .recognize_purchase_invoice(&party, &missing, &DocumentId::new_random(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    assert!(
        !env.requests().await.iter().any(|r| r["method"] == "POST"
            && r["path"].as_str().is_some_and(|p| p.contains("recognize")))
    );
}

#[tokio::test]
async fn query_recipient_party_finds_reachable_and_404s_otherwise() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let found = client
        .query_recipient_party(
            &party,
            &[
                PartyId::new("NL:KVK:00000000"),
                PartyId::new("iso6523-actorid-upis::0106:27312152"),
            ],
        )
        .await
        .expect("reachable supplier");
    assert_eq!(found.id, PartyId::new("0106:27312152"));
    assert_eq!(found.channel, "peppol");
    let err = client
        .query_recipient_party(&party, &[PartyId::new("NL:KVK:00000000")])
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn status_of_an_unknown_document_is_404() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let err = client
        .sales_invoice_status(&party, "bestaat-niet")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(matches!(err, Error::Api { ref code, .. } if code == "API404"));
}

#[tokio::test]
async fn retrying_an_upload_with_the_same_id_after_a_reset_creates_one_document() {
    use econnect_api::RetryPolicy;
    use serde_json::json;
    use std::time::Duration;

    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    // The first attempt's connection breaks; the second one goes through.
    env.fault(json!({ "kind": "reset", "next": 1, "pathContains": "recognize" }))
        .await;
    let policy = RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    let id = DocumentId::new_random();
    let file = Upload::from_path(env.pdf("retry.pdf", 50_000, "factuur"));
    let doc = policy
        .run(|| client.recognize_purchase_invoice(&party, &file, &id, None))
        .await
        .expect("second attempt succeeds");
    assert_eq!(doc.id, id.as_str());
    let counters = env.counters().await;
    assert_eq!(
        counters["documentsCreated"][party.as_str()],
        1,
        "{counters}"
    );
    assert_eq!(counters["faultsInjected"], 1, "{counters}");
}
