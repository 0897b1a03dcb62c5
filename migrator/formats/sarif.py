"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One run, one tool (`gemini-migrate`) whose rules are every code in migrator/codes.py; each
finding is a result pointing at its rule by id and index, with a relative URI resolved against
`%SRCROOT%` (the checkout root, which is where CI runs the tool).
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from migrator import __version__
from migrator.codes import RULES
from migrator.engine import relpath
from migrator.findings import Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/gemini-migrate/"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rules() -> list[dict[str, Any]]:
    out = []
    for rule in RULES.values():
        out.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explanation},
            "help": {"text": f"{rule.summary}\n\n{rule.explanation}\n\nFix: {rule.fix}."},
            "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
            "properties": {"fix": rule.fix, "tags": [rule.code[:3].lower() + "xx"]},
        })
    return out


def _artifact(path: str) -> dict[str, str]:
    """Relative to %SRCROOT% when the file is under the working directory, else a file URI."""
    rel = relpath(path)
    if os.path.isabs(rel):
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(rel), "uriBaseId": "%SRCROOT%"}


def _result(item: Finding, index: dict[str, int], written: Collection[str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": item.code,
        "level": _LEVEL.get(item.severity, "warning"),
        "message": {"text": item.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": _artifact(item.path),
                "region": {"startLine": max(1, item.line), "startColumn": max(1, item.column)},
            }
        }],
        # `fixed`: on disk now; `fixable`: a plain run would write it (not this one).
        "properties": {"fix": item.fix, "fixed": item.fixed and item.path in written,
                       "fixable": item.fixed and item.path not in written},
    }
    if item.code in index:
        result["ruleIndex"] = index[item.code]
    if item.data:
        result["properties"]["data"] = dict(item.data)
    return result


def render(findings: Iterable[Finding], written: Collection[str] = frozenset()) -> str:
    """The SARIF log for `findings`, as JSON text."""
    rules = _rules()
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gemini-migrate",
                    "version": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {"%SRCROOT%": {"description": {
                "text": "The directory gemini-migrate was run from."}}},
            "results": [_result(item, index, written) for item in findings],
        }],
    }
    return json.dumps(log, indent=2)
