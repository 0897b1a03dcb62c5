"""The shared `noqa` reader, line by line."""

from __future__ import annotations

import pytest

from migrator.noqa import Noqa, parse, suppressed


@pytest.mark.parametrize(("line", "expected"), [
    ("x = 1  # noqa: E501  # noqa: GM301", [Noqa(10, ("E501",)), Noqa(24, ("GM301",))]),
    ("x = 1  # noqa:GM301,GM302", [Noqa(10, ("GM301", "GM302"))]),
    ("x = 1  # NOQA : gm301 , GM302 legacy id", [Noqa(10, ("GM301", "GM302"))]),
    ("x = 1  #noqa", [Noqa(9, None)]),
    ("x = 1  # noqa: E501 W291", [Noqa(10, ("E501", "W291"))]),
    ('const a = "x"; // noqa: GM301', [Noqa(19, ("GM301",))]),
    ('s = "noqa: GM301"', []),
    ("x = 1  # noqa_not", []),
    ("x = 1", []),
])
def test_parse(line: str, expected: list[Noqa]) -> None:
    assert parse(line) == expected


def test_suppressed() -> None:
    assert suppressed("x  # noqa: E501  # noqa: GM301", "GM301")
    assert not suppressed("x  # noqa: E501", "GM301")
    assert suppressed("x  # noqa", "GM301")
    assert not suppressed('s = "noqa: GM301"', "GM301")
