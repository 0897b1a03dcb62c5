"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway repository.

pre-commit clones the hook repository at a commit and pip-installs it into its own virtualenv,
so this also proves the hooks install and run from the project's own files, without
google-genai or google-generativeai. The hook repository is a snapshot of the working tree
(pyproject.toml, README.md, migrator/, .pre-commit-hooks.yaml) committed in a temporary git
repository, so uncommitted work is what gets tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


def _hook_repo(tmp: Path) -> tuple[Path, str]:
    repo = tmp / "hook-repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "migrator", repo / "migrator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "snapshot")
    return repo, _git(repo, "rev-parse", "HEAD")


def _run(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([str(PRE_COMMIT), "run", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def test_hooks_end_to_end(tmp_path: Path) -> None:
    assert PRE_COMMIT.exists(), "pre-commit is part of the dev extra"
    hook_repo, rev = _hook_repo(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n"
        "  - id: gemini-migrate-check\n  - id: gemini-migrate\n    stages: [manual]\n",
        encoding="utf-8")
    app = (
        "from google import genai\n\nclient = genai.Client()\n"
        'reply = client.interactions.create(model="gemini-2.0-flash", input="Hi")\n'
        "print(reply.outputs[-1].text)\n"
    )
    (project / "app.py").write_text(app, encoding="utf-8")
    (project / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    _git(project, "add", ".")
    home = tmp_path / "pre-commit-home"

    check = _run(project, home, "gemini-migrate-check", "--all-files")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "app.py:4:42: GM302" in check.stdout
    assert "app.py:5:7: GM201" in check.stdout
    assert (project / "app.py").read_text(encoding="utf-8") == app, "--check wrote a file"

    fix = _run(project, home, "--hook-stage", "manual", "gemini-migrate", "--all-files")
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit: files were modified
    fixed = (project / "app.py").read_text(encoding="utf-8")
    assert 'model="gemini-3-flash-preview"' in fixed
    assert "print(reply.output_text)" in fixed

    _git(project, "add", ".")
    clean = _run(project, home, "gemini-migrate-check", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr


@pytest.mark.parametrize("hook", ["gemini-migrate", "gemini-migrate-check"])
def test_hook_definitions(hook: str) -> None:
    import yaml  # shipped with pre-commit

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks[hook]["language"] == "python"
    assert hooks[hook]["entry"].split()[0] == "gemini-migrate"
    assert ("--check" in hooks[hook]["entry"].split()) == hook.endswith("-check")
