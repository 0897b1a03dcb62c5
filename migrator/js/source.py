"""What every JS/TS rule shares: the parsed file, node helpers, edits, findings and TODOs.

ast-grep-py parses and finds; edits are (start, end, text) spans in characters of the source
(ast-grep's `Pos.index` counts characters), applied back to front. A rule collects the edits of
one legacy object in a `Change`; the change is applied only when nothing on its way escaped,
so an object is never left half converted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator.context import Context
from migrator.findings import FIX_NONE, FIX_SAFE, Finding, finding

if TYPE_CHECKING:
    from ast_grep_py import SgNode

LANGUAGES = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
}
LEGACY_PACKAGE = "@google/generative-ai"
LEGACY_SUBPATHS = ("@google/generative-ai/server", "@google/generative-ai/files")
GENAI_PACKAGE = "@google/genai"
# A CDN URL of a package in a browser `import` (esm.run, esm.sh, jsdelivr's `/+esm`, unpkg).
_CDN = r"(?:https?:)?//[^\s'\"]*/"
_LEGACY_SPEC = re.compile(rf"^(?:{_CDN})?@google/generative-ai(?:@[^/\s'\"]*)?(?:/\+esm)?$")
_GENAI_SPEC = re.compile(rf"^(?:{_CDN})?@google/genai(?:@[^/\s'\"]*)?(?:/\+esm)?$")


def is_legacy_spec(value: str) -> bool:
    """`@google/generative-ai`, its subpaths, or a CDN URL of it."""
    return bool(_LEGACY_SPEC.match(value)) or value.startswith(LEGACY_PACKAGE + "/")


def is_genai_spec(value: str) -> bool:
    return bool(_GENAI_SPEC.match(value))


def genai_spec_for(legacy: str) -> str:
    """The `@google/genai` specifier that stands where `legacy` stood (same CDN, no pin)."""
    if _LEGACY_SPEC.match(legacy) and legacy != LEGACY_PACKAGE:
        return re.sub(r"@google/generative-ai(?:@[^/\s'\"]*)?", GENAI_PACKAGE, legacy)
    return GENAI_PACKAGE
TODO = "TODO(gemini-migrate)"

# Ancestors whose children are statements: a TODO comment goes above such a child.
_STATEMENT_PARENTS = {"program", "statement_block", "switch_case", "switch_default",
                      "class_body"}
# Parents under which `a ?? b` needs no parentheses.
_LOOSE_PARENTS = {"variable_declarator", "arguments", "return_statement", "template_substitution",
                  "parenthesized_expression", "expression_statement", "array", "pair",
                  "jsx_expression", "assignment_expression", "public_field_definition"}


class Escape(Exception):
    """A use the rewrite cannot follow: the object it belongs to stays as it was."""

    def __init__(self, code: str, node: SgNode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.node = node
        self.message = message


@dataclass
class Edit:
    start: int
    end: int
    text: str


@dataclass
class Change:
    """The edits and findings of one legacy object, applied together or not at all."""

    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Names that hold a function call read from an answer (their `.id` is the call id).
    calls: set[str] = field(default_factory=set)

    def replace(self, node: SgNode, text: str) -> None:
        r = node.range()
        self.edits.append(Edit(r.start.index, r.end.index, text))

    def insert(self, index: int, text: str) -> None:
        self.edits.append(Edit(index, index, text))

    def text(self, node: SgNode) -> str:
        """`node`'s source with this change's edits inside it applied; those edits are then
        consumed, so a replacement built from this text carries them."""
        r = node.range()
        start, end = r.start.index, r.end.index
        inner = [e for e in self.edits if start <= e.start and e.end <= end
                 and (e.start, e.end) != (start, end)]
        out = node.text()
        for edit in sorted(inner, key=lambda e: (e.start, e.end), reverse=True):
            out = out[: edit.start - start] + edit.text + out[edit.end - start :]
        self.edits = [e for e in self.edits if not any(e is i for i in inner)]
        return out

    def nested(self) -> bool:
        """True when one edit lies inside another's replaced range: applying both would
        garble the text, so such a change is never applied."""
        spans = sorted(self.edits, key=lambda e: (e.start, -e.end))
        for i, outer_edit in enumerate(spans):
            for inner_edit in spans[i + 1 :]:
                if inner_edit.start >= outer_edit.end:
                    break
                if outer_edit.start < outer_edit.end and (
                    outer_edit.start < inner_edit.start < outer_edit.end
                    or outer_edit.start < inner_edit.end < outer_edit.end
                    or (outer_edit.start == inner_edit.start and inner_edit.end < outer_edit.end
                        and inner_edit.start != inner_edit.end)
                ):
                    return True
        return False


class Source:
    """One parsed JS/TS program and the edits and findings gathered on it."""

    def __init__(self, text: str, path: str, lang: str, ctx: Context) -> None:
        from ast_grep_py import SgRoot

        self.text = text
        self.path = path
        self.lang = lang
        self.ctx = ctx
        self.root = SgRoot(text, lang).root()
        self.edits: list[Edit] = []
        self.findings: list[Finding] = []
        self.todos: dict[int, list[str]] = {}  # statement start -> TODO lines
        # local name -> exported name of what the file imports from the legacy SDK
        self.legacy_types: dict[str, str] = {}
        # local name -> exported name of what the file imports from @google/genai
        self.genai_types: dict[str, str] = {}
        self._ids: dict[str, list[SgNode]] | None = None
        self.failed: str | None = None  # why the rewrite of this file must be given up

    @property
    def typescript(self) -> bool:
        return self.lang in ("typescript", "tsx")

    # -- positions ------------------------------------------------------------------------------

    def pos(self, node: SgNode) -> tuple[int, int]:
        start = node.range().start
        return start.line + 1, start.column + 1

    def line_text(self, node: SgNode) -> str:
        line = node.range().start.line
        lines = self.text.splitlines()
        return lines[line] if line < len(lines) else ""

    def indent_of(self, node: SgNode) -> str:
        start = node.range().start.index
        line_start = self.text.rfind("\n", 0, start) + 1
        head = self.text[line_start:start]
        return head[: len(head) - len(head.lstrip(" \t"))]

    # -- identifiers -----------------------------------------------------------------------------

    def identifiers(self, name: str) -> list[SgNode]:
        """Every `identifier` (and shorthand property) spelled `name`, in source order."""
        if self._ids is None:
            self._ids = {}
            for node in self.root.find_all(any=[{"kind": "identifier"},
                                                {"kind": "shorthand_property_identifier"},
                                                {"kind": "shorthand_property_identifier_pattern"}]):
                self._ids.setdefault(node.text(), []).append(node)
        return self._ids.get(name, [])

    def declarations(self, name: str) -> list[SgNode]:
        """Where `name` is bound: declarators, parameters, functions, classes, imports."""
        out = []
        for node in self.identifiers(name):
            parent = node.parent()
            if parent is None:
                continue
            kind = parent.kind()
            if kind == "variable_declarator" and _same(parent.field("name"), node) or (
                kind in ("function_declaration", "class_declaration", "import_specifier",
                         "namespace_import", "import_clause", "required_parameter",
                         "optional_parameter", "formal_parameters", "catch_clause",
                         "function_expression", "generator_function_declaration",
                         "pair_pattern", "object_pattern", "array_pattern",
                         "assignment_pattern", "rest_pattern")
                and not (kind == "pair_pattern" and _same(parent.field("key"), node))
            ) or (kind == "arrow_function" and _same(parent.field("parameter"), node)) or (
                kind == "for_in_statement" and _same(parent.field("left"), node)
            ) or (
                node.kind() == "shorthand_property_identifier_pattern"
            ):
                out.append(node)
        return out

    def uses(self, name: str, declaration: SgNode) -> list[SgNode]:
        """The references to `name` that `declaration` binds (innermost enclosing scope)."""
        declarations = self.declarations(name)
        scopes = [(d, _scope_of(d)) for d in declarations]
        out = []
        for n in self.identifiers(name):
            if _same(n, declaration) or n.kind() == "shorthand_property_identifier_pattern" \
                    or self._is_key(n):
                continue
            if any(_same(n, d) for d in declarations):
                continue
            if len(scopes) > 1 and not _same(_binding(n, scopes), declaration):
                continue
            out.append(n)
        return out

    def binding(self, use: SgNode) -> SgNode | None:
        """The declaration a reference resolves to, or None (a global or an unknown)."""
        declarations = self.declarations(use.text())
        if any(_same(use, d) for d in declarations):
            return use
        return _binding(use, [(d, _scope_of(d)) for d in declarations])

    @staticmethod
    def _is_key(node: SgNode) -> bool:
        parent = node.parent()
        return parent is not None and parent.kind() == "pair_pattern" and _same(
            parent.field("key"), node)

    # -- statements and TODOs --------------------------------------------------------------------

    def statement_of(self, node: SgNode) -> SgNode:
        current = node
        while True:
            parent = current.parent()
            if parent is None or parent.kind() in _STATEMENT_PARENTS:
                return current
            current = parent

    def flag(self, node: SgNode, code: str, message: str) -> None:
        """Report `code` at `node` and put a TODO comment above its statement."""
        if not self.ctx.enabled(code, self.path):
            return
        self.findings.append(finding(self.path, self.pos(node), code, message))
        statement = self.statement_of(node)
        start = statement.range().start.index
        line = f"// {TODO}: {code} {first_sentence(message)}"
        if self._has_todo(start, code):
            return
        lines = self.todos.setdefault(start, [])
        if line not in lines:
            lines.append(line)

    def _has_todo(self, start: int, code: str) -> bool:
        line_start = self.text.rfind("\n", 0, start) + 1
        previous_end = line_start - 1
        if previous_end <= 0:
            return False
        previous_start = self.text.rfind("\n", 0, previous_end) + 1
        previous = self.text[previous_start:previous_end]
        return f"{TODO}: {code}" in previous

    def fixed(self, node: SgNode, code: str, message: str, **data: str) -> Finding:
        return finding(self.path, self.pos(node), code, message, fix=FIX_SAFE, fixed=True,
                       **data)

    def unfixed(self, node: SgNode, code: str, message: str) -> Finding:
        return finding(self.path, self.pos(node), code, message, fix=FIX_NONE)

    def commit(self, change: Change) -> bool:
        """Take the change's edits and findings; False (nothing taken) when an edit overlaps
        one already taken: the change is redone on the next round's fresh parse."""
        if change.nested():
            return False
        for edit in change.edits:
            for other in self.edits:
                if edit.start < other.end and other.start < edit.end:
                    return False
                if edit.start == edit.end and other.start < edit.start < other.end:
                    return False
        self.edits.extend(change.edits)
        self.findings.extend(change.findings)
        return True

    # -- output ----------------------------------------------------------------------------------

    def result(self) -> str:
        """The source with every edit and TODO comment applied."""
        edits = list(self.edits)
        for start, lines in self.todos.items():
            indent = self.indent_at(start)
            edits.append(Edit(start, start, ("\n" + indent).join(lines) + "\n" + indent))
        out = self.text
        # Back to front; at one index a replacement goes first so an insertion lands before it.
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            out = out[: edit.start] + edit.text + out[edit.end :]
        return out

    def indent_at(self, start: int) -> str:
        head = self.text[self.text.rfind("\n", 0, start) + 1 : start]
        if head.strip():
            return ""  # the statement does not start its line: the TODO shares it
        return head


_FUNCTIONS = ("function_declaration", "function_expression", "arrow_function",
              "method_definition", "generator_function_declaration", "function")
_BLOCKS = ("statement_block", "program", "for_statement", "for_in_statement", "class_body",
           "switch_body", "catch_clause")


def _scope_of(declaration: SgNode) -> SgNode:
    """The node whose range a declaration is visible in (lexical scoping, no hoisting)."""
    parent = declaration.parent()
    kind = parent.kind() if parent is not None else ""
    if kind in ("required_parameter", "optional_parameter", "formal_parameters") or (
        kind == "arrow_function"
    ) or kind in ("pair_pattern", "object_pattern", "array_pattern", "assignment_pattern",
                  "rest_pattern") and any(a.kind() == "formal_parameters"
                                          for a in declaration.ancestors()[:6]):
        for ancestor in declaration.ancestors():
            if ancestor.kind() in _FUNCTIONS:
                return ancestor
    if kind in ("function_declaration", "class_declaration", "generator_function_declaration"):
        declaration = parent  # type: ignore[assignment]
    var = kind == "variable_declarator" and parent is not None and parent.parent() is not None \
        and parent.parent().kind() == "variable_declaration"  # type: ignore[union-attr]
    for ancestor in declaration.ancestors():
        if var and ancestor.kind() in _FUNCTIONS:
            return ancestor
        if not var and ancestor.kind() in _BLOCKS:
            return ancestor
    return declaration.get_root().root()


def _binding(use: SgNode, scopes: list[tuple[SgNode, SgNode]]) -> SgNode | None:
    index = use.range().start.index
    best: tuple[int, SgNode] | None = None
    for declaration, scope in scopes:
        r = scope.range()
        if r.start.index <= index < r.end.index:
            size = r.end.index - r.start.index
            if best is None or size < best[0]:
                best = (size, declaration)
    return best[1] if best else None


def _same(a: SgNode | None, b: SgNode | None) -> bool:
    return a is not None and b is not None and a == b


def same(a: SgNode | None, b: SgNode | None) -> bool:
    return _same(a, b)


def assignment_of(node: SgNode) -> SgNode | None:
    """The assignment whose left side is `node` (`node = ...`), or None."""
    parent = node.parent()
    if parent is not None and parent.kind() == "assignment_expression" and _same(
        parent.field("left"), node
    ):
        return parent
    return None


def first_sentence(message: str) -> str:
    text = message.split("; ")[0].rstrip(".")
    return text if len(text) <= 110 else text[:107] + "..."


def string_value(node: SgNode | None) -> str | None:
    """The value of a plain string literal (no escapes, no substitutions); else None."""
    if node is None or node.kind() != "string":
        return None
    raw = node.text()
    if len(raw) < 2 or "\\" in raw:
        return None
    return raw[1:-1]


def quote_of(node: SgNode | None) -> str:
    if node is not None and node.kind() == "string" and node.text()[:1] in "'\"":
        return node.text()[0]
    return '"'


def object_pairs(node: SgNode) -> Iterator[tuple[str | None, SgNode, SgNode]]:
    """(key, pair node, value) for each member of an object literal; key None for anything
    that is not a plain `key: value` / shorthand member (spreads, computed keys, methods)."""
    for child in node.named_children():
        kind = child.kind()
        if kind == "pair":
            key = child.field("key")
            value = child.field("value")
            name = None
            if key is not None and key.kind() == "property_identifier":
                name = key.text()
            elif key is not None:
                name = string_value(key)
            if value is None:
                yield None, child, child
            else:
                yield name, child, value
        elif kind == "comment":
            continue
        else:
            yield None, child, child


def unwrap(node: SgNode | None) -> SgNode | None:
    """Through parentheses, `await`, TS `as` / `!` / `satisfies`."""
    while node is not None and node.kind() in (
        "parenthesized_expression", "await_expression", "non_null_expression",
        "as_expression", "satisfies_expression", "type_assertion",
    ):
        inner = [c for c in node.named_children() if c.kind() != "comment"]
        if not inner:
            return node
        node = inner[0]
    return node


def loose(node: SgNode) -> bool:
    """True when an expression put where `node` stands needs no parentheses around `a ?? b`."""
    parent = node.parent()
    return parent is not None and parent.kind() in _LOOSE_PARENTS


def enclosing_function(node: SgNode) -> SgNode | None:
    for ancestor in node.ancestors():
        if ancestor.kind() in ("function_declaration", "function_expression", "arrow_function",
                               "method_definition", "generator_function_declaration",
                               "function"):
            return ancestor
    return None
