"""Which module-level names other files of the repository import.

A model object migrated to a dict in `app.py` breaks `worker.py` if that file does
`from app import model` and calls `model.generate_content(...)` itself (with no SDK import of
its own, it is not migrated). Before rewriting a module-level model or chat, the legacy pass
asks this index whether anyone else imports it. The scan is a byte search over the repository's
Python files, done once per process and only when a file has module-level legacy objects.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.config import Settings

_USES = (b"generate_content", b"send_message", b"start_chat", b"count_tokens")
_FROM = re.compile(rb"^\s*from\s+([\w.]+)\s+import\s+\(?([^)#\n]*(?:\n[^)#]*)*?)\)?\s*(?:#.*)?$",
                   re.MULTILINE)
_IMPORT = re.compile(rb"^\s*import\s+([\w.]+)(?:\s+as\s+(\w+))?", re.MULTILINE)
MAX_FILES = 20000


def repository_root(path: str) -> str:
    folder = Path(path).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return str(folder)


def _python_files(root: str, settings: Settings | None) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of the repository's Python files, as the run discovers them: git's
    tracked and unignored files, never virtual environments or build folders, nor what the
    run's settings (its pyproject.toml or --config, --extend-exclude) exclude."""
    from migrator.config import Settings
    from migrator.discover import discover

    for seen, path in enumerate(p for p in discover([root], settings or Settings(root=root))
                                if p.endswith(".py")):
        if seen >= MAX_FILES:
            return
        try:
            with open(path, "rb") as fh:
                yield path, fh.read(2_000_000)
        except OSError:
            continue


@lru_cache(maxsize=4)
def _consumers(root: str, settings: Settings | None) -> tuple[tuple[str, bytes], ...]:
    """(path, text) of files that call model/chat methods; the only ones that can break."""
    return tuple((path, data) for path, data in _python_files(root, settings)
                 if any(use in data for use in _USES))


def _module_names(path: str, root: str) -> set[str]:
    rel = Path(os.path.relpath(Path(path).resolve(), root)).with_suffix("")
    parts = [p for p in rel.parts if p not in ("..", ".")]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return {".".join(parts[i:]) for i in range(len(parts))} if parts else set()


def imported_elsewhere(path: str, names: set[str],
                       settings: Settings | None = None) -> dict[str, str]:
    """Of `names` (module-level names of `path`), those another file imports: name -> file."""
    if not names or not os.path.exists(path):
        return {}
    root = repository_root(path)
    modules = {m.encode() for m in _module_names(path, root)}
    if not modules:
        return {}
    me = os.path.realpath(path)
    found: dict[str, str] = {}
    for other, data in _consumers(root, settings):
        if os.path.realpath(other) == me:
            continue
        for match in _FROM.finditer(data):
            module = match.group(1).lstrip(b".")
            if module not in modules and not any(module.endswith(b"." + m) for m in modules):
                continue
            imported = match.group(2).replace(b"\n", b" ")
            for item in imported.split(b","):
                word = item.strip().split(b" as ")[0].strip()
                if word == b"*":
                    for name in names:
                        found.setdefault(name, other)
                elif word.decode(errors="replace") in names:
                    found.setdefault(word.decode(), other)
        for match in _IMPORT.finditer(data):
            module = match.group(1)
            if module in modules or any(module.endswith(b"." + m) for m in modules):
                alias = match.group(2) or module
                for name in names:
                    if alias + b"." + name.encode() in data:
                        found.setdefault(name, other)
    return found


# A legacy configure() call, or the Client(...) a migration (this run's or an earlier one) made
# of it: the scan must not depend on which file of the run was rewritten first.
_CONFIGURE = re.compile(
    rb"(?:configure|Client)\(\s*(?:api_key\s*=\s*([^,)\n]+(?:\([^)]*\))?[^,)\n]*))?")
# A key google-genai's Client() finds by itself: the environment variables it reads.
_ENV_KEY = re.compile(
    rb"""^os\.(?:environ\s*\[\s*|environ\.get\(\s*|getenv\(\s*)["'](?:GOOGLE|GEMINI)_API_KEY["']"""
)


def reads_env_key(expression: str) -> bool:
    """Whether an api_key expression reads what google-genai's Client() reads by itself."""
    return bool(_ENV_KEY.match(expression.encode()))


@lru_cache(maxsize=4)
def _configures(root: str, settings: Settings | None) -> tuple[tuple[str, bytes], ...]:
    """(path, api_key expression) of every legacy configure() call in the repository."""
    out: list[tuple[str, bytes]] = []
    for path, data in _python_files(root, settings):
        if not ((b"generativeai" in data and b"configure(" in data)
                or (b"genai" in data and b"Client(" in data)):
            continue
        if _is_test(os.path.relpath(path, root)):
            continue  # tests configure fake keys; they do not configure the application
        for match in _CONFIGURE.finditer(data):
            out.append((path, (match.group(1) or b"").strip()))
    return tuple(out)


def _is_test(rel: str) -> bool:
    parts = Path(rel).parts
    name = parts[-1] if parts else ""
    return (any(p in ("tests", "test", "testing") for p in parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


def foreign_key_configure(path: str, settings: Settings | None = None
                          ) -> tuple[str, str] | None:
    """Another file's configure() whose API key google-genai's Client() would not find by
    itself: (that file, the key expression). None when every configure elsewhere reads
    GOOGLE_API_KEY / GEMINI_API_KEY from the environment or passes no key."""
    if not os.path.exists(path):
        return None
    root = repository_root(path)
    me = os.path.realpath(path)
    for other, key in _configures(root, settings):
        if os.path.realpath(other) == me or not key:
            continue
        if not _ENV_KEY.match(key):
            return other, key.decode(errors="replace")
    return None
