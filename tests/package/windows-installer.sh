#!/usr/bin/env bash
# The Windows installer under Wine: a silent per-user install puts the app, its
# uninstaller, the Start-menu entry, "Openen met" for .pdf/.xml, the start at sign-in and
# the Apps entry in place without administrator rights; the silent uninstall takes all of
# it away again and leaves the user's data. The app itself is not started: Wine has no
# WebView2. Instead every DLL the installed app imports must be beside it, in Windows
# (the prefix's system32) or an API set, and the zip must hold the same files. Usage: tests/package/windows-installer.sh [SETUP.exe] (default: the newest
# from scripts/package-windows.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
setup="${1:-$(ls -t "$target_dir"/x86_64-pc-windows-gnu/*/bundle/*-setup-x64.exe | head -1)}"
export WINEPREFIX="${ECONNECT_WINEPREFIX:-$target_dir/wine-prefix}"
wine=scripts/wine-run.sh
wineserver=/usr/lib/wine/wineserver64
command -v wineserver >/dev/null && wineserver=$(command -v wineserver)

fail() { echo "windows-installer: $*" >&2; exit 1; }
reg_has() { "$wine" reg query "$1" /v "$2" >/dev/null 2>&1; }

profile="$WINEPREFIX/drive_c/users/$(whoami)"
app="$profile/AppData/Local/Programs/eConnect Desktop"
menu="$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/eConnect Desktop.lnk"
uninstall='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\eu.econnect.desktop'
run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
pdf='HKCU\Software\Classes\.pdf\OpenWithProgids'
xml='HKCU\Software\Classes\.xml\OpenWithProgids'
open_with='HKCU\Software\Classes\Applications\econnect-desktop.exe\shell\open\command'
data="$profile/AppData/Roaming/eConnect Desktop/blijft.txt"

mkdir -p "$(dirname "$data")"
echo "van de gebruiker" > "$data"

echo "windows-installer: installing $(basename "$setup") silently"
"$wine" "$setup" /S
"$wineserver" -w
[ -f "$app/econnect-desktop.exe" ] || fail "no app in $app"
[ -f "$app/WebView2Loader.dll" ] || fail "no WebView2Loader.dll beside the app"
[ -f "$app/uninstall.exe" ] || fail "no uninstaller"
[ -f "$menu" ] || fail "no Start-menu entry"
reg_has "$uninstall" DisplayName || fail "no Apps entry"
reg_has "$uninstall" QuietUninstallString || fail "no quiet uninstall"
reg_has "$run" "eConnect Desktop" || fail "no start at sign-in"
reg_has "$pdf" eu.econnect.desktop.invoice || fail "not offered for .pdf"
reg_has "$xml" eu.econnect.desktop.invoice || fail "not offered for .xml"
"$wine" reg query "$open_with" /ve 2>/dev/null | grep -q 'econnect-desktop.exe" "%1"' || fail "no open command"

system32="$WINEPREFIX/drive_c/windows/system32"
for dll in $(x86_64-w64-mingw32-objdump -p "$app/econnect-desktop.exe" | awk '/DLL Name:/ {print $3}' | sort -uf); do
  case "${dll,,}" in api-ms-win-*) continue ;; esac
  [ -n "$(find "$app" "$system32" -maxdepth 1 -iname "$dll" -print -quit)" ] ||
    fail "the app imports $dll, which is neither beside it nor part of Windows"
done
zip_path="$(dirname "$setup")/$(basename "$setup" -setup-x64.exe)-windows-x64.zip"
listing="$(unzip -Z1 "$zip_path")"
for f in econnect-desktop.exe WebView2Loader.dll; do
  grep -qx "$f" <<<"$listing" || fail "$f is not in $(basename "$zip_path")"
done

echo "windows-installer: uninstalling silently"
"$wine" "$app/uninstall.exe" /S
"$wineserver" -w
[ ! -e "$app/econnect-desktop.exe" ] || fail "the app is still there"
[ ! -e "$app" ] || fail "the program folder is still there"
[ ! -e "$menu" ] || fail "the Start-menu entry is still there"
! reg_has "$uninstall" DisplayName || fail "the Apps entry is still there"
! reg_has "$run" "eConnect Desktop" || fail "still started at sign-in"
! reg_has "$pdf" eu.econnect.desktop.invoice || fail "still offered for .pdf"
[ -f "$data" ] || fail "the user's data went with the program"
rm -f "$data"
echo "windows-installer: ok"
