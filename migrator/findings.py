"""The one vocabulary every part of gemini-migrate speaks: findings and fix applicability."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# How safe a fix is, in ruff's sense: "safe" fixes are applied by a plain run, "unsafe" ones
# only with --unsafe-fixes, "none" means a human has to act.
FIX_NONE = "none"
FIX_SAFE = "safe"
FIX_UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str = FIX_NONE
    # True when the run rewrote the code this finding is about (report: "migrated").
    fixed: bool = False
    # Extra structured facts for the report (e.g. {"from": old_model, "to": new_model}).
    data: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        from migrator.codes import RULES

        rule = RULES.get(self.code)
        return rule.name if rule else "unknown"

    @property
    def severity(self) -> str:
        from migrator.codes import RULES

        rule = RULES.get(self.code)
        return rule.severity if rule else "warning"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["name"] = self.name
        out["severity"] = self.severity
        out["data"] = dict(self.data)
        return out


def finding(
    path: str,
    pos: tuple[int, int],
    code: str,
    message: str,
    *,
    fix: str = FIX_NONE,
    fixed: bool = False,
    **data: str,
) -> Finding:
    """Build a Finding from a (line, column) pair; columns are 1-based like every linter's."""
    line, col = pos
    return Finding(
        path=path,
        line=line,
        column=col,
        code=code,
        # One line: a message can quote code that spans lines, and every output format (text,
        # GitHub annotations, TODO comments) is line-based.
        message=" ".join(message.split()) if "\n" in message else message,
        fix=fix,
        fixed=fixed,
        data=tuple(sorted(data.items())),
    )
