"""What a verify run executes: snippets found in scripts, notebooks and Markdown files.

- A Python script is one snippet; so is a JavaScript or TypeScript file (`.js .mjs .cjs .ts
  .mts .cts`, run with Node: node.py).
- A notebook is one snippet: its code cells in order, without IPython `%magic` / `!shell`
  lines (replaced by `pass` so indentation stays valid).
- A Markdown file holds one snippet per fenced ```python (or py / python3 / ipython) block and
  per ```js / javascript / ts / typescript (or mjs / cjs / mts / cts) block, each run on its
  own; a JS/TS block runs as an ES module unless it only uses `require`.

A file named on the command line is always taken (all its blocks). Under a directory, only
files whose code imports a Gemini SDK are taken (Python: any import form, found by parsing:
`import os, google.generativeai as genai`, `from google import genai`,
`importlib.import_module("google.genai")`; JS/TS: `import ... from`, `import()` or `require()`
of `@google/genai` or `@google/generative-ai`; a Markdown file's blocks that do not are left
out), and never test modules (`test_*.py`, `*_test.py`, `conftest.py`, `*.test.js`,
`*.spec.ts`, ...) or type declarations (`.d.ts`), so a project's library code and test suite
are not run as snippets. Only regular files are read (a FIFO named `x.py` would block the run).
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.config import Settings

SCRIPT_EXT = (".py",)
NODE_EXT = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
NOTEBOOK_EXT = (".ipynb",)
MARKDOWN_EXT = (".md", ".markdown")
SDK_MODULES = ("google.genai", "google.generativeai")
# Cheap first look before parsing: no SDK import without one of these words.
_MENTIONS_SDK = re.compile(rb"genai|generativeai|generative-ai")
# JavaScript / TypeScript: import ... from, import(), require(), bare import
_JS_IMPORTS_SDK = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)["']@google/"""
    r"""(?:genai|generative-ai)(?:/[\w./-]*)?["']""")
_TEST_MODULE = re.compile(r"^(test_.*|.*_test|conftest)\.py$"
                          r"|^.*\.(test|spec)\.[cm]?[jt]s$|^.*\.d\.[cm]?ts$")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$")
_PY_INFO = {"python", "py", "python3", "ipython", "ipython3", "pycon"}
# Markdown info string -> (extension as an ES module, as CommonJS)
_NODE_INFO = {"js": (".mjs", ".cjs"), "javascript": (".mjs", ".cjs"), "node": (".mjs", ".cjs"),
              "mjs": (".mjs", ".mjs"), "cjs": (".cjs", ".cjs"), "ts": (".mts", ".cts"),
              "typescript": (".mts", ".cts"), "mts": (".mts", ".mts"), "cts": (".cts", ".cts")}
# `import` / `export` statements, or `await` in a statement at the left margin (top level): an
# ES module, as Node 22 and bundlers read a file that does not say
ESM_SYNTAX = re.compile(r"^\s*(?:import(?:\s+[\w{*'\"]|\s*[{*'\"])|export[\s{*])"
                        r"|^(?:await\b|for\s+await\b|(?:const|let|var)\s[^\n]*\bawait\b)", re.M)
_CJS_SYNTAX = re.compile(r"\brequire\s*\(")
_MAX_FILE = 4 * 1024 * 1024


@dataclass
class Snippet:
    name: str  # shown in reports: the path, plus ":LINE" for a Markdown block
    path: str  # the file the snippet came from
    kind: str  # script | notebook | markdown
    source: str | None = None
    error: str | None = None  # why the file yields no runnable code
    index: int = 0  # position among the snippets of one file (Markdown blocks)
    suffix: str = ""  # a Markdown block's language, as the extension it runs with (".mjs")


def run_name(snippet: Snippet) -> str:
    """The file name a snippet runs as: its own, or a Markdown file's name plus the block's
    extension (Python blocks get theirs from the runner)."""
    name = Path(snippet.path).name
    return name + snippet.suffix if snippet.suffix and not name.endswith(snippet.suffix) \
        else name


def is_node(snippet: Snippet) -> bool:
    return run_name(snippet).lower().endswith(NODE_EXT)


def extract(path: str, text: str | None = None) -> list[Snippet]:
    """Snippets of one file. `text` replaces the file's content (an original from git)."""
    kind = _kind(path)
    if text is None:
        data, error = read_regular(path)
        if data is None or error is not None:
            return [Snippet(path, path, kind, error=error)]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [Snippet(path, path, kind, error=f"cannot read: {exc}")]
    if kind == "script":
        return [Snippet(path, path, kind, source=text)]
    if kind == "notebook":
        return [notebook_snippet(path, text)]
    blocks = markdown_blocks(text)
    return [Snippet(f"{path}:{line}", path, kind, source=code, index=i, suffix=suffix)
            for i, (line, code, suffix) in enumerate(blocks)]


def notebook_snippet(path: str, text: str) -> Snippet:
    try:
        nb = json.loads(text)
        cells = nb["cells"] if isinstance(nb, dict) else None
        if not isinstance(cells, list):
            raise ValueError("no 'cells' list")
        lines: list[str] = []
        for n, cell in enumerate(cells):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(str(s) for s in source)
            if not isinstance(source, str):
                raise ValueError(f"cell {n}: source is not text")
            lines.append(f"# --- cell {n} ---")
            for line in source.splitlines():
                stripped = line.lstrip()
                if stripped.startswith(("%", "!")):
                    line = line[: len(line) - len(stripped)] + "pass  # " + stripped
                lines.append(line)
        return Snippet(path, path, "notebook", source="\n".join(lines) + "\n")
    except (ValueError, KeyError, TypeError) as exc:
        return Snippet(path, path, "notebook", error=f"broken notebook: {exc}")


def markdown_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line of the opening fence, code, "" or a JS/TS block's extension) for each Python and
    JavaScript / TypeScript block."""
    blocks: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, info = len(match.group(1)), match.group(2), match.group(3).lower()
        start = i + 1
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = lines[i].strip()
            if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
                break
            line = lines[i]
            body.append(line[indent:] if line[:indent].strip() == "" else line)
            i += 1
        i += 1
        if info in _PY_INFO:
            code = "\n".join(body) + "\n"
            if info == "pycon":
                code = "\n".join(ln[4:] for ln in body if ln.startswith((">>> ", "... "))) + "\n"
            blocks.append((start, code, ""))
        elif info in _NODE_INFO:
            code = "\n".join(body) + "\n"
            esm, cjs = _NODE_INFO[info]
            commonjs = _CJS_SYNTAX.search(code) and not ESM_SYNTAX.search(code)
            blocks.append((start, code, cjs if commonjs else esm))
    return blocks


def find(targets: list[str], settings: Settings | None = None) -> list[Snippet]:
    """Every snippet under the targets, in a stable order; directories are walked as a check
    run walks them, with the run's settings (its excludes, its --config)."""
    from migrator.config import Settings
    from migrator.discover import discover

    snippets: list[Snippet] = []
    seen: set[str] = set()
    exts = SCRIPT_EXT + NODE_EXT + NOTEBOOK_EXT + MARKDOWN_EXT
    for target in targets:
        explicit = not os.path.isdir(target)
        files = [target] if explicit else discover([target], settings or Settings(root=target))
        for path in files:
            if not path.endswith(exts) or os.path.realpath(path) in seen:
                continue
            if not explicit and _TEST_MODULE.match(os.path.basename(path)):
                continue
            seen.add(os.path.realpath(path))
            if explicit:
                snippets.extend(extract(path))
                continue
            data, error = read_regular(path)
            if error == NOT_REGULAR or data is not None and not _MENTIONS_SDK.search(data):
                continue  # a large file too, when its first 4 MiB show no SDK
            text = None
            if data is not None and error is None:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    error = f"cannot read: {exc}"
            if text is None:
                snippets.append(Snippet(path, path, _kind(path), error=error))
                continue
            snippets.extend(s for s in extract(path, text) if s.source is None or (
                _JS_IMPORTS_SDK.search(s.source) if is_node(s) else imports_sdk(s.source)))
    return snippets


NOT_REGULAR = "not a regular file; not run"


def read_regular(path: str) -> tuple[bytes | None, str | None]:
    """(content, None), or (the first 4 MiB or None, why it is not run). Opens without
    blocking and checks the opened file, so a FIFO or a device is never read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, NOT_REGULAR
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(_MAX_FILE + 1)
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    finally:
        os.close(fd)
    if len(data) > _MAX_FILE:
        return data[:_MAX_FILE], "file larger than 4 MiB; not run"
    return data, None


def _kind(path: str) -> str:
    return ("notebook" if path.endswith(NOTEBOOK_EXT)
            else "markdown" if path.endswith(MARKDOWN_EXT) else "script")


def imports_sdk(source: str) -> bool:
    """Does this Python code import google-genai or google-generativeai, in any form? Code
    that does not parse (it will fail when run) counts when it names the SDK."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return bool(_MENTIONS_SDK.search(source.encode("utf-8", "replace")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(_is_sdk(alias.name) for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module is not None and (
                    _is_sdk(node.module) or node.module == "google" and any(
                        _is_sdk(f"google.{alias.name}") for alias in node.names)):
                return True
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            first = node.args[0]
            if name in ("__import__", "import_module") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and _is_sdk(first.value):
                return True
    return False


def _is_sdk(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in SDK_MODULES)


def git_original(path: str) -> tuple[str | None, str | None]:
    """(text of `path` at git HEAD, error)."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    try:
        top = subprocess.run(["git", "-C", folder, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=30)
        if top.returncode != 0:
            return None, "not in a git work tree; pass the original with --against"
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(top.stdout.strip()))
        shown = subprocess.run(["git", "-C", top.stdout.strip(), "show",
                                f"HEAD:{Path(rel).as_posix()}"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"git failed: {exc}"
    if shown.returncode != 0:
        return None, f"no original: {Path(rel).as_posix()} is not in git HEAD"
    try:
        return shown.stdout.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "the original in git HEAD is not UTF-8"
