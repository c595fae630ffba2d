#!/usr/bin/env bash
# The habits CI holds, before any test runs: formatted, clippy-clean (the lints are in the
# top Cargo.toml's [workspace.lints]), dependencies checked by cargo-deny (deny.toml), and
# comments that say why rather than which issue.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (warnings are errors)"
cargo clippy --locked --workspace --all-targets -- -D warnings

say "cargo deny (advisories, bans, licenses, sources)"
if ! cargo deny --version 2>/dev/null | grep -q '^cargo-deny 0\.20\.'; then
  cargo install cargo-deny --locked --version '^0.20'
fi
bash scripts/advisory-db.sh
# cargo-deny's own offline mode would also stop cargo from fetching the crates of other
# platforms that the graph needs; the metadata is taken first, online, instead.
mkdir -p target
cargo metadata --locked --format-version 1 > target/cargo-metadata.json
cargo deny --offline --metadata-path target/cargo-metadata.json \
  check --hide-inclusion-graph advisories bans licenses sources

say "Comments say why, not which issue"
if grep -rnE '\((issues? [0-9]+|#[0-9]+)[,)]' crates src-tauri/src ui/src tests scripts Cargo.toml \
    --include='*.rs' --include='*.ts' --include='*.svelte' --include='*.mjs' --include='*.sh' \
    --include='*.toml' --exclude-dir=node_modules; then
  echo "Replace the issue references above by the reason." >&2
  exit 1
fi
