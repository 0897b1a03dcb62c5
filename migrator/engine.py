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
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator import noqa, prefilter
from migrator.config import Settings
from migrator.context import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported for older callers
from migrator.context import Context, Handler
from migrator.context import HandlerOutput as HandlerOutput
from migrator.findings import Finding, finding
from migrator.knowledge import model_table

if TYPE_CHECKING:
    from migrator.handlers import FileKind

# Below this many files that need a parse, starting worker processes costs more than it saves
# (a fork plus a LibCST import per worker is ~0.2 s; a parse is ~10-50 ms).
POOL_MIN_FILES = 24
# Worker processes per core, at most (--jobs asks for more in vain).
MAX_JOBS_PER_CPU = 2
# Upper bound of files per task sent to a worker: small enough that Ctrl-C stops quickly and
# the progress bar moves, large enough that pickling and IPC do not dominate.
MAX_CHUNK = 16

# Findings that mean "this file was not processed" when a handler does not say so itself.
_SKIP_CODES = frozenset({"GM901", "GM902", "GM903", "GM905", "GM907", "GM908"})
# Temporary files of an atomic write; a SIGKILL between write and rename can leave one.
TEMP_PREFIX = ".gemini-migrate-"
TEMP_SUFFIX = ".tmp"
TEMP_NAME = re.compile(r"^\.gemini-migrate-(\d+)-\w+\.tmp$")


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
def _kind_by_name(name: str) -> FileKind | None:
    from migrator.handlers import kind_for

    return kind_for(name)


def kind_of(path: str) -> FileKind | None:
    """What kind of file a path is; it depends only on the file name, so it is cached by name."""
    return _kind_by_name(os.path.basename(path))


def handler_of(path: str) -> Handler | None:
    """The handler of a path (its module is imported now, if it was not yet)."""
    from migrator.handlers import load

    kind = kind_of(path)
    return None if kind is None else load(kind)


def process_file(path: str, ctx: Context) -> FileResult:
    """Read, prefilter, run the file's handler and (in write mode) write the result."""
    kind = kind_of(path)
    if kind is None:
        return FileResult(path=path)
    loaded = _read(path, kind, ctx)
    if isinstance(loaded, FileResult):
        return loaded
    return _process(loaded, ctx)


# Byte-order marks of encodings no handler reads: such a file passes for "no Gemini code" in a
# byte search, so its text is searched once decoded, and reported if it would have been read.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"), (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _read(path: str, kind: FileKind, ctx: Context) -> _Loaded | FileResult:
    result = FileResult(path=path)
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            return _skip(result, "GM902", "not a regular file")
        if before.st_size > kind.max_bytes:
            return _skip(
                result, "GM902",
                f"file is larger than {kind.max_bytes // 2**20} MiB "
                f"({before.st_size / 2**20:.1f} MiB); skipped",
            )
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return _skip(result, "GM902", f"cannot read file: {exc.strerror or exc}")
    check = prefilter.for_kind(kind.prefilter, ctx.models)
    if not check.matches(data):
        if data[:1] in (b"\xff", b"\xfe", b"\x00"):
            wide = _wide(result, data, check)
            if kind.wide and wide.skipped:  # its handler reads it
                return _Loaded(path, data, before.st_mtime_ns, before.st_size)
            return wide
        return result
    if b"\0" in data:
        # No source, notebook or document format this tool edits contains NUL bytes.
        return _skip(result, "GM902", "binary content (NUL bytes); skipped")
    return _Loaded(path, data, before.st_mtime_ns, before.st_size)


def _wide(result: FileResult, data: bytes, check: prefilter.Prefilter) -> FileResult:
    for bom, codec, name in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return result
            if not check.mentions(text):
                return result
            return _skip(result, "GM902", f"the file is encoded in {name} (it starts with a "
                         "byte-order mark) and gemini-migrate reads UTF-8 only; it was not "
                         "checked: convert it to UTF-8 and run again")
    return result


def _process(loaded: _Loaded, ctx: Context) -> FileResult:
    path, data = loaded.path, loaded.data
    handler = handler_of(path)
    result = FileResult(path=path, original=data)
    if handler is None:
        return result
    # Lines ended by a bare CR (classic Mac OS): LibCST drops the last one, so every handler
    # sees LF endings instead (the same lines, byte for byte the same length) and the result
    # gets its CRs back.
    cr_only = b"\r" in data and b"\n" not in data
    try:
        output = handler.run(path, data.replace(b"\r", b"\n") if cr_only else data, ctx)
        if cr_only and output.updated is not None:
            output.updated = output.updated.replace(b"\n", b"\r")
    except RecursionError:
        from migrator.syntax import too_deep_finding

        item = too_deep_finding(path)
        result.skipped, result.findings = item.message, [item]
        return result
    except Exception as exc:  # a bug in one rule must not stop a repository-wide run
        return _skip(result, "GM903", f"internal error in the {handler.name} handler: {exc!r}")
    result.findings = _select(output.findings, data, path, ctx)
    if handler.reports_skips:
        result.skipped = output.skipped
    elif output.updated is None:
        reason = next((f.message for f in output.findings if f.code in _SKIP_CODES), None)
        result.skipped = reason
    if output.updated is not None and output.updated != data:
        held = _held_back(path, data, output.updated, ctx)
        if held is not None:
            result.findings = [replace(f, fixed=False) for f in result.findings] + [held]
            return result
        result.updated = output.updated
        if ctx.write:
            _write(path, data, output.updated, loaded, result)
    return result


def _held_back(path: str, original: bytes, updated: bytes, ctx: Context) -> Finding | None:
    """GM412 when a rewrite makes a Python file or notebook import google-genai where no
    manifest that governs it can be made to declare google-genai (lint.manifests.genai_blocked):
    the file stays as it was, rather than fail with ImportError on a fresh install."""
    if not path.endswith((".py", ".pyw", ".ipynb")) or b"genai" not in updated:
        return None
    from migrator.lint.usage import PY_LEGACY, notebook_code, python_usage

    def program(data: bytes) -> str:
        if path.endswith(".ipynb"):
            return notebook_code(data) or ""
        return data.decode("utf-8", "replace")

    before, after = program(original), program(updated)
    if python_usage(before)[1] or not python_usage(after)[1]:
        return None  # imported google-genai already, or does not now
    if not ctx.enabled("GM412", path):
        return None
    from migrator.lint.manifests import genai_blocked

    blocked = genai_blocked(path, ctx)
    if blocked is None:
        return None
    manifest, why = blocked
    match = None if path.endswith(".ipynb") else PY_LEGACY.search(before)
    line = before.count("\n", 0, match.start()) + 1 if match else 1
    rel = os.path.relpath(manifest, os.path.dirname(os.path.abspath(path)))
    return finding(path, (line, 1), "GM412",
                   f"not migrated: the rewrite imports google-genai, but {rel}, which governs "
                   f"this file, cannot declare it ({why}); fix the manifest and run again")


def _skip(result: FileResult, code: str, message: str) -> FileResult:
    result.skipped = message
    result.findings = [finding(result.path, (1, 1), code, message)]
    return result


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
        directives = noqa.parse(text) if not item.fixed else []
        if any(d.codes is not None and item.code in d.codes for d in directives):
            used.add((item.line, item.code))
            continue
        if any(d.codes is None for d in directives):
            continue  # a bare noqa may belong to another linter: never reported unused
        kept.append(item)
    if b"noqa" in data and ctx.enabled("GM904", path):
        kept.extend(_unused_noqa(path, data, used))
    return sorted(kept, key=lambda f: (f.line, f.column, f.code))


def _unused_noqa(path: str, data: bytes, used: set[tuple[int, str]]) -> Iterator[Finding]:
    for number, text in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        for directive in noqa.parse(text):
            for code in directive.codes or ():
                if code.startswith("GM") and (number, code) not in used:
                    yield finding(
                        path, (number, directive.column), "GM904",
                        f"`noqa: {code}` suppresses nothing on this line",
                    )


def _write(path: str, original: bytes, updated: bytes, loaded: _Loaded, result: FileResult) -> None:
    """Write atomically, keeping the file's mode, owner and group; never overwrite a file that
    changed meanwhile.

    The new content goes to a temporary file in the same folder, is flushed to disk, and then
    renamed over the original: at every instant the path holds either the old or the new bytes,
    whatever signal arrives. The file is compared with what was read once more just before the
    rename (the flush can take long), so an edit made meanwhile is kept and reported (GM905).
    A symlink given on the command line is written through, not replaced by a regular file. A
    file with several hard links is not rewritten: a rename would leave the other links with
    the old code, and writing in place is not atomic.
    """
    target = os.path.realpath(path)
    try:
        now = os.stat(target)
        # Mode bits count even for root, who may write anyway: a read-only file is a
        # decision someone made (generated code, vendored copies).
        if not os.access(target, os.W_OK) or not now.st_mode & 0o222:
            _fail(result, "GM902", "file is read-only; it was not rewritten", "read-only")
            return
        if now.st_nlink > 1:
            _fail(result, "GM909", f"the file has {now.st_nlink} hard links: replacing it would "
                  "leave the other links with the old code, so it was not rewritten (copy it to "
                  "break the links, then run again)", "hard-linked")
            return
        if _changed(target, original, loaded):
            _fail(result, "GM905", "file changed on disk during the run; it was not overwritten",
                  "changed on disk during the run")
            return
        import tempfile  # only a rewrite needs it; --check starts faster without

        # The pid in the name tells a later run whether the run that made it is still alive.
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX,
                                   dir=os.path.dirname(target))
        global _writing
        _writing = True
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(updated)
                fh.flush()
                os.fsync(fh.fileno())
                mine = os.fstat(fh.fileno())
                if (mine.st_uid, mine.st_gid) != (now.st_uid, now.st_gid):
                    # root rewriting another user's file, or a folder whose group differs
                    try:
                        os.fchown(fh.fileno(), now.st_uid, now.st_gid)
                    except PermissionError:
                        _drop(tmp)
                        _fail(result, "GM909", "the file belongs to another user or group, "
                              "which a rewrite by this user could not keep; it was not "
                              "rewritten", "owner")
                        return
                os.fchmod(fh.fileno(), stat.S_IMODE(now.st_mode))  # after chown: setgid
            if _changed(target, original, loaded):
                _drop(tmp)
                _fail(result, "GM905", "file changed on disk during the run; it was not "
                      "overwritten", "changed on disk during the run")
                return
            os.replace(tmp, target)
        except BaseException:
            # Ctrl-C (or a full disk) before the rename must not leave the temporary file.
            _drop(tmp)
            raise
        finally:
            _writing = False
            if _exit_after_write:
                os._exit(130)  # a worker told to stop while it was writing: the file is whole
        result.written = True
    except OSError as exc:
        _fail(result, "GM902", f"cannot write file: {exc.strerror or exc}", "write failed")


def _changed(target: str, original: bytes, loaded: _Loaded) -> bool:
    now = os.stat(target)
    if now.st_mtime_ns != loaded.mtime_ns or now.st_size != loaded.size:
        return True
    with open(target, "rb") as fh:
        return fh.read() != original


def _drop(tmp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def stale_temporaries(paths: Iterable[str]) -> list[str]:
    """Of `paths`, the temporary files of runs that are no longer alive: a SIGKILL or a power
    cut between a temporary file's write and its rename leaves one behind, next to a file that
    still holds its old content."""
    out = []
    for path in paths:
        match = TEMP_NAME.match(os.path.basename(path))
        if match is None:
            continue
        try:
            os.kill(int(match[1]), 0)
        except ProcessLookupError:
            out.append(path)  # the run that made it is gone
        except (PermissionError, OverflowError, ValueError):
            continue  # a live process of another user, or no pid at all
    return out


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
    kinds = [kind_of(path) for path in paths]
    ctx.overlay.clear()
    ctx.memo.clear()
    phases: dict[int, list[int]] = {}
    for index, kind in enumerate(kinds):
        phases.setdefault(kind.phase if kind else 0, []).append(index)
    results: list[FileResult | None] = [None] * len(paths)
    ordered = sorted(phases)
    for number, phase in enumerate(ordered):
        _run_phase(phases[phase], paths, kinds, results, ctx, jobs, progress)
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
    kinds: list[FileKind | None],
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
        kind = kinds[index]
        if kind is None:
            results[index] = FileResult(path=paths[index])
        else:
            loaded = _read(paths[index], kind, ctx)
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
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    workers = pool_size(jobs, len(work))
    size = max(1, min(MAX_CHUNK, len(work) // (workers * 4)))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    # Forked, whatever the platform's default: workers inherit the caches filled above, and
    # their parent is this process, which they must not outlive (_worker_init).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if "fork" in methods else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_init, initargs=(ctx, os.getpid()))
    # Private but stable since Python 3.2: the worker processes, to stop them on an interrupt.
    processes = getattr(pool, "_processes", None)
    pending: dict[Future[list[FileResult]], list[int]] = {}
    started: list[Any] = []
    try:
        for chunk in chunks:
            future = pool.submit(_worker_chunk, [loaded for _, loaded in chunk])
            pending[future] = [index for index, _ in chunk]
        started = list((processes or {}).values())
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                indices = pending.pop(future)
                chunk_results = future.result()
                for index, result in zip(indices, chunk_results, strict=False):
                    results[index] = result
                if progress:
                    progress(len(chunk_results))
    except BrokenProcessPool:
        if stopped_by_signal([p.exitcode for p in started]):
            # A worker stopped on Ctrl-C / SIGTERM, and the signal reaches this process too.
            _stop_workers(pool, started)
            raise KeyboardInterrupt from None
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
        # Ctrl-C, SIGTERM: nothing queued starts, and no worker finishes the file it is on
        # (a big one can take a minute); a worker that is writing finishes that write.
        _stop_workers(pool, list((processes or {}).values()))
        raise
    pool.shutdown(wait=True)


def stopped_by_signal(exits: list[int | None]) -> bool:
    """Whether a broken pool's workers stopped because they were told to (Ctrl-C, SIGTERM),
    from their exit statuses. When one crashes, the pool terminates the others, which then
    also exit with _STOPPED: the crashed one's own status tells the two apart."""
    return _STOPPED in exits and all(code in (None, 0, _STOPPED) for code in exits)


def pool_size(jobs: int, files: int) -> int:
    """Worker processes for `files` files when `jobs` are asked for (0: one per core): never
    more than files, nor MAX_JOBS_PER_CPU per core (LibCST is CPU-bound: more processes only
    cost memory, ~50 MiB each)."""
    cpus = os.cpu_count() or 1
    return max(1, min(jobs or cpus, files, MAX_JOBS_PER_CPU * cpus))


def _stop_workers(pool: Any, processes: list[Any]) -> None:
    """Stop every worker within about a second: SIGTERM (a worker exits at once, or right
    after the rename it is in the middle of), then SIGKILL for any still there."""
    import time

    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            with contextlib.suppress(OSError):
                process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            with contextlib.suppress(OSError):
                process.kill()
            process.join(1)


# A worker's exit status when it stopped because it was told to.
_STOPPED = 130
# Seconds a worker has to finish the rename it is in the middle of before it is killed.
STOP_GRACE = 0.8

_worker_ctx: Context | None = None
_writing = False  # inside _write, between the temporary file and the rename
_exit_after_write = False


def _worker_stop(signum: int, frame: object) -> None:
    global _exit_after_write
    if _writing:
        _exit_after_write = True  # _write exits once the file is whole
    else:
        os._exit(_STOPPED)  # nothing is half done outside a write: stop now


def _worker_init(ctx: Context, parent: int) -> None:
    global _worker_ctx
    _worker_ctx = ctx
    # Ctrl-C reaches the whole process group, SIGTERM comes from the parent (_stop_workers)
    # or from the kernel when the parent dies (below).
    signal.signal(signal.SIGINT, _worker_stop)
    signal.signal(signal.SIGTERM, _worker_stop)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """A worker must not outlive the run: after a `kill -9` of the main process it would go on
    rewriting files with nobody left to report it. On Linux the kernel sends SIGTERM when the
    parent dies (PR_SET_PDEATHSIG); elsewhere a thread watches the parent."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the call above
                    os._exit(_STOPPED)
                return
        except (OSError, AttributeError):
            pass
    import threading

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)  # the same path as an interrupt: a write finishes


def _worker_chunk(chunk: list[_Loaded]) -> list[FileResult]:
    assert _worker_ctx is not None
    return [_process(loaded, _worker_ctx) for loaded in chunk]


def relpath(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else Path(rel).as_posix()
