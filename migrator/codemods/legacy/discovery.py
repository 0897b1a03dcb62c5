"""Finding the legacy objects of a module: `configure()` calls, model constructions,
chats, the names that hold them and every use of those names.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    Assignment,
    QualifiedNameSource,
)
from libcst.metadata.base_provider import LazyValue

from migrator.codemods import caching, media
from migrator.codemods.convert import (
    Unsupported,
    history_to_steps,
)
from migrator.codemods.facts.nodes import dotted as _dotted
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import EMBED, LEGACY, MODELS_API
from migrator.codemods.facts.sites import Construction, Holder, Pin, Site
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.webs import binding_name
from migrator.codemods.legacy.common import (
    CONFIGURE,
    GENERATE,
    MODEL_CLASSES,
    _is_main_guard,
)

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class Discovery:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


    def collect(self) -> None:
        plan = self.plan
        calls = [n for n in _walk(plan.module) if isinstance(n, cst.Call)]
        calls.sort(key=lambda c: plan.pos(c))
        for call in calls:
            names = plan.qualified(call.func)
            if CONFIGURE in names:
                self.collect_configure(call)
            elif names & MODEL_CLASSES:
                self.collect_model(call)
            elif names & set(EMBED):
                method = next(iter(names & set(EMBED)))
                plan.sites.append(Site(call, method, call.func, None, None, EMBED[method]))
            elif names & set(MODELS_API):
                method = next(iter(names & set(MODELS_API)))
                plan.sites.append(Site(call, method, call.func, None, None, False))
            elif names & set(media.FILES):
                method = next(iter(names & set(media.FILES)))
                plan.sites.append(Site(call, method, call.func, None, None, False))
            else:
                caching.collect(plan, call, names)
        self.collect_uses()
        plan.sites.sort(key=lambda site: plan.pos(site.call))
        plan.aliasing.collect_unresolved(calls)
        self.collect_importers()

    def imported_names(self, node: cst.CSTNode) -> set[str]:
        value = self.plan.qnames.get(node)
        if isinstance(value, LazyValue):
            value = value()
        return {q.name for q in value or () if q.source == QualifiedNameSource.IMPORT}

    def foreign(self, receiver: cst.BaseExpression) -> bool:
        """The receiver provably is not a legacy object: an imported non-legacy object; a name
        only ever bound to calls of non-legacy callables (vertexai's GenerativeModel, a local
        class: a migrated model can only reach it through an escape, which pins); or an
        attribute of a name bound to an imported non-legacy callable (`client.models` of a
        google-genai client). `bot.model` of a local `Bot()` is not foreign: it may be the
        `self.model` this file migrates."""
        names = self.imported_names(receiver)
        if names:
            return not any(q.startswith(LEGACY) for q in names)
        if isinstance(receiver, cst.Name):
            return self.bound_to_calls(receiver, imported_only=False)
        base: cst.BaseExpression = receiver
        while isinstance(base, cst.Attribute):
            base = base.value
        return isinstance(base, cst.Name) and self.bound_to_calls(base, imported_only=True)

    def bound_to_calls(self, name: cst.Name, *, imported_only: bool) -> bool:
        """Every value that may reach this read of `name` is a call of a non-legacy callable."""
        plan = self.plan
        assignments = plan.flow.reaching(name)
        if not assignments:
            scope = plan.scopes.get(name)
            assignments = list(scope[name.value]) if scope is not None else []
        if not assignments:
            return False
        for assignment in assignments:
            if not isinstance(assignment, Assignment):
                return False
            parent = plan.parent(assignment.node)
            assign = plan.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(assign, "value", None)
            if not isinstance(value, cst.Call):
                return False
            callee = (self.imported_names(value.func) if imported_only
                      else plan.qualified(value.func))
            if not callee or any(q.startswith(LEGACY) for q in callee):
                return False
        return True

    def collect_leftovers(self) -> None:
        """Legacy references outside anything this pass plans (list_models, upload_file,
        protos, ...): each is left as it is, with a GM014 finding and TODO."""
        plan = self.plan
        explained: set[int] = set()
        roots: list[cst.CSTNode] = [c.call for c in plan.constructions.values()]
        roots += [call for call, _, _ in plan.configures]
        roots += [site.call for site in plan.sites]
        roots += plan.explained
        roots += list(plan.config_defs)
        for construction in plan.constructions.values():
            parent = plan.parent(construction.call)
            if isinstance(parent, cst.AnnAssign) and parent.annotation is not None:
                roots.append(parent.annotation)
        for root in roots:
            explained.update(id(n) for n in _walk(root))
        for node in _walk(plan.module):
            if id(node) in explained or not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            if "" in _dotted(node).split(".") or isinstance(node, cst.Name) and isinstance(
                plan.parent(node), cst.Attribute
            ) and plan.parent(node).attr is node:  # type: ignore[union-attr]
                continue  # a chain through a call result, or an attribute's own name
            names = plan.qualified(node)
            legacy = sorted(q for q in names if q.startswith(LEGACY + "."))
            if not legacy:
                continue
            parent = plan.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                continue  # the longest dotted form speaks for it
            if self.in_import(node):
                continue
            what = legacy[0].removeprefix(LEGACY + ".")
            plan.loose_pins.append(Pin("GM014", f"{what} is not migrated yet", node))

    def in_import(self, node: cst.CSTNode) -> bool:
        current = self.plan.parent(node)
        while current is not None:
            if isinstance(current, (cst.Import, cst.ImportFrom)):
                return True
            if isinstance(current, cst.BaseStatement):
                return False
            current = self.plan.parent(current)
        return False

    def collect_importers(self) -> None:
        """Module-level models and chats another file imports cannot change shape."""
        plan = self.plan
        from migrator.codemods.crossmodule import imported_elsewhere

        module_scope = plan.scopes.get(plan.module)
        if module_scope is None:
            return
        prefix = f"name:{id(module_scope)}:"
        candidates: dict[str, list[Holder]] = {}
        for k in [*plan.holders, *plan.aliases]:
            if k.startswith(prefix) and plan.holder_of(k).pin is None:
                # every web of the name: which one another file sees is not known here
                name = k[len(prefix):].split("#", 1)[0]
                candidates.setdefault(name, []).append(plan.holder_of(k))
        if not candidates:
            return
        elsewhere = imported_elsewhere(plan.path, set(candidates), plan.ctx.settings)
        for name, other in elsewhere.items():
            for holder in candidates[name]:
                node = holder.constructions[0].call if holder.constructions else plan.module
                plan.pin(holder, "GM011", f"{name!r} is imported by "
                         f"{os.path.basename(other)}, which would still use it as a legacy "
                         "object", node)

    def collect_configure(self, call: cst.Call) -> None:
        statement = self.plan.statement_of(call)
        pin: Pin | None = None
        expr_stmt = (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and statement.body[0].value is call
        )
        if not expr_stmt:
            pin = Pin("GM016", "configure() is used inside an expression", call)
        elif self.conditional(statement):
            pin = Pin("GM016", "configure() runs only on some paths (under if/loop/except): "
                      "a Client made there would not exist on the others, where the legacy "
                      "SDK fell back to GOOGLE_API_KEY", call)
        for arg in call.args:
            name = arg.keyword.value if arg.keyword else None
            if name in ("credentials", "client_options", "default_metadata") or arg.star:
                pin = Pin("GM016", f"configure({name or '**'}=...) has no direct Client "
                          "equivalent", call)
            elif name not in ("api_key", "transport", "client_info"):
                pin = Pin("GM016", f"configure() argument {name!r} is not understood", call)

        assert statement is None or isinstance(statement, (cst.SimpleStatementLine,
                                                           cst.BaseCompoundStatement))
        self.plan.configures.append((call, statement, pin))  # type: ignore[arg-type]

    def conditional(self, statement: cst.CSTNode | None) -> bool:
        """Whether the statement may be skipped while code after its function or module body
        still runs: under if/else, a loop, an except or a match case. The `__main__` guard
        is not: it is the program's entry point."""
        plan = self.plan
        current = plan.parent(statement)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module,
                                                                cst.ClassDef, cst.Lambda)):
            if isinstance(current, cst.If) and not _is_main_guard(current):
                return True
            try_else = isinstance(current, cst.Else) and isinstance(plan.parent(current),
                                                                      cst.Try)
            if isinstance(current, (cst.Else, cst.For, cst.While, cst.ExceptHandler,
                                    cst.ExceptStarHandler, cst.MatchCase)) and not try_else:
                return True
            current = plan.parent(current)
        return False

    def collect_model(self, call: cst.Call) -> None:
        plan = self.plan
        construction = Construction(call)
        plan.constructions[call] = construction
        try:
            construction.kwargs = plan.options.model_kwargs(call)
        except Unsupported as exc:
            plan.loose_pins.append(Pin(exc.code, exc.reason, call))
            construction.kwargs = []
            self.attach(construction, "model", pinned=Pin(exc.code, exc.reason, call))
            return
        self.attach(construction, "model")

    def attach(self, construction: Construction, kind: str, pinned: Pin | None = None) -> None:
        """Find where a construction's result goes: a holder, or an inline method call."""
        plan = self.plan
        call = construction.call
        parent = plan.parent(call)
        target: cst.BaseExpression | None = None
        returned = plan.aliasing.factory_key(call) if isinstance(parent, cst.Return) else None
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is call:
            target = parent.target
        if target is not None or returned is not None:
            key = plan.holder_key(target) if target is not None else returned
            if key is None:
                plan.loose_pins.append(
                    Pin("GM011", f"the {kind} is stored where gemini-migrate cannot follow it",
                        call))
                return
            holder = plan.holders.setdefault(key, Holder(key, kind))
            if holder.kind != kind:
                plan.pin(holder, "GM011", "the same name holds models and chats", call)
            construction.holder = holder
            holder.constructions.append(construction)
            if pinned is not None:
                plan.pin(holder, pinned.code, pinned.reason, call)
            return
        # Inline: genai.GenerativeModel(...).generate_content(...)
        if (
            isinstance(parent, cst.Attribute)
            and kind == "model"
            and parent.attr.value in GENERATE
            and isinstance(plan.parent(parent), cst.Call)
            and plan.parent(parent).func is parent  # type: ignore[union-attr]
        ):
            if pinned is not None:
                plan.loose_pins.append(pinned)
                return
            site_call = plan.parent(parent)
            assert isinstance(site_call, cst.Call)
            plan.sites.append(
                Site(site_call, parent.attr.value, call, None, construction,
                     GENERATE[parent.attr.value])
            )
            return
        if (kind == "model" and isinstance(parent, cst.Attribute)
                and parent.attr.value == "start_chat"):
            chat_call = plan.parent(parent)
            if isinstance(chat_call, cst.Call) and pinned is None:
                self.collect_chat(chat_call, construction)
                return
        plan.loose_pins.append(
            pinned or Pin("GM011", f"the {kind} object is used where gemini-migrate cannot "
                          "follow it", call))

    def collect_chat(self, call: cst.Call, source: Holder | Construction) -> None:
        construction = Construction(call, model_source=source)
        self.plan.constructions[call] = construction
        pinned: Pin | None = None
        for arg in call.args:
            name = arg.keyword.value if arg.keyword else ("history" if not arg.star else None)
            if name == "history":
                value = arg.value
                if isinstance(value, cst.Name) and value.value == "None":
                    continue
                try:
                    steps = history_to_steps(value)
                except Unsupported as exc:
                    pinned = Pin(exc.code, exc.reason, call)
                else:
                    construction.history = steps or None
            elif name == "enable_automatic_function_calling":
                if _is_name(arg.value, "True"):
                    self.plan.tools.afc_chats.add(call)  # each send gets the loop (tools.py)
                elif not _is_name(arg.value, "False"):
                    pinned = Pin("GM027", "enable_automatic_function_calling is not a literal "
                                 "True or False", call)
            else:
                pinned = Pin("GM011", f"start_chat() argument {name!r} is not understood", call)
        self.attach(construction, "chat", pinned)
        if isinstance(source, Holder):
            source.chats.append(construction)

    def collect_uses(self) -> None:
        """Every read of every holder, found through scopes (names) or spelling (attributes).
        Classifying a model's uses finds its chats and its aliases (`m = model`, a parameter
        it is passed to, a factory's calls), whose uses are collected in a further round."""
        plan = self.plan
        done: set[str] = set()
        while True:
            todo = [k for k in [*plan.holders, *plan.aliases] if k not in done]
            if not todo:
                break
            done.update(todo)
            self.collect_uses_of(todo)
        plan.aliasing.check_aliases()

    def collect_uses_of(self, keys: list[str]) -> None:
        plan = self.plan
        name_keys = {k for k in keys if k.startswith("name:")}
        attr_keys = {k for k in keys if k.startswith("attr:")}
        found: list[tuple[str, cst.BaseExpression]] = []
        seen_scopes: set[int] = set()
        for scope in plan.scopes.values() if name_keys else ():
            if scope is None or id(scope) in seen_scopes:
                continue
            seen_scopes.add(id(scope))
            # A definition of a holder's name that is not the holder's value only matters
            # at the reads it reaches: a read that also sees the holder pins it; a read that
            # sees only other values is not a use of the holder (a reused name).
            other: dict[int, cst.CSTNode] = {}
            for assignment in scope.assignments:
                if not isinstance(assignment, Assignment):
                    continue
                bound = binding_name(assignment.node)
                # an import or handler binding: its name has one web, the plain key
                key = (plan.name_key(assignment.scope, bound) if bound is not None
                       else f"name:{id(assignment.scope)}:{assignment.name}")
                holder = plan.holder_of(key) if key in name_keys else None
                if holder is not None and plan.aliasing.other_value(holder, assignment.node):
                    other[id(assignment.node)] = assignment.node
            for access in scope.accesses:
                node = access.node
                if not isinstance(node, cst.Name):
                    continue
                key = plan.raw_key(node) or ""
                if key not in name_keys:
                    continue
                reaching = [getattr(a, "node", None) for a in plan.flow.reaching(node)]
                foreign = [d for d in reaching if id(d) in other]
                if reaching and len(foreign) == len(reaching):
                    continue
                for definition in foreign:
                    assert definition is not None
                    plan.pin(plan.holder_of(key), "GM011", f"{plan.code(definition)} is also "
                             "assigned something else", definition)
                found.append((key, node))
        if attr_keys:
            for expr in _walk(plan.module):
                if isinstance(expr, (cst.Attribute, cst.Subscript)):
                    key = plan.raw_key(expr) or ""
                    if key not in attr_keys:
                        continue
                    parent = plan.parent(expr)
                    if isinstance(parent, cst.AssignTarget) or (
                        isinstance(parent, cst.AnnAssign) and parent.target is expr
                    ):
                        plan.aliasing.check_assignment(plan.holder_of(key), expr)
                    else:
                        found.append((key, expr))
        for key in keys:
            function = plan.factories.get(key)
            if function is not None:
                found.extend((key, call) for call, _ in function.calls)
        # Scopes hand out accesses from sets: sort, so every run pins the same way.
        found.sort(key=lambda item: plan.pos(item[1]))
        order = {id(plan.holder_of(k)): i for i, k in reversed(list(enumerate(keys)))}
        found.sort(key=lambda item: order.get(id(plan.holder_of(item[0])), 0))
        for key, use in found:
            if id(use) in plan.classified:
                continue
            plan.classified.add(id(use))
            holder = plan.holder_of(key)
            holder.uses.append(use)
            plan.aliasing.classify_use(holder, use)
