"""google-generativeai -> Interactions (work in progress)."""

from __future__ import annotations

import libcst as cst

from migrator.engine import Context
from migrator.findings import Finding


def legacy_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    return module, []
