#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (.cargo/config.toml): runs a Windows binary
# under Wine in a throwaway prefix of our own, set up once under the target folder.
#
# Wine 8 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng Rust's standard
# library calls for random numbers on Windows; the prefix gets a one-function stand-in
# built from scripts/wine/bcryptprimitives.c.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Cargo runs test binaries in their crate's folder: a relative target folder is the
# workspace's.
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$(cd "$here/.." && pwd)/$target_dir" ;; esac
export WINEPREFIX="${ECONNECT_WINEPREFIX:-$target_dir/wine-prefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
# No Mono or Gecko install prompts: the tests need neither .NET nor a browser engine.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
export WINEARCH=win64

wine64="$(command -v wine64 || true)"
[ -n "$wine64" ] || wine64=/usr/lib/wine/wine64
if [ ! -x "$wine64" ]; then
    echo "wine-run: wine64 not found (apt-get install wine64)" >&2
    exit 127
fi

stub="$here/wine/bcryptprimitives.c"
ready="$WINEPREFIX/.econnect-ready"
mkdir -p "$(dirname "$WINEPREFIX")"
# One setup even when several cargo runs start at once.
exec 9>"$WINEPREFIX.lock"
flock 9
if [ ! -f "$ready" ] || [ "$stub" -nt "$ready" ]; then
    "$wine64" wineboot --init >/dev/null 2>&1
    "$(dirname "$wine64")/wineserver" -w 2>/dev/null || wineserver -w 2>/dev/null || true
    x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        "$stub" "$here/wine/bcryptprimitives.def" -ladvapi32
    touch "$ready"
fi
flock -u 9
exec 9>&-

exec "$wine64" "$@"
