#!/usr/bin/env bash
# Runs the habits (scripts/habits.sh), then every test: Rust (all crates, incl. the IPC bindings drift check), the UI's Vitest
# tests and type check, the end-to-end tests that drive the real window over WebDriver, and
# the Windows build with the engine's tests under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing what is missing (skips what is there)"
bash scripts/deps.sh

step "UI: build (the app embeds ui/dist)"
npm --prefix ui run build

step "Habits: fmt, clippy, cargo-deny, comments"
bash scripts/habits.sh

step "UI: type check"
npm --prefix ui run check

step "UI: unit tests"
npm --prefix ui test

step "Rust: build"
cargo build --locked --workspace

# Everything below runs in one X display (Xvfb) and one D-Bus session with an unlocked
# gnome-keyring, so the keyring tests use a real Secret Service and the app a real window.
step "Rust tests, then the real window over WebDriver (Xvfb, D-Bus, unlocked keyring)"
xvfb-run -a -s "-screen 0 1280x860x24" dbus-run-session -- bash -c '
  set -euo pipefail
  # The keyring password only lives in this throwaway session.
  eval "$(echo -n ci | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  export GNOME_KEYRING_CONTROL ECONNECT_TEST_SECRET_SERVICE=1
  # All tests, then those that need this session'"'"'s Secret Service (ignored elsewhere).
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --locked --workspace --no-fail-fast
    cargo nextest run --locked --workspace --no-fail-fast --run-ignored only -E "test(/secret_service|os_keyring/)"
  else
    cargo test --locked --workspace --no-fail-fast
    cargo test --locked --workspace --no-fail-fast -- --ignored secret_service os_keyring
  fi
  echo "==> End to end"
  cd tests/e2e && npm test
'

# Built once for Windows; the engine's crates' tests run as Windows binaries under Wine.
step "Windows: cross-build and tests under Wine"
bash scripts/windows.sh
step "Windows: the installer (of the debug build), installed and removed under Wine"
PROFILE=debug bash scripts/package-windows.sh
bash tests/package/windows-installer.sh

# The release package, installed on a clean Debian (debootstrap) and started there.
step "Package: build the .deb, install it on a clean Debian 12, start the app"
bash tests/package/clean-debian.sh
