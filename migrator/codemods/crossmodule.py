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


def python_files(root: str, settings: Settings | None) -> Iterator[tuple[str, bytes]]:
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
    return tuple((path, data) for path, data in python_files(root, settings)
                 if any(use in data for use in _USES))


def module_names(path: str, root: str) -> set[str]:
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
    modules = {m.encode() for m in module_names(path, root)}
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
    for path, data in python_files(root, settings):
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
    itself: (that file, the key expression). Only a file the import graph connects to this one
    counts (`connected`): a configure() in an unrelated script never set this file's key. None
    when every connected configure reads GOOGLE_API_KEY / GEMINI_API_KEY from the environment
    or passes no key."""
    if not os.path.exists(path):
        return None
    root = repository_root(path)
    me = os.path.realpath(path)
    for other, key in _configures(root, settings):
        if os.path.realpath(other) == me or not key:
            continue
        if not _ENV_KEY.match(key) and connected(path, other, settings):
            return other, key.decode(errors="replace")
    return None


# --------------------------------------------------------------------------------------------
# the repository's import graph
# --------------------------------------------------------------------------------------------

_IMPORT_LINE = re.compile(rb"^[ \t]*import[ \t]+([\w. \t,]+)", re.MULTILINE)
_FROM_LINE = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^#\n]*)",
                        re.MULTILINE)
# A legacy call or object: what keeps reading the legacy SDK's global configuration.
_LEGACY_USE = re.compile(rb"generate_content|send_message|start_chat|count_tokens|"
                         rb"embed_content|list_models|get_model|upload_file|GenerativeModel")


def _imported_modules(rel: str, data: bytes) -> set[str]:
    """Dotted names of the modules a file imports (and the packages they run)."""
    parts = list(Path(rel).with_suffix("").parts)
    package = parts[:-1]  # the folder: __init__.py and modules resolve alike
    out: set[str] = set()

    def add(name: str) -> None:
        pieces = [p for p in name.split(".") if p]
        for end in range(1, len(pieces) + 1):
            out.add(".".join(pieces[:end]))

    for match in _IMPORT_LINE.finditer(data):
        for item in match.group(1).decode(errors="replace").split(","):
            words = item.split()
            if words:
                add(words[0])
    for match in _FROM_LINE.finditer(data):
        module = match.group(1).decode(errors="replace")
        level = len(module) - len(module.lstrip("."))
        base = module.lstrip(".")
        if level:
            anchor = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
            base = ".".join([*anchor, *([base] if base else [])])
        if base:
            add(base)
        names = match.group(2).decode(errors="replace").strip("() \t\r\n")
        for item in names.split(","):
            words = item.split()
            if words and words[0] != "*" and words[0].isidentifier():
                add(f"{base}.{words[0]}" if base else words[0])
    return out


@lru_cache(maxsize=4)
def _import_graph(root: str, settings: Settings | None) -> dict[str, set[str]]:
    """Real path of each Python file -> real paths of the files it imports (by any of the
    names it can be imported as: a module imported as `app` and as `pkg.app` is one file)."""
    files = [(os.path.realpath(path), data) for path, data in python_files(root, settings)]
    by_name: dict[str, set[str]] = {}
    for path, _ in files:
        for name in module_names(path, root):
            by_name.setdefault(name, set()).add(path)
    graph: dict[str, set[str]] = {}
    for path, data in files:
        if b"import" not in data:
            graph[path] = set()
            continue
        rel = os.path.relpath(path, root)
        targets: set[str] = set()
        for name in _imported_modules(rel, data):
            targets |= by_name.get(name, set())
        targets.discard(path)
        graph[path] = targets
    _run_by_path(files, graph)
    return graph


_SCRIPT_NAME = re.compile(rb"""["']([^"'\n]*?[\w-]+\.py)["']""")


def _run_by_path(files: list[tuple[str, bytes]], graph: dict[str, set[str]]) -> None:
    """Files one process runs without importing them: a script named in another's string
    (`st.Page("chat.py")`, `runpy.run_path("x.py")`, `exec(open("x.py").read())`), and the
    pages of a Streamlit multipage app (`pages/*.py`, run in the process of the script in
    the folder above, whose global configuration they share)."""
    by_base: dict[str, list[str]] = {}
    for path, _ in files:
        by_base.setdefault(os.path.basename(path), []).append(path)
    for path, data in files:
        if b".py" not in data:
            continue
        for match in _SCRIPT_NAME.finditer(data):
            named = match.group(1).decode(errors="replace").replace("\\", "/")
            for target in by_base.get(os.path.basename(named), ()):
                if target != path and target.endswith(named.lstrip("./")):
                    graph[path].add(target)
    for path, data in files:
        folder = os.path.dirname(path)
        if os.path.basename(folder) != "pages" or b"streamlit" not in data:
            continue
        app = os.path.dirname(folder)
        for entry, entry_data in files:
            if os.path.dirname(entry) == app and b"streamlit" in entry_data:
                graph[entry].add(path)


@lru_cache(maxsize=4)
def _reverse_graph(root: str, settings: Settings | None) -> dict[str, set[str]]:
    """Real path of each file -> the files that import it."""
    reverse: dict[str, set[str]] = {}
    for source, targets in _import_graph(root, settings).items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    return reverse


@lru_cache(maxsize=256)
def _importers(root: str, settings: Settings | None, path: str) -> frozenset[str]:
    """`path` and every file that imports it, directly or through other files."""
    reverse = _reverse_graph(root, settings)
    seen = {path}
    todo = [path]
    while todo:
        for source in reverse.get(todo.pop(), ()):
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return frozenset(seen)


def connected(path: str, other: str, settings: Settings | None = None) -> bool:
    """Whether one program can run both files: one imports the other, directly or
    transitively, or a common entry point imports both."""
    root = repository_root(path)
    me, them = os.path.realpath(path), os.path.realpath(other)
    return bool(_importers(root, settings, me) & _importers(root, settings, them))


def legacy_dependents(path: str, settings: Settings | None = None) -> list[str]:
    """Files connected to `path` (see `connected`) that still use the legacy SDK without a
    configure() of their own: they read the global configuration `path` sets. Tests are left
    out (they configure fake keys and are not the application)."""
    if not os.path.exists(path):
        return []
    me = os.path.realpath(path)
    return sorted(other for other in _legacy_users(repository_root(path), settings)
                  if os.path.realpath(other) != me and connected(path, other, settings))


@lru_cache(maxsize=4)
def _legacy_users(root: str, settings: Settings | None) -> tuple[str, ...]:
    """Files (not tests) that use the legacy SDK without a configure() of their own."""
    return tuple(path for path, data in python_files(root, settings)
                 if b"generativeai" in data and b"configure(" not in data
                 and not _is_test(os.path.relpath(path, root)) and _LEGACY_USE.search(data))


@lru_cache(maxsize=4)
def _import_index(root: str, settings: Settings | None
                  ) -> tuple[tuple[str, tuple[tuple[bytes, tuple[bytes, ...]], ...],
                                   tuple[bytes, ...]], ...]:
    """(path, its `from M import a, b` lines, its `import M` modules) of every Python file
    that imports anything: names only, the files' text is not kept."""
    out = []
    for path, data in python_files(root, settings):
        froms = tuple(
            (match.group(1), tuple(item.strip().split(b" as ")[0].strip() for item in
                                   match.group(2).replace(b"\n", b" ").split(b",")))
            for match in _FROM.finditer(data))
        imports = tuple(match.group(1) for match in _IMPORT.finditer(data))
        if froms or imports:
            out.append((path, froms, imports))
    return tuple(out)


def names_imported_elsewhere(path: str, settings: Settings | None = None) -> set[str]:
    """Names other files of the repository import from the module `path`, with "*" when one
    imports the module itself (any of its names may then be used)."""
    if not os.path.exists(path):
        return set()
    root = repository_root(path)
    modules = {m.encode() for m in module_names(path, root)}
    me = os.path.realpath(path)
    found: set[str] = set()

    def mine(module: bytes) -> bool:
        module = module.lstrip(b".")
        return module in modules or any(module.endswith(b"." + m) for m in modules)

    for other, froms, imports in _import_index(root, settings):
        if os.path.realpath(other) == me:
            continue
        for module, names in froms:
            for name in names:
                if mine(module) and name:
                    found.add(name.decode(errors="replace"))
                elif mine(module.rstrip(b".") + b"." + name if module.strip(b".") else name):
                    found.add("*")
        if any(mine(module) for module in imports):
            found.add("*")
    return found
