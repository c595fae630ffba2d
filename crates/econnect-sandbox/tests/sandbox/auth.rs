use econnect_sandbox::{CLIENT_ID, CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER};
use reqwest::StatusCode;
use serde_json::Value;

use super::common::*;

#[tokio::test]
async fn password_grant_gives_a_bearer_token() {
    let cx = Ctx::start().await;
    let resp = cx
        .token_response(&[
            ("grant_type", "password"),
            ("username", DEMO_USER),
            ("password", DEMO_PASSWORD),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "ap"),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["token_type"], "Bearer");
    let token = v["access_token"].as_str().unwrap();
    let me = cx.get_json(token, "/api/v1/me").await;
    assert_eq!(me["name"], DEMO_USER);
}

#[tokio::test]
async fn client_credentials_grant_acts_as_the_environment_owner() {
    let cx = Ctx::start().await;
    let resp = cx
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "ap"),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    let me = cx
        .get_json(v["access_token"].as_str().unwrap(), "/api/v1/me")
        .await;
    assert_eq!(me["name"], DEMO_USER);
}

#[tokio::test]
async fn wrong_password_locked_user_and_unknown_client_are_refused() {
    let cx = Ctx::start().await;
    let base = |user: &'static str, pw: &'static str, secret: &'static str| {
        [
            ("grant_type", "password"),
            ("username", user),
            ("password", pw),
            ("client_id", CLIENT_ID),
            ("client_secret", secret),
            ("scope", "ap"),
        ]
    };
    let resp = cx
        .token_response(&base(DEMO_USER, "fout", CLIENT_SECRET))
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "invalid_grant");

    let resp = cx
        .token_response(&base(LOCKED, DEMO_PASSWORD, CLIENT_SECRET))
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "invalid_grant");
    assert_eq!(v["error_description"], "user is locked out");

    let resp = cx
        .token_response(&base(DEMO_USER, DEMO_PASSWORD, "wrong"))
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "invalid_client");

    let resp = cx
        .token_response(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn missing_bad_and_expired_tokens_get_401_with_the_error_body() {
    let cx = Ctx::start().await;
    let resp = cx.http.get(cx.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "API401");
    for key in ["message", "helpLink", "requestId", "dateTime"] {
        assert!(v[key].is_string(), "{key} in {v}");
    }
    assert_eq!(
        cx.get("nonsense", "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let token = cx.demo().await;
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    cx.advance(3599).await;
    assert_eq!(cx.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    cx.advance(2).await;
    let resp = cx.get(&token, "/api/v1/me").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(code(resp).await, "API401");
}

#[tokio::test]
async fn me_party_lists_organisations_with_five_permissions() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let parties = cx.get_json(&token, "/api/v1/me/party").await;
    let list = parties.as_array().unwrap();
    assert_eq!(list.len(), 12);
    let first = list.iter().find(|p| p["id"] == ORG1).expect("ORG1 listed");
    assert_eq!(first["name"], "Bakkerij De Gouden Korenaar B.V.");
    let perms = first["permissions"].as_object().unwrap();
    for key in [
        "canSendDocument",
        "canReceiveDocument",
        "canRemoveDocument",
        "canManageHook",
        "canChangeDocumentStatus",
    ] {
        assert_eq!(perms[key], true, "{key}");
    }
    for p in list {
        let id = p["id"].as_str().unwrap();
        let kvk = id.strip_prefix("NL:KVK:").expect("KvK party id");
        assert!(
            kvk.len() == 8 && kvk.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
    }

    let staff = cx.token(STAFF, "demo").await;
    let mine = cx.get_json(&staff, "/api/v1/me/party").await;
    assert_eq!(mine.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn empty_seed_has_the_demo_user_and_one_organisation() {
    let cx = Ctx::with_seed(econnect_sandbox::Seed::Empty).await;
    let token = cx.demo().await;
    let parties = cx.get_json(&token, "/api/v1/me/party").await;
    assert_eq!(parties.as_array().unwrap().len(), 1);
    let resp = cx.token_response(&[
        ("grant_type", "password"),
        ("username", STAFF),
        ("password", "demo"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ]);
    assert_eq!(resp.await.status(), StatusCode::BAD_REQUEST);
    // No seeded documents: the demo's first received invoice is unknown here.
    let resp = cx
        .get(
            &token,
            &format!(
                "/api/v1/{}/purchaseInvoice/demo-30187412-r1/status",
                enc(ORG1)
            ),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn non_admins_and_missing_permissions_get_403() {
    let cx = Ctx::start().await;
    let staff = cx.token(STAFF, "demo").await;
    let resp = cx.get(&staff, "/api/v1/user").await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(code(resp).await, "API403");

    // No access at all to ORG4.
    let resp = cx
        .get(
            &staff,
            &format!(
                "/api/v1/{}/purchaseInvoice/demo-34298851-r1/status",
                enc(ORG4)
            ),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(code(resp).await, "API403");
    // ORG2: receive only — a received invoice's status works, sending does not.
    let resp = cx
        .get(
            &staff,
            &format!(
                "/api/v1/{}/purchaseInvoice/demo-24356718-r1/status",
                enc(ORG2)
            ),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = cx
        .upload(
            &staff,
            ORG2,
            "salesInvoice/recognize",
            pdf(2048, "factuur"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(code(resp).await, "API403");
    // ORG3: send only — receiving is refused, sending works.
    let resp = cx
        .upload(
            &staff,
            ORG3,
            "purchaseInvoice/recognize",
            pdf(2048, "factuur"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = cx
        .upload(
            &staff,
            ORG3,
            "salesInvoice/recognize",
            pdf(2048, "factuur"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // ORG1: everything but removing.
    let resp = cx
        .http
        .delete(cx.url(&format!(
            "/api/v1/{}/purchaseInvoice/demo-30187412-r1",
            enc(ORG1)
        )))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Hooks need canManageHook.
    let resp = cx.get(&staff, &format!("/api/v1/{}/hook", enc(ORG2))).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn party_id_spellings_are_equal_in_paths() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let mut seen = Vec::new();
    for spelling in [
        "NL:KVK:30187412",
        "0106:30187412",
        "iso6523-actorid-upis::0106:30187412",
    ] {
        let v = cx
            .get_json(
                &token,
                &format!(
                    "/api/v1/{}/purchaseInvoice/demo-30187412-r1/status",
                    enc(spelling)
                ),
            )
            .await;
        seen.push(v);
    }
    assert_eq!(seen[0].as_array().unwrap().len(), 3);
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1], seen[2]);
    // Unencoded colons work too.
    let v = cx
        .get_json(
            &token,
            "/api/v1/0106:30187412/purchaseInvoice/demo-30187412-r1/status",
        )
        .await;
    assert_eq!(v, seen[0]);
}

#[tokio::test]
async fn client_credentials_may_come_in_a_basic_header() {
    let cx = Ctx::start().await;
    let resp = cx
        .http
        .post(cx.url("/connect/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "ap")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = cx
        .http
        .post(cx.url("/connect/token"))
        .basic_auth(CLIENT_ID, Some("fout"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = cx
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "openid"),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "invalid_scope");
}
