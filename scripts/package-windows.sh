#!/usr/bin/env bash
# Builds the Windows app on Linux: econnect-desktop.exe for x86_64-pc-windows-gnu (mingw),
# as a zip that runs where it is unpacked and as a per-user installer made with Debian's
# makensis from packaging/windows/installer.nsi. Output: <target>/x86_64-pc-windows-gnu/
# <profile>/bundle/. PROFILE=release by default; PROFILE=debug packs the debug build (CI
# checks the installer with it, quickly). Needs scripts/deps.sh (mingw, nsis, the target).
#
# Not Tauri's NSIS bundler: on Linux it downloads its NSIS plugin from GitHub while it
# builds, and our build downloads nothing. Not signed: Authenticode needs the release
# certificate (osslsigncode can apply it on Linux), so SmartScreen warns until it is.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TARGET=x86_64-pc-windows-gnu
profile="${PROFILE:-release}"
[ -d ui/dist ] || npm --prefix ui run build

fast=()
if [ "$profile" = debug ]; then
  # The build scripts/windows.sh made, with the same arguments so that nothing is built
  # again (a debug build serves ui/dist without the feature).
  cargo build --locked --target "$TARGET" --workspace --all-targets
  fast=(-DFAST)
else
  cargo build --locked --target "$TARGET" -p econnect-desktop --features custom-protocol --profile "$profile"
fi

target_dir="${CARGO_TARGET_DIR:-target}"
out_dir="$target_dir/$TARGET/$profile"
exe="$out_dir/econnect-desktop.exe"
bundle="$out_dir/bundle"
version="$(node -p "require('./tauri.conf.json').version")"
mkdir -p "$bundle"

zip_path="$bundle/eConnect-Desktop-$version-windows-x64.zip"
rm -f "$zip_path"
# mingw links WebView2Loader.dll dynamically: without it beside the app, Windows refuses
# to start it ("WebView2Loader.dll was not found").
loader="$out_dir/WebView2Loader.dll"
zip -j -q "$zip_path" "$exe" "$loader"

setup="$bundle/eConnect-Desktop-$version-setup-x64.exe"
makensis -V2 -INPUTCHARSET UTF8 "${fast[@]}" \
  "-DAPP_EXE=$(realpath "$exe")" "-DLOADER=$(realpath "$loader")" "-DVERSION=$version" "-DOUT=$(realpath -m "$setup")" \
  "-DICON=$(realpath icons/icon.ico)" packaging/windows/installer.nsi

echo "package-windows.sh: $zip_path"
echo "package-windows.sh: $setup"
