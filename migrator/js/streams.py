"""`generateContentStream` / `sendMessageStream` -> `create({ ..., stream: true })` loops.

The legacy result is `{ stream, response }`: `for await (const chunk of result.stream)` with
`chunk.text()`, then maybe `await result.response` for the aggregate. Interactions has one
event stream (iterable once): the loop runs over the events, its first statement skips every
event that is not a text delta, `chunk.text()` reads `chunk.delta.text`, and an aggregated
`response.text()` reads a string accumulated in the loop (api-mapping-js.md 3.5, H5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.js.edit import indent_before
from migrator.js.results import Reads, bound_name, called, member_of, outer
from migrator.js.source import Change, Escape, Source, same

if TYPE_CHECKING:
    from ast_grep_py import SgNode

GUARD = 'if ({v}.event_type !== "step.delta" || {v}.delta.type !== "text") continue;'


class Streams:
    def __init__(self, src: Source, change: Change) -> None:
        self.src = src
        self.change = change

    def result(self, expr: SgNode, chat: str | None = None) -> None:
        """`expr` evaluates to a legacy stream result; `chat` is the chat expression whose
        `previous_interaction_id` the stream's interaction id must update."""
        name = bound_name(expr)
        if name is None or outer(expr).parent().kind() != "variable_declarator":  # type: ignore[union-attr]
            raise Escape("GM523", expr, "the stream result is not held in a `const`")
        reads = Reads(self.src, self.change)
        uses = reads.uses_of(name)
        loops = []
        responses = []
        for use in uses:
            member = member_of(use)
            if member is None:
                raise Escape("GM523", use, "the stream result is used whole (passed on or "
                             "returned)")
            node, field = member
            if field == "stream":
                loop = node.parent()
                if loop is None or loop.kind() != "for_in_statement" or not same(
                    loop.field("right"), node
                ) or not loop.text().startswith("for await"):
                    raise Escape("GM523", node, "`.stream` is not consumed by a `for await` "
                                 "loop")
                loops.append((loop, node, use))
            elif field == "response":
                responses.append(node)
            else:
                raise Escape("GM523", node, f"stream result `.{field}` is not migrated")
        if len(loops) != 1:
            raise Escape("GM523", name, "the stream is not consumed by exactly one `for await` "
                         "loop")
        loop, stream_member, use = loops[0]
        accumulator = f"{name.text()}Text" if responses else None
        if accumulator and self.src.identifiers(accumulator):
            raise Escape("GM523", name, f"`{accumulator}` is taken; accumulate the text by hand")
        self.loop(loop, stream_member, use, accumulator, chat)
        for response in responses:
            self.aggregate(response, loop, accumulator or "")

    def loop(self, loop: SgNode, stream_member: SgNode, use: SgNode, accumulator: str | None,
             chat: str | None) -> None:
        left = loop.field("left")
        body = loop.field("body")
        if left is None or left.kind() != "identifier" or body is None or \
                body.kind() != "statement_block":
            raise Escape("GM523", loop, "the stream loop does not bind one name with a block "
                         "body")
        chunk = left.text()
        for node in body.find_all(kind="identifier", regex=f"^{chunk}$"):
            member = member_of(node)
            call = called(member[0]) if member is not None and member[1] == "text" else None
            if call is None or call.field("arguments").text() != "()":  # type: ignore[union-attr]
                raise Escape("GM523", node, f"the stream loop uses `{chunk}` other than as "
                             f"`{chunk}.text()`")
            self.change.replace(call, f"{chunk}.delta.text")
        for node in body.find_all(kind="shorthand_property_identifier", regex=f"^{chunk}$"):
            raise Escape("GM523", node, f"the stream loop uses `{chunk}` whole")
        # `result.stream` -> `result`
        self.change.edits.append(_edit(use.range().end.index, stream_member.range().end.index))
        brace = body.range().start.index + 1
        statements = list(body.named_children())
        indent = (indent_before(self.src.text, statements[0].range().start.index)
                  if statements else indent_before(self.src.text, loop.range().start.index) + "  ")
        lines = []
        if chat is not None:
            lines.append(f'if ({chunk}.event_type === "interaction.created") '
                         f"{chat}.previous_interaction_id = {chunk}.interaction.id;")
        lines.append(GUARD.format(v=chunk))
        if accumulator:
            lines.append(f"{accumulator} += {chunk}.delta.text;")
        self.change.insert(brace, "".join(f"\n{indent}{line}" for line in lines))
        if accumulator:
            loop_indent = indent_before(self.src.text, loop.range().start.index)
            self.change.insert(loop.range().start.index, f'let {accumulator} = "";\n{loop_indent}')

    def aggregate(self, member: SgNode, loop: SgNode, accumulator: str) -> None:
        """`await result.response` after the loop: only `.text()` of it is read."""
        statement = self.src.statement_of(member)
        if statement.range().start.index < loop.range().end.index or not same(
            statement.parent(), self.src.statement_of(loop).parent()
        ):
            raise Escape("GM523", member, "the aggregated response is read before or outside "
                         "the block of the loop that consumes the stream")
        reads = Reads(self.src, self.change, text_override=accumulator)
        node = outer(member)
        parent = node.parent()
        if parent is not None and parent.kind() == "variable_declarator":
            name = parent.field("name")
            if name is None or name.kind() != "identifier":
                raise Escape("GM523", member, "the aggregated response is destructured")
            uses = reads.uses_of(name)
            for use in uses:
                reads.response_use(use, use)
            if statement.kind() != "lexical_declaration" or len(statement.named_children()) != 1:
                raise Escape("GM523", member, "the aggregated response is declared with others")
            start = statement.range().start.index
            line_start = self.src.text.rfind("\n", 0, start) + 1
            end = statement.range().end.index
            if not self.src.text[line_start:start].strip() and self.src.text[end:end + 1] == "\n":
                self.change.edits.append(_edit(line_start, end + 1))
            else:
                self.change.replace(statement, "")
            return
        reads.response_use(member, member)


def _edit(start: int, end: int, text: str = ""):  # type: ignore[no-untyped-def]
    from migrator.js.source import Edit

    return Edit(start, end, text)
