"""Legacy objects this file uses but does not make: say why their calls stay.

The rewrite follows a client, model, chat or file manager from the `new` / `getGenerativeModel`
/ `startChat` that made it. One that arrives as a parameter, a constructor-injected field or
the result of a function imported from another module was made elsewhere: its calls stay on
the legacy SDK, and without a word they would look overlooked. Each such receiver gets one
GM521 finding (and TODO) at its first legacy call.
"""

from __future__ import annotations

import os
import re
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


# --- exported objects: who imports them -----------------------------------------------------

_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_SPECIFIER = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"])(\.{1,2}/[^'"]*)\1""")
_MAX_FILES = 5000


def exported(use: SgNode) -> bool:
    """`export default x`, `export { x }`, `module.exports = x` / `{ x }`, `exports.y = x`."""
    parent = use.parent()
    if parent is None:
        return False
    if parent.kind() in ("export_statement", "export_specifier"):
        return True
    node = use
    while parent is not None and parent.kind() in ("pair", "object",
                                                   "shorthand_property_identifier"):
        node, parent = parent, parent.parent()
    if parent is not None and parent.kind() == "assignment_expression" and \
            parent.field("right") == node:
        left = parent.field("left")
        return left is not None and (left.text() == "module.exports" or
                                     left.text().startswith(("module.exports.", "exports.")))
    return False


def exported_message(src: Source, what: str) -> str:
    """Why an exported legacy object stays, naming the files of its package that import it."""
    found = importers(src)
    if found:
        shown = ", ".join(f"`{p}`" for p in found[:3]) + (" ..." if len(found) > 3 else "")
        return (f"{what} is exported and {shown} import{'s' if len(found) == 1 else ''} it; "
                "they would have to migrate with it, so it stays")
    return (f"{what} is exported; no file of its package imports it, but code outside the "
            "package may, so it stays")


def importers(src: Source) -> list[str]:
    """Files of this file's package (up to its package.json or .git) whose relative import or
    require resolves to this file, as paths relative to the package."""
    here = os.path.realpath(src.path)
    if not os.path.isfile(here):
        return []
    root = _package_root(os.path.dirname(here))
    index = src.ctx.memo.get(("js-relative-imports", root))
    if not isinstance(index, dict):
        index = _scan(src, root)
        src.ctx.memo[("js-relative-imports", root)] = index
    return sorted(os.path.relpath(f, root) for f, targets in index.items()
                  if here in targets and f != here)


def _package_root(start: str) -> str:
    current = start
    for _ in range(12):
        if os.path.exists(os.path.join(current, "package.json")) or \
                os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return start


def _scan(src: Source, root: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "node_modules" and not d.startswith(".")]
        for name in files:
            if not name.endswith(_JS_SUFFIXES):
                continue
            seen += 1
            if seen > _MAX_FILES:
                return out
            path = os.path.join(folder, name)
            data = src.ctx.read(path)
            if data is None:
                continue
            text = data.decode("utf-8", "replace")
            targets = {t for spec in _SPECIFIER.findall(text)
                       for t in _resolve(folder, spec[1])}
            if targets:
                out[os.path.realpath(path)] = targets
    return out


def _resolve(folder: str, spec: str) -> list[str]:
    base = os.path.normpath(os.path.join(folder, spec))
    stem, suffix = os.path.splitext(base)
    candidates = [base, *(base + s for s in _JS_SUFFIXES),
                  *(os.path.join(base, "index" + s) for s in _JS_SUFFIXES)]
    if suffix in (".js", ".mjs", ".cjs", ".jsx"):  # TS imports `./x.js` for `./x.ts`
        candidates += [stem + s for s in (".ts", ".mts", ".cts", ".tsx")]
    return [os.path.realpath(c) for c in candidates if os.path.isfile(c)]
