//! The typed IPC surface: every command registered once, and the TypeScript bindings
//! generated from it (`ui/src/lib/backend/bindings.ts`, committed and checked for drift).

use tauri_specta::{Builder, collect_commands, collect_events};

use crate::{
    commands, desktop_commands, document_commands, events, invoice_commands, overview_commands,
    people_commands, receive_commands, settings_commands,
};

/// The command set shared by the app and the bindings exporter.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_info,
            commands::sign_in,
            commands::sign_in_sandbox,
            commands::restore_session,
            commands::sign_out,
            commands::engine_status,
            commands::sync_now,
            commands::organisations,
            commands::organisation,
            overview_commands::attention,
            commands::documents,
            commands::document_coverage,
            commands::document,
            document_commands::export_documents,
            document_commands::resend_documents,
            commands::open_sign_up_page,
            commands::preflight_files,
            commands::submit_files,
            commands::outbox,
            commands::retry_outbox_item,
            commands::remove_outbox_item,
            commands::watched_folders,
            commands::add_watched_folder,
            commands::remove_watched_folder,
            commands::create_organisation_folder,
            commands::choose_files,
            commands::choose_folder,
            desktop_commands::desktop_overview,
            desktop_commands::set_notice_enabled,
            desktop_commands::set_desktop_language,
            desktop_commands::set_start_at_login,
            desktop_commands::open_log_folder,
            desktop_commands::check_for_update,
            desktop_commands::restart_to_update,
            desktop_commands::sending_paused,
            desktop_commands::set_sending_paused,
            people_commands::users,
            people_commands::role_presets,
            people_commands::check_address,
            people_commands::create_user,
            people_commands::set_user_role,
            people_commands::delete_user,
            people_commands::members,
            people_commands::add_member,
            people_commands::remove_member,
            people_commands::profile,
            people_commands::receive_prompt,
            people_commands::decide_receive_prompt,
            people_commands::set_receiving,
            people_commands::open_platform_profile,
            settings_commands::maintenance_state,
            settings_commands::maintenance_schedule,
            settings_commands::set_maintenance_schedule,
            settings_commands::set_theme,
            settings_commands::peppol_defaults,
            settings_commands::set_peppol_defaults,
            settings_commands::connection_info,
            settings_commands::set_subscription_key,
            settings_commands::cache_info,
            settings_commands::clear_cache,
            settings_commands::export_documents_csv,
            receive_commands::received_invoices,
            receive_commands::answer_invoice,
            receive_commands::remove_received,
            receive_commands::receive_folder,
            receive_commands::choose_receive_folder,
            receive_commands::receive_now,
            receive_commands::receive_channel,
            receive_commands::set_receive_channel,
            receive_commands::test_receive_channel,
            invoice_commands::document_invoice,
            invoice_commands::invoice_pdf,
            invoice_commands::open_invoice_file,
            invoice_commands::reveal_invoice_file,
        ])
        .events(collect_events![
            events::EngineChanged,
            events::OutboxChanged,
            events::MaintenanceChanged,
            events::SendingPaused
        ])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use specta_typescript::{BigIntExportBehavior, Typescript};

    /// Where the committed bindings live, relative to this crate.
    const BINDINGS_PATH: &str = "../ui/src/lib/backend/bindings.ts";

    /// Fails when the committed bindings differ from what the Rust commands generate.
    /// Regenerate with `UPDATE_BINDINGS=1 cargo test -p econnect-desktop bindings`.
    #[test]
    fn bindings_match_the_commands() {
        let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let fresh =
            std::env::temp_dir().join(format!("econnect-bindings-{}.ts", std::process::id()));
        let language = Typescript::default()
            .bigint(BigIntExportBehavior::Number)
            .header(
                "// Generated from Rust by tauri-specta (src-tauri/src/ipc.rs). Do not edit.\n",
            );
        super::builder()
            .export(language, &fresh)
            .expect("export bindings");
        let generated = std::fs::read_to_string(&fresh).expect("read generated bindings");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &generated).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/backend/bindings.ts is out of date: run \
             `UPDATE_BINDINGS=1 cargo test -p econnect-desktop bindings` and commit it"
        );
    }
}
