#!/usr/bin/env bash
# Puts the RustSec advisory database where cargo-deny looks (deny.toml: db-path), as a git
# repository whose one commit carries the snapshot's own date, so cargo-deny judges its age
# honestly. The snapshot lives in .ci/advisory-db (CC0; commit and date in SNAPSHOT) because
# CI machines reach the package registries only, not GitHub. With --refresh, where GitHub
# can be reached, it replaces the snapshot by the newest database.
set -euo pipefail
cd "$(dirname "$0")/.."
src=.ci/advisory-db
db=target/advisory-dbs/advisory-db-3157b0e258782691

if [[ "${1:-}" == "--refresh" ]]; then
  tmp=$(mktemp -d)
  git clone -q --depth 1 https://github.com/rustsec/advisory-db "$tmp"
  rm -rf "$src/crates" "$src/rust"
  cp -r "$tmp/crates" "$tmp/rust" "$tmp/LICENSE.txt" "$tmp/README.md" "$src/"
  git -C "$tmp" log -1 --format='%H%n%cI' > "$src/SNAPSHOT"
  rm -rf "$tmp"
fi

stamp=$(sed -n 2p "$src/SNAPSHOT")
if [[ -f "$db/.snapshot" ]] && cmp -s "$db/.snapshot" "$src/SNAPSHOT"; then
  exit 0
fi
rm -rf "$db"
mkdir -p "$db"
cp -r "$src/crates" "$src/rust" "$db/"
git -C "$db" init -q
git -C "$db" add crates rust
GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" \
  git -C "$db" -c user.name=rustsec -c user.email=rustsec@localhost \
  commit -q -m "RustSec advisory-db $(sed -n 1p "$src/SNAPSHOT")"
cp "$src/SNAPSHOT" "$db/.snapshot"
