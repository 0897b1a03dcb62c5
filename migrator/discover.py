"""Which files a run looks at: explicit files always, directories walked with excludes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatch

from migrator.config import Settings


def _excluded(name: str, rel: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(name, p) or fnmatch(rel, p) for p in patterns)


def discover(paths: list[str], settings: Settings) -> list[str]:
    """Files under `paths`, sorted per argument, without duplicates."""
    from migrator.handlers import handler_for

    patterns = settings.exclude + settings.extend_exclude
    seen: set[str] = set()
    out: list[str] = []
    for root in paths:
        if os.path.isfile(root) or not os.path.isdir(root):
            # An explicit file is always checked (pre-commit passes files one by one).
            candidates: Iterator[str] = iter([root])
        else:
            candidates = _walk(root, patterns)
        for path in candidates:
            key = os.path.normpath(path)
            if key in seen:
                continue
            if os.path.isdir(root) and handler_for(path) is None:
                continue
            if settings.include and os.path.isdir(root) and not any(
                fnmatch(os.path.relpath(path, root), p) for p in settings.include
            ):
                continue
            seen.add(key)
            out.append(path)
    return out


def _walk(root: str, patterns: tuple[str, ...]) -> Iterator[str]:
    visited: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=False):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in visited:
            dirs[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not _excluded(d, os.path.normpath(os.path.join(rel_folder, d)), patterns)
        )
        for name in sorted(files):
            path = os.path.join(folder, name)
            if _excluded(name, os.path.normpath(os.path.join(rel_folder, name)), patterns):
                continue
            if os.path.islink(path):
                continue
            yield path
