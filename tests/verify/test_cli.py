"""`gemini-migrate --verify` through the real command line, in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PAIRS = Path(__file__).resolve().parent / "pairs"
REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("gemini-migrate")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from migrator.cli import main; main()"]
    base = {k: v for k, v in os.environ.items() if "API_KEY" not in k}
    return subprocess.run([*command, *args], cwd=cwd or REPO, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=180)


def test_exit_codes_json_and_differential(tmp_path: Path) -> None:
    """One command line: a passing and a failing snippet, plus a differential run against
    a directory with one correct and one wrong migration."""
    good = tmp_path / "good.py"
    good.write_text("from google import genai\nclient = genai.Client()\n"
                    "print(client.interactions.create(model='gemini-2.5-flash', "
                    "input='hi').output_text)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("from google import genai\nclient = genai.Client()\n"
                   "client.interactions.create(model='gemini-1.5-flash', input='hi')\n")
    both = _cli("--verify", "--output-format", "json", str(good), str(bad))
    assert both.returncode == 1
    doc = json.loads(both.stdout)
    statuses = {Path(r["snippet"]).name: r for r in doc["results"]}
    assert statuses["good.py"]["status"] == "passed"
    assert statuses["good.py"]["stdout"] == "turn 1: echo hi\n"
    assert statuses["bad.py"]["status"] == "failed"
    assert "emulator answered 400" in statuses["bad.py"]["detail"]
    assert "[2/2]" in both.stderr  # progress

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for name, before, after in (("text.py", "text.before.py", "text.after.py"),
                                ("config.py", "config.before.py",
                                 "config_drops_system.wrong.py")):
        (old / name).write_text((PAIRS / before).read_text())
        (new / name).write_text((PAIRS / after).read_text())
    differential = _cli("--verify", "--differential", "--output-format", "json",
                        "--against", str(old), str(new))
    assert differential.returncode == 1
    rows = {Path(r["snippet"]).name: r for r in json.loads(differential.stdout)["results"]}
    assert rows["text.py"]["status"] == "equal"
    assert rows["config.py"]["status"] == "differs"
    assert rows["config.py"]["difference"]["field"] == "system_instruction"
    assert rows["config.py"]["difference"]["original"]["system_instruction"] == \
        "Answer in one short sentence."


def test_differential_against_a_file() -> None:
    equal = _cli("--verify", "--differential", "--against", str(PAIRS / "text.before.py"),
                 str(PAIRS / "text.after.py"))
    assert equal.returncode == 0, equal.stdout + equal.stderr
    assert equal.stdout.splitlines()[1].startswith("equal")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_differential_from_git_head(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                       cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    snippet = tmp_path / "chat.py"
    snippet.write_text((PAIRS / "chat.before.py").read_text())
    git("add", "chat.py")
    git("commit", "-q", "-m", "original")
    snippet.write_text((PAIRS / "chat.after.py").read_text())
    new = tmp_path / "new.py"
    new.write_text("print(1)\n")
    result = _cli("--verify", "--differential", "--output-format", "json", "chat.py", "new.py",
                  cwd=tmp_path)
    assert result.returncode == 1
    rows = {r["snippet"]: r for r in json.loads(result.stdout)["results"]}
    assert rows["chat.py"]["status"] == "equal", rows["chat.py"]
    assert rows["chat.py"]["original"] == "git HEAD:chat.py"
    assert rows["new.py"]["status"] == "error"
    assert "not in git HEAD" in rows["new.py"]["detail"]


def test_usage_errors(tmp_path: Path) -> None:
    snippet = tmp_path / "a.py"
    snippet.write_text("print(1)\n")
    live = _cli("--verify", "--live", str(snippet))
    assert live.returncode == 2
    assert "GEMINI_API_KEY" in live.stderr
    needs_verify = _cli("--live", str(snippet))
    assert needs_verify.returncode == 2


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups")
def test_ctrl_c_stops_running_snippets(tmp_path: Path) -> None:
    import signal
    import time

    from tests.verify.conftest import processes_with, wait_for_processes

    marker = f"gemini-verify-test-ctrl-c-{os.getpid()}"
    snippet = tmp_path / "hang.py"
    snippet.write_text(
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', {marker!r}])\n"
        "time.sleep(300)\n")
    script = Path(sys.executable).with_name("gemini-migrate")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from migrator.cli import main; main()"]
    proc = subprocess.Popen([*command, "--verify", str(snippet)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not processes_with(marker):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted" in err
    assert wait_for_processes(marker, present=False)


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups")
def test_snippet_recorded_after_ctrl_c_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snippet can be running before its worker records its pid; if Ctrl-C came in
    between, recording it must stop it (else the exit waits for it to time out)."""
    import threading

    from migrator.verify import sandbox

    monkeypatch.setattr(sandbox, "_INTERRUPTED", threading.Event())
    monkeypatch.setattr(sandbox, "_RUNNING", set())
    late = subprocess.Popen(["sleep", "30"], start_new_session=True)
    sandbox.kill_running()  # Ctrl-C: nothing recorded yet
    sandbox.track(late.pid)
    assert late.wait(timeout=5) == -9
