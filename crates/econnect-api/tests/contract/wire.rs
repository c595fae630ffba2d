//! What goes over the wire: paths, headers and multipart part names, as the sandbox recorded them.

use econnect_api::{DocumentId, PartyId, SendOptions, Upload};
use serde_json::Value;

use crate::common::Env;

fn find<'a>(requests: &'a [Value], method: &str, path_part: &str) -> &'a Value {
    requests
        .iter()
        .find(|r| {
            r["method"] == method && r["path"].as_str().is_some_and(|p| p.contains(path_part))
        })
        .unwrap_or_else(|| panic!("no {method} …{path_part} in {requests:#?}"))
}

#[tokio::test]
async fn uploads_send_bearer_document_id_and_one_part_named_file() {
    let env = Env::demo().await;
    let client = env.client();
    let party = PartyId::new("NL:KVK:30187412");
    let id = DocumentId::new_random();
    client
        .recognize_purchase_invoice(
            &party,
            &Upload::from_path(env.pdf("a.pdf", 5000, "factuur")),
            &id,
            None,
        )
        .await
        .expect("recognize");
    let sales_id = DocumentId::new_random();
    let options = SendOptions {
        receiver_id: Some(PartyId::new("NL:KVK:27312152")),
        channel: Some("peppol".into()),
    };
    client
        .send_sales_invoice(
            &party,
            &Upload::from_path(env.ubl("b.xml")),
            &sales_id,
            &options,
        )
        .await
        .expect("send");
    let requests = env.requests().await;

    let token = find(&requests, "POST", "/connect/token");
    assert!(
        token["headers"]["content-type"]
            .as_str()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    );

    let upload = find(&requests, "POST", "/purchaseInvoice/recognize");
    assert_eq!(
        upload["path"],
        "/api/v1/0106%3A30187412/purchaseInvoice/recognize"
    );
    assert_eq!(upload["headers"]["authorization"], "Bearer …");
    assert_eq!(upload["headers"]["x-econnect-documentid"], id.as_str());
    assert_eq!(upload["multipartParts"], serde_json::json!(["file"]));
    assert!(
        upload["headers"]["content-type"]
            .as_str()
            .is_some_and(|c| c.starts_with("multipart/form-data"))
    );
    assert!(
        upload["headers"].get("content-length").is_some(),
        "streamed with a known length"
    );
    assert!(upload["headers"].get("subscription-key").is_none());
    assert!(upload["headers"].get("x-econnect-domainid").is_none());

    let send = find(&requests, "POST", "/salesInvoice/send");
    assert_eq!(send["path"], "/api/v1/0106%3A30187412/salesInvoice/send");
    assert_eq!(send["query"], "receiverId=0106%3A27312152&channel=peppol");
    assert_eq!(send["headers"]["x-econnect-documentid"], sales_id.as_str());
    assert_eq!(send["multipartParts"], serde_json::json!(["file"]));
}

#[tokio::test]
async fn optional_headers_are_sent_when_configured_on_every_api_call() {
    let env = Env::demo().await;
    let config = env
        .config_for(econnect_sandbox::DEMO_USER, econnect_sandbox::DEMO_PASSWORD)
        .with_subscription_key("sleutel-123")
        .with_domain_id("omgeving-7");
    let client = env.client_with(config);
    client.me().await.expect("me");
    client.my_parties().await.expect("parties");
    let requests = env.requests().await;
    let api: Vec<&Value> = requests
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/api/")))
        .collect();
    assert_eq!(api.len(), 2);
    for r in api {
        assert_eq!(r["headers"]["subscription-key"], "sleutel-123");
        assert_eq!(r["headers"]["x-econnect-domainid"], "omgeving-7");
        assert_eq!(r["headers"]["authorization"], "Bearer …");
        assert!(
            r["headers"].get("x-econnect-documentid").is_none(),
            "only on creating POSTs"
        );
    }
}

#[tokio::test]
async fn paths_follow_the_contract() {
    let env = Env::demo().await;
    let client = env.client();
    let party = PartyId::new("iso6523-actorid-upis::0106:30187412");
    client.me().await.expect("me");
    client.my_parties().await.expect("me/party");
    client.users().await.expect("users");
    client
        .user_parties("medewerker@voorbeeld.nl")
        .await
        .expect("user parties");
    client.peppol_config().await.expect("peppol env");
    client
        .peppol_party_config(&party)
        .await
        .expect("peppol party");
    client.party_hooks(&party).await.expect("party hooks");
    client.hooks().await.expect("env hooks");
    let _ = client
        .purchase_invoice_status(&party, "demo-30187412-r1")
        .await;
    let paths: Vec<String> = env
        .requests()
        .await
        .iter()
        .filter(|r| r["path"] != "/connect/token")
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        paths,
        vec![
            "GET /api/v1/me",
            "GET /api/v1/me/party",
            "GET /api/v1/user",
            "GET /api/v1/user/medewerker%40voorbeeld.nl/party",
            "GET /api/v1/peppol/config",
            "GET /api/v1/peppol/config/party/0106%3A30187412",
            "GET /api/v1/0106%3A30187412/hook",
            "GET /api/v1/hook",
            "GET /api/v1/0106%3A30187412/purchaseInvoice/demo-30187412-r1/status",
        ]
    );
}

#[tokio::test]
async fn write_paths_and_queries_follow_the_contract() {
    use econnect_api::{
        Capability, CapabilityState, Hook, InvoiceResponse, PeppolConfig, ResponseStatus, Role,
        UserParty,
    };

    let env = Env::demo().await;
    let client = env.client();
    let party = PartyId::new("NL:KVK:30187412");
    let other = PartyId::new("NL:KVK:56012934");
    client
        .put_user("nieuw@voorbeeld.nl", "Geheim-1")
        .await
        .expect("put user");
    let grant = UserParty {
        id: party.clone(),
        name: String::new(),
        permissions: Role::Advanced.permissions(),
    };
    client
        .put_user_party("nieuw@voorbeeld.nl", &grant)
        .await
        .expect("grant");
    client
        .delete_user_party("nieuw@voorbeeld.nl", &party)
        .await
        .expect("revoke");
    client
        .delete_user("nieuw@voorbeeld.nl")
        .await
        .expect("delete user");
    let env_config = client.peppol_config().await.expect("env config");
    client
        .put_peppol_config(&env_config)
        .await
        .expect("put env config");
    let mut reg = PeppolConfig::default();
    reg.capabilities.invoices = Some(Capability::new(CapabilityState::On));
    client
        .put_peppol_party_config(&other, &reg)
        .await
        .expect("register");
    client
        .delete_peppol_party_config(&other)
        .await
        .expect("deregister");
    client
        .query_recipient_party(&party, &[PartyId::new("NL:KVK:27312152")])
        .await
        .expect("query");
    let received = env.add_received(&party).await;
    client
        .download_purchase_invoice(&party, &received, Some("urn:x"))
        .await
        .expect("download");
    let response_id = DocumentId::new_random();
    client
        .respond_to_purchase_invoice(
            &party,
            &received,
            &InvoiceResponse::new(ResponseStatus::AB),
            &response_id,
        )
        .await
        .expect("respond");
    client
        .delete_purchase_invoice(&party, &received)
        .await
        .expect("delete");
    let hook = Hook::new("h", "mailto:a@b.nl", &[]);
    let env_hook = client.put_hook(&hook).await.expect("put hook");
    let env_hook_id = env_hook.id.expect("id assigned");
    client.delete_hook(&env_hook_id).await.expect("delete hook");
    let party_hook = client
        .put_party_hook(&party, &hook)
        .await
        .expect("put party hook");
    let party_hook_id = party_hook.id.expect("id assigned");
    client.ping_party_hook(&party).await.expect("ping");
    client
        .delete_party_hook(&party, &party_hook_id)
        .await
        .expect("delete party hook");

    let requests = env.requests().await;
    let lines: Vec<String> = requests
        .iter()
        .filter(|r| r["path"] != "/connect/token")
        .map(|r| {
            let query = r["query"]
                .as_str()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            format!(
                "{} {}{query}",
                r["method"].as_str().unwrap_or(""),
                r["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    let doc = &received;
    let expected = vec![
        "PUT /api/v1/user".to_string(),
        "PUT /api/v1/user/nieuw%40voorbeeld.nl/party".into(),
        "DELETE /api/v1/user/nieuw%40voorbeeld.nl/party/0106%3A30187412".into(),
        "DELETE /api/v1/user/nieuw%40voorbeeld.nl".into(),
        "GET /api/v1/peppol/config".into(),
        "PUT /api/v1/peppol/config".into(),
        "PUT /api/v1/peppol/config/party/0106%3A56012934".into(),
        "DELETE /api/v1/peppol/config/party/0106%3A56012934".into(),
        "POST /api/v1/0106%3A30187412/salesInvoice/queryRecipientParty".into(),
        format!("GET /api/v1/0106%3A30187412/purchaseInvoice/{doc}/download?targetFormat=urn%3Ax"),
        format!("POST /api/v1/0106%3A30187412/purchaseInvoice/{doc}/response"),
        format!("DELETE /api/v1/0106%3A30187412/purchaseInvoice/{doc}"),
        "PUT /api/v1/hook".into(),
        format!("DELETE /api/v1/hook/{env_hook_id}"),
        "PUT /api/v1/0106%3A30187412/hook".into(),
        "GET /api/v1/0106%3A30187412/hook/ping".into(),
        format!("DELETE /api/v1/0106%3A30187412/hook/{party_hook_id}"),
    ];
    assert_eq!(lines, expected);
    let respond = requests
        .iter()
        .find(|r| r["path"].as_str().is_some_and(|p| p.ends_with("/response")))
        .expect("response");
    assert_eq!(
        respond["headers"]["x-econnect-documentid"],
        response_id.as_str()
    );
    assert!(
        respond["headers"]["content-type"]
            .as_str()
            .is_some_and(|c| c.starts_with("application/json"))
    );
}
