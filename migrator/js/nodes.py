"""Where a node sits in the syntax tree, and where a declared name is read.

Shared by results.py and functions.py: a legacy result's reads lead to its function calls and
the calls' reads are followed the same way, so neither may own these helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.js.source import Escape, Source, same

if TYPE_CHECKING:
    from ast_grep_py import SgNode


def member_of(node: SgNode) -> tuple[SgNode, str] | None:
    """(`node.name` member expression, name) when `node` is the object of a member access."""
    parent = node.parent()
    if parent is None or parent.kind() != "member_expression":
        return None
    if not same(parent.field("object"), node):
        return None
    prop = parent.field("property")
    return (parent, prop.text()) if prop is not None else None


def called(member: SgNode) -> SgNode | None:
    """The call expression when `member` is called (`x.f()`), else None."""
    parent = member.parent()
    if parent is not None and parent.kind() == "call_expression" and same(
        parent.field("function"), member
    ):
        return parent
    return None


def outer(node: SgNode) -> SgNode:
    """`node` widened through parentheses and `await` that wrap it."""
    while True:
        parent = node.parent()
        if parent is None or parent.kind() not in ("parenthesized_expression", "await_expression",
                                                   "non_null_expression"):
            return node
        node = parent


def bound_name(expr: SgNode) -> SgNode | None:
    """The identifier a `const x = <expr>` / `x = <expr>` statement binds, else None."""
    node = outer(expr)
    parent = node.parent()
    if parent is None:
        return None
    if parent.kind() == "variable_declarator" and same(parent.field("value"), node):
        name = parent.field("name")
        return name if name is not None and name.kind() == "identifier" else None
    if parent.kind() == "assignment_expression" and same(parent.field("right"), node):
        left = parent.field("left")
        return left if left is not None and left.kind() == "identifier" else None
    return None


def statement_alone(src: Source, expr: SgNode) -> bool:
    """`await x.generateContent(...)` as a statement of its own: the result is dropped."""
    node = outer(expr)
    parent = node.parent()
    return parent is not None and parent.kind() == "expression_statement"



def uses_of(src: Source, name: SgNode) -> list[SgNode]:
    """Every read of the value `name` is declared with; escapes when the code reassigns it
    or declares it with a type the interaction does not have."""
    declaration = src.binding(name)
    if declaration is None:
        raise Escape("GM521", name, f"`{name.text()}` is not declared in this file")
    holder = declaration.parent()
    annotation = holder.field("type") if holder is not None and \
        holder.kind() == "variable_declarator" else None
    if annotation is not None and src.typescript and not any(
        word in annotation.text() for word in ("any", "unknown")
    ):
        raise Escape("GM510", annotation, f"`{name.text()}` is declared with a type the "
                     "interaction does not have; remove the annotation or migrate by hand")
    uses = src.uses(name.text(), declaration)
    for use in uses:
        parent = use.parent()
        if parent is not None and parent.kind() == "assignment_expression" and same(
            parent.field("left"), use
        ):
            raise Escape("GM521", use, f"`{name.text()}` is assigned more than once")
    return uses
