"""The migration report: every section a reviewer of the migration pull request needs."""

from __future__ import annotations

import json
from pathlib import Path

from migrator.engine import FileResult
from migrator.findings import finding
from migrator.report import write_report


def results(root: Path) -> list[FileResult]:
    app, nb, req, bad = (str(root / n) for n in ("app.py", "nb.ipynb", "requirements.txt",
                                                 "old.py"))
    return [
        FileResult(app, [
            finding(app, (1, 1), "GM001", "import rewritten", fix="safe", fixed=True),
            finding(app, (4, 5), "GM004", "generate_content rewritten", fix="safe", fixed=True),
            finding(app, (9, 5), "GM004", "generate_content rewritten", fix="safe", fixed=True),
            finding(app, (3, 27), "GM303", "model substituted", fix="safe", fixed=True,
                    **{"from": "gemini-1.5-flash", "to": "gemini-2.5-flash"}),
            finding(app, (12, 9), "GM014", "tools= | function calling is not migrated yet"),
        ], original=b"x", updated=b"y", written=True),
        FileResult(req, [finding(req, (1, 1), "GM401", "pin moved", fix="safe", fixed=True,
                                 **{"from": "google-generativeai==0.8.3",
                                    "to": "google-genai>=2.26.0"})],
                   original=b"x", updated=b"y", written=True),
        FileResult(nb, [finding(nb, (30, 1), "GM906", "cell 3 does not parse")],
                   original=b"x"),
        FileResult(bad, [finding(bad, (1, 1), "GM901", "cannot parse as Python 3")],
                   skipped="cannot parse as Python 3"),
        FileResult(str(root / "clean.py")),
    ]


def test_markdown_report(tmp_path: Path) -> None:
    target = tmp_path / "out" / "MIGRATION.md"
    write_report(str(target), results(tmp_path), mode="fix", output_format="text")
    text = target.read_text()
    assert "| Files checked | 5 |" in text and "| Files rewritten | 2 |" in text
    assert "| Call sites migrated | 3 |" in text
    assert "| GM004 | legacy-generate-content | 2 |" in text
    # Left for a human: code, reason (pipes escaped so the table holds) and location.
    assert "| `app.py:12:9` | GM014 | legacy-api-not-migrated | tools= \\| function" in \
        text.replace(str(tmp_path) + "/", "")
    assert "`gemini-1.5-flash` | `gemini-2.5-flash`" in text
    assert "`google-generativeai==0.8.3` → `google-genai>=2.26.0`" in text
    assert "## Files skipped (1)" in text and "GM901 cannot parse as Python 3" in text
    assert "## Other problems (1)" in text and "cell 3 does not parse" in text
    assert not list(target.parent.glob(".*.tmp"))


def test_json_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_report(str(target), results(tmp_path), mode="fix", output_format="json")
    data = json.loads(target.read_text())
    assert data["files"]["checked"] == 5
    assert [Path(p).name for p in data["files"]["changed"]] == ["app.py", "requirements.txt"]
    assert data["migrated"]["total"] == 3
    assert {(r["code"], r["count"]) for r in data["migrated"]["by_rule"]} == {("GM001", 1),
                                                                            ("GM004", 2)}
    assert [(f["code"], f["line"], f["column"]) for f in data["left_for_a_human"]] == \
        [("GM014", 12, 9)]
    assert [(m["from"], m["to"]) for m in data["models_substituted"]] == \
        [("gemini-1.5-flash", "gemini-2.5-flash")]
    assert [p["to"] for p in data["pins_changed"]] == ["google-genai>=2.26.0"]
    assert [s["reason"] for s in data["files"]["skipped"]] == ["cannot parse as Python 3"]


def test_check_mode_counts_what_would_change(tmp_path: Path) -> None:
    found = results(tmp_path)
    for result in found:
        result.written = False
    target = tmp_path / "r.md"
    write_report(str(target), found, mode="check", output_format="text")
    text = target.read_text()
    assert "| Files would be rewritten | 2 |" in text and "| Call sites migrated | 3 |" in text
