"""Which SDKs the code of a project imports, as this run leaves it: what a manifest must declare.

A manifest's pins follow the code: the legacy pin stays while some file still imports the
legacy SDK, google-genai is declared as soon as some file imports it, and its floor is raised
only where some file calls the Interactions API. The answers come from the files as the run
leaves them: from disk after a plain run (phase 0 has written the code before any manifest
runs), from the engine's overlay under --check / --diff, where nothing is written.

Cheap on purpose: a byte search decides which files can matter, and only those are searched
with line-anchored regular expressions for import statements (a mention in a comment or a
string is not an import). Notebooks are read as JSON, code cells only.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch

from migrator.context import Context

PYTHON_SUFFIXES = (".py", ".pyw")
NOTEBOOK_SUFFIXES = (".ipynb",)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte",
               ".astro", ".html", ".htm")
MAX_BYTES = 5 * 2**20

# `import google.generativeai as genai`, `import os, google.generativeai`,
# `from google.generativeai import types`, `from google import generativeai`,
# `from google import (genai,\n generativeai)`, `importlib.import_module("google.generativeai")`.
_PY_IMPORT = r"""
    (?:^|;)[ \t]*(?:
        import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*google\.{mod}\b
      | from[ \t]+google\.{mod}\b
      | from[ \t]+google[ \t]+import[ \t]+(?:[\w \t]+,[ \t]*)*{mod}\b
      | from[ \t]+google[ \t]+import[ \t]*\((?:[\w\s,]|\#[^\n]*)*?\b{mod}\b
    )
  | (?:import_module|__import__)\(\s*["']google\.{mod}\b
"""
PY_LEGACY = re.compile(_PY_IMPORT.format(mod="generativeai"), re.MULTILINE | re.VERBOSE)
PY_GENAI = re.compile(_PY_IMPORT.format(mod="genai"), re.MULTILINE | re.VERBOSE)
PY_VERTEX = re.compile(
    r"(?:^|;)[ \t]*(?:from[ \t]+vertexai(?:\.preview)?\.generative_models\b"
    r"|import[ \t]+vertexai(?:\.preview)?\.generative_models\b"
    r"|from[ \t]+vertexai(?:\.preview)?[ \t]+import[ \t]+(?:[\w \t]+,[ \t]*)*generative_models\b)",
    re.MULTILINE,
)
INTERACTIONS_CALL = re.compile(r"\binteractions\s*\.\s*(?:create|get|cancel|delete)\s*\(")
OLD_SCHEMA_READ = re.compile(r"\.outputs\b(?!\s*\[\s*-1\s*\]\s*\.\s*text\b)")

# ESM `import ... from "pkg"`, `export ... from "pkg"`, `import "pkg"`, dynamic `import("pkg")`,
# CommonJS `require("pkg")` (and TypeScript's `import x = require("pkg")`); subpaths count.
_JS_IMPORT = (r"""(?:\bfrom\s*|\bimport\s*(?:\(\s*)?|\brequire\s*\(\s*)"""
              r"""["'`]{pkg}(?:/[^"'`\s]*)?["'`]""")
JS_LEGACY = re.compile(_JS_IMPORT.format(pkg=re.escape("@google/generative-ai")))
JS_GENAI = re.compile(_JS_IMPORT.format(pkg=re.escape("@google/genai")))


@dataclass
class Usage:
    """Project-relative paths of the files that import each SDK (sorted)."""

    legacy: list[str] = field(default_factory=list)
    genai: list[str] = field(default_factory=list)
    interactions: list[str] = field(default_factory=list)
    vertex: list[str] = field(default_factory=list)
    # Interactions callers that read the 1.x `outputs` schema in a shape the rewrite does not
    # fix (only `outputs[-1].text` becomes `output_text`): they need google-genai 1.x
    old_schema: list[str] = field(default_factory=list)


def _live(pattern: re.Pattern[str], text: str, comment: str) -> bool:
    """A match that is not on a line commented out with `comment`."""
    for match in pattern.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if comment not in text[line_start:match.start()]:
            return True
    return False


def _imports(pattern: re.Pattern[str], text: str) -> bool:
    """A match that is an import statement: one after `;` must not sit in a string or a
    comment of its line (`"pip install x; import y"`)."""
    for match in pattern.finditer(text):
        if not match.group().startswith(";"):
            return True
        before = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        if "#" not in before and before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return True
    return False


def python_usage(text: str) -> tuple[bool, bool, bool, bool]:
    """(legacy, genai, interactions, vertex) for the text of one Python program."""
    legacy = "generativeai" in text and _imports(PY_LEGACY, text)
    genai = "genai" in text and _imports(PY_GENAI, text)
    interactions = genai and bool(INTERACTIONS_CALL.search(text))
    vertex = "generative_models" in text and _imports(PY_VERTEX, text)
    return legacy, genai, interactions, vertex


def notebook_code(data: bytes) -> str | None:
    """The code cells of a notebook joined, or None when it is not a readable notebook."""
    try:
        notebook = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        out.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(out)


def js_usage(text: str) -> tuple[bool, bool, bool]:
    """(legacy, genai, interactions) for the text of one JavaScript / TypeScript file."""
    legacy = "@google/generative-ai" in text and _live(JS_LEGACY, text, "//")
    genai = "@google/genai" in text and _live(JS_GENAI, text, "//")
    interactions = genai and bool(INTERACTIONS_CALL.search(text))
    return legacy, genai, interactions


def _walk(root: str, exclude: tuple[str, ...], suffixes: tuple[str, ...],
          stop_at: str | None = None,
          cut: Callable[[str, str], bool] | None = None) -> list[str]:
    """Files under `root` with one of `suffixes`, minus hidden folders and the run's excludes.

    `stop_at`: a file name that makes a sub-folder a project of its own (a nested package.json),
    whose files belong to that project, not to this one. `cut(root, sub-folder)`: the same
    question asked by a function.
    """
    out: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and not any(fnmatch(d, p) for p in exclude)
            and not (stop_at and os.path.exists(os.path.join(folder, d, stop_at)))
            and not (cut and cut(root, os.path.join(folder, d)))
        )
        out.extend(os.path.join(folder, name) for name in sorted(files)
                   if name.endswith(suffixes))
    return out


def _excludes(ctx: Context) -> tuple[str, ...]:
    return ctx.settings.exclude + ctx.settings.extend_exclude


def _content(ctx: Context, path: str) -> bytes | None:
    try:
        if os.path.realpath(path) not in ctx.overlay and os.path.getsize(path) > MAX_BYTES:
            return None
    except OSError:
        return None
    return ctx.read(path)


def python_project(root: str, ctx: Context) -> Usage:
    """Python files and notebooks under `root`, memoised for the run."""
    return _python_usage(root, ctx, scoped=False)


def python_scope(folder: str, ctx: Context) -> Usage:
    """Python files and notebooks a manifest in `folder` governs (see `manifest_scope`)."""
    return _python_usage(folder, ctx, scoped=True)


def _python_usage(root: str, ctx: Context, *, scoped: bool) -> Usage:
    key = ("python-scope" if scoped else "python", os.path.realpath(root))
    cached = ctx.memo.get(key)
    if isinstance(cached, Usage):
        return cached
    usage = Usage()
    cut = _other_scope if scoped else None
    for path in _walk(root, _excludes(ctx), PYTHON_SUFFIXES + NOTEBOOK_SUFFIXES, cut=cut):
        data = _content(ctx, path)
        if data is None or not (b"genai" in data or b"generativeai" in data
                                or b"generative_models" in data):
            continue
        if path.endswith(NOTEBOOK_SUFFIXES):
            text = notebook_code(data)
            if text is None:  # unreadable: keep the legacy pin if it names the legacy SDK
                found = (b"google.generativeai" in data, False, False, False)
            else:
                found = python_usage(text)
        else:
            found = python_usage(data.decode("utf-8", "replace"))
        rel = os.path.relpath(path, root)
        for flag, bucket in zip(found, (usage.legacy, usage.genai, usage.interactions,
                                        usage.vertex), strict=True):
            if flag:
                bucket.append(rel)
        if found[2] and OLD_SCHEMA_READ.search(data.decode("utf-8", "replace")):
            usage.old_schema.append(rel)
    ctx.memo[key] = usage
    return usage


def js_package(root: str, ctx: Context) -> Usage:
    """JavaScript / TypeScript files of the npm package whose package.json is in `root`."""
    key = ("js", os.path.realpath(root))
    cached = ctx.memo.get(key)
    if isinstance(cached, Usage):
        return cached
    usage = Usage()
    for path in _walk(root, _excludes(ctx), JS_SUFFIXES, stop_at="package.json"):
        data = _content(ctx, path)
        if data is None or b"@google/gen" not in data:
            continue
        legacy, genai, interactions = js_usage(data.decode("utf-8", "replace"))
        rel = os.path.relpath(path, root)
        if legacy:
            usage.legacy.append(rel)
        if genai:
            usage.genai.append(rel)
        if interactions:
            usage.interactions.append(rel)
    ctx.memo[key] = usage
    return usage


def project_root(path: str) -> str:
    """The nearest folder above `path` that holds `.git`; else the folder of `path`."""
    start = os.path.dirname(os.path.abspath(path))
    folder = start
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


# --------------------------------------------------------------------------------------------
# Which manifest governs which code: per-folder scope
# --------------------------------------------------------------------------------------------

REQUIREMENTS_NAME = re.compile(r"^(?:requirements|constraints)[\w.-]*\.(?:txt|in)$|"
                               r"^[\w.-]*requirements\.(?:txt|in)$", re.IGNORECASE)
_ALWAYS = {"setup.py", "pipfile", "environment.yml", "environment.yaml"}
# A pyproject.toml / setup.cfg that only configures tools (ruff, pytest, flake8) declares no
# dependencies: it does not make its folder a project of its own.
_DECLARES = {
    "pyproject.toml": re.compile(rb"^\s*\[(?:project|tool\.poetry|tool\.pdm|dependency-groups)"
                                 rb"[\].]", re.MULTILINE),
    "setup.cfg": re.compile(rb"^\s*\[options(?:\.extras_require)?\]", re.MULTILINE),
}
_INCLUDE = re.compile(r"^\s*(?:-r|-c|--requirement|--constraint)[\s=]*(\S+)", re.MULTILINE)


def manifests_in(folder: str) -> list[str]:
    """The Python dependency manifests of one folder (names only, sorted)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    out = []
    for name in names:
        lower = name.lower()
        if lower in _ALWAYS or REQUIREMENTS_NAME.match(name):
            out.append(name)
        elif lower in _DECLARES:
            try:
                with open(os.path.join(folder, name), "rb") as fh:
                    head = fh.read(MAX_BYTES)
            except OSError:
                continue
            if _DECLARES[lower].search(head):
                out.append(name)
    return [name for name in out if os.path.isfile(os.path.join(folder, name))]


def _includes_above(folder: str, root: str) -> bool:
    """Some requirements file of `folder` installs a file of `root`'s folder (`-r ../r.txt`):
    the sub-folder's code is installed with `root`'s pins too."""
    top = os.path.realpath(root)
    for name in manifests_in(folder):
        if not REQUIREMENTS_NAME.match(name):
            continue
        try:
            with open(os.path.join(folder, name), "rb") as fh:
                text = fh.read(MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        for match in _INCLUDE.finditer(text):
            target = os.path.realpath(os.path.join(folder, match.group(1)))
            if os.path.dirname(target) == top:
                return True
    return False


def _other_scope(root: str, folder: str) -> bool:
    """`folder` (below `root`) holds manifests of its own that do not include `root`'s."""
    return bool(manifests_in(folder)) and not _includes_above(folder, root)


def manifest_scope(path: str) -> str | None:
    """The folder whose manifests govern the code file `path`: the nearest folder at or above
    the file's own that holds a Python dependency manifest (requirements*.txt / .in,
    constraints*.txt, pyproject.toml or setup.cfg that declare dependencies, setup.py, Pipfile,
    environment.yml), not above the repository root (`.git`). None: no manifest governs it.

    The converse, what a manifest folder governs, is `python_scope(folder)`: its files and
    sub-folders, minus sub-folders with manifests of their own (a sub-app's requirements.txt
    governs that sub-app only) unless those include a file of this folder with `-r` / `-c`.
    """
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if manifests_in(folder):
            return folder
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return None
        folder = parent
