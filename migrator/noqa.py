"""The one reader of `noqa` comments, shared by the engine and every check.

`# noqa` (or `// noqa` in JS/TS) alone suppresses every finding on its line; `# noqa: A, B`
only the codes it lists, which may belong to other linters (`noqa: E501` must not hide a GM
finding). A line may carry several such comments (`# noqa: E501  # noqa: GM301`): they all
count. The word `noqa` only counts right after a comment marker, so a string that merely
contains "noqa: GM301" suppresses nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Codes are separated by commas and/or blanks, as flake8 and ruff accept (`noqa:E501,GM301`,
# `noqa: E501 GM301`); prose after the list ("# noqa: GM301 legacy id") ends it.
_DIRECTIVE = re.compile(
    r"(?:#|//)[ \t]*(?P<word>noqa)\b"
    r"(?:[ \t]*:[ \t]*(?P<codes>[A-Z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Z]+[0-9]+\b)*))?",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Noqa:
    """One `noqa` comment: the 1-based column of the word `noqa` (where GM904 points) and the
    codes it lists (None when bare)."""

    column: int
    codes: tuple[str, ...] | None

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def parse(line: str) -> list[Noqa]:
    """Every `noqa` comment on one line, in order."""
    if "noqa" not in line.lower():
        return []
    found = []
    for match in _DIRECTIVE.finditer(line):
        codes = match.group("codes")
        listed = tuple(_SPLIT.split(codes.strip().upper())) if codes else None
        found.append(Noqa(match.start("word") + 1, listed))
    return found


def suppressed(line: str, code: str) -> bool:
    """True when some `noqa` comment on the line covers `code`."""
    return any(item.covers(code) for item in parse(line))
