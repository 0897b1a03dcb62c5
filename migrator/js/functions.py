"""Function calling: `response.functionCalls()` -> the interaction's `function_call` steps, and
`functionResponse` parts -> `function_result` steps that name the call they answer.

Legacy calls were `{ name, args }` with no id; a step is `{ id, name, arguments }` and the
result must carry `call_id`. So the calls are followed from where they are read to where their
results are sent: every call value must be read through `.name` / `.args` (-> `.arguments`),
and a result part is converted only when its `name` is `<call>.name` of such a value, whose
`.id` then becomes the `call_id` (api-mapping-js.md 4.6). `functionCalls()` gave `undefined`
when there was no call, `filter` gives `[]`: where the code tests the list itself for
truthiness, the rewrite keeps `undefined` for that case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from migrator.js.nodes import bound_name, called, member_of, outer, uses_of
from migrator.js.source import Change, Edit, Escape, Source, same

if TYPE_CHECKING:
    from ast_grep_py import SgNode

_TRUTHY_PARENTS = {"if_statement", "while_statement", "ternary_expression", "unary_expression"}
_ITERATORS = {"map", "forEach", "filter", "some", "every", "find", "flatMap"}


def steps_filter(src: Source, interaction: str) -> str:
    guard = ("(step): step is Interactions.FunctionCallStep => " if src.typescript
             else "(step) => ")
    return f'({interaction}.steps ?? []).filter({guard}step.type === "function_call")'


class FunctionCalls:
    def __init__(self, src: Source, change: Change) -> None:
        self.src = src
        self.change = change

    def read(self, call: SgNode, start: int, interaction: str) -> None:
        """`call` is `<response>.functionCalls()`, whose text from `start` on is replaced;
        `interaction` is the interaction's text."""
        end = call.range().end.index
        text = steps_filter(self.src, interaction)
        self.change.findings.append(self.src.fixed(call, "GM506", "`functionCalls()` became the "
                                                   "interaction's `function_call` steps"))
        name = bound_name(call)
        if name is None:
            node = outer(call)
            member = member_of(node)
            if member is not None and member[1] in _ITERATORS:
                self.change.edits.append(Edit(start, end, text))
                self.callback(member[0])
                return
            parent = node.parent()
            if parent is not None and parent.kind() == "for_in_statement" and same(
                parent.field("right"), node
            ):
                self.change.edits.append(Edit(start, end, text))
                self.loop_variable(parent)
                return
            raise Escape("GM506", call, "the function calls are used in a way the rewrite "
                         "cannot follow")
        truthy = False
        for use in uses_of(self.src, name):
            truthy |= self.list_use(use)
        if truthy:
            # `if (calls)` saw `undefined` when there was no call: keep that
            test = f'({interaction}.steps ?? []).some((step) => step.type === "function_call")'
            indent = self.src.indent_of(self.src.statement_of(call)) + "  "
            text = f"{test}\n{indent}? {text}\n{indent}: undefined"
        self.change.edits.append(Edit(start, end, text))

    def list_use(self, use: SgNode) -> bool:
        """One read of the list of calls; True when it is a truthiness test of the list."""
        parent = use.parent()
        if parent is None:
            raise Escape("GM506", use, "the function calls are used whole")
        kind = parent.kind()
        if kind in _TRUTHY_PARENTS or (kind == "binary_expression" and parent.field(
            "operator"
        ) is not None and parent.field("operator").text() in ("&&", "||")) or (  # type: ignore[union-attr]
            kind == "parenthesized_expression" and parent.parent() is not None
            and parent.parent().kind() in _TRUTHY_PARENTS  # type: ignore[union-attr]
        ):
            if kind == "binary_expression" and not same(parent.field("left"), use):
                raise Escape("GM506", use, "the function calls are used whole")
            right = parent.field("right") if kind == "binary_expression" else None
            operator = parent.field("operator")
            # `calls && calls.length`: falsy for [] as for undefined
            return not (right is not None and operator is not None and operator.text() == "&&"
                        and right.text().startswith((f"{use.text()}.length",
                                                     f"{use.text()}?.length")))
        if kind == "subscript_expression" and same(parent.field("object"), use):
            self.item(parent)
            return False
        if kind == "for_in_statement" and same(parent.field("right"), use):
            self.loop_variable(parent)
            return False
        member = member_of(use)
        if member is not None:
            if member[1] == "length":
                return False
            if member[1] in _ITERATORS:
                self.callback(member[0])
                return False
        if kind == "variable_declarator" and parent.field("name") is not None and \
                parent.field("name").kind() == "array_pattern":  # type: ignore[union-attr]
            for element in parent.field("name").named_children():  # type: ignore[union-attr]
                if element.kind() == "identifier":
                    self.item_name(element)
            return False
        raise Escape("GM506", use, "the function calls are used in a way the rewrite cannot "
                     "follow (passed on, returned or printed)")

    def callback(self, member: SgNode) -> None:
        call = called(member)
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"] if call is not None else []
        if len(args) != 1 or args[0].kind() not in ("arrow_function", "function_expression",
                                                    "function"):
            raise Escape("GM506", member, "the function calls are passed to a callback the "
                         "rewrite cannot see")
        callback = args[0]
        param = callback.field("parameter")
        if param is None:
            params = callback.field("parameters")
            first = params.named_children()[0] if params is not None and \
                params.named_children() else None
            param = first.field("pattern") if first is not None and first.kind() in (
                "required_parameter", "optional_parameter") else first
        if param is None or param.kind() != "identifier":
            raise Escape("GM506", callback, "a function call is destructured")
        self.item_name(param)

    def loop_variable(self, loop: SgNode) -> None:
        left = loop.field("left")
        if left is None or left.kind() != "identifier":
            raise Escape("GM506", loop, "a function call is destructured")
        self.item_name(left)

    def item(self, node: SgNode) -> None:
        """`calls[0]` used inline or bound to a name."""
        name = bound_name(node)
        if name is not None:
            self.item_name(name)
            return
        self.item_use(node)

    def item_name(self, name: SgNode) -> None:
        self.change.calls.add(name.text())
        for use in uses_of(self.src, name):
            self.item_use(use)

    def item_use(self, use: SgNode) -> None:
        member = member_of(use)
        if member is None:
            raise Escape("GM506", use, "a function call is used whole (its shape changes: `{ id, "
                         "name, arguments }`)")
        node, field = member
        if field == "args":
            prop = node.field("property")
            assert prop is not None
            self.change.replace(prop, "arguments")
        elif field != "name":
            raise Escape("GM506", node, f"`.{field}` of a function call has no twin on a "
                         "`function_call` step")


def function_result(change: Change | None, part: SgNode, value: SgNode,
                    text: Callable[[SgNode], str]) -> str:
    """`{ functionResponse: { name: call.name, response: R } }` -> a `function_result` step."""
    from migrator.js.source import object_pairs

    fields = {k: v for k, _p, v in object_pairs(value)} if value.kind() == "object" else {}
    name = fields.get("name")
    result = fields.get("response")
    if change is None or name is None or result is None or set(fields) != {"name", "response"}:
        raise Escape("GM506", part, "a `functionResponse` part needs the id of the call it "
                     "answers; send a `function_result` step by hand")
    member = name if name.kind() == "member_expression" else None
    holder = member.field("object") if member is not None else None
    prop = member.field("property") if member is not None else None
    if holder is None or prop is None or prop.text() != "name" or \
            holder.text() not in change.calls:
        raise Escape("GM506", part, "the `functionResponse` does not name a function call read "
                     "from the previous answer, so its call id is unknown")
    return (f'{{ type: "function_result", call_id: {holder.text()}.id, name: {text(name)}, '
            f"result: {text(result)} }}")
