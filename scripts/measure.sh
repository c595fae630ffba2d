#!/usr/bin/env bash
# Measures the app on this machine: time from launch to first paint, and the idle memory
# of all its processes (the app, WebKitWebProcess, WebKitNetworkProcess) with the window
# open, after it was closed to the tray, and when it was started at login into the tray.
#   bash scripts/measure.sh [APP_BINARY]     (default: target/debug/econnect-desktop)
# Runs itself under Xvfb and a private D-Bus session when there is no display. A release
# binary needs ECONNECT_TEST_CONTROLS=1 (set here) to accept `--close-window`.
set -euo pipefail
cd "$(dirname "$0")/.."
app="$(realpath "${1:-${ECONNECT_APP:-target/debug/econnect-desktop}}")"
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x860x24" dbus-run-session -- bash "$0" "$app"
fi
SETTLE="${SETTLE:-10}"   # seconds of idle before each memory reading

home="$(mktemp -d)"
export ECONNECT_HOME="$home" XDG_DATA_HOME="$home/xdg" XDG_CONFIG_HOME="$home/config" ECONNECT_TEST_CONTROLS=1

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
descendants() { # the process and all its descendants
  local all; all="$(ps -e -o pid=,ppid=)"
  local queue=("$1") out=()
  while [ ${#queue[@]} -gt 0 ]; do
    local p="${queue[0]}"; queue=("${queue[@]:1}"); out+=("$p")
    while read -r child parent; do if [ "$parent" = "$p" ]; then queue+=("$child"); fi; done <<<"$all"
  done
  echo "${out[@]}"
}
memory() { # prints per-process RSS/PSS and the totals in MB
  local label="$1" rss_total=0 pss_total=0
  for p in $(descendants "$pid"); do
    [ -r "/proc/$p/status" ] || continue
    local name rss pss
    name="$(cat "/proc/$p/comm")"
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")"
    pss="$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)"
    rss_total=$((rss_total + ${rss:-0})); pss_total=$((pss_total + ${pss:-0}))
    printf '  %-22s pid %-7s RSS %6d kB  PSS %6d kB\n' "$name" "$p" "${rss:-0}" "${pss:-0}"
  done
  printf '%s: RSS total %d MB, PSS total %d MB\n' "$label" $((rss_total / 1024)) $((pss_total / 1024))
}
window_id() { { xwininfo -name "eConnect Desktop" 2>/dev/null || true; } | awk '/Window id:/ {print $4}'; }

start="$(now_ms)"
"$app" >"$home/app.out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT

# First paint: the window exists and shows more than a blank fill (many colours: text).
painted=""
while [ -z "$painted" ]; do
  if [ $(( $(now_ms) - start )) -gt 60000 ]; then echo "no paint within 60 s" >&2; exit 1; fi
  id="$(window_id)"
  if [ -n "$id" ]; then
    colours="$(import -window "$id" png:- 2>/dev/null | convert - -format %k info: 2>/dev/null || echo 0)"
    if [ "${colours:-0}" -gt 50 ]; then painted="$(now_ms)"; fi
  fi
  if [ -z "$painted" ]; then sleep 0.05; fi
done
echo "binary: $app"
echo "launch to first paint: $((painted - start)) ms (polled screenshots, ~100 ms resolution)"

sleep "$SETTLE"
memory "idle, window open"

"$app" --close-window
while [ -n "$(window_id)" ]; do sleep 0.1; done
sleep "$SETTLE"
memory "idle, window closed to the tray"

"$app" --tray-menu=quit || true
wait "$pid" || true

# A start at login (--hidden): the app goes straight to the tray and never loads a webview.
"$app" --hidden >"$home/app-hidden.out" 2>&1 &
pid=$!
sleep "$SETTLE"
memory "idle, started at login into the tray"
"$app" --tray-menu=quit || true
wait "$pid" || true
