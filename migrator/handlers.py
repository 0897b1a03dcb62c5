"""Which handler owns which file: the one place a new file type is registered.

Handlers are imported lazily so a pre-commit run on three Python files never imports the
notebook, Markdown or manifest code.
"""

from __future__ import annotations

import importlib
import os

from migrator.engine import Handler

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")
NOTEBOOK_SUFFIXES = (".ipynb",)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".rst")
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
HTML_SUFFIXES = (".html", ".htm")

# (module, attribute) of each handler; the module decides with `claims(name)` for manifests
# and text files, so the file-name knowledge lives next to the code that parses those files.
_PYTHON = ("migrator.codemods", "PYTHON_HANDLER")
_NOTEBOOK = ("migrator.documents.notebook", "NOTEBOOK_HANDLER")
_MARKDOWN = ("migrator.documents.markdown", "MARKDOWN_HANDLER")
_MANIFEST = ("migrator.lint.manifests", "MANIFEST_HANDLER")
_TEXT = ("migrator.lint.text", "TEXT_HANDLER")
_JS = ("migrator.js", "JS_HANDLER")
_HTML = ("migrator.documents.html", "HTML_HANDLER")


def _load(spec: tuple[str, str]) -> Handler | None:
    try:
        module = importlib.import_module(spec[0])
    except ModuleNotFoundError as exc:
        if exc.name and spec[0].startswith(exc.name):
            return None  # that file type is not supported by this build
        raise
    handler: Handler = getattr(module, spec[1])
    return handler


def _claims(spec: tuple[str, str], name: str) -> bool:
    try:
        module = importlib.import_module(spec[0])
    except ModuleNotFoundError:
        return False
    claims = getattr(module, "claims", None)
    return bool(claims and claims(name))


def handler_for(path: str) -> Handler | None:
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PYTHON_SUFFIXES:
        return _load(_PYTHON)
    if suffix in NOTEBOOK_SUFFIXES:
        return _load(_NOTEBOOK)
    if suffix in JS_SUFFIXES:
        return _load(_JS)
    if suffix in HTML_SUFFIXES:
        return _load(_HTML)
    if _claims(_MANIFEST, name):
        return _load(_MANIFEST)
    if suffix in MARKDOWN_SUFFIXES:
        return _load(_MARKDOWN)
    if _claims(_TEXT, name):
        return _load(_TEXT)
    return None
