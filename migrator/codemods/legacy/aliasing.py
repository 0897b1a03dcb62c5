"""Names that stand for a holder's object: `m = model`, parameters every caller passes the
model to, factories whose calls return it, and the uses that would escape the file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from migrator.codemods import caching, responses
from migrator.codemods.facts.sdk import COUNT
from migrator.codemods.facts.sites import Holder, Pin, Site
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.syntax import is_truth_test as _is_truth_test
from migrator.codemods.legacy.common import (
    _CACHES,
    GENERATE,
    SEND,
)

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class Aliasing:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


    def factory_key(self, node: cst.CSTNode) -> str | None:
        """The key of what the function around a `return` returns ("ret:<id>")."""
        plan = self.plan
        function = plan.enclosing_function(node)
        facts = plan.flow.function_of(function) if function is not None else None
        if facts is None or isinstance(plan.parent(plan.parent(function)), cst.ClassDef):
            # a method's callers (`plan.get_model()`, `bot.get_model()`) are not followed:
            # what it returns escapes
            return None
        key = f"ret:{id(facts.node)}"
        plan.factories[key] = facts
        return plan.resolve(key)

    def alias(self, key: str, holder: Holder) -> None:
        """`key` now names `holder`'s object too; two holders that meet become one."""
        plan = self.plan
        resolved = plan.resolve(key)
        if resolved == holder.key:
            return
        other = plan.holders.get(resolved)
        if other is None:
            plan.aliases[resolved] = holder.key
            return
        if other.kind != holder.kind:
            plan.pin(holder, "GM011", "the same name holds models and chats",
                     other.constructions[0].call if other.constructions else plan.module)
            plan.pin(other, "GM011", "the same name holds models and chats",
                     holder.constructions[0].call if holder.constructions else plan.module)
            return
        for construction in other.constructions:
            construction.holder = holder
        for construction in plan.constructions.values():
            if construction.model_source is other:
                construction.model_source = holder
        for site in other.sites:
            site.holder = holder
        holder.constructions += other.constructions
        holder.uses += other.uses
        holder.sites += other.sites
        holder.chats += other.chats
        if holder.pin is None:
            holder.pin = other.pin
        del plan.holders[other.key]
        plan.aliases[other.key] = holder.key

    def alias_use(self, holder: Holder, use: cst.BaseExpression,
                  parent: cst.CSTNode | None, grand: cst.CSTNode | None) -> bool:
        """A use that hands the object on where it can be followed: stored in a name or
        attribute, passed to a function of this module, returned by one."""
        if isinstance(parent, cst.Assign) and parent.value is use and len(parent.targets) == 1:
            key = self.plan.raw_key(parent.targets[0].target)
        elif isinstance(parent, cst.AnnAssign) and parent.value is use:
            key = self.plan.raw_key(parent.target)
        elif isinstance(parent, cst.Return) and parent.value is use:
            key = self.factory_key(parent)
        elif isinstance(parent, cst.Arg) and parent.value is use and isinstance(grand, cst.Call):
            key = self.parameter_key(grand, use)
        else:
            return False
        if key is None or key.startswith("attr::"):
            return False  # an attribute of another object: other code may read it
        self.alias(key, holder)
        return True

    def module_level_name(self, function: cst.FunctionDef) -> str:
        """The module-level name through which other files reach `function`: its own, or its
        class's for an `__init__`."""
        plan = self.plan
        owner = plan.parent(plan.parent(function))
        if isinstance(plan.parent(function), cst.Module):
            return function.name.value
        if function.name.value == "__init__" and isinstance(owner, cst.ClassDef) and (
                isinstance(plan.parent(owner), cst.Module)):
            return owner.name.value
        return ""

    def parameter_key(self, call: cst.Call, value: cst.BaseExpression) -> str | None:
        plan = self.plan
        function = plan.flow.callee(call)
        if function is None or function.escapes or function.decorated:
            return None
        bound = next((b for c, b in function.calls if c is call), None)
        name = next((p for p, v in (bound or {}).items() if v is value), None)
        params = function.node.params
        param = next((p for p in [*params.posonly_params, *params.params, *params.kwonly_params]
                      if p.name.value == name), None)
        if param is None or param.default is not None and not _is_name(param.default, "None"):
            return None
        scope = plan.scopes.get(param.name)
        if scope is None:
            return None
        key = plan.name_key(scope, param.name)
        if key is None:
            return None
        plan.param_aliases.append((key, function, param))
        return key

    def check_aliases(self) -> None:
        """A parameter holds the model only if every call of its function passes it; a
        factory's calls hold it only if all it ever returns is the model. Another file that
        imports the function (or the class whose `__init__` it is) may call it with, or
        expect from it, a legacy object."""
        plan = self.plan
        from migrator.codemods.crossmodule import imported_elsewhere

        public: dict[str, list[tuple[str, Any]]] = {}
        for key, function in [*((k, f) for k, f, _ in plan.param_aliases),
                              *plan.factories.items()]:
            name = self.module_level_name(function.node)
            if name and plan.resolve(key) in plan.holders:
                public.setdefault(name, []).append((key, function))
        for name, other in imported_elsewhere(plan.path, set(public),
                                              plan.ctx.settings).items():
            for key, function in public[name]:
                plan.pin(plan.holder_of(key), "GM011", f"{name!r} is imported by "
                         f"{os.path.basename(other)}, which may still pass or expect a legacy "
                         "object", function.node)
        for key, function, param in plan.param_aliases:
            holder = plan.holder_of(key)
            name = function.node.name.value
            for call, bound in function.calls:
                value = bound.get(param.name.value)
                if value is None or _is_name(value, "None"):
                    continue
                if plan.holder_key(value) != holder.key:
                    plan.pin(holder, "GM011", f"{name}() is also called with another "
                             f"{param.name.value}", call)
        for key, function in plan.factories.items():
            if plan.resolve(key) not in plan.holders:
                continue
            holder = plan.holder_of(key)
            name = function.node.name.value
            where = holder.constructions[0].call if holder.constructions else function.node
            if function.node.asynchronous is not None:
                plan.pin(holder, "GM011", f"{name}() is a coroutine function: its calls are "
                         "not the model", where)
            elif function.escapes or function.decorated and not all(
                    plan.qualified(d.decorator if not isinstance(d.decorator, cst.Call)
                                   else d.decorator.func) & _CACHES
                    for d in function.node.decorators):
                plan.pin(holder, "GM011", f"{name}() is used where gemini-migrate cannot "
                         "follow its result", where)
            elif function.generator or function.falls_off or not all(
                value is not None and (plan.holder_key(value) == holder.key or (
                    isinstance(value, cst.Call) and value in plan.constructions
                    and plan.constructions[value].holder is holder))
                for value in function.returns):
                plan.pin(holder, "GM011", f"{name}() may also return something else", where)

    def check_assignment(self, holder: Holder, target: cst.CSTNode) -> None:
        if self.other_value(holder, target):
            self.plan.pin(holder, "GM011",
                          f"{self.plan.code(target)} is also assigned something else", target)

    def other_value(self, holder: Holder, target: cst.CSTNode) -> bool:
        """Whether the assignment of `target` stores something other than the holder's value."""
        plan = self.plan
        if isinstance(target, cst.Param):
            scope = plan.scopes.get(target.name)
            key = plan.name_key(scope, target.name) if scope is not None else None
            return key not in plan.aliases
        parent = plan.parent(target)
        assign = plan.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
        value = getattr(assign, "value", None)
        if isinstance(value, cst.Call) and value in plan.constructions or caching.produced(
            plan, value, target
        ):
            return False
        if value is not None and plan.holder_key(value) == holder.key:
            return False  # `m = model`, `model = get_model()`: the same object
        return not (isinstance(value, cst.Name) and value.value == "None")

    def classify_use(self, holder: Holder, use: cst.BaseExpression) -> None:
        plan = self.plan
        if holder.kind in caching.HOLDER_KINDS:
            caching.classify_use(plan, holder, use)
            return
        parent = plan.parent(use)
        grand = plan.parent(parent) if parent is not None else None
        if isinstance(parent, cst.Attribute) and parent.value is use:
            method = parent.attr.value
            is_call = isinstance(grand, cst.Call) and grand.func is parent
            if holder.kind == "model" and is_call and method in GENERATE:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, GENERATE[method])
                holder.sites.append(site)
                plan.sites.append(site)
                return
            if holder.kind == "model" and is_call and method == "start_chat":
                assert isinstance(grand, cst.Call)
                plan.discovery.collect_chat(grand, holder)
                return
            if holder.kind == "chat" and is_call and method in SEND:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, SEND[method])
                if isinstance(use, cst.Call):
                    # the chat state is written back to the receiver: a call would run twice
                    plan.pin(site, "GM011", f"{plan.code(use)}.{method}(): the chat comes "
                             "from a call, its state cannot be kept", grand)
                holder.sites.append(site)
                plan.sites.append(site)
                return
            if holder.kind == "chat" and method in ("history", "rewind", "last"):
                responses.chat_state_use(plan, holder, use, parent)
                return
            if holder.kind == "model" and is_call and method in COUNT:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, COUNT[method])
                holder.sites.append(site)
                plan.sites.append(site)
                return
            plan.pin(holder, "GM011", f"{plan.code(parent)} is not understood", use)
            return
        if _is_truth_test(use, parent):
            return
        if holder.kind in ("model", "chat") and self.alias_use(holder, use, parent, grand):
            return
        plan.pin(holder, "GM011", f"{plan.code(use)} is passed or stored where gemini-migrate "
                 "cannot follow it", use)

    def collect_unresolved(self, calls: Sequence[cst.Call]) -> None:
        """generate_content / send_message on receivers no holder explains pin every holder of
        that kind: the receiver might be one of them under another name."""
        plan = self.plan
        known = {site.call for site in plan.sites}
        known |= {c.call for c in plan.constructions.values()}
        for call in calls:
            func = call.func
            if not isinstance(func, cst.Attribute) or call in known:
                continue
            method = func.attr.value
            if method not in GENERATE and method not in SEND and method != "start_chat":
                continue
            if plan.discovery.foreign(func.value):
                continue  # a receiver whose origin is known and foreign (e.g. vertexai)
            if caching.known_holder(plan, func.value):
                continue  # a model built from a cache: that module reports it
            kind = "chat" if method in SEND else "model"
            plan.loose_pins.append(Pin("GM011", f"cannot tell which {kind} "
                                       f"{plan.code(func.value)!r} is", call))
            for holder in plan.holders.values():
                if holder.kind in (kind, f"cached_{kind}"):
                    where = holder.constructions[0].call if holder.constructions else call
                    plan.pin(holder, "GM011", f"{plan.code(func.value)}.{method}() elsewhere "
                             f"may use this {kind}", where)
