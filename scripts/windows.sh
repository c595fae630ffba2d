#!/usr/bin/env bash
# Windows on Linux: cross-builds the whole workspace (the desktop app included) for
# x86_64-pc-windows-gnu once, then runs every crate's tests as Windows binaries under Wine
# (.cargo/config.toml's runner, scripts/wine-run.sh): one Wine process per test binary,
# one wineserver for all of them. The app's own tests need no WebView2 (Wine has none):
# they check its IPC bindings, updater signatures and handed-over files. Needs
# scripts/deps.sh (mingw, wine64, the target).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TARGET=x86_64-pc-windows-gnu

[ -d ui/dist ] || { echo "ui/dist is missing: npm --prefix ui run build first" >&2; exit 1; }
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac

start=$(date +%s)
# Everything in one feature set: the app, the CLI and every test binary. Building a
# subset (-p ...) or without the tests' dev-dependencies unifies crate features
# differently and compiles most dependencies a second time (13 of 29 minutes here).
cargo build --locked --target "$TARGET" --workspace --all-targets
# mingw links WebView2Loader.dll dynamically: the app and its test binary load it from
# beside them, and the build leaves it in the profile folder only.
cp "$target_dir/$TARGET/debug/WebView2Loader.dll" "$target_dir/$TARGET/debug/deps/"
built=$(date +%s)

# One wineserver for every test binary (each would otherwise start and stop its own).
export WINEPREFIX="${ECONNECT_WINEPREFIX:-$target_dir/wine-prefix}"
wineserver=/usr/lib/wine/wineserver64
command -v wineserver >/dev/null && wineserver=$(command -v wineserver)
# Sets the prefix up (once), lets that run's server go, then starts the one that stays: a
# second server for a prefix refuses to start while the first still lingers.
scripts/wine-run.sh cmd /c exit 0
"$wineserver" -w
"$wineserver" -p
trap '"$wineserver" -k 2>/dev/null || true' EXIT

cargo test --locked --target "$TARGET" --workspace --no-fail-fast
done_at=$(date +%s)
echo "Windows: built in $((built - start)) s, tests under Wine in $((done_at - built)) s"
