"""Small LibCST node helpers every codemod needs, defined once (issue 10's facts layer).

Nothing here imports a codemod, so any pass or planner may use it without an import circle.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


def string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_text_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def literal(text: str) -> cst.SimpleString:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return cst.SimpleString(f'"{escaped}"')


def dict_node(items: list[tuple[str, cst.BaseExpression]]) -> cst.Dict:
    return cst.Dict([cst.DictElement(literal(k), v) for k, v in items])


def same_quotes(node: cst.BaseExpression, text: str) -> cst.BaseExpression:
    """`text` as a string literal in `node`'s quote style when that needs no escaping."""
    if isinstance(node, cst.SimpleString) and node.value[:1] in ("'", '"') and (
        node.value[:3] not in ("'''", '"""')
    ):
        quote = node.value[0]
        if quote not in text and "\\" not in text:
            return node.with_changes(value=f"{quote}{text}{quote}")
    return literal(text)


def text_block(node: cst.BaseExpression) -> cst.Dict:
    return dict_node([("type", literal("text")), ("text", node)])


# `children` runs a visitor over the node each time it is read, and the passes walk the same
# (immutable) trees many times: each node's children, reversed for the stack, are kept by
# identity with the node itself, so an id cannot be reused while its entry lives.
# transform_module forgets them once a file is done; the bound only guards other callers.
_CHILDREN: dict[int, tuple[cst.CSTNode, list[cst.CSTNode]]] = {}
_CHILDREN_BOUND = 500_000


def forget_walks() -> None:
    _CHILDREN.clear()


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `node` (itself first), in source order, without a visitor's cost."""
    if len(_CHILDREN) > _CHILDREN_BOUND:
        _CHILDREN.clear()
    known = _CHILDREN
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        entry = known.get(id(current))
        if entry is None or entry[0] is not current:
            entry = (current, list(reversed(current.children)))
            known[id(current)] = entry
        stack.extend(entry[1])


def dotted(node: cst.BaseExpression) -> str:
    """`a.b.c` for a dotted name, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""
