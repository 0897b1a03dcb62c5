"""Interactions misuse in JS/TS (GM201-GM208)."""

from __future__ import annotations

from migrator.js.source import Source


def lint_pass(src: Source) -> None:
    return None
