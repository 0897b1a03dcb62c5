"""Where the migrated client gets its API key, for the legacy pass (`migrator.codemods.legacy`).

The legacy SDK kept one global configuration: `genai.configure(api_key=K)` anywhere (a function,
the `__main__` block, another module) set the key for every later call, and a call made before
any configure() read GOOGLE_API_KEY from the environment. google-genai needs a `client` object
wherever a call migrates, so:

- module-level code that runs a migrated call before the module's configure() runs (configure
  inside a function or under `if __name__ == "__main__":`) gets `client = genai.Client()` just
  before it: the legacy SDK read the environment key there too
  (`module_client_before`);
- when the SDK is imported inside functions, a call whose function does not configure the
  SDK itself while another function configures a key google-genai's `Client()` cannot find by
  itself stays legacy (GM016, `pin_local_foreign_keys`): the local client could not see it.

Planning only: these return nodes or pin sites; the legacy pass applies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from migrator.codemods.crossmodule import reads_env_key
from migrator.codemods.facts.nodes import string_value
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sites import Pin, Site
from migrator.findings import Finding, finding

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan

# What the legacy SDK read by itself when configure() was given no key.
_LEGACY_ENV = re.compile(
    r"""^os\.(?:environ\s*\[\s*|environ\.get\(\s*|getenv\(\s*)["']GOOGLE_API_KEY["']""")


def _runs(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes evaluated when `node` runs: function and lambda bodies are not."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, cst.FunctionDef):
            stack.extend(d.decorator for d in current.decorators)
            continue
        if isinstance(current, cst.Lambda):
            continue
        stack.extend(current.children)


def _is_main_guard(node: cst.CSTNode) -> bool:
    if not isinstance(node, cst.If):
        return False
    test = node.test
    return (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)
            and test.left.value == "__name__" and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
            and string_value(test.comparisons[0].comparator) == "__main__")


def module_client_before(plan: Plan, migrated: list[cst.Call]) -> cst.CSTNode | None:
    """The first module-level statement (or statement of the `__main__` block) that runs a
    migrated call before anything may have run a configure(): `client = Client()` goes before
    it. None when there is none, or when a configure() may run first (a call of a function or
    class of this file that configures, or of a method named like one that does): a client
    made from the environment there would replace the configured one."""
    module = plan.module
    defs: dict[str, cst.FunctionDef | cst.ClassDef] = {
        st.name.value: st for st in module.body if isinstance(st, (cst.FunctionDef,
                                                                    cst.ClassDef))}
    configure_calls = {id(call) for call, _, _ in plan.configures}
    site_calls = {id(call) for call in migrated}

    def closure(ids: set[int], kinds: tuple[type, ...]) -> set[str]:
        """Names of module definitions whose call runs (or may run, through other module
        definitions) one of `ids`."""
        found = {name for name, node in defs.items() if isinstance(node, kinds)
                 and any(id(n) in ids for n in _walk(node.body))}
        changed = True
        while changed:
            changed = False
            for name, node in defs.items():
                if name not in found and isinstance(node, kinds) and any(
                        isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                        and n.func.value in found for n in _walk(node.body)):
                    found.add(name)
                    changed = True
        return found

    using = closure(site_calls, (cst.FunctionDef,))
    configuring = closure(configure_calls, (cst.FunctionDef, cst.ClassDef))
    methods = {n.name.value for name in configuring if isinstance(defs[name], cst.ClassDef)
               for n in _walk(defs[name]) if isinstance(n, cst.FunctionDef)
               and any(id(c) in configure_calls for c in _walk(n.body))}

    def may_configure(statement: cst.CSTNode) -> bool:
        for node in _runs(statement):
            if id(node) in configure_calls:
                return True
            if isinstance(node, cst.Call) and (
                    isinstance(node.func, cst.Name) and node.func.value in configuring
                    or isinstance(node.func, cst.Attribute) and node.func.attr.value in methods):
                return True
        return False

    def runs_site(statement: cst.CSTNode) -> bool:
        return any(id(node) in site_calls or isinstance(node, cst.Call)
                   and isinstance(node.func, cst.Name) and node.func.value in using
                   for node in _runs(statement))

    def scan(statements: Sequence[cst.CSTNode]) -> cst.CSTNode | bool:
        """The statement, or True when a configure() may run first, or False for neither."""
        for statement in statements:
            if _is_main_guard(statement):
                assert isinstance(statement, cst.If)
                found = scan(statement.body.body)
                if found is not False:
                    return found
                continue
            configures = may_configure(statement)
            if runs_site(statement) and not configures:
                return statement
            if configures:
                return True
        return False

    found = scan(module.body)
    return found if isinstance(found, cst.CSTNode) else None


def pin_local_foreign_keys(plan: Plan, owners: Mapping[int, cst.CSTNode]) -> None:
    """SDK imported inside functions: a migrating call in a function with no configure() of
    its own, while another function configures a key `Client()` would not find, stays."""
    keyed: list[tuple[cst.Call, str]] = []
    for call, _, _ in plan.configures:
        key = next((a.value for a in call.args if a.keyword is not None
                    and a.keyword.value == "api_key"), None)
        if key is not None and not reads_env_key(plan.code(key)):
            keyed.append((call, plan.code(key)))
    if not keyed:
        return
    for site in plan.sites:
        if site.pin is not None:
            continue
        function = plan.enclosing_function(site.call)
        while function is not None and id(function) not in owners:
            function = plan.enclosing_function(function)
        if function is None:
            continue
        inside = {id(n) for n in _walk(function)}
        if any(id(call) in inside for call, _, pin in plan.configures if pin is None):
            continue
        call, text = keyed[0]
        where = plan.enclosing_function(call)
        place = f"{where.name.value}()" if where is not None else "this module"
        plan.pin(site, "GM016", f"the API key is configured in {place} ({text}); the "
                 "genai.Client() this function would make could not see it", site.call)


def keep_idle_configures(plan: Plan) -> list[cst.Call]:
    """configure() calls in a file where nothing calls the API: what reads that configuration
    is elsewhere (another module, a library such as langchain), so each stays as it is rather
    than becoming a Client nobody uses (which raises without a key). Returns them."""
    if plan.sites or plan.holders or plan.loose_pins:
        return []
    kept: list[cst.Call] = []
    configures: list[tuple[cst.Call, cst.SimpleStatementLine, Pin | None]] = []
    for call, statement, pin in plan.configures:
        if pin is None:
            pin = Pin("", "no call in this file reads the configuration", call)
            kept.append(call)
        configures.append((call, statement, pin))
    plan.configures = configures
    return kept


def legacy_readers(plan: Plan) -> list[str]:
    """Connected files (crossmodule.connected) whose legacy calls read the key this file's
    configure() sets, which the legacy SDK would not find by itself (anything but
    GOOGLE_API_KEY from the environment): while they stay legacy, the configure() stays."""
    from migrator.codemods.crossmodule import legacy_dependents

    keyed = False
    for call, _, pin in plan.configures:
        key = next((a.value for a in call.args if a.keyword is not None
                    and a.keyword.value == "api_key"), None)
        if pin is None and key is not None and not _LEGACY_ENV.match(plan.code(key)):
            keyed = True
    if not keyed:
        return []
    return legacy_dependents(plan.path, plan.ctx.settings)


def kept_finding(plan: Plan, call: cst.Call, readers: list[str]) -> Finding:
    if readers:
        shown = ", ".join(os.path.basename(r) for r in readers[:3])
        more = f" and {len(readers) - 3} more" if len(readers) > 3 else ""
        message = (f"configure() stays: {shown}{more} (connected through imports) still "
                   "use the legacy SDK with the key it sets")
    else:
        message = ("configure() is left as it is: nothing in this file calls the API; other "
                   "modules or libraries may read the legacy SDK's global configuration")
    return finding(plan.path, plan.pos(call), "GM017", message)


def function_clients(plan: Plan, migrated: list[Site]) -> list[cst.CSTNode]:
    """Without any configure(), when every migrated call runs inside a function: the first
    statement of each such function (after its docstring), before which `client = Client()`
    goes. Empty when a call runs at module level or in a class body, or a function is a
    one-line suite, so that the client is made once at module level instead."""
    firsts: dict[int, cst.CSTNode] = {}
    for site in migrated:
        function = plan.enclosing_function(site.call)
        if function is None or not isinstance(function.body, cst.IndentedBlock):
            return []
        if id(function) in firsts:
            continue
        body = list(function.body.body)
        if len(body) > 1 and _is_docstring(body[0]):
            body = body[1:]
        firsts[id(function)] = body[0]
    return list(firsts.values())


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString,
                                                      cst.ConcatenatedString)))
