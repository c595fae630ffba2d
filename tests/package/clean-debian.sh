#!/usr/bin/env bash
# Installs the app's .deb on a clean Debian (a fresh `debootstrap --variant=minbase`
# bookworm) and starts it there: the package must bring every library the app needs.
#   bash tests/package/clean-debian.sh [path/to/app.deb]   (default: builds it with scripts/package.sh)
# Needs root (or sudo) for debootstrap and chroot, and Xvfb + ImageMagick on the host
# (scripts/deps.sh installs them). The window is shown on the host's Xvfb, through the X
# socket bound into the chroot; a screenshot goes to target/e2e/clean-debian.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"

deb="${1:-}"
if [ -z "$deb" ]; then
  say "Building the .deb (release)"
  bash scripts/package.sh >/dev/null
  deb="$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb | head -n 1)"
fi
deb="$(realpath "$deb")"

command -v debootstrap >/dev/null || { say "apt: installing debootstrap"; $sudo apt-get install -y -qq debootstrap >/dev/null; }

work="$(mktemp -d)"
root="$work/root"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do $sudo umount -l "${mounted[$i]}" 2>/dev/null || true; done
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  $sudo rm -rf "$work"
}
trap cleanup EXIT

say "debootstrap: a clean Debian 12 (minbase) in $root"
$sudo debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log"; exit 1; }
for fs in proc sys dev dev/pts; do
  $sudo mount --bind "/$fs" "$root/$fs"; mounted+=("$root/$fs")
done
$sudo cp /etc/resolv.conf "$root/etc/resolv.conf"
$sudo cp "$deb" "$root/tmp/app.deb"
in_root() { $sudo chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

say "apt install ./app.deb (only what the package declares)"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/app.deb >/dev/null
missing="$(in_root bash -c 'ldd /usr/bin/econnect-desktop | grep "not found" || true')"
if [ -n "$missing" ]; then echo "libraries the .deb does not bring: $missing" >&2; exit 1; fi
# The shipped app has no test controls: the sandbox's /_sandbox/* routes exist only in
# builds with its test-controls feature, which the app never enables.
if in_root grep -qa "/_sandbox/faults" /usr/bin/econnect-desktop; then
  echo "the packaged app contains the sandbox's test controls" >&2; exit 1
fi

# Test tools only, installed after the check above so that they cannot hide a missing
# dependency: a session bus (single instance, Secret Service look-up) and xwininfo.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dbus x11-utils >/dev/null

say "Starting the installed app on Xvfb"
# Xvfb picks a free display itself and writes its number once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x860x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 & xvfb=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { cat "$work/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
display=":$(head -n 1 "$work/display")"
DISPLAY="$display" xwininfo -root >/dev/null || { echo "Xvfb on $display does not answer" >&2; exit 1; }
$sudo mkdir -p "$root/tmp/.X11-unix"
$sudo mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"; mounted+=("$root/tmp/.X11-unix")

# Inside: start the app, wait for its window, tell the host (ready), wait for the
# screenshot (go), then quit through the tray menu's handler, as a user would.
$sudo tee "$root/tmp/run-app.sh" >/dev/null <<'INNER'
set -euo pipefail
export ECONNECT_HOME=/tmp/econnect-home ECONNECT_TEST_CONTROLS=1
econnect-desktop >/tmp/app.log 2>&1 & app=$!
for _ in $(seq 600); do
  xwininfo -name "eConnect Desktop" >/dev/null 2>&1 && break
  kill -0 "$app" 2>/dev/null || { echo "the app exited:"; cat /tmp/app.log; exit 1; }
  sleep 0.1
done
xwininfo -name "eConnect Desktop" >/dev/null 2>&1 || { echo "no window within 60 s"; cat /tmp/app.log; exit 1; }
# The window's web process loads the packaged web process extension (it gives back the
# web process's start-up pages).
extension=/usr/lib/econnect-desktop/web-extensions/libeconnect_web_extension.so
for _ in $(seq 100); do grep -qs "$extension" /proc/[0-9]*/maps && break; sleep 0.1; done
grep -qs "$extension" /proc/[0-9]*/maps || { echo "the web process did not load $extension"; cat /tmp/app.log; exit 1; }
touch /tmp/ready
for _ in $(seq 600); do [ -e /tmp/go ] && break; sleep 0.1; done
econnect-desktop --tray-menu=quit
wait "$app"
INNER
in_root env DISPLAY="$display" dbus-run-session -- bash /tmp/run-app.sh & inner=$!

for _ in $(seq 700); do [ -e "$root/tmp/ready" ] && break; kill -0 "$inner" 2>/dev/null || break; sleep 0.1; done
[ -e "$root/tmp/ready" ] || { wait "$inner"; echo "the app did not show its window" >&2; exit 1; }

# Painted: the window shows text (many colours), not a blank fill. Give it up to 30 s.
mkdir -p "$repo/target/e2e"
shot="$repo/target/e2e/clean-debian.png"
colours=0
for _ in $(seq 60); do
  id="$(DISPLAY="$display" xwininfo -name "eConnect Desktop" | awk '/Window id:/ {print $4}')"
  DISPLAY="$display" import -window "$id" "$shot" 2>/dev/null || true
  colours="$(convert "$shot" -format %k info: 2>/dev/null || echo 0)"
  [ "$colours" -gt 50 ] && break
  sleep 0.5
done
$sudo touch "$root/tmp/go"
wait "$inner"
if [ "$colours" -le 50 ]; then echo "the window stayed blank ($colours colours); see $shot" >&2; exit 1; fi
say "The .deb installs on a clean Debian 12, its app starts, paints ($colours colours, $shot) and quits cleanly"
