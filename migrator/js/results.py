"""What the code reads from a legacy result, read from the interaction instead.

A legacy `generateContent` result is `{ response }`; the interaction is the response itself, so
`result.response.text()` becomes `result.output_text ?? ""` (the whole path is rewritten, not
the last segment: api-mapping-js.md H1) and an alias `const response = result.response` now
holds the interaction. Every read is an edit of the text after the interaction expression, so
it never overlaps the edit of the call that produced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.js.functions import FunctionCalls
from migrator.js.nodes import bound_name, called, member_of, outer, statement_alone, uses_of
from migrator.js.source import Change, Escape, Source, loose, same, unwrap

if TYPE_CHECKING:
    from ast_grep_py import SgNode

USAGE_FIELDS = {
    "promptTokenCount": "total_input_tokens",
    "candidatesTokenCount": "total_output_tokens",
    "totalTokenCount": "total_tokens",
    "cachedContentTokenCount": "total_cached_tokens",
}
TEXT = '.output_text ?? ""'


class Reads:
    """Follows a result name (or expression) and rewrites its reads into `change`."""

    def __init__(self, src: Source, change: Change, *, text_override: str | None = None,
                 getter: bool = False) -> None:
        self.src = src
        self.change = change
        # @google/genai's models API: `response.text` is a getter, not a method.
        self.getter = getter
        # Streams: `response.text()` of the aggregated response reads the accumulated text.
        self.text_override = text_override

    def result(self, expr: SgNode) -> None:
        """`expr` evaluates to the legacy `{ response }` result."""
        name = bound_name(expr)
        if name is not None:
            for use in self.uses_of(name):
                self.result_use(use)
            return
        if statement_alone(self.src, expr):
            return
        node = outer(expr)
        member = member_of(node)
        if member is not None and member[1] == "response":
            self.response(member[0], node)
            return
        if member is not None and member[1] == "then":
            param = self.then_parameter(member[0])
            if param is not None:
                for use in self.uses_of(param):
                    self.result_use(use)
                return
        declarator = node.parent()
        if declarator is not None and declarator.kind() == "variable_declarator":
            pattern = declarator.field("name")
            if pattern is not None and pattern.kind() == "object_pattern" and pattern.text() in (
                "{ response }", "{response}"
            ):
                response = pattern.named_children()[0]
                self.change.replace(pattern, response.text())
                for use in self.uses_of(response):
                    self.response_use(use, use)
                return
        raise Escape("GM521", expr, "the result is used in a way the rewrite cannot follow "
                     "(returned, passed on or read whole)")

    @staticmethod
    def then_parameter(member: SgNode) -> SgNode | None:
        """`x.then((result) => ...)`: the callback's one parameter."""
        call = called(member)
        if call is None:
            return None
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or args[0].kind() not in ("arrow_function", "function_expression",
                                                    "function"):
            return None
        callback = args[0]
        param = callback.field("parameter")
        if param is None:
            params = callback.field("parameters")
            names = list(params.named_children()) if params is not None else []
            if len(names) != 1:
                return None
            param = names[0].field("pattern") if names[0].kind() in (
                "required_parameter", "optional_parameter") else names[0]
        return param if param is not None and param.kind() == "identifier" else None

    def uses_of(self, name: SgNode) -> list[SgNode]:
        return uses_of(self.src, name)

    def result_use(self, use: SgNode) -> None:
        member = member_of(use)
        if member is None or member[1] != "response":
            raise Escape("GM521", use, f"`{use.text()}` is used other than through "
                         "`.response`")
        self.response(member[0], use)

    def response(self, member: SgNode, interaction: SgNode) -> None:
        """`member` is `<interaction>.response`."""
        node = outer(member)
        parent_decl = node.parent()
        if parent_decl is not None and parent_decl.kind() == "variable_declarator" and same(
            parent_decl.field("value"), node
        ):
            name = parent_decl.field("name")
            if name is None or name.kind() != "identifier":
                raise Escape("GM521", member, "the response is destructured")
            # `const response = result.response` -> `const response = result` (an `await` of
            # it goes too: the interaction is no promise)
            end = member.range().end.index
            self.change.edits.append(_span(interaction.range().end.index, end, ""))
            if node.kind() == "await_expression" and same(unwrap_once(node), member):
                self.change.edits.append(_span(node.range().start.index,
                                               member.range().start.index, ""))
            for use in self.uses_of(name):
                self.response_use(use, use)
            return
        self.response_use(member, interaction)

    def response_use(self, value: SgNode, interaction: SgNode) -> None:
        """A read of the legacy response `value`; `interaction` ends where the new read
        starts (`result` in `result.response.text()`, `response` in `response.text()`)."""
        member = member_of(value)
        if member is None:
            raise Escape("GM521", value, "the response is used whole (passed on, returned or "
                         "printed); its shape changes")
        node, name = member
        start = interaction.range().end.index
        if name == "text" and self.getter:
            if called(node) is not None:
                raise Escape("GM521", node, "`text` is called; on this SDK it is a getter")
            parent = node.parent()
            operator = parent.field("operator") if parent is not None and \
                parent.kind() == "binary_expression" else None
            if operator is not None and operator.text() == "??" and same(
                parent.field("left"), node  # type: ignore[union-attr]
            ):
                # `response.text ?? fallback` already says what an absent text reads as
                self.change.edits.append(_span(start, node.range().end.index, ".output_text"))
                return
            self.change.edits.append(_span(start, node.range().end.index, TEXT))
            if not loose(node):
                self.change.insert(node.range().start.index, "(")
                self.change.insert(node.range().end.index, ")")
            return
        if name == "text":
            call = called(node)
            if call is None or call.field("arguments").text() != "()":  # type: ignore[union-attr]
                raise Escape("GM521", node, "`text` is not called as `text()`")
            if self.text_override is not None:
                self.change.replace(call, self.text_override)
                return
            self.change.edits.append(_span(start, call.range().end.index, TEXT))
            holder = call
            parent = call.parent()
            if parent is not None and parent.kind() == "await_expression":
                # `await response.text()`: the text is no promise any more
                self.change.edits.append(_span(parent.range().start.index,
                                               call.range().start.index, ""))
                holder = parent
            if not loose(holder):
                self.change.insert(call.range().start.index, "(")
                self.change.insert(call.range().end.index, ")")
            return
        if name == "usageMetadata" and self.text_override is None:
            field = member_of(node)
            if field is None or field[1] not in USAGE_FIELDS:
                raise Escape("GM521", node, "`usageMetadata` is read whole or through a field "
                             "with no Interactions twin")
            end = field[0].range().end.index
            # `<value>.usageMetadata?.promptTokenCount` keeps its `?.` / `!`
            suffix = self.src.text[value.range().end.index : end]
            suffix = suffix.replace("usageMetadata", "usage").replace(
                field[1], USAGE_FIELDS[field[1]])
            self.change.edits.append(_span(start, end, suffix))
            return
        if name == "functionCalls" and self.text_override is None:
            call = called(node)
            if call is None or call.field("arguments").text() != "()":  # type: ignore[union-attr]
                raise Escape("GM506", node, "`functionCalls` is not called as `functionCalls()`")
            interaction_text = self.src.text[interaction.range().start.index : start]
            if interaction.kind() not in ("identifier", "member_expression"):
                raise Escape("GM506", node, "the function calls are read from an expression; "
                             "hold the answer in a name")
            FunctionCalls(self.src, self.change).read(call, interaction.range().start.index,
                                                      interaction_text)
            return
        raise Escape("GM521", node, f"response `.{name}` has no faithful Interactions "
                     "equivalent")


def _span(start: int, end: int, text: str):  # type: ignore[no-untyped-def]
    from migrator.js.source import Edit

    return Edit(start, end, text)


def unwrap_once(node: SgNode) -> SgNode | None:
    inner = [c for c in node.named_children() if c.kind() != "comment"]
    return inner[0] if inner else None


def interaction_node(expr: SgNode) -> SgNode:
    return unwrap(expr) or expr
