"""Lint fixtures: tests/lint/fixtures/<area>/<case>/ holds the input files under their real
names (the name decides the handler), `expect.toml` and, when a write run changes something,
`fixed/` with the expected files.

expect.toml:
    findings = ["file:line:col CODE", "file:line:col CODE*"]   # * = fixed by a write run
    unsafe = true        # run with --unsafe-fixes
    context = ["app.py"] # present in the tree (the repository scan sees them), not processed

A file named `<name>.fixture` is copied as `<name>`: a broken pyproject.toml must not sit in
the repository under its real name, where ruff and other tools would read it as their config.

Every case runs three times through the engine: --check (nothing written, same findings),
a write run (files become `fixed/`, or stay as they are), and a second write run (nothing
left to change: fixes are idempotent).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from migrator import engine
from migrator.config import Settings
from migrator.handlers import handler_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expect.toml"))


def _inputs(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*") if p.is_file() and p.name != "expect.toml"
                  and "fixed" not in p.relative_to(case).parts)


def _run(root: Path, files: list[str], settings: Settings, *, write: bool,
         parsed: bool = False, prefiltered: frozenset[str] = frozenset()) -> list[str]:
    ctx = engine.make_context(settings, write=write)
    results = engine.run([str(root / f) for f in files], ctx)
    out = []
    for result in results:
        handler = handler_for(result.path)
        rel = Path(result.path).relative_to(root).as_posix()
        if parsed and handler is not None and rel in prefiltered:
            # Skipped by the byte prefilter on purpose (no SDK token in it): the handler, run
            # on it directly, must agree that there is nothing to report.
            assert result.original is None, f"{rel} passed the prefilter"
            direct = handler.run(result.path, Path(result.path).read_bytes(), ctx)
            assert direct.updated is None and not direct.findings, direct
        elif parsed and handler is not None:
            # A case whose file never passes the byte prefilter would test nothing.
            assert result.original is not None, f"{result.path} never reached its handler"
        for item in result.findings:
            rel = Path(item.path).relative_to(root).as_posix()
            out.append(f"{rel}:{item.line}:{item.column} {item.code}{'*' if item.fixed else ''}")
    return sorted(out)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, tmp_path: Path) -> None:
    expect = tomllib.loads((case / "expect.toml").read_text(encoding="utf-8"))
    root = tmp_path / case.name
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expect.toml", "fixed"))
    for disguised in sorted(root.rglob("*.fixture")):
        disguised.rename(disguised.with_suffix(""))
    context = set(expect.get("context", []))
    files = [p.relative_to(case).as_posix().removesuffix(".fixture") for p in _inputs(case)]
    processed = [f for f in files if f not in context]
    settings = replace(Settings(root=str(root)), unsafe_fixes=bool(expect.get("unsafe")))
    if "per-file-ignores" in expect:
        settings = replace(settings, per_file_ignores=tuple(
            (k, tuple(v)) for k, v in expect["per-file-ignores"].items()))
    originals = {f: (root / f).read_bytes() for f in files}
    wanted = sorted(expect["findings"])

    checked = _run(root, processed, settings, write=False, parsed=True,
                   prefiltered=frozenset(expect.get("prefiltered", [])))
    assert {f: (root / f).read_bytes() for f in files} == originals, "--check wrote a file"
    assert checked == wanted

    written = _run(root, processed, settings, write=True)
    assert written == wanted
    for name in files:
        expected_file = case / "fixed" / name
        expected = expected_file.read_bytes() if expected_file.exists() else originals[name]
        assert (root / name).read_bytes() == expected, f"{name} after a write run"

    again = _run(root, processed, settings, write=True)
    assert not any(item.endswith("*") for item in again), "a second run fixed more"
    for name in files:
        expected_file = case / "fixed" / name
        expected = expected_file.read_bytes() if expected_file.exists() else originals[name]
        assert (root / name).read_bytes() == expected, f"{name} changed on a second run"


def test_noop_cases_outnumber_positive_ones() -> None:
    noop = [c for c in CASES if "findings = []" in (c / "expect.toml").read_text()]
    assert len(noop) >= len(CASES) - len(noop), (len(noop), len(CASES))
