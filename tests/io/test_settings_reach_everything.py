"""The run's settings (pyproject.toml found from the target, or --config) reach every part that
looks for files: the cross-module scan of the rewrite and --verify's snippet search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

APP = (
    "import google.generativeai as genai\n\n"
    'genai.configure(api_key="k")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("x").text)\n'
)
# A file that imports the module-level model: unless it is excluded, `model` must keep its
# legacy shape (GM011).
IMPORTER = "from app import model\nprint(model.generate_content('hi').text)\n"
COMMAND = [sys.executable, "-c", "from migrator.cli import main; main()"]


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "API_KEY" not in k}
    return subprocess.run([*COMMAND, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180, check=False)


def _repo(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "scratch").mkdir()
    (root / "scratch" / "try_it.py").write_text(IMPORTER, encoding="utf-8")
    return root


def test_cross_module_scan_honours_the_projects_excludes(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    assert "GM011" in _run(repo, "--check", "app.py").stdout  # the premise
    (repo / "pyproject.toml").write_text(
        '[tool.gemini-migrate]\nextend-exclude = ["scratch"]\n', encoding="utf-8")
    assert "GM011" not in _run(repo, "--check", "app.py").stdout


def test_cross_module_scan_honours_config(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    config = tmp_path / "elsewhere" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text('[tool.gemini-migrate]\nextend-exclude = ["scratch"]\n', encoding="utf-8")
    done = _run(repo, "--check", "--config", str(config), "app.py")
    assert done.returncode in (0, 1), done.stderr
    assert "GM011" not in done.stdout, done.stdout


def test_verify_finds_snippets_with_the_projects_excludes(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "vendored").mkdir(parents=True)
    good = ("from google import genai\nclient = genai.Client()\n"
            "print(client.interactions.create(model='gemini-2.5-flash', input='hi')"
            ".output_text)\n")
    (root / "good.py").write_text(good, encoding="utf-8")
    (root / "vendored" / "other.py").write_text(good, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.gemini-migrate]\nextend-exclude = ["vendored"]\n', encoding="utf-8")
    done = _run(root, "--verify", "--output-format", "json", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    names = [Path(r["snippet"]).name for r in json.loads(done.stdout)["results"]]
    assert names == ["good.py"]
