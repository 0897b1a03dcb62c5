"""Faults around writing, through the real command in a subprocess: another process editing a
file while it is rewritten, report paths that are not files, files owned by someone else or
hard-linked, a run killed or interrupted while its workers are busy, and absurd --jobs."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-c", "from migrator.cli import main; main()"]
LEGACY = (
    "import google.generativeai as genai\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the worker processes")


def cli(*args: str, cwd: Path, prelude: str = "", timeout: float = 120
        ) -> subprocess.CompletedProcess[str]:
    command = COMMAND if not prelude else [
        sys.executable, "-c", prelude + "\nfrom migrator.cli import main\nmain()\n"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


# --- another writer ----------------------------------------------------------------------------


def test_an_edit_made_while_the_new_content_is_flushed_is_kept(tmp_path: Path) -> None:
    """The flush to disk is the slow step between the check and the rename: an editor that
    saves then must win, and the run must say the file was not rewritten."""
    path = tmp_path / "app.py"
    path.write_text(LEGACY, encoding="utf-8")
    prelude = (
        "import os\nreal = os.fsync\n"
        "def fsync(fd):\n    real(fd)\n"
        f"    with open({str(path)!r}, 'a') as fh:\n        fh.write('# saved meanwhile\\n')\n"
        "os.fsync = fsync\n"
    )
    done = cli(str(path), cwd=tmp_path, prelude=prelude)
    assert done.returncode == 1, done.stderr
    assert path.read_text(encoding="utf-8") == LEGACY + "# saved meanwhile\n"
    assert "GM905" in done.stdout
    assert "rewrote 0 files" in done.stderr, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


# --- report targets ----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(LEGACY, encoding="utf-8")
    return tmp_path


# Every target lives in the test's own folder: were the refusal ever lost, the test must not
# replace anything of the machine's (a run of it on the old code turned /dev/null and
# /dev/stdout into regular files).
@pytest.mark.parametrize("target", ["app.py", "link.md", "stdout", "folder", "pipe"])
def test_the_report_is_never_written_over_what_is_not_a_report(project: Path,
                                                               target: str) -> None:
    (project / "folder").mkdir()
    (project / "kept.md").write_text("my notes\n", encoding="utf-8")
    (project / "link.md").symlink_to(project / "kept.md")
    (project / "stdout").symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    os.mkfifo(project / "pipe")  # not a regular file, like a device node
    before = {p.name: p.read_bytes() for p in project.iterdir()
              if p.is_file() and not p.is_symlink()}
    done = cli("--check", "--report", target, "app.py", cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "refusing to write the report there" in done.stderr
    assert {p.name: p.read_bytes() for p in project.iterdir()
            if p.is_file() and not p.is_symlink()} == before
    assert (project / "link.md").is_symlink() and (project / "stdout").is_symlink()
    assert stat.S_ISFIFO((project / "pipe").lstat().st_mode)
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "folder", "kept.md",
                                                         "link.md", "pipe", "stdout"]
    assert not list((project / "folder").iterdir())


def test_the_report_goes_to_a_new_path_over_an_old_report_or_to_stdout(project: Path) -> None:
    assert cli("--check", "--report", "out/MIGRATION.md", "app.py",
               cwd=project).returncode == 1
    first = (project / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    assert first.startswith("# Gemini migration report")
    assert cli("--check", "--report", "out/MIGRATION.md", "app.py",
               cwd=project).returncode == 1  # a report may replace a report
    done = cli("--check", "--report", "-", "app.py", cwd=project)
    assert done.returncode == 1 and done.stdout.startswith("# Gemini migration report")
    assert "app.py:1:1: GM001" not in done.stdout  # the report is the output


# --- owner, group, mode and links --------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another user")
def test_a_file_of_another_user_keeps_its_owner_group_and_mode(project: Path) -> None:
    path = project / "app.py"
    os.chown(path, 4242, 4343)
    path.chmod(0o640)
    assert cli("app.py", cwd=project).returncode == 1
    after = path.stat()
    assert "from google import genai" in path.read_text(encoding="utf-8")
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (4242, 4343, 0o640)


def test_a_hard_linked_file_is_reported_not_split(project: Path) -> None:
    path = project / "app.py"
    twin = project / "twin_of_app.txt"
    os.link(path, twin)
    done = cli("app.py", cwd=project)
    assert done.returncode == 1
    assert "app.py:1:1: GM909" in done.stdout and "hard links" in done.stdout
    assert path.read_text(encoding="utf-8") == LEGACY == twin.read_text(encoding="utf-8")
    assert os.stat(path).st_ino == os.stat(twin).st_ino


# --- interrupts and kills ----------------------------------------------------------------------

# Each file takes the rewrite a few seconds: long enough that a worker is always in the middle
# of one when the signal comes.
SLOW = (
    'import google.generativeai as genai\n\ngenai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    + "".join(f'\n\ndef ask_{i}(prompt):\n    return model.generate_content(prompt + "{i}").text\n'
              for i in range(150))
    + '\nTOKEN = "T000"\n'
)
FILES = 26  # above the engine's POOL_MIN_FILES: the process pool is used


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _slow_tree(root: Path) -> dict[Path, str]:
    tree = root / "tree"
    tree.mkdir()
    originals = {}
    for number in range(FILES):
        path = tree / f"module_{number:02d}.py"
        originals[path] = SLOW.replace("T000", f"T{number:03d}")
        path.write_text(originals[path], encoding="utf-8")
    return originals


def _busy_workers(proc: subprocess.Popen[bytes]) -> set[int]:
    """Wait until the run's workers exist and are well into a file."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            time.sleep(1.0)
            return _children(proc.pid)
        time.sleep(0.05)
    pytest.fail("the run never started its workers")


def _check_files(originals: dict[Path, str]) -> None:
    """Every file is either untouched or wholly migrated: it compiles, uses the new SDK only
    and still ends with its own last line (a torn write would not)."""
    for path, before in originals.items():
        text = path.read_text(encoding="utf-8")
        if text == before:
            continue
        compile(text, str(path), "exec")
        assert "google.generativeai" not in text and "from google import genai" in text
        assert text.endswith(before.splitlines(keepends=True)[-1]), f"{path.name} is torn"


@linux_only
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupt_stops_busy_workers_within_a_second(tmp_path: Path, how: str) -> None:
    expected = _slow_tree(tmp_path)
    tree = tmp_path / "tree"
    proc = subprocess.Popen([*COMMAND, "--quiet", "--jobs", "2", str(tree)], cwd=tree,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        workers = _busy_workers(proc)
        signalled = time.monotonic()
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal does
        else:
            proc.send_signal(signal.SIGTERM)  # `kill PID`: the main process only
        proc.communicate(timeout=60)
        stopped = time.monotonic() - signalled
        assert not any(_alive(pid) for pid in workers)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    # The target is 1 s; the bound leaves room for a loaded CI machine, and is still far below
    # the seconds a worker needs to finish the file it is on.
    assert stopped < 2.0, f"took {stopped:.1f} s to stop"
    _check_files(expected)
    assert not [p for p in tree.iterdir() if p.name.endswith(".tmp")]


@linux_only
def test_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    expected = _slow_tree(tmp_path)
    tree = tmp_path / "tree"
    proc = subprocess.Popen([*COMMAND, "--quiet", "--jobs", "2", str(tree)], cwd=tree,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    workers: set[int] = set()
    try:
        workers = _busy_workers(proc)
        proc.kill()  # kill -9 of the main process
        proc.wait()
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        orphans = [pid for pid in workers if _alive(pid)]
        snapshot = {path: path.read_text(encoding="utf-8") for path in expected}
        time.sleep(1.0)
        assert not orphans, "workers outlived the run"
        assert {path: path.read_text(encoding="utf-8") for path in expected} == snapshot, \
            "files were still being rewritten after the run was killed"
    finally:
        for pid in _children(proc.pid) | workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    _check_files(expected)


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_one(project: Path) -> None:
    """What a SIGKILL between a temporary file and its rename leaves: a run that writes
    removes it, a --check run names it; a live run's temporary file is left alone."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = project / f".gemini-migrate-{dead.pid}-x1y2z3.tmp"
    stale.write_text("half a file", encoding="utf-8")
    live = project / f".gemini-migrate-{os.getpid()}-a1b2c3.tmp"
    live.write_text("being written", encoding="utf-8")
    checked = cli("--check", "--quiet", ".", cwd=project)
    assert "1 temporary file left by an interrupted run" in checked.stderr, checked.stderr
    assert stale.exists()
    rerun = cli("--quiet", ".", cwd=project)
    assert "removed 1 temporary file left by an interrupted run" in rerun.stderr, rerun.stderr
    assert not stale.exists() and live.exists()
    assert "from google import genai" in (project / "app.py").read_text(encoding="utf-8")


# --- --jobs ------------------------------------------------------------------------------------


@linux_only
def test_jobs_is_capped_by_files_and_cores(tmp_path: Path) -> None:
    for number in range(30):
        (tmp_path / f"m{number:02d}.py").write_text(LEGACY.replace("Hi", f"Hi {number}"),
                                                    encoding="utf-8")
    proc = subprocess.Popen([*COMMAND, "--check", "--quiet", "--jobs", "64", str(tmp_path)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    most = 0
    while proc.poll() is None:
        most = max(most, len(_children(proc.pid)))
        time.sleep(0.01)
    assert proc.returncode == 1
    assert 0 < most <= 2 * (os.cpu_count() or 1), most
    helped = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, check=True)
    assert "2 per core" in helped.stdout
