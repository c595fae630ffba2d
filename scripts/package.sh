#!/usr/bin/env bash
# Builds the Linux package: `.deb` here (BUNDLES=deb,appimage on a release machine; the
# AppImage bundler downloads its tools at build time). Output: $CARGO_TARGET_DIR (or
# target/)/release/bundle/. Updater artifacts are signed with TAURI_SIGNING_PRIVATE_KEY;
# when none is set, a throwaway key pair is made for this build and its public key
# replaces the committed one in the built app only (such a build is never published).
# A release build (RELEASE=1 or CI_RELEASE set) never does that: without the key it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# A release signed with a throwaway key would be refused by every installed app (its key
# is not the committed one), or, with the throwaway public key built in, would trust a key
# that is gone: either way the release channel breaks. So a release fails loudly instead.
if [ -n "${RELEASE:-}${CI_RELEASE:-}" ] && [ "${RELEASE:-}" != "0" ] && [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "package.sh: release build without TAURI_SIGNING_PRIVATE_KEY: refusing to sign with a throwaway key." >&2
  echo "package.sh: set TAURI_SIGNING_PRIVATE_KEY (and TAURI_SIGNING_PRIVATE_KEY_PASSWORD) to the release key, or unset RELEASE/CI_RELEASE for a test package." >&2
  exit 1
fi

bundles="${BUNDLES:-deb}"
extra=()
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  keys="$(mktemp -d)"
  npx --prefix ui tauri signer generate --ci -p "" -w "$keys/throwaway.key" >/dev/null
  TAURI_SIGNING_PRIVATE_KEY="$(cat "$keys/throwaway.key")"
  export TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
  extra=(--config "{\"plugins\":{\"updater\":{\"pubkey\":\"$(cat "$keys/throwaway.key.pub")\"}}}")
  echo "package.sh: no TAURI_SIGNING_PRIVATE_KEY set; signing with a throwaway key" >&2
fi

# The Tauri CLI wants tauri.conf.json beside the app's Cargo.toml (a [package], not our
# virtual workspace root) and reads the config's relative paths from there. For the build
# only, src-tauri gets links to the root config and the folders it names; the Rust build
# itself keeps reading the root config (build.rs, generate_context!).
links=()
for name in tauri.conf.json icons ui; do
  if [ ! -e "src-tauri/$name" ]; then
    ln -s "../$name" "src-tauri/$name"
    links+=("src-tauri/$name")
  fi
done
cleanup_links() { rm -f "${links[@]}"; }

# The web process extension (crates/econnect-web-extension) is a library of its own that
# `tauri build` does not build; the package installs it alone in the directory the app
# gives WebKit (src-tauri/src/web_extension.rs).
cargo build --locked --release -p econnect-web-extension
extension="$(realpath "${CARGO_TARGET_DIR:-target}")/release/libeconnect_web_extension.so"
installed=/usr/lib/econnect-desktop/web-extensions/libeconnect_web_extension.so
extra+=(--config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"$installed\":\"$extension\"}},\"appimage\":{\"files\":{\"$installed\":\"$extension\"}}}}}")
trap 'cleanup_links; rm -rf "${keys:-/nonexistent}"' EXIT
(cd src-tauri && npx --prefix ../ui tauri build --bundles "$bundles" "${extra[@]}")
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/*/
