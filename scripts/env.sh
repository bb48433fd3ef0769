# Sourced by every script: one place for paths, pinned tool versions and build settings.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Builds live outside the clone so CI and later clones reuse them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/traverse-playground/target}"
export GUEST_TARGET_DIR="${GUEST_TARGET_DIR:-$HOME/.cache/traverse-playground/guest-target}"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
# Python tools of the tests (wasmtime, the reference engine), outside the clone like the builds.
export VENV="${VENV:-$HOME/.cache/traverse-playground/venv}"
export PATH="$ROOT/node_modules/.bin:$CARGO_HOME/bin:$PATH"

TRUNK_VERSION="0.21.14"
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock (read in scripts/setup).
VIRTUAL_FS_VERSION="0.704.2"
WASMER_VERSION="7.4.2"

# trunk never downloads tools (it finds them on PATH) and never checks for updates.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
