//! Receiving: no list (the platform has none), download, status, response, delete.

use econnect_api::{DocumentId, InvoiceResponse, ResponseStatus};

use crate::common::{Env, STAFF_USER, first_party};

#[tokio::test]
async fn the_platform_has_no_document_lists() {
    // [C] no list call exists; the sandbox answers the old invented paths like any unknown path.
    let env = Env::demo().await;
    let client = env.client();
    let party = first_party(&client).await;
    for kind in ["purchaseInvoice", "salesInvoice"] {
        let url = env
            .base
            .join(&format!("/api/v1/{}/{kind}", party.to_path_segment()))
            .unwrap();
        let status = env.http.get(url).send().await.unwrap().status();
        assert_eq!(status.as_u16(), 404, "{kind}");
    }
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
    assert!(
        client
            .purchase_invoice_status(&party, &id)
            .await
            .unwrap_err()
            .is_not_found()
    );
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
