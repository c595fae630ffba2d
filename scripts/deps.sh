#!/usr/bin/env bash
# Installs what building, running and testing eConnect Desktop needs and is missing:
# system libraries (apt on Debian/Ubuntu), the UI's and the E2E tests' npm packages, and
# tauri-driver. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Build: WebKitGTK, tray, SVG, xdo. Tests: Xvfb, WebKitWebDriver, a D-Bus session with
# a Secret Service (gnome-keyring), ImageMagick for screenshots of the X display.
# Windows from Linux: mingw links the Windows build, Wine runs its tests, NSIS makes the
# installer, zip and unzip the zip that runs without it.
APT_PACKAGES=(
  build-essential curl file pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb webkit2gtk-driver dbus-x11 gnome-keyring imagemagick
  gcc-mingw-w64-x86-64 wine64 nsis zip unzip
)

install_system_packages() {
  case "$(uname -s)" in
    Linux)
      if ! command -v apt-get >/dev/null; then
        say "Not Debian/Ubuntu: install the equivalents of: ${APT_PACKAGES[*]}"
        return
      fi
      local missing=()
      for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
      done
      if ((${#missing[@]})); then
        say "apt: installing ${missing[*]}"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
      fi
      ;;
    Darwin)
      xcode-select -p >/dev/null 2>&1 || { say "Installing Xcode command line tools"; xcode-select --install; }
      ;;
    *)
      say "Windows: install the Microsoft C++ Build Tools and WebView2 (see README)."
      ;;
  esac
}

require() {
  command -v "$1" >/dev/null || { echo "Missing $1: $2" >&2; exit 1; }
}

install_system_packages
require cargo "install Rust with rustup (https://rustup.rs)"
require npm "install Node.js 20 or newer (https://nodejs.org)"

# The Windows target of the toolchain (scripts/windows.sh cross-builds with it).
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  say "rustup: adding the x86_64-pc-windows-gnu target"
  rustup target add x86_64-pc-windows-gnu
fi

say "npm: UI packages"
npm ci --prefix ui --no-audit --no-fund --loglevel=error
say "npm: end-to-end test packages"
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error

# tauri-driver drives the real window in the E2E tests (Linux and Windows only).
if [[ "$(uname -s)" != Darwin ]] && ! command -v tauri-driver >/dev/null; then
  say "cargo: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
