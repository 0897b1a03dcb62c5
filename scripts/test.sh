#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# tsc and the SDKs the JS/TS fixture tests type-check against (skipped without npm)
bash scripts/setup_js_tests.sh
exec .venv/bin/python -m pytest -n 2 "$@"
