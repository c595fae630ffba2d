//! IPC commands of the people screens (users, members, profile, receiving): one-line wrappers over the
//! engine, registered in `ipc.rs`.

use econnect_engine::{
    AddressCheck, CreatedUser, Engine, EngineError, ErrorCode, Member, Members, NewUser,
    Permissions, Profile, PromptChoice, ReceiveCandidate, ReceiveOutcome, RoleDefinition,
    RolePreset, UserDirectory,
};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

/// The users of the environment (Gebruikers), from the cache.
#[tauri::command]
#[specta::specta]
pub async fn users(engine: State<'_, Engine>) -> Result<UserDirectory, EngineError> {
    engine.users().await
}

/// The role presets with their permissions [I] (mapped in the engine only).
#[tauri::command]
#[specta::specta]
pub fn role_presets() -> Vec<RoleDefinition> {
    econnect_engine::people::role_definitions()
}

/// Checks an e-mail address: format and the environment's domain rule.
#[tauri::command]
#[specta::specta]
pub async fn check_address(
    engine: State<'_, Engine>,
    address: String,
) -> Result<AddressCheck, EngineError> {
    engine.check_address(&address).await
}

/// Creates a user with a generated initial password (returned once).
#[tauri::command]
#[specta::specta]
pub async fn create_user(
    engine: State<'_, Engine>,
    request: NewUser,
) -> Result<CreatedUser, EngineError> {
    engine.create_user(request).await
}

/// Gives a user a role preset on all their organisations.
#[tauri::command]
#[specta::specta]
pub async fn set_user_role(
    engine: State<'_, Engine>,
    name: String,
    role: RolePreset,
) -> Result<(), EngineError> {
    engine.set_user_role(&name, role).await
}

/// Deletes a user of the environment.
#[tauri::command]
#[specta::specta]
pub async fn delete_user(engine: State<'_, Engine>, name: String) -> Result<(), EngineError> {
    engine.delete_user(&name).await
}

/// Who has access to an organisation (Leden).
#[tauri::command]
#[specta::specta]
pub async fn members(engine: State<'_, Engine>, party: String) -> Result<Members, EngineError> {
    engine.members(&party).await
}

/// Gives a user access to an organisation with these permissions.
#[tauri::command]
#[specta::specta]
pub async fn add_member(
    engine: State<'_, Engine>,
    party: String,
    user: String,
    permissions: Permissions,
) -> Result<Member, EngineError> {
    engine.add_member(&party, &user, permissions).await
}

/// Takes a user's access to an organisation away.
#[tauri::command]
#[specta::specta]
pub async fn remove_member(
    engine: State<'_, Engine>,
    party: String,
    user: String,
) -> Result<(), EngineError> {
    engine.remove_member(&party, &user).await
}

/// The signed-in user's e-mail addresses and the organisations' intake addresses (Profiel).
#[tauri::command]
#[specta::specta]
pub async fn profile(engine: State<'_, Engine>) -> Result<Profile, EngineError> {
    engine.profile().await
}

/// The organisations the receive pop-up asks about now (empty: no pop-up).
#[tauri::command]
#[specta::specta]
pub async fn receive_prompt(
    engine: State<'_, Engine>,
) -> Result<Vec<ReceiveCandidate>, EngineError> {
    engine.receive_prompt().await
}

/// Remembers "niet nu" or "niet meer vragen" for an organisation.
#[tauri::command]
#[specta::specta]
pub async fn decide_receive_prompt(
    engine: State<'_, Engine>,
    party: String,
    choice: PromptChoice,
) -> Result<(), EngineError> {
    engine.decide_receive_prompt(&party, choice).await
}

/// Switches receiving e-invoices on or off (Peppol registration).
#[tauri::command]
#[specta::specta]
pub async fn set_receiving(
    engine: State<'_, Engine>,
    party: String,
    on: bool,
) -> Result<ReceiveOutcome, EngineError> {
    engine.set_receiving(&party, on).await
}

/// Opens the web platform's profile page, where extra e-mail addresses are added and verified.
#[tauri::command]
#[specta::specta]
pub fn open_platform_profile(app: AppHandle) -> Result<(), EngineError> {
    app.opener()
        .open_url(econnect_engine::people::PLATFORM_PROFILE_URL, None::<&str>)
        .map_err(|e| EngineError::new(ErrorCode::Platform, e.to_string()))
}
