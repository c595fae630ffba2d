//! Closing the window hands the app over to a fresh tray-only process.
//!
//! On Linux, once WebKitGTK was loaded, a process keeps its code, Mesa's LLVM and the
//! WebKitNetworkProcess after the webview is gone: a closed window would still cost more
//! than twice a tray-only start. So when the window closes, this process starts the same
//! binary with [`HIDDEN_ARG`] and [`AFTER_ARG`], stops its engine (uploads in flight may
//! finish, within a limit) and exits. The successor waits until this process is gone
//! before it registers as the single instance or opens the engine, so there are never two
//! engines on one profile; it then restores the session and takes over the tray, the
//! watched folders and the notifications. An upload cut off by the limit is still in the
//! crash-safe outbox and is resumed; the platform answers a repeated document id with 409,
//! which counts as sent, so nothing is sent twice.
//!
//! A launch that reaches this process while it is leaving (a second launch with files, a
//! test control) is started again, told to wait for this process too, so it reaches the
//! successor instead of being lost.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use econnect_engine::Engine;
use tauri::{AppHandle, Manager};

use crate::plugins::HIDDEN_ARG;

/// `--after-pid=<pid>`: wait until that process (the predecessor) has exited before starting.
pub const AFTER_ARG: &str = "--after-pid";

/// How long uploads in flight may take to finish before the process leaves anyway; the
/// outbox resumes what was cut off.
const ENGINE_STOP_LIMIT: Duration = Duration::from_secs(15);

/// The process ends after this long even if the event loop never gets to exit, so a
/// successor waiting for it is never stuck behind it.
const EXIT_DEADLINE: Duration = Duration::from_secs(30);

/// Whether the process is leaving: handing over, or quitting.
#[derive(Default)]
pub struct HandOver {
    leaving: AtomicBool,
    quitting: AtomicBool,
}

impl HandOver {
    /// The app is quitting (Afsluiten): a window closing now is no reason to hand over.
    pub fn quitting(&self) {
        self.quitting.store(true, Ordering::SeqCst);
    }

    /// Whether a successor was started and this process is on its way out.
    pub fn leaving(&self) -> bool {
        self.leaving.load(Ordering::SeqCst)
    }
}

/// Whether processes hand over when the window closes (Linux only: the other platforms'
/// webviews were not measured to keep their memory after the window goes).
pub const ENABLED: bool = cfg!(target_os = "linux");

/// The window closed: start the tray-only successor, stop the engine, exit. When the
/// successor cannot be started, this process stays in the tray as it is.
pub fn start(app: &AppHandle) {
    let state = app.state::<HandOver>();
    if state.quitting.load(Ordering::SeqCst) || state.leaving.swap(true, Ordering::SeqCst) {
        return;
    }
    // Opened again before the hand-over began (from the tray, by a second launch): stay.
    if app.get_webview_window(crate::main_window::LABEL).is_some() {
        state.leaving.store(false, Ordering::SeqCst);
        return;
    }
    let args = [HIDDEN_ARG.to_string(), after_arg()];
    if let Err(err) = spawn_self(&args, None) {
        tracing::error!("could not start the tray process; this one stays: {err}");
        state.leaving.store(false, Ordering::SeqCst);
        return;
    }
    tracing::info!("main window closed: handing over to a tray-only process");
    // A deadline, not a wait: the successor waits for this process to end.
    std::thread::spawn(|| {
        std::thread::sleep(EXIT_DEADLINE);
        tracing::warn!("the app did not exit in time after the hand-over; ending it");
        std::process::exit(0);
    });
    let engine = app.state::<Engine>().inner().clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let stop = async {
            engine.outbox().stop().await;
            engine.close().await;
            // After the uploads in flight: their "verzonden" is told by this process.
            crate::notifier::flush(&app).await;
        };
        if tokio::time::timeout(ENGINE_STOP_LIMIT, stop).await.is_err() {
            tracing::warn!("uploads still running at the hand-over; the tray process resumes them");
        }
        tracing::info!("engine stopped; exiting for the tray process");
        app.exit(0);
    });
}

/// A launch that reached this process while it leaves: started again, after this process,
/// so it reaches the successor. Returns whether it was passed on.
pub fn pass_on(app: &AppHandle, argv: &[String], cwd: &Path) -> bool {
    if !app.state::<HandOver>().leaving() {
        return false;
    }
    match spawn_self(&passed_on(argv, std::process::id()), Some(cwd)) {
        Ok(()) => tracing::info!("a launch during the hand-over is passed on to the tray process"),
        Err(err) => tracing::error!("a launch during the hand-over was lost: {err}"),
    }
    true
}

/// "Openen" while this process leaves: a launch after it, which the successor answers by
/// showing its window. Returns whether it was passed on.
pub fn open_in_successor(app: &AppHandle) -> bool {
    if !app.state::<HandOver>().leaving() {
        return false;
    }
    match spawn_self(&[after_arg()], None) {
        Ok(()) => tracing::info!("opening the window is passed on to the tray process"),
        Err(err) => tracing::error!("could not pass on opening the window: {err}"),
    }
    true
}

fn after_arg() -> String {
    format!("{AFTER_ARG}={}", std::process::id())
}

/// A launch's arguments (without the program), told to wait for process `pid`.
fn passed_on(argv: &[String], pid: u32) -> Vec<String> {
    let mut args: Vec<String> = argv
        .iter()
        .skip(1)
        .filter(|arg| after_pid(arg).is_none())
        .cloned()
        .collect();
    args.push(format!("{AFTER_ARG}={pid}"));
    args
}

/// The pid in an [`AFTER_ARG`] argument.
fn after_pid(arg: &str) -> Option<i32> {
    arg.strip_prefix(AFTER_ARG)?.strip_prefix('=')?.parse().ok()
}

/// Starts this binary again with `args` and this process's environment.
fn spawn_self(args: &[String], cwd: Option<&Path>) -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    let mut command = Command::new(exe);
    command.args(args);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    // Its own process group: whoever ends this process's group (a terminal, a test
    // driver) does not end the tray app with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // Not waited for: it outlives this process, and init reaps it.
    command.spawn().map(drop)
}

/// Run first thing: when started by a leaving process ([`AFTER_ARG`]), waits until it is
/// gone, so its single-instance name, its engine and its hook port are free.
pub fn wait_for_predecessor() {
    let Some(pid) = std::env::args().find_map(|arg| after_pid(&arg)) else {
        return;
    };
    #[cfg(target_os = "linux")]
    wait_for_exit(pid);
    #[cfg(not(target_os = "linux"))]
    let _ = pid;
}

/// Blocks until process `pid`, this process's parent, has exited. A pidfd becomes
/// readable when the process ends, so this wakes at once, without polling.
#[cfg(target_os = "linux")]
fn wait_for_exit(pid: i32) {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let Ok(fd) = i32::try_from(fd) else {
        return;
    };
    if fd < 0 {
        // ESRCH: already gone. ENOSYS (a kernel before 5.3): fall back to the parent test.
        wait_for_exit_without_pidfd(pid);
        return;
    }
    // The predecessor is our parent; if it no longer is, it exited before the pidfd was
    // opened and the number may since name another process: nothing to wait for.
    // SAFETY: getppid has no arguments and cannot fail.
    if unsafe { libc::getppid() } == pid {
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd; -1 waits without a timeout (the predecessor has a
            // deadline of its own).
            let ready = unsafe { libc::poll(&mut poll, 1, -1) };
            if ready > 0
                || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                break;
            }
        }
    }
    // SAFETY: fd was opened above and is closed once.
    unsafe { libc::close(fd) };
}

/// Without pidfds: the predecessor is gone once this process was re-parented.
#[cfg(target_os = "linux")]
fn wait_for_exit_without_pidfd(pid: i32) {
    // SAFETY: getppid has no arguments and cannot fail.
    while unsafe { libc::getppid() } == pid {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passed_on_launch_keeps_its_arguments_and_waits_for_this_process() {
        let argv = ["app", "factuur.pdf", "--after-pid=12", "--tray-menu=open"].map(String::from);
        assert_eq!(
            passed_on(&argv, 345),
            ["factuur.pdf", "--tray-menu=open", "--after-pid=345"].map(String::from)
        );
    }

    #[test]
    fn only_a_well_formed_after_argument_names_a_pid() {
        assert_eq!(after_pid("--after-pid=4242"), Some(4242));
        assert_eq!(after_pid("--after-pid"), None);
        assert_eq!(after_pid("--after-pid=x"), None);
        assert_eq!(after_pid("--after-pidx=1"), None);
        assert_eq!(after_pid("factuur.pdf"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_that_is_not_the_parent_is_not_waited_for() {
        // Only a predecessor (the parent) is waited for; a pid that names another process
        // (the predecessor ended and the number was reused) must not hold the start.
        let mut other = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .expect("spawn sleep");
        let pid = i32::try_from(other.id()).expect("pid fits");
        wait_for_exit(pid);
        let still_running = other.try_wait().expect("try_wait").is_none();
        other.kill().expect("kill sleep");
        let _ = other.wait();
        assert!(
            still_running,
            "returned at once, while the other process runs"
        );
    }
}
