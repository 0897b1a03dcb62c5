"""What the engine gives a handler and what a handler returns.

Its own module so that the registry of file kinds (migrator/handlers.py), the engine and every
handler can share these types without importing each other.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from migrator.config import Settings
from migrator.findings import Finding
from migrator.knowledge import ModelTable

# Files bigger than this are reported, not parsed: LibCST on a 10 MB generated file would stall
# a pre-commit hook for minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class Context:
    """What a handler may know about the run."""

    settings: Settings
    write: bool  # False for --check / --diff
    models: ModelTable
    # Files an earlier phase of this run would rewrite, as the run leaves them (real path ->
    # content). Filled only when nothing is written (--check / --diff), so that a manifest
    # (phase 1) judges the code as a plain run would have left it on disk, not as it is now.
    overlay: dict[str, bytes] = field(default_factory=dict)
    # Facts a handler computes once per run and shares between files (the repository scan
    # every manifest of one repository needs). Each worker process has its own copy.
    memo: dict[object, object] = field(default_factory=dict)

    def read(self, path: str) -> bytes | None:
        """A file's content as this run leaves it; None when it cannot be read."""
        content = self.overlay.get(os.path.realpath(path)) if self.overlay else None
        if content is not None:
            return content
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except OSError:
            return None

    @property
    def unsafe_fixes(self) -> bool:
        return self.settings.unsafe_fixes

    def enabled(self, code: str, path: str | None = None) -> bool:
        return self.settings.enabled(code, path)


@dataclass
class HandlerOutput:
    updated: bytes | None
    findings: list[Finding]
    # Why the whole file was left as it was; only read from handlers with `reports_skips`.
    skipped: str | None = None


@dataclass(frozen=True)
class Handler:
    name: str
    run: Callable[[str, bytes, Context], HandlerOutput]
    # True when the handler sets HandlerOutput.skipped itself (a notebook with one broken cell
    # is not skipped); otherwise a GM901/2/3/5/7/8 finding without new content means skipped.
    reports_skips: bool = False
