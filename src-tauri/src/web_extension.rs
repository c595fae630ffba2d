//! Where WebKitGTK finds the app's web process extension (`econnect-web-extension`: the
//! window's web process gives back its start-up pages once settled, about 35 MB).
//!
//! The package installs it alone in `/usr/lib/econnect-desktop/web-extensions/`, beside
//! `/usr/bin` (the same inside the AppImage). A build from source has it beside the binary
//! (`cargo build --workspace`), among other files; WebKit loads every library in the
//! directory it is given, so the app then links it into a directory of its own in the data
//! folder. Without it the window works the same, only heavier.

use std::path::{Path, PathBuf};

/// The library's file name, as cargo builds it and the package installs it.
const LIBRARY: &str = "libeconnect_web_extension.so";

/// The web extensions directory to give WebKit for the main window, if there is one;
/// `data_folder` is the engine's, where a build from source gets its link.
pub fn directory(data_folder: &Path) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    match choose(exe.parent()?, data_folder) {
        Ok(Some(dir)) => Some(dir),
        Ok(None) => {
            tracing::info!(
                "no web process extension beside the app; the window's web process keeps its start-up pages"
            );
            None
        }
        Err(err) => {
            tracing::warn!("the web process extension could not be set up: {err}");
            None
        }
    }
}

/// The installed directory (`<prefix>/lib/econnect-desktop/web-extensions` for a binary in
/// `<prefix>/bin`), else a directory of its own in `data_folder` linking to the library
/// built beside the binary, else none.
fn choose(exe_dir: &Path, data_folder: &Path) -> std::io::Result<Option<PathBuf>> {
    if let Some(prefix) = exe_dir.parent() {
        let installed = prefix.join("lib/econnect-desktop/web-extensions");
        if installed.join(LIBRARY).is_file() {
            return Ok(Some(installed));
        }
    }
    let built = exe_dir.join(LIBRARY);
    if !built.is_file() {
        return Ok(None);
    }
    let own = data_folder.join("web-extensions");
    std::fs::create_dir_all(&own)?;
    let link = own.join(LIBRARY);
    if std::fs::read_link(&link).is_ok_and(|target| target == built) {
        return Ok(Some(own));
    }
    // A link made aside and renamed over the old one: a second instance starting at the
    // same moment (the tray hand-over) never sees the directory without it.
    let aside = own.join(format!(".{LIBRARY}.{}", std::process::id()));
    let _ = std::fs::remove_file(&aside);
    std::os::unix::fs::symlink(&built, &aside)?;
    std::fs::rename(&aside, &link)?;
    Ok(Some(own))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installed_library_first_else_the_built_one_linked_alone_else_none() {
        let root = tempfile::tempdir().expect("temp dir");
        let data = root.path().join("data");
        // A build from source: the library among the build's other files.
        let build = root.path().join("target/debug");
        std::fs::create_dir_all(&build).expect("build dir");
        assert_eq!(choose(&build, &data).expect("nothing to link"), None);
        std::fs::write(build.join(LIBRARY), b"\x7fELF").expect("library");
        std::fs::write(build.join("libother.so"), b"\x7fELF").expect("other library");
        let own = choose(&build, &data).expect("linked").expect("a directory");
        assert_eq!(own, data.join("web-extensions"));
        let listed: Vec<_> = std::fs::read_dir(&own)
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            listed,
            [LIBRARY],
            "only the extension, nothing else WebKit would load"
        );
        assert_eq!(
            std::fs::read_link(own.join(LIBRARY)).expect("a link"),
            build.join(LIBRARY)
        );

        // Another build (moved checkout): the link follows it.
        let other = root.path().join("elsewhere/release");
        std::fs::create_dir_all(&other).expect("other build");
        std::fs::write(other.join(LIBRARY), b"\x7fELF").expect("library");
        choose(&other, &data).expect("relinked");
        assert_eq!(
            std::fs::read_link(own.join(LIBRARY)).expect("a link"),
            other.join(LIBRARY)
        );

        // Installed: /usr/bin/econnect-desktop with /usr/lib/econnect-desktop/web-extensions.
        let usr = root.path().join("usr");
        let installed = usr.join("lib/econnect-desktop/web-extensions");
        std::fs::create_dir_all(usr.join("bin")).expect("bin");
        std::fs::create_dir_all(&installed).expect("lib");
        std::fs::write(installed.join(LIBRARY), b"\x7fELF").expect("library");
        std::fs::write(usr.join("bin").join(LIBRARY), b"\x7fELF").expect("stray library");
        assert_eq!(
            choose(&usr.join("bin"), &data).expect("found"),
            Some(installed)
        );
    }
}
