"""Every rule code that can be reported is checked, code and line, by at least one fixture.

Checked expectations are the `findings` lists of
- tests/lint/fixtures/<area>/<case>/expect.toml ("file:line:col CODE", tests/lint/test_fixtures.py),
- tests/fixtures/js/expect.toml ("line CODE", tests/js/test_fixtures.py),
- tests/fixtures/<area>/expect.toml of the Python rewrite fixtures ("line CODE",
  tests/codemods/test_fixtures.py).
A new code needs a fixture case that triggers it and an expectation naming its line there.

Two short, commented lists stand in for a fixture: codes no code path reports yet, and codes
that only a failure at write time produces (a fixture cannot make a file change on disk during
the run); each of the latter names the test that checks its code and line.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from migrator.codes import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TESTS = Path(__file__).resolve().parent
# "file:line:col CODE", "line CODE", either with a trailing * (fixed by a write run).
ENTRY = re.compile(r"^(?:\S+:\d+:\d+|\d+) (GM\d{3})\*?$")

# Registered codes nothing reports yet, each with the reason. Keep it short: a code leaves the
# list in the change that starts reporting it, together with its fixture.
NOT_YET_REPORTED: dict[str, str] = {}
# Codes only a run-time failure produces, and the test (file::function) that checks their code
# and line; the test must exist and name the code.
CHECKED_BY_TESTS = {
    "GM903": "js/test_handler.py::test_a_result_that_does_not_check_is_not_written",
    "GM905": "io/test_bad_input.py::test_file_changed_between_read_and_write_is_not_overwritten",
    "GM909": "io/test_faults.py::test_a_hard_linked_file_is_reported_not_split",
}


def _expectation_files() -> list[Path]:
    return sorted([
        *(TESTS / "lint" / "fixtures").glob("*/*/expect.toml"),
        *(TESTS / "fixtures").glob("*/expect.toml"),
    ])


def _entries(path: Path) -> list[str]:
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    if "findings" in tables:  # one case per file (lint fixtures)
        return list(tables["findings"])
    return [entry for table in tables.values() for entry in table.get("findings", [])]


def checked_codes() -> set[str]:
    codes = set()
    for path in _expectation_files():
        for entry in _entries(path):
            match = ENTRY.match(entry)
            assert match, f"{path}: {entry!r} is not 'file:line:col CODE' or 'line CODE'"
            codes.add(match.group(1))
    return codes


def test_every_reported_code_has_a_checked_fixture() -> None:
    missing = sorted(set(RULES) - set(NOT_YET_REPORTED) - set(CHECKED_BY_TESTS) - checked_codes())
    assert not missing, f"codes with no fixture that checks their code and line: {missing}"


def test_not_yet_reported_codes_are_registered_and_unchecked() -> None:
    # A code that is now checked by a fixture is reported: it leaves the allowlist.
    assert set(NOT_YET_REPORTED) <= set(RULES)
    assert not set(NOT_YET_REPORTED) & checked_codes()


def test_expectation_files_are_found() -> None:
    names = {p.relative_to(TESTS).parts[:2] for p in _expectation_files()}
    assert ("fixtures", "js") in names and ("fixtures", "legacy") in names
    assert ("lint", "fixtures") in names


def test_codes_checked_by_tests_name_real_tests() -> None:
    for code, node in CHECKED_BY_TESTS.items():
        assert code in RULES, code
        path, _, name = node.partition("::")
        tree = ast.parse((TESTS / path).read_text(encoding="utf-8"))
        [function] = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == name]
        assert code in ast.unparse(function), f"{node} does not check {code}"
