#!/usr/bin/env bash
# Set up (if needed) and migrate a copy of the bundled legacy examples, showing the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${TMPDIR:-/tmp}/gemini-migrate-example"
rm -rf "$out" && cp -r examples "$out"
.venv/bin/gemini-migrate --diff "$out" || true
.venv/bin/gemini-migrate "$out" || true
echo "Migrated copy of examples/ in $out"
