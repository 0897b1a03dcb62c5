"""Shared pieces for the verify tests: one emulator per test module, raw HTTP helpers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from migrator.verify.emulator import Emulator

SDK3 = "google-genai-sdk/3.6.1 gl-python/3.11.7"
SDK1 = "google-genai-sdk/1.60.0 gl-python/3.11.7"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


def call(emu: Emulator, method: str, path: str, body: Any = None, *, key: str | None = "k",
         client: str = SDK3, raw: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request; returns (status, headers, body bytes) for error and success alike."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(emu.url + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    request.add_header("x-goog-api-client", client)
    if key is not None:
        request.add_header("x-goog-api-key", key)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def sse_events(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in data.decode().splitlines()
            if line.startswith("data: ")]


def assert_error_shape(status: int, data: bytes, code: int, grpc_status: str) -> str:
    assert status == code
    body = json.loads(data)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == grpc_status
    assert body["error"]["message"]
    return str(body["error"]["message"])


@pytest.fixture(autouse=True)
def _share_the_fork_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs use the session's one fork server even for a single snippet (the
    runner alone would start fresh interpreters below three runs)."""
    monkeypatch.setenv("GEMINI_MIGRATE_VERIFY_FORK", "1")


def processes_with(marker: str) -> list[int]:
    """Live processes (not zombies) whose command line holds `marker`: a snippet's children
    run in their own PID namespace, so the pids they see are no use here."""
    import os

    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{name}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in cmdline and state != b"Z":
            found.append(int(name))
    return found


def wait_for_processes(marker: str, *, present: bool, seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if bool(processes_with(marker)) == present:
            return True
        time.sleep(0.05)
    return bool(processes_with(marker)) == present
