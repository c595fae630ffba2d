#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build the UI and the app, start it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
echo "==> Building the UI"
npm --prefix ui run build
echo "==> Building and starting eConnect Desktop"
exec cargo run --locked -p econnect-desktop -- "$@"
