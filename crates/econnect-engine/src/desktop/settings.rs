//! The desktop settings file (`desktop-settings.json` in the data folder): which
//! notifications are on, the native texts' language, the update channel, and whether the
//! user was told that closing the window keeps the app in the tray.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::language::Language;
use super::notices::NoticeKind;
use super::updates::UpdateChannel;
use crate::maintenance::MaintenanceSchedule;

/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "desktop-settings.json";

/// Stable codes for desktop failures; the UI translates `errors.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DesktopErrorCode {
    /// The settings file could not be written.
    SettingsUnsaved,
    /// The OS would not start the app at login (or stop doing so).
    AutostartFailed,
    /// The log folder is unknown or could not be opened.
    LogFolderUnavailable,
    /// Checking, downloading or installing an update failed.
    UpdateFailed,
}

/// A desktop failure, serialised as `{code, message}` like the engine's errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct DesktopError {
    /// What went wrong, for the UI to translate.
    pub code: DesktopErrorCode,
    /// Detail for logs and developers (English).
    pub message: String,
}

impl DesktopError {
    /// An error with a code and a detail message.
    pub fn new(code: DesktopErrorCode, message: impl Into<String>) -> Self {
        DesktopError {
            code,
            message: message.into(),
        }
    }
}

/// One switch per notification kind; all on by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct NoticeToggles {
    /// "Bestand verzonden".
    pub file_sent: bool,
    /// "Bestand geweigerd".
    pub file_refused: bool,
    /// "Document afgeleverd".
    pub document_delivered: bool,
    /// "Document afgewezen".
    pub document_rejected: bool,
    /// "Factuur ontvangen".
    pub invoice_received: bool,
    /// "Onderhoud begint".
    pub maintenance_starting: bool,
    /// "Afgemeld".
    pub signed_out: bool,
}

impl Default for NoticeToggles {
    fn default() -> Self {
        NoticeToggles {
            file_sent: true,
            file_refused: true,
            document_delivered: true,
            document_rejected: true,
            invoice_received: true,
            maintenance_starting: true,
            signed_out: true,
        }
    }
}

impl NoticeToggles {
    fn slot(&mut self, kind: NoticeKind) -> &mut bool {
        match kind {
            NoticeKind::FileSent => &mut self.file_sent,
            NoticeKind::FileRefused => &mut self.file_refused,
            NoticeKind::DocumentDelivered => &mut self.document_delivered,
            NoticeKind::DocumentRejected => &mut self.document_rejected,
            NoticeKind::InvoiceReceived => &mut self.invoice_received,
            NoticeKind::MaintenanceStarting => &mut self.maintenance_starting,
            NoticeKind::SignedOut => &mut self.signed_out,
        }
    }

    /// Whether notifications of this kind are on.
    pub fn allows(&self, kind: NoticeKind) -> bool {
        match kind {
            NoticeKind::FileSent => self.file_sent,
            NoticeKind::FileRefused => self.file_refused,
            NoticeKind::DocumentDelivered => self.document_delivered,
            NoticeKind::DocumentRejected => self.document_rejected,
            NoticeKind::InvoiceReceived => self.invoice_received,
            NoticeKind::MaintenanceStarting => self.maintenance_starting,
            NoticeKind::SignedOut => self.signed_out,
        }
    }

    /// Switches one kind on or off.
    pub fn set(&mut self, kind: NoticeKind, on: bool) {
        *self.slot(kind) = on;
    }
}

/// Light or dark, or whatever the OS says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the OS (the default).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// What Instellingen shows about the desktop integration, in one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DesktopOverview {
    /// The stored settings.
    pub settings: DesktopSettings,
    /// Whether the OS starts the app at login.
    pub start_at_login: bool,
    /// What the updater is doing.
    pub update: super::updates::UpdateStatus,
    /// The folder with the log files.
    pub log_folder: String,
}

/// Everything in the desktop settings file. Unknown or missing fields fall back to the
/// defaults, so an older or newer file still loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DesktopSettings {
    /// Which notifications are on.
    pub notifications: NoticeToggles,
    /// The language of the tray and the notifications (follows the UI).
    pub language: Language,
    /// Where updates come from.
    pub update_channel: UpdateChannel,
    /// Set once the user was told that closing the window keeps the app in the tray.
    pub told_about_tray: bool,
    /// Light, dark or the OS's choice.
    pub theme: Theme,
    /// The maintenance windows the user entered (none preset; see `maintenance::schedule`).
    pub maintenance: MaintenanceSchedule,
}

impl DesktopSettings {
    /// The settings file inside a data folder.
    pub fn path_in(data_folder: &Path) -> PathBuf {
        data_folder.join(SETTINGS_FILE)
    }

    /// Reads the file; a missing file gives the defaults. A damaged file also gives the
    /// defaults, plus the reason, so the caller can log it (the app must still start).
    pub fn load(path: &Path) -> (DesktopSettings, Option<String>) {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(settings) => (settings, None),
                Err(err) => (
                    DesktopSettings::default(),
                    Some(format!("{}: {err}", path.display())),
                ),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                (DesktopSettings::default(), None)
            }
            Err(err) => (
                DesktopSettings::default(),
                Some(format!("{}: {err}", path.display())),
            ),
        }
    }

    /// Writes the file through a temporary file and a rename, so a crash never leaves half
    /// a file behind.
    pub fn save(&self, path: &Path) -> Result<(), DesktopError> {
        let unsaved = |err: std::io::Error| {
            DesktopError::new(
                DesktopErrorCode::SettingsUnsaved,
                format!("{}: {err}", path.display()),
            )
        };
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(unsaved)?;
        }
        let json = serde_json::to_vec_pretty(self)
            .map_err(|err| DesktopError::new(DesktopErrorCode::SettingsUnsaved, err.to_string()))?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let (mut file, temporary) =
            econnect_api::local_file::create_temp(folder, "settings", "json.tmp")
                .map_err(unsaved)?;
        let written = std::io::Write::write_all(&mut file, &json).and_then(|()| file.sync_all());
        drop(file);
        // Replacing the settings file is the point here (the new one is complete).
        let result = written.and_then(|()| std::fs::rename(&temporary, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result.map_err(unsaved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_without_complaint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (settings, problem) = DesktopSettings::load(&DesktopSettings::path_in(dir.path()));
        assert_eq!(settings, DesktopSettings::default());
        assert!(settings.notifications.allows(NoticeKind::SignedOut));
        assert_eq!(problem, None);
    }

    #[test]
    fn saved_settings_load_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = DesktopSettings::path_in(&dir.path().join("nested"));
        let mut settings = DesktopSettings {
            language: Language::En,
            told_about_tray: true,
            ..Default::default()
        };
        settings.notifications.set(NoticeKind::FileSent, false);
        settings.save(&path).expect("save");
        let (loaded, problem) = DesktopSettings::load(&path);
        assert_eq!(problem, None);
        assert_eq!(loaded, settings);
        assert!(!loaded.notifications.allows(NoticeKind::FileSent));
        assert!(loaded.notifications.allows(NoticeKind::FileRefused));
    }

    #[test]
    fn theme_and_maintenance_schedule_survive_a_restart() {
        use crate::maintenance::{WeekDay, WeeklyWindow};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = DesktopSettings::path_in(dir.path());
        let mut settings = DesktopSettings {
            theme: Theme::Dark,
            ..Default::default()
        };
        settings.maintenance.weekly.push(WeeklyWindow {
            weekday: WeekDay::Saturday,
            start: "22:00".into(),
            minutes: 240,
        });
        settings.save(&path).expect("save");
        let (loaded, _) = DesktopSettings::load(&path);
        assert_eq!(loaded.theme, Theme::Dark);
        assert_eq!(loaded.maintenance, settings.maintenance);
        // An older file without these fields loads with no window and the OS theme.
        std::fs::write(&path, br#"{"language":"en"}"#).expect("write");
        let (old, problem) = DesktopSettings::load(&path);
        assert_eq!(problem, None);
        assert_eq!(old.theme, Theme::System);
        assert!(old.maintenance.weekly.is_empty());
    }

    #[test]
    fn damaged_file_gives_defaults_and_the_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = DesktopSettings::path_in(dir.path());
        std::fs::write(&path, b"{not json").expect("write");
        let (settings, problem) = DesktopSettings::load(&path);
        assert_eq!(settings, DesktopSettings::default());
        assert!(problem.is_some_and(|p| p.contains(SETTINGS_FILE)));
    }

    #[test]
    fn partial_file_keeps_defaults_for_the_rest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = DesktopSettings::path_in(dir.path());
        std::fs::write(
            &path,
            br#"{"notifications":{"invoiceReceived":false},"future":1}"#,
        )
        .expect("write");
        let (settings, problem) = DesktopSettings::load(&path);
        assert_eq!(problem, None);
        assert!(!settings.notifications.allows(NoticeKind::InvoiceReceived));
        assert!(settings.notifications.allows(NoticeKind::FileSent));
    }

    #[test]
    fn error_serialises_as_code_and_message() {
        let json = serde_json::to_value(DesktopError::new(DesktopErrorCode::UpdateFailed, "x"))
            .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "update_failed", "message": "x"})
        );
    }
}
