#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build the UI and the app, start it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
echo "==> Building the UI"
npm --prefix ui run build
echo "==> Building and starting eConnect Desktop"
# --workspace builds with the same features as the tests, so nothing is compiled twice.
cargo build --locked --workspace
exec "${CARGO_TARGET_DIR:-target}/debug/econnect-desktop" "$@"
