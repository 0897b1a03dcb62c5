"""`python -m migrator.verify.emulator`: a standalone server that prints its port and can log
every request as one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path


def test_standalone_emulator_prints_port_and_logs(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrator.verify.emulator", "--port", "0", "--log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1beta/models/gemini-1.5-flash:generateContent",
            data=json.dumps({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
            .encode(), headers={"x-goog-api-key": "k", "content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        assert body["candidates"][0]["content"]["parts"] == [{"text": "turn 1: echo hi"}]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert entry["kind"] == "generate"
    assert entry["model_requested"] == "gemini-1.5-flash"
    assert entry["model"] == "gemini-3-flash-preview"  # after the migration's substitution
    assert entry["conversation"] == [{"role": "user", "parts": [{"text": "hi"}]}]
