"""Editing inside one node: its text with edits applied, and object-literal member surgery.

Rewrites keep the original text around what they change (comments, layout, quotes), so a
converter returns the node's own source with its edits applied rather than printing anew.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from migrator.js.source import Edit

if TYPE_CHECKING:
    from ast_grep_py import SgNode


class NodeText:
    """Edits collected against one node; `render()` gives the node's text with them."""

    def __init__(self, node: SgNode, source_text: str) -> None:
        self.node = node
        self.base = node.range().start.index
        self.end = node.range().end.index
        self.source = source_text
        self.edits: list[Edit] = []
        self.removed: set[int] = set()  # start indices of members removed

    def replace(self, node: SgNode, text: str) -> None:
        r = node.range()
        self.edits.append(Edit(r.start.index, r.end.index, text))

    def span(self, start: int, end: int, text: str) -> None:
        if not text:
            # Two removed neighbours may both claim the comma between them: merge deletions.
            for other in self.edits:
                if not other.text and other.start <= end and start <= other.end \
                        and other.start != other.end:
                    other.start, other.end = min(start, other.start), max(end, other.end)
                    return
        self.edits.append(Edit(start, end, text))

    def remove_member(self, member: SgNode) -> None:
        """Delete an object member (or array element) with its comma, keeping the layout."""
        start, end = member.range().start.index, member.range().end.index
        self.removed.add(start)
        text = self.source
        after = _next_token(member)
        if after is not None and after.text() == ",":
            end = after.range().end.index
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if not text[line_start:start].strip() and (line_end == -1 or
                                                   not text[end:line_end].strip()):
            # The member fills its own line(s): drop them whole.
            self.span(line_start, line_end + 1 if line_end != -1 else end, "")
            return
        if after is not None and after.text() == ",":
            nxt = _next_token(after)
            stop = nxt.range().start.index if nxt is not None else end
            self.span(start, stop, "")
            return
        before = _prev_token(member)
        if before is not None and before.text() == ",":
            self.span(before.range().start.index, end, "")
            return
        self.span(start, end, "")

    def append_member(self, container: SgNode, text: str) -> None:
        """Add `text` as the last member of an object literal (or array)."""
        members = [c for c in container.named_children() if c.kind() != "comment"
                   and c.range().start.index not in self.removed]
        close = container.range().end.index - 1
        if not members:
            self.span(close, close, f" {text} " if container.text()[1:-1].strip() == ""
                      and "\n" not in container.text() else text)
            return
        last = members[-1]
        after = _next_token(last)
        if after is not None and after.text() == "," and after.range().start.index in [
            e.start for e in self.edits if not e.text
        ]:
            after = None
        src = self.source
        last_line_start = src.rfind("\n", 0, last.range().start.index) + 1
        multiline = "\n" in src[last.range().end.index : close] or "\n" in src[
            container.range().start.index : members[0].range().start.index]
        if multiline:
            indent = src[last_line_start : last.range().start.index]
            indent = indent[: len(indent) - len(indent.lstrip(" \t"))]
            if after is not None and after.text() == ",":
                self.span(after.range().end.index, after.range().end.index,
                          f"\n{indent}{text},")
            else:
                self.span(last.range().end.index, last.range().end.index,
                          f",\n{indent}{text}")
            return
        if after is not None and after.text() == ",":
            self.span(after.range().end.index, after.range().end.index, f" {text}")
        else:
            self.span(last.range().end.index, last.range().end.index, f", {text}")

    def render(self) -> str:
        out = self.source[self.base : self.end]
        deletions = [e for e in self.edits if not e.text and e.start < e.end]
        # an edit inside a removed member goes with it
        edits = [e for e in self.edits if not any(
            d is not e and d.start <= e.start and e.end <= d.end and (e.start, e.end) != (
                d.start, d.end) for d in deletions)]
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            s, e = edit.start - self.base, edit.end - self.base
            out = out[:s] + edit.text + out[e:]
        if self.node.kind() in ("object", "array") and "\n" not in out and any(
            not e.text for e in self.edits
        ):
            # `{ a: 1, b: 2 }` without its last members: no comma left before the brace
            out = re.sub(r",\s*([}\]])$", r" \1", out)
        return out


def _next_token(node: SgNode) -> SgNode | None:
    nxt = node.next()
    while nxt is not None and nxt.kind() == "comment":
        nxt = nxt.next()
    return nxt


def _prev_token(node: SgNode) -> SgNode | None:
    prev = node.prev()
    while prev is not None and prev.kind() == "comment":
        prev = prev.prev()
    return prev


def indent_before(source: str, index: int) -> str:
    line_start = source.rfind("\n", 0, index) + 1
    head = source[line_start:index]
    return head[: len(head) - len(head.lstrip(" \t"))]
