"""Imports follow the code: run on a fresh parse after the rewrites of a round.

A name imported from `@google/generative-ai` that nothing uses any more is dropped; an import
left empty goes, or becomes the `@google/genai` import the new code needs (same module system
and quotes: `import` stays `import`, `require` stays `require`). GM403 is reported fixed where
the legacy import went away; while it stays, the text lint reports it (and GM527 says why).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from migrator.findings import FIX_SAFE, Finding, finding
from migrator.js.files import MANAGER
from migrator.js.legacy import imported_names
from migrator.js.source import (
    Change,
    Source,
    genai_spec_for,
    is_genai_spec,
    is_legacy_spec,
    same,
)
from migrator.js.types import ALIAS, ALIAS_DECLARATION

if TYPE_CHECKING:
    from ast_grep_py import SgNode

# Legacy names whose @google/genai twin has the same members and values: once no legacy object
# is left that gives them meaning, the import moves (`FileState.ACTIVE` is "ACTIVE" in both).
MOVABLE = ("FileState",)


def _genai_bindings(src: Source) -> tuple[set[str], set[str], SgNode | None]:
    """(value names, type names) imported from @google/genai, and one such import node."""
    values: set[str] = set()
    types: set[str] = set()
    node = None
    for string in src.root.find_all(kind="string"):
        if not is_genai_spec(string.text()[1:-1]):
            continue
        parent = string.parent()
        holder = parent
        if parent is not None and parent.kind() == "arguments":
            # `require(...)` / `await import(...)`: the declarator that destructures it
            holder = parent.parent()
            while holder is not None and holder.kind() in ("call_expression", "await_expression",
                                                           "parenthesized_expression"):
                holder = holder.parent()
        if holder is None:
            continue
        node = node or holder
        is_type = holder.kind() == "import_statement" and holder.text().startswith("import type")
        for child in holder.find_all(any=[{"kind": "import_specifier"},
                                          {"kind": "shorthand_property_identifier_pattern"}]):
            name = child.field("alias") or child.field("name") or child
            (types if is_type else values).add(name.text())
    return values, types, node


def _used(src: Source, name: str, spec: SgNode) -> bool:
    start, end = spec.range().start.index, spec.range().end.index
    for node in src.identifiers(name):
        if not start <= node.range().start.index < end:
            return True
    if src.typescript:
        for node in src.root.find_all(kind="type_identifier", regex=f"^{name}$"):
            if not start <= node.range().start.index < end:
                return True
    return False


def imports_pass(src: Source) -> None:
    names = imported_names(src)
    if not names:
        _genai_only(src)  # only code moved off the legacy SDK needs a new import
        return
    values, types, _ = _genai_bindings(src)
    needs_client = "GoogleGenAI" not in values and bool(
        src.root.find_all(kind="identifier", regex="^GoogleGenAI$"))
    alias = src.typescript and bool(
        src.root.find_all(kind="type_identifier", regex=f"^{ALIAS}$")) and not re.search(
        rf"\btype\s+{ALIAS}\b", src.text) and not _imports_alias(src)
    needs_types = src.typescript and "Interactions" not in types and "Interactions" not in values \
        and ("Interactions." in src.text or alias)
    legacy_statements: dict[int, tuple[SgNode, list[SgNode], list[SgNode]]] = {}
    managers = [name for name, spec in names.items() if name != "*" and
                _original(spec) == MANAGER and _used(src, name, spec)]
    moved: list[str] = []
    for name, spec in names.items():
        if name == "*":
            continue
        statement = src.statement_of(spec)
        entry = legacy_statements.setdefault(statement.range().start.index, (statement, [], []))
        in_use = _used(src, name, spec)
        if in_use and name in MOVABLE and _original(spec) == name and not managers and \
                name not in values:
            # Nothing legacy is left to give it meaning: the same enum of @google/genai.
            moved.append(name)
            in_use = False
        (entry[2] if in_use else entry[1]).append(spec)
    change = Change()
    anchor: SgNode | None = None
    replaced = False
    for statement, unused, used in legacy_statements.values():
        if anchor is None:
            anchor = statement
        if not unused:
            continue
        if not used:
            new = _genai_import(statement, needs_client, needs_types,
                                moved) if not replaced else ""
            replaced = replaced or bool(new)
            _replace_statement(src, change, statement, new)
            by = " by @google/genai" if new else ""
            change.findings.append(_fixed_import(
                src, statement, "GM403", f"the `@google/generative-ai` import was replaced{by}"))
        else:
            for spec in unused:
                _remove_specifier(src, change, spec)
    if (needs_client or needs_types or moved) and not replaced:
        if anchor is not None:
            new = _genai_import(anchor, needs_client, needs_types, moved)
            indent = src.indent_of(anchor)
            change.insert(anchor.range().end.index, f"\n{indent}{new}")
            change.findings.append(src.unfixed(anchor, "GM527", "the legacy import stays: "
                                                   "some uses of the legacy SDK were left for a "
                                                   "human"))
        else:
            first = src.root.find(kind="import_statement")
            if first is not None:
                change.insert(first.range().end.index,
                              "\n" + _genai_import(first, needs_client, needs_types, moved))
    if alias:
        last = [c for c in src.root.children() if c.kind() == "import_statement" or (
            c.kind() == "lexical_declaration" and "require(" in c.text())]
        anchor_node = last[-1] if last else None
        at = anchor_node.range().end.index if anchor_node is not None else 0
        text = f"\n{ALIAS_DECLARATION}" if anchor_node is not None else f"{ALIAS_DECLARATION}\n"
        # After an import this pass adds at the same place, not before it; where this pass
        # deletes the last import, at the start of what it deletes (an insertion inside a
        # deleted span would make the whole change unappliable).
        same_place = [e for e in change.edits if e.start == e.end == at and e.text]
        deleted = [e for e in change.edits if not e.text and e.start < at <= e.end]
        if same_place:
            same_place[-1].text += text
        elif deleted:
            change.insert(deleted[0].start, f"{ALIAS_DECLARATION}\n"
                          if src.text[deleted[0].start - 1 : deleted[0].start] in ("", "\n")
                          else text)
        else:
            change.insert(at, text)
    if change.edits:
        _commit(src, change)
    elif legacy_statements and anchor is not None and "GoogleGenAI" in values:
        src.findings.append(src.unfixed(anchor, "GM527", "the legacy import stays: some uses of "
                                        "the legacy SDK were left for a human"))


def _imports_alias(src: Source) -> bool:
    """The file imports a `ModelParams` of its own (the legacy SDK exports one): that name is
    the user's type, and declaring the alias beside it would not compile (TS2440)."""
    return any(re.search(rf"\b{ALIAS}\b", statement.text())
               for statement in src.root.find_all(kind="import_statement"))


def _genai_only(src: Source) -> None:
    """A file on @google/genai alone whose chats were retyped `ModelParams`: declare the
    alias (with the `Interactions` type import it names) and drop the `Chat` import left
    unused."""
    if not src.typescript or not src.root.find_all(kind="type_identifier", regex=f"^{ALIAS}$") \
            or re.search(rf"\btype\s+{ALIAS}\b", src.text) or _imports_alias(src):
        return
    values, types, _ = _genai_bindings(src)
    statements = [s.parent() for s in src.root.find_all(kind="string")
                  if is_genai_spec(s.text()[1:-1]) and s.parent() is not None
                  and s.parent().kind() == "import_statement"]  # type: ignore[union-attr]
    if not statements:
        return
    last = statements[-1]
    assert last is not None
    spec_string = last.find(kind="string")
    quote = spec_string.text()[0] if spec_string is not None else '"'
    semi = ";" if last.text().rstrip().endswith(";") else ""
    lines = []
    if "Interactions" not in types and "Interactions" not in values:
        lines.append(f"import type {{ Interactions }} from {quote}@google/genai{quote}{semi}")
    lines.append(ALIAS_DECLARATION)
    anchor = [c for c in src.root.children() if c.kind() == "import_statement"][-1]
    change = Change()
    placed = False
    for statement in statements:
        assert statement is not None
        specs = statement.find_all(kind="import_specifier")
        for spec in specs:
            local = spec.field("alias") or spec.field("name")
            if _original(spec) == "Chat" and local is not None and \
                    not _used(src, local.text(), spec):
                if len(specs) > 1:
                    _remove_specifier(src, change, spec)
                elif same(statement, anchor):
                    # the last import goes: the new lines take its place
                    _replace_statement(src, change, statement, "\n".join(lines))
                    placed = True
                else:
                    _replace_statement(src, change, statement, "")
    if not placed:
        change.insert(anchor.range().end.index, "".join(f"\n{line}" for line in lines))
    _commit(src, change)


def _commit(src: Source, change: Change) -> None:
    """The imports the rewritten code needs, or no rewrite at all: code naming `GoogleGenAI`
    or `ModelParams` without their imports would not run or compile."""
    if not src.commit(change):
        src.failed = "the imports of the rewritten code could not be updated"


def _original(spec: SgNode) -> str:
    if spec.kind() == "import_specifier":
        return spec.field("name").text()  # type: ignore[union-attr]
    if spec.kind() == "pair_pattern":
        return spec.field("key").text()  # type: ignore[union-attr]
    return spec.text()


def _genai_import(statement: SgNode, client: bool, types: bool,
                  moved: list[str] | None = None) -> str:
    text = statement.text()
    legacy = next((s for s in statement.find_all(kind="string")
                   if is_legacy_spec(s.text()[1:-1])), None)
    quote = legacy.text()[0] if legacy is not None else '"'
    spec = genai_spec_for(legacy.text()[1:-1]) if legacy is not None else "@google/genai"
    semi = ";" if text.rstrip().endswith(";") else ""
    cjs = statement.kind() != "import_statement"
    lines = []
    names = "{ " + ", ".join(sorted({*(moved or []), *(["GoogleGenAI"] if client else [])})) + " }"
    if client or moved:
        pattern = statement.find(kind="object_pattern")
        if cjs and legacy is not None and pattern is not None:
            # `require(...)` or `await import(...)`: the same statement, other names and module
            base = statement.range().start.index
            edits = sorted([(pattern.range().start.index - base, pattern.range().end.index - base,
                             names),
                            (legacy.range().start.index - base, legacy.range().end.index - base,
                             f"{quote}{spec}{quote}")], reverse=True)
            new = text
            for start, end, value in edits:
                new = new[:start] + value + new[end:]
            lines.append(new)
        elif cjs:
            keyword = text.split()[0] if text.split()[0] in ("const", "let", "var") else "const"
            lines.append(f"{keyword} {names} = require({quote}{spec}{quote}){semi}")
        else:
            lines.append(f"import {names} from {quote}{spec}{quote}{semi}")
    if types:
        lines.append(f"import type {{ Interactions }} from {quote}{spec}{quote}{semi}")
    return "\n".join(lines)


def _replace_statement(src: Source, change: Change, statement: SgNode, new: str) -> None:
    start, end = statement.range().start.index, statement.range().end.index
    if new:
        change.edits.append(_edit(start, end, new))
        return
    text = src.text
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip() and text[end:end + 1] == "\n":
        change.edits.append(_edit(line_start, end + 1, ""))
    else:
        change.edits.append(_edit(start, end, ""))


def _remove_specifier(src: Source, change: Change, spec: SgNode) -> None:
    from migrator.js.edit import NodeText

    holder = spec.parent()
    if holder is None:
        return
    text = NodeText(holder, src.text)
    text.remove_member(spec)
    change.edits.extend(text.edits)


def _edit(start: int, end: int, text: str):  # type: ignore[no-untyped-def]
    from migrator.js.source import Edit

    return Edit(start, end, text)


def _fixed_import(src: Source, statement: SgNode, code: str, message: str) -> Finding:
    """Reported where the text lint reports a legacy import (`from "..."`, `require(`)."""
    from migrator.lint.text import LEGACY_JS_IMPORT

    line, column = src.pos(statement)
    text = src.text[statement.range().start.index : statement.range().end.index]
    for number, part in enumerate(text.splitlines()):
        match = LEGACY_JS_IMPORT.search(part)
        if match is not None:
            line, column = line + number, (column if number == 0 else 1) + match.start()
            break
    return finding(src.path, (line, column), code, message, fix=FIX_SAFE, fixed=True)
