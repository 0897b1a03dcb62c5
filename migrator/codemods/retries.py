"""Retries keyed on the legacy SDK's errors keep the call on the legacy SDK (GM042).

A legacy call raises `google.api_core.exceptions` classes (`ResourceExhausted`,
`ServiceUnavailable`, ...). Code that retries on those, with
`@google.api_core.retry.Retry(...)` (whose default predicate, `if_transient_error`, names them
too), `request_options={"retry": Retry(...)}`, or a tenacity / backoff decorator whose
predicate names a `google.api_core.exceptions` or `google.generativeai` error class, would
silently stop retrying once the call migrates: Interactions calls raise google-genai's own
error classes (importable only from a private, version-dependent module, api-mapping.md
section 1 item 13), and google-genai's retry options live on the client
(`HttpOptions(retry_options=...)`), not on the call. No exact mapping exists, so the call
stays legacy; pinning spreads to its model / chat as usual (legacy.Plan.propagate), so no
object is left half migrated. (`except` clauses naming those classes are GM037,
responses.check_handlers.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from migrator.codemods.convert import Unsupported
from migrator.codemods.facts.nodes import string_value
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import COUNT, EMBED, LEGACY, MODELS_API

if TYPE_CHECKING:
    from migrator.codemods.facts.sites import Site
    from migrator.codemods.legacy.plan import Plan

KEPT = "GM042"
RETRY = "google.api_core.retry"
API_CORE_ERRORS = "google.api_core.exceptions."


def _legacy_error_names(plan: Plan, node: cst.CSTNode) -> list[str]:
    """google.api_core retry helpers and legacy error classes named inside `node`, in source
    order (shortest spelling first)."""
    out: list[str] = []
    for sub in _walk(node):
        if not isinstance(sub, (cst.Name, cst.Attribute)):
            continue
        for name in sorted(plan.qualified(sub)):
            legacy_error = name.startswith(LEGACY + ".") and name.rsplit(".", 1)[-1].endswith(
                ("Error", "Exception"))
            if (name == RETRY or name.startswith((RETRY + ".", RETRY + "_", API_CORE_ERRORS))
                    or legacy_error) and name not in out:
                out.append(name)
    return out


def _new_call(method: str) -> str:
    """What the migrated call would be and what it raises."""
    if method in COUNT or method in EMBED or method in MODELS_API:
        return "client.models raises google.genai.errors.APIError"
    return "client.interactions.create raises google-genai's own interactions errors"


def check_retries(plan: Plan) -> None:
    """Pins the migrating calls inside a function whose decorator retries on legacy errors."""
    for site in plan.sites:
        if site.pin is not None:
            continue
        function = plan.enclosing_function(site.call)
        while function is not None and site.pin is None:
            for decorator in function.decorators:
                names = _legacy_error_names(plan, decorator.decorator)
                if not names:
                    continue
                shown = ".".join(names[0].rsplit(".", 2)[-2:])
                plan.pin(site, KEPT, f"{function.name.value}() retries on the legacy SDK's "
                         f"errors ({shown}); {_new_call(site.method)}, so the retry would "
                         "stop matching", site.call)
                break
            function = plan.enclosing_function(function)


def check_request_options(plan: Plan, node: cst.BaseExpression) -> None:
    """`request_options={"retry": ...}` / `RequestOptions(retry=...)`: google-genai retries
    are client options (HttpOptions.retry_options), not per-call ones."""
    retry = False
    if isinstance(node, cst.Dict):
        retry = any(isinstance(e, cst.DictElement) and string_value(e.key) == "retry"
                    for e in node.elements)
    elif isinstance(node, cst.Call):
        retry = any(a.keyword is not None and a.keyword.value == "retry" for a in node.args)
    if retry or any(n.startswith(RETRY) for n in _legacy_error_names(plan, node)):
        raise Unsupported(KEPT, "request_options retry: google-genai's retries are client "
                          "options (HttpOptions.retry_options) keyed on its own errors, not a "
                          "google.api_core Retry per call")


def pin_shared_responses(plan: Plan) -> bool:
    """A response read that two calls may feed (`r = a(...)` in a `try`, `r = b(...)` in its
    `except`, then `r.text`) is rewritten for both or for neither: when one call stays legacy,
    `r.output_text` would be read from the legacy response it returns. Returns True when it
    pinned something."""
    readers: dict[int, list[Site]] = {}
    for site in plan.sites:
        for node in [n for n, _ in site.accessor_edits] + [n for n, _, _, _ in site.read_edits]:
            readers.setdefault(id(node), []).append(site)
    changed = False
    for sites in readers.values():
        kept = next((s for s in sites if s.pin is not None), None)
        if kept is None:
            continue
        for site in sites:
            if site.pin is None:
                target = site.response_target
                name = f"{plan.code(target)!r}" if target is not None else "the response"
                plan.pin(site, "GM011", f"{name} may also hold the response of another call, "
                         "which stays on the legacy SDK", site.call)
                changed = True
    return changed
