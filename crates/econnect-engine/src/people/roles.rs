//! The web platform's roles as presets of the API's five permissions.
//!
//! [I] The API has no roles: a user has, per organisation, five booleans. The web platform
//! shows three roles (Basisgebruiker, Gevorderde gebruiker, Beheerder). This is the ONE
//! place where the app maps a role to permissions; nothing else in the app decides it. The
//! mapping is inferred from the help-centre articles, not from a documented API contract:
//! correct it here when eConnect publishes the platform's own mapping. Note also that the
//! platform's Beheerder role manages the environment; the API cannot grant that, so a
//! "Beheerder" made here gets all five permissions on its organisations, nothing more.

use econnect_store::Permissions;
use serde::{Deserialize, Serialize};

/// A role preset of the web platform, mapped to the five permissions [I].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RolePreset {
    /// Basisgebruiker: sends and receives documents.
    Basic,
    /// Gevorderde gebruiker: also deletes documents and changes their status.
    Advanced,
    /// Beheerder: all five permissions, including webhooks.
    Administrator,
}

impl RolePreset {
    /// Every preset, from the fewest rights to the most.
    pub const ALL: [RolePreset; 3] = [
        RolePreset::Basic,
        RolePreset::Advanced,
        RolePreset::Administrator,
    ];

    /// The permissions this role gives on one organisation [I].
    pub fn permissions(self) -> Permissions {
        let basic = Permissions {
            can_send_document: true,
            can_receive_document: true,
            ..Permissions::default()
        };
        match self {
            RolePreset::Basic => basic,
            RolePreset::Advanced => Permissions {
                can_remove_document: true,
                can_change_document_status: true,
                ..basic
            },
            RolePreset::Administrator => Permissions {
                can_remove_document: true,
                can_change_document_status: true,
                can_manage_hook: true,
                ..basic
            },
        }
    }

    /// The preset whose permissions are exactly these, if any.
    pub fn matching(permissions: Permissions) -> Option<RolePreset> {
        Self::ALL
            .into_iter()
            .find(|r| r.permissions() == permissions)
    }
}

/// A preset with its permissions, for the UI's role pickers (which must not map it themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoleDefinition {
    /// The preset.
    pub role: RolePreset,
    /// What it gives on one organisation.
    pub permissions: Permissions,
}

/// Every preset with its permissions, fewest rights first.
pub fn role_definitions() -> Vec<RoleDefinition> {
    RolePreset::ALL
        .into_iter()
        .map(|role| RoleDefinition {
            role,
            permissions: role.permissions(),
        })
        .collect()
}

/// A user's role as the app can tell it from their permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind", content = "preset")]
pub enum UserRole {
    /// The same preset on every organisation.
    Preset(RolePreset),
    /// Permissions that differ per organisation or match no preset.
    Custom,
    /// No organisation yet.
    NoOrganisations,
}

/// The role that describes a user's permissions on all their organisations.
pub fn role_of(all: impl IntoIterator<Item = Permissions>) -> UserRole {
    let mut role = None;
    for permissions in all {
        match (RolePreset::matching(permissions), role) {
            (None, _) => return UserRole::Custom,
            (Some(found), None) => role = Some(found),
            (Some(found), Some(before)) if found != before => return UserRole::Custom,
            _ => {}
        }
    }
    role.map_or(UserRole::NoOrganisations, UserRole::Preset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_grow_and_are_recognised() {
        let basic = RolePreset::Basic.permissions();
        assert!(basic.can_send_document && basic.can_receive_document);
        assert!(!basic.can_remove_document && !basic.can_manage_hook);
        let admin = RolePreset::Administrator.permissions();
        assert!(admin.can_manage_hook && admin.can_change_document_status);
        for r in RolePreset::ALL {
            assert_eq!(RolePreset::matching(r.permissions()), Some(r));
        }
    }

    #[test]
    fn a_role_is_one_preset_everywhere_or_custom() {
        let a = RolePreset::Advanced.permissions();
        assert_eq!(role_of([a, a]), UserRole::Preset(RolePreset::Advanced));
        assert_eq!(
            role_of([a, RolePreset::Basic.permissions()]),
            UserRole::Custom
        );
        assert_eq!(role_of([Permissions::default()]), UserRole::Custom);
        assert_eq!(role_of([]), UserRole::NoOrganisations);
    }
}
