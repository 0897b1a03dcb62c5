"""GitHub Actions workflow commands: one `::error file=...::message` line per finding."""

from __future__ import annotations

from collections.abc import Iterable

from migrator.engine import relpath
from migrator.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Iterable[Finding]) -> str:
    lines = []
    for item in findings:
        level = _LEVEL.get(item.severity, "warning")
        props = ",".join(
            [
                f"file={_escape_property(relpath(item.path))}",
                f"line={item.line}",
                f"col={item.column}",
                f"title={_escape_property(f'{item.code} {item.name}')}",
            ]
        )
        lines.append(f"::{level} {props}::{_escape_data(f'{item.code} {item.message}')}\n")
    return "".join(lines)
