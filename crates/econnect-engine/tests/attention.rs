//! The overview of what needs attention, from a signed-in engine: every organisation in the
//! cache, the one with a rejection first, and the periods the counts cover.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use econnect_engine::ErrorCode;
use econnect_sandbox::Seed;

#[tokio::test]
async fn the_overview_counts_every_organisation_worst_first() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    assert_eq!(
        engine.attention().await.unwrap_err().code,
        ErrorCode::NotSignedIn
    );
    engine
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    let organisations = cached_organisations(&engine).await;
    let last = organisations.last().unwrap().clone();

    // A document of the last organisation that the platform rejected today.
    record_sent(&engine, &last, &["afgewezen-1".to_string()]).await;
    let store = engine.store().await.unwrap();
    sqlx::query("UPDATE documents SET status = 'Rejected' WHERE id = 'afgewezen-1'")
        .execute(store.pool())
        .await
        .unwrap();

    let overview = engine.attention().await.unwrap();
    assert_eq!(overview.organisations.len(), organisations.len());
    let first = &overview.organisations[0];
    assert_eq!(first.party_id, last);
    assert_eq!((first.rejected, first.needing()), (1, 1));
    assert!(overview.organisations[1..].iter().all(|a| a.needing() == 0));
    // 30 days of failures and rejections, 7 of new invoices, both ending today.
    let day = |text: &str| {
        time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap()
    };
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!((today - day(&overview.since)).whole_days(), 29);
    assert_eq!((today - day(&overview.new_since)).whole_days(), 6);
}
