"""One rule code: its name, severity, fix safety and the text `--explain` and the README show.

Each planner declares its rules beside it (`RULES = [Rule(...), ...]`); `migrator.codes`
registers them all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error" | "warning" | "info"
    fix: str  # "safe" | "unsafe" | "none": the best fix this rule can offer
    summary: str
    explanation: str
