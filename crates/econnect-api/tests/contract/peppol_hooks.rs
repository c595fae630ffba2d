//! Peppol configuration (environment and party), delivery options, hooks.

use econnect_api::{Capability, CapabilityState, Hook, PartyId, PeppolConfig};

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
async fn delivery_options_are_public() {
    let env = Env::demo().await;
    let client = env.client();
    let options = client
        .delivery_options(&[
            PartyId::new("NL:KVK:27312152"),
            PartyId::new("NL:KVK:00000000"),
        ])
        .await
        .expect("look-up");
    assert_eq!(options.len(), 2);
    assert_eq!(options[0].id, Some(PartyId::new("0106:27312152")));
    assert_eq!(options[0].channel.as_deref(), Some("peppol"));
    assert_eq!(options[1].channel.as_deref(), Some("none"));
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
        "partyIds=0106%3A27312152&partyIds=0106%3A00000000"
    );
}

#[tokio::test]
async fn environment_hooks_put_list_delete() {
    let env = Env::demo().await;
    let client = env.client();
    let hook = Hook {
        id: None,
        name: "boekhouding".into(),
        action: "https://boekhouding.example/hook#geheim".into(),
        topics: vec!["InvoiceReceived".into()],
        is_active: true,
    };
    let saved = client.put_hook(&hook).await.expect("put");
    let id = saved.id.clone().expect("id assigned");
    assert!(
        client
            .hooks()
            .await
            .expect("list")
            .iter()
            .any(|h| h.id.as_deref() == Some(&id))
    );
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
async fn party_hooks_put_list_ping() {
    let env = Env::demo().await;
    let client = env.client();
    let party = client.my_parties().await.expect("parties")[0].id.clone();
    let hook = Hook {
        id: None,
        name: "mail".into(),
        action: "mailto:boekhouding@voorbeeld.nl".into(),
        topics: vec!["InvoiceSent".into(), "InvoiceSentError".into()],
        is_active: true,
    };
    let saved = client.put_party_hook(&party, &hook).await.expect("put");
    assert_eq!(saved.action, hook.action);
    let hooks = client.party_hooks(&party).await.expect("list");
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].topics, hook.topics);
    client.ping_party_hook(&party).await.expect("ping");
    let bad = Hook {
        action: "ftp://nope".into(),
        ..hook
    };
    let err = client.put_party_hook(&party, &bad).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
}
