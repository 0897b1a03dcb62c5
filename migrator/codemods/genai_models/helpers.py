"""Node helpers and small transformers of the google-genai pass."""

from __future__ import annotations

from typing import Any, cast

import libcst as cst
from libcst.metadata import (
    Scope,
)

from migrator.codemods.genai_convert import (
    ConfigParts,
    Item,
    first_indent,
    indent_of,
    layout_dict,
    literal,
    reindent,
    shift,
    string_value,
    vertical,
    vertical_list,
)
from migrator.codemods.genai_models.common import (
    Edit,
)


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: dict[int, list[Edit]], before: dict[int, list[cst.BaseStatement]],
                 after: dict[int, list[cst.BaseStatement]], todos: dict[int, list[str]]) -> None:
        self.edits = edits
        self.before = before
        self.after = after
        self.todos = todos
        # Original node -> its rewritten form, so that a rewrite built from original nodes
        # (a call's arguments) picks up the rewrites made inside them (`r.text` in an f-string).
        self.done: dict[int, cst.CSTNode] = {}

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        key = id(original_node)
        result: Any = updated_node
        for fn in self.edits.get(key, ()):
            result = fn(result)
        if isinstance(result, cst.CSTNode):
            self.done[key] = result
        if key in self.todos:
            result = _with_todos(result, self.todos[key])
        if key in self.before or key in self.after:
            head = list(self.before.get(key, []))
            if head:
                head[0] = head[0].with_changes(leading_lines=result.leading_lines)
                result = result.with_changes(leading_lines=())
            return cst.FlattenSentinel([*head, result, *self.after.get(key, [])])
        return result


class _Refresh(cst.CSTTransformer):
    def __init__(self, done: dict[int, cst.CSTNode]) -> None:
        self.done = done

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.done

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        return self.done.get(id(original_node), updated_node)


class _FillHoisted(cst.CSTTransformer):
    """Put each hoisted chat turn into the `reply = ...` statement planned before it."""

    def __init__(self, hoisted: dict[str, cst.BaseExpression]) -> None:
        self.hoisted = hoisted

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> Any:
        return self.hoisted.get(updated_node.value, updated_node)


def _is_str_annotation(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "str" or (
        isinstance(node, cst.SimpleString) and node.evaluated_value == "str")


def _with_todos(node: Any, lines: list[str]) -> Any:
    existing = {line.comment.value for line in node.leading_lines if line.comment is not None}
    new = [cst.EmptyLine(comment=cst.Comment(text)) for text in lines if text not in existing]
    if not new:
        return node
    return node.with_changes(leading_lines=[*node.leading_lines, *new])


def _unfold_content(value: cst.BaseExpression, base: str) -> cst.BaseExpression:
    """`[{"type": "user_input", "content": [a, b]}]` written on one line gets one block per
    line; anything already laid out by hand is left as it is."""
    if not (isinstance(value, cst.List) and len(value.elements) == 1
            and isinstance(value.elements[0].value, cst.Dict)):
        return value
    step = value.elements[0].value
    content = next((e.value for e in step.elements if isinstance(e, cst.DictElement)
                    and string_value(e.key) == "content"), None)
    if not isinstance(content, cst.List) or not content.elements or first_indent(
            content) is not None:
        return value
    unfolded = vertical_list(content, base)
    return value.with_changes(elements=[value.elements[0].with_changes(value=step.with_changes(
        elements=[e.with_changes(value=unfolded) if e.value is content else e
                  for e in step.elements]))])


def _stacked(items: list[cst.BaseExpression]) -> cst.List:
    """`[` item per line `]`, for a list that ends a statement-level call."""
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace("    "))
    closing = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    elements = [cst.Element(item, comma=cst.Comma(whitespace_after=closing if i == len(
        items) - 1 else inner)) for i, item in enumerate(items)]
    return cst.List(elements, lbracket=cst.LeftSquareBracket(whitespace_after=inner))


def _previous_update(
    chat: cst.BaseExpression, value: cst.BaseExpression
) -> cst.SimpleStatementLine:
    target = cst.Subscript(chat.deep_clone(), [cst.SubscriptElement(cst.Index(
        literal("previous_interaction_id")))])
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])


def _same_assignments(here: Scope, there: Scope, name: str) -> bool:
    return set(here[name]) == set(there[name]) and bool(here[name])


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                         whitespace_after=cst.SimpleWhitespace(""))
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _multiline(comma: cst.Comma) -> bool:
    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


class _ReplaceName(cst.CSTTransformer):
    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        self.name = name
        self.value = value

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> Any:
        return self.value if original_node.value == self.name else updated_node


def config_args(parts: ConfigParts, arg: cst.Arg,
                between: cst.Comma | cst.MaybeSentinel) -> list[cst.Arg]:
    """The create() keywords that replace one `config=` argument, keeping its layout."""
    separator = between if isinstance(between, cst.Comma) else _COMMA
    out: list[cst.Arg] = []
    items: list[Item] = list(parts.top)
    if parts.generation:
        items.append(Item("generation_config", layout_dict(parts.generation, arg.value)))
    if not items:
        return []
    # Values lifted out of the config call sit one level shallower in the create() call.
    arg_indent = indent_of(separator.whitespace_after)
    config_indent = indent_of(arg.value.whitespace_before_args) if isinstance(
        arg.value, cst.Call) else indent_of(arg.value.lbrace.whitespace_after) if isinstance(
        arg.value, cst.Dict) else None
    for index, item in enumerate(items):
        last = index == len(items) - 1
        comma: cst.Comma | cst.MaybeSentinel = arg.comma if last else separator
        if arg_indent is not None and item.source is not None and item.key != "response_format":
            item = Item(item.key, reindent(item.value, arg_indent + "    "), item.source)
        if item.key == "response_format" and arg_indent is not None and isinstance(
                item.value, cst.Dict) and len(cst.Module([]).code_for_node(item.value)) > 60:
            value = cast(cst.Dict, item.value)
            if config_indent is not None:
                # The schema moves from the config's level to one below response_format.
                elements = [e.with_changes(value=shift(e.value, len(arg_indent) + 4 - len(
                    config_indent))) if isinstance(e, cst.DictElement) and string_value(
                    e.key) == "schema" else e for e in value.elements]
                value = value.with_changes(elements=elements)
            item = Item(item.key, vertical(value, arg_indent))
        comment = _own_comment(item.source)
        if comment is not None and isinstance(comma, cst.Comma) and _multiline(comma):
            ws = cast(cst.ParenthesizedWhitespace, comma.whitespace_after)
            comma = comma.with_changes(whitespace_after=ws.with_changes(first_line=comment))
        # the last one keeps what followed `config=...`: the line break before `)`
        out.append(cst.Arg(item.value, keyword=cst.Name(item.key), equal=_EQUAL, comma=comma,
                           whitespace_after_arg=arg.whitespace_after_arg if last
                           else cst.SimpleWhitespace("")))
    return out


def _own_comment(source: cst.Arg | cst.DictElement | None) -> cst.TrailingWhitespace | None:
    if source is None or not isinstance(source.comma, cst.Comma):
        return None
    ws = source.comma.whitespace_after
    if isinstance(ws, cst.ParenthesizedWhitespace) and ws.first_line.comment is not None:
        return ws.first_line
    return None
