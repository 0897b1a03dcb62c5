"""The legacy pass: plan, apply, fix the import; rounds until nothing more migrates.

The package docstring (`migrator/codemods/legacy/__init__.py`) describes the representation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import libcst as cst

from migrator.codemods import keys as api_keys
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.codemods.facts.syntax import names_in as _names_in
from migrator.codemods.legacy.apply import Apply
from migrator.codemods.legacy.common import _statement
from migrator.codemods.legacy.imports import (
    FixImports,
    _legacy_alias,
    _legacy_remains,
    _new_sdk_names,
)
from migrator.codemods.legacy.plan import Plan
from migrator.engine import Context
from migrator.findings import FIX_SAFE, Finding, finding


def legacy_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    if "generativeai" not in code_of(module):
        return module, []
    wrapper = wrapper_of(module)
    source = wrapper.module
    imports = [n for n in _walk(source) if isinstance(n, (cst.Import, cst.ImportFrom))
               and _legacy_alias(n) is not None]
    if not imports:
        return module, []
    plan = Plan(wrapper, path, ctx)
    plan.build()
    _pin_if_mocked(plan, module, path, ctx)

    names = _names_in(source)
    existing_sdk, existing_client = _new_sdk_names(source)
    # configure() stays where nothing here reads it, or while connected legacy code does
    readers = api_keys.legacy_readers(plan)
    idle = api_keys.keep_idle_configures(plan) if existing_client is None else []
    first = _legacy_alias(imports[0])
    assert first is not None
    legacy_bound = {b for b in (_legacy_alias(i) for i in imports) if b and b[1]}
    bound_names = {b for _, b in legacy_bound if b}

    def choose(mixed: bool) -> tuple[str, bool]:
        if existing_sdk is not None:
            return existing_sdk, False
        if not mixed and first[1] is not None and first[0] in ("module", "from-module") and (
            first[1] != "generativeai"
        ):
            return first[1], True
        for candidate in ("genai", "google_genai", "genai_sdk"):
            if candidate not in names or (not mixed and candidate in bound_names
                                          and candidate == first[1]):
                return candidate, True
        return "google_genai_sdk", True

    client = existing_client
    if client is None:
        client = next(c for c in ("client", "genai_client", "gemini_client", "google_client")
                      if c not in names)

    # When every legacy import sits inside a function, the SDK only exists there: each such
    # function gets its own client, and a call anywhere else cannot have one.
    local_mode = all(plan.enclosing_function(i) is not None for i in imports)
    # function-local import statement -> whether its function also needs `client = Client()`
    client_after: dict[cst.CSTNode, bool] = {}
    if local_mode:
        owners = {id(plan.enclosing_function(i)): i for i in imports}
        for site in plan.sites:
            function = plan.enclosing_function(site.call)
            while function is not None and id(function) not in owners:
                function = plan.enclosing_function(function)
            if function is None:
                plan.pin(site, "GM011", "no google-genai client can be created where this "
                         "call is (the SDK is imported inside another function)", site.call)
        api_keys.pin_local_foreign_keys(plan, owners)
        plan.propagate()
        for import_node in owners.values():
            function = plan.enclosing_function(import_node)
            assert function is not None
            inside = {id(n) for n in _walk(function)}
            needs = any(s.pin is None and id(s.call) in inside for s in plan.sites)
            configured_here = any(p is None and id(c) in inside for c, _, p in plan.configures)
            statement = plan.statement_of(import_node)
            # a configure() is only converted when a call of its function migrates
            # (Apply.client_needed): no google-genai import where nothing uses it
            converted = configured_here and needs
            if (needs or converted) and statement is not None:
                client_after[statement] = needs and not configured_here and (
                    existing_client is None)

    # Without configure() the legacy SDK read GOOGLE_API_KEY at the first call, so the client is
    # created just before the first statement that needs it (after any load_dotenv()). Unless
    # another module configured a key Client() cannot find by itself: then nothing moves.
    configured = any(p is None for _, _, p in plan.configures)
    if not plan.configures and existing_client is None and any(
        s.pin is None for s in plan.sites
    ):
        from migrator.codemods.crossmodule import foreign_key_configure

        elsewhere = foreign_key_configure(path, ctx.settings)
        if elsewhere is not None:
            reason = (f"the API key is configured in {os.path.basename(elsewhere[0])} "
                      f"({elsewhere[1]}); genai.Client() here would not see it")
            for holder in plan.holders.values():
                plan.pin(holder, "GM016", reason, holder.constructions[0].call
                         if holder.constructions else plan.module)
            for site in plan.sites:
                plan.pin(site, "GM016", reason, site.call)
            plan.propagate()
    migrated = [s for s in plan.sites if s.pin is None]
    client_before: list[cst.CSTNode] = []
    if migrated and existing_client is None and configured and not local_mode:
        # configure() in a function or the __main__ block: module-level code that runs a
        # migrated call before it read GOOGLE_API_KEY, as Client() does
        before = api_keys.module_client_before(plan, [s.call for s in migrated])
        client_before = [before] if before is not None else []
    elif migrated and existing_client is None and not configured and not local_mode:
        targets = {id(s.call) for s in migrated} | {
            id(c.call) for c in plan.constructions.values()
            if c.holder is not None and c.holder.pin is None}
        # A module whose calls all run inside functions reads the key when a function runs,
        # as the legacy SDK did: each such function makes its client. A client made at import
        # would raise there when the key is set later (load_dotenv() in the entry point, a
        # command-line option).
        first_user: list[cst.CSTNode] = []
        first_user.extend(
            [st for st in source.body if any(id(n) in targets for n in _walk(st))][:1])
        client_before = api_keys.function_clients(plan, migrated) or first_user
    # A pinned call keeps the legacy SDK, so the file is mixed: apply once, keeping
    # configure(). Only when nothing is pinned can a legacy use the plan does not model
    # still remain, and only then is a second application needed.
    pinned = any(s.pin is not None for s in plan.sites) or any(
        h.pin is not None for h in plan.holders.values()) or bool(readers)
    result, findings, legacy_left, sdk, add_import, apply = _apply(
        plan, source, choose, client, keep_configure=pinned, client_before=client_before,
        client_after=client_after, local_mode=local_mode)
    if legacy_left and not pinned:
        result, findings, legacy_left, sdk, add_import, apply = _apply(
            plan, source, choose, client, keep_configure=True, client_before=client_before,
            client_after=client_after, local_mode=local_mode)
    kept = [*idle, *(call for call, _, pin in plan.configures if pin is None and readers)]
    findings += [api_keys.kept_finding(plan, call, readers) for call in kept]
    if legacy_left and not kept and (apply.fixed or existing_sdk is not None):
        findings.append(finding(path, plan.pos(imports[0]), "GM017",
                                "the legacy import stays: some uses were left for a human"))
    if not apply.fixed:
        # Nothing migrated: the file only gains the TODO comments of what was left.
        if not any(f.code not in ("GM303", "GM010") for f in findings):
            # e.g. the module kept in an attribute (`self._genai = genai`) or only imported:
            # a check must not pass silently on a file still on the deprecated SDK
            findings.append(finding(path, plan.pos(imports[0]), "GM017",
                                    "the legacy SDK is imported here, but none of its uses "
                                    "is one gemini-migrate can follow: migrate by hand"))
        return result, findings
    if legacy_left and add_import and not any(
            isinstance(n, cst.Name) and n.value == sdk for n in _walk(result)):
        # What migrated needs no client (a model nobody calls became a dict): no import that
        # nothing uses, which would also make google-genai a requirement for nothing.
        add_import = False
    notebook = path.endswith(".ipynb")
    result = result.visit(FixImports(sdk, add_import and not (local_mode and legacy_left),
                                     legacy_left, every=local_mode or notebook))
    result = plan.media.add_imports(result)
    if not legacy_left and ctx.enabled("GM001"):
        findings.append(finding(path, plan.pos(imports[0]), "GM001",
                                "the google.generativeai import becomes `from google import "
                                "genai`", fix=FIX_SAFE, fixed=True))
    return result, findings



def _pin_if_mocked(plan: Plan, module: cst.Module, path: str, ctx: Context) -> None:
    """A file that patches the legacy SDK tests its own legacy calls through the mock:
    migrated, they would bypass it (and reach the network). Everything stays."""
    from migrator.lint.mocks import MOCKING, mocks_pass

    if not MOCKING.search(code_of(module)):
        return
    _, mocked = mocks_pass(module, path, ctx)
    if not mocked:
        return
    # no line number: the TODO lines this adds would move it, and the comment with it
    reason = "this file mocks the legacy SDK: migrated calls would bypass the mock"
    for holder in plan.holders.values():
        plan.pin(holder, "GM040", reason,
                 holder.constructions[0].call if holder.constructions else plan.module)
    for site in plan.sites:
        plan.pin(site, "GM040", reason, site.call)
    plan.propagate()



def _apply(
    plan: Plan, source: cst.Module, choose: Callable[[bool], tuple[str, bool]], client: str,
    *, keep_configure: bool, client_before: Sequence[cst.CSTNode],
    client_after: dict[cst.CSTNode, bool], local_mode: bool,
) -> tuple[cst.Module, list[Finding], bool, str, bool, Apply]:
    sdk, add_import = choose(keep_configure)
    moved = plan.options.moved_ids()
    plan.findings = [f for node, f in plan.substitutions if id(node) in moved]
    plan.options.report_dropped()
    apply = Apply(plan, sdk, client, keep_configure, client_before, local_mode)
    for statement, needs_client in client_after.items():
        alias = "" if sdk == "genai" else f" as {sdk}"
        # Fully migrated, the import itself is swapped in place (FixImports, comments kept);
        # while legacy uses remain, the new import joins it where it is needed.
        inserted = [_statement(f"from google import genai{alias}\n")] if keep_configure else []
        if needs_client:
            inserted.append(_statement(f"{client} = {sdk}.Client()\n"))
        apply.after.setdefault(statement, [])[:0] = inserted
    result = source.visit(apply)
    left = _legacy_remains(result)
    findings = [*plan.findings, *apply.fixed]
    return result, findings, left, sdk, add_import, apply


