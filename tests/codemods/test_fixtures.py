"""Fixture triples under tests/fixtures/<area>/: <case>.before.py -> <case>.after.py, and
<case>.noop.py which must come out unchanged. Every `after` compiles and is a fixed point.

tests/fixtures/<area>/expect.toml lists the findings `--check` reports for a case, in the
format of the JS fixtures (tests/fixtures/js/expect.toml): a table per case name,

    [case]
    findings = ["4 GM001*", "9 GM011"]   # "line CODE", * = fixed by a write run

Lines are those of the `before` (or `noop`) file. A case with no table is checked for its text
only; tests/test_rule_coverage.py fails when a rule code is in no checked expectation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from migrator.codemods import run_python, transform_source
from migrator.config import Settings
from migrator.engine import make_context

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CTX = make_context(Settings(), write=True)
CHECK_CTX = make_context(Settings(), write=False)


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


def expectations(area: str) -> dict[str, list[str]]:
    """Case name -> expected findings of tests/fixtures/<area>/expect.toml."""
    path = FIXTURES / area / "expect.toml"
    if not path.exists():
        return {}
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    return {case: table["findings"] for case, table in tables.items()}


def _case(path: Path) -> str:
    return path.name.rsplit(".", 2)[0]


def _expected(path: Path) -> list[str] | None:
    return expectations(path.parent.name).get(_case(path))


@pytest.mark.parametrize(
    "source",
    [p for p in _cases("before") + _cases("noop") if _expected(p) is not None],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_findings(source: Path) -> None:
    # As --check reports them: lines of what is left for a human point at the file on disk.
    name = f"<fixture>/{source.parent.name}/{source.name}"
    output = run_python(name, source.read_bytes(), CHECK_CTX)
    found = sorted(f"{f.line} {f.code}{'*' if f.fixed else ''}" for f in output.findings)
    assert found == sorted(_expected(source) or [])


def test_expectations_name_existing_cases() -> None:
    for area in sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "js"):
        cases = {_case(p) for p in (FIXTURES / area).glob("*.py")}
        assert set(expectations(area)) <= cases, f"{area}/expect.toml names a missing case"
