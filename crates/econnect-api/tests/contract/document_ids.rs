//! Caller-chosen document ids: a repeat is `409 Conflict` on the wire and success for the
//! client (the platform has the document); ids outside the syntax are refused on both sides.

use std::time::Duration;

use econnect_api::{
    DocumentDirection, DocumentId, Error, InvoiceResponse, ResponseStatus, RetryPolicy,
    SendOptions, Upload,
};
use serde_json::{Value, json};

use crate::common::{Env, first_party};

/// The recorded statuses of the POSTs whose path contains `part`, oldest first.
fn post_statuses(requests: &[Value], part: &str) -> Vec<u64> {
    requests
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"].as_str().is_some_and(|p| p.contains(part)))
        .map(|r| r["status"].as_u64().unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn a_repeated_id_is_409_on_the_wire_and_ok_with_our_id_for_the_client() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let file = Upload::from_path(env.pdf("inkoop.pdf", 8192, "factuur"));
    let id = DocumentId::for_content(&party, DocumentDirection::Purchase, &[1; 32], 0);
    let first = client
        .recognize_purchase_invoice(&party, &file, &id, None)
        .await
        .expect("first");
    assert_eq!(first.id, id.as_str());
    assert!(!first.already_there);
    let again = client
        .recognize_purchase_invoice(&party, &file, &id, None)
        .await
        .expect("a repeat is success");
    assert_eq!(again.id, id.as_str());
    assert!(again.already_there);
    // The same id on the other creating calls: the id space is global, each is a 409.
    let sent = client
        .send_sales_invoice(
            &party,
            &Upload::from_path(env.ubl("f.xml")),
            &id,
            &SendOptions::default(),
        )
        .await
        .expect("send with a taken id");
    assert!(sent.already_there);
    let recognized = client
        .recognize_sales_invoice(&party, &file, &id, None)
        .await
        .expect("sales recognize with a taken id");
    assert!(recognized.already_there);
    let requests = env.requests().await;
    assert_eq!(
        post_statuses(&requests, "purchaseInvoice/recognize"),
        [200, 409]
    );
    assert_eq!(post_statuses(&requests, "salesInvoice/send"), [409]);
    assert_eq!(post_statuses(&requests, "salesInvoice/recognize"), [409]);
    let counters = env.counters().await;
    assert_eq!(
        counters["documentsCreated"][party.as_str()],
        1,
        "{counters}"
    );
    assert_eq!(counters["duplicatesRefused"], 3, "{counters}");
}

#[tokio::test]
async fn a_repeated_invoice_response_id_is_ok_with_our_id() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let invoice = env.add_received(&party).await;
    let response = InvoiceResponse::new(ResponseStatus::AP);
    let id = DocumentId::parse("antwoord-0001").expect("valid id");
    let first = client
        .respond_to_purchase_invoice(&party, &invoice, &response, &id)
        .await
        .expect("respond");
    let again = client
        .respond_to_purchase_invoice(&party, &invoice, &response, &id)
        .await
        .expect("repeat");
    assert_eq!((first.already_there, again.already_there), (false, true));
    assert_eq!(again.id, "antwoord-0001");
    assert_eq!(
        post_statuses(&env.requests().await, "/response"),
        [200, 409]
    );
}

#[tokio::test]
async fn an_upload_whose_answer_was_lost_is_retried_and_found_already_there() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    env.fault(json!({ "kind": "resetAfterHandling", "next": 1, "pathContains": "recognize" }))
        .await;
    let policy = RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    let id = DocumentId::for_content(&party, DocumentDirection::Purchase, &[2; 32], 0);
    let file = Upload::from_path(env.pdf("verloren.pdf", 50_000, "factuur"));
    let doc = policy
        .run(|| client.recognize_purchase_invoice(&party, &file, &id, None))
        .await
        .expect("the retry's 409 is success");
    assert_eq!(doc.id, id.as_str());
    assert!(doc.already_there);
    let counters = env.counters().await;
    assert_eq!(
        counters["documentsCreated"][party.as_str()],
        1,
        "{counters}"
    );
    assert_eq!(counters["faultsInjected"], 1, "{counters}");
}

#[tokio::test]
async fn ids_outside_the_syntax_are_refused_by_parse_and_by_the_platform() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let token = client.access_token().await.expect("token");
    let url = env
        .base
        .join(&format!(
            "/api/v1/{}/purchaseInvoice/recognize",
            party.to_path_segment()
        ))
        .expect("url");
    let pdf = std::fs::read(env.pdf("syntax.pdf", 4096, "factuur")).expect("pdf");
    for bad in ["abcde", "abc_def", "factuur@kantoor.nl"] {
        assert!(
            matches!(DocumentId::parse(bad), Err(Error::InvalidInput(_))),
            "{bad:?}"
        );
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name("f.pdf"),
        );
        let resp = env
            .http
            .post(url.clone())
            .bearer_auth(&token)
            .header("X-EConnect-DocumentId", bad)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(resp.status(), 400, "{bad:?}");
        let body: Value = resp.json().await.expect("error json");
        assert_eq!(body["code"], "API400", "{body}");
    }
    assert!(DocumentId::parse("abcdef").is_ok());
    assert_eq!(
        env.counters().await["documentsCreated"][party.as_str()],
        Value::Null
    );
}
