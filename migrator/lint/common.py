"""What the Python, text and manifest checks share: model findings and `noqa` look-ups."""

from __future__ import annotations

from migrator.context import Context
from migrator.findings import FIX_NONE, FIX_SAFE, FIX_UNSAFE, Finding, finding
from migrator.knowledge import MODELS_PREFIX, ModelInfo, model_message
from migrator.noqa import suppressed as suppressed  # re-exported for the checks


def model_code(info: ModelInfo) -> str:
    return "GM301" if info.status == "retired" else "GM302"


def successor_id(token: str, info: ModelInfo) -> str:
    """The successor spelled like the original: a `models/` prefix is kept."""
    if not info.successor:
        return ""
    prefix = MODELS_PREFIX if token.startswith(MODELS_PREFIX) else ""
    return prefix + info.successor


def decide_fix(
    ctx: Context, path: str, code: str, line_text: str, safety: str
) -> tuple[str, bool]:
    """(fix safety reported, whether to apply it now).

    Safe fixes are applied by every run (the engine writes only in fix mode, and --diff shows
    them); unsafe ones only with --unsafe-fixes. A suppressed or disabled finding is never
    fixed.
    """
    if safety == FIX_NONE:
        return FIX_NONE, False
    if not ctx.enabled(code, path) or suppressed(line_text, code):
        return safety, False
    if safety == FIX_SAFE:
        return safety, True
    return FIX_UNSAFE, ctx.unsafe_fixes


def model_finding(
    path: str,
    pos: tuple[int, int],
    token: str,
    info: ModelInfo,
    *,
    fix: str,
    fixed: bool,
    note: str = "",
) -> Finding:
    new = successor_id(token, info)
    return finding(
        path, pos, model_code(info), model_message(token, info) + note,
        fix=fix if new else FIX_NONE, fixed=fixed and bool(new),
        **{"from": token, "to": new},
    )
