#!/usr/bin/env bash
# Installs what building and testing Keystone needs, from the package registries only
# (crates.io, Debian, npm). Every step is skipped when the right version is already present,
# so running it again costs a second.
# Usage: scripts/install-tools.sh build|test
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
want=${1:-build}

log() { echo "[install-tools] $*"; }

# The wasm-bindgen CLI must match the library exactly; Cargo.lock is the source of truth.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " ${TRUNK_VERSION}\$"; then
  log "installing trunk ${TRUNK_VERSION} (about 9 minutes on 2 cores)"
  # 0.22 needs a newer rustc than this toolchain has; --locked keeps its own dependency set.
  cargo install --locked trunk --version "=${TRUNK_VERSION}"
fi

wbv=$(wasm_bindgen_version)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbv}\$"; then
  log "installing wasm-bindgen-cli ${wbv}"
  # Not --locked: its lockfile names a webpki-roots version the registry does not serve here.
  cargo install wasm-bindgen-cli --version "=${wbv}" --force
fi

if [ "$want" = test ]; then
  need=()
  for package in chromium chromium-driver fonts-noto-cjk; do
    dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
  done
  if [ ${#need[@]} -gt 0 ]; then
    log "installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  fi
fi
log "tools ready"
