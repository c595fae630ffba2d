//! What the app is and where it keeps its data.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{EngineError, ErrorCode};

/// Folder name under the OS data folder; also the bundle identifier's last part.
const DATA_FOLDER_NAME: &str = "eConnect Desktop";

/// Facts about this build, shown in Instellingen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version (from Cargo).
    pub version: String,
    /// Where the app keeps its database and logs.
    pub data_folder: String,
}

/// Reports the version and the data folder; `ECONNECT_HOME` overrides the OS default.
pub fn about(version: &str) -> Result<AppInfo, EngineError> {
    let folder = data_folder(std::env::var_os("ECONNECT_HOME").map(PathBuf::from))?;
    Ok(AppInfo {
        version: version.to_owned(),
        data_folder: folder.display().to_string(),
    })
}

/// The data folder: an explicit override, else the OS's per-user data folder.
pub fn data_folder(overridden: Option<PathBuf>) -> Result<PathBuf, EngineError> {
    if let Some(folder) = overridden.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(folder);
    }
    dirs::data_dir()
        .map(|d| d.join(DATA_FOLDER_NAME))
        .ok_or_else(|| {
            EngineError::new(
                ErrorCode::NoDataFolder,
                "the OS reports no per-user data folder",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_over_os_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let got = data_folder(Some(dir.path().to_path_buf())).expect("folder");
        assert_eq!(got, dir.path());
    }

    #[test]
    fn empty_override_falls_back_to_os_folder() {
        let got = data_folder(Some(PathBuf::new()));
        if let Ok(folder) = got {
            assert!(folder.ends_with(DATA_FOLDER_NAME), "{folder:?}");
        }
    }

    #[test]
    fn error_serialises_as_code_and_message() {
        let err = EngineError::new(ErrorCode::NoDataFolder, "x");
        let json = serde_json::to_value(&err).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "no_data_folder", "message": "x"})
        );
    }
}
