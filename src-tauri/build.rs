//! tauri-build reads `tauri.conf.json` from its working directory; ours sits at the
//! repository root (the design card's layout), so the build script runs from there.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for watched in [
        "tauri.conf.json",
        "src-tauri/capabilities",
        "ui/dist",
        "icons",
        "src-tauri/windows-app-manifest.xml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    if let Err(err) = std::env::set_current_dir(&root) {
        panic!("cannot enter the repository root {}: {err}", root.display());
    }
    // Windows: our manifest adds long paths (longPathAware) to what Tauri's default says.
    let windows = tauri_build::WindowsAttributes::new()
        .app_manifest(include_str!("windows-app-manifest.xml"));
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .windows_attributes(windows);
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
