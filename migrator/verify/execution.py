"""One execution of one snippet, shared by the Python runner (runner.py) and Node (node.py).

Its own module so that node.py needs nothing from runner.py, which starts node.py's runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from migrator.verify.sandbox import Outcome, Sandbox

FAKE_KEY = "gemini-migrate-emulator-key"
# Environment variables a snippet may inherit; everything else (API keys, cloud credentials,
# proxies, PYTHON* settings) is dropped.
INHERITED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SYSTEMROOT", "COMSPEC", "PATHEXT",
                 "WINDIR", "TMPDIR", "TEMP", "TMP")


@dataclass
class Run:
    """One execution of one snippet."""

    exit_code: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # could not start
    server: str | None = None  # stopped as a long-running server listening here
    emulated: bool = False  # ran against an emulator, so its requests were counted

    def take(self, outcome: Outcome) -> None:
        for name in ("exit_code", "timed_out", "seconds", "stdout", "stderr",
                     "stdout_truncated", "error", "server"):
            setattr(self, name, getattr(outcome, name))


def log_path(name: str | None) -> str | None:
    folder = os.environ.get("GEMINI_MIGRATE_VERIFY_LOG_DIR")
    if not folder or not name:
        return None
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, re.sub(r"[^\w.-]+", "_", name).strip("_") + ".jsonl")
    if os.path.exists(path):
        os.remove(path)
    return path


def execute(run: Run, argv: list[str], cwd: str, env: dict[str, str], timeout: float,
            box: Sandbox | None = None) -> None:
    """Run `argv` in `box`. Without one (callers that start their own emulator on the host),
    the process tree is still contained and killed, but network and files are not."""
    if box is None:
        box = Sandbox(os.path.dirname(os.path.abspath(cwd)), network=False, readonly=False)
    run.take(box.run(argv, cwd=cwd, env=env, timeout=timeout))
