"""How new code is laid out: one line when it fits, else one member per line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ast_grep_py import SgNode

    from migrator.js.source import Source

WIDTH = 100


def object_text(members: list[str], indent: str, column: int, unit: str = "  ") -> str:
    """`{ a, b }` when it fits in WIDTH from `column`, else one member per line."""
    flat = "{ " + ", ".join(members) + " }"
    if column + len(flat) <= WIDTH and "\n" not in flat:
        return flat
    inner = indent + unit
    return "{\n" + "".join(f"{inner}{pretty(m, inner, unit)},\n" for m in members) + indent + "}"


def pretty(text: str, indent: str, unit: str = "  ") -> str:
    """Generated code that does not fit on its line, laid out one member per line (recursively).
    Only text this tool generated goes through here: literals it built around the user's
    expressions, which are kept whole."""
    if len(indent) + len(text) <= WIDTH or "\n" in text:
        return text
    key, sep, value = text.partition(": ")
    if sep and _is_key(key):
        return f"{key}: {pretty(value, indent, unit)}" if not value.startswith(("{", "[")) \
            else f"{key}: {_open(value, indent, len(key) + 2, unit)}"
    if text.startswith(("{", "[")):
        return _open(text, indent, 0, unit)
    return text


def _open(value: str, indent: str, used: int, unit: str) -> str:
    if len(indent) + used + len(value) <= WIDTH or not value.endswith(("}", "]")):
        return value
    opening, closing = value[0], value[-1]
    body = value[1:-1].strip()
    elements = _split_top(body)
    if len(elements) < 1 or (opening == "{" and any(e.startswith("...") for e in elements[:0])):
        return value
    deeper = indent + unit
    return (opening + "\n" + "".join(f"{deeper}{pretty(e, deeper, unit)},\n" for e in elements)
            + indent + closing)


def _is_key(text: str) -> bool:
    return text.replace("_", "a").isalnum()


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


def indent_unit(text: str) -> str:
    """The file's indentation step: a tab, four spaces or two."""
    if re.search(r"^\t+\S", text, re.MULTILINE):
        return "\t"
    if re.search(r"^ {4}\S", text, re.MULTILINE) and not re.search(r"^ {2}\S", text,
                                                                      re.MULTILINE):
        return "    "
    return "  "


def create_call(client: str, members: list[str], src: Source, call: SgNode,
                method: str = "interactions.create", tail: str = "") -> str:
    """`<client>.<method>({ members }<tail>)`, laid out to fit where `call` stands."""
    indent = src.indent_of(src.statement_of(call))
    head = f"{client}.{method}("
    return head + object_text(members, indent, call.range().start.column + len(head) +
                              len(tail), indent_unit(src.text)) + tail + ")"
