"""README.md's rules table is generated from migrator/codes.py and must be current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from migrator.codes import RULES

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    path = ROOT / "scripts" / "rules_table.py"
    spec = importlib.util.spec_from_file_location("rules_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_current() -> None:
    done = subprocess.run([sys.executable, "scripts/rules_table.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + "\nrun: python scripts/rules_table.py"


def test_table_lists_every_rule_once() -> None:
    table = _script().table()
    codes = [line.split("`")[1] for line in table.splitlines()[2:]]
    assert codes == list(RULES)


def test_render_replaces_only_between_markers() -> None:
    script = _script()
    stale = f"# Title\n\nintro\n{script.START}\n| old | table |\n{script.END}\n\ntail text\n"
    out = script.render(stale)
    assert out.startswith("# Title\n\nintro\n")
    assert out.endswith(f"{script.END}\n\ntail text\n")
    assert "| old | table |" not in out
    assert script.render(out) == out


def test_missing_markers_fail() -> None:
    with pytest.raises(SystemExit):
        _script().render("# no markers here\n")
