//! People and receiving against the in-process sandbox: users, members, roles, the profile, the receive
//! pop-up and switching receiving on — and the refusals a non-administrator gets.

// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use econnect_api::PartyId;
use econnect_engine::{
    ChangeKind, Engine, ErrorCode, NewUser, Permissions, PromptChoice, ReceiveState, RolePreset,
    UserRole,
};
use econnect_sandbox::Seed;

const STAFF: &str = "medewerker@voorbeeld.nl";
const BAKKERIJ: &str = "0106:30187412";
/// Hoveniersbedrijf Groenrijk: not registered for receiving in the demo.
const HOVENIER: &str = "0106:56012934";
/// Jansen & de Vries Advocaten: the employee has no access there.
const ADVOCATEN: &str = "0106:34298851";

async fn signed_in(
    sb: &econnect_sandbox::RunningSandbox,
    user: &str,
) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    engine
        .sign_in(sign_in(sb, user, PASSWORD, false))
        .await
        .unwrap();
    engine.sync_now().await.unwrap();
    (dir, engine)
}

/// Waits for a change batch naming `kind` (the feed the UI follows).
async fn feed_names(
    changes: &mut tokio::sync::broadcast::Receiver<econnect_engine::ChangeBatch>,
    kind: ChangeKind,
) {
    let found = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(batch) = changes.recv().await
                && batch.kinds.contains(&kind)
            {
                return;
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no {kind:?} change in the feed");
}

#[tokio::test]
async fn an_administrator_creates_a_user_changes_the_role_and_deletes_it() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, USER).await;
    let directory = engine.users().await.unwrap();
    assert!(directory.can_manage);
    assert_eq!(
        directory.environment_domain.as_deref(),
        Some("voorbeeld.nl")
    );
    assert!(
        directory
            .users
            .iter()
            .any(|u| u.name == STAFF && u.role == UserRole::Custom)
    );
    assert!(directory.users.iter().any(|u| u.name == USER && u.is_self));

    let mut changes = engine.subscribe();
    let created = engine
        .create_user(NewUser {
            name: " Nieuw@Voorbeeld.nl ".into(),
            role: RolePreset::Basic,
            organisations: vec!["NL:KVK:30187412".into()],
        })
        .await
        .unwrap();
    assert_eq!(created.name, "nieuw@voorbeeld.nl");
    assert!(!created.check.other_domain);
    assert!(created.failed_organisations.is_empty());
    feed_names(&mut changes, ChangeKind::Users).await;
    // The platform accepts the generated password: the new user can sign in with it.
    let fresh = tempfile::tempdir().unwrap();
    let as_new = common::engine(fresh.path()).await;
    as_new
        .sign_in(sign_in(
            &sb,
            "nieuw@voorbeeld.nl",
            &created.initial_password,
            false,
        ))
        .await
        .unwrap();
    let orgs = as_new.sync_now().await.unwrap();
    assert_eq!(orgs.organisations, 1);

    let listed = engine.users().await.unwrap();
    let new = listed
        .users
        .iter()
        .find(|u| u.name == "nieuw@voorbeeld.nl")
        .unwrap();
    assert_eq!(new.role, UserRole::Preset(RolePreset::Basic));
    assert_eq!(new.organisations[0].id, BAKKERIJ);

    let again = engine
        .create_user(NewUser {
            name: "nieuw@voorbeeld.nl".into(),
            role: RolePreset::Basic,
            organisations: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::UserExists);
    let bad = engine
        .create_user(NewUser {
            name: "geen adres".into(),
            role: RolePreset::Basic,
            organisations: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidEmail);

    engine
        .set_user_role("nieuw@voorbeeld.nl", RolePreset::Administrator)
        .await
        .unwrap();
    let on_platform = client(&sb)
        .user_parties("nieuw@voorbeeld.nl")
        .await
        .unwrap();
    assert!(on_platform[0].permissions.can_manage_hook);
    let cached = engine.users().await.unwrap();
    let new = cached
        .users
        .iter()
        .find(|u| u.name == "nieuw@voorbeeld.nl")
        .unwrap();
    assert_eq!(new.role, UserRole::Preset(RolePreset::Administrator));

    engine.delete_user("nieuw@voorbeeld.nl").await.unwrap();
    assert!(
        !client(&sb)
            .users()
            .await
            .unwrap()
            .iter()
            .any(|u| u.name == "nieuw@voorbeeld.nl")
    );
    assert!(
        !engine
            .users()
            .await
            .unwrap()
            .users
            .iter()
            .any(|u| u.name == "nieuw@voorbeeld.nl")
    );
    let own = engine.delete_user(USER).await.unwrap_err();
    assert_eq!(own.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn another_domain_is_flagged_but_allowed() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, USER).await;
    let check = engine.check_address("iemand@gmail.com").await.unwrap();
    assert!(check.valid && check.other_domain);
    let created = engine
        .create_user(NewUser {
            name: "iemand@gmail.com".into(),
            role: RolePreset::Advanced,
            organisations: vec![],
        })
        .await
        .unwrap();
    assert!(created.check.other_domain);
    let listed = engine.users().await.unwrap();
    let user = listed
        .users
        .iter()
        .find(|u| u.name == "iemand@gmail.com")
        .unwrap();
    assert_eq!(user.role, UserRole::NoOrganisations);
}

#[tokio::test]
async fn an_administrator_adds_and_removes_a_member() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, USER).await;
    let members = engine.members("NL:KVK:34298851").await.unwrap();
    assert!(members.can_manage);
    assert!(!members.members.iter().any(|m| m.name == STAFF));
    assert!(members.candidates.iter().any(|c| c == STAFF));

    let mut changes = engine.subscribe();
    let perms = Permissions {
        can_send_document: true,
        can_change_document_status: true,
        ..Permissions::default()
    };
    let added = engine.add_member(ADVOCATEN, STAFF, perms).await.unwrap();
    assert_eq!(added.permissions, perms);
    assert_eq!(added.role, None);
    feed_names(&mut changes, ChangeKind::Users).await;
    let on_platform = client(&sb).user_parties(STAFF).await.unwrap();
    assert!(
        on_platform
            .iter()
            .any(|p| p.id == PartyId::new(ADVOCATEN) && p.permissions.can_change_document_status)
    );
    let members = engine.members(ADVOCATEN).await.unwrap();
    assert!(
        members
            .members
            .iter()
            .any(|m| m.name == STAFF && m.permissions == perms)
    );
    assert!(!members.candidates.iter().any(|c| c == STAFF));

    let none = engine
        .add_member(ADVOCATEN, STAFF, Permissions::default())
        .await
        .unwrap_err();
    assert_eq!(none.code, ErrorCode::InvalidInput);

    engine.remove_member(ADVOCATEN, STAFF).await.unwrap();
    // Not oneself, however the address is written: refused before the platform is asked.
    let own = engine
        .remove_member(BAKKERIJ, &USER.to_uppercase())
        .await
        .unwrap_err();
    assert_eq!(own.code, ErrorCode::OwnMembership);
    assert!(
        client(&sb)
            .user_parties(USER)
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == PartyId::new(BAKKERIJ)),
        "the own access stayed"
    );
    let on_platform = client(&sb).user_parties(STAFF).await.unwrap();
    assert!(!on_platform.iter().any(|p| p.id == PartyId::new(ADVOCATEN)));
    assert!(
        !engine
            .members(ADVOCATEN)
            .await
            .unwrap()
            .members
            .iter()
            .any(|m| m.name == STAFF)
    );
}

#[tokio::test]
async fn a_non_administrator_sees_only_their_own_access_and_is_refused() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, STAFF).await;
    let members = engine.members(BAKKERIJ).await.unwrap();
    assert!(!members.can_manage);
    assert_eq!(members.members.len(), 1);
    assert!(members.members[0].is_self && !members.members[0].permissions.can_remove_document);
    assert!(!engine.users().await.unwrap().can_manage);

    // The platform refuses (403) and the app says why: administrators only.
    let add = engine
        .add_member(BAKKERIJ, USER, RolePreset::Basic.permissions())
        .await
        .unwrap_err();
    assert_eq!(add.code, ErrorCode::AdminOnly);
    let remove = engine.remove_member(BAKKERIJ, USER).await.unwrap_err();
    assert_eq!(remove.code, ErrorCode::AdminOnly);
    let create = engine
        .create_user(NewUser {
            name: "x@voorbeeld.nl".into(),
            role: RolePreset::Basic,
            organisations: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(create.code, ErrorCode::AdminOnly);
    let role = engine
        .set_user_role(USER, RolePreset::Basic)
        .await
        .unwrap_err();
    assert_eq!(role.code, ErrorCode::AdminOnly);
    let delete = engine.delete_user(USER).await.unwrap_err();
    assert_eq!(delete.code, ErrorCode::AdminOnly);
    // Organisation 3: the employee may only send there, so may not switch receiving.
    let receive = engine.set_receiving(HOVENIER, true).await.unwrap_err();
    assert_eq!(receive.code, ErrorCode::NoReceivePermission);
    assert!(
        client(&sb).user_parties(USER).await.unwrap().len() == 12,
        "nothing changed"
    );
}

#[tokio::test]
async fn the_receive_prompt_lists_switches_and_remembers() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, USER).await;
    let prompt = engine.receive_prompt().await.unwrap();
    // Seven of the twelve demo organisations are not registered for receiving.
    assert_eq!(prompt.len(), 7);
    assert!(
        prompt
            .iter()
            .all(|c| c.receive == ReceiveState::NotRegistered)
    );
    assert!(prompt.iter().any(|c| c.id == HOVENIER));

    let mut changes = engine.subscribe();
    let outcome = engine.set_receiving(HOVENIER, true).await.unwrap();
    assert_eq!(outcome.receive, ReceiveState::On);
    feed_names(&mut changes, ChangeKind::Parties).await;
    let on_platform = client(&sb)
        .peppol_party_config(&PartyId::new(HOVENIER))
        .await
        .unwrap()
        .unwrap();
    assert!(on_platform.receives_invoices());
    let org = engine.organisation(HOVENIER).await.unwrap();
    assert_eq!(org.organisation.receive, ReceiveState::On);

    let prompt = engine.receive_prompt().await.unwrap();
    assert_eq!(prompt.len(), 6);
    let (first, second) = (prompt[0].id.clone(), prompt[1].id.clone());
    engine
        .decide_receive_prompt(&first, PromptChoice::NotNow)
        .await
        .unwrap();
    engine
        .decide_receive_prompt(&second, PromptChoice::Never)
        .await
        .unwrap();
    assert_eq!(engine.receive_prompt().await.unwrap().len(), 4);

    // Switching off keeps the registration, with invoices off.
    let off = engine.set_receiving(HOVENIER, false).await.unwrap();
    assert_eq!(off.receive, ReceiveState::Off);

    // Next session: "niet nu" is forgotten, "niet meer vragen" is not.
    engine.sign_out().await.unwrap();
    let again = engine;
    again
        .sign_in(sign_in(&sb, USER, PASSWORD, false))
        .await
        .unwrap();
    again.sync_now().await.unwrap();
    let prompt = again.receive_prompt().await.unwrap();
    assert!(prompt.iter().any(|c| c.id == first));
    assert!(!prompt.iter().any(|c| c.id == second));
    assert!(
        prompt
            .iter()
            .any(|c| c.id == HOVENIER && c.receive == ReceiveState::Off)
    );
}

#[tokio::test]
async fn the_profile_lists_addresses_and_intake_mailboxes() {
    let sb = sandbox(Seed::Demo).await;
    let (_dir, engine) = signed_in(&sb, STAFF).await;
    let profile = engine.profile().await.unwrap();
    assert_eq!(profile.addresses, vec![STAFF.to_string()]);
    assert_eq!(profile.environment_domain.as_deref(), Some("voorbeeld.nl"));
    assert_eq!(profile.intake.len(), 3);
    let bakkerij = profile
        .intake
        .iter()
        .find(|i| i.party_id == BAKKERIJ)
        .unwrap();
    assert_eq!(
        bakkerij.purchase.as_deref(),
        Some("30187412@inkoopfacturen.econnect.eu")
    );
    assert_eq!(
        bakkerij.sales.as_deref(),
        Some("30187412@verkoopfacturen.econnect.eu")
    );
    assert!(profile.platform_url.starts_with("https://"));
}
