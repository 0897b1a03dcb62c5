"""The lint gate through the CLI: exit codes, formats, statistics, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import cli

GEMINI_MIGRATE = Path(sys.executable).with_name("gemini-migrate")


def _invoke(root: Path, *args: str) -> tuple[int, str, str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.ts").write_text('const m = "gemini-1.5-flash";\n', encoding="utf-8")
    (tmp_path / "config.yaml").write_text("model: gemini-2.0-flash\nother: gemini-2.0-flash\n",
                                          encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("google-genai==1.0\n", encoding="utf-8")
    # Code that calls the Interactions API: the google-genai floor applies to this project.
    (tmp_path / "bot.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'print(client.interactions.create(model="gemini-2.5-flash", input="x").output_text)\n',
        encoding="utf-8")
    return tmp_path


def test_check_exit_codes(project: Path, tmp_path: Path) -> None:
    code, out, _ = _invoke(project, "--check", ".")
    assert code == 1
    assert "app.ts:1:12: GM301" in out and "requirements.txt:1:1: GM402 [*]" in out
    assert _invoke(project, "--check", "--exit-zero", ".")[0] == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "app.ts").write_text('const m = "gemini-2.5-flash";\n', encoding="utf-8")
    (clean / "requirements.txt").write_text("google-genai>=2.26.0\n", encoding="utf-8")
    assert _invoke(clean, "--check", ".")[0] == 0


def test_statistics(project: Path) -> None:
    code, out, _ = _invoke(project, "--check", "--statistics", "--quiet", ".")
    assert code == 1
    counts = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert counts == [["1", "GM301", "[*]", "retired-model"], ["2", "GM302", "deprecated-model"],
                      ["1", "GM402", "[*]", "genai-below-floor"]]


def test_json_format(project: Path) -> None:
    code, out, _ = _invoke(project, "--check", "--quiet", "--output-format", "json", ".")
    assert code == 1
    items = json.loads(out)["findings"]
    assert {(i["path"], i["line"], i["code"], i["severity"]) for i in items} == {
        ("app.ts", 1, "GM301", "error"),
        ("config.yaml", 1, "GM302", "warning"),
        ("config.yaml", 2, "GM302", "warning"),
        ("requirements.txt", 1, "GM402", "error"),
    }
    retired = next(i for i in items if i["code"] == "GM301")
    assert retired["data"] == {"from": "gemini-1.5-flash", "to": "gemini-3-flash-preview"}
    # A retired id in JS / TS code: its calls answer 404, so the successor is a safe fix.
    assert retired["fix"] == "safe"


def test_select_and_ignore(project: Path) -> None:
    code, out, _ = _invoke(project, "--check", "--quiet", "--select", "GM4", ".")
    assert code == 1 and "GM402" in out and "GM30" not in out
    code, out, _ = _invoke(project, "--check", "--quiet", "--ignore", "GM3,GM4", ".")
    assert code == 0 and out == ""


def test_pyproject_configuration(project: Path) -> None:
    """User model overrides and per-file ignores from [tool.gemini-migrate]."""
    (project / "pyproject.toml").write_text(
        "[tool.gemini-migrate.models]\n"
        '"gemini-2.0-flash" = { status = "retired", successor = "gemini-2.5-flash" }\n'
        '"acme-old-1" = { status = "deprecated", successor = "gemini-2.5-pro" }\n'
        "[tool.gemini-migrate.per-file-ignores]\n"
        '"*.ts" = ["GM301"]\n', encoding="utf-8")
    (project / "settings.json").write_text('{"model": "acme-old-1"}\n', encoding="utf-8")
    code, out, _ = _invoke(project, "--check", "--quiet", "--output-format", "json", ".")
    items = json.loads(out)["findings"]
    got = {(i["path"], i["code"], i["data"].get("to", "")) for i in items}
    assert ("config.yaml", "GM301", "gemini-2.5-flash") in got
    assert not any(path == "app.ts" for path, _, _ in got)
    # The prefilter is built from the model table with the user's overrides, so a model the
    # user added is found in any file, whatever its name looks like.
    assert ("settings.json", "GM302", "gemini-2.5-pro") in got


def test_unsafe_fixes_rewrite_config(project: Path) -> None:
    code, _, _ = _invoke(project, "--quiet", ".")
    assert (project / "config.yaml").read_text() == ("model: gemini-2.0-flash\n"
                                                     "other: gemini-2.0-flash\n")
    assert (project / "requirements.txt").read_text() == "google-genai>=2.26.0,<4\n"
    code, _, _ = _invoke(project, "--quiet", "--unsafe-fixes", ".")
    assert (project / "config.yaml").read_text() == ("model: gemini-3-flash-preview\n"
                                                     "other: gemini-3-flash-preview\n")
    assert (project / "app.ts").read_text() == 'const m = "gemini-3-flash-preview";\n'
    assert _invoke(project, "--check", ".")[0] == 0


def test_real_console_script(project: Path) -> None:
    done = subprocess.run([str(GEMINI_MIGRATE), "--check", "--output-format", "sarif", "."],
                          cwd=project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert json.loads(done.stdout)["runs"][0]["results"]


def test_lint_path_never_imports_the_sdks(project: Path) -> None:
    """pre-commit speed and the hook's own virtualenv: checking imports neither SDK."""
    (project / "app.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'r = client.interactions.create(model="gemini-2.0-flash", input="x")\n',
        encoding="utf-8")
    (project / "package.json").write_text('{"dependencies": {"@google/genai": "^1.0.0"}}\n',
                                          encoding="utf-8")
    script = (
        "import sys\n"
        "from migrator.cli import main\n"
        "sys.argv = ['gemini-migrate', '--check', '--quiet', '--jobs', '1', '.']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('google.genai', "
        "'google.generativeai', 'google.ai')))\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "1 []", done.stdout + done.stderr


def test_one_run_migrates_the_code_then_the_pin(tmp_path: Path) -> None:
    """Manifests run after the code (phase 1): the legacy pin goes in the same run that
    migrates its last import, and --check / --diff, which write nothing, judge the pin by the
    code as that run would leave it (issue 13: --diff showed 3 files where the run wrote 4)."""
    (tmp_path / "app.py").write_text(
        "import google.generativeai as genai\n\n"
        'genai.configure(api_key="KEY")\n'
        'model = genai.GenerativeModel("gemini-2.5-flash")\n'
        'print(model.generate_content("Hello").text)\n', encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("google-generativeai==0.8.3\nrequests\n",
                                               encoding="utf-8")
    code, out, _ = _invoke(tmp_path, "--check", "--quiet", ".")
    assert code == 1
    assert "requirements.txt:1:1: GM401 [*]" in out and "still do" not in out
    code, out, _ = _invoke(tmp_path, "--diff", ".")
    assert code == 1
    assert "+++ b/requirements.txt" in out and "+google-genai>=2.26.0,<4" in out
    assert "+++ b/app.py" in out
    assert "google.generativeai" in (tmp_path / "app.py").read_text(encoding="utf-8")
    code, _, _ = _invoke(tmp_path, "--quiet", ".")
    assert "google.generativeai" not in (tmp_path / "app.py").read_text(encoding="utf-8")
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8") == (
        "google-genai>=2.26.0,<4\nrequests\n")


def test_diff_and_check_agree_with_the_run_when_legacy_code_stays(tmp_path: Path) -> None:
    """One file migrates, one keeps the legacy SDK: --diff shows google-genai added beside the
    legacy pin (GM407), exactly what the plain run then writes."""
    (tmp_path / "app.py").write_text(
        "import google.generativeai as genai\n\n"
        'genai.configure(api_key="KEY")\n'
        'model = genai.GenerativeModel("gemini-2.5-flash")\n'
        'print(model.generate_content("Hello").text)\n', encoding="utf-8")
    (tmp_path / "embed.py").write_text(
        "import google.generativeai as genai\n\n"
        'print(genai.embed_content(model="models/text-embedding-004", content="x"))\n',
        encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("google-generativeai==0.8.3\n",
                                               encoding="utf-8")
    _, checked, _ = _invoke(tmp_path, "--check", "--quiet", ".")
    assert "requirements.txt:1:1: GM407 [*]" in checked
    _, diff, _ = _invoke(tmp_path, "--diff", ".")
    assert "+++ b/requirements.txt" in diff
    _invoke(tmp_path, "--quiet", ".")
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8") == (
        "google-generativeai==0.8.3\ngoogle-genai>=2.26.0,<4\n")
    assert "google.generativeai" in (tmp_path / "embed.py").read_text(encoding="utf-8")
