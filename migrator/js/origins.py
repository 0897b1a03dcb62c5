"""Legacy objects this file uses but does not make: say why their calls stay.

The rewrite follows a client, model, chat or file manager from the `new` / `getGenerativeModel`
/ `startChat` that made it. One that arrives as a parameter, a constructor-injected field or
the result of a function imported from another module was made elsewhere: its calls stay on
the legacy SDK, and without a word they would look overlooked. Each such receiver gets one
GM521 finding (and TODO) at its first legacy call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.js.nodes import outer
from migrator.js.source import Source, unwrap

if TYPE_CHECKING:
    from ast_grep_py import SgNode

# Calls only a legacy model or client has (a chat's `sendMessage` is too common a name).
_MODEL_METHODS = {"generateContent", "generateContentStream", "startChat", "getGenerativeModel"}
# Any legacy method, when the receiver's TypeScript type names a legacy class.
_TYPED_METHODS = _MODEL_METHODS | {"sendMessage", "sendMessageStream", "countTokens",
                                   "embedContent", "batchEmbedContents", "uploadFile",
                                   "getFile", "listFiles", "deleteFile", "getHistory"}
_PARAMETERS = ("required_parameter", "optional_parameter", "formal_parameters")


def report_foreign(src: Source) -> None:
    legacy_types = set(src.legacy_types)
    seen: set[str] = set()
    for call in src.root.find_all(kind="call_expression"):
        func = call.field("function")
        if func is None or func.kind() != "member_expression":
            continue
        prop = func.field("property")
        receiver = func.field("object")
        if prop is None or receiver is None or prop.text() not in _TYPED_METHODS:
            continue
        origin = _origin(src, receiver, legacy_types)
        if origin is None:
            continue
        key, typed, where = origin
        if key in seen or (not typed and prop.text() not in _MODEL_METHODS):
            continue
        seen.add(key)
        src.flag(call, "GM521", f"`{receiver.text()}` is {where}; the rewrite follows a legacy "
                 "object only from where it is made, so its calls stay on the legacy SDK until "
                 "they are migrated with the code that makes it")


def _origin(src: Source, receiver: SgNode,
            legacy_types: set[str]) -> tuple[str, bool, str] | None:
    """(key, typed with a legacy class, where it comes from) for a receiver made elsewhere."""
    if receiver.kind() == "identifier":
        declaration = src.binding(receiver)
        if declaration is None:
            return None
        key = f"{receiver.text()}@{declaration.range().start.index}"
        holder = declaration.parent()
        if holder is None:
            return None
        if holder.kind() in _PARAMETERS or (holder.kind() == "arrow_function"
                                            and holder.field("parameter") == declaration):
            typed = _legacy_annotation(holder, legacy_types)
            return key, typed, "a parameter (a legacy object passed in)"
        if holder.kind() == "variable_declarator" and holder.field("name") == declaration:
            value = unwrap(holder.field("value"))
            if value is not None and value.kind() == "call_expression":
                callee = value.field("function")
                root = callee
                while root is not None and root.kind() == "member_expression":
                    root = root.field("object")
                if root is not None and root.kind() == "identifier" and \
                        _imported_elsewhere(src, root):
                    typed = _legacy_annotation(holder, legacy_types)
                    return key, typed, f"made by `{_short(callee.text())}()` of another module"  # type: ignore[union-attr]
        return None
    if receiver.kind() == "member_expression":
        obj, prop = receiver.field("object"), receiver.field("property")
        if obj is None or prop is None or obj.kind() != "this":
            return None
        name = prop.text()
        for field_node in src.root.find_all(kind="member_expression", regex=rf"^this\.{name}$"):
            parent = outer(field_node).parent()
            if parent is not None and parent.kind() in ("assignment_expression",
                                                        "augmented_assignment_expression") \
                    and parent.field("left") == outer(field_node):
                return None  # made (or replaced) in this file: the class rewrite decides
        for declared in src.root.find_all(kind="required_parameter"):
            pattern = declared.field("pattern")
            if pattern is not None and pattern.text() == name and any(
                c.kind() == "accessibility_modifier" or c.text() == "readonly"
                for c in declared.children()
            ):
                typed = _legacy_annotation(declared, legacy_types)
                return f"this.{name}", typed, "given to the constructor (injected)"
        return None
    return None


def _legacy_annotation(holder: SgNode, legacy_types: set[str]) -> bool:
    annotation = holder.field("type") if holder.kind() in ("required_parameter",
                                                            "optional_parameter",
                                                            "variable_declarator") else None
    if annotation is None:
        return False
    words = set(annotation.text().replace("<", " ").replace(">", " ").replace("|", " ")
                .replace(":", " ").split())
    return bool(words & legacy_types)


def _imported_elsewhere(src: Source, name: SgNode) -> bool:
    """True when `name` is bound by an import or require of a module other than the SDKs."""
    declaration = src.binding(name)
    if declaration is None:
        return False
    for ancestor in declaration.ancestors():
        if ancestor.kind() == "import_statement":
            source = ancestor.field("source")
            return source is not None and "@google/" not in source.text()
        if ancestor.kind() == "variable_declarator":
            value = unwrap(ancestor.field("value"))
            return value is not None and value.kind() == "call_expression" and \
                value.text().startswith("require(") and "@google/" not in value.text()
    return False


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
