"""google-genai `client.models.generate_content` / `client.chats` -> Interactions."""

from __future__ import annotations

import libcst as cst

from migrator.engine import Context
from migrator.findings import Finding


def genai_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    return module, []
