#!/usr/bin/env bash
# Builds this package's module for Traverse's target and pins its digest in manifest.json.
# Needs only Rust with the wasm32-wasip1 target (`rustup target add wasm32-wasip1`). The build
# is reproducible: the same source gives the same bytes, wherever the folder is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

crate="$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
binary="$(sed -n 's/^ *"path": "\(.*\.wasm\)",\{0,1\}$/\1/p' manifest.json | head -n 1)"
[ -n "$crate" ] && [ -n "$binary" ] || { echo "build.sh: no crate name in Cargo.toml or no .wasm path in manifest.json" >&2; exit 1; }

# Build paths are remapped out, so they do not end up in the module.
RUSTFLAGS="--remap-path-prefix=$here=/package --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo" \
  cargo build --locked --release --target wasm32-wasip1
built="${CARGO_TARGET_DIR:-$here/target}/wasm32-wasip1/release/${crate//-/_}.wasm"
mkdir -p "$(dirname "$binary")"
cp "$built" "$binary"

# The manifest pins the module by its FNV-1a 64-bit digest (Traverse's `fnv1a64:<16 hex>`).
hash=$((0xcbf29ce484222325))
for byte in $(od -An -v -tu1 "$binary"); do
  hash=$(((hash ^ byte) * 0x100000001b3))
done
digest="$(printf 'fnv1a64:%016x' "$hash")"
sed -i.bak -E "s/(\"expected_digest\": *\")[^\"]*\"/\1$digest\"/" manifest.json && rm manifest.json.bak
echo "built $binary ($(wc -c <"$binary") bytes), $digest" >&2
