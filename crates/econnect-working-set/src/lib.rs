//! Gives back the memory pages a settled process no longer uses, and says when to do it
//! again.
//!
//! A process that links WebKitGTK loads and relocates its libraries (and their
//! dependencies, such as flite's voices) and runs their start-up code once; WebKit's web
//! process also reads much of WebKit and JavaScriptCore to lay out and draw the first page.
//! Those clean file pages stay resident, mapped by that process alone, for as long as it
//! idles, although nothing reads them again until the user does something. Once the
//! process has settled it asks the kernel to reclaim them (`MADV_PAGEOUT`); whatever is
//! used later faults back in from the file. Pages other processes also map are left alone
//! by the kernel, and anonymous (dirty) memory cannot be paged out without swap, so this
//! changes no data. Linux only: elsewhere [`release`] does nothing.

use std::time::Duration;

/// How long after starting (into the tray, or opening a window) a process has settled:
/// the tray is drawn or the first page painted (0.4–0.8 s, `scripts/measure.sh`), the
/// session restored, the folders scanned. The first [`release`] comes then.
pub const SETTLED: Duration = Duration::from_secs(3);

/// Asks the kernel to reclaim the clean file pages this process maps, and glibc to return
/// the heap pages freed since; the size of the file mappings so advised, in bytes.
#[cfg(target_os = "linux")]
pub fn release() -> std::io::Result<usize> {
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    let mut asked = 0usize;
    for (start, len) in maps.lines().filter_map(read_only_file_mapping) {
        // SAFETY: the range is one of this process's own mappings, as /proc/self/maps lists
        // it; MADV_PAGEOUT is advice: clean file pages are dropped and read again on use,
        // nothing is unmapped and no memory's contents change. A mapping that went away
        // since the read makes the call fail (ENOMEM), which is counted out, not an error.
        if unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_PAGEOUT) } == 0 {
            asked += len;
        }
    }
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only walks glibc's own heap bookkeeping; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
    Ok(asked)
}

/// Does nothing: the pages this gives back on Linux are the OS's business elsewhere.
#[cfg(not(target_os = "linux"))]
pub fn release() -> std::io::Result<usize> {
    Ok(0)
}

/// The CPU time (user and system) this process has used so far.
#[cfg(unix)]
pub fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` into the buffer it is given, which is ours and
    // of that type; RUSAGE_SELF cannot fail on a valid pointer.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The CPU time this process has used: not measured here (the release is Linux only).
#[cfg(not(unix))]
pub fn cpu_time() -> Duration {
    Duration::ZERO
}

/// A `/proc/self/maps` line's range when it maps a file read-only (code, constants,
/// relocated tables): start and length. Writable and anonymous mappings are skipped.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn read_only_file_mapping(line: &str) -> Option<(usize, usize)> {
    let mut fields = line.split_whitespace();
    let range = fields.next()?;
    let perms = fields.next()?;
    let _offset = fields.next()?;
    let _device = fields.next()?;
    let inode = fields.next()?;
    let path = fields.next()?;
    if inode == "0" || !perms.starts_with('r') || perms.as_bytes().get(1) != Some(&b'-') {
        return None;
    }
    if path.starts_with('[') {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    (end > start).then_some((start, end - start))
}

/// When a long-lived process should give its pages back again: after a minute of work
/// (the user opened screens, which read code back in), at the first quiet minute. Quiet
/// minutes alone never ask for it: an idle page still ticks over a little (the web process
/// of an idle window uses 0.1–0.4 s of CPU a minute), and releasing then would only make it
/// read those pages again. Fed the process's CPU time once per [`IdleRelease::CHECK`].
#[derive(Debug)]
pub struct IdleRelease {
    last_cpu: Duration,
    worked: bool,
}

impl IdleRelease {
    /// How often the process looks: a wake-up a minute costs nothing worth measuring.
    pub const CHECK: Duration = Duration::from_secs(60);
    /// More CPU than this in one check is work (a few screens opened); less is quiet.
    const QUIET: Duration = Duration::from_secs(1);

    /// Starts counting from a release just made, at `cpu_now`.
    pub fn after_release(cpu_now: Duration) -> Self {
        Self {
            last_cpu: cpu_now,
            worked: false,
        }
    }

    /// One check with the process's CPU time now: whether to release now.
    pub fn due(&mut self, cpu_now: Duration) -> bool {
        let used = cpu_now.saturating_sub(self.last_cpu);
        self.last_cpu = cpu_now;
        if used > Self::QUIET {
            self.worked = true;
            return false;
        }
        std::mem::take(&mut self.worked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_file_mappings_are_released() {
        let code = "7f00a000-7f00c000 r-xp 00001000 fd:01 123 /usr/lib/libwebkit2gtk-4.1.so.0";
        assert_eq!(read_only_file_mapping(code), Some((0x7f00_a000, 0x2000)));
        let data = "7f00c000-7f00d000 rw-p 00003000 fd:01 123 /usr/lib/libwebkit2gtk-4.1.so.0";
        assert_eq!(read_only_file_mapping(data), None, "writable: data");
        let heap = "55d000-57e000 rw-p 00000000 00:00 0 [heap]";
        assert_eq!(read_only_file_mapping(heap), None);
        let anon = "7f00e000-7f00f000 r--p 00000000 00:00 0";
        assert_eq!(read_only_file_mapping(anon), None, "anonymous");
        let vdso = "7ffd000-7ffe000 r-xp 00000000 00:00 0 [vdso]";
        assert_eq!(read_only_file_mapping(vdso), None);
        let guard = "7f00f000-7f010000 ---p 00000000 fd:01 123 /usr/lib/libx.so";
        assert_eq!(
            read_only_file_mapping(guard),
            None,
            "no access: nothing resident"
        );
    }

    #[test]
    fn releases_again_at_the_first_quiet_minute_after_work_and_never_while_idle() {
        let ms = Duration::from_millis;
        let mut idle = IdleRelease::after_release(ms(1_000));
        // An idle page ticking over for ten minutes: nothing was read back, nothing to give.
        let mut cpu = 1_000;
        for _ in 0..10 {
            cpu += 400;
            assert!(!idle.due(ms(cpu)), "idle at {cpu} ms");
        }
        // The user works for two minutes, then leaves it.
        cpu += 1_500;
        assert!(!idle.due(ms(cpu)), "still working");
        cpu += 4_000;
        assert!(!idle.due(ms(cpu)), "still working");
        cpu += 300;
        assert!(idle.due(ms(cpu)), "quiet after work: release");
        cpu += 300;
        assert!(!idle.due(ms(cpu)), "released already");
        // A CPU clock that does not move (or goes back) is quiet, not a panic.
        assert!(!idle.due(ms(cpu - 50)));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_release_advises_this_process_s_own_code_and_counts_cpu() {
        let before = cpu_time();
        let asked = release().expect("reads /proc/self/maps");
        // The test binary's own code at least is a read-only file mapping.
        assert!(asked > 0, "nothing advised");
        // Still runs after its code was paged out: it faults back in.
        assert!(read_only_file_mapping("1-2 r--p 0 0:1 5 /x").is_some());
        assert!(cpu_time() >= before);
    }
}
