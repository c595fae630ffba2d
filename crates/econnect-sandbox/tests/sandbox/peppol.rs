use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

#[tokio::test]
async fn party_registration_is_off_by_default_and_can_be_switched() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    // ORG3 is not registered in the demo seed.
    let path = format!("/api/v1/peppol/config/party/{}", enc(ORG3));
    let resp = cx.get(&token, &path).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(resp).await, "API404");
    let q = format!("/api/v1/peppol/deliveryOption?partyIds={}", enc(ORG3));
    let v: Value = cx
        .http
        .get(cx.url(&q))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v,
        json!([]),
        "a party that cannot receive has no delivery options"
    );

    let resp = cx
        .http
        .put(cx.url(&path))
        .bearer_auth(&token)
        .json(&json!({ "capabilities": { "invoices": { "state": "on" } }, "businessCard": { "name": "Hoveniersbedrijf Groenrijk" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cfg: Value = resp.json().await.unwrap();
    assert_eq!(cfg["id"], ORG3);
    assert_eq!(cfg["capabilities"]["invoices"]["state"], "on");
    assert_eq!(cfg["capabilities"]["orders"]["state"], "inherited => off");
    assert!(cfg["createdOn"].is_string() && cfg["changedOn"].is_string());
    let got = cx.get_json(&token, &path).await;
    assert_eq!(got["capabilities"], cfg["capabilities"]);

    // Public look-up, no token, `partyIds` repeated; invoices only.
    let q = format!(
        "/api/v1/peppol/deliveryOption?partyIds={}&partyIds=0106:27312152&partyIds=0106:11111111&documentFamily=Invoice&isCredit=False",
        enc(ORG3)
    );
    let resp = cx.http.get(cx.url(&q)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    let options = v.as_array().unwrap();
    let of = |party: &str| options.iter().filter(|o| o["partyId"] == party).count();
    assert!(of(ORG3) >= 1, "{v}");
    assert!(of("NL:KVK:27312152") >= 1, "{v}");
    assert_eq!(of("NL:KVK:11111111"), 0);
    for o in options {
        let keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 6, "documented fields only: {keys:?}");
        for key in [
            "partyId",
            "documentTypeId",
            "processId",
            "protocol",
            "url",
            "certificate",
        ] {
            assert!(o[key].is_string(), "{key} in {o}");
        }
        assert!(
            o["documentTypeId"]
                .as_str()
                .unwrap()
                .contains("::Invoice##")
        );
        assert_eq!(o["protocol"], "As4");
    }
    // One document type asked for: only that one.
    let bis = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1";
    let q = format!(
        "/api/v1/peppol/deliveryOption?partyIds={}&documentTypeIds={}",
        enc(ORG3),
        url_encode(bis)
    );
    let v: Value = cx
        .http
        .get(cx.url(&q))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["documentTypeId"], bis);
    // Without partyIds the look-up is a bad request.
    let resp = cx
        .http
        .get(cx.url("/api/v1/peppol/deliveryOption"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let resp = cx
        .http
        .put(cx.url(&path))
        .bearer_auth(&token)
        .json(&json!({ "capabilities": { "invoices": { "state": "maybe" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let resp = cx
        .http
        .delete(cx.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(cx.get(&token, &path).await.status(), StatusCode::NOT_FOUND);

    // The employee may read ORG2's config but not change ORG3's (send-only there).
    let staff = cx.token(STAFF, "demo").await;
    assert_eq!(
        cx.get(
            &staff,
            &format!("/api/v1/peppol/config/party/{}", enc(ORG2))
        )
        .await
        .status(),
        StatusCode::OK
    );
    let resp = cx
        .http
        .put(cx.url(&path))
        .bearer_auth(&staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn environment_defaults_are_read_by_all_and_changed_by_admins() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let env = cx.get_json(&token, "/api/v1/peppol/config").await;
    assert_eq!(env["capabilities"]["invoices"]["state"], "on");
    let resp = cx
        .http
        .put(cx.url("/api/v1/peppol/config"))
        .bearer_auth(&token)
        .json(&json!({ "capabilities": { "orders": { "state": "on" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let env: Value = resp.json().await.unwrap();
    assert_eq!(env["capabilities"]["orders"]["state"], "on");
    // A new registration inherits the new default.
    let path = format!("/api/v1/peppol/config/party/{}", enc(ORG3));
    let cfg: Value = cx
        .http
        .put(cx.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["capabilities"]["orders"]["state"], "inherited => on");

    let staff = cx.token(STAFF, "demo").await;
    assert_eq!(
        cx.get(&staff, "/api/v1/peppol/config").await.status(),
        StatusCode::OK
    );
    let resp = cx
        .http
        .put(cx.url("/api/v1/peppol/config"))
        .bearer_auth(&staff)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
