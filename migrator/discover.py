"""Which files a run looks at: explicit files always, directories through git or a walk.

Inside a git work tree a directory argument lists the files git knows about (tracked, plus
untracked files that `.gitignore` does not exclude) with one `git ls-files` per argument;
outside git, or without a git executable, the tree is walked. Either way virtual environments
(any folder holding `pyvenv.cfg` or `conda-meta`), `site-packages`, `node_modules`, build and
cache folders and the configured excludes are skipped, and symlinks are never followed: a
symlinked file or folder inside the tree is reached through its real path or not at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from fnmatch import translate

from migrator.config import Settings

# Marker files of a Python environment: real repositories commit whole venvs, and their
# site-packages hold the legacy SDK's own source, which must never be "migrated".
_ENV_MARKERS = ("pyvenv.cfg", "conda-meta")


def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex for a set of globs: fnmatch per pattern per path is far too slow."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{translate(p.rstrip('/'))})" for p in patterns))


class _Filter:
    """Exclude decisions, cached per folder (a 5,000-file tree has a few hundred folders)."""

    def __init__(self, root: str, settings: Settings) -> None:
        self.root = root
        self.exclude = _pattern(settings.exclude + settings.extend_exclude)
        self.include = _pattern(settings.include)
        # Patterns like "tests/fixtures" are written relative to the project (pyproject.toml):
        # the root's own path inside the project, prepended to a relative path, gives that.
        inside = _project_relative(root, os.path.abspath(settings.root))
        self.project_prefix = inside + "/" if inside and inside != "." else None
        self.folders: dict[str, bool] = {"": False}

    def _matches(self, name: str, rel: str) -> bool:
        if self.exclude is None:
            return False
        if self.exclude.match(name) or self.exclude.match(rel):
            return True
        return self.project_prefix is not None and bool(
            self.exclude.match(self.project_prefix + rel)
        )

    def folder_excluded(self, rel: str) -> bool:
        """`rel` is a folder relative to the root, '/'-separated, '' for the root itself."""
        cached = self.folders.get(rel)
        if cached is not None:
            return cached
        parent, _, name = rel.rpartition("/")
        excluded = (
            self.folder_excluded(parent)
            or self._matches(name, rel)
            or any(
                os.path.lexists(os.path.join(self.root, rel, marker)) for marker in _ENV_MARKERS
            )
        )
        self.folders[rel] = excluded
        return excluded

    def file_kept(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        if self.folder_excluded(folder) or self._matches(name, rel):
            return False
        return self.include is None or bool(self.include.match(rel))


def _project_relative(path: str, project: str) -> str | None:
    rel = os.path.relpath(os.path.abspath(path), project)
    if rel == ".." or rel.startswith(".." + os.sep):
        return None
    return rel.replace(os.sep, "/")


def discover(paths: list[str], settings: Settings,
             temporaries: list[str] | None = None) -> list[str]:
    """Files under `paths`, sorted per argument, without duplicates. Temporary files of an
    interrupted rewrite met on the way are added to `temporaries`."""
    from migrator.engine import kind_of

    seen: set[str] = set()
    out: list[str] = []
    for root in paths:
        if not os.path.isdir(root):
            # An explicit file is always checked (pre-commit passes files one by one), even
            # when an exclude pattern would have skipped it in a walk.
            candidates: Iterator[str] = iter([root])
        else:
            candidates = _files_under(root, settings, kind_of, temporaries)
        for path in candidates:
            key = os.path.normpath(os.path.abspath(path))
            if key in seen:
                continue
            seen.add(key)
            out.append(path)
    return out


def _files_under(
    root: str, settings: Settings, kind_of: Callable[[str], object],
    temporaries: list[str] | None = None,
) -> Iterator[str]:
    from migrator.engine import TEMP_NAME

    keep = _Filter(root, settings)
    listed = _git_files(root)
    rels = sorted(set(listed) if listed is not None else _walk(root, keep))
    for rel in rels:
        if not keep.file_kept(rel):
            continue
        path = rel if root in (".", "./") else os.path.join(root, rel)
        if kind_of(path) is None:
            if temporaries is not None and TEMP_NAME.match(rel.rpartition("/")[2]):
                temporaries.append(path)
            continue
        if listed is not None and not _regular_file(path):
            continue  # deleted but still tracked, a symlink, or a submodule
        yield path


def _regular_file(path: str) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _git_files(root: str) -> list[str] | None:
    """Paths relative to `root` that git tracks or would track; None outside a work tree."""
    import subprocess  # only folders need git: a pre-commit run names files

    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            cwd=root, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git executable: walk
    if proc.returncode != 0:
        return None  # not inside a work tree: walk
    names = [os.fsdecode(name) for name in proc.stdout.split(b"\0") if name]
    # Nothing listed: the folder named on the command line is itself ignored (a vendored copy,
    # a scratch folder). Naming it is a request to look inside, so walk it instead.
    return names or None


def _walk(root: str, keep: _Filter) -> Iterator[str]:
    """Relative '/'-separated paths of regular files under `root`, without following links."""
    visited: set[tuple[int, int]] = set()
    stack = [""]
    while stack:
        rel_folder = stack.pop()
        folder = os.path.join(root, rel_folder) if rel_folder else root
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:
                continue  # a bind mount or hard-linked folder seen already
            visited.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # unreadable folder: nothing in it can be processed either
        subfolders = []
        for entry in entries:
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not keep.folder_excluded(rel):
                        subfolders.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    yield rel
            except OSError:
                continue
        stack.extend(reversed(subfolders))
