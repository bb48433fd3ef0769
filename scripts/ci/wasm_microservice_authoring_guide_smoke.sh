#!/usr/bin/env bash
# The authoring guide as a working flow (docs/authoring.md): the guide must point at the
# template, the adapter-boundary document and the validation command; then a package made
# from the template is built and validated with the command-line checker, as the guide says.
set -euo pipefail
source "$(dirname "$0")/../env.sh"

guide="$ROOT/docs/authoring.md"
for needle in "templates/executable-capability-package" "adapter.md" "traverse-playground -- check" \
              "scripts/new-package" "build.sh" "update-digest"; do
  grep -qF "$needle" "$guide" || { echo "docs/authoring.md no longer mentions $needle" >&2; exit 1; }
done
[ -f "$ROOT/docs/adapter.md" ] || { echo "docs/adapter.md, the adapter-boundary document, is missing" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$ROOT/scripts/new-package" smoke.guide.order-echo "$work" 2>/dev/null
package="$work/order-echo"

# Before the build, the checker names the missing binary, as a newcomer would see it.
(cd "$ROOT" && cargo build --quiet --locked --bin traverse-playground)
checker="$CARGO_TARGET_DIR/debug/traverse-playground"
if "$checker" check "$package/manifest.json" >"$work/before.txt"; then
  echo "an unbuilt package passed the checks" >&2; exit 1
fi
grep -q "missing capability binary file" "$work/before.txt" || { cat "$work/before.txt" >&2; exit 1; }

"$package/build.sh" 2>/dev/null
"$checker" check "$package/manifest.json" --request "$package/runtime-requests/order-echo.json" >"$work/after.txt" \
  || { cat "$work/after.txt" >&2; echo "the package built from the template does not pass the checks" >&2; exit 1; }
grep -q "^traverse inspect: passes$" "$work/after.txt"
grep -q "^traverse execute .*order-echo.json: passes$" "$work/after.txt"
echo "authoring guide smoke: template -> new package -> build -> validate: ok" >&2
