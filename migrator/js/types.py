"""TypeScript annotations of migrated values (api-mapping-js.md H7).

A model or chat annotated `GenerativeModel` / `ChatSession` (or @google/genai's `Chat`; a
declaration, a class field, a `Map<string, ChatSession>`) holds a parameters object after the
rewrite, so the annotation names `ModelParams`, a local alias of the create() parameters
without `input` and `stream` (with `stream` left in, a spread widens the call's return type to
a stream union; leaving it out keeps `output_text` typed). The alias is declared once, after
the imports, by the import pass. Any other legacy type in the annotation keeps the object on
the legacy SDK (GM510).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from migrator.js.source import Change, Escape, Source

if TYPE_CHECKING:
    from ast_grep_py import SgNode

ALIAS = "ModelParams"
ALIAS_DECLARATION = (f'type {ALIAS} = Omit<Interactions.CreateModelInteractionParamsNonStreaming, '
                     '"input" | "stream">;')
OBJECT_TYPES = ("GenerativeModel", "ChatSession")


def annotation_of(node: SgNode) -> SgNode | None:
    """The type annotation of the declarator, parameter or field a name belongs to."""
    parent = node.parent()
    if parent is not None and parent.kind() in ("variable_declarator", "required_parameter",
                                                "optional_parameter", "public_field_definition"):
        return parent.field("type")
    return None


def field_annotation(src: Source, use: SgNode, prop: str) -> SgNode | None:
    """The annotation of the class field `prop` declared in the class around `use`."""
    for ancestor in use.ancestors():
        if ancestor.kind() == "class_body":
            for member in ancestor.named_children():
                name = member.field("name") if member.kind() == "public_field_definition" \
                    else None
                if name is not None and name.text() == prop:
                    return member.field("type")
            return None
    return None


def retype(src: Source, change: Change, annotation: SgNode | None, what: str) -> None:
    """Point an annotation's legacy model / chat types at the alias, inside `change`."""
    if annotation is None or not src.typescript:
        return
    legacy = src.legacy_types
    names = annotation.find_all(kind="type_identifier")
    # @google/genai's `Chat` (of `ai.chats.create`) is a chat that became parameters too.
    renamed = [n for n in names if legacy.get(n.text()) in OBJECT_TYPES or (
        what.startswith("chat") and src.genai_types.get(n.text()) == "Chat")]
    others = [n for n in names if n.text() in legacy and legacy[n.text()] not in OBJECT_TYPES]
    if others or not renamed:
        if renamed or others:
            raise Escape("GM510", annotation, f"the {what}'s declared type names "
                         f"`{(others or renamed)[0].text()}`, which the migrated value is not; "
                         "remove the annotation or migrate by hand")
        if re.search(r"\b(any|unknown|object)\b", annotation.text()) is None and \
                "Record" not in annotation.text():
            raise Escape("GM510", annotation, f"the {what}'s declared type would have to change; "
                         "remove the annotation or migrate by hand")
        return
    if _taken(src):
        raise Escape("GM510", annotation, f"`{ALIAS}` is already a name in this file; rename it "
                     "or migrate by hand")
    for node in renamed:
        change.replace(node, ALIAS)


def _taken(src: Source) -> bool:
    declared = re.findall(rf"\b(?:type|interface|class|enum)\s+{ALIAS}\b[^;\n]*", src.text)
    return bool(src.identifiers(ALIAS)) or any(d.strip() + ";" != ALIAS_DECLARATION and
                                                not ALIAS_DECLARATION.startswith(d.strip())
                                                for d in declared)
