"""The install commands the README documents, run as a user runs them on a fresh clone (here a
copy of the checkout's package files): `pip install .` and `pipx install .`, and the installed
command works from the installed copy, package data included."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEGACY = (
    "import google.generativeai as genai\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)


def _install_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_documents_only_commands_that_can_work() -> None:
    section = _install_section()
    commands = [line.split("#")[0].strip() for line in section.splitlines()
                if line.lstrip().startswith(("pip ", "pipx "))]
    # Not on any package index: a bare name would install nothing (or someone else's).
    bare = re.compile(r"install\s+['\"]?gemini-migrate(\[[^\]]*\])?['\"]?(?!\s*@)(\s|$)")
    assert not [c for c in commands if bare.search(c)]
    assert "pipx install ." in commands and any(c.startswith("pip install .") for c in commands)
    remote = [c for c in commands if "git+" in c]
    assert remote and all("@v" in c for c in remote), remote


def _sources(tmp: Path) -> Path:
    source = tmp / "gemini-migrate"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "migrator", source / "migrator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return source


def _check_installed(command: Path, python: Path, work: Path) -> None:
    (work / "app.py").write_text(LEGACY, encoding="utf-8")
    done = subprocess.run([str(command), "--check", "app.py"], cwd=work, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "app.py:1:1: GM001 [*]" in done.stdout
    where = subprocess.run(
        [str(python), "-c", "import migrator, os; d = os.path.dirname(migrator.__file__); "
         "print(d); print(os.path.isfile(os.path.join(d, 'rules', 'models.toml')), "
         "os.path.isfile(os.path.join(d, 'verify', '_site', 'sitecustomize.py')))"],
        cwd=work, capture_output=True, text=True, check=True)
    folder, data = where.stdout.splitlines()
    assert not Path(folder).is_relative_to(ROOT), "ran the checkout, not the installed copy"
    assert data == "True True", "package data is missing from the install"


def test_pip_install_dot(tmp_path: Path) -> None:
    source = _sources(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies this test environment already has (a path line in a .pth file: the
    # editable install of the checkout, which lives there as an import hook, stays out).
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--quiet", "--disable-pip-version-check", "."],
                          cwd=source, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    _check_installed(venv / "bin" / "gemini-migrate", python, tmp_path)


def test_pipx_install_dot(tmp_path: Path) -> None:
    pipx = Path(sys.executable).with_name("pipx")
    if not pipx.exists():
        pytest.fail("pipx is part of the dev extra")
    source = _sources(tmp_path)
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"),
           "PIPX_BIN_DIR": str(tmp_path / "bin"), "PIPX_MAN_DIR": str(tmp_path / "man")}
    done = subprocess.run([str(pipx), "install", "."], cwd=source, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    python = tmp_path / "pipx" / "venvs" / "gemini-migrate" / "bin" / "python"
    _check_installed(tmp_path / "bin" / "gemini-migrate", python, tmp_path)
