//! Windows: the per-user data folder and the Documents folder come from the Known Folders
//! (the shell's registry), not from environment variables such as `HOME` or `USERPROFILE`,
//! which a shell, an old installer or a roaming profile script may have set otherwise.
//! Runs as a Windows binary under Wine in CI.
#![cfg(windows)]
// A test may unwrap: a failure there is the test failing, with the place it failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use econnect_engine::about::data_folder;
use econnect_engine::receive::default_root;

const CHILD_MARKER: &str = "ECONNECT_TEST_KNOWN_FOLDERS_CHILD";

fn folders() -> String {
    format!(
        "{}\n{}",
        data_folder(None).unwrap().display(),
        default_root().display()
    )
}

#[test]
fn data_and_documents_folders_come_from_the_known_folders_not_the_environment() {
    if std::env::var_os(CHILD_MARKER).is_some() {
        print!("FOLDERS\n{}\nEND", folders());
        return;
    }
    let ours = folders();
    let data = data_folder(None).unwrap();
    assert!(
        data.ends_with(r"AppData\Roaming\eConnect Desktop"),
        "{}",
        data.display()
    );
    assert!(
        default_root().ends_with(r"Documents\eConnect"),
        "{}",
        default_root().display()
    );

    let elsewhere = r"C:\ergens-anders";
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "data_and_documents_folders_come_from_the_known_folders_not_the_environment",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_MARKER, "1")
        .env("HOME", elsewhere)
        .env("USERPROFILE", elsewhere)
        .env("APPDATA", format!(r"{elsewhere}\AppData\Roaming"))
        .env("LOCALAPPDATA", format!(r"{elsewhere}\AppData\Local"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    let theirs = text
        .split_once("FOLDERS\n")
        .and_then(|(_, rest)| rest.split_once("\nEND"))
        .map(|(folders, _)| folders)
        .unwrap_or_else(|| panic!("no folders in: {text}"));
    assert_eq!(theirs, ours, "the environment moved the folders");
}
