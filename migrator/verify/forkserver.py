"""A fork server for snippets: a clean Python process that imports the Gemini SDKs once and
forks one child per snippet.

Importing google-genai costs about 1.5 s of CPU (its generated types), more than most
snippets take to run; a forked child starts with the SDKs already imported. Each child is
still its own process: own session, stdin from /dev/null, stdout and stderr into the FIFOs
the runner reads, the sandbox the runner asks for (sandbox.enter: namespaces, or a supervisor
that kills every descendant), its own environment, working directory, `sys.argv` and
`sys.orig_argv` (as `python script.py`: a reloader that re-executes the process, such as
Flask's debug mode, restarts the script and not this server), and the script runs as
`__main__` (runpy) with interpreter-like shutdown (non-daemon threads joined, atexit handlers
run, exit code from SystemExit).

Run as a script by the runner (`python .../forkserver.py`, with GEMINI_MIGRATE_FORKSERVER=1),
never imported by snippets; stdlib only, so it does not put the migrator package on the
snippet's path. Protocol, JSON lines:
  runner -> server  {"id": N, "script": path, "cwd": dir, "env": {...}, "stdout": fifo,
                     "stderr": fifo, "sandbox": {...}}
  server -> runner  {"ready": true, "preloaded": [...]}  once, after the imports
                    {"id": N, "pid": P} or {"id": N, "error": "..."}
                    {"pid": P, "exit": code}  when a child ends
The server exits when its stdin closes.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import sys
import warnings
from typing import Any

PRELOAD = (
    "asyncio", "json", "httpx", "pydantic",
    "google.genai", "google.genai.types", "google.genai.errors",
    "google.genai._gaos.resources.interactions",  # google-genai >= 2.9 (Speakeasy)
    "google.genai._interactions",  # google-genai 1.55 - 2.8 (Stainless)
    "google.generativeai",
)


def _preload() -> list[str]:
    done = []
    # Silenced here and restored on exit (the default filters included); warnings ignored
    # this way are not recorded, so later ones still show in the children. The SDKs'
    # import-time warnings do not: their modules are imported already (stderr only).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in PRELOAD:
            try:
                importlib.import_module(name)
                done.append(name)
            except Exception:  # an absent or broken SDK: children import it themselves
                pass
    return done


def _send(message: dict[str, Any]) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _child(request: dict[str, Any]) -> None:
    """Runs in the forked child; never returns."""
    code = 70
    try:
        os.setsid()
        stdin = os.open(os.devnull, os.O_RDONLY)
        stdout = os.open(request["stdout"], os.O_WRONLY)
        stderr = os.open(request["stderr"], os.O_WRONLY)
        for source, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(source, target)
            os.close(source)
        _SANDBOX.enter(request.get("sandbox") or {})  # returns in the snippet's process
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        script = request["script"]
        sys.argv = [script]
        sys.orig_argv = [sys.executable, script]
        # as `python script.py` with PYTHONPATH: the script's folder first, then the extra
        # folders after this server's own PYTHONPATH entries
        sys.path.insert(0, os.path.dirname(script))
        for n, folder in enumerate(request.get("path") or []):
            sys.path.insert(2 + n, folder)
        import runpy
        import traceback

        code = 0
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except KeyboardInterrupt:
            traceback.print_exc()
            code = 130
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            import atexit
            import threading

            shutdown = getattr(threading, "_shutdown", None)
            if shutdown is not None:
                with contextlib.suppress(BaseException):
                    shutdown()  # join non-daemon threads, as interpreter exit does
            atexit._run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(BaseException):
                    stream.flush()
    finally:
        os._exit(code)


def _load_sandbox() -> Any:
    """sandbox.py, by path and under a private name: a snippet's own `sandbox` module must
    not find ours in sys.modules."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sandbox.py")
    spec = importlib.util.spec_from_file_location("_gemini_migrate_sandbox", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_SANDBOX: Any = None


def serve() -> None:
    global _SANDBOX
    # Run as a script, sys.path[0] is this package folder: never let a snippet import from it.
    del sys.path[0]
    _SANDBOX = _load_sandbox()
    _SANDBOX.warm()
    preloaded = _preload()
    _send({"ready": True, "preloaded": preloaded})
    children: set[int] = set()
    buffer = b""
    while True:
        readable, _, _ = select.select([0], [], [], 0.02)
        if readable:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not line.strip():
                    continue
                request = json.loads(line)
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    pid = os.fork()
                except OSError as exc:
                    _send({"id": request["id"], "error": f"fork failed: {exc}"})
                    continue
                if pid == 0:
                    _child(request)
                children.add(pid)
                _send({"id": request["id"], "pid": pid})
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            _send({"pid": pid, "exit": os.waitstatus_to_exitcode(status)})
    for pid in children:  # the runner went away: leave nothing behind
        with contextlib.suppress(OSError):
            os.killpg(pid, 9)


if __name__ == "__main__":
    if os.environ.get("GEMINI_MIGRATE_FORKSERVER") != "1":
        # a snippet that re-executes its interpreter's command line must not get a server
        print("forkserver.py is internal to gemini-migrate --verify", file=sys.stderr)
        sys.exit(2)
    serve()
