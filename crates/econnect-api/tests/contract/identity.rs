//! `me`, `me/party`, users and user-party permissions.

use econnect_api::{Error, Permissions, Role, UserParty};

use crate::common::{Env, STAFF_USER};

#[tokio::test]
async fn my_parties_lists_organisations_with_permissions() {
    let env = Env::demo().await;
    let parties = env.client().my_parties().await.expect("parties");
    assert_eq!(parties.len(), 12);
    assert!(
        parties
            .iter()
            .all(|p| p.id.scheme() == Some("0106") && p.id.is_well_formed())
    );
    assert!(parties.iter().all(|p| !p.name.is_empty()));
    assert!(parties[0].permissions.can_send_document && parties[0].permissions.can_manage_hook);
}

#[tokio::test]
async fn staff_sees_only_their_organisations() {
    let env = Env::demo().await;
    let staff = env.client_as(STAFF_USER, "demo");
    let me = staff.me().await.expect("me");
    assert_eq!(me.name.to_lowercase(), STAFF_USER);
    let parties = staff.my_parties().await.expect("parties");
    assert_eq!(parties.len(), 3);
    assert!(parties.iter().any(|p| !p.permissions.can_send_document));
}

#[tokio::test]
async fn users_crud_and_party_permissions() {
    let env = Env::demo().await;
    let admin = env.client();
    let users = admin.users().await.expect("users");
    assert!(
        users
            .iter()
            .any(|u| u.name.eq_ignore_ascii_case(econnect_sandbox::DEMO_USER))
    );

    let new = "nieuw@voorbeeld.nl";
    let created = admin.put_user(new, "Geheim-123").await.expect("put user");
    assert_eq!(created.name.to_lowercase(), new);
    assert!(
        admin
            .users()
            .await
            .expect("users")
            .iter()
            .any(|u| u.name.eq_ignore_ascii_case(new))
    );
    assert!(
        admin
            .user_parties(new)
            .await
            .expect("no parties yet")
            .is_empty()
    );

    let party = admin.my_parties().await.expect("parties")[2].id.clone();
    let grant = UserParty {
        id: party.clone(),
        name: String::new(),
        permissions: Role::Basic.permissions(),
    };
    let granted = admin.put_user_party(new, &grant).await.expect("grant");
    assert_eq!(granted.id, party);
    assert_eq!(granted.permissions, Role::Basic.permissions());

    // The new user can sign in and sees exactly that organisation.
    let as_new = env.client_as(new, "Geheim-123");
    let theirs = as_new.my_parties().await.expect("their parties");
    assert_eq!(
        theirs.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        vec![party.clone()]
    );

    admin.delete_user_party(new, &party).await.expect("revoke");
    assert!(admin.user_parties(new).await.expect("parties").is_empty());

    admin.delete_user(new).await.expect("delete");
    assert!(
        !admin
            .users()
            .await
            .expect("users")
            .iter()
            .any(|u| u.name.eq_ignore_ascii_case(new))
    );
}

#[tokio::test]
async fn non_admin_may_not_list_users() {
    let env = Env::demo().await;
    let err = env.client_as(STAFF_USER, "demo").users().await.unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
    assert!(matches!(err, Error::Api { ref code, .. } if code == "API403"));
}

#[tokio::test]
async fn permissions_survive_a_round_trip() {
    let env = Env::demo().await;
    let admin = env.client();
    let party = admin.my_parties().await.expect("parties")[5].id.clone();
    let perms = Permissions {
        can_receive_document: true,
        can_change_document_status: true,
        ..Permissions::default()
    };
    admin
        .put_user_party(
            STAFF_USER,
            &UserParty {
                id: party.clone(),
                name: String::new(),
                permissions: perms,
            },
        )
        .await
        .expect("grant");
    let listed = admin.user_parties(STAFF_USER).await.expect("list");
    let found = listed
        .iter()
        .find(|p| p.id == party)
        .expect("granted party listed");
    assert_eq!(found.permissions, perms);
}
