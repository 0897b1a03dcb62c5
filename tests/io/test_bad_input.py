"""Nothing a repository holds crashes the run or loses data; every skip is said and counted."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import migrator.engine as engine
from migrator.cli import cli
from migrator.config import Settings
from migrator.context import Handler, HandlerOutput
from migrator.engine import make_context, process_file

LEGACY = (
    "import google.generativeai as genai\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)
MIGRATED = (
    "from google import genai\n"
    'client = genai.Client(api_key="KEY")\n'
    'print(client.interactions.create(model="gemini-2.5-flash", input="Hi").output_text)\n'
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# name -> (bytes on disk, expected bytes after a rewrite run or None for "unchanged")
GOOD = {
    "bom.py": (b"\xef\xbb\xbf" + LEGACY.encode(), b"\xef\xbb\xbf" + MIGRATED.encode()),
    "crlf.py": (LEGACY.replace("\n", "\r\n").encode(), MIGRATED.replace("\n", "\r\n").encode()),
    "latin1.py": (
        ("# -*- coding: latin-1 -*-\n# café\n" + LEGACY).encode("latin-1"),
        ("# -*- coding: latin-1 -*-\n# café\n" + MIGRATED).encode("latin-1"),
    ),
    "tabs.py": ((LEGACY + "def main():\n\tif True:\n\t\treturn 1\n").encode(),
                (MIGRATED + "def main():\n\tif True:\n\t\treturn 1\n").encode()),
    "formfeed.py": (("import os\n\x0c\n" + LEGACY).encode(),
                    ("import os\n\x0c\n" + MIGRATED).encode()),
    "empty.py": (b"", None),
    "plain.py": (b"print('no gemini here')\n", None),
}

BAD = {
    # name -> (bytes, code, words of the message)
    "invalid_utf8.py": (b"import google.generativeai\nx = '\xff\xfe'\n", "GM902", "decode"),
    "binary.py": (b"\x00\x01generativeai\x00\xff" * 64, "GM902", "binary"),
    "python2.py": (b"import google.generativeai\nprint 'hello'\n", "GM901", "parse"),
    "broken.ipynb": (b'{"cells": [{"source": "google.generativeai"', "GM906", "JSON"),
    "old.ipynb": (json.dumps({"nbformat": 3, "worksheets": [
        {"cells": [{"input": "import google.generativeai"}]}]}).encode(), "GM906", "nbformat 3"),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, (data, _) in GOOD.items():
        (tmp_path / name).write_bytes(data)
    for name, (data, _, _) in BAD.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_a_tree_of_awkward_files_is_migrated_and_every_skip_reported(tree: Path) -> None:
    code, out, err = invoke(str(tree))
    assert code == 1
    for name, (before, after) in GOOD.items():
        assert (tree / name).read_bytes() == (after if after is not None else before), name
    for name, (data, rule, words) in BAD.items():
        assert (tree / name).read_bytes() == data, name
        lines = [line for line in out.splitlines() if line.startswith(str(tree / name))]
        assert len(lines) == 1 and f" {rule} " in lines[0] and words in lines[0], (name, out)
    assert f"{len(BAD)} files skipped" in err
    assert not [p for p in tree.iterdir() if p.name.startswith(engine.TEMP_PREFIX)]


def test_check_mode_reports_the_same_skips_and_writes_nothing(tree: Path) -> None:
    before = {p.name: p.read_bytes() for p in tree.iterdir()}
    code, out, err = invoke("--check", str(tree))
    assert code == 1
    assert {p.name: p.read_bytes() for p in tree.iterdir()} == before
    assert f"{len(BAD)} files skipped" in err


def test_read_only_file_is_not_rewritten_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "ro.py"
    path.write_text(LEGACY)
    path.chmod(0o444)
    code, out, err = invoke(str(path))
    assert code == 1 and "GM902" in out and "read-only" in out and "1 file skipped" in err
    assert path.read_text() == LEGACY and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_executable_bit_survives_a_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "tool.py"
    path.write_text(LEGACY)
    path.chmod(0o751)
    invoke(str(path))
    assert path.read_text() == MIGRATED and stat.S_IMODE(path.stat().st_mode) == 0o751


def test_a_symlink_named_on_the_command_line_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(LEGACY)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    invoke(str(link))
    assert link.is_symlink() and real.read_text() == MIGRATED


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_permissions(tmp_path: Path) -> None:
    path = tmp_path / "secret.py"
    path.write_text(LEGACY)
    path.chmod(0)
    code, out, _ = invoke(str(tmp_path))
    assert code == 1 and "GM902" in out and "cannot read" in out


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.py"
    path.write_text(LEGACY)
    real_open = open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny)
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.skipped and "Permission denied" in result.skipped
    assert [f.code for f in result.findings] == ["GM902"]


def test_huge_file_is_skipped_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.py"
    path.write_bytes(LEGACY.encode() + b"x = 1\n" * (engine.MAX_FILE_BYTES // 6 + 1))
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.skipped and "larger than" in result.skipped and not result.written


def test_fifo_named_py_does_not_hang(tmp_path: Path) -> None:
    path = tmp_path / "pipe.py"
    os.mkfifo(path)
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.skipped == "not a regular file"


def test_file_changed_between_read_and_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "busy.py"
    path.write_text(LEGACY)
    real = engine.handler_of(str(path))
    assert real is not None

    def edit_meanwhile(name: str, data: bytes, ctx: engine.Context) -> HandlerOutput:
        out = real.run(name, data, ctx)
        path.write_text(LEGACY + "# edited by someone else\n")
        return out

    stand_in = Handler("python", edit_meanwhile)
    monkeypatch.setattr(engine, "handler_of", lambda p: stand_in)
    result = process_file(str(path), make_context(Settings(), write=True))
    assert [(f.code, f.line) for f in result.findings if f.code.startswith("GM9")] == [("GM905", 1)]
    assert not result.written and result.skipped
    assert path.read_text() == LEGACY + "# edited by someone else\n"


def test_a_crashing_handler_is_one_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text(LEGACY)
    (tmp_path / "b.py").write_text(LEGACY)
    real = engine.handler_of("x.py")
    assert real is not None

    def crash_on_a(name: str, data: bytes, ctx: engine.Context) -> HandlerOutput:
        if name.endswith("a.py"):
            raise RuntimeError("boom")
        return real.run(name, data, ctx)

    stand_in = Handler("python", crash_on_a)
    monkeypatch.setattr(engine, "handler_of", lambda p: stand_in)
    code, out, err = invoke(str(tmp_path), "--jobs", "1")
    assert code == 1 and "GM903" in out and "boom" in out and "1 file skipped" in err
    assert (tmp_path / "a.py").read_text() == LEGACY
    assert (tmp_path / "b.py").read_text() == MIGRATED


def test_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.py"
    path.write_text(LEGACY)

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    result = process_file(str(path), make_context(Settings(), write=True))
    assert result.skipped == "write failed" and "No space left" in result.findings[-1].message
    assert path.read_text() == LEGACY
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_a_worker_that_dies_does_not_lose_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(6):
        (tmp_path / f"m{number}.py").write_text(LEGACY)
    real = engine.handler_of("x.py")
    assert real is not None
    parent = os.getpid()

    def die_in_a_worker(name: str, data: bytes, ctx: engine.Context) -> HandlerOutput:
        if os.getpid() != parent and name.endswith("m3.py"):
            os._exit(9)  # what the OOM killer or a crash in native code looks like
        return real.run(name, data, ctx)

    stand_in = Handler("python", die_in_a_worker)
    monkeypatch.setattr(engine, "handler_of", lambda p: stand_in)
    monkeypatch.setattr(engine, "POOL_MIN_FILES", 2)
    code, out, err = invoke(str(tmp_path), "--jobs", "2")
    assert code == 1 and "Traceback" not in err
    assert all((tmp_path / f"m{n}.py").read_text() == MIGRATED for n in range(6))


def test_a_crash_is_told_from_an_interrupt_by_the_exit_statuses() -> None:
    # Ctrl-C: every worker that stopped was told to.
    assert engine.stopped_by_signal([130, 130])
    assert engine.stopped_by_signal([130, None])
    # A crash (os._exit(9), SIGKILL from the OOM killer): the pool then terminates the
    # others, which exit with the stop status too; the run must go on, not stop.
    assert not engine.stopped_by_signal([9, 130])
    assert not engine.stopped_by_signal([-9, 130])
    assert not engine.stopped_by_signal([9, 0])
