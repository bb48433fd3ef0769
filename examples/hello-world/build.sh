#!/usr/bin/env bash
# Builds this package's binary from src/ and writes its digest into manifest.json.
# PLAYGROUND_ROOT is the Traverse Playground checkout (scripts/new-package sets it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PLAYGROUND_ROOT="${PLAYGROUND_ROOT:-$here/../..}"
exec "$PLAYGROUND_ROOT/scripts/build-package" "$here"
