//! Whether this install can update itself. The updater replaces the running bundle, which
//! works for an AppImage, the Windows installer and a macOS app, but not for files a
//! package manager owns (a .deb under /usr) or a developer's build.

use std::path::Path;

use serde::Serialize;

/// How the running app was installed, as far as it can be told from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InstallKind {
    /// A Linux AppImage (`APPIMAGE` is set by its runtime).
    AppImage,
    /// Installed by a package manager (a .deb, under /usr or /opt).
    SystemPackage,
    /// Windows or macOS bundle.
    Bundle,
    /// Anything else, e.g. a build run from the source tree.
    Unpackaged,
}

/// Whether the updater may run, and if not, why (the UI explains it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum UpdateSupport {
    /// The app can download and install its own updates.
    SelfUpdate,
    /// The package manager updates the app (e.g. `apt upgrade`).
    ByPackageManager,
    /// A development or unpackaged build: no updates.
    NotPackaged,
}

/// Tells the install kind from the OS, the executable's path and `APPIMAGE`.
pub fn install_kind(os: &str, exe: &Path, appimage: Option<&str>) -> InstallKind {
    match os {
        "linux" if appimage.is_some_and(|p| !p.is_empty()) => InstallKind::AppImage,
        "linux" if exe.starts_with("/usr") || exe.starts_with("/opt") => InstallKind::SystemPackage,
        "linux" => InstallKind::Unpackaged,
        _ if exe.components().any(|c| c.as_os_str() == "target") => InstallKind::Unpackaged,
        _ => InstallKind::Bundle,
    }
}

impl InstallKind {
    /// What the updater may do for this kind of install.
    pub fn update_support(self) -> UpdateSupport {
        match self {
            InstallKind::AppImage | InstallKind::Bundle => UpdateSupport::SelfUpdate,
            InstallKind::SystemPackage => UpdateSupport::ByPackageManager,
            InstallKind::Unpackaged => UpdateSupport::NotPackaged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deb_under_usr_bin_is_updated_by_apt() {
        let kind = install_kind("linux", Path::new("/usr/bin/econnect-desktop"), None);
        assert_eq!(kind, InstallKind::SystemPackage);
        assert_eq!(kind.update_support(), UpdateSupport::ByPackageManager);
    }

    #[test]
    fn an_appimage_updates_itself_wherever_it_is_mounted() {
        let kind = install_kind(
            "linux",
            Path::new("/tmp/.mount_eConnXY/usr/bin/econnect-desktop"),
            Some("/home/a/eConnect.AppImage"),
        );
        assert_eq!(kind, InstallKind::AppImage);
        assert_eq!(kind.update_support(), UpdateSupport::SelfUpdate);
    }

    #[test]
    fn a_build_from_the_source_tree_does_not_update() {
        let exe = Path::new("/work/target/debug/econnect-desktop");
        assert_eq!(
            install_kind("linux", exe, Some("")),
            InstallKind::Unpackaged
        );
        assert_eq!(
            install_kind("windows", exe, None).update_support(),
            UpdateSupport::NotPackaged
        );
    }

    #[test]
    fn windows_and_macos_bundles_update_themselves() {
        let exe = Path::new("/Applications/eConnect Desktop.app/Contents/MacOS/econnect-desktop");
        assert_eq!(
            install_kind("macos", exe, None).update_support(),
            UpdateSupport::SelfUpdate
        );
    }
}
