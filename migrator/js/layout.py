"""How new code is laid out: one line when it fits, else one member per line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ast_grep_py import SgNode

    from migrator.js.source import Source

WIDTH = 100


def object_text(members: list[str], indent: str, column: int) -> str:
    """`{ a, b }` when it fits in WIDTH from `column`, else one member per line."""
    flat = "{ " + ", ".join(members) + " }"
    if column + len(flat) <= WIDTH and "\n" not in flat:
        return flat
    inner = indent + "  "
    return "{\n" + "".join(f"{inner}{_member(m, inner)},\n" for m in members) + indent + "}"


def _member(member: str, indent: str) -> str:
    """A long array value (steps, blocks) gets one element per line too."""
    key, sep, value = member.partition(": ")
    if not sep or not value.startswith("[{") or len(indent) + len(member) <= WIDTH:
        return member
    elements = _split_top(value[1:-1])
    if len(elements) < 2:
        return member
    deeper = indent + "  "
    return f"{key}: [\n" + "".join(f"{deeper}{e},\n" for e in elements) + indent + "]"


def _split_top(text: str) -> list[str]:
    """Split at the commas of the outermost level (brackets, braces, strings respected)."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def create_call(client: str, members: list[str], src: Source, call: SgNode) -> str:
    indent = src.indent_of(src.statement_of(call))
    head = f"{client}.interactions.create("
    return head + object_text(members, indent, call.range().start.column + len(head)) + ")"
