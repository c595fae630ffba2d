//! A sales invoice sent as UBL from this computer shows its customer and amount in
//! Documenten: the engine reads them from the sent file once the platform accepted it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use econnect_engine::DocumentQuery;
use econnect_engine::intake::{Direction, samples};
use econnect_engine::outbox::Outbox;
use econnect_sandbox::Seed;

const PARTY: &str = "NL:KVK:30187412";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_ubl_invoice_gets_its_customer_and_amount_from_its_file() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();

    let file = dir.path().join("verkoop F-7788.xml");
    std::fs::write(&file, samples::ubl_invoice("F-7788", true)).unwrap();
    let outbox: &Outbox = engine.outbox();
    outbox
        .submit(&engine, PARTY, Direction::Sales, vec![file], false)
        .await
        .unwrap();

    let filled = eventually(Duration::from_secs(30), || async {
        let page = engine
            .documents(DocumentQuery {
                search: Some("F-7788".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        page.rows.first().is_some_and(|r| {
            r.counterparty_name.as_deref() == Some("Klant B.V.")
                && r.amount.as_deref() == Some("121.00")
                && r.counterparty_id.as_deref() == Some("0106:24356718")
        })
    })
    .await;
    assert!(
        filled,
        "the sent document shows the customer and amount of its file"
    );
    let totals = engine
        .documents(DocumentQuery {
            search: Some("F-7788".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .totals;
    assert_eq!(totals[0].amount, "121.00");
}
