"""Following a call's response: the name it is bound to, every read of it, function
calls, and the stream loops over it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import libcst as cst
from libcst.metadata import (
    BaseAssignment,
)

from migrator.codemods.genai_convert import (
    FOLLOW,
    Unsupported,
)
from migrator.codemods.genai_models.common import (
    FUNCTION_CALL_FIELDS,
    USAGE_FIELDS,
    Unit,
)
from migrator.codemods.genai_models.helpers import (
    _previous_update,
    _ReplaceName,
)

if TYPE_CHECKING:
    from migrator.codemods.genai_models.core import Pass


class Results:
    def __init__(self, core: Pass) -> None:
        self.core = core


    def bind_result(self, unit: Unit, node: cst.BaseExpression, stream: bool) -> Any:
        """Plan what happens to the value of `node`; return a grouping key for a variable."""
        core = self.core
        parent = core.parent(node)
        if stream:
            if isinstance(parent, (cst.For,)) and parent.iter is node:
                self.plan_loop(unit, parent, None)
                return None
            name = self.assigned_name(node)
            if name is None:
                raise Unsupported(FOLLOW, "a stream that is not consumed by a plain for loop")
            assignments = self.assignments_in_scope(name)
            refs = [r for a in assignments for r in a.references]
            if len(assignments) != 1 or len(refs) != 1:
                raise Unsupported(FOLLOW, "a stream variable used more than once")
            ref = refs[0].node
            loop = core.parent(ref)
            if isinstance(loop, cst.Await):
                raise Unsupported(FOLLOW, "a stream awaited away from its call")
            if not isinstance(loop, cst.For) or loop.iter is not ref:
                raise Unsupported(FOLLOW, "a stream that is not consumed by a plain for loop")
            self.plan_loop(unit, loop, None)
            return None
        if isinstance(parent, cst.Expr):
            return None
        if isinstance(parent, cst.Attribute) and parent.value is node:
            self.plan_response_use(unit, node, unit.parsed)
            return None
        name = self.assigned_name(node)
        if name is None:
            raise Unsupported(FOLLOW, "the response is used in a way gemini-migrate cannot "
                                      "follow")
        scope = core.scopes[name]
        return ("name", id(scope), name.value)

    def assigned_name(self, node: cst.BaseExpression) -> cst.Name | None:
        parent = self.core.parent(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 \
                and isinstance(parent.targets[0].target, cst.Name):
            return parent.targets[0].target
        if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
            return parent.target
        return None

    def assignments_in_scope(self, name: cst.Name) -> list[BaseAssignment]:
        """Every assignment of the variable `name` (an assignment target) stands for, also
        through `global` / `nonlocal`; raises when that cannot be established."""
        scope = self.core.scopes.get(name)
        found = [] if scope is None else list(scope[name.value])
        if not any(getattr(a, "node", None) is name for a in found):
            raise Unsupported(FOLLOW, f"cannot tell which variable `{name.value}` is")
        return found

    def plan_binding(self, key: Any, units: list[Unit]) -> None:
        """All assignments of one response name in one scope: every one must be a unit."""
        group = Unit(units[0].call, units[0].code)
        self.core.group_edits.append((units, group))
        self.core.groups.append(units)
        first = self.assigned_name(self.result_node(units[0]))
        assert first is not None
        try:
            assignments = self.assignments_in_scope(first)
        except Unsupported as error:
            for unit in units:
                unit.fail(error)
            return
        mine = {id(self.assigned_name(self.result_node(u))) for u in units}
        for assignment in assignments:
            if id(getattr(assignment, "node", None)) not in mine:
                group.fail(Unsupported(FOLLOW, f"`{first.value}` is also assigned by code "
                                               "that is not migrated"))
                for unit in units:
                    unit.fail(group.error)  # type: ignore[arg-type]
                return
        parsed = {u.parsed for u in units}
        schema = units[0].parsed if len(parsed) == 1 else None
        seen: set[int] = set()
        try:
            for assignment in assignments:
                for access in assignment.references:
                    if id(access.node) in seen:
                        continue
                    seen.add(id(access.node))
                    self.plan_response_use(group, access.node, schema)
        except Unsupported as error:
            for unit in units:
                unit.fail(error)

    def result_node(self, unit: Unit) -> cst.BaseExpression:
        parent = self.core.parent(unit.call)
        return parent if isinstance(parent, cst.Await) else unit.call

    def plan_response_use(self, unit: Unit, ref: cst.CSTNode,
                          parsed: tuple[str, str] | None) -> None:
        attr = self.core.parent(ref)
        if not isinstance(attr, cst.Attribute) or attr.value is not ref:
            raise Unsupported(FOLLOW, "the response object is used directly (passed, returned "
                                      "or printed)")
        name = attr.attr.value
        if name == "text":
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name("output_text")))
        elif name == "usage_metadata":
            outer = self.core.parent(attr)
            if not isinstance(outer, cst.Attribute) or outer.attr.value not in USAGE_FIELDS:
                raise Unsupported(FOLLOW, "usage_metadata used other than through one field")
            new = USAGE_FIELDS[outer.attr.value]
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name("usage")))
            unit.edit(outer, "attr", lambda n: n.with_changes(attr=cst.Name(new)))
        elif name == "parsed":
            if parsed is None:
                raise Unsupported(FOLLOW, "response.parsed without a known schema")
            kind, cls = parsed
            if kind == "model":
                def to_model(n: cst.Attribute) -> cst.BaseExpression:
                    return cst.Call(cst.Attribute(cst.Name(cls), cst.Name("model_validate_json")),
                                    [cst.Arg(n.with_changes(attr=cst.Name("output_text")))])
                unit.edit(attr, "attr", to_model)
            else:
                def to_json(n: cst.Attribute) -> cst.BaseExpression:
                    return cst.Call(cst.Attribute(cst.Name("json"), cst.Name("loads")),
                                    [cst.Arg(n.with_changes(attr=cst.Name("output_text")))])
                unit.imports.add("json")
                unit.edit(attr, "attr", to_json)
        elif name == "function_calls":
            self.plan_function_calls(unit, attr)
        else:
            raise Unsupported(FOLLOW, f"response.{name} has no Interactions equivalent here")

    def plan_function_calls(self, unit: Unit, attr: cst.Attribute) -> None:
        core = self.core
        def steps(n: cst.Attribute) -> cst.BaseExpression:
            return cst.parse_expression(
                '[step for step in RESPONSE.steps if step.type == "function_call"]'
            ).visit(_ReplaceName("RESPONSE", n.value))  # type: ignore[return-value]

        unit.edit(attr, "attr", steps)
        parent = core.parent(attr)
        if isinstance(parent, cst.Subscript) and parent.value is attr:
            self.plan_call_item(unit, parent)
        elif isinstance(parent, cst.For) and parent.iter is attr:
            if not isinstance(parent.target, cst.Name):
                raise Unsupported(FOLLOW, "a loop over function_calls without a plain name")
            for access in self.loop_accesses(parent, parent.target):
                self.plan_call_item(unit, access)
        elif (isinstance(parent, (cst.If, cst.While)) and parent.test is attr) or (
                isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)):
            return
        elif isinstance(parent, cst.Arg) and isinstance(core.parent(parent), cst.Call):
            func = cast(cst.Call, core.parent(parent)).func
            if not (isinstance(func, cst.Name) and func.value in ("len", "bool")):
                raise Unsupported(FOLLOW, "response.function_calls passed on")
        else:
            raise Unsupported(FOLLOW, "response.function_calls used in a way gemini-migrate "
                                      "cannot follow")

    def plan_call_item(self, unit: Unit, item: cst.CSTNode) -> None:
        attr = self.core.parent(item)
        if not isinstance(attr, cst.Attribute) or attr.attr.value not in FUNCTION_CALL_FIELDS:
            raise Unsupported(FOLLOW, "a function call used other than through .name/.args/.id")
        new = FUNCTION_CALL_FIELDS[attr.attr.value]
        if new != attr.attr.value:
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name(new)))

    def loop_accesses(self, loop: cst.For, target: cst.Name) -> Iterator[cst.CSTNode]:
        """Accesses of the loop variable; they must all be inside the loop body."""
        for assignment in self.assignments_in_scope(target):
            if getattr(assignment, "node", None) is not target:
                continue
            for access in assignment.references:
                node = access.node
                if self.core.inside(node, loop.body):
                    yield node
                elif not self.rebound_elsewhere(node, target.value, loop):
                    raise Unsupported(FOLLOW, f"`{target.value}` is used after the loop")

    def rebound_elsewhere(self, node: cst.CSTNode, name: str, loop: cst.For) -> bool:
        core = self.core
        current = core.parent(node)
        while current is not None:
            if isinstance(current, cst.For) and current is not loop and isinstance(
                    current.target, cst.Name) and current.target.value == name and core.inside(
                    node, current.body):
                return True
            current = core.parent(current)
        return False

    def plan_loop(self, unit: Unit, loop: cst.For, chat: cst.BaseExpression | None) -> None:
        if not isinstance(loop.target, cst.Name):
            raise Unsupported(FOLLOW, "a stream loop without a plain loop variable")
        if loop.orelse is not None:
            raise Unsupported(FOLLOW, "a stream loop with an else clause")
        target = loop.target
        for access in self.loop_accesses(loop, target):
            attr = self.core.parent(access)
            if not isinstance(attr, cst.Attribute) or attr.attr.value != "text":
                raise Unsupported(FOLLOW, "the stream chunk is used other than through .text")
            unit.edit(attr, "attr", lambda n: n.with_changes(
                value=cst.Attribute(n.value, cst.Name("delta"))))
        name = target.value

        def wrap(node: cst.For) -> cst.For:
            test = cst.parse_expression(
                f'{name}.event_type == "step.delta" and {name}.delta.type == "text"')
            body = node.body
            inner: cst.BaseSuite
            if isinstance(body, cst.IndentedBlock):
                inner = body.with_changes(header=cst.TrailingWhitespace())
                header = body.header
                footer = body.footer
            else:
                inner = body
                header, footer = cst.TrailingWhitespace(), ()
            statements: list[cst.BaseStatement] = []
            if chat is not None:
                statements.append(cst.If(
                    test=cst.parse_expression(f'{name}.event_type == "interaction.completed"'),
                    body=cst.IndentedBlock([_previous_update(
                        chat, cst.parse_expression(f"{name}.interaction.id"))]),
                ))
            statements.append(cst.If(test=test, body=inner))
            return node.with_changes(body=cst.IndentedBlock(statements, header=header,
                                                            footer=footer))

        unit.edit(loop, "loop", wrap)
