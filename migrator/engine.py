"""Prefilter -> one handler per file type -> findings and new content -> atomic write.

A handler owns one kind of file (Python, notebooks, Markdown, manifests, other text). It gets
the file's bytes and returns the new bytes (or None) and its findings. The engine does everything
around it that must be the same for every kind: reading, the byte prefilter, selection and
suppression of findings, the compile check's failure path, and writing.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from migrator.config import Settings
from migrator.findings import Finding, finding
from migrator.knowledge import ModelTable, model_table

# Files bigger than this are reported, not parsed: LibCST on a 10 MB generated file would stall
# a pre-commit hook for minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class Context:
    """What a handler may know about the run."""

    settings: Settings
    write: bool  # False for --check / --diff
    models: ModelTable

    @property
    def unsafe_fixes(self) -> bool:
        return self.settings.unsafe_fixes

    def enabled(self, code: str, path: str | None = None) -> bool:
        return self.settings.enabled(code, path)


@dataclass
class HandlerOutput:
    updated: bytes | None
    findings: list[Finding]


@dataclass(frozen=True)
class Handler:
    name: str
    # The file is parsed only when one of these byte strings occurs in it.
    triggers: tuple[bytes, ...]
    run: Callable[[str, bytes, Context], HandlerOutput]
    # Handlers of a later phase run after every file of an earlier one: dependency manifests
    # (phase 1) are fixed only once the code that imports the legacy SDK has been rewritten.
    phase: int = 0


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    original: bytes | None = None
    updated: bytes | None = None  # set only when the content would change
    skipped: str | None = None  # why the file was not processed, if it was not
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.updated is not None


def make_context(settings: Settings, *, write: bool) -> Context:
    return Context(
        settings=settings, write=write, models=model_table(settings.model_overrides() or None)
    )


def process_file(path: str, ctx: Context) -> FileResult:
    from migrator.handlers import handler_for

    handler = handler_for(path)
    result = FileResult(path=path)
    if handler is None:
        return result
    try:
        before = os.stat(path)
        if before.st_size > MAX_FILE_BYTES:
            return _skip(result, "GM902", f"file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return _skip(result, "GM902", f"cannot read file: {exc.strerror or exc}")
    if not any(trigger in data for trigger in handler.triggers):
        return result
    result.original = data
    try:
        output = handler.run(path, data, ctx)
    except Exception as exc:  # a bug in one rule must not stop a repository-wide run
        return _skip(result, "GM903", f"internal error in the {handler.name} handler: {exc!r}")
    result.findings = _select(output.findings, data, path, ctx)
    if output.updated is not None and output.updated != data:
        result.updated = output.updated
        if ctx.write:
            _write(path, data, output.updated, before, result)
    return result


def _skip(result: FileResult, code: str, message: str) -> FileResult:
    result.skipped = message
    result.findings = [finding(result.path, (1, 1), code, message)]
    return result


_NOQA = re.compile(r"noqa(?::\s*(?P<codes>GM\d{3}(?:\s*,\s*GM\d{3})*))?", re.IGNORECASE)


def _select(findings: Iterable[Finding], data: bytes, path: str, ctx: Context) -> list[Finding]:
    """Drop findings the settings disable or a `noqa` comment on their line suppresses."""
    lines: list[str] | None = None
    used: set[tuple[int, str]] = set()
    kept = []
    for item in findings:
        if not ctx.enabled(item.code, path):
            continue
        if lines is None:
            lines = data.decode("utf-8", "replace").splitlines()
        text = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        match = _NOQA.search(text) if "noqa" in text.lower() else None
        if match and not item.fixed:
            codes = match.group("codes")
            if codes is None or item.code in re.split(r"\s*,\s*", codes.upper()):
                used.add((item.line, item.code if codes else "*"))
                continue
        kept.append(item)
    if b"noqa" in data and ctx.enabled("GM904", path):
        kept.extend(_unused_noqa(path, data, used))
    return sorted(kept, key=lambda f: (f.line, f.column, f.code))


def _unused_noqa(path: str, data: bytes, used: set[tuple[int, str]]) -> Iterator[Finding]:
    for number, text in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        for match in _NOQA.finditer(text):
            codes = match.group("codes")
            if not codes:
                continue  # a bare noqa may belong to another linter
            for code in re.split(r"\s*,\s*", codes.upper()):
                if (number, code) not in used:
                    yield finding(
                        path, (number, match.start() + 1), "GM904",
                        f"`noqa: {code}` suppresses nothing on this line", fix="safe",
                    )


def _write(
    path: str, original: bytes, updated: bytes, before: os.stat_result, result: FileResult
) -> None:
    """Write atomically, keeping the file's mode; never overwrite a file that changed meanwhile."""
    try:
        if not os.access(path, os.W_OK):
            result.findings.append(
                finding(path, (1, 1), "GM902", "file is read-only; it was not rewritten")
            )
            result.skipped = "read-only"
            return
        now = os.stat(path)
        with open(path, "rb") as fh:
            current = fh.read()
        if current != original or now.st_mtime_ns != before.st_mtime_ns:
            result.findings.append(
                finding(path, (1, 1), "GM905", "file changed on disk during the run; not written")
            )
            result.skipped = "changed during run"
            return
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".gemini-migrate-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(updated)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IMODE(now.st_mode))
            os.replace(tmp, path)
        except BaseException:
            # Ctrl-C between write and rename must not leave the temporary file behind.
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        result.written = True
    except OSError as exc:
        result.findings.append(
            finding(path, (1, 1), "GM902", f"cannot write file: {exc.strerror or exc}")
        )
        result.skipped = "write failed"


def run(paths: list[str], ctx: Context, jobs: int = 1) -> list[FileResult]:
    """Process files by phase; with jobs > 1 a process pool; results always in input order."""
    from migrator.handlers import handler_for

    phases: dict[int, list[int]] = {}
    for index, path in enumerate(paths):
        handler = handler_for(path)
        phases.setdefault(handler.phase if handler else 0, []).append(index)
    results: list[FileResult | None] = [None] * len(paths)
    for phase in sorted(phases):
        batch = [paths[i] for i in phases[phase]]
        for index, result in zip(phases[phase], _run_batch(batch, ctx, jobs)):
            results[index] = result
    return [r for r in results if r is not None]


def _run_batch(paths: list[str], ctx: Context, jobs: int) -> list[FileResult]:
    if jobs <= 1 or len(paths) < 64:
        return [process_file(p, ctx) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(paths) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(process_file, paths, [ctx] * len(paths), chunksize=chunk))


def relpath(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()
