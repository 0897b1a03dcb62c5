"""Ctrl-C or kill in the middle of a bulk rewrite: every file is either untouched or fully
migrated, no temporary file is left behind, and a second run finishes the job.

The real command runs as a subprocess on a few hundred files and is signalled once it has
written some of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrator.config import Settings
from migrator.engine import TEMP_PREFIX, make_context, run

# Every template configures its own key: what a file without one becomes depends on other files
# of the repository, which is not what this test is about.
TEMPLATES = [
    'import google.generativeai as genai\n\ngenai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Question {n}").text)\n',
    'import google.generativeai as genai\n\ngenai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'chat = model.start_chat()\nprint(chat.send_message("Hello {n}").text)\n',
    'import google.generativeai as gg\n\ngg.configure(api_key="KEY")\n\n\ndef ask(prompt):\n'
    '    model = gg.GenerativeModel("gemini-2.5-flash", system_instruction="Answer {n}")\n'
    "    return model.generate_content(prompt).text\n",
]
# A few hundred files would be closer to a real repository, but the rewrite costs ~0.1 s a
# file today; this many keeps the run going long enough to be interrupted.
FILES = 60
COMMAND = [sys.executable, "-c", "from migrator.cli import main; main()"]


def _tree(root: Path) -> dict[Path, tuple[str, str]]:
    """Write the tree under root/repo; expected results come from an uninterrupted run of the
    same engine on an identical copy (what a file becomes can depend on its neighbours)."""
    expected: dict[Path, tuple[str, str]] = {}
    for name in ("repo", "reference"):
        for number in range(FILES):
            path = root / name / f"pkg{number % 7}" / f"module_{number}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(TEMPLATES[number % len(TEMPLATES)].replace("{n}", str(number)),
                            encoding="utf-8")
    reference = sorted(str(p) for p in (root / "reference").rglob("*.py"))
    run(reference, make_context(Settings(), write=True), jobs=2)
    for ref in map(Path, reference):
        path = root / "repo" / ref.relative_to(root / "reference")
        before, after = path.read_text(encoding="utf-8"), ref.read_text(encoding="utf-8")
        assert before != after, f"{ref.name} is not rewritten at all"
        expected[path] = (before, after)
    return expected


def _state(expected: dict[Path, tuple[str, str]]) -> tuple[int, int]:
    """(untouched, migrated); fails on any file that is neither."""
    untouched = migrated = 0
    for path, (before, after) in expected.items():
        text = path.read_text(encoding="utf-8")
        if text == before:
            untouched += 1
        elif text == after:
            migrated += 1
        else:
            pytest.fail(f"{path.name} is half migrated:\n{text}")
    return untouched, migrated


@pytest.mark.parametrize(
    ("signum", "jobs", "whole_group"),
    [(signal.SIGINT, "2", True), (signal.SIGTERM, "1", False)],
    ids=["ctrl-c-process-pool", "kill-single-process"],
)
def test_interrupted_run_loses_nothing_and_a_rerun_finishes(
    tmp_path: Path, signum: int, jobs: str, whole_group: bool
) -> None:
    expected = _tree(tmp_path)
    tmp_path = tmp_path / "repo"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*COMMAND, "--quiet", "--jobs", jobs, str(tmp_path)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if _state(expected)[1] >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be interrupted"
        # A terminal's Ctrl-C reaches every process of the group; `kill PID` only the parent.
        if whole_group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err, err.decode()
    untouched, migrated = _state(expected)
    assert untouched and migrated, (untouched, migrated)
    assert not list(tmp_path.rglob(f"{TEMP_PREFIX}*"))

    rerun = subprocess.run([*COMMAND, "--quiet", "--jobs", "2", str(tmp_path)], cwd=tmp_path,
                           capture_output=True, timeout=120, check=False)
    assert rerun.returncode == 1, rerun.stderr.decode()
    assert _state(expected) == (0, FILES)
