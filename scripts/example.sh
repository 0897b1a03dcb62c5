#!/usr/bin/env bash
# Set up (if needed), then migrate a copy of the bundled legacy examples: show the diff, rewrite,
# and prove the rewrite by running original and migration against the loopback emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cli="$PWD/.venv/bin/gemini-migrate"
out="${TMPDIR:-/tmp}/gemini-migrate-example"
rm -rf "$out" && mkdir -p "$out" && cp -r examples/. "$out"
cd "$out"
git init -q . && git add -A
git -c user.name=example -c user.email=example@localhost commit -qm "legacy examples"
echo "== gemini-migrate --diff (what would change)"
"$cli" --diff . || true
echo "== gemini-migrate (rewrite in place)"
"$cli" . || true
echo "== gemini-migrate --verify --differential (original vs migration, on the emulator)"
"$cli" --verify --differential .
echo "Migrated copy of examples/ in $out"
