"""The compile check of a rewritten JS/TS file: a file whose result does not check is not written.

JavaScript goes through `node --check` (as an ES module when the file uses `import` / `export`,
else as CommonJS; `.mjs` / `.cjs` say it themselves). Files Node cannot parse as they are
(JSX, or an original that already fails) and TypeScript are checked with the grammar instead:
the result must parse without an ERROR node. `tsc` needs the project's types and runs in the
tests, not here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache


@lru_cache(maxsize=1)
def _node() -> str | None:
    return shutil.which("node")


def grammar_errors(text: str, lang: str) -> int:
    from ast_grep_py import SgRoot

    return len(SgRoot(text, lang).root().find_all(kind="ERROR"))


def _module_suffix(text: str, suffix: str, lang: str) -> str:
    if suffix in (".mjs", ".cjs"):
        return suffix
    from ast_grep_py import SgRoot

    root = SgRoot(text, lang).root()
    esm = any(child.kind() in ("import_statement", "export_statement")
              for child in root.children())
    return ".mjs" if esm else ".cjs"


def node_check(text: str, suffix: str, lang: str) -> str | None:
    """None when `node --check` accepts the text, else its first error line ("" when Node is
    missing or cannot run: the caller falls back to the grammar)."""
    node = _node()
    if node is None:
        return ""
    fd, tmp = tempfile.mkstemp(prefix=".gemini-migrate-check-",
                               suffix=_module_suffix(text, suffix, lang))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            proc = subprocess.run([node, "--check", tmp], capture_output=True, text=True,
                                  timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
    finally:
        os.unlink(tmp)
    if proc.returncode == 0:
        return None
    lines = [line for line in proc.stderr.splitlines() if "Error" in line]
    return lines[0].strip() if lines else "node --check failed"


def check(original: str, updated: str, suffix: str, lang: str) -> str | None:
    """None when `updated` checks; else why not."""
    if grammar_errors(updated, lang) > grammar_errors(original, lang):
        return "the result does not parse"
    if lang != "javascript" or suffix == ".jsx":
        return None
    error = node_check(updated, suffix, lang)
    if not error:
        return None
    if node_check(original, suffix, lang) is not None:
        return None  # Node cannot parse the original either (JSX in .js): the grammar decides
    return error
