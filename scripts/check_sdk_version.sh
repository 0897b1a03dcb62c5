#!/usr/bin/env bash
# Differential proof of every runnable fixture pair with another google-genai release (by hand,
# not in CI, which installs the newest 3.x). Usage:
#   python3 -m venv /tmp/v226 && /tmp/v226/bin/pip install "google-genai==2.26.0" \
#       "google-generativeai==0.8.6" pillow && /tmp/v226/bin/pip install -e .
#   bash scripts/check_sdk_version.sh /tmp/v226
# Prints each pair that is not equal, then the counts; exits 1 if any.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=${1:?usage: check_sdk_version.sh VENV}
echo "google-genai $("$venv/bin/python" -c 'import google.genai as g; print(g.__version__)')"
equal=0; other=0
for before in $(grep -l '^# gemini-migrate: runnable' tests/fixtures/*/*.before.py); do
  after=${before%.before.py}.after.py
  if out=$("$venv/bin/gemini-migrate" --verify --differential --against "$before" "$after" 2>&1); then
    equal=$((equal + 1))
  else
    other=$((other + 1)); echo "NOT EQUAL $before"; echo "$out" | tail -4
  fi
done
echo "equal=$equal not_equal=$other"
[ "$other" -eq 0 ]
