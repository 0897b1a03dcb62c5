"""Fixture triples under tests/fixtures/<area>/: <case>.before.py -> <case>.after.py, and
<case>.noop.py which must come out unchanged. Every `after` compiles and is a fixed point."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.codemods import transform_source
from migrator.config import Settings
from migrator.engine import make_context

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CTX = make_context(Settings(), write=True)


def _cases(kind: str) -> list[Path]:
    return sorted(FIXTURES.glob(f"*/*.{kind}.py"))


def _rewrite(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    # A name outside any repository: each fixture is a program of its own, not a module of
    # one project with the others (repository scans are tested in test_crossmodule.py).
    return transform_source(source, f"<fixture>/{path.parent.name}/{path.name}", CTX)[0]


@pytest.mark.parametrize("before", _cases("before"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_before_becomes_after(before: Path) -> None:
    after = before.with_name(before.name.replace(".before.py", ".after.py"))
    assert after.exists(), f"missing {after.name}"
    assert _rewrite(before) == after.read_text(encoding="utf-8")


@pytest.mark.parametrize("after", _cases("after"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_after_compiles_and_is_idempotent(after: Path) -> None:
    source = after.read_text(encoding="utf-8")
    compile(source, str(after), "exec")
    assert _rewrite(after) == source


@pytest.mark.parametrize("noop", _cases("noop"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_noop_is_unchanged(noop: Path) -> None:
    assert _rewrite(noop) == noop.read_text(encoding="utf-8")
