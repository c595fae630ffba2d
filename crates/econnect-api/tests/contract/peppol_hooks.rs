//! Peppol configuration (environment and party), delivery options, hooks.

use econnect_api::endpoints::peppol::can_receive_invoices;
use econnect_api::{Capability, CapabilityState, DeliveryOptionQuery, Hook, PartyId, PeppolConfig};
use serde_json::json;

use crate::common::Env;

#[tokio::test]
async fn environment_peppol_config_get_and_put() {
    let env = Env::demo().await;
    let client = env.client();
    let mut config = client.peppol_config().await.expect("get");
    assert!(config.receives_invoices());
    config.capabilities.orders = Some(Capability::new(CapabilityState::On));
    let saved = client.put_peppol_config(&config).await.expect("put");
    assert_eq!(
        saved.capabilities.orders.map(|c| c.state),
        Some(CapabilityState::On)
    );
    let reread = client.peppol_config().await.expect("get again");
    assert_eq!(
        reread.capabilities.orders.map(|c| c.state),
        Some(CapabilityState::On)
    );
}

#[tokio::test]
async fn party_registration_404_is_none_then_register_and_deregister() {
    let env = Env::demo().await;
    let client = env.client();
    let parties = client.my_parties().await.expect("parties");
    // The demo seed registers organisations 0, 1, 3, 6, 9; number 2 is not registered.
    let registered = &parties
        .iter()
        .find(|p| p.id == PartyId::new("NL:KVK:30187412"))
        .expect("seeded")
        .id;
    let config = client
        .peppol_party_config(registered)
        .await
        .expect("get")
        .expect("registered");
    assert!(config.receives_invoices());
    assert!(config.created_on.is_some());

    let unregistered = PartyId::new("0106:56012934");
    assert_eq!(
        client
            .peppol_party_config(&unregistered)
            .await
            .expect("get"),
        None
    );
    let mut wanted = PeppolConfig::default();
    wanted.capabilities.invoices = Some(Capability::new(CapabilityState::On));
    let saved = client
        .put_peppol_party_config(&unregistered, &wanted)
        .await
        .expect("register");
    assert!(saved.receives_invoices());
    assert!(
        client
            .peppol_party_config(&unregistered)
            .await
            .expect("get")
            .is_some_and(|c| c.receives_invoices())
    );
    client
        .delete_peppol_party_config(&unregistered)
        .await
        .expect("deregister");
    assert_eq!(
        client
            .peppol_party_config(&unregistered)
            .await
            .expect("get"),
        None
    );
}

#[tokio::test]
async fn delivery_options_are_public_and_in_the_documented_shape() {
    let env = Env::demo().await;
    let client = env.client();
    let supplier = PartyId::new("NL:KVK:27312152");
    let unknown = PartyId::new("NL:KVK:00000000");
    let options = client
        .delivery_options(&DeliveryOptionQuery::invoices(&[
            supplier.clone(),
            unknown.clone(),
        ]))
        .await
        .expect("look-up");
    assert!(!options.is_empty());
    assert!(
        options.iter().all(|o| o.party_id == supplier),
        "{options:?}"
    );
    assert!(options.iter().all(|o| o.is_invoice()));
    let first = &options[0];
    assert_eq!(first.protocol.as_deref(), Some("As4"));
    assert!(
        first
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert!(first.certificate.is_some());
    assert!(
        first
            .process_id
            .as_ref()
            .and_then(|p| p.as_text())
            .is_some()
    );
    assert!(can_receive_invoices(&options, &supplier));
    assert!(!can_receive_invoices(&options, &unknown));
    assert!(
        client
            .receives_invoices_over_peppol(&supplier)
            .await
            .expect("look-up")
    );
    assert!(
        !client
            .receives_invoices_over_peppol(&unknown)
            .await
            .expect("look-up")
    );

    let requests = env.requests().await;
    assert!(
        requests.iter().all(|r| r["path"] != "/connect/token"),
        "no token for a public call"
    );
    let call = requests
        .iter()
        .find(|r| r["path"] == "/api/v1/peppol/deliveryOption")
        .expect("recorded");
    assert!(call["headers"].get("authorization").is_none());
    assert_eq!(
        call["query"],
        "partyIds=0106%3A27312152&partyIds=0106%3A00000000&documentFamily=Invoice&isCredit=false"
    );
}

#[tokio::test]
async fn delivery_options_of_a_party_that_cannot_receive_are_an_empty_list() {
    let env = Env::demo().await;
    let client = env.client();
    // Organisation 3 of the demo seed is not registered for receiving.
    let options = client
        .delivery_options(&DeliveryOptionQuery::parties(&[PartyId::new(
            "NL:KVK:56012934",
        )]))
        .await
        .expect("look-up");
    assert_eq!(options, vec![]);
}

#[tokio::test]
async fn a_hook_read_and_put_back_keeps_every_field() {
    let env = Env::demo().await;
    let client = env.client();
    let mut init = serde_json::Map::new();
    init.insert("lastRun".into(), json!({ "at": "2026-01-01" }));
    let mut hook = Hook::new(
        "boekhouding",
        "https://boekhouding.example/hook#geheim",
        &["*Received", "InvoiceSentError"],
    );
    hook.publish_topics = Some(vec!["*Received".into()]);
    hook.filter = Some("documentType eq 'Invoice'".into());
    hook.init = Some(init);
    hook.extra
        .insert("vendorSetting".into(), json!({ "level": 3 }));
    let created = client.put_hook(&hook).await.expect("create");
    let id = created.id.clone().expect("id assigned by the platform");
    assert!(created.created_on.is_some() && created.changed_on.is_some());

    let mut read = client
        .hooks()
        .await
        .expect("list")
        .into_iter()
        .find(|h| h.id.as_deref() == Some(&id))
        .expect("listed");
    assert_eq!(read.publish_topics, hook.publish_topics);
    assert_eq!(read.filter, hook.filter);
    assert_eq!(read.init, hook.init);
    assert_eq!(
        read.extra.get("vendorSetting"),
        Some(&json!({ "level": 3 }))
    );

    // Update only the name: everything else survives the PUT.
    read.name = "boekhouding (nieuw)".into();
    let updated = client.put_hook(&read).await.expect("update");
    assert_eq!(updated.id.as_deref(), Some(id.as_str()));
    let reread = client
        .hooks()
        .await
        .expect("list")
        .into_iter()
        .find(|h| h.id.as_deref() == Some(&id))
        .expect("listed");
    assert_eq!(reread.name, "boekhouding (nieuw)");
    assert_eq!(reread.topics, hook.topics);
    assert_eq!(reread.publish_topics, hook.publish_topics);
    assert_eq!(reread.filter, hook.filter);
    assert_eq!(reread.init, hook.init);
    assert_eq!(
        reread.extra.get("vendorSetting"),
        Some(&json!({ "level": 3 }))
    );
    assert_eq!(reread.created_on, created.created_on);
    assert!(reread.is_active);

    client.delete_hook(&id).await.expect("delete");
    assert!(
        client
            .hooks()
            .await
            .expect("list")
            .iter()
            .all(|h| h.id.as_deref() != Some(&id))
    );
}

#[tokio::test]
async fn party_hooks_put_list_ping_delete() {
    let env = Env::demo().await;
    let client = env.client();
    let party = client.my_parties().await.expect("parties")[0].id.clone();
    let hook = Hook::new(
        "mail",
        "mailto:boekhouding@voorbeeld.nl",
        &["InvoiceSent", "InvoiceSentError"],
    );
    let saved = client.put_party_hook(&party, &hook).await.expect("put");
    assert_eq!(saved.action, hook.action);
    let id = saved.id.clone().expect("id");
    let hooks = client.party_hooks(&party).await.expect("list");
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].topics, hook.topics);
    let ping = client.ping_party_hook(&party).await.expect("ping");
    assert_eq!(ping.id.as_deref().map(PartyId::new), Some(party.clone()));
    let bad = Hook {
        action: "ftp://nope".into(),
        ..hook
    };
    let err = client.put_party_hook(&party, &bad).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    // A party's hook is not an environment hook.
    let err = client.delete_hook(&id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    client.delete_party_hook(&party, &id).await.expect("delete");
    assert!(client.party_hooks(&party).await.expect("list").is_empty());
}
