"""The verify sandbox holds: honest results, no network but the emulator, no writes outside the
snippet's folder, no process left behind, no key readable or printed. Every address these
tests use is on this machine (servers the tests start on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrator.verify import execution, runner, sandbox
from migrator.verify.keys import Redactor
from migrator.verify.runner import NO_CALLS, run_verify
from migrator.verify.sandbox import Isolation, Sandbox
from migrator.verify.snippets import NOT_REGULAR, find
from tests.verify.conftest import processes_with, wait_for_processes

REPO = Path(__file__).resolve().parents[2]
NAMESPACES = sys.platform.startswith("linux") and sandbox.isolation().namespaces
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason=f"no Linux namespaces here ({sandbox.isolation().reason})")
CALL = """
from google import genai
client = genai.Client()
print(client.interactions.create(model="gemini-2.5-flash", input="hi").output_text)
"""


def _write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def _json_run(capsys: Any, targets: list[str], **kwargs: Any) -> tuple[int, dict[str, Any]]:
    options = {"live": False, "differential": False, "against": None, "timeout": 20.0,
               "output_format": "json", "quiet": True, **kwargs}
    code = run_verify(targets, **options)
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(params=["namespaces", "fallback"])
def isolation_mode(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """With the machine's namespaces, and as a machine without them would run."""
    if request.param == "namespaces":
        if not NAMESPACES:
            pytest.skip("no Linux namespaces here")
    else:
        monkeypatch.setattr(sandbox, "_ISOLATION", Isolation(False, reason="test"))
    return str(request.param)


# --- honest results -----------------------------------------------------------------------------

RELOADER = """
import os, subprocess, sys
from google import genai  # an app that uses Gemini in its request handlers
if os.environ.get("RELOADED") != "1":
    # what Flask's debug reloader does: run the interpreter's own command line again
    env = {**os.environ, "RELOADED": "1"}
    sys.exit(subprocess.call([sys.executable, *sys.orig_argv[1:]], env=env))
from http.server import BaseHTTPRequestHandler, HTTPServer
HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler).serve_forever()
"""


@pytest.mark.parametrize("fork", ["1", "0"])
def test_a_long_running_server_is_not_runnable(tmp_path: Path, capsys: Any, fork: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the fork server the reloader used to re-run the fork server itself, which
    printed its ready line and exited 0: "passed, 0 requests". Alone it timed out."""
    monkeypatch.setenv("GEMINI_MIGRATE_VERIFY_FORK", fork)
    monkeypatch.setattr(sandbox, "SERVER_IDLE", 1.0)
    monkeypatch.setattr(sandbox, "_WATCH_AFTER", 0.5)
    app = _write(tmp_path, "app.py", RELOADER)
    code, doc = _json_run(capsys, [str(app)], timeout=60.0)
    (row,) = doc["results"]
    assert code == 1
    assert row["status"] == "error" and not row["ok"]
    assert row["detail"].startswith("not runnable: a long-running server (listening on "
                                    "127.0.0.1:"), row
    assert '"ready"' not in row["stdout"]
    assert row["seconds"] < 30


def test_no_call_is_neither_passed_nor_equal(tmp_path: Path, capsys: Any) -> None:
    quiet = _write(tmp_path, "quiet.py", "print('nothing asked')\n")
    code, doc = _json_run(capsys, [str(quiet)])
    assert code == 1
    assert doc["results"][0]["status"] == "error"
    assert doc["results"][0]["detail"] == NO_CALLS
    code, doc = _json_run(capsys, [str(quiet)], differential=True, against=str(quiet))
    assert code == 1
    assert doc["results"][0]["status"] == "error"
    assert doc["results"][0]["detail"] == f"migrated: {NO_CALLS}"
    called = _write(tmp_path, "called.py", CALL)
    code, doc = _json_run(capsys, [str(called)])
    assert code == 0 and doc["results"][0]["status"] == "passed", doc


# --- network ------------------------------------------------------------------------------------

@pytest.fixture
def loopback_listeners() -> Iterator[tuple[int, int, list[str]]]:
    """A TCP and a UDP server on this machine's loopback that a snippet must not reach;
    what they received."""
    received: list[str] = []
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    tcp.settimeout(0.1)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = tcp.accept()
                received.append("tcp")
                connection.close()
            except OSError:
                pass
            try:
                udp.recvfrom(100)
                received.append("udp")
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield tcp.getsockname()[1], udp.getsockname()[1], received
    stop.set()
    thread.join(timeout=5)
    tcp.close()
    udp.close()


@needs_namespaces
def test_only_the_emulator_is_reachable(tmp_path: Path, capsys: Any,
                                        loopback_listeners: tuple[int, int, list[str]]) -> None:
    tcp_port, udp_port, received = loopback_listeners
    curl = shutil.which("curl")
    snippet = _write(tmp_path, "escape.py", CALL + textwrap.dedent(f"""
        import _socket, socket, subprocess

        def attempt(name, how):
            try:
                how()
                print(name, "reached")
            except OSError as exc:
                print(name, "blocked", type(exc).__name__)

        def raw_socket():
            s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            s.settimeout(3)
            s.connect(("127.0.0.1", {tcp_port}))

        attempt("_socket", raw_socket)
        attempt("socket", lambda: socket.create_connection(("127.0.0.1", {tcp_port}), 3))
        attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
            b"x", ("127.0.0.1", {udp_port})))
        if {curl!r}:
            done = subprocess.run([{curl!r}, "-s", "-m", "3", "http://127.0.0.1:{tcp_port}/"])
            print("curl", "reached" if done.returncode == 0 else "blocked")
    """))
    code, doc = _json_run(capsys, [str(snippet)])
    row = doc["results"][0]
    assert code == 0 and row["requests"] == 1, row
    lines = row["stdout"].splitlines()
    assert lines[0] == "turn 1: echo hi"
    # UDP has no answer to wait for: the listener below says whether it arrived
    assert [line.split()[:2] for line in lines[1:3]] == [
        ["_socket", "blocked"], ["socket", "blocked"]]
    if curl:
        assert lines[4] == "curl blocked"
    assert received == []
    assert doc["isolation"]["network"].startswith("own network namespace")


# --- files --------------------------------------------------------------------------------------

@needs_namespaces
def test_writes_stay_in_the_snippets_temporary_folder(tmp_path: Path, capsys: Any) -> None:
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "elsewhere.txt"
    snippet = _write(project, "writer.py", CALL + textwrap.dedent(f"""
        import os, tempfile
        for path in ({str(project / "written.txt")!r}, {str(outside)!r}, "here.txt",
                     os.path.join(tempfile.gettempdir(), "scratch.txt"),
                     os.path.expanduser("~/home.txt")):
            try:
                with open(path, "w") as fh:
                    fh.write("x")
                print("wrote", os.path.basename(path))
            except OSError as exc:
                print("refused", os.path.basename(path), exc.strerror)
    """))
    code, doc = _json_run(capsys, [str(snippet)])
    row = doc["results"][0]
    assert code == 0, row
    assert row["stdout"].splitlines()[1:] == [
        "refused written.txt Read-only file system", "refused elsewhere.txt Read-only file system",
        "wrote here.txt", "wrote scratch.txt", "wrote home.txt"]
    assert sorted(p.name for p in project.iterdir()) == ["writer.py"]
    assert not outside.exists()


# --- processes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ending", ["exits", "times out"])
def test_no_process_survives_the_snippet(tmp_path: Path, capsys: Any, isolation_mode: str,
                                         ending: str) -> None:
    """Children in their own session (setsid), and a daemon whose parent already exited."""
    marker = f"gemini-verify-test-{isolation_mode}-{ending.replace(' ', '-')}-{os.getpid()}"
    sleeper = [sys.executable, "-c",
               "import sys, time; open(sys.argv[2], 'w').close(); time.sleep(300)", marker]
    snippet = _write(tmp_path, "detach.py", f"""
        import os, subprocess, sys, time
        subprocess.Popen({sleeper!r} + ["session"], start_new_session=True)
        if os.fork() == 0:  # a daemon: double fork, new session, parent gone
            os.setsid()
            if os.fork() == 0:
                os.execv({sleeper[0]!r}, {sleeper!r} + ["daemon"])
            os._exit(0)
        while not (os.path.exists("session") and os.path.exists("daemon")):
            time.sleep(0.02)
        print("detached", flush=True)
        if {ending == "times out"!r}:
            time.sleep(300)
    """)
    code, doc = _json_run(capsys, [str(snippet)], timeout=5.0 if ending == "times out" else 20.0)
    row = doc["results"][0]
    assert row["stdout"] == "detached\n", row
    assert row["status"] == ("timeout" if ending == "times out" else "error")
    assert wait_for_processes(marker, present=False), processes_with(marker)


def test_a_fifo_is_not_read(tmp_path: Path, capsys: Any) -> None:
    """`--verify x.py` with x.py a FIFO used to block forever in open()."""
    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    _write(tmp_path, "called.py", CALL)
    found: list[Any] = []
    thread = threading.Thread(target=lambda: found.extend(
        [find([str(fifo)]), find([str(tmp_path)])]), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "find() blocked on a FIFO"
    explicit, walked = found
    assert [(s.name, s.error) for s in explicit] == [(str(fifo), NOT_REGULAR)]
    assert [Path(s.path).name for s in walked] == ["called.py"]
    code, doc = _json_run(capsys, [str(fifo)])
    assert code == 1 and doc["results"][0]["detail"] == NOT_REGULAR


# --- the sandbox as a building block (Node snippets use it too) ---------------------------------

def test_sandbox_runs_any_command(tmp_path: Path, isolation_mode: str) -> None:
    marker = f"gemini-verify-test-command-{isolation_mode}-{os.getpid()}"
    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    script = (f"import subprocess, sys; print('out'); print('err', file=sys.stderr); "
              f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
              f"{marker!r}], start_new_session=True); sys.exit(3)")
    with Sandbox(str(root)) as box:
        outcome = box.run([sys.executable, "-c", script], cwd=str(root / "work"),
                          env={"PATH": os.environ["PATH"], **box.env()}, timeout=20)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr, outcome.error) == \
        (3, "out\n", "err\n", None)
    assert wait_for_processes(marker, present=False)
    with Sandbox(str(root)) as box:
        outcome = box.run(["sleep", "30"], cwd=str(root / "work"),
                          env={"PATH": os.environ["PATH"]}, timeout=0.5)
    assert outcome.timed_out and outcome.exit_code is None and outcome.seconds < 10
    with Sandbox(str(root)) as box:
        outcome = box.run(["/nonexistent/program"], cwd=str(root / "work"),
                          env={"PATH": os.environ["PATH"]}, timeout=20)
    assert outcome.exit_code == 127 and "cannot start /nonexistent/program" in outcome.stderr


# --- keys ---------------------------------------------------------------------------------------

ENVIRON_WALK = """
import hashlib, os, sys
from pathlib import Path
{call}
found = set()
for entry in os.listdir("/proc"):
    try:
        environ = Path(f"/proc/{{entry}}/environ").read_bytes()
    except OSError:
        continue
    for item in environ.split(b"\\0"):
        name, _, value = item.partition(b"=")
        if name in (b"GEMINI_API_KEY", b"GOOGLE_API_KEY"):
            found.add(hashlib.sha256(value).hexdigest())
print("seen", sorted(found))
secret = Path({secret_file!r}).read_text().strip()  # the key read from a file of the project
print("the key is", secret)
raise SystemExit("failing with the key " + secret)
"""


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("gemini-migrate")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from migrator.cli import main; main()"]
    base = {k: v for k, v in os.environ.items() if "API_KEY" not in k}
    return subprocess.run([*command, *args], cwd=REPO, env={**base, **env},
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("output_format,sandboxed", [("json", "1"), ("github", "1"),
                                                     ("text", "0")])
def test_keys_are_neither_readable_nor_printed(tmp_path: Path, output_format: str,
                                               sandboxed: str) -> None:
    """Emulator mode: the snippet must not find the user's key in any process it can see
    (its parent chain included), and whatever key it prints is redacted, in every format and
    in the --report file."""
    gemini_key = f"AIzaSy-gemini-{output_format}-{os.getpid()}-secret"
    google_key = f"AIzaSy-google-{output_format}-{os.getpid()}-secret"
    secret_file = tmp_path / "key.txt"
    secret_file.write_text(gemini_key + "\n")
    snippet = _write(tmp_path, "leak.py", ENVIRON_WALK.format(call=CALL,
                                                              secret_file=str(secret_file)))
    report = tmp_path / "report.md"
    done = _cli("--verify", "--output-format", output_format, "--report", str(report),
                str(snippet), env={"GEMINI_API_KEY": gemini_key, "GOOGLE_API_KEY": google_key,
                     "GEMINI_MIGRATE_VERIFY_SANDBOX": sandboxed,
                     "GEMINI_MIGRATE_VERIFY_FORK": "0"})
    printed = done.stdout + done.stderr + report.read_text()
    assert done.returncode == 1, printed
    for key in (gemini_key, google_key):
        assert key not in printed
        assert hashlib.sha256(key.encode()).hexdigest() not in printed
    assert "failing with the key [REDACTED]" in printed
    if output_format == "json":  # only JSON shows the snippet's stdout
        assert "the key is [REDACTED]" in printed
    if output_format == "github":
        assert "::error file=" in printed and "[REDACTED]" in printed.split("::error")[1]


def test_redactor_covers_nested_values() -> None:
    redact = Redactor(["short", "a-long-secret-value", "a-long-secret-value-2"])
    assert redact.deep({"a-long-secret-value": ["x a-long-secret-value-2 y", 3, None]}) == \
        {"[REDACTED]": ["x [REDACTED] y", 3, None]}
    assert redact("short stays") == "short stays"  # too short to be a key


# --- the command line ---------------------------------------------------------------------------

def test_verify_writes_the_report(tmp_path: Path, capsys: Any) -> None:
    _write(tmp_path, "called.py", CALL)
    _write(tmp_path, "quiet.py", "from google import genai\n")
    markdown = tmp_path / "out" / "verify.md"
    code = run_verify([str(tmp_path)], live=False, differential=False, against=None,
                      timeout=20, output_format="text", quiet=True, report=str(markdown))
    capsys.readouterr()
    assert code == 1
    text = markdown.read_text()
    assert text.startswith("# gemini-migrate verify report")
    assert "| passed | `" in text and f"| error | `{tmp_path / 'quiet.py'}` " in text
    assert NO_CALLS in text and "## Isolation" in text
    report = tmp_path / "verify.json"
    code, doc = _json_run(capsys, [str(tmp_path / "called.py")], report=str(report))
    assert code == 0
    assert json.loads(report.read_text())["results"] == doc["results"]


def test_snippet_discovery_parses_imports(tmp_path: Path) -> None:
    taken = {
        "comma.py": "import os, google.generativeai as genai\n",
        "paren.py": "from google import (\n    api_core,\n    genai,\n)\n",
        "submodule.py": "from google.genai import types\n",
        "dynamic.py": "import importlib\nsdk = importlib.import_module('google.genai')\n",
        "nested.py": "def main():\n    import google.genai\n",
        "broken.py": "import google.genai\nprint(\n",  # runs, and fails: reported
    }
    left = {
        "docstring.py": '"""Example: import google.genai"""\n',
        "other_google.py": "from google import auth\nimport google.genaix\n",
        "relative.py": "from . import genai\n",
    }
    for name, code in {**taken, **left}.items():
        (tmp_path / name).write_text(code)
    (tmp_path / "guide.md").write_text(
        "```python\nprint('setup')\n```\n\n```python\nfrom google import genai\n```\n")
    found = find([str(tmp_path)])
    assert sorted(s.name.replace(str(tmp_path) + os.sep, "") for s in found) == sorted(
        [*taken, "guide.md:5"])
    # a file named on the command line runs whole
    assert len(find([str(tmp_path / "guide.md")])) == 2


def test_runner_module_keeps_its_public_names() -> None:
    """Embedders import these from runner; node.py takes what it shares with runner from
    execution.py, so that neither imports the other."""
    for name in ("Redactor", "Run", "Result", "judge", "kill_running", "FAKE_KEY", "OUTPUT_CAP",
                 "NO_CALLS"):
        assert hasattr(runner, name), name
    for name in ("Run", "execute", "INHERITED_ENV", "FAKE_KEY", "log_path"):
        assert hasattr(execution, name), name
