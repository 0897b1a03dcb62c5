"""What --check, --diff and the formats say about fixes is what a plain run then does."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import cli

LEGACY = (
    "import google.generativeai as genai\n"
    'genai.configure(api_key="KEY")\n'
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'print(model.generate_content("Hi").text)\n'
)
LINE = re.compile(r"^(?P<path>[^:]+):\d+:\d+: (?P<code>GM\d{3})(?P<mark> \[\*\])? ")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    # Fixed by a plain run: the legacy code (GM0xx) and a 1.x Interactions read (GM201).
    # Left: an unsafe model fix in a data file (GM301) and an unused suppression (GM904).
    (tmp_path / "app.py").write_text(LEGACY + "x = 1  # noqa: GM301\n", encoding="utf-8")
    (tmp_path / "reader.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'reply = client.interactions.create(model="gemini-2.5-flash", input="Hi")\n'
        "print(reply.outputs[-1].text)\n", encoding="utf-8")
    (tmp_path / "config.json").write_text('{"model": "gemini-1.5-flash"}\n', encoding="utf-8")
    return tmp_path


def _lines(out: str, root: Path) -> list[re.Match[str]]:
    matches = [LINE.match(line) for line in out.splitlines()]
    assert all(matches), out
    return [m for m in matches if m]


def test_the_fix_mark_is_exactly_what_a_plain_run_fixes(tree: Path) -> None:
    code, out, _ = invoke("--check", str(tree))
    assert code == 1
    found = _lines(out, tree)
    marked = Counter((Path(m["path"]).name, m["code"]) for m in found if m["mark"])
    unmarked = Counter((Path(m["path"]).name, m["code"]) for m in found if not m["mark"])
    assert marked and unmarked, out

    invoke(str(tree))
    _, after, _ = invoke("--check", str(tree))
    left = Counter((Path(m["path"]).name, m["code"]) for m in _lines(after, tree))
    assert left == unmarked, f"marked [*] but still there, or unmarked but fixed:\n{after}"


def test_json_and_sarif_in_check_mode_say_fixable_not_fixed(tree: Path) -> None:
    _, out, _ = invoke("--check", "--output-format", "json", str(tree))
    items = json.loads(out)["findings"]
    assert not any(item["fixed"] for item in items), "nothing was written by --check"
    assert {i["code"] for i in items if i["fixable"]} >= {"GM001", "GM004", "GM201"}
    assert not any(i["fixable"] for i in items if i["code"] in ("GM301", "GM904"))

    _, out, _ = invoke("--check", "--output-format", "sarif", str(tree))
    results = json.loads(out)["runs"][0]["results"]
    assert not any(r["properties"]["fixed"] for r in results)
    assert any(r["properties"]["fixable"] for r in results)


def test_report_json_says_fixed_only_once_written(tree: Path, tmp_path_factory:
                                                  pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("out")
    invoke("--check", "--output-format", "json", "--report", str(out / "check.json"), str(tree))
    check = json.loads((out / "check.json").read_text())
    assert check["format_version"] == 1 and check["mode"] == "check"
    sites = check["migrated"]["sites"]
    assert sites and not any(s["fixed"] for s in sites) and all(s["fixable"] for s in sites)
    invoke("--output-format", "json", "--report", str(out / "fix.json"), str(tree))
    fixed = json.loads((out / "fix.json").read_text())
    assert all(s["fixed"] and not s["fixable"] for s in fixed["migrated"]["sites"])


def test_check_json_is_an_object_with_a_summary(tree: Path) -> None:
    _, out, _ = invoke("--check", "--output-format", "json", str(tree))
    doc = json.loads(out)
    assert isinstance(doc, dict) and doc["format_version"] == 1 and doc["mode"] == "check"
    assert doc["summary"]["files"] == 3 and doc["summary"]["findings"] == len(doc["findings"])


def test_statistics_prints_counts_not_findings(tree: Path) -> None:
    code, out, _ = invoke("--check", "--statistics", str(tree))
    assert code == 1
    assert not any(LINE.match(line) for line in out.splitlines()), out
    rows = {line.split()[1]: line for line in out.splitlines()}
    assert re.match(r"^\s+1\s+GM001\s+\[\*\] legacy-sdk-import$", rows["GM001"])
    assert re.match(r"^\s+1\s+GM904\s+unused-noqa$", rows["GM904"])
    _, out, _ = invoke("--check", "--statistics", "--output-format", "json", str(tree))
    stats = {row["code"]: row for row in json.loads(out)["statistics"]}
    assert stats["GM001"] == {"code": "GM001", "name": "legacy-sdk-import", "count": 1,
                              "fixable": 1}


def test_one_file_is_one_file(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(LEGACY.replace('print(model.generate_content("Hi").text)\n', ""),
                    encoding="utf-8")
    _, _, err = invoke("--check", str(path))
    assert "1 file checked" in err and "1 files" not in err
    _, _, err = invoke(str(path))
    assert re.search(r"1 file checked, rewrote 1 file \(\d+ changes?\)", err), err
    from migrator.formats import plural

    assert [plural(n, "request") for n in (0, 1, 2)] == ["0 requests", "1 request",
                                                         "2 requests"]
