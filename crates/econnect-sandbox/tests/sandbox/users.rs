use reqwest::StatusCode;
use serde_json::{Value, json};

use super::common::*;

#[tokio::test]
async fn administrators_manage_users_and_their_parties() {
    let cx = Ctx::start().await;
    let token = cx.demo().await;
    let users = cx.get_json(&token, "/api/v1/user").await;
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&STAFF));
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u.get("password").is_none())
    );

    let put = |body: Value| {
        cx.http
            .put(cx.url("/api/v1/user"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let resp = put(json!({ "name": "nieuw@voorbeeld.nl", "password": "welkom" }))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["name"], "nieuw@voorbeeld.nl");
    assert_eq!(
        put(json!({ "name": "geen-adres", "password": "x" }))
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );

    // The new user has no organisations until given one; a new party id creates it.
    let fresh = cx.token("nieuw@voorbeeld.nl", "welkom").await;
    assert_eq!(
        cx.get_json(&fresh, "/api/v1/me/party")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let up = json!({
        "id": "0106:44556677",
        "name": "Pop-up Winkel De Hoek",
        "permissions": { "canSendDocument": true, "canReceiveDocument": true, "canRemoveDocument": false, "canManageHook": false, "canChangeDocumentStatus": false }
    });
    let resp = cx
        .http
        .put(cx.url("/api/v1/user/nieuw@voorbeeld.nl/party"))
        .bearer_auth(&token)
        .json(&up)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["id"], "NL:KVK:44556677");
    assert_eq!(v["permissions"]["canRemoveDocument"], false);
    let mine = cx.get_json(&fresh, "/api/v1/me/party").await;
    assert_eq!(mine[0]["name"], "Pop-up Winkel De Hoek");
    let theirs = cx
        .get_json(&token, "/api/v1/user/nieuw@voorbeeld.nl/party")
        .await;
    assert_eq!(theirs, mine);
    // Access is enforced on the party's paths right away.
    let resp = cx
        .upload(
            &fresh,
            "NL:KVK:44556677",
            "salesInvoice/recognize",
            pdf(2048, "f"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);

    let resp = cx
        .http
        .delete(cx.url("/api/v1/user/nieuw@voorbeeld.nl/party/NL%3AKVK%3A44556677"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = cx
        .upload(
            &fresh,
            "NL:KVK:44556677",
            "salesInvoice/recognize",
            pdf(2048, "f"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let resp = cx
        .http
        .delete(cx.url("/api/v1/user/nieuw@voorbeeld.nl"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), 0);
    assert_eq!(
        cx.get(&fresh, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let resp = cx
        .http
        .delete(cx.url("/api/v1/user/nieuw@voorbeeld.nl"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn non_admins_cannot_touch_users() {
    let cx = Ctx::start().await;
    let staff = cx.token(STAFF, "demo").await;
    let resp = cx
        .http
        .put(cx.url("/api/v1/user"))
        .bearer_auth(&staff)
        .json(&json!({ "name": "x@voorbeeld.nl", "password": "p" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(code(resp).await, "API403");
    let resp = cx.get(&staff, &format!("/api/v1/user/{STAFF}/party")).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = cx
        .http
        .delete(cx.url("/api/v1/user/demo@voorbeeld.nl"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_paths_answer_the_error_json() {
    let cx = Ctx::start().await;
    let resp = cx
        .http
        .get(cx.url("/api/v1/nothing/here/at/all"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(code(resp).await, "API404");
    let resp = cx
        .http
        .get(cx.url("/api/v1/NL%3AKVK%3A30187412/salesInvoice/send"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(code(resp).await, "API405");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let cx = Ctx::start().await;
    let url = cx.url("/api/v1/me");
    let http = cx.http.clone();
    cx.sb.shutdown().await;
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(fresh.get(&url).send().await.is_err());
    drop(http);
}
