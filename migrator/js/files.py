"""`GoogleAIFileManager` (`@google/generative-ai/server`; `/files` in 0.8-0.12) -> `ai.files`.

The manager becomes a `@google/genai` client under the same name, `new GoogleGenAI({ apiKey:
key })`, and its calls move to that client's `files` (api-mapping-js.md 4.8):

* `uploadFile(path, { mimeType, displayName, name })` -> `files.upload({ file: path, config:
  { mimeType, displayName, name } })` (the metadata keys are the config's, camelCase both
  sides). The legacy result is `{ file }`, the new one the file itself, so `upload.file.uri`
  -> `upload.uri` and `const { file } = ...` -> `const file = ...`. Only a path moves:
  `files.upload` fails on a Buffer (it needs `new Blob([buf], { type })`), so anything that is
  not certainly a string stays.
* `getFile(name)` -> `files.get({ name })` and `deleteFile(name)` -> `files.delete({ name })`;
  the file read back has the same fields (`name`, `uri`, `mimeType`, `state`, ...).
* `listFiles()` answers `{ files, nextPageToken }` where `files.list()` gives an async pager:
  no like-for-like rewrite, so a manager that lists stays, as does one used any other way.

A manager moves whole or not at all; what stops it is reported with GM507 and a TODO.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from migrator.js.config import reindent
from migrator.js.contents import is_string
from migrator.js.layout import create_call, indent_unit
from migrator.js.nodes import bound_name, called, member_of, outer, statement_alone
from migrator.js.source import (
    Change,
    Edit,
    Escape,
    Source,
    assignment_of,
    loose,
    object_pairs,
    same,
    unwrap,
)
from migrator.js.types import annotation_of, field_annotation

if TYPE_CHECKING:
    from ast_grep_py import SgNode

CODE = "GM507"
MANAGER = "GoogleAIFileManager"
METADATA_KEYS = ("mimeType", "displayName", "name")
# Calls on a path string that give a path string.
_PATH_CALLS = ("join", "resolve", "normalize", "relative", "format")


class FilesPass:
    """Every `new GoogleAIFileManager(...)` of one file, each moved whole or left with GM507."""

    def __init__(self, src: Source) -> None:
        self.src = src

    def run(self, manager_class: str) -> None:
        src = self.src
        declared = src.declarations(manager_class)
        for node in src.identifiers(manager_class):
            if any(same(node, d) for d in declared):
                continue
            parent = node.parent()
            if parent is None or parent.kind() != "new_expression" or not same(
                parent.field("constructor"), node
            ):
                src.flag(node, CODE, f"`{MANAGER}` is used other than as `new {MANAGER}(key)` "
                         "held in a name or field; not migrated")
                continue
            change = Change()
            try:
                self.manager(parent, change)
            except Escape as escape:
                src.flag(escape.node, escape.code, escape.message)
                continue
            if change.nested():
                src.flag(parent, CODE, "the rewrite of this file manager's uses would overlap "
                         "itself; left as it was")
                continue
            src.commit(change)

    # -- the manager -----------------------------------------------------------------------------

    def manager(self, node: SgNode, change: Change) -> None:
        args = [a for a in node.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"] if node.field("arguments") is not None else []
        if len(args) != 1 or args[0].kind() == "spread_element":
            raise Escape(CODE, node, f"`new {MANAGER}(...)` with request options (base URL, "
                         "API version) is not migrated; set them on the client's httpOptions")
        ref, uses, annotation = self.holder(node)
        self.retype(annotation, change)
        key = args[0].text()
        change.replace(node, "new GoogleGenAI({ apiKey })" if key == "apiKey"
                       else f"new GoogleGenAI({{ apiKey: {key} }})")
        change.findings.append(self.src.fixed(node, CODE, f"`{MANAGER}` became a @google/genai "
                                              "client; its calls moved to `files`"))
        calls: list[tuple[str, SgNode]] = []
        for use in uses:
            member = member_of(use)
            call = called(member[0]) if member is not None else None
            if member is None or call is None:
                raise Escape(CODE, use, "the file manager is used whole (passed on, returned or "
                             "stored), so it stays")
            method = member[1]
            if method == "listFiles":
                raise Escape(CODE, member[0], "`listFiles()` has no like-for-like twin "
                             "(`ai.files.list()` is an async pager, not `{ files, "
                             "nextPageToken }`); migrate it by hand")
            if method not in ("uploadFile", "getFile", "deleteFile"):
                raise Escape(CODE, member[0], f"`{method}()` of a file manager is not migrated")
            calls.append((method, call))
        # Uploads first: their results' `.file` reads may sit inside a later get / delete call,
        # whose replacement then carries them.
        for method, call in sorted(calls, key=lambda c: c[0] != "uploadFile"):
            if method == "uploadFile":
                self.upload(call, ref, change)
            else:
                self.by_name(call, ref, "get" if method == "getFile" else "delete", change)

    def holder(self, node: SgNode) -> tuple[str, list[SgNode], SgNode | None]:
        """How the code names the manager, every read of it, and its type annotation."""
        src = self.src
        name = bound_name(node)
        if name is not None:
            declaration = src.binding(name)
            if declaration is None:
                raise Escape(CODE, node, f"`{name.text()}` is not declared in this file")
            if src.statement_of(declaration).kind() == "export_statement":
                raise Escape(CODE, node, "the file manager is exported; other modules may use "
                             "it as the legacy one")
            uses = []
            for use in src.uses(name.text(), declaration):
                assignment = assignment_of(use)
                if assignment is not None:
                    if not same(assignment.field("right"), outer(node)):
                        raise Escape(CODE, use, f"`{name.text()}` is assigned more than once")
                    continue
                uses.append(use)
            return name.text(), uses, annotation_of(declaration)
        parent = outer(node).parent()
        spelled = None
        if parent is not None and parent.kind() == "assignment_expression":
            left = parent.field("left")
            if left is not None and left.text().startswith("this.") and left.text().count(".") == 1:
                spelled = left.text()
        elif parent is not None and parent.kind() == "public_field_definition":
            prop = parent.field("name")
            if prop is not None:
                spelled = f"this.{prop.text()}"
        if spelled is None:
            raise Escape(CODE, node, "the file manager is kept where the rewrite cannot follow "
                         "it; hold it in a name")
        uses = []
        for member in src.root.find_all(kind="member_expression",
                                        regex=rf"^{spelled.replace('.', r'[.]')}$"):
            assignment = assignment_of(member)
            if assignment is not None:
                if not same(assignment, parent):
                    raise Escape(CODE, member, f"`{spelled}` is assigned more than once")
                continue
            uses.append(member)
        return spelled, uses, field_annotation(src, node, spelled.split(".", 1)[1])

    def retype(self, annotation: SgNode | None, change: Change) -> None:
        """`fileManager: GoogleAIFileManager` -> `fileManager: GoogleGenAI`."""
        if annotation is None or not self.src.typescript:
            return
        legacy = self.src.legacy_types
        names = [n for n in annotation.find_all(kind="type_identifier") if n.text() in legacy]
        if any(legacy[n.text()] != MANAGER for n in names) or not names:
            raise Escape(CODE, annotation, "the file manager's declared type would have to "
                         "change; remove the annotation or migrate by hand")
        for node in names:
            change.replace(node, "GoogleGenAI")

    # -- calls -----------------------------------------------------------------------------------

    def upload(self, call: SgNode, ref: str, change: Change) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if not 1 <= len(args) <= 2 or any(a.kind() == "spread_element" for a in args):
            raise Escape(CODE, call, "`uploadFile()` takes a file and its metadata; this call "
                         "is not migrated")
        file = args[0]
        if not self.path(file):
            raise Escape(CODE, file, "the file may be a Buffer, which `ai.files.upload` "
                         "cannot send; pass a path, or wrap it: `new Blob([buf], { type })`")
        # A multi-line argument moves one level in, into the request object.
        inner = self.src.indent_of(self.src.statement_of(call)) + indent_unit(self.src.text)
        members = ["file" if file.text() == "file" else
                   f"file: {reindent(change.text(file), self.src.indent_of(file), inner)}"]
        if len(args) == 2:
            metadata = unwrap(args[1])
            if metadata is None or metadata.kind() != "object":
                raise Escape(CODE, args[1], "the file metadata is not an object literal")
            for key, pair, _value in object_pairs(metadata):
                if pair.kind() == "shorthand_property_identifier":
                    key = pair.text()
                if key not in METADATA_KEYS:
                    raise Escape(CODE, pair, "the file metadata has a key `ai.files.upload` "
                                 "does not take")
            config = reindent(change.text(args[1]), self.src.indent_of(args[1]), inner)
            members.append(f"config: {config}")
        change.replace(call, create_call(ref, members, self.src, call, "files.upload"))
        change.findings.append(self.src.fixed(call, CODE, "`uploadFile` became `files.upload`, "
                                              "which returns the file itself"))
        self.upload_result(call, change)

    def upload_result(self, call: SgNode, change: Change) -> None:
        """The legacy `{ file }` is now the file: drop `.file` from every read."""
        src = self.src
        if statement_alone(src, call):
            return
        node = outer(call)
        name = bound_name(call)
        if name is not None:
            declaration = src.binding(name)
            if declaration is None:
                raise Escape(CODE, name, f"`{name.text()}` is not declared in this file")
            if annotation_of(declaration) is not None:
                raise Escape(CODE, declaration, f"`{name.text()}` is declared with the legacy "
                             "upload type; remove the annotation or migrate by hand")
            for use in src.uses(name.text(), declaration):
                assignment = assignment_of(use)
                if assignment is not None:
                    if same(assignment.field("right"), node):
                        continue
                    raise Escape(CODE, use, f"`{name.text()}` is assigned more than once")
                self.drop_file(use, change)
            return
        parent = node.parent()
        if parent is not None and parent.kind() == "variable_declarator":
            pattern = parent.field("name")
            fields = [c for c in pattern.named_children() if c.kind() != "comment"] \
                if pattern is not None and pattern.kind() == "object_pattern" else []
            if pattern is not None and len(fields) == 1 and parent.field("type") is None:
                only = fields[0]
                if only.kind() == "shorthand_property_identifier_pattern" and only.text() == \
                        "file":
                    change.replace(pattern, "file")
                    return
                key, value = only.field("key"), only.field("value")
                if only.kind() == "pair_pattern" and key is not None and key.text() == "file" \
                        and value is not None and value.kind() == "identifier":
                    change.replace(pattern, value.text())
                    return
        self.drop_file(node, change)

    def drop_file(self, node: SgNode, change: Change) -> None:
        member = member_of(node)
        if member is None or member[1] != "file":
            raise Escape(CODE, node, "the upload result is used whole; @google/genai returns "
                         "the file itself (`file.uri`, not `result.file.uri`)")
        end = node.range().end.index
        inner = [c for c in node.named_children() if c.kind() != "comment"]
        if node.kind() == "parenthesized_expression" and len(inner) == 1 and loose(member[0]):
            # `(await upload(...)).file` as a whole value: `await upload(...)`
            start = node.range().start.index
            change.edits.append(Edit(start, start + 1, ""))
            end = inner[0].range().end.index
        change.edits.append(Edit(end, member[0].range().end.index, ""))
        read = member_of(member[0])  # `result.file.uri`: the field read after `.file`
        field = read[0] if read is not None else None
        if self.src.typescript and field is not None and not _assigned(field):
            # Every field of a @google/genai `File` is optional where the legacy upload's were
            # not: `result.file.uri` (a string) becomes `result.uri!`, still a string, so the
            # file type-checks as it did (a strict project's build fails on `string | undefined`)
            at = field.range().end.index
            change.edits.append(Edit(at, at, "!"))

    def by_name(self, call: SgNode, ref: str, method: str, change: Change) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        legacy = "getFile" if method == "get" else "deleteFile"
        if len(args) != 1 or args[0].kind() == "spread_element":
            raise Escape(CODE, call, f"`{legacy}()` with request options is not migrated")
        if method == "delete" and not statement_alone(self.src, call):
            raise Escape(CODE, call, "the answer of `deleteFile()` is used; `ai.files.delete` "
                         "answers with another shape")
        if method == "get":
            name = bound_name(call)
            declaration = self.src.binding(name) if name is not None else None
            if declaration is not None and annotation_of(declaration) is not None:
                raise Escape(CODE, declaration, f"`{name.text()}` is declared "  # type: ignore[union-attr]
                             "with a legacy file type; remove the annotation or migrate by hand")
        text = change.text(args[0])
        prop = args[0].field("property") if args[0].kind() == "member_expression" else None
        if self.src.typescript and prop is not None and prop.text() == "name":
            # A @google/genai `File`'s `name` is optional where the legacy one's was not.
            text += "!"
        member = "name" if text == "name" else f"name: {text}"
        change.replace(call, create_call(ref, [member], self.src, call, f"files.{method}"))
        change.findings.append(self.src.fixed(call, CODE, f"`{legacy}` became "
                                              f"`files.{method}`"))

    def path(self, node: SgNode) -> bool:
        """True when `node` is certainly a path string (not a Buffer)."""
        if is_string(self.src, node):
            return True
        inner = unwrap(node)
        if inner is not None and inner.kind() == "member_expression":
            # `req.file.path` (multer), `file.filepath` (formidable), `opts.localPath`: a
            # property named for a path holds one, not a Buffer
            prop = inner.field("property")
            return prop is not None and re.search(r"(?i)path$", prop.text()) is not None
        if inner is None or inner.kind() != "call_expression":
            return False
        func = inner.field("function")
        if func is None or func.kind() != "member_expression":
            return False
        obj, prop = func.field("object"), func.field("property")
        if obj is None or prop is None or obj.kind() != "identifier" or \
                prop.text() not in _PATH_CALLS:
            return False
        declaration = self.src.binding(obj)
        statement = self.src.statement_of(declaration) if declaration is not None else None
        return statement is not None and any(
            f"{q}{module}{q}" in statement.text() for module in ("path", "node:path")
            for q in "'\"")


def _assigned(node: SgNode) -> bool:
    parent = node.parent()
    return parent is not None and parent.kind() in (
        "assignment_expression", "augmented_assignment_expression") and same(
        parent.field("left"), node)
