"""Node questions and argument builders the legacy planner and its satellites share."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from migrator.codemods.facts.nodes import walk as _walk


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def is_truth_test(node: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
    if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
        return True
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    if isinstance(parent, cst.Comparison) and len(parent.comparisons) == 1:
        target = parent.comparisons[0]
        return isinstance(target.operator, (cst.Is, cst.IsNot)) and is_name(
            target.comparator, "None") or is_name(parent.left, "None")
    return False


_NO_SPACE_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=_NO_SPACE_EQUAL)


def rename_kwarg(arg: cst.Arg, name: str, value: cst.BaseExpression) -> cst.Arg:
    """The same argument slot (comma, comments) under a keyword."""
    equal = arg.equal if arg.keyword is not None else _NO_SPACE_EQUAL
    return arg.with_changes(keyword=cst.Name(name), equal=equal, value=value)


def rebuild_args(
    original: Sequence[cst.Arg],
    edits: dict[int, cst.Arg | None],
    prepend: Sequence[cst.Arg],
    append: Sequence[cst.Arg] = (),
    opening: cst.BaseParenthesizableWhitespace | None = None,
) -> list[cst.Arg]:
    """Apply slot edits and put new arguments first, in the layout the call already had:
    a call written one argument per line stays one argument per line. `opening` is the
    whitespace after the call's `(`: the indentation of the first argument."""
    kept = [edits.get(i, arg) for i, arg in enumerate(original)]
    args = [a for a in kept if a is not None]
    separator: cst.Comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    # The comma after the last argument is followed by the `)`'s indentation, not an
    # argument's: the opening parenthesis tells how arguments are indented instead.
    commas = [a.comma for a in original[:-1]]
    if isinstance(opening, cst.ParenthesizedWhitespace):
        commas.append(cst.Comma(whitespace_after=opening))
    commas += [a.comma for a in original[-1:]]
    for comma in commas:
        if isinstance(comma, cst.Comma):
            after = comma.whitespace_after
            if isinstance(after, cst.ParenthesizedWhitespace):
                # the layout of the next line, without the comment that ends this one
                after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
            separator = cst.Comma(whitespace_before=cst.SimpleWhitespace(""),
                                  whitespace_after=after)
            break
    new = [a.with_changes(comma=separator) for a in prepend]
    out = new + args
    # The last argument ends the way the call's last argument did (a trailing comma and the
    # closing parenthesis on its own line, or nothing).
    ending = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
    if append:
        out = [a.with_changes(comma=separator) for a in out]
        out += [a.with_changes(comma=separator) for a in append]
    if out:
        # the line break before `)` (after a last argument written without a comma) goes
        # with whatever argument is last now
        closing = next((a.whitespace_after_arg for a in out[:-1]
                        if isinstance(a.whitespace_after_arg, cst.ParenthesizedWhitespace)),
                       None)
        if closing is not None:
            out = [a.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
                   if a.whitespace_after_arg is closing else a for a in out]
            out[-1] = out[-1].with_changes(whitespace_after_arg=closing)
        out[-1] = out[-1].with_changes(comma=ending if args or append else
                                       cst.MaybeSentinel.DEFAULT)
        if original and edits.get(len(original) - 1, original[-1]) is None:
            # The dropped last argument held the line break before ")".
            out[-1] = out[-1].with_changes(whitespace_after_arg=original[-1].whitespace_after_arg)
    return out


def names_in(module: cst.Module) -> set[str]:
    """Identifiers a new variable could clash with (keyword-argument names and attribute names
    cannot)."""
    skip: set[int] = set()
    for node in _walk(module):
        if isinstance(node, cst.Arg) and node.keyword is not None:
            skip.add(id(node.keyword))
        elif isinstance(node, cst.Attribute):
            skip.add(id(node.attr))
    return {n.value for n in _walk(module) if isinstance(n, cst.Name) and id(n) not in skip}


def attr_from_dotted(dotted: str) -> cst.BaseExpression:
    parts = dotted.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node
