"""JS/TS fixtures under tests/fixtures/js/: <case>.before.<ext> -> <case>.after.<ext>, and
<case>.noop.<ext> unchanged. expect.toml lists each case's findings as "line CODE" (lines of
the before file, `*` = fixed by the run) and may set `unsafe = true` (--unsafe-fixes).

Every `after` is a fixed point and passes the compile check (node --check for JS, a clean
parse for TS); the TypeScript fixtures, before and after, type-check with tsc against the
real SDK types.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from migrator.config import Settings
from migrator.engine import make_context
from migrator.js import language_of, run_source
from migrator.js.check import grammar_errors, node_check

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "js"
EXPECT = tomllib.loads((FIXTURES / "expect.toml").read_text(encoding="utf-8"))
TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if f".{kind}." in p.name)


def _case(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _run(path: Path, text: str, *, write: bool) -> tuple[str, list[str]]:
    expect = EXPECT.get(_case(path), {})
    settings = replace(Settings(), unsafe_fixes=bool(expect.get("unsafe")))
    ctx = make_context(settings, write=write)
    lang, suffix = language_of(path.name)  # type: ignore[misc]
    new, findings, error = run_source(text, f"<fixture>/js/{path.name}", lang, ctx, suffix)
    assert error is None, error
    return new, sorted(f"{f.line} {f.code}{'*' if f.fixed else ''}" for f in findings)


@pytest.mark.parametrize("before", _cases("before"), ids=lambda p: p.name)
def test_before_becomes_after(before: Path) -> None:
    ext = before.name.rsplit(".", 1)[1]
    after = before.with_name(f"{_case(before)}.after.{ext}")
    assert after.exists(), f"missing {after.name}"
    new, _ = _run(before, before.read_text(encoding="utf-8"), write=True)
    assert new == after.read_text(encoding="utf-8")


@pytest.mark.parametrize("before", _cases("before"), ids=lambda p: p.name)
def test_findings(before: Path) -> None:
    """Codes and lines as `--check` reports them (against the file on disk)."""
    _, found = _run(before, before.read_text(encoding="utf-8"), write=False)
    assert found == sorted(EXPECT[_case(before)]["findings"])


@pytest.mark.parametrize("after", _cases("after"), ids=lambda p: p.name)
def test_after_checks_and_is_idempotent(after: Path) -> None:
    source = after.read_text(encoding="utf-8")
    lang, suffix = language_of(after.name)  # type: ignore[misc]
    assert grammar_errors(source, lang) == 0
    if lang == "javascript" and suffix != ".jsx":
        assert node_check(source, suffix, lang) in (None, ""), node_check(source, suffix, lang)
    new, found = _run(after, source, write=True)
    assert new == source
    assert not any(item.endswith("*") for item in found), found


@pytest.mark.parametrize("noop", _cases("noop"), ids=lambda p: p.name)
def test_noop_is_unchanged(noop: Path) -> None:
    source = noop.read_text(encoding="utf-8")
    new, found = _run(noop, source, write=True)
    assert new == source
    assert found == sorted(EXPECT.get(_case(noop), {}).get("findings", []))


def test_every_case_has_expectations() -> None:
    cases = {_case(p) for p in _cases("before")}
    assert cases <= set(EXPECT), sorted(cases - set(EXPECT))


TSCONFIG = """{
  "compilerOptions": {
    "strict": true, "skipLibCheck": true, "noEmit": true, "target": "ES2022",
    "module": "ESNext", "moduleResolution": "Bundler", "jsx": "preserve",
    "types": ["node"], "lib": ["ES2022", "DOM", "DOM.Iterable"]
  },
  "include": ["*.ts", "*.tsx", "*.mts", "*.cts"]
}
"""
JSX_TYPES = "declare namespace JSX { interface IntrinsicElements { [name: string]: any } }\n"


@pytest.mark.parametrize("kind", ["before", "after", "noop"])
def test_typescript_fixtures_type_check(kind: str, js_packages: Path, tmp_path: Path) -> None:
    """tsc --noEmit over the TS fixtures of one kind: before against the legacy SDK's types,
    after against @google/genai 2.25.0 (the pin floor)."""
    files = [p for p in _cases(kind) if p.suffix in TS_SUFFIXES]
    if not files:
        pytest.skip(f"no TypeScript {kind} fixtures")
    for path in files:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text(TSCONFIG, encoding="utf-8")
    (tmp_path / "jsx.d.ts").write_text(JSX_TYPES, encoding="utf-8")
    os.symlink(js_packages, tmp_path / "node_modules")
    proc = subprocess.run(
        ["node", str(js_packages / "typescript" / "bin" / "tsc"), "-p", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
