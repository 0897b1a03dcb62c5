"""Which handler owns which file: the one place a new file type is registered."""

from __future__ import annotations

import os

from migrator.engine import Handler

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")


def handler_for(path: str) -> Handler | None:
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PYTHON_SUFFIXES:
        from migrator.codemods import PYTHON_HANDLER

        return PYTHON_HANDLER
    return None
