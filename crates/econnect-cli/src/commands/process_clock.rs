//! The benchmarks' two OS-specific measures: the process's CPU time, and writing dirty
//! pages to disk before a measured side. One working path per OS.

use std::time::Duration;

/// CPU time used so far by this whole process (every thread, SQLite's workers included);
/// zero where the OS does not say.
#[cfg(unix)]
pub(crate) fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes into it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// CPU time used so far by this whole process: user plus kernel time of `GetProcessTimes`.
#[cfg(windows)]
pub(crate) fn process_cpu_time() -> Duration {
    use windows_sys::Win32::Foundation::FILETIME;
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetProcessTimes};
    let zero = || FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero(), zero(), zero(), zero());
    // SAFETY: the pseudo-handle of the current process needs no closing; the four
    // FILETIMEs are valid and writable, and the call only writes into them.
    let ok = unsafe {
        GetProcessTimes(
            GetCurrentProcess(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        )
    };
    if ok == 0 {
        return Duration::ZERO;
    }
    // FILETIME durations count 100-nanosecond ticks.
    let ticks = |t: FILETIME| (u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime);
    Duration::from_nanos(
        ticks(kernel)
            .saturating_add(ticks(user))
            .saturating_mul(100),
    )
}

#[cfg(not(any(unix, windows)))]
pub(crate) fn process_cpu_time() -> Duration {
    Duration::ZERO
}

/// Writes every dirty page to disk before a measured side, so that it does not pay for
/// the write-back of the files of the side before it (on a shared disk that swung one
/// side's time by 2× between rounds).
#[cfg(unix)]
pub(crate) async fn flush_disk() {
    // SAFETY: sync() takes no arguments and has no failure to report.
    let _ = tokio::task::spawn_blocking(|| unsafe { libc::sync() }).await;
}

/// Windows has no `sync()`: `FlushFileBuffers` on the volume of the temporary folder
/// (where the benchmarks write) does the same, but opening a volume for writing needs
/// administrator rights. Without them nothing is flushed, and the side after a large
/// write may pay for its write-back.
#[cfg(windows)]
pub(crate) async fn flush_disk() {
    let _ = tokio::task::spawn_blocking(|| {
        let Some(volume) = temp_volume() else {
            return;
        };
        if let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(volume)
        {
            // FlushFileBuffers on a volume handle flushes the whole volume.
            let _ = file.sync_all();
        }
    })
    .await;
}

/// `\\.\C:` for a temporary folder on `C:`; `None` for one on a network share.
#[cfg(windows)]
fn temp_volume() -> Option<String> {
    use std::path::{Component, Prefix};
    match std::env::temp_dir().components().next()? {
        Component::Prefix(p) => match p.kind() {
            Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => {
                Some(format!(r"\\.\{}:", char::from(letter)))
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(not(any(unix, windows)))]
pub(crate) async fn flush_disk() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = process_cpu_time();
        // Spin until the OS's clock has ticked (Windows counts in 15.6 ms steps).
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut x: u64 = 1;
        while process_cpu_time() <= before && std::time::Instant::now() < deadline {
            for i in 0..100_000u64 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
            }
        }
        assert!(process_cpu_time() > before, "no CPU time was counted");
    }
}
