#!/usr/bin/env bash
# Install the npm packages the JS/TS rewrite tests type-check fixtures with (tsc against the
# real SDK types) into .cache/js-tests (git-ignored). Pinned: typescript 5.9.3, the legacy SDK's
# last release, @google/genai at the pin floor, Node 20 types. Idempotent; does nothing (and
# the tsc tests skip) when npm is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(typescript@5.9.3 @google/generative-ai@0.24.1 @google/genai@2.25.0 @types/node@20.19.43)
DIR=.cache/js-tests
STAMP="$DIR/.installed"
if ! command -v npm >/dev/null 2>&1; then
  echo "setup_js_tests.sh: npm not found; the TypeScript checks of the JS fixtures are skipped" >&2
  exit 0
fi
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PACKAGES[*]}" ]; then
  exit 0
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"name": "gemini-migrate-js-tests", "private": true}' > "$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error --ignore-scripts "${PACKAGES[@]}" >/dev/null
echo "${PACKAGES[*]}" > "$STAMP"
