"""API keys in a verify run: which variables hold them, every value the process saw (so that
nothing it prints ever shows one), and keeping them out of reach of snippets that do not need
them.

Against the emulator no snippet needs a key, yet a snippet could read one from the
environment of a process it can see (`/proc/<pid>/environ` of its parent chain). Removing a
variable from `os.environ` does not help: /proc shows the environment the process was started
with. So `gemini-migrate --verify` (without --live) re-executes itself once without the key
variables, handing their values over through a pipe, only so that they can be redacted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

# google-genai and google-generativeai read these; any other *_API_KEY is redacted too.
KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
_HANDOVER = "GEMINI_MIGRATE_REDACT_FD"
_MIN_SECRET = 8  # shorter values are not keys, and redacting them would garble output
_RECEIVED: list[str] = []


def is_key_variable(name: str) -> bool:
    return name in KEY_VARIABLES or name.upper().endswith("API_KEY")


def key_values(environ: Mapping[str, str]) -> list[str]:
    return [value for name, value in environ.items() if is_key_variable(name) and value]


def seen() -> list[str]:
    """Every key value this process saw: in its environment now, or before it re-executed."""
    return [*key_values(os.environ), *_RECEIVED]


def receive() -> None:
    """After the re-exec: take the key values back from the pipe (and close it at once)."""
    fd = os.environ.pop(_HANDOVER, None)
    if fd is None or not fd.isdigit():
        return
    data = b""
    try:
        while chunk := os.read(int(fd), 65536):
            data += chunk
        os.close(int(fd))
        _RECEIVED.extend(str(v) for v in json.loads(data or b"[]"))
    except (OSError, ValueError):
        pass


def reexec_without_keys() -> None:
    """Start this same command again with no key variable in its environment. Returns only
    when there is nothing to remove or the re-exec is impossible."""
    names = [name for name in os.environ if is_key_variable(name)]
    if not names:
        return
    payload = json.dumps(seen()).encode()
    if len(payload) > 60_000:  # a pipe holds 64 KiB; no real key set is that large
        return
    read_end, write_end = os.pipe()
    os.write(write_end, payload)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    env = {k: v for k, v in os.environ.items() if k not in names}
    env[_HANDOVER] = str(read_end)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
    except OSError:
        os.close(read_end)


def prepare_verify_process(args: list[str]) -> None:
    """First thing `gemini-migrate --verify` does (cli.main)."""
    receive()
    options = args[:args.index("--")] if "--" in args else args
    if "--live" not in options and os.name == "posix" and hasattr(sys, "orig_argv"):
        reexec_without_keys()


class Redactor:
    """Replaces every key value the process saw with [REDACTED], in text and in JSON-like
    values, whatever the mode: a snippet may print a key it read from a file."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        found = {s for s in (secrets or []) if s and len(s) >= _MIN_SECRET}
        self.secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def deep(self, value: Any) -> Any:
        if not self.secrets:
            return value
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {self.deep(k): self.deep(v) for k, v in value.items()}
        return value
