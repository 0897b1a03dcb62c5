"""`noqa` comments: bare ones hide everything on the line, listed codes only themselves, and a
code of another linter hides nothing of ours."""

from __future__ import annotations

from pathlib import Path

from migrator.config import Settings
from migrator.engine import make_context, process_file


def test_noqa_forms(tmp_path: Path) -> None:
    source = tmp_path / "models.js"
    source.write_text(
        'export const A = "gemini-1.5-flash"; // noqa: E501\n'
        'export const B = "gemini-1.5-flash"; // noqa: GM301\n'
        'export const C = "gemini-1.5-flash"; // noqa\n'
        'export const D = "gemini-1.5-flash"; // noqa: E501, GM301\n'
        'export const E = "gemini-2.5-flash"; // noqa: GM301\n'
    )
    result = process_file(str(source), make_context(Settings(), write=False))
    found = sorted((f.line, f.code) for f in result.findings)
    assert found == [(1, "GM301"), (5, "GM904")]


def _found(tmp_path: Path, name: str, text: str) -> list[tuple[int, str, bool]]:
    source = tmp_path / name
    source.write_text(text)
    result = process_file(str(source), make_context(Settings(), write=True))
    return sorted((f.line, f.code, f.fixed) for f in result.findings)


def test_several_noqa_comments_on_one_line(tmp_path: Path) -> None:
    # The second comment suppresses GM301: nothing reported, nothing rewritten, nothing unused.
    line = 'MODEL = "gemini-1.5-flash"  # noqa: E501  # noqa: GM301\n'
    assert _found(tmp_path, "app.py", line) == []
    assert (tmp_path / "app.py").read_text() == line


def test_noqa_spellings(tmp_path: Path) -> None:
    found = _found(tmp_path, "app.py", (
        'A = "gemini-1.5-flash"  # noqa:GM301,GM302\n'
        'B = "gemini-1.5-flash"  # NOQA : gm301\n'
        'C = "gemini-1.5-flash"  #noqa: E501 GM301\n'
        'D = "gemini-1.5-flash"  # noqa\n'
        'E = "gemini-1.5-flash"  # noqa: E501\n'
    ))
    # Line 1 lists GM302 which suppressed nothing; line 5 only silences flake8.
    assert [(line, code) for line, code, _ in found] == [(1, "GM904"), (5, "GM301")]


def test_noqa_in_a_string_is_not_a_comment(tmp_path: Path) -> None:
    found = _found(tmp_path, "app.py", 'A = ("gemini-1.5-flash", "noqa: GM301")\n')
    assert [(line, code) for line, code, _ in found] == [(1, "GM301")]


def test_unused_noqa_only_for_gm_codes(tmp_path: Path) -> None:
    found = _found(tmp_path, "app.py", (
        'from google import genai\n'
        'A = 1  # noqa: E501, GM301  # noqa: GM302\n'
        'B = 2  # noqa\n'
    ))
    assert [(line, code) for line, code, _ in found] == [(2, "GM904"), (2, "GM904")]


def test_unused_noqa_is_not_fixable() -> None:
    from migrator.codes import RULES

    assert RULES["GM904"].fix == "none"
