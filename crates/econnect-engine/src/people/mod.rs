//! People: the users of the environment, their access to organisations
//! ("leden"), and the signed-in user's profile with e-mail and intake addresses.
//! Reads answer from the cache (also offline); writes go to the platform first and then
//! update the cache in one transaction with a change-feed entry, so every screen follows.
//! Writes wait for a running sync (its snapshot would otherwise overwrite them).

pub mod address;
pub mod roles;

use econnect_api::{PartyId, UserParty};
use econnect_store::Permissions;
use serde::{Deserialize, Serialize};

pub use address::{AddressCheck, PLATFORM_PROFILE_URL};
pub use roles::{RoleDefinition, RolePreset, UserRole, role_definitions, role_of};

use crate::engine::Engine;
use crate::error::{EngineError, ErrorCode};
use crate::session::Session;

/// One organisation a user may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserOrganisation {
    /// Normalised party id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What the user may do for it.
    pub permissions: Permissions,
}

/// A user of the environment as the Gebruikers page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    /// The user name (an e-mail address).
    pub name: String,
    /// The role that describes their permissions (a preset, custom, or none yet).
    pub role: UserRole,
    /// Their organisations.
    pub organisations: Vec<UserOrganisation>,
    /// This is the signed-in user (who cannot delete themself).
    pub is_self: bool,
}

/// The Gebruikers page: the users, and whether the signed-in user may manage them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserDirectory {
    /// The signed-in user administers the environment (as far as the last sync knows).
    pub can_manage: bool,
    /// The environment's e-mail domain (the signed-in user's own), when known.
    pub environment_domain: Option<String>,
    /// The users, by name (empty for a non-administrator: the platform does not show them).
    pub users: Vec<UserSummary>,
}

/// What the "new user" form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// The e-mail address, which is the user name.
    pub name: String,
    /// The role preset for the chosen organisations.
    pub role: RolePreset,
    /// Party ids the new user gets access to (may be empty).
    pub organisations: Vec<String>,
}

/// A user the platform created, with the initial password (shown once, never stored).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUser {
    /// The user name as the platform spelled it.
    pub name: String,
    /// The generated initial password: show it once, with a copy button.
    pub initial_password: String,
    /// The address check (e.g. another domain than the environment's).
    pub check: AddressCheck,
    /// Organisations the platform refused to give access to (the user exists anyway).
    pub failed_organisations: Vec<String>,
}

impl std::fmt::Debug for CreatedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedUser")
            .field("name", &self.name)
            .field("failed_organisations", &self.failed_organisations)
            .finish_non_exhaustive()
    }
}

/// One member of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The user name.
    pub name: String,
    /// What they may do for the organisation.
    pub permissions: Permissions,
    /// The preset these permissions match, if any.
    pub role: Option<RolePreset>,
    /// This is the signed-in user.
    pub is_self: bool,
}

/// The "Leden" tab of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Members {
    /// Normalised party id.
    pub party_id: String,
    /// The signed-in user may add and remove members (an administrator).
    pub can_manage: bool,
    /// Who has access. For a non-administrator only their own access: the platform shows
    /// other users to administrators only.
    pub members: Vec<Member>,
    /// Users of the environment without access yet (to pick from when adding).
    pub candidates: Vec<String>,
}

/// An organisation's scan & recognise intake addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IntakeAddresses {
    /// Normalised party id.
    pub party_id: String,
    /// The organisation's name.
    pub name: String,
    /// `<kvk>@inkoopfacturen.econnect.eu` (none without a KvK number).
    pub purchase: Option<String>,
    /// `<kvk>@verkoopfacturen.econnect.eu` (none without a KvK number).
    pub sales: Option<String>,
}

/// The Profiel page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user name.
    pub username: String,
    /// The name the platform gave.
    pub display_name: Option<String>,
    /// The user's e-mail addresses the app knows (the API lists no extra addresses).
    pub addresses: Vec<String>,
    /// The environment's e-mail domain.
    pub environment_domain: Option<String>,
    /// Each organisation's intake addresses.
    pub intake: Vec<IntakeAddresses>,
    /// Where extra addresses are added and verified (the web platform).
    pub platform_url: String,
}

/// A 403 on an administrator's call: say that only administrators may do it.
fn admin_only(e: econnect_api::Error) -> EngineError {
    if e.is_forbidden() {
        EngineError::new(ErrorCode::AdminOnly, e.to_string())
    } else {
        e.into()
    }
}

fn to_api(p: Permissions) -> econnect_api::Permissions {
    econnect_api::Permissions {
        can_send_document: p.can_send_document,
        can_receive_document: p.can_receive_document,
        can_remove_document: p.can_remove_document,
        can_manage_hook: p.can_manage_hook,
        can_change_document_status: p.can_change_document_status,
    }
}

fn from_api(p: econnect_api::Permissions) -> Permissions {
    Permissions {
        can_send_document: p.can_send_document,
        can_receive_document: p.can_receive_document,
        can_remove_document: p.can_remove_document,
        can_manage_hook: p.can_manage_hook,
        can_change_document_status: p.can_change_document_status,
    }
}

/// Whether the cache says the signed-in user administers the environment.
async fn cached_admin(session: &Session) -> Result<bool, EngineError> {
    Ok(session
        .store
        .environment()
        .await?
        .is_some_and(|e| e.is_admin))
}

fn same_user(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Engine {
    /// The users of the environment, from the cache (administrators; also offline).
    pub async fn users(&self) -> Result<UserDirectory, EngineError> {
        let session = self.require().await?;
        let me = session.info().username;
        let users = session
            .store
            .cached_users()
            .await?
            .into_iter()
            .map(|u| UserSummary {
                role: role_of(u.parties.iter().map(|(_, _, p)| *p)),
                is_self: same_user(&u.name, &me),
                organisations: u
                    .parties
                    .into_iter()
                    .map(|(id, name, permissions)| UserOrganisation {
                        id,
                        name,
                        permissions,
                    })
                    .collect(),
                name: u.name,
            })
            .collect();
        Ok(UserDirectory {
            can_manage: cached_admin(&session).await?,
            environment_domain: address::domain_of(&me),
            users,
        })
    }

    /// Checks an e-mail address: format, and the environment's domain rule.
    pub async fn check_address(&self, address: &str) -> Result<AddressCheck, EngineError> {
        let session = self.require().await?;
        Ok(address::check(address, &session.info().username))
    }

    /// Creates a user with a generated initial password and gives them the role's
    /// permissions on the chosen organisations. The password is returned once, never stored.
    pub async fn create_user(&self, request: NewUser) -> Result<CreatedUser, EngineError> {
        let session = self.require().await?;
        // A sync writes the users it read before this change: wait for it, then write.
        let _sync = session.sync_lock.lock().await;
        let check = address::check(&request.name, &session.info().username);
        if !check.valid {
            return Err(EngineError::new(
                ErrorCode::InvalidEmail,
                format!("{:?} is not an e-mail address", request.name),
            ));
        }
        let exists = session
            .store
            .cached_users()
            .await?
            .iter()
            .any(|u| same_user(&u.name, &check.address));
        if exists {
            // PUT /user would silently set a new password on the existing account.
            return Err(EngineError::new(
                ErrorCode::UserExists,
                format!("{} already exists", check.address),
            ));
        }
        let password = address::initial_password();
        let created = session
            .client
            .put_user(&check.address, &password)
            .await
            .map_err(admin_only)?;
        session.store.put_cached_user(&created.name).await?;
        let names = self.organisation_names(&session).await?;
        let mut failed = Vec::new();
        for party in &request.organisations {
            let id = PartyId::new(party);
            let name = names
                .iter()
                .find(|(p, _)| p == id.as_str())
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            if let Err(e) = self
                .grant(
                    &session,
                    &created.name,
                    &id,
                    &name,
                    request.role.permissions(),
                )
                .await
            {
                tracing::warn!(error = %e, party = id.as_str(), "new user: access not given");
                failed.push(id.as_str().to_string());
            }
        }
        Ok(CreatedUser {
            name: created.name,
            initial_password: password,
            check,
            failed_organisations: failed,
        })
    }

    /// Gives a user a role: the preset's permissions on every organisation they have.
    pub async fn set_user_role(&self, name: &str, role: RolePreset) -> Result<(), EngineError> {
        let session = self.require().await?;
        // A sync writes the users it read before this change: wait for it, then write.
        let _sync = session.sync_lock.lock().await;
        let parties = session
            .client
            .user_parties(name)
            .await
            .map_err(admin_only)?;
        for p in parties {
            self.grant(&session, name, &p.id, &p.name, role.permissions())
                .await?;
        }
        Ok(())
    }

    /// Deletes a user of the environment (not the signed-in user).
    pub async fn delete_user(&self, name: &str) -> Result<(), EngineError> {
        let session = self.require().await?;
        // A sync writes the users it read before this change: wait for it, then write.
        let _sync = session.sync_lock.lock().await;
        if same_user(name, &session.info().username) {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "you cannot delete yourself",
            ));
        }
        match session.client.delete_user(name).await {
            Ok(()) => {}
            // Already gone on the platform: the cache follows.
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(admin_only(e)),
        }
        session.store.remove_cached_user(name).await?;
        Ok(())
    }

    /// Who has access to an organisation (the "Leden" tab), from the cache.
    pub async fn members(&self, party_id: &str) -> Result<Members, EngineError> {
        let session = self.require().await?;
        let id = PartyId::new(party_id);
        let me = session.info().username;
        let detail = session.store.organisation(id.as_str()).await?;
        let can_manage = cached_admin(&session).await?;
        let member = |name: String, permissions: Permissions| Member {
            is_self: same_user(&name, &me),
            role: RolePreset::matching(permissions),
            name,
            permissions,
        };
        if !can_manage {
            return Ok(Members {
                party_id: id.as_str().to_string(),
                can_manage,
                members: vec![member(me.clone(), detail.organisation.permissions)],
                candidates: Vec::new(),
            });
        }
        let members: Vec<Member> = detail
            .users
            .into_iter()
            .map(|u| member(u.name, u.permissions))
            .collect();
        let candidates = session
            .store
            .user_names()
            .await?
            .into_iter()
            .filter(|n| !members.iter().any(|m| same_user(&m.name, n)))
            .collect();
        Ok(Members {
            party_id: id.as_str().to_string(),
            can_manage,
            members,
            candidates,
        })
    }

    /// Gives a user access to an organisation with these permissions (or changes them).
    pub async fn add_member(
        &self,
        party_id: &str,
        user: &str,
        permissions: Permissions,
    ) -> Result<Member, EngineError> {
        let session = self.require().await?;
        // A sync writes the users it read before this change: wait for it, then write.
        let _sync = session.sync_lock.lock().await;
        let id = PartyId::new(party_id);
        if user.trim().is_empty() {
            return Err(EngineError::new(ErrorCode::InvalidInput, "no user chosen"));
        }
        if permissions == Permissions::default() {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "choose at least one permission",
            ));
        }
        let name = session
            .store
            .organisation(id.as_str())
            .await?
            .organisation
            .name;
        let granted = self.grant(&session, user, &id, &name, permissions).await?;
        Ok(Member {
            is_self: same_user(user, &session.info().username),
            role: RolePreset::matching(granted),
            name: user.trim().to_string(),
            permissions: granted,
        })
    }

    /// Takes a user's access to an organisation away.
    pub async fn remove_member(&self, party_id: &str, user: &str) -> Result<(), EngineError> {
        let session = self.require().await?;
        // A sync writes the users it read before this change: wait for it, then write.
        let _sync = session.sync_lock.lock().await;
        let id = PartyId::new(party_id);
        // Removing oneself would lock the user out of the organisation at once, with no
        // way back from this app: another administrator has to do it.
        if same_user(user, &session.info().username) {
            return Err(EngineError::new(
                ErrorCode::OwnMembership,
                "you cannot remove your own access to an organisation",
            ));
        }
        match session.client.delete_user_party(user, &id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(admin_only(e)),
        }
        session.store.remove_user_access(user, id.as_str()).await?;
        Ok(())
    }

    /// The signed-in user's e-mail addresses and every organisation's intake addresses.
    pub async fn profile(&self) -> Result<Profile, EngineError> {
        let session = self.require().await?;
        let info = session.info();
        let intake = session
            .store
            .organisations(&Default::default())
            .await?
            .into_iter()
            .map(|o| {
                let (purchase, sales) = match o.kvk.as_deref() {
                    Some(kvk) => {
                        let (p, s) = address::intake_addresses(kvk);
                        (Some(p), Some(s))
                    }
                    None => (None, None),
                };
                IntakeAddresses {
                    party_id: o.id,
                    name: o.name,
                    purchase,
                    sales,
                }
            })
            .collect();
        Ok(Profile {
            environment_domain: address::domain_of(&info.username),
            addresses: vec![info.username.clone()],
            username: info.username,
            display_name: info.display_name,
            intake,
            platform_url: PLATFORM_PROFILE_URL.to_string(),
        })
    }

    /// `PUT /user/{name}/party`, then the cache.
    async fn grant(
        &self,
        session: &Session,
        user: &str,
        party: &PartyId,
        party_name: &str,
        permissions: Permissions,
    ) -> Result<Permissions, EngineError> {
        let body = UserParty {
            id: party.clone(),
            name: party_name.to_string(),
            permissions: to_api(permissions),
        };
        let answer = session
            .client
            .put_user_party(user.trim(), &body)
            .await
            .map_err(admin_only)?;
        let granted = from_api(answer.permissions);
        let name = if answer.name.is_empty() {
            party_name.to_string()
        } else {
            answer.name
        };
        session
            .store
            .put_user_access(user.trim(), party.as_str(), &name, granted)
            .await?;
        if same_user(user, &session.info().username) {
            session.wake.notify_one();
        }
        Ok(granted)
    }

    async fn organisation_names(
        &self,
        session: &Session,
    ) -> Result<Vec<(String, String)>, EngineError> {
        Ok(session
            .store
            .organisations(&Default::default())
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect())
    }
}
