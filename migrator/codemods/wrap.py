"""Keep what the rewrite wrote within the project's line length (issue 11, readable output).

A migrated call is often longer than the one it replaced (`client.interactions.create(**model,
input=prompt)` for `model.generate_content(prompt)`). A careful engineer would wrap it as the
project's formatter does, so a line the rewrite made longer than the configured length (ruff,
black or flake8 settings; else 88) is split the way black splits a line: at the call whose
closing bracket comes last on it, its arguments on one indented line when they fit there,
else one per line with a trailing comma. Lines the file already had are never touched, and
nothing inside an f-string is (a line break there is not valid before Python 3.12).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.config import line_length
from migrator.context import Context
from migrator.findings import Finding

# A split line can itself need a split (`print(client.interactions.create(...).output_text)`
# first loses `print(`); each step re-renders the module, so the chain is bounded.
_STEPS = 4
# How LibCST's PositionProvider counts lines.
_NEWLINE = re.compile(r"\r\n?|\n")


def wrap_pass_for(original: str) -> Callable[[cst.Module, str, Context],
                                                tuple[cst.Module, list[Finding]]]:
    """The layout pass of one file: it knows the file's original lines, which stay as they are."""
    kept = frozenset(original.splitlines())

    def wrap_pass(module: cst.Module, path: str, ctx: Context
                  ) -> tuple[cst.Module, list[Finding]]:
        from migrator.codemods.facts.source import code_of

        limit = line_length(path)
        for _ in range(_STEPS):
            long_lines = {number for number, line in enumerate(code_of(module).splitlines(), 1)
                          if len(line) > limit and line not in kept}
            if not long_lines:
                break
            wrapped = _wrap(module, long_lines, limit)
            if wrapped is None:
                break
            module = wrapped
        return module, []

    return wrap_pass


def _wrap(module: cst.Module, long_lines: set[int], limit: int) -> cst.Module | None:
    """`module` with the long lines split, None when none can be.

    Positions are resolved only for the top-level statements that hold a long line (each as a
    module of its own, its lines shifted by the lines before it): a large file that gained one
    long line pays for that statement, not for a copy and a position map of the whole file."""
    from migrator.codemods.facts.source import code_of

    lines = code_of(module).splitlines()
    code = module.code_for_node
    line = 1 + sum(len(_NEWLINE.findall(code(empty))) for empty in module.header)
    body = list(module.body)
    changed = False
    for index, statement in enumerate(body):
        first = line
        line += len(_NEWLINE.findall(code(statement)))
        local = {number - first + 1 for number in long_lines if first <= number < line}
        if not local:
            continue
        alone = cst.Module(body=[statement], header=(), footer=(), encoding=module.encoding,
                           default_indent=module.default_indent,
                           default_newline=module.default_newline, has_trailing_newline=True)
        wrapped = _wrap_module(alone, local, lines[first - 1:], limit)
        if wrapped is not None:
            body[index] = wrapped.body[0]
            changed = True
    return module.with_changes(body=body) if changed else None


def _wrap_module(module: cst.Module, long_lines: set[int], lines: list[str], limit: int
                 ) -> cst.Module | None:
    wrapper = MetadataWrapper(module)
    positions = wrapper.resolve(PositionProvider)
    # line -> the brackets black would split there: the pair whose closing bracket comes last
    chosen: dict[int, cst.CSTNode] = {}

    class Pick(cst.CSTVisitor):
        def __init__(self) -> None:
            self.in_fstring = 0

        def visit_FormattedString(self, node: cst.FormattedString) -> None:
            self.in_fstring += 1

        def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
            self.in_fstring -= 1

        def visit_Call(self, node: cst.Call) -> None:
            self._consider(node, node.args)

        def visit_List(self, node: cst.List) -> None:
            self._consider(node, node.elements)

        def visit_ListComp(self, node: cst.ListComp) -> None:
            self._consider(node, [node.elt])

        # brackets this pass does not split: when black would split one of them, the line
        # stays as it is rather than be split somewhere black would not
        def visit_Dict(self, node: cst.Dict) -> None:
            self._consider(node, node.elements)

        def visit_Set(self, node: cst.Set) -> None:
            self._consider(node, node.elements)

        def visit_Tuple(self, node: cst.Tuple) -> None:
            if node.lpar:
                self._consider(node, node.elements)

        # a trailing subscript (`...).embeddings[0]`) is one black omits: it splits the call
        # before it, so subscripts are not candidates at all
        def _consider(self, node: cst.CSTNode, items: Sequence[cst.CSTNode]) -> None:
            where = positions[node]
            if (self.in_fstring or where.start.line != where.end.line
                    or where.start.line not in long_lines or not items
                    or "\n" in wrapper.module.code_for_node(node)):
                return
            current = chosen.get(where.start.line)
            # the last closing bracket on the line; the outer call when two end together
            if current is None or where.end.column > positions[current].end.column:
                chosen[where.start.line] = node

    wrapper.visit(Pick())
    if not chosen:
        return None
    targets = {id(node): _indent(lines[line - 1]) for line, node in chosen.items()
               if isinstance(node, (cst.Call, cst.List, cst.ListComp))}
    if not targets:
        return None

    class Split(cst.CSTTransformer):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
            indent = targets.get(id(original_node))
            if indent is None:
                return updated_node
            return _split(updated_node, indent, limit)

        def leave_ListComp(self, original_node: cst.ListComp, updated_node: cst.ListComp
                           ) -> cst.ListComp:
            indent = targets.get(id(original_node))
            if indent is None:
                return updated_node
            return _split_comprehension(updated_node, indent)

        def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
            indent = targets.get(id(original_node))
            if indent is None:
                return updated_node
            return _split_list(updated_node, indent, limit)

    return wrapper.module.visit(Split())


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _split(call: cst.Call, indent: str, limit: int) -> cst.Call:
    inner = indent + "    "
    code = cst.Module([]).code_for_node
    parts = [code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT,
                                   whitespace_after_arg=cst.SimpleWhitespace("")))
             for arg in call.args]
    one_line = len(inner) + len(", ".join(parts)) <= limit
    generator = len(call.args) == 1 and isinstance(call.args[0].value, cst.GeneratorExp)

    def down(to: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                           last_line=cst.SimpleWhitespace(to))

    args = []
    for index, arg in enumerate(call.args):
        last = index == len(call.args) - 1
        if last:
            if one_line or generator or len(call.args) == 1:
                arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT,
                                       whitespace_after_arg=down(indent))
            else:  # one per line ends with a comma, as black writes it
                arg = arg.with_changes(comma=cst.Comma(whitespace_after=down(indent)),
                                       whitespace_after_arg=cst.SimpleWhitespace(""))
        else:
            arg = arg.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ") if one_line
                                else down(inner)),
                whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(arg)
    return call.with_changes(whitespace_before_args=down(inner), args=args)


def _split_list(node: cst.List, indent: str, limit: int) -> cst.List:
    """A list literal as black explodes it: its elements on one indented line when they fit
    there, else one per line with a trailing comma."""
    inner = indent + "    "
    code = cst.Module([]).code_for_node
    parts = [code(e.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for e in node.elements]
    one_line = len(inner) + len(", ".join(parts)) <= limit

    def down(to: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                           last_line=cst.SimpleWhitespace(to))

    elements = []
    for index, element in enumerate(node.elements):
        if index == len(node.elements) - 1:
            comma: cst.Comma | cst.MaybeSentinel = (
                cst.MaybeSentinel.DEFAULT if one_line else cst.Comma())
        else:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ") if one_line
                              else down(inner))
        elements.append(element.with_changes(comma=comma))
    return node.with_changes(
        elements=elements,
        lbracket=cst.LeftSquareBracket(whitespace_after=down(inner)),
        rbracket=cst.RightSquareBracket(whitespace_before=down(indent)))


def _split_comprehension(node: cst.ListComp, indent: str) -> cst.ListComp:
    """`[elt for x in xs if c]` as black explodes it: the element, then its clauses, each on
    an indented line of its own."""
    inner = indent + "    "

    def down(to: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                           last_line=cst.SimpleWhitespace(to))

    def clauses(comp: cst.CompFor) -> cst.CompFor:
        ifs = [i.with_changes(whitespace_before=down(inner)) for i in comp.ifs]
        inner_for = clauses(comp.inner_for_in) if comp.inner_for_in is not None else None
        return comp.with_changes(whitespace_before=down(inner), ifs=ifs,
                                 inner_for_in=inner_for)

    return node.with_changes(
        for_in=clauses(node.for_in),
        lbracket=cst.LeftSquareBracket(whitespace_after=down(inner)),
        rbracket=cst.RightSquareBracket(whitespace_before=down(indent)))
