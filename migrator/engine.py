"""Prefilter -> one handler per file type -> findings and new content -> atomic write.

A handler owns one kind of file (Python, notebooks, Markdown, manifests, other text). It gets
the file's bytes and returns the new bytes (or None) and its findings. The engine does everything
around it that must be the same for every kind: reading, the byte prefilter, selection and
suppression of findings, the compile check's failure path, and writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from migrator.config import Settings
from migrator.findings import Finding, finding
from migrator.knowledge import ModelTable, model_table

# Files bigger than this are reported, not parsed: LibCST on a 10 MB generated file would stall
# a pre-commit hook for minutes.
MAX_FILE_BYTES = 5 * 1024 * 1024

# Below this many files that need a parse, starting worker processes costs more than it saves
# (a fork plus a LibCST import per worker is ~0.2 s; a parse is ~10-50 ms).
POOL_MIN_FILES = 24
# Upper bound of files per task sent to a worker: small enough that Ctrl-C stops quickly and
# the progress bar moves, large enough that pickling and IPC do not dominate.
MAX_CHUNK = 16

# Findings that mean "this file was not processed" when a handler does not say so itself.
_SKIP_CODES = frozenset({"GM901", "GM902", "GM903", "GM905", "GM907"})
# Temporary files of an atomic write; a SIGKILL between write and rename can leave one.
TEMP_PREFIX = ".gemini-migrate-"
TEMP_SUFFIX = ".tmp"


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
    # The file is parsed only when one of these byte strings occurs in it.
    triggers: tuple[bytes, ...]
    run: Callable[[str, bytes, Context], HandlerOutput]
    # Handlers of a later phase run after every file of an earlier one: dependency manifests
    # (phase 1) are fixed only once the code that imports the legacy SDK has been rewritten.
    phase: int = 0
    # True when the handler sets HandlerOutput.skipped itself (a notebook with one broken cell
    # is not skipped); otherwise a GM901/2/3/5/7 finding without new content means skipped.
    reports_skips: bool = False
    # Bigger files are reported, not read. Notebooks carry their outputs (plots as base64) and
    # only their code cells reach LibCST, so they may be much bigger than source files.
    max_bytes: int = MAX_FILE_BYTES


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


@dataclass
class _Loaded:
    """A file read and past the prefilter: what a worker needs to process it."""

    path: str
    data: bytes
    mtime_ns: int
    size: int


@lru_cache(maxsize=4096)
def _handler_by_name(name: str) -> Handler | None:
    from migrator.handlers import handler_for

    return handler_for(name)


def handler_of(path: str) -> Handler | None:
    """The handler for a path; it depends only on the file name, so it is cached by name."""
    return _handler_by_name(os.path.basename(path))


def process_file(path: str, ctx: Context) -> FileResult:
    """Read, prefilter, run the file's handler and (in write mode) write the result."""
    handler = handler_of(path)
    if handler is None:
        return FileResult(path=path)
    loaded = _read(path, handler)
    if isinstance(loaded, FileResult):
        return loaded
    return _process(loaded, ctx)


def _read(path: str, handler: Handler) -> _Loaded | FileResult:
    result = FileResult(path=path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            return _skip(result, "GM902", "not a regular file")
        if before.st_size > handler.max_bytes:
            return _skip(
                result, "GM902",
                f"file is larger than {handler.max_bytes // 2**20} MiB "
                f"({before.st_size / 2**20:.1f} MiB); skipped",
            )
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return _skip(result, "GM902", f"cannot read file: {exc.strerror or exc}")
    if not any(trigger in data for trigger in handler.triggers):
        return result
    if b"\0" in data:
        # No source, notebook or document format this tool edits contains NUL bytes.
        return _skip(result, "GM902", "binary content (NUL bytes); skipped")
    return _Loaded(path, data, before.st_mtime_ns, before.st_size)


def _process(loaded: _Loaded, ctx: Context) -> FileResult:
    path, data = loaded.path, loaded.data
    handler = handler_of(path)
    assert handler is not None
    result = FileResult(path=path, original=data)
    try:
        output = handler.run(path, data, ctx)
    except RecursionError:
        return _skip(result, "GM903", "file is nested too deeply to rewrite; skipped")
    except Exception as exc:  # a bug in one rule must not stop a repository-wide run
        return _skip(result, "GM903", f"internal error in the {handler.name} handler: {exc!r}")
    result.findings = _select(output.findings, data, path, ctx)
    if handler.reports_skips:
        result.skipped = output.skipped
    elif output.updated is None:
        reason = next((f.message for f in output.findings if f.code in _SKIP_CODES), None)
        result.skipped = reason
    if output.updated is not None and output.updated != data:
        result.updated = output.updated
        if ctx.write:
            _write(path, data, output.updated, loaded, result)
    return result


def _skip(result: FileResult, code: str, message: str) -> FileResult:
    result.skipped = message
    result.findings = [finding(result.path, (1, 1), code, message)]
    return result


# `noqa` alone suppresses everything on the line; `noqa: A, B` only the codes listed, which may
# belong to other linters (`noqa: E501` must not hide a GM finding).
_NOQA = re.compile(r"noqa(?:\s*:\s*(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*))?",
                   re.IGNORECASE)


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
                if code.startswith("GM") and (number, code) not in used:
                    yield finding(
                        path, (number, match.start() + 1), "GM904",
                        f"`noqa: {code}` suppresses nothing on this line", fix="safe",
                    )


def _write(path: str, original: bytes, updated: bytes, loaded: _Loaded, result: FileResult) -> None:
    """Write atomically, keeping the file's mode; never overwrite a file that changed meanwhile.

    The new content goes to a temporary file in the same folder, is flushed to disk, and then
    renamed over the original: at every instant the path holds either the old or the new bytes,
    whatever signal arrives. A symlink given on the command line is written through, not
    replaced by a regular file.
    """
    target = os.path.realpath(path)
    try:
        now = os.stat(target)
        # Mode bits count even for root, who may write anyway: a read-only file is a
        # decision someone made (generated code, vendored copies).
        if not os.access(target, os.W_OK) or not now.st_mode & 0o222:
            _fail(result, "GM902", "file is read-only; it was not rewritten", "read-only")
            return
        with open(target, "rb") as fh:
            current = fh.read()
        if (
            current != original
            or now.st_mtime_ns != loaded.mtime_ns
            or now.st_size != loaded.size
        ):
            _fail(result, "GM905", "file changed on disk during the run; it was not overwritten",
                  "changed on disk during the run")
            return
        import tempfile  # only a rewrite needs it; --check starts faster without

        fd, tmp = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=os.path.dirname(target)
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(updated)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IMODE(now.st_mode))
            os.replace(tmp, target)
        except BaseException:
            # Ctrl-C (or a full disk) before the rename must not leave the temporary file.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        result.written = True
    except OSError as exc:
        _fail(result, "GM902", f"cannot write file: {exc.strerror or exc}", "write failed")


def _fail(result: FileResult, code: str, message: str, why: str) -> None:
    result.findings.append(finding(result.path, (1, 1), code, message))
    result.skipped = why


Progress = Callable[[int], None]


def run(
    paths: Sequence[str], ctx: Context, jobs: int = 1, progress: Progress | None = None
) -> list[FileResult]:
    """Process files by phase; results always in input order, whatever `jobs` is.

    `progress(n)` is called as files finish (n files at a time).
    """
    handlers = [handler_of(path) for path in paths]
    ctx.overlay.clear()
    ctx.memo.clear()
    phases: dict[int, list[int]] = {}
    for index, handler in enumerate(handlers):
        phases.setdefault(handler.phase if handler else 0, []).append(index)
    results: list[FileResult | None] = [None] * len(paths)
    ordered = sorted(phases)
    for number, phase in enumerate(ordered):
        _run_phase(phases[phase], paths, handlers, results, ctx, jobs, progress)
        if not ctx.write and number + 1 < len(ordered):
            # --check / --diff wrote nothing: the later phases see the earlier ones' output.
            for index in phases[phase]:
                result = results[index]
                if result is not None and result.updated is not None:
                    ctx.overlay[os.path.realpath(result.path)] = result.updated
            ctx.memo.clear()
    return [r for r in results if r is not None]


def _run_phase(
    indices: list[int],
    paths: Sequence[str],
    handlers: list[Handler | None],
    results: list[FileResult | None],
    ctx: Context,
    jobs: int,
    progress: Progress | None,
) -> None:
    # The prefilter runs here, in this process: reading a file and searching its bytes is far
    # cheaper than sending it to a worker, and most files of a repository stop there.
    work: list[tuple[int, _Loaded]] = []
    done = 0
    for index in indices:
        handler = handlers[index]
        if handler is None:
            results[index] = FileResult(path=paths[index])
        else:
            loaded = _read(paths[index], handler)
            if isinstance(loaded, FileResult):
                results[index] = loaded
            else:
                work.append((index, loaded))
                continue
        done += 1
        if progress and done % 256 == 0:
            progress(256)
    if progress and done % 256:
        progress(done % 256)
    if jobs <= 1 or len(work) < POOL_MIN_FILES:
        for index, loaded in work:
            results[index] = _process(loaded, ctx)
            if progress:
                progress(1)
        return
    # The first file is done here: it imports the handler's modules and fills its caches
    # (the repository scan of the Python rewrite), which forked workers then inherit
    # instead of each paying for them again.
    index, loaded = work[0]
    results[index] = _process(loaded, ctx)
    if progress:
        progress(1)
    _run_pool(work[1:], results, ctx, jobs, progress)


def _run_pool(
    work: list[tuple[int, _Loaded]],
    results: list[FileResult | None],
    ctx: Context,
    jobs: int,
    progress: Progress | None,
) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(MAX_CHUNK, len(work) // (jobs * 4)))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(ctx,))
    pending: dict[Future[list[FileResult]], list[int]] = {}
    try:
        for chunk in chunks:
            future = pool.submit(_worker_chunk, [loaded for _, loaded in chunk])
            pending[future] = [index for index, _ in chunk]
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                indices = pending.pop(future)
                chunk_results = future.result()
                for index, result in zip(indices, chunk_results, strict=False):
                    results[index] = result
                if len(chunk_results) < len(indices):
                    # The worker was told to stop (SIGINT/SIGTERM) before finishing its chunk.
                    raise KeyboardInterrupt
                if progress:
                    progress(len(chunk_results))
    except BrokenProcessPool:
        # A worker died (out of memory, killed, a crash in native code). Whatever it wrote is
        # complete; the files without a result are read again from disk and done here.
        pool.shutdown(wait=True, cancel_futures=True)
        for index, loaded in work:
            if results[index] is None:
                results[index] = process_file(loaded.path, ctx)
                if progress:
                    progress(1)
        return
    except BaseException:
        # Workers finish the file they are on (a write is atomic anyway) and stop; nothing
        # queued starts.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


_worker_ctx: Context | None = None
_stop_requested = False


def _request_stop(signum: int, frame: object) -> None:
    global _stop_requested
    _stop_requested = True


def _worker_init(ctx: Context) -> None:
    global _worker_ctx
    _worker_ctx = ctx
    # The terminal sends Ctrl-C to the whole process group: a worker stops between files
    # instead of dying with a traceback half way through one.
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)


def _worker_chunk(chunk: list[_Loaded]) -> list[FileResult]:
    assert _worker_ctx is not None
    out = []
    for loaded in chunk:
        if _stop_requested:
            break
        out.append(_process(loaded, _worker_ctx))
    return out


def relpath(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()
