use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

#[tokio::test]
async fn document_lists_do_not_exist_and_answer_404_like_any_unknown_path() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let unknown = cx.get(&token, "/api/v1/no/such/path").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown_body: Value = unknown.json().await.unwrap();
    for kind in ["purchaseInvoice", "salesInvoice"] {
        for query in [
            "",
            "?status=Delivered",
            "?continuationToken=abc&from=2020-01-01",
        ] {
            let path = format!("/api/v1/{}/{kind}{query}", enc(ORG1));
            let resp = cx.get(&token, &path).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "GET {path}");
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["code"], unknown_body["code"], "GET {path}: {body}");
        }
    }
}

async fn add(cx: &Ctx, with_pdf: bool) -> String {
    let v = cx
        .control(
            "/_sandbox/received",
            json!({ "partyId": ORG1, "senderName": "Drukkerij & Zn", "invoiceNumber": "F-2026-7", "amount": 242.0, "withPdf": with_pdf, "fileName": "f.pdf" }),
        )
        .await;
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn download_returns_ubl_and_starts_the_seven_day_retention() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let id = add(&cx, true).await;
    let status_path = format!("/api/v1/{}/purchaseInvoice/{id}/status", enc(ORG1));
    assert_eq!(cx.get(&token, &status_path).await.status(), StatusCode::OK);

    let dl = format!("/api/v1/{}/purchaseInvoice/{id}/download", enc(ORG1));
    let resp = cx
        .get(
            &token,
            &format!("{dl}?targetFormat=urn%3Acen.eu%3Aen16931%3A2017"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("xml")
    );
    let xml = resp.text().await.unwrap();
    assert!(
        xml.contains("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"")
    );
    assert!(xml.contains("<cbc:ID>F-2026-7</cbc:ID>"));
    assert!(xml.contains("Drukkerij &amp; Zn"));
    assert!(xml.contains("<cbc:PayableAmount currencyID=\"EUR\">242.00</cbc:PayableAmount>"));
    assert!(
        xml.contains(
            "EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"f.pdf\""
        )
    );

    cx.advance(6 * 86_400).await;
    let token = cx.demo().await; // the old one expired with the clock
    let resp = cx
        .get(&token, &format!("{dl}?targetDocumentTypeId=x"))
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "second download within 7 days"
    );
    cx.advance(86_400 + 1).await;
    let token = cx.demo().await;
    let resp = cx.get(&token, &dl).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(resp).await, "API404");
    assert_eq!(
        cx.get(&token, &status_path).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn undownloaded_documents_expire_after_ninety_days() {
    let cx = Ctx::start().await;
    let id = add(&cx, false).await;
    let status = format!("/api/v1/{}/purchaseInvoice/{id}/status", enc(ORG1));
    cx.advance(89 * 86_400).await;
    let token = cx.demo().await;
    assert_eq!(cx.get(&token, &status).await.status(), StatusCode::OK);
    cx.advance(86_400).await;
    let token = cx.demo().await;
    assert_eq!(
        cx.get(&token, &status).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn response_and_delete() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let id = add(&cx, false).await;
    let respond = |body: Value, doc_id: Option<&str>| {
        let mut req = cx
            .http
            .post(cx.url(&format!(
                "/api/v1/{}/purchaseInvoice/{id}/response",
                enc(ORG1)
            )))
            .bearer_auth(&token)
            .json(&body);
        if let Some(d) = doc_id {
            req = req.header("X-EConnect-DocumentId", d);
        }
        req.send()
    };
    let resp = respond(json!({ "status": "AP", "note": "akkoord" }), Some("resp-1"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["id"], "resp-1");
    // A repeated id is 409 with the error JSON, like every other document id.
    let resp = respond(json!({ "status": "AP" }), Some("resp-1"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(code(resp).await, "API409");
    // So is the id of an invoice, and an id outside the syntax is 400.
    let resp = respond(json!({ "status": "AP" }), Some(id.as_str()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let resp = respond(json!({ "status": "AP" }), Some("resp_2"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = respond(json!({ "status": "OK" }), None).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = respond(
        json!({ "status": "RE", "reasons": { "REF": "onbekend" } }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let resp = cx
        .http
        .delete(cx.url(&format!("/api/v1/{}/purchaseInvoice/{id}", enc(ORG1))))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), 0);
    let resp = cx
        .get(
            &token,
            &format!("/api/v1/{}/purchaseInvoice/{id}/status", enc(ORG1)),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = cx
        .http
        .delete(cx.url(&format!("/api/v1/{}/purchaseInvoice/{id}", enc(ORG1))))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seeded_received_invoices_are_valid_ubl_some_with_a_pdf() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let mut with_pdf = 0;
    let parties = cx.get_json(&token, "/api/v1/me/party").await;
    for p in parties.as_array().unwrap() {
        let party = p["id"].as_str().unwrap();
        let kvk = party.trim_start_matches("NL:KVK:");
        // The demo seed names its received invoices demo-<kvk>-r1..r3 (no list to find them by).
        for n in 1..=3 {
            let id = format!("demo-{kvk}-r{n}");
            let resp = cx
                .get(
                    &token,
                    &format!("/api/v1/{}/purchaseInvoice/{id}/download", enc(party)),
                )
                .await;
            assert_eq!(resp.status(), StatusCode::OK, "{id}");
            let xml = resp.text().await.unwrap();
            assert!(xml.starts_with("<?xml"));
            assert!(xml.contains("<cbc:ID>"));
            assert!(xml.contains("<cac:AccountingSupplierParty>"));
            assert!(xml.trim_end().ends_with("</Invoice>"));
            if xml.contains("EmbeddedDocumentBinaryObject") {
                with_pdf += 1;
            }
        }
    }
    assert!(with_pdf >= 3, "{with_pdf} invoices with a PDF");
}
