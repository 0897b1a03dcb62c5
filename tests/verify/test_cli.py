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


def test_pass_and_fail_exit_codes_and_json(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text("from google import genai\nclient = genai.Client()\n"
                    "print(client.interactions.create(model='gemini-2.5-flash', "
                    "input='hi').output_text)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("from google import genai\nclient = genai.Client()\n"
                   "client.interactions.create(model='gemini-1.5-flash', input='hi')\n")
    ok = _cli("--verify", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "passed" in ok.stdout and "good.py" in ok.stdout
    both = _cli("--verify", "--output-format", "json", str(good), str(bad))
    assert both.returncode == 1
    doc = json.loads(both.stdout)
    statuses = {Path(r["snippet"]).name: r for r in doc["results"]}
    assert statuses["good.py"]["status"] == "passed"
    assert statuses["good.py"]["stdout"] == "turn 1: echo hi\n"
    assert statuses["bad.py"]["status"] == "failed"
    assert "emulator answered 400" in statuses["bad.py"]["detail"]
    assert "[2/2]" in both.stderr  # progress


def test_differential_against(tmp_path: Path) -> None:
    equal = _cli("--verify", "--differential", "--against", str(PAIRS / "text.before.py"),
                 str(PAIRS / "text.after.py"))
    assert equal.returncode == 0, equal.stdout + equal.stderr
    assert "equal" in equal.stdout
    differs = _cli("--verify", "--differential", "--output-format", "json", "--against",
                   str(PAIRS / "config.before.py"), str(PAIRS / "config_drops_system.wrong.py"))
    assert differs.returncode == 1
    (row,) = json.loads(differs.stdout)["results"]
    assert row["status"] == "differs"
    assert row["difference"]["field"] == "system_instruction"
    assert row["difference"]["original"]["system_instruction"] == \
        "Answer in one short sentence."


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
    result = _cli("--verify", "--differential", "chat.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "equal" in result.stdout
    new = tmp_path / "new.py"
    new.write_text("print(1)\n")
    missing = _cli("--verify", "--differential", "new.py", cwd=tmp_path)
    assert missing.returncode == 1
    assert "not in git HEAD" in missing.stdout


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

    pid_file = tmp_path / "grandchild.pid"
    snippet = tmp_path / "hang.py"
    snippet.write_text(
        "import subprocess, time\n"
        f"p = subprocess.Popen(['sleep', '300'])\nopen({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(300)\n")
    script = Path(sys.executable).with_name("gemini-migrate")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from migrator.cli import main; main()"]
    proc = subprocess.Popen([*command, "--verify", str(snippet)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted" in err
    grandchild = int(pid_file.read_text())
    time.sleep(0.2)
    try:
        state = Path(f"/proc/{grandchild}/status").read_text()
    except OSError:
        state = "State: gone"
    assert "State:\tS" not in state and "State:\tR" not in state
