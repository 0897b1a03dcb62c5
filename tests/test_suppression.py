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
