"""Discovery: git-aware, environments and build folders skipped, symlinks never followed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.config import Settings, apply
from migrator.discover import discover

HAS_GIT = shutil.which("git") is not None


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import google.generativeai\n", encoding="utf-8")


def found(root: Path, settings: Settings | None = None, *, args: list[str] | None = None
          ) -> list[str]:
    paths = discover(args or [str(root)], settings or Settings(root=str(root)))
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


def test_environments_build_and_cache_folders_are_skipped(tmp_path: Path) -> None:
    touch(tmp_path, "app/main.py", "notebooks/demo.ipynb", "docs/README.md",
          "venv/lib/python3.11/site-packages/google/generativeai/client.py",
          "my-env/lib/python3.11/site-packages/google/generativeai/models.py",
          "node_modules/pkg/setup.py", "build/lib/app/main.py", "__pycache__/x.py",
          ".tox/py311/x.py", "data/site-packages/y.py", "conda/lib/z.py")
    (tmp_path / "my-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "conda" / "conda-meta").mkdir()
    assert found(tmp_path) == ["app/main.py", "docs/README.md", "notebooks/demo.ipynb"]


def test_spaces_and_non_ascii_names(tmp_path: Path) -> None:
    names = ["my project/main app.py", "données/é è.py", "日本/ノート.ipynb"]
    touch(tmp_path, *names)
    assert found(tmp_path) == sorted(names)


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    touch(root, "src/a.py")
    touch(outside, "b.py")
    (root / "src" / "loop").symlink_to(root / "src")
    (root / "escape").symlink_to(outside)
    (root / "alias.py").symlink_to(root / "src" / "a.py")
    (root / "dangling.py").symlink_to(tmp_path / "missing.py")
    assert found(root) == ["src/a.py"]


def test_extend_exclude_and_include_from_config(tmp_path: Path) -> None:
    touch(tmp_path, "src/a.py", "src/generated/b.py", "tests/fixtures/c.py", "docs/d.md")
    settings = apply(Settings(root=str(tmp_path)),
                     {"extend-exclude": ["tests/fixtures", "generated"]}, source="test")
    assert found(tmp_path, settings) == ["docs/d.md", "src/a.py"]
    settings = apply(Settings(root=str(tmp_path)), {"include": ["src/*"]}, source="test")
    assert found(tmp_path, settings) == ["src/a.py", "src/generated/b.py"]
    # Patterns are relative to the project (pyproject.toml), also when a subfolder is given.
    settings = apply(Settings(root=str(tmp_path)), {"extend-exclude": ["src/generated"]},
                     source="test")
    assert found(tmp_path, settings, args=[str(tmp_path / "src")]) == ["src/a.py"]


def test_explicit_files_are_always_processed(tmp_path: Path) -> None:
    touch(tmp_path, "venv/lib/x.py", "build/y.py")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("")
    args = [str(tmp_path / "venv/lib/x.py"), str(tmp_path / "build/y.py"),
            str(tmp_path / "venv/lib/x.py")]
    assert found(tmp_path, args=args) == ["build/y.py", "venv/lib/x.py"]


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_gitignore_and_tracked_files_inside_a_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    touch(tmp_path, "src/a.py", "ignored/b.py", "scratch.py", "untracked/new.py",
          "venv/lib/site-packages/google/generativeai/c.py", "deleted.py")
    (tmp_path / ".gitignore").write_text("ignored/\nscratch.py\n")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("")
    git(tmp_path, "add", "-f", "src/a.py", "scratch.py", "venv", "deleted.py", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "x")
    (tmp_path / "deleted.py").unlink()
    # Tracked files count even when ignored; a committed venv is still skipped.
    assert found(tmp_path) == ["scratch.py", "src/a.py", "untracked/new.py"]
    assert found(tmp_path, args=[str(tmp_path / "src")]) == ["src/a.py"]
    # A folder that is itself ignored is walked when named on the command line.
    assert found(tmp_path, args=[str(tmp_path / "ignored")]) == ["ignored/b.py"]


def test_outside_git_or_without_git_the_tree_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "a.py", "sub/b.py")
    (tmp_path / ".gitignore").write_text("a.py\n")  # no repository: not a git ignore file
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert found(tmp_path) == ["a.py", "sub/b.py"]

    def no_git(*args: object, **kwargs: object) -> object:
        raise FileNotFoundError("git")

    import subprocess

    monkeypatch.setattr(subprocess, "run", no_git)
    assert found(tmp_path) == ["a.py", "sub/b.py"]
