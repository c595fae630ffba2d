#!/usr/bin/env bash
# Measures the app on this machine: time from launch to first paint, and the idle memory
# of all its processes (the app, WebKitWebProcess, WebKitNetworkProcess) with the window
# open, after it was closed to the tray (on Linux the app then hands over to a fresh
# tray-only process), the time from the tray's "Openen" to the reopened window's first
# paint, and the memory when it was started at login into the tray.
#   bash scripts/measure.sh [APP_BINARY]     (default: target/debug/econnect-desktop)
#   REOPENS=12 bash scripts/measure.sh …     (also closes and reopens it 12 times in all)
# Runs itself under Xvfb and a private D-Bus session when there is no display. A release
# binary needs ECONNECT_TEST_CONTROLS=1 (set here) to accept `--close-window` and
# `--tray-menu=…`.
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
processes() { # the app's processes of this run: the app binary or WebKit, with this data folder
  local dir p exe
  for dir in /proc/[0-9]*; do
    p="${dir#/proc/}"
    exe="$(readlink "$dir/exe" 2>/dev/null || true)"
    case "$exe" in "$app"|*/WebKit*) ;; *) continue ;; esac
    if tr '\0' '\n' <"$dir/environ" 2>/dev/null | grep -qx "ECONNECT_HOME=$home"; then echo "$p"; fi
  done
}
memory() { # prints per-process RSS/PSS and the totals in MB
  local label="$1" rss_total=0 pss_total=0
  for p in $(processes); do
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

# Waits until the main window shows more than a blank fill (many colours: text); prints
# the milliseconds since $1.
wait_for_paint() {
  local since="$1" id colours
  while :; do
    if [ $(( $(now_ms) - since )) -gt 60000 ]; then echo "no paint within 60 s" >&2; exit 1; fi
    id="$(window_id)"
    if [ -n "$id" ]; then
      colours="$(import -window "$id" png:- 2>/dev/null | convert - -format %k info: 2>/dev/null || echo 0)"
      if [ "${colours:-0}" -gt 50 ]; then echo $(( $(now_ms) - since )); return; fi
    fi
    sleep 0.05
  done
}
quit() { # Afsluiten from the tray, then wait until every process of the run is gone
  "$app" --tray-menu=quit || true
  while [ -n "$(processes)" ]; do sleep 0.1; done
}
trap 'for p in $(processes); do kill "$p" 2>/dev/null || true; done; rm -rf "$home"' EXIT

start="$(now_ms)"
"$app" >"$home/app.out" 2>&1 &
echo "binary: $app"
first="$(wait_for_paint "$start")"
echo "launch to first paint: $first ms (polled screenshots, ~100 ms resolution)"

sleep "$SETTLE"
memory "idle, window open"

app_pid() { # the run's app process (not WebKit's)
  local p
  for p in $(processes); do [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$app" ] && { echo "$p"; return; }; done
}
close_to_tray() { # the window's close handler, then the hand-over to a tray-only process
  local pid gone=0
  pid="$(app_pid)"
  "$app" --close-window
  while [ -n "$(window_id)" ]; do sleep 0.1; done
  for _ in $(seq 300); do
    case "$(ps -o stat= -p "$pid" 2>/dev/null)" in Z*|"") gone=1; break ;; esac
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
  if [ "$gone" = 1 ]; then echo "the window's process handed over to a tray-only one"; else echo "no hand-over: the window's process stayed" >&2; fi
  for _ in $(seq 300); do [ -n "$(app_pid)" ] && return; sleep 0.1; done
  echo "no app process in the tray after closing the window" >&2; exit 1
}
reopened=()
open_from_tray() { # "Openen" in the tray (a second launch's test control: Xvfb has no tray host)
  local reopen handed again
  reopen="$(now_ms)"
  "$app" --tray-menu=open
  handed="$(now_ms)"
  again="$(wait_for_paint "$reopen")"
  reopened+=("$again")
  echo "tray Openen to first paint: $again ms (incl. the second launch that passes the click on)"
  # A click on the tray icon starts no process: it starts where the second launch ends.
  echo "  of which after the second launch had passed it on: $(( reopen + again - handed )) ms"
}

close_to_tray
sleep "$SETTLE"
memory "idle, window closed to the tray"

open_from_tray
sleep "$SETTLE"
memory "idle, window reopened from the tray"
# REOPENS=N closes and reopens N times in all: a slow reopen may come one time in several.
for _ in $(seq 2 "${REOPENS:-1}"); do
  close_to_tray >/dev/null
  sleep 2   # the new tray process signs in and settles, as between a user's close and reopen
  open_from_tray >"$home/reopen.txt"   # not in a pipe: that would lose `reopened`
  head -1 "$home/reopen.txt"
done
if [ "${#reopened[@]}" -gt 1 ]; then
  sorted="$(printf '%s\n' "${reopened[@]}" | sort -n | tr '\n' ' ')"
  over="$(printf '%s\n' "${reopened[@]}" | awk '$1 > 1000' | wc -l)"
  echo "tray Openen to first paint over ${#reopened[@]} reopens: $sorted(ms; $over over 1 s)"
fi
quit

# A start at login (--hidden): the app goes straight to the tray and never loads a webview.
"$app" --hidden >"$home/app-hidden.out" 2>&1 &
sleep "$SETTLE"
memory "idle, started at login into the tray"
quit
