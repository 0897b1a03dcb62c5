#!/usr/bin/env bash
# Install the npm packages `gemini-migrate --verify` runs JavaScript/TypeScript snippets with:
# `npm ci` of migrator/verify/_node/package-lock.json (@google/generative-ai 0.24.1,
# @google/genai 2.25.0 and 3.3.0, tsx, typescript, @types/node 20) into a cache folder outside the repository
# (`python -m migrator.verify.node path`; GEMINI_MIGRATE_NODE_CACHE chooses another).
# Idempotent: nothing to do when that lock is installed already. Run by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup_node.sh: node and npm not found: the JavaScript/TypeScript verify tests will be" \
       "skipped (they need Node.js 20 or newer)" >&2
  exit 0
fi
.venv/bin/python -m migrator.verify.node install >/dev/null
