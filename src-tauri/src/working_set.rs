//! The process gives back the pages it only needed to start, or to open the window.
//!
//! Linking WebKitGTK means its libraries (and their dependencies, such as flite's voices)
//! are loaded and relocated at start even when no webview is ever made: the dynamic linker
//! reads their relocation tables and the start-up code runs once. Those clean file pages
//! stay resident, mapped by this process alone, for as long as it idles (about 25 MB in
//! the tray; with the window open 13 MB of the app's own binary alone), although nothing
//! reads them again. Once the process has settled it asks the kernel to reclaim them
//! (`MADV_PAGEOUT`); whatever is used later faults back in from the file. Pages other
//! processes share are left alone by the kernel, and anonymous (dirty) memory cannot be
//! paged out without swap, so this touches no data.

use std::time::Duration;

/// Start-up is over by then: the tray is drawn or the window painted (first paint takes
/// 0.4–0.7 s, `scripts/measure.sh`), the session restored, the folders scanned.
const SETTLED: Duration = Duration::from_secs(3);

/// Once the process has settled after starting into the tray or opening the window, gives
/// back the pages only that needed.
pub fn release_when_settled() {
    tauri::async_runtime::spawn(async {
        tokio::time::sleep(SETTLED).await;
        release();
    });
}

#[cfg(target_os = "linux")]
fn release() {
    let maps = match std::fs::read_to_string("/proc/self/maps") {
        Ok(maps) => maps,
        Err(err) => {
            tracing::warn!("cannot read this process's mappings: {err}");
            return;
        }
    };
    let mut asked = 0usize;
    for (start, len) in maps.lines().filter_map(read_only_file_mapping) {
        // SAFETY: the range is one of this process's own mappings, as /proc/self/maps lists
        // it; MADV_PAGEOUT is advice: clean file pages are dropped and read again on use,
        // nothing is unmapped and no memory's contents change.
        if unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_PAGEOUT) } == 0 {
            asked += len;
        }
    }
    // Heap pages freed while starting go back too; glibc keeps them otherwise.
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only walks glibc's own heap bookkeeping; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
    tracing::info!(
        "start-up pages released ({} MB of read-only file mappings)",
        asked / (1024 * 1024)
    );
}

#[cfg(not(target_os = "linux"))]
fn release() {}

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
}
