"""`gemini-migrate --verify`: run snippets in subprocesses against the emulator (default), the
live API (`--live`), or differentially (`--differential`: the original and the migration, each
against a fresh emulator, compared request by request and output by output).

Every snippet runs in a sandbox (sandbox.py; README "What verify isolates, and what it does
not"): with Linux namespaces, its own network with only the emulator on loopback, a file
system read-only outside its temporary folder, its own PID namespace; without them its own
session under a supervisor that kills every descendant, and the run says it is not isolated.
Also:
- a timeout (the whole tree is killed), stdin from /dev/null, a temporary working directory
  (its own folder stays importable), captured output capped at OUTPUT_CAP bytes per stream;
- a scrubbed environment: only PATH, locale and temp variables are inherited, never an API
  key; `GEMINI_API_KEY` is a fake key (emulator) or the user's key (`--live`). Every key value
  the process saw is redacted from everything the runner prints, in every mode (keys.py);
- with the emulator: a fresh emulator per run, `GOOGLE_GEMINI_BASE_URL` (google-genai) and
  the `_site/sitecustomize.py` hook (google-generativeai forced onto REST, non-loopback
  connections refused where the sandbox has no network namespace);
- a run that exits cleanly without one request reaching the emulator verified nothing: it is
  an error ("no Gemini call reached the emulator"), never passed or equal; so is a snippet that
  turns into a server (it listens and idles, or is still listening at the timeout).

Processes are forked from a fork server that has imported the SDKs once (forkserver.py) when
a run has three or more snippet executions, else started as fresh interpreters.

Set GEMINI_MIGRATE_VERIFY_LOG_DIR to keep each run's normalised request log (JSON lines).
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator.formats import envelope, plural
from migrator.verify import keys, sandbox
from migrator.verify.execution import FAKE_KEY, INHERITED_ENV, Run, execute, log_path
from migrator.verify.keys import Redactor
from migrator.verify.meaning import LEGACY_SDK
from migrator.verify.sandbox import OUTPUT_CAP, LostProcess, Sandbox, kill_running
from migrator.verify.snippets import (
    NODE_EXT,
    Snippet,
    extract,
    find,
    git_original,
    is_node,
    run_name,
)

if TYPE_CHECKING:
    from migrator.config import Settings

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
SITE_DIR = str(Path(__file__).resolve().parent / "_site")
INSTALL_HINT = "pip install 'gemini-migrate[verify]'"
NO_CALLS = "no Gemini call reached the emulator"
# Request kinds that carry meaning; interactions get/delete/cancel and upload plumbing have no
# legacy counterpart and are not compared.
COMPARED_KINDS = frozenset({"generate", "count_tokens", "embed", "files.upload", "files.get",
                            "files.delete", "files.list", "models.list", "models.get",
                            "caches.create", "caches.get", "caches.list", "caches.update",
                            "caches.delete"})
_COMPARED_FIELDS = ("kind", "model", "stream", "conversation", "system_instruction", "config",
                    "tools", "safety_settings", "contents", "file", "mime_type", "size",
                    "display_name", "cache", "status")
__all__ = ["NO_CALLS", "OUTPUT_CAP", "Redactor", "Result", "Run", "judge", "kill_running",
           "run_source", "run_verify"]


@dataclass
class Result:
    snippet: str
    status: str  # passed | failed | timeout | error | equal | differs
    detail: str = ""
    seconds: float = 0.0
    requests: int = 0
    rejected: int = 0  # requests the emulator answered with an error
    exit_code: int | None = None
    stdout: str = ""
    difference: dict[str, Any] | None = None
    original: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "equal")

    def as_dict(self) -> dict[str, Any]:
        out = {"snippet": self.snippet, "status": self.status, "ok": self.ok,
               "detail": self.detail, "seconds": round(self.seconds, 3),
               "requests": self.requests, "rejected": self.rejected,
               "exit_code": self.exit_code,
               "stdout": self.stdout[:4096]}
        if self.original is not None:
            out["original"] = self.original
        if self.difference is not None:
            out["difference"] = self.difference
        return out


def missing_sdks(differential: bool) -> list[str]:
    """SDK packages the snippets need that the snippet interpreter cannot import."""
    wanted = {"google.genai": "google-genai"}
    if differential:
        wanted["google.generativeai"] = "google-generativeai"
    missing = []
    for module, dist in wanted.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(dist)
    return missing


# --- running one snippet ------------------------------------------------------------------------

def _env(workdir: str, *, base_url: str | None, key: str,
         source_dir: str | None = None, box: Sandbox | None = None) -> dict[str, str]:
    import site

    env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
    env.update({
        "HOME": workdir, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "GEMINI_API_KEY": key,
        # HOME moved; keep `pip install --user` packages importable as they are here
        "PYTHONUSERBASE": site.getuserbase(),
    })
    if box is not None:
        env.update(box.env())
    path = [source_dir] if source_dir else []
    if base_url is not None:
        env.update({"GOOGLE_GEMINI_BASE_URL": base_url, "GEMINI_MIGRATE_EMULATOR": base_url,
                    "GEMINI_MIGRATE_BLOCK_NETWORK": "1"})
        path.insert(0, SITE_DIR)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(path)
    return env


def run_source(source: str, filename: str, *, timeout: float, live_key: str | None = None,
               log_name: str | None = None, source_dir: str | None = None,
               model_overrides: dict[str, Any] | None = None, fork: bool = True) -> Run:
    """Run `source` in a sandboxed subprocess: against a fresh emulator, or live when
    `live_key`. `source_dir` (the snippet's own folder) goes on the module path, so a snippet
    still imports its sibling modules although it runs from a temporary folder. JavaScript and
    TypeScript (by `filename`) run with Node (node.py), in the same sandbox."""
    from migrator.verify.emulator import Emulator

    if _node_file(filename):
        from migrator.verify import node

        return node.run_source(source, filename, timeout=timeout, live_key=live_key,
                               log_name=log_name, source_dir=source_dir,
                               model_overrides=model_overrides)

    run = Run()
    root = tempfile.mkdtemp(prefix="gemini-verify-")
    workdir = os.path.join(root, "work")
    os.mkdir(workdir)
    emulator = None
    box = None
    try:
        script = os.path.join(workdir, Path(filename).name or "snippet.py")
        if not script.endswith(".py"):
            script += ".py"
        with open(script, "w", encoding="utf-8") as fh:
            fh.write(source)
        if live_key is None:
            emulator = Emulator(log_path=log_path(log_name), model_overrides=model_overrides)
            box = Sandbox(root, emulator=emulator)
            env = _env(workdir, base_url=box.url, key=FAKE_KEY, source_dir=source_dir, box=box)
            server = fork_server() if fork else None
        else:
            box = Sandbox(root, network=False)
            env = _env(workdir, base_url=None, key=live_key, source_dir=source_dir, box=box)
            server = None
        if server is not None:
            _execute_forked(run, server, box, script, workdir, env, timeout, root)
        else:
            execute(run, [sys.executable, script], workdir, env, timeout, box)
        if emulator is not None:
            run.emulated = True
            run.requests = emulator.requests()
    finally:
        if box is not None:
            box.close()
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(root, ignore_errors=True)
    return run


class ForkServer:
    """Client of forkserver.py: one clean process with the SDKs imported, forking a child per
    snippet (about 1.5 s of CPU saved per snippet). Used for emulator runs on POSIX with three
    or more snippet runs; GEMINI_MIGRATE_VERIFY_FORK=0 starts every snippet as a fresh
    interpreter instead, =1 uses the fork server even for one. Its environment is scrubbed
    like a snippet's: it never holds an API key."""

    def __init__(self) -> None:
        env = _env(tempfile.gettempdir(), base_url="http://127.0.0.1:9", key=FAKE_KEY)
        env["GEMINI_MIGRATE_FORKSERVER"] = "1"
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("forkserver.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=tempfile.gettempdir(), start_new_session=True)
        self.cond = threading.Condition()
        self.replies: dict[int, dict[str, Any]] = {}
        self.exits: dict[int, int] = {}
        self.ready = False
        self.dead = False
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True, name="verify-forkserver").start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self.cond:
                if message.get("ready"):
                    self.ready = True
                elif "exit" in message:
                    self.exits[message["pid"]] = message["exit"]
                else:
                    self.replies[message["id"]] = message
                self.cond.notify_all()
        with self.cond:
            self.dead = True
            self.cond.notify_all()

    def wait_ready(self, timeout: float) -> bool:
        with self.cond:
            self.cond.wait_for(lambda: self.ready or self.dead, timeout=timeout)
            return self.ready and not self.dead

    def spawn(self, request: dict[str, Any]) -> int:
        assert self.proc.stdin is not None
        with self.cond:
            self.next_id += 1
            request_id = self.next_id
            self.proc.stdin.write((json.dumps({"id": request_id, **request}) + "\n").encode())
            self.proc.stdin.flush()
            self.cond.wait_for(lambda: request_id in self.replies or self.dead, timeout=30)
            reply = self.replies.pop(request_id, None)
        if reply is None or "pid" not in reply:
            raise OSError((reply or {}).get("error", "the fork server is not answering"))
        return int(reply["pid"])

    def wait(self, pid: int, timeout: float | None) -> int | None:
        with self.cond:
            self.cond.wait_for(lambda: pid in self.exits or self.dead, timeout=timeout)
            return self.exits.pop(pid, None)

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            sandbox.kill_tree(self.proc.pid)


_FORK_LOCK = threading.Lock()
_FORK_SERVER: ForkServer | None = None


def fork_server() -> ForkServer | None:
    """The shared fork server, started on first use; None where forking is not available."""
    global _FORK_SERVER
    if os.name != "posix" or not hasattr(os, "fork") or \
            os.environ.get("GEMINI_MIGRATE_VERIFY_FORK", "1") == "0":
        return None
    with _FORK_LOCK:
        if _FORK_SERVER is None or _FORK_SERVER.dead:
            try:
                server = ForkServer()
            except OSError:
                return None
            if not server.wait_ready(timeout=120):
                server.close()
                return None
            _FORK_SERVER = server
            atexit.register(server.close)
        return _FORK_SERVER


def _open_reader(path: str, sink: list[bytes], flags: dict[str, bool]) -> None:
    with open(path, "rb", buffering=0) as stream:
        sandbox.read_capped(stream, sink, flags)


def _release_fifo(path: str) -> None:
    """Unblock a reader still waiting in open() for a writer that never came."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return  # no reader waiting
    os.close(fd)


def _execute_forked(run: Run, server: ForkServer, box: Sandbox, script: str, cwd: str,
                    env: dict[str, str], timeout: float, root: str) -> None:
    start = time.monotonic()
    fifos = {name: os.path.join(root, name) for name in ("stdout", "stderr")}
    sinks: dict[str, list[bytes]] = {"stdout": [], "stderr": []}
    flags = {name: {"truncated": False} for name in fifos}
    threads = []
    for name, path in fifos.items():
        os.mkfifo(path, 0o600)
        thread = threading.Thread(target=_open_reader, args=(path, sinks[name], flags[name]),
                                  daemon=True)
        thread.start()
        threads.append(thread)
    try:
        extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != SITE_DIR]
        pid = server.spawn({"script": script, "cwd": cwd, "env": env, "path": extra,
                            "sandbox": box.spec, **fifos})
    except OSError as exc:
        run.error = f"cannot start the snippet: {exc}"
        for path in fifos.values():
            _release_fifo(path)
        return

    def wait_exit(seconds: float) -> int | None:
        code = server.wait(pid, seconds)
        if code is None and server.dead:
            raise LostProcess("the fork server died while the snippet ran")
        return code

    run.take(box.supervise(pid, wait_exit, timeout, start=start))
    for thread, path in zip(threads, fifos.values(), strict=True):
        thread.join(timeout=5)
        if thread.is_alive():
            _release_fifo(path)
            thread.join(timeout=1)
    run.stdout = b"".join(sinks["stdout"]).decode("utf-8", "replace")
    run.stderr = b"".join(sinks["stderr"]).decode("utf-8", "replace")
    run.stdout_truncated = flags["stdout"]["truncated"]


def _last_error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt|Warning)?\b.*:", line) and \
                not line.startswith(("File ", "warnings.warn")):
            return line[:300]
    return lines[-1][:300] if lines else ""


def judge(name: str, run: Run, redact: Redactor, timeout: float) -> Result:
    """A single run as a report row."""
    result = Result(name, "passed", seconds=run.seconds, requests=len(run.requests),
                    exit_code=run.exit_code, stdout=redact(run.stdout))
    if run.error:
        result.status, result.detail = "error", redact(run.error)
    elif run.server:
        result.status = "error"
        result.detail = (f"not runnable: a long-running server (listening on {run.server}, "
                         f"stopped after {run.seconds:.1f}s); verify runs scripts that finish")
    elif run.timed_out:
        result.status, result.detail = "timeout", f"no exit after {timeout:g}s (killed)"
    elif run.exit_code != 0:
        result.status = "failed"
        result.detail = redact(f"exit {run.exit_code}: {_last_error_line(run.stderr)}")
    elif run.emulated and not run.requests:
        result.status, result.detail = "error", NO_CALLS
    errors = [r for r in run.requests if r.get("status", 200) >= 400]
    result.rejected = len(errors)
    if result.status == "failed" and errors:
        result.detail += redact(f" (emulator answered {errors[0]['status']}: "
                                f"{errors[0].get('error', '')})")
    elif result.status == "passed" and errors:
        # the snippet survived (it caught the error), but the service would reject this
        result.detail = redact(f"{len(errors)} request(s) rejected, first "
                               f"{errors[0]['status']}: {errors[0].get('error', '')}")
    if run.stdout_truncated:
        note = f"stdout truncated at {OUTPUT_CAP // 1024} KiB"
        result.detail = f"{result.detail}; {note}" if result.detail else note
    return result


# --- differential -------------------------------------------------------------------------------

def comparable(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    refetch: Any = None
    for request in requests:
        kind = request.get("kind")
        if kind not in COMPARED_KINDS:
            continue
        if kind == "files.get" and refetch is not None and request.get("file") == refetch:
            refetch = None
            continue  # google-generativeai's upload_file() reads the file it created back
        refetch = request.get("file") if kind == "files.upload" and request.get(
            "sdk") == LEGACY_SDK else None
        out.append({k: request[k] for k in _COMPARED_FIELDS if k in request})
    return out


def _first_path_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key, "<absent>") != b.get(key, "<absent>"):
                return _first_path_difference(a.get(key, "<absent>"), b.get(key, "<absent>"),
                                              f"{path}.{key}" if path else str(key))
        return path
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _first_path_difference(x, y, f"{path}[{i}]")
        return f"{path} (length {len(a)} vs {len(b)})"
    return path or "(value)"


def compare(original: Run, migrated: Run) -> dict[str, Any] | None:
    """The first difference between two runs, or None when they are equivalent."""
    a, b = comparable(original.requests), comparable(migrated.requests)
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left != right:
            where = "(missing request)" if left is None or right is None else \
                _first_path_difference(left, right)
            return {"what": "request", "index": i + 1, "field": where,
                    "original": left, "migrated": right}
    if original.stdout != migrated.stdout:
        left_lines = original.stdout.splitlines()
        right_lines = migrated.stdout.splitlines()
        for i in range(max(len(left_lines), len(right_lines))):
            left_line = left_lines[i] if i < len(left_lines) else None
            right_line = right_lines[i] if i < len(right_lines) else None
            if left_line != right_line:
                return {"what": "stdout", "line": i + 1, "original": left_line,
                        "migrated": right_line}
        return {"what": "stdout", "line": None, "original": original.stdout[-200:],
                "migrated": migrated.stdout[-200:]}
    return None


def run_differential(name: str, original_source: str, migrated_source: str, *, timeout: float,
                     filename: str = "snippet.py", original_name: str = "HEAD",
                     source_dir: str | None = None,
                     model_overrides: dict[str, Any] | None = None,
                     fork: bool = True, redact: Redactor | None = None) -> Result:
    """Run an original and its migration against fresh emulators and compare them."""
    redact = redact or Redactor(keys.seen())
    before = run_source(original_source, filename, timeout=timeout,
                        log_name=f"{name}.original", source_dir=source_dir,
                        model_overrides=model_overrides, fork=fork)
    after = run_source(migrated_source, filename, timeout=timeout, log_name=f"{name}.migrated",
                       source_dir=source_dir, model_overrides=model_overrides, fork=fork)
    return judge_pair(name, before, after, timeout=timeout, original_name=original_name,
                      redact=redact)


def judge_pair(name: str, before: Run, after: Run, *, timeout: float,
               original_name: str = "HEAD", redact: Redactor | None = None) -> Result:
    """The differential verdict on two runs (Python or Node): the migration's own failure
    first, then the original's, then the first difference in requests or stdout."""
    redact = redact or Redactor(keys.seen())
    result = judge(name, after, redact, timeout)
    result.original = original_name
    result.seconds = before.seconds + after.seconds
    if not result.ok:
        result.detail = f"migrated: {result.detail}"
        return result
    first = judge(name, before, redact, timeout)
    if not first.ok:
        result.status = "error"
        result.detail = f"original: {first.status}: {first.detail}"
        return result
    difference = compare(before, after)
    if difference is None:
        result.status = "equal"
        result.detail = f"{plural(len(comparable(after.requests)), 'request')} and stdout equal"
    else:
        result.status = "differs"
        result.difference = difference
        result.detail = describe(difference)
    return result


def describe(difference: dict[str, Any]) -> str:
    def short(value: Any) -> str:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False) \
            if not isinstance(value, str) else repr(value)
        return text if len(text) <= 160 else text[:157] + "..."

    if difference["what"] == "request":
        field_name = difference["field"]
        left, right = difference["original"], difference["migrated"]
        if left is not None and right is not None:
            left, right = _at(left, field_name), _at(right, field_name)
        return (f"request {difference['index']} differs at {field_name}: "
                f"original {short(left)} / migrated {short(right)}")
    return (f"stdout line {difference['line']} differs: original {short(difference['original'])}"
            f" / migrated {short(difference['migrated'])}")


def _at(value: Any, path: str) -> Any:
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path.split(" (")[0]):
        if token.startswith("["):
            index = int(token[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        elif isinstance(value, dict):
            value = value.get(token, "<absent>")
    return value


# --- the entry point ----------------------------------------------------------------------------

def run_verify(targets: list[str], *, live: bool, differential: bool, against: str | None,
               timeout: float, output_format: str, quiet: bool,
               settings: Settings | None = None, report: str | None = None) -> int:
    """`gemini-migrate --verify`; returns the exit code (0 all good, 1 a snippet failed or
    differs or could not be verified, 2 usage or environment problem). `report`: also write
    the results there (Markdown, or JSON with output_format "json")."""
    key = os.environ.get("GEMINI_API_KEY") or None
    redact = Redactor(keys.seen())
    if live and differential:
        return _usage("--differential runs both sides against the emulator; drop --live")
    if live and not key:
        return _usage("--live needs GEMINI_API_KEY in the environment (nothing was run)")
    if against and not differential:
        return _usage("--against needs --differential")
    if timeout <= 0:
        return _usage("--timeout must be positive")
    snippets = find(targets, settings)
    if not snippets:
        return _usage("no snippets found (Python and JavaScript/TypeScript scripts, notebooks, "
                      "Markdown python / js / ts blocks)")
    python = [s for s in snippets if not is_node(s)]
    missing = missing_sdks(differential) if python else []
    if missing:
        return _usage(f"--verify needs {' and '.join(missing)}, which this Python "
                      f"({sys.executable}) cannot import. Install them with: {INSTALL_HINT}")
    if not python:
        # (beside Python snippets, each JS/TS one that cannot run is an error row instead)
        from migrator.verify import node

        problem = node.unavailable()
        if problem is not None:
            return _usage(problem)
    originals: dict[int, tuple[str | None, str | None, str]] = {}
    if differential:
        try:
            originals = _originals(snippets, targets, against)
        except ValueError as exc:
            return _usage(str(exc))
    isolation = sandbox.isolation()
    if not isolation.namespaces:
        what = "file writes are" if live else \
            "network (beyond Python sockets) and file writes are"
        print(f"gemini-migrate: snippets are not sandboxed here ({isolation.reason}): their "
              f"{what} not contained; see README 'What verify isolates'", file=sys.stderr)

    # The fork server costs one import of both SDKs up front; it pays off from a few runs on.
    # GEMINI_MIGRATE_VERIFY_FORK=1 / 0 forces it on / off.
    forced = os.environ.get("GEMINI_MIGRATE_VERIFY_FORK")
    fork = forced == "1" or (forced != "0" and len(python) * (2 if differential else 1) >= 3)

    def one(i: int) -> Result:
        snippet = snippets[i]
        source_dir = os.path.dirname(os.path.abspath(snippet.path))
        if snippet.error or snippet.source is None:
            return Result(snippet.name, "error", detail=snippet.error or "no code")
        if differential:
            source, error, label = originals[i]
            if source is None:
                return Result(snippet.name, "error", detail=error or "no original",
                              original=label)
            return run_differential(snippet.name, source, snippet.source,
                                    timeout=timeout, filename=run_name(snippet),
                                    original_name=label, source_dir=source_dir,
                                    model_overrides=_model_overrides(snippet.path), fork=fork,
                                    redact=redact)
        run = run_source(snippet.source, run_name(snippet), timeout=timeout,
                         live_key=key if live else None, log_name=snippet.name,
                         source_dir=source_dir, model_overrides=_model_overrides(snippet.path),
                         fork=fork)
        return judge(snippet.name, run, redact, timeout)

    results: list[Result | None] = [None] * len(snippets)
    progress = not quiet and len(snippets) > 1
    done = 0
    lock = threading.Lock()

    def task(i: int) -> None:
        nonlocal done
        try:
            result = one(i)
        except Exception as exc:  # one broken snippet never stops the run
            result = Result(snippets[i].name, "error", detail=f"internal error: {exc!r}")
        results[i] = result
        with lock:
            done += 1
            if progress:
                print(f"[{done}/{len(snippets)}] {result.status:<8} {result.snippet} "
                      f"({result.seconds:.1f}s)", file=sys.stderr, flush=True)

    jobs = max(1, min(4, os.cpu_count() or 1, len(snippets)))
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        list(pool.map(task, range(len(snippets))))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_running()
        print("gemini-migrate: interrupted; running snippets were stopped", file=sys.stderr)
        return 130
    pool.shutdown()
    final = [r for r in results if r is not None]
    mode = "live" if live else "differential" if differential else "emulator"
    described = isolation.describe(live=live)
    _emit(final, mode, output_format, quiet, redact, described)
    if report:
        from migrator.report import write_text

        text = json.dumps(_document(final, mode, described, redact), indent=2,
                          ensure_ascii=False) + "\n" if output_format == "json" else \
            _markdown(final, mode, described, redact)
        try:
            write_text(report, text)
        except OSError as exc:
            return _usage(f"cannot write the report {report}: {exc.strerror or exc}")
    return EXIT_OK if all(r.ok for r in final) else EXIT_FAILED


def _node_file(filename: str) -> bool:
    return filename.lower().endswith(NODE_EXT)


def _model_overrides(path: str) -> dict[str, Any] | None:
    """[tool.gemini-migrate.models] of the project the snippet belongs to: the migration
    substituted model ids with that table, so the emulator compares with it too."""
    from migrator.config import ConfigError, find_pyproject, load_settings

    try:
        return load_settings(find_pyproject(Path(path))).model_overrides() or None
    except ConfigError:
        return None


def _usage(message: str) -> int:
    print(f"gemini-migrate: {message}", file=sys.stderr)
    return EXIT_ERROR


def _originals(snippets: list[Snippet], targets: list[str], against: str | None
               ) -> dict[int, tuple[str | None, str | None, str]]:
    """For each snippet: (original source, error, where the original came from)."""
    if against and os.path.isfile(against) and not (len(targets) == 1
                                                    and os.path.isfile(targets[0])):
        raise ValueError("--against FILE needs exactly one migrated FILE")
    if against and not os.path.exists(against):
        raise ValueError(f"--against: no such file or directory: {against}")
    cache: dict[str, list[Snippet] | str] = {}
    out: dict[int, tuple[str | None, str | None, str]] = {}
    for i, snippet in enumerate(snippets):
        path = snippet.path
        if path not in cache:
            cache[path] = _original_snippets(path, targets, against)
        found = cache[path]
        label = _original_label(path, targets, against)
        if isinstance(found, str):
            out[i] = (None, found, label)
            continue
        same = [s for s in found if s.index == snippet.index]
        if not same:
            out[i] = (None, f"the original has no snippet #{snippet.index + 1}", label)
        elif same[0].error or same[0].source is None:
            out[i] = (None, f"original: {same[0].error}", label)
        else:
            out[i] = (same[0].source, None, label)
    return out


def _original_path(path: str, targets: list[str], against: str) -> str:
    if os.path.isfile(against):
        return against
    for target in targets:
        if os.path.isdir(target):
            rel = os.path.relpath(path, target)
            if not rel.startswith(".."):
                return os.path.join(against, rel)
    return os.path.join(against, os.path.basename(path))


def _original_label(path: str, targets: list[str], against: str | None) -> str:
    if against:
        return _original_path(path, targets, against)
    return f"git HEAD:{path}"


def _original_snippets(path: str, targets: list[str], against: str | None
                       ) -> list[Snippet] | str:
    if against:
        original = _original_path(path, targets, against)
        if not os.path.isfile(original):
            return f"no original at {original}"
        return extract_as(original, path)
    text, error = git_original(path)
    if text is None:
        return error or "no original"
    return extract(path, text)


def extract_as(original: str, migrated: str) -> list[Snippet]:
    """The original's snippets, read as the same kind of file as the migrated one."""
    try:
        text = Path(original).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [Snippet(original, original, "script", error=f"cannot read: {exc}")]
    return extract(migrated, text)


# --- output -------------------------------------------------------------------------------------

def _counts(results: list[Result]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def _document(results: list[Result], mode: str, isolation: dict[str, str],
              redact: Redactor) -> dict[str, Any]:
    """The JSON output and JSON report, every string redacted."""
    return redact.deep(envelope("verify", verify_mode=mode, isolation=isolation,
                                results=[r.as_dict() for r in results],
                                summary={"total": len(results), **_counts(results),
                                         "ok": all(r.ok for r in results)}))


def _emit(results: list[Result], mode: str, output_format: str, quiet: bool,
          redact: Redactor, isolation: dict[str, str]) -> None:
    counts = _counts(results)
    if output_format == "json":
        print(json.dumps(_document(results, mode, isolation, redact), indent=2,
                         ensure_ascii=False))
        return
    if output_format == "sarif":
        print(json.dumps(redact.deep(_sarif(results)), indent=2, ensure_ascii=False))
        return
    width = min(60, max([len(r.snippet) for r in results] + [7]))
    print(f"{'STATUS':<8}  {'SNIPPET':<{width}}  {'TIME':>6}  {'REQ':>3}  DETAIL")
    for r in results:
        print(redact(f"{r.status:<8}  {r.snippet:<{width}}  {r.seconds:>5.1f}s  "
                     f"{r.requests:>3}  {r.detail}"))
    for r in results:
        if r.difference is not None:
            print(redact(f"\n{r.snippet}: first difference ({r.difference['what']})"))
            print(redact("  original: " + json.dumps(r.difference.get("original"),
                                                     sort_keys=True, ensure_ascii=False)))
            print(redact("  migrated: " + json.dumps(r.difference.get("migrated"),
                                                     sort_keys=True, ensure_ascii=False)))
    if output_format == "github":
        for r in results:
            if not r.ok:
                file, line = _location(r.snippet)
                at = f"file={file}" + (f",line={line}" if line is not None else "")
                print(redact(f"::error {at},title=gemini-migrate verify {r.status}::"
                             f"{r.detail}"))
    if not quiet:
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        print(f"\n{len(results)} snippet{'s' if len(results) != 1 else ''} ({mode}): {summary}",
              file=sys.stderr)


def _markdown(results: list[Result], mode: str, isolation: dict[str, str],
              redact: Redactor) -> str:
    """The --report of a verify run."""
    from datetime import datetime, timezone

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    counts = ", ".join(f"{n} {status}" for status, n in sorted(_counts(results).items()))
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    out = ["# gemini-migrate verify report\n",
           f"Mode: {mode}. {len(results)} snippet{'s' if len(results) != 1 else ''}: "
           f"{counts}. Generated {when}.\n",
           "## Isolation\n", *[f"- {name}: {text}" for name, text in isolation.items()], "",
           "## Results\n", "| status | snippet | seconds | requests | detail |",
           "| --- | --- | ---: | ---: | --- |"]
    out += [f"| {r.status} | `{cell(r.snippet)}` | {r.seconds:.1f} | {r.requests} | "
            f"{cell(r.detail)} |" for r in results]
    differences = [r for r in results if r.difference is not None]
    if differences:
        out += ["", "## First differences"]
        for r in differences:
            assert r.difference is not None
            out += ["", f"### `{r.snippet}` ({r.difference['what']})", "",
                    "- original: `" + json.dumps(r.difference.get("original"), sort_keys=True,
                                                 ensure_ascii=False) + "`",
                    "- migrated: `" + json.dumps(r.difference.get("migrated"), sort_keys=True,
                                                 ensure_ascii=False) + "`"]
    return redact("\n".join(out) + "\n")


def _location(snippet: str) -> tuple[str, int | None]:
    """"README.md:12" -> ("README.md", 12); a script or notebook has no line."""
    path, _, line = snippet.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return snippet, None


def _sarif(results: list[Result]) -> dict[str, Any]:
    from migrator import __version__

    def location(snippet: str) -> dict[str, Any]:
        path, line = _location(snippet)
        physical: dict[str, Any] = {"artifactLocation": {"uri": Path(path).as_posix()}}
        if line is not None:
            physical["region"] = {"startLine": line}
        return {"physicalLocation": physical}

    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "gemini-migrate", "version": __version__,
                                "rules": [{"id": "verify",
                                           "shortDescription": {"text": "Snippet verification"}}]}},
            "results": [{
                "ruleId": "verify", "level": "error",
                "message": {"text": f"{r.status}: {r.detail}"},
                "locations": [location(r.snippet)],
            } for r in results if not r.ok],
        }],
    }
