use std::collections::HashSet;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

const ORG1_NORM: &str = "0106:30187412";

async fn id_of(resp: reqwest::Response) -> String {
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

/// Asserts a refusal with the platform's error JSON and returns its code.
async fn error_json(resp: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(resp.status(), status);
    let v: Value = resp.json().await.unwrap();
    for field in ["code", "message", "helpLink", "requestId", "dateTime"] {
        assert!(v[field].is_string(), "{field} missing in {v}");
    }
    v["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_repeated_document_id_is_answered_409_for_any_party_and_content() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let first = id_of(
        cx.upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(4096, "factuur"),
            Some("outbox-42"),
        )
        .await,
    )
    .await;
    assert_eq!(first, "outbox-42");
    // The same request again (a retry whose answer was lost): 409, nothing new.
    let again = cx
        .upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(4096, "factuur"),
            Some("outbox-42"),
        )
        .await;
    assert_eq!(error_json(again, StatusCode::CONFLICT).await, "API409");
    // Another spelling of the party, other bytes, another endpoint, another party: all 409.
    let repeats = [
        ("0106:30187412", "purchaseInvoice/recognize", pdf(5000, "x")),
        (ORG1, "salesInvoice/recognize", pdf(4096, "factuur")),
        (ORG2, "purchaseInvoice/recognize", pdf(4096, "factuur")),
        (ORG3, "salesInvoice/send", ubl(3000)),
    ];
    for (party, endpoint, bytes) in repeats {
        let resp = cx
            .upload(&token, party, endpoint, bytes, Some("outbox-42"))
            .await;
        assert_eq!(
            error_json(resp, StatusCode::CONFLICT).await,
            "API409",
            "{party} {endpoint}"
        );
    }
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 1);
    assert_eq!(counters["documentsCreated"].as_object().unwrap().len(), 1);
    assert_eq!(counters["duplicatesRefused"], 5);
    // Without the header the sandbox generates ids.
    let a = id_of(
        cx.upload(&token, ORG1, "salesInvoice/recognize", pdf(4096, "a"), None)
            .await,
    )
    .await;
    let b = id_of(
        cx.upload(&token, ORG1, "salesInvoice/recognize", pdf(4096, "a"), None)
            .await,
    )
    .await;
    assert_ne!(a, b);
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 3);
}

#[tokio::test]
async fn document_ids_outside_the_syntax_are_refused_with_400() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let long = "a".repeat(65);
    for bad in [
        "abcde",
        "abc_def",
        "factuur@kantoor",
        "outbox:42",
        "a b cdef",
        long.as_str(),
    ] {
        for endpoint in [
            "purchaseInvoice/recognize",
            "salesInvoice/recognize",
            "salesInvoice/send",
        ] {
            let bytes = if endpoint.ends_with("send") {
                ubl(3000)
            } else {
                pdf(4096, "f")
            };
            let resp = cx.upload(&token, ORG1, endpoint, bytes, Some(bad)).await;
            assert_eq!(
                error_json(resp, StatusCode::BAD_REQUEST).await,
                "API400",
                "{bad:?} {endpoint}"
            );
        }
    }
    for good in ["abcdef", "ecp-0123456789.abc", &"a".repeat(64)] {
        let resp = cx
            .upload(
                &token,
                ORG1,
                "purchaseInvoice/recognize",
                pdf(4096, "f"),
                Some(good),
            )
            .await;
        assert_eq!(id_of(resp).await, good);
    }
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 3);
}

#[tokio::test]
async fn concurrent_uploads_with_one_id_create_one_document_and_409_the_rest() {
    let cx = Arc::new(Ctx::start().await);
    let token = Arc::new(cx.demo().await);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (cx, token) = (Arc::clone(&cx), Arc::clone(&token));
        tasks.push(tokio::spawn(async move {
            cx.upload(
                &token,
                ORG1,
                "salesInvoice/recognize",
                pdf(2048, "f"),
                Some("same-id"),
            )
            .await
            .status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1);
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19
    );
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 1);
    assert_eq!(counters["duplicatesRefused"], 19);
}

#[tokio::test]
async fn intake_rules_refuse_small_big_protected_and_foreign_files() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let ep = "purchaseInvoice/recognize";

    let resp = cx.upload(&token, ORG1, ep, pdf(500, "klein"), None).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "API400");
    assert!(v["message"].as_str().unwrap().contains("too small"), "{v}");

    let resp = cx
        .upload(&token, ORG1, ep, pdf(10 * 1024 * 1024 + 1, "groot"), None)
        .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(resp).await, "API413");

    let resp = cx
        .upload(
            &token,
            ORG1,
            ep,
            pdf(10 * 1024 * 1024, "precies 10 MB"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);

    let mut protected = pdf(4096, "geheim");
    protected.extend_from_slice(b"\ntrailer\n<< /Size 9 /Root 1 0 R /Encrypt 8 0 R >>\n%%EOF\n");
    let resp = cx.upload(&token, ORG1, ep, protected, None).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("Document protected"),
        "{v}"
    );

    let mut zip = b"PK\x03\x04".to_vec();
    zip.resize(4096, 0);
    let resp = cx.upload(&token, ORG1, ep, zip, None).await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(code(resp).await, "API415");

    // Images and XML are accepted for scan & recognise.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.resize(2048, 7);
    assert_eq!(
        cx.upload(&token, ORG1, ep, png, None).await.status(),
        StatusCode::OK
    );
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize(2048, 1);
    assert_eq!(
        cx.upload(&token, ORG1, ep, jpeg, None).await.status(),
        StatusCode::OK
    );
    let mut bmp = b"BM".to_vec();
    bmp.resize(2048, 0);
    assert_eq!(
        cx.upload(&token, ORG1, ep, bmp, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        cx.upload(&token, ORG1, ep, ubl(2048), None).await.status(),
        StatusCode::OK
    );

    // salesInvoice/send takes XML only.
    let resp = cx
        .upload(&token, ORG1, "salesInvoice/send", pdf(2048, "pdf"), None)
        .await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        cx.upload(&token, ORG1, "salesInvoice/send", ubl(2048), None)
            .await
            .status(),
        StatusCode::OK
    );

    // Only the accepted uploads counted.
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 6);
}

#[tokio::test]
async fn a_body_without_a_file_part_is_a_400() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let form = reqwest::multipart::Form::new().text("other", "x");
    let resp = cx
        .http
        .post(cx.url(&format!("/api/v1/{}/purchaseInvoice/recognize", enc(ORG1))))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = cx
        .http
        .post(cx.url(&format!("/api/v1/{}/purchaseInvoice/recognize", enc(ORG1))))
        .bearer_auth(&token)
        .body("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn history(cx: &Ctx, token: &str, kind: &str, id: &str) -> Vec<Value> {
    let v = cx
        .get_json(token, &format!("/api/v1/{}/{kind}/{id}/status", enc(ORG1)))
        .await;
    v.as_array().unwrap().clone()
}

/// The named entries' names (entries with a null name carry no status).
fn names(h: &[Value]) -> Vec<&str> {
    h.iter().filter_map(|s| s["name"].as_str()).collect()
}

#[tokio::test]
async fn status_history_advances_with_the_virtual_clock() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let id = id_of(
        cx.upload(&token, ORG1, "salesInvoice/send", ubl(2048), None)
            .await,
    )
    .await;
    assert_eq!(
        names(&history(&cx, &token, "salesInvoice", &id).await),
        ["Pending"]
    );
    cx.advance(5).await;
    assert_eq!(
        names(&history(&cx, &token, "salesInvoice", &id).await),
        ["Pending", "Validated"]
    );
    cx.advance(25).await;
    assert_eq!(
        names(&history(&cx, &token, "salesInvoice", &id).await),
        ["Pending", "Validated", "Routed"]
    );
    cx.advance(90).await;
    let h = history(&cx, &token, "salesInvoice", &id).await;
    assert_eq!(names(&h), ["Pending", "Validated", "Routed", "Delivered"]);
    let times: Vec<&str> = h.iter().map(|s| s["createdOn"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "oldest first");
    assert!(h.iter().all(|s| s["id"].is_string()));
    assert!(
        h.iter()
            .filter(|s| s["name"].is_string())
            .all(|s| s["description"].is_string())
    );
    // A sales document is not a purchase document.
    let resp = cx
        .get(
            &token,
            &format!("/api/v1/{}/purchaseInvoice/{id}/status", enc(ORG1)),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(resp).await, "API404");
}

#[tokio::test]
async fn delivered_histories_carry_one_entry_with_a_null_name_between_validated_and_routed() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let id = id_of(
        cx.upload(&token, ORG1, "salesInvoice/send", ubl(2048), None)
            .await,
    )
    .await;
    cx.advance(10).await;
    assert!(
        history(&cx, &token, "salesInvoice", &id)
            .await
            .iter()
            .all(|s| s["name"].is_string()),
        "not yet at 10 s"
    );
    cx.advance(110).await;
    let seeded = history(&cx, &token, "salesInvoice", "demo-30187412-s1").await;
    for h in [history(&cx, &token, "salesInvoice", &id).await, seeded] {
        let nulls: Vec<usize> = h
            .iter()
            .enumerate()
            .filter(|(_, s)| s["name"].is_null())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(nulls, [2], "{h:?}");
        assert!(h[2].get("name").is_some(), "the key is there, with null");
        assert!(h[2]["description"].is_null());
        assert!(h[2]["id"].is_string() && h[2]["createdOn"].is_string());
        assert_eq!(h[1]["name"], "Validated");
        assert_eq!(h[3]["name"], "Routed");
    }
}

#[tokio::test]
async fn files_that_are_not_invoices_are_rejected_with_a_reason() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let id = id_of(
        cx.upload(
            &token,
            ORG1,
            "purchaseInvoice/recognize",
            pdf(4096, "NOT-AN-INVOICE herinnering"),
            None,
        )
        .await,
    )
    .await;
    let multi = id_of(
        cx.upload(
            &token,
            ORG1,
            "salesInvoice/recognize",
            pdf(4096, "MULTIPLE-INVOICES"),
            None,
        )
        .await,
    )
    .await;
    cx.advance(10).await;
    let h = history(&cx, &token, "purchaseInvoice", &id).await;
    assert_eq!(names(&h), ["Pending", "Rejected"]);
    assert!(
        h[1]["description"]
            .as_str()
            .unwrap()
            .contains("Not an invoice")
    );
    let h = history(&cx, &token, "salesInvoice", &multi).await;
    assert!(
        h[1]["description"]
            .as_str()
            .unwrap()
            .contains("multiple documents")
    );
    // A rejected purchase document has no invoice to download.
    let resp = cx
        .get(
            &token,
            &format!("/api/v1/{}/purchaseInvoice/{id}/download", enc(ORG1)),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sending_to_an_unreachable_receiver_fails_and_query_recipient_finds_reachable_ones() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let resp = cx
        .http
        .post(cx.url(&format!(
            "/api/v1/{}/salesInvoice/send?receiverId=NL:KVK:99999999",
            enc(ORG1)
        )))
        .bearer_auth(&token)
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(ubl(2048))),
        )
        .send()
        .await
        .unwrap();
    let id = id_of(resp).await;
    cx.advance(60).await;
    assert_eq!(
        names(&history(&cx, &token, "salesInvoice", &id).await),
        ["Pending", "Validated", "Failed"]
    );

    let q = |ids: Value| {
        cx.http
            .post(cx.url(&format!(
                "/api/v1/{}/salesInvoice/queryRecipientParty",
                enc(ORG1)
            )))
            .bearer_auth(&token)
            .json(&ids)
            .send()
    };
    let resp = q(json!(["NL:KVK:99999999"])).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(resp).await, "API404");
    // A supplier in the sandbox's Peppol directory, and a demo organisation that receives.
    let v: Value = q(json!(["NL:KVK:99999999", "0106:27312152"]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["channel"], "peppol");
    assert_eq!(v["id"], "0106:27312152");
    let v: Value = q(json!([ORG2])).await.unwrap().json().await.unwrap();
    assert_eq!(v["channel"], "econnect");
    assert!(v["description"].is_string());
}

#[tokio::test]
async fn two_hundred_concurrent_uploads_all_succeed() {
    let cx = Arc::new(Ctx::start().await);
    let token = Arc::new(cx.demo().await);
    let mut tasks = Vec::new();
    for n in 0..200 {
        let (cx, token) = (Arc::clone(&cx), Arc::clone(&token));
        tasks.push(tokio::spawn(async move {
            let id = format!("bulk-{n}");
            let resp = cx
                .upload(
                    &token,
                    ORG1,
                    "purchaseInvoice/recognize",
                    pdf(2048, &id),
                    Some(&id),
                )
                .await;
            (resp.status(), id_of(resp).await)
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        let (status, id) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        ids.insert(id);
    }
    assert_eq!(ids.len(), 200);
    let counters = cx.control_get("/_sandbox/counters").await;
    assert_eq!(counters["documentsCreated"][ORG1_NORM], 200);
    assert_eq!(counters["duplicatesRefused"], 0);
    assert!(counters["requests"].as_u64().unwrap() >= 201);
}

#[tokio::test]
async fn sending_to_an_econnect_organisation_lands_with_that_organisation() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let resp = cx
        .http
        .post(cx.url(&format!(
            "/api/v1/{}/salesInvoice/send?receiverId={}",
            enc(ORG3),
            enc(ORG2)
        )))
        .bearer_auth(&token)
        .header("X-EConnect-DocumentId", "intern-1")
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(ubl(3000))),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(resp).await, "intern-1");
    // The receiver's copy is a purchase invoice of ORG2 (announced by hook in real life).
    let xml = cx
        .get(
            &token,
            &format!(
                "/api/v1/{}/purchaseInvoice/intern-1-received/download",
                enc(ORG2)
            ),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(xml.contains("Hoveniersbedrijf Groenrijk"), "{xml}");
    let resp = cx
        .get(
            &token,
            &format!("/api/v1/{}/salesInvoice/intern-1/status", enc(ORG3)),
        )
        .await;
    let h: Value = resp.json().await.unwrap();
    assert_eq!(names(h.as_array().unwrap()), ["Pending"]);
}

#[tokio::test]
async fn seeded_sales_documents_cover_every_status() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let mut statuses = HashSet::new();
    let parties = cx.get_json(&token, "/api/v1/me/party").await;
    for p in parties.as_array().unwrap() {
        let party = p["id"].as_str().unwrap();
        let kvk = party.trim_start_matches("NL:KVK:");
        // The demo seed names its sent documents demo-<kvk>-s1..s6 (no list to find them by).
        for n in 1..=6 {
            let v = cx
                .get_json(
                    &token,
                    &format!("/api/v1/{}/salesInvoice/demo-{kvk}-s{n}/status", enc(party)),
                )
                .await;
            let h = v.as_array().unwrap();
            statuses.insert(names(h).last().unwrap().to_string());
        }
    }
    for s in [
        "Pending",
        "Validated",
        "Routed",
        "Delivered",
        "Rejected",
        "Failed",
    ] {
        assert!(statuses.contains(s), "{s} in {statuses:?}");
    }
}
