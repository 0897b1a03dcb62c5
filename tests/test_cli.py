"""The command-line contract of design.md: modes, output formats, options and exit codes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import migrator.engine as engine
from migrator.cli import cli
from migrator.codes import RULES
from migrator.progress import ProgressBar

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
CLEAN = "print('hello')\n"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>GM\d{3})( \[\*\])? \S")


def invoke(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(cli, list(args))
    else:
        with runner.isolated_filesystem(temp_dir=cwd):
            result = runner.invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "legacy.py").write_text(LEGACY)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


# --- modes ----------------------------------------------------------------------------------


def test_diff_prints_a_unified_diff_writes_nothing_and_exits_1(repo: Path) -> None:
    code, out, _ = invoke("--diff", str(repo))
    assert code == 1
    assert out.startswith(f"--- a/{repo / 'legacy.py'}\n+++ b/{repo / 'legacy.py'}\n@@ ")
    assert "\n-import google.generativeai as genai\n" in out
    assert "\n+from google import genai\n" in out
    assert (repo / "legacy.py").read_text() == LEGACY


def test_diff_exits_0_when_nothing_would_change(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text(CLEAN)
    code, out, _ = invoke("--diff", str(tmp_path))
    assert (code, out) == (0, "")


def test_default_mode_rewrites_in_place(repo: Path) -> None:
    code, out, err = invoke(str(repo))
    assert code == 1
    assert (repo / "legacy.py").read_text() == MIGRATED
    assert (repo / "clean.py").read_text() == CLEAN
    assert "rewrote 1 file" in err
    # A second run has nothing to do.
    code, out, err = invoke(str(repo))
    assert code == 0 and out == "" and "rewrote 0 files" in err


def test_default_path_is_the_current_directory(repo: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.chdir(repo)
    code, _, _ = invoke()
    assert code == 1 and (repo / "legacy.py").read_text() == MIGRATED


def test_check_prints_one_line_per_finding_and_a_summary(repo: Path) -> None:
    code, out, err = invoke("--check", str(repo))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(LINE.match(line) for line in lines), out
    assert {LINE.match(line)["code"] for line in lines} >= {"GM001", "GM002", "GM003", "GM004"}
    # Findings the run would fix carry the fixable mark and count as fixable.
    assert all(" [*] " in line for line in lines if " GM001 " in line)
    match = re.search(r"2 files checked, (\d+) findings \((\d+) fixable\)", err)
    assert match and int(match[2]) > 0 and int(match[1]) == len(lines), err
    assert (repo / "legacy.py").read_text() == LEGACY


def test_check_on_a_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text(CLEAN)
    assert invoke("--check", str(tmp_path))[0] == 0


def test_quiet_and_exit_zero(repo: Path) -> None:
    code, out, err = invoke("--check", "--quiet", "--exit-zero", str(repo))
    assert code == 0 and out and err == ""


def test_json_output_fields(repo: Path) -> None:
    code, out, _ = invoke("--check", "--output-format", "json", str(repo))
    assert code == 1
    doc = json.loads(out)
    assert doc["tool"] == "gemini-migrate" and doc["mode"] == "check"
    assert doc["format_version"] == 1 and doc["version"]
    items = doc["findings"]
    assert items
    for item in items:
        assert {"code", "name", "path", "line", "column", "message", "fix", "fixed",
                "fixable"} <= set(item)
        assert item["name"] == RULES[item["code"]].name
        assert item["fix"] in ("safe", "unsafe", "none")
    assert {i["path"] for i in items} == {str(repo / "legacy.py")} or \
        {Path(i["path"]).name for i in items} == {"legacy.py"}


STAND_IN_CODES = ("GM001", "GM002", "GM014", "GM301", "GM302", "GM401")


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler that reports one finding of each of several codes, whatever the rules do."""
    from migrator.context import Handler, HandlerOutput
    from migrator.findings import finding

    def report_all(path: str, data: bytes, ctx: engine.Context) -> HandlerOutput:
        return HandlerOutput(None, [finding(path, (1, n), code, "stand-in")
                                    for n, code in enumerate(STAND_IN_CODES, start=1)])

    handler = Handler("stand-in", report_all)
    monkeypatch.setattr(engine, "handler_of",
                        lambda path: handler if path.endswith(".py") else None)


def json_codes(*args: str) -> set[str]:
    code, out, _ = invoke("--check", "--output-format", "json", *args)
    assert code in (0, 1)
    return {item["code"] for item in json.loads(out)["findings"]}


def test_select_and_ignore_take_codes_and_prefixes(repo: Path, stand_in: None) -> None:
    target = str(repo / "legacy.py")
    assert json_codes(target) == set(STAND_IN_CODES)
    assert json_codes("--select", "GM002", target) == {"GM002"}
    assert json_codes("--select", "gm3", target) == {"GM301", "GM302"}
    assert json_codes("--select", "GM0,GM401", target) == {"GM001", "GM002", "GM014", "GM401"}
    assert json_codes("--ignore", "GM0", target) == {"GM301", "GM302", "GM401"}
    assert json_codes("--select", "GM3", "--ignore", "GM302", target) == {"GM301"}
    assert json_codes("--select", "ALL", "--ignore", "GM00,GM3", target) == {"GM014", "GM401"}
    assert invoke("--check", "--select", "GM9", target)[0] == 0


def test_jobs_gives_identical_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(8):
        (tmp_path / f"m{number}.py").write_text(LEGACY.replace("Hi", f"Hi {number}"))
        (tmp_path / f"c{number}.py").write_text(CLEAN)
    monkeypatch.setattr(engine, "POOL_MIN_FILES", 2)  # use the process pool on a small tree
    one = invoke("--check", "--jobs", "1", str(tmp_path))
    two = invoke("--check", "--jobs", "2", str(tmp_path))
    assert one == two and one[0] == 1
    assert invoke("--diff", "--jobs", "2", str(tmp_path)) == invoke("--diff", "--jobs", "1",
                                                                    str(tmp_path))


def test_statistics(repo: Path) -> None:
    code, out, _ = invoke("--check", "--statistics", str(repo))
    assert re.search(r"^\s+1\s+GM001\s+\[\*\] legacy-sdk-import$", out, re.MULTILINE), out


# --- documentation --------------------------------------------------------------------------


def test_list_rules_lists_every_rule() -> None:
    code, out, _ = invoke("--list-rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == list(RULES)


def test_explain_a_rule_and_an_unknown_code() -> None:
    code, out, _ = invoke("--explain", "gm303")
    assert code == 0 and out.startswith("GM303 (model-substituted)")
    assert RULES["GM303"].explanation in out
    code, _, err = invoke("--explain", "GM999")
    assert code == 2 and "unknown rule code" in err


# --- configuration --------------------------------------------------------------------------


def test_pyproject_settings_apply(repo: Path, stand_in: None) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.gemini-migrate]\nignore = ["GM0"]\n[tool.gemini-migrate.per-file-ignores]\n'
        '"legacy.py" = ["GM4"]\n')
    assert json_codes(str(repo)) == {"GM301", "GM302"}
    (repo / "pyproject.toml").write_text('[tool.gemini-migrate]\nextend-exclude = ["legacy.py"]\n')
    assert invoke("--check", str(repo))[0] == 0


@pytest.mark.parametrize(
    "content",
    ['[tool.gemini-migrate]\nno-such-key = 1\n', "[tool.gemini-migrate\n",
     '[tool.gemini-migrate]\njobs = "many"\n'],
)
def test_bad_configuration_exits_2(repo: Path, content: str) -> None:
    (repo / "pyproject.toml").write_text(content)
    code, _, err = invoke("--check", str(repo))
    assert code == 2 and "gemini-migrate:" in err and "pyproject.toml" in err
    assert (repo / "legacy.py").read_text() == LEGACY


def test_explicit_config_path(repo: Path, tmp_path_factory: pytest.TempPathFactory,
                              stand_in: None) -> None:
    other = tmp_path_factory.mktemp("cfg") / "pyproject.toml"
    other.write_text('[tool.gemini-migrate]\nselect = ["GM3"]\nignore = ["GM302"]\n')
    target = str(repo / "legacy.py")
    assert json_codes("--config", str(other), target) == {"GM301"}
    # Command-line flags win over the file's select, and add to its ignore.
    assert json_codes("--config", str(other), "--select", "GM0", target) == \
        {"GM001", "GM002", "GM014"}
    assert json_codes("--config", str(other), "--ignore", "GM301", target) == set()


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--check", "--diff"], ["--live"], ["--select", "XX1"], ["--ignore", "GM99999"],
     ["does-not-exist.py"], ["--output-format", "yaml"], ["--jobs", "-1"]],
)
def test_usage_errors_exit_2(repo: Path, args: list[str]) -> None:
    code, _, _ = invoke(*args, str(repo))
    assert code == 2
    assert (repo / "legacy.py").read_text() == LEGACY


def test_the_installed_entry_point_exits_2_on_usage_errors(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from migrator.cli import main; main()", "--check", "--diff",
         str(tmp_path)], capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 2 and "mutually exclusive" in proc.stderr


# --- notebooks, reports, progress -----------------------------------------------------------


def test_notebook_diff_is_per_cell(tmp_path: Path) -> None:
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {},
                     "outputs": [], "source": LEGACY.splitlines(keepends=True)}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb, indent=1) + "\n")
    code, out, _ = invoke("--diff", str(tmp_path / "nb.ipynb"))
    assert code == 1
    name = tmp_path / "nb.ipynb"
    assert out.startswith(f"--- a/{name} (cell 1)\n+++ b/{name} (cell 1)\n@@ ")
    assert "\n-import google.generativeai as genai\n" in out
    assert "\n+from google import genai\n" in out
    assert '"source"' not in out


def test_report_markdown_and_json(repo: Path, tmp_path_factory: pytest.TempPathFactory
                                  ) -> None:
    (repo / "broken.py").write_text("import google.generativeai\nprint 'x'\n")
    out_dir = tmp_path_factory.mktemp("reports")
    code, _, _ = invoke("--check", "--report", str(out_dir / "r.md"), str(repo))
    assert code == 1
    text = (out_dir / "r.md").read_text()
    assert text.startswith("# Gemini migration report")
    assert "| Files would be rewritten | 1 |" in text
    assert "## Files skipped (1)" in text and "broken.py" in text and "GM901" in text
    assert "| GM002 | legacy-configure | 1 |" in text
    invoke("--output-format", "json", "--report", str(out_dir / "r.json"), str(repo))
    data = json.loads((out_dir / "r.json").read_text())
    assert [Path(p).name for p in data["files"]["changed"]] == ["legacy.py"]
    assert [Path(s["path"]).name for s in data["files"]["skipped"]] == ["broken.py"]
    assert {r["code"] for r in data["migrated"]["by_rule"]} >= {"GM001", "GM002", "GM004"}


def test_report_to_an_unwritable_place_exits_2(repo: Path) -> None:
    target = repo / "legacy.py" / "report.md"  # a file is not a folder
    code, _, err = invoke("--check", "--report", str(target), str(repo))
    assert code == 2 and "refusing to write the report there" in err and "not a folder" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_for_long_runs() -> None:
    shown = _Terminal()
    bar = ProgressBar(10, stream=shown, show_after=0)
    bar.advance(4)
    assert "4/10 files" in shown.getvalue() and "files/s" in shown.getvalue()
    bar.close()
    assert shown.getvalue().endswith("\r\x1b[K")

    piped = io.StringIO()
    bar = ProgressBar(10, stream=piped, show_after=0)
    bar.advance(10)
    bar.close()
    assert piped.getvalue() == ""

    quick = _Terminal()
    bar = ProgressBar(10, stream=quick)  # the default: nothing in the first seconds
    bar.advance(10)
    bar.close()
    assert quick.getvalue() == ""


def test_check_and_rewrite_never_import_the_sdks(tmp_path: Path) -> None:
    """Pre-commit runs without google-genai installed: the check/rewrite path must not need it."""
    (tmp_path / "legacy.py").write_text(LEGACY)
    (tmp_path / "README.md").write_text(f"```python\n{LEGACY}```\n")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": LEGACY}], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    program = (
        "import sys\nfrom migrator.cli import main\ntry:\n    main()\nexcept SystemExit:\n"
        "    pass\nprint(sorted(m for m in sys.modules\n"
        "             if m.startswith(('google.genai', 'google.generativeai'))))\n"
    )
    for mode in (["--check"], ["--diff"], []):
        proc = subprocess.run([sys.executable, "-c", program, *mode, "--quiet", str(tmp_path)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.stdout.splitlines()[-1] == "[]", (mode, proc.stdout[-500:], proc.stderr)
    assert (tmp_path / "legacy.py").read_text() == MIGRATED
