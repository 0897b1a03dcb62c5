"""A model's constructor options: its id (and the id's substitutions), generation config,
safety settings and the shared config definitions several models read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods.convert import (
    Unsupported,
    config_dict,
    config_items,
    convert_config_items,
    convert_safety,
    dict_node,
    literal,
    model_literal,
    split_response_format,
)
from migrator.codemods.facts.modelsource import (
    argument_sources,
    lookup_use,
    model_source,
    tuned_model,
)
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.legacy.common import (
    CONFIG_CLASSES,
    LEGACY_DEFAULT_MODEL,
    _vertical,
    layout,
)
from migrator.codemods.schema import LegacySchema
from migrator.findings import FIX_SAFE, FIX_UNSAFE, finding

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class ModelOptions:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def model_kwargs(self, call: cst.Call) -> list[tuple[str, cst.BaseExpression]]:
        plan = self.plan
        kwargs: list[tuple[str, cst.BaseExpression]] = []
        model_node: cst.BaseExpression | None = None
        tool_config: cst.BaseExpression | None = None
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("GM011", "GenerativeModel(**kwargs) cannot be followed")
            name = arg.keyword.value if arg.keyword else ("model_name" if index == 0 else None)
            if name == "model_name":
                model_node = arg.value
            elif name == "system_instruction":
                why = plan.inputs.non_text(arg.value)
                if why is not None:
                    raise Unsupported("GM014", f"a non-text system_instruction ({why}): the "
                                      "Interactions API takes one string")
                kwargs.append(("system_instruction", arg.value))
            elif name == "generation_config":
                config, response_format = self.generation_config(arg.value)
                if config is not None:
                    kwargs.append(("generation_config", config))
                if response_format is not None:
                    kwargs.append(("response_format", _vertical(response_format,
                                                                plan.indent_of(arg))))
            elif name == "safety_settings":
                kwargs.append(("safety_settings", self.safety_name(arg.value,
                                                                   plan.indent_of(arg))))
            elif name == "tools":
                if not _is_name(arg.value, "None"):
                    kwargs.append(("tools", plan.tools.model_tools(call, arg)))
            elif name == "tool_config":
                tool_config = None if _is_name(arg.value, "None") else arg.value
            else:
                raise Unsupported("GM011", f"GenerativeModel argument {name!r} is not understood")
        if tool_config is not None:
            kwargs = plan.tools.add_tool_choice(call, kwargs, tool_config)
        tuned = tuned_model(model_node, plan.scopes, plan.parent, plan.qualified) \
            if model_node is not None else None
        if tuned is not None:
            raise Unsupported("GM306", f"the model is a tuned model ({tuned}): the Interactions "
                              "API serves base models only")
        kwargs.insert(0, ("model", self.model_name(model_node, call)))
        return kwargs

    def model_name(self, node: cst.BaseExpression | None, call: cst.Call) -> cst.BaseExpression:
        plan = self.plan
        if node is None:
            new_id, info = plan.ctx.models.interactions_name(LEGACY_DEFAULT_MODEL)
            plan.substitutions.append((call, finding(
                plan.path, plan.pos(call), "GM303",
                f"GenerativeModel() used the legacy default {LEGACY_DEFAULT_MODEL}; wrote "
                f"{new_id!r}", fix=FIX_SAFE, fixed=True, **{"from": LEGACY_DEFAULT_MODEL,
                                                            "to": new_id})))
            return literal(new_id)
        new_node, old, new = model_literal(node, plan.ctx.models)
        if old is not None and new is not None:
            plan.substitutions.append((node, finding(
                plan.path, plan.pos(node), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))
            return new_node
        if isinstance(node, (cst.Name, cst.Call, cst.Subscript, cst.Attribute)):
            return self.substitute_source(node)
        return new_node

    def substitute_source(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The model is a name or an environment lookup: fix the id where it is written (a
        constant, a parameter default, a getenv default). An id the tool cannot see is
        reported by the lint at the Interactions call (GM305). Returns the model argument:
        rewritten when the id is written inside it (`os.getenv("M", "gemini-2.0-flash")`),
        since the call it stands in is rebuilt from it."""
        plan = self.plan
        source = model_source(node, plan.scopes, plan.parent, plan.qualified)
        value = source.string if source is not None else None
        # The ids passed for a parameter (`Bot("gemini-2.0-flash")`) reach the call too.
        for passed in argument_sources(node, plan.scopes, plan.parent, plan.qualified):
            self.substitute_literal(node, passed)
        if value is None:
            return node
        if isinstance(node, cst.Call) and any(arg.value is value for arg in node.args):
            inline, old, new = model_literal(value, plan.ctx.models)
            if old is None or new is None:
                return node
            plan.substitutions.append((node, finding(
                plan.path, plan.pos(value), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))
            return node.with_changes(args=[
                arg.with_changes(value=inline) if arg.value is value else arg
                for arg in node.args])
        self.substitute_literal(node, value)
        return node

    def substitute_literal(self, node: cst.BaseExpression, value: cst.SimpleString) -> None:
        """Substitute the id `value` where it is written, once the call `node` reaches moves."""
        plan = self.plan
        if value in plan.literal_defs:
            plan.literal_users[value].append(node)
            return
        new_node, old, new = model_literal(value, plan.ctx.models)
        key = lookup_use(value, plan.scopes, plan.parent) if old is not None else None
        if key is not None:
            raise Unsupported("GM307", f"the model id {old!r} would be refused by the "
                              f"Interactions API, and the name holding it is also a lookup key "
                              f"(`{plan.module.code_for_node(key)}`): "
                              "change the id and the keys it is looked up in by hand")
        if old is not None and new is not None:
            plan.literal_defs[value] = (new_node, old, new)
            plan.literal_users[value] = [node]
            plan.substitutions.append((node, finding(
                plan.path, plan.pos(value), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))

    def generation_config(
        self, node: cst.BaseExpression
    ) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
        """(the Interactions generation_config, the top-level response_format) of a legacy
        config; either may be None."""
        plan = self.plan
        if isinstance(node, cst.Call) and plan.is_legacy(node.func, CONFIG_CLASSES) or (
            isinstance(node, cst.Dict)
        ):
            raw = config_items(node)
            rest, response_format = split_response_format(
                raw, LegacySchema(plan.qualified, plan.scopes, plan.flow.reaching))
            items = convert_config_items(rest, self.dropping(node))
            if not items:
                return None, response_format
            if isinstance(node, cst.Dict) and rest == raw:
                return config_dict(items, node), response_format
            return dict_node(items), response_format
        if isinstance(node, cst.Name):
            return self.config_name(node), None
        raise Unsupported("GM010", "generation config is not a literal")

    def dropping(self, node: cst.CSTNode) -> list[str] | None:
        """With --unsafe-fixes, a list that collects the config keys dropped from `node` (each
        reported as an applied unsafe GM010 fix); None otherwise."""
        plan = self.plan
        if not (plan.ctx.unsafe_fixes and plan.ctx.enabled("GM010", plan.path)):
            return None
        dropped = plan.dropped.setdefault(node, [])
        return dropped

    def report_dropped(self) -> None:
        """Only where the config really moves: a pinned call keeps its keys."""
        plan = self.plan
        moved = self.moved_ids()
        moved |= {id(n) for a in self.movable_defs() for n in _walk(a)}
        for node, keys in plan.dropped.items():
            if id(node) not in moved:
                continue
            for key in dict.fromkeys(keys):
                plan.findings.append(finding(
                    plan.path, plan.pos(node), "GM010",
                    f"{key} has no Interactions equivalent; dropped (unsafe fix: the answers "
                    "may change)", fix=FIX_UNSAFE, fixed=True))

    def shared_literal(self, name: cst.Name, keyword: str, what: str) -> cst.Assign:
        """The one assignment of a name used only as `keyword=` arguments (a shared config);
        its references are recorded so the definition moves only if every user moves."""
        plan = self.plan
        scope = plan.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            raise Unsupported("GM010", f"{what} {name.value!r} cannot be followed")
        assign = plan.parent(plan.parent(assignments[0].node))  # Name -> AssignTarget -> Assign
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            raise Unsupported("GM010", f"{what} {name.value!r} cannot be followed")
        refs: list[cst.CSTNode] = []
        for access in plan.refs(assignments[0]):
            parent = plan.parent(access.node)
            if not (isinstance(parent, cst.Arg) and parent.keyword is not None
                    and parent.keyword.value == keyword):
                raise Unsupported("GM011", f"{what} {name.value!r} is used elsewhere")
            refs.append(parent)
        plan.def_refs[assign] = refs
        return assign

    def safety_name(self, node: cst.BaseExpression, indent: str) -> cst.BaseExpression:
        if not isinstance(node, cst.Name):
            return layout(convert_safety(node), indent)
        assign = self.shared_literal(node, "safety_settings", "safety settings")
        self.plan.config_defs[assign] = layout(convert_safety(assign.value), "")
        return node

    def movable_defs(self) -> list[cst.Assign]:
        """Shared definitions all of whose users move."""
        moved = self.moved_ids()
        return [a for a in self.plan.config_defs
                if all(id(ref) in moved for ref in self.plan.def_refs.get(a, []))]

    def moved_ids(self) -> set[int]:
        """Ids of every node inside code this plan rewrites."""
        roots: list[cst.CSTNode] = [s.call for s in self.plan.sites if s.pin is None]
        roots += [c.call for c in self.plan.constructions.values()
                  if c.holder is not None and c.holder.pin is None]
        return {id(n) for root in roots for n in _walk(root)}

    def config_name(self, name: cst.Name) -> cst.BaseExpression:
        """A name bound once to a literal config: usable as is, or its definition converted."""
        plan = self.plan
        assign = self.shared_literal(name, "generation_config", "generation config")
        value = assign.value
        if (isinstance(value, cst.Call) and plan.is_legacy(value.func, CONFIG_CLASSES)) or (
            isinstance(value, cst.Dict)
        ):
            items = config_items(value)
            rest, response_format = split_response_format(
                items, LegacySchema(plan.qualified, plan.scopes, plan.flow.reaching))
            if response_format is not None:
                raise Unsupported("GM014", "JSON mode in a shared config variable is not "
                                  "migrated yet")
            converted = convert_config_items(rest, self.dropping(value))
            if isinstance(value, cst.Dict) and converted == items:
                return name
            plan.config_defs[assign] = (config_dict(converted, value)
                                        if isinstance(value, cst.Dict) else dict_node(converted))
            return name
        raise Unsupported("GM010", f"generation config {name.value!r} cannot be converted")
