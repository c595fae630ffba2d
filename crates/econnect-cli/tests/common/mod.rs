//! Helpers shared by the CLI's process tests.

use std::path::{Path, PathBuf};

use econnect_api::{Client, Config, Credentials};
use econnect_sandbox::RunningSandbox;

/// A platform client signed in as the sandbox's demo administrator.
pub fn admin_client(sb: &RunningSandbox) -> Client {
    let url = url::Url::parse(&sb.url()).expect("url");
    Client::new(Config::new(
        url.clone(),
        url,
        Credentials::Password {
            username: econnect_sandbox::DEMO_USER.into(),
            password: econnect_sandbox::DEMO_PASSWORD.into(),
            client_id: econnect_sandbox::CLIENT_ID.into(),
            client_secret: econnect_sandbox::CLIENT_SECRET.into(),
        },
    ))
    .expect("client")
}

/// The XML files under `dir`, at any depth (received invoices go by organisation and month).
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(xml_files(&p));
            } else if p.extension().is_some_and(|x| x == "xml") {
                out.push(p);
            }
        }
    }
    out
}

/// Asks a child to stop as a service manager would: SIGTERM, after which it must end
/// cleanly. Windows has no such signal (a console control event reaches only processes
/// sharing the console), so the tests that call this are ignored there.
pub fn terminate(child: &std::process::Child) {
    #[cfg(unix)]
    {
        let pid = i32::try_from(child.id()).expect("pid");
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    }
    #[cfg(not(unix))]
    panic!("no SIGTERM for process {} on this OS", child.id());
}
