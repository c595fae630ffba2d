//! Receiving: the (inferred) list with continuation tokens, download, status, response, delete.

use std::collections::HashSet;

use econnect_api::{DocumentId, InvoiceResponse, PurchaseInvoiceQuery, ResponseStatus};

use crate::common::{Env, STAFF_USER, first_party};

#[tokio::test]
async fn list_shows_received_invoices_and_pages_with_continuation_tokens() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let first = client
        .list_purchase_invoices(&party, &PurchaseInvoiceQuery::default())
        .await
        .expect("list");
    let seeded = first.items.len();
    assert!(seeded >= 1, "the demo seed has received invoices");
    assert!(first.continuation_token.is_none());
    let added = env.add_received(&party).await;
    let page = client
        .list_purchase_invoices(&party, &PurchaseInvoiceQuery::default())
        .await
        .expect("list");
    let item = page
        .items
        .iter()
        .find(|i| i.id == added)
        .expect("new invoice listed");
    assert_eq!(item.invoice_number.as_deref(), Some("F-2026-001"));
    assert_eq!(
        item.amount.as_deref().map(|a| a.parse::<f64>().ok()),
        Some(Some(121.5))
    );
    assert!(item.sender_id.as_ref().is_some_and(|s| s.is_well_formed()));

    for _ in 0..120 {
        env.add_received(&party).await;
    }
    let mut seen = HashSet::new();
    let mut query = PurchaseInvoiceQuery::default();
    let mut pages = 0;
    loop {
        let page = client
            .list_purchase_invoices(&party, &query)
            .await
            .expect("page");
        pages += 1;
        for item in &page.items {
            assert!(seen.insert(item.id.clone()), "item {} twice", item.id);
        }
        match page.continuation_token {
            Some(token) => query.continuation_token = Some(token),
            None => break,
        }
    }
    assert!(pages >= 2);
    assert_eq!(seen.len(), seeded + 121);
}

#[tokio::test]
async fn list_filters_by_status() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let query = PurchaseInvoiceQuery {
        status: Some("Rejected".into()),
        ..Default::default()
    };
    let rejected = client
        .list_purchase_invoices(&party, &query)
        .await
        .expect("list");
    let all = client
        .list_purchase_invoices(&party, &PurchaseInvoiceQuery::default())
        .await
        .expect("list");
    let rejected_ids: HashSet<_> = rejected.items.iter().map(|i| &i.id).collect();
    assert!(all.items.iter().all(|i| !rejected_ids.contains(&i.id)));
}

#[tokio::test]
async fn download_returns_ubl_and_starts_the_retention_clock() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let id = env.add_received(&party).await;
    let xml = client
        .download_purchase_invoice(&party, &id, None)
        .await
        .expect("download");
    let text = String::from_utf8_lossy(&xml);
    assert!(
        text.contains("Invoice") && text.contains("F-2026-001"),
        "{text}"
    );
    let again = client
        .download_purchase_invoice(&party, &id, Some("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"))
        .await
        .expect("download with target format");
    assert!(!again.is_empty());
    env.advance(8 * 86_400).await;
    let err = client
        .download_purchase_invoice(&party, &id, None)
        .await
        .unwrap_err();
    assert!(
        err.is_not_found(),
        "gone 7 days after the first download: {err:?}"
    );
}

#[tokio::test]
async fn purchase_status_response_and_delete() {
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    let id = env.add_received(&party).await;
    let history = client
        .purchase_invoice_status(&party, &id)
        .await
        .expect("status");
    assert!(!history.is_empty());

    let mut response = InvoiceResponse::new(ResponseStatus::AP);
    response.note = Some("Akkoord".into());
    let response_id = DocumentId::new_random();
    let r1 = client
        .respond_to_purchase_invoice(&party, &id, &response, &response_id)
        .await
        .expect("respond");
    assert_eq!(r1.id, response_id.as_str());
    let r2 = client
        .respond_to_purchase_invoice(&party, &id, &response, &response_id)
        .await
        .expect("a repeat (409) is success");
    assert_eq!(r2.id, r1.id);
    assert!(r2.already_there && !r1.already_there);
    assert_eq!(env.counters().await["duplicatesRefused"], 1);

    client
        .delete_purchase_invoice(&party, &id)
        .await
        .expect("delete");
    let page = client
        .list_purchase_invoices(&party, &PurchaseInvoiceQuery::default())
        .await
        .expect("list");
    assert!(page.items.iter().all(|i| i.id != id));
    assert!(
        client
            .delete_purchase_invoice(&party, &id)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn delete_without_the_remove_permission_is_403() {
    let env = Env::demo().await;
    let admin = env.client();
    let party = first_party(&admin).await;
    let id = env.add_received(&party).await;
    // The employee has every permission on the first organisation except removing.
    let err = env
        .client_as(STAFF_USER, "demo")
        .delete_purchase_invoice(&party, &id)
        .await
        .unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
}
