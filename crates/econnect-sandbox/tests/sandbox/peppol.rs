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
    assert_eq!(v[0]["channel"], "none");

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

    // Public look-up, no token, comma-separated ids.
    let q = format!(
        "/api/v1/peppol/deliveryOption?partyIds={},0106:27312152,0106:11111111",
        enc(ORG3)
    );
    let resp = cx.http.get(cx.url(&q)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v[0]["channel"], "econnect");
    assert_eq!(v[1]["channel"], "peppol");
    assert_eq!(v[2]["channel"], "none");

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
