"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit the way the README tells
users to reference them: the README's own `.pre-commit-config.yaml` block, with its repository
URL replaced by this checkout and its `rev:` by this checkout's commit.

pre-commit clones the hook repository at that commit and pip-installs it into its own
virtualenv, so this also proves the hooks install and run from the project's committed files,
without google-genai or google-generativeai. The documented `rev:` is the release tag
(v<version>); the test does not need the tag to exist (a CI checkout may carry none), only the
commit. Uncommitted changes are not part of what is tested, as they would not be for a user.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrator import __version__

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


def _readme_config() -> dict[str, Any]:
    import yaml  # shipped with pre-commit

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Pre-commit\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the README's Pre-commit section has no yaml block"
    config: dict[str, Any] = yaml.safe_load(block.group(1))
    return config


def _checkout_commit() -> str:
    try:
        return _git(ROOT, "rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: there is no commit to point pre-commit at")


def test_the_documented_rev_is_this_versions_tag() -> None:
    [repo] = _readme_config()["repos"]
    assert repo["rev"] == f"v{__version__}"
    # Where the tag exists, it is this version's.
    tagged = subprocess.run(["git", "show", f"v{__version__}:pyproject.toml"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if tagged.returncode == 0:
        assert f'version = "{__version__}"' in tagged.stdout


def _run(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([str(PRE_COMMIT), "run", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def test_hooks_end_to_end(tmp_path: Path) -> None:
    import yaml

    assert PRE_COMMIT.exists(), "pre-commit is part of the dev extra"
    config = _readme_config()
    [repo] = config["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == ["gemini-migrate-check"]
    repo["repo"], repo["rev"] = str(ROOT), _checkout_commit()
    repo["hooks"].append({"id": "gemini-migrate", "stages": ["manual"]})
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
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
