use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

#[tokio::test]
async fn receive_list_pages_by_100_with_an_opaque_token() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let seeded = cx
        .control(
            "/_sandbox/seed",
            json!({ "parties": 2, "documentsPerParty": 250 }),
        )
        .await;
    let party = seeded["parties"][0].as_str().unwrap().to_string();
    let mut ids = HashSet::new();
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/{}/purchaseInvoice", enc(&party));
        if let Some(t) = &next {
            path.push_str(&format!("?continuationToken={t}"));
        }
        let v = cx.get_json(&token, &path).await;
        let items = v["items"].as_array().unwrap();
        pages.push(items.len());
        for i in items {
            for key in [
                "id",
                "senderId",
                "senderName",
                "invoiceNumber",
                "issueDate",
                "currency",
                "channel",
                "receivedOn",
            ] {
                assert!(i[key].is_string(), "{key} in {i}");
            }
            assert!(i["amount"].is_number());
            ids.insert(i["id"].as_str().unwrap().to_string());
        }
        match v["continuationToken"].as_str() {
            Some(t) => next = Some(t.to_string()),
            None => {
                assert!(v["continuationToken"].is_null());
                break;
            }
        }
        assert!(pages.len() < 10, "paging does not end");
    }
    assert_eq!(pages, [100, 100, 50]);
    assert_eq!(ids.len(), 250);
    let resp = cx
        .get(
            &token,
            &format!(
                "/api/v1/{}/purchaseInvoice?continuationToken=zz",
                enc(&party)
            ),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn receive_list_filters_by_status_and_period() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let path = format!("/api/v1/{}/purchaseInvoice", enc(ORG1));
    let all = cx.get_json(&token, &path).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let delivered = cx
        .get_json(&token, &format!("{path}?status=Delivered"))
        .await;
    assert_eq!(delivered["items"].as_array().unwrap().len(), 3);
    let pending = cx.get_json(&token, &format!("{path}?status=Pending")).await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 0);
    let future = cx
        .get_json(&token, &format!("{path}?from=2999-01-01"))
        .await;
    assert_eq!(future["items"].as_array().unwrap().len(), 0);
    let past = cx.get_json(&token, &format!("{path}?to=2000-01-01")).await;
    assert_eq!(past["items"].as_array().unwrap().len(), 0);
    let resp = cx.get(&token, &format!("{path}?from=gisteren")).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
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
    let list_has =
        |v: &Value, id: &str| v["items"].as_array().unwrap().iter().any(|i| i["id"] == id);
    let list_path = format!("/api/v1/{}/purchaseInvoice", enc(ORG1));
    let v = cx.get_json(&token, &list_path).await;
    assert!(list_has(&v, &id));
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(item["senderName"], "Drukkerij & Zn");
    assert_eq!(item["invoiceNumber"], "F-2026-7");
    assert_eq!(item["amount"], 242.0);

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
    assert!(!list_has(&cx.get_json(&token, &list_path).await, &id));
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
        let list = cx
            .get_json(&token, &format!("/api/v1/{}/purchaseInvoice", enc(party)))
            .await;
        let items = list["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{party} has received invoices");
        for i in items {
            let id = i["id"].as_str().unwrap();
            let xml = cx
                .get(
                    &token,
                    &format!("/api/v1/{}/purchaseInvoice/{id}/download", enc(party)),
                )
                .await
                .text()
                .await
                .unwrap();
            assert!(xml.starts_with("<?xml"));
            assert!(xml.contains(&format!(
                "<cbc:ID>{}</cbc:ID>",
                i["invoiceNumber"].as_str().unwrap()
            )));
            assert!(xml.contains("<cac:AccountingSupplierParty>"));
            assert!(xml.trim_end().ends_with("</Invoice>"));
            if xml.contains("EmbeddedDocumentBinaryObject") {
                with_pdf += 1;
            }
        }
    }
    assert!(with_pdf >= 3, "{with_pdf} invoices with a PDF");
}
