"""Which handler owns which file: the one place a new file type is registered.

A file's kind is decided from its name alone, without importing any handler: the engine reads
the file and runs the byte prefilter of its kind (migrator/prefilter.py) first, and imports the
handler's module only for the few files that pass, so a pre-commit run over files with no
Gemini code never imports the rewrite (or LibCST).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

from migrator import prefilter
from migrator.context import MAX_FILE_BYTES, Handler

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")
NOTEBOOK_SUFFIXES = (".ipynb",)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".rst")
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class FileKind:
    """What the engine knows about a file before reading it."""

    module: str  # the handler: `module.attribute`, imported once a file passes the prefilter
    attribute: str
    prefilter: str  # a kind of migrator.prefilter
    # Handlers of a later phase run after every file of an earlier one: dependency manifests
    # (phase 1) are fixed only once the code that imports the legacy SDK has been rewritten.
    phase: int = 0
    # Bigger files are reported, not read.
    max_bytes: int = MAX_FILE_BYTES
    # The handler reads UTF-16 / UTF-32 text with a byte-order mark (and writes it back so):
    # pip reads requirements files so, and Windows PowerShell's `pip freeze >` writes them so.
    wide: bool = False


PYTHON = FileKind("migrator.codemods", "PYTHON_HANDLER", prefilter.PYTHON)
# setup.py is a manifest first: its pins are judged after the code of the run is rewritten.
SETUP_PY = FileKind("migrator.lint.manifests", "MANIFEST_HANDLER", prefilter.SETUP_PY, phase=1)
# Notebooks carry their outputs (plots as base64) and only their code cells reach LibCST, so
# they may be much bigger than source files; data files (JSON fixtures, generated YAML) and lock
# files cost a line scan, so they are checked rather than reported as too big.
NOTEBOOK = FileKind("migrator.documents.notebook", "NOTEBOOK_HANDLER", prefilter.PYTHON,
                    max_bytes=64 * 2**20)
# Markdown holds Python and JS/TS code blocks; HTML pages JS in <script> blocks (only those
# that use an SDK are read).
MARKDOWN = FileKind("migrator.documents.markdown", "MARKDOWN_HANDLER", prefilter.DOCUMENT)
HTML = FileKind("migrator.documents.html", "HTML_HANDLER", prefilter.HTML)
JS = FileKind("migrator.js", "JS_HANDLER", prefilter.JS)
# Lock files of large JavaScript monorepos run to tens of MiB; they are only searched with
# regular expressions, never parsed by LibCST, so the source-file size cap would turn them into
# a GM902 error that fails every check of such a repository.
MANIFEST = FileKind("migrator.lint.manifests", "MANIFEST_HANDLER", prefilter.MANIFEST, phase=1,
                    max_bytes=256 * 2**20, wide=True)
TEXT = FileKind("migrator.lint.text", "TEXT_HANDLER", prefilter.TEXT, max_bytes=64 * 2**20)


def _claims(module: str, name: str) -> bool:
    try:
        claims = getattr(importlib.import_module(module), "claims", None)
    except ModuleNotFoundError:
        return False
    return bool(claims and claims(name))


def kind_for(path: str) -> FileKind | None:
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PYTHON_SUFFIXES:
        return SETUP_PY if name == "setup.py" else PYTHON
    if suffix in NOTEBOOK_SUFFIXES:
        return NOTEBOOK
    if suffix in JS_SUFFIXES:
        return JS
    if suffix in HTML_SUFFIXES:
        return HTML
    # The manifest and text modules decide with `claims(name)`, so the file-name knowledge lives
    # next to the code that parses those files.
    if _claims(MANIFEST.module, name):
        return MANIFEST
    if suffix in MARKDOWN_SUFFIXES:
        return MARKDOWN
    if _claims(TEXT.module, name):
        return TEXT
    return None


def load(kind: FileKind) -> Handler | None:
    try:
        module = importlib.import_module(kind.module)
    except ModuleNotFoundError as exc:
        if exc.name and kind.module.startswith(exc.name):
            return None  # that file type is not supported by this build
        raise
    handler: Handler = getattr(module, kind.attribute)
    return handler


def handler_for(path: str) -> Handler | None:
    kind = kind_for(path)
    return None if kind is None else load(kind)
