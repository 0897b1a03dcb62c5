"""google-generativeai multimodal contents and the files API (part of the legacy pass).

Contents: a list mixing text with images, inline blobs and uploaded files becomes a list of
Interactions content blocks (api-mapping.md §4.3):
- text                                  -> `{"type": "text", "text": ...}`
- `{"mime_type": m, "data": bytes}`, `protos.Blob`, `protos.Part(inline_data=...)`
                                        -> `{"type": kind(m), "data": <base64>, "mime_type": m}`
- a PIL image opened from a path        -> the file's own bytes and `img.get_format_mimetype()`
- any other PIL image                   -> a lossless WebP, encoded just before the call
- an uploaded File                      -> `{"type": kind, "uri": f.uri, "mime_type": f.mime_type}`
These are what google-generativeai 0.8.6 itself sent (`content_types.to_part` / `_pil_to_blob`).
`kind` must be known statically; anything this module cannot prove is pinned (GM023).

Files: `genai.upload_file / get_file / delete_file / list_files` become `client.files.*`. A
File variable, every call that assigns it and every call that reads it move together: a
google-genai File cannot be passed to the legacy SDK, nor the other way round (GM024).
"""

from __future__ import annotations

import mimetypes
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods.convert import (
    Unsupported,
    dict_node,
    is_text_literal,
    literal,
    string_value,
    text_block,
)
from migrator.codemods.facts.nodes import dotted as _dotted
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.facts.sites import Pin, Site
from migrator.codemods.facts.syntax import is_truth_test as _is_truth_test
from migrator.codemods.facts.syntax import names_in as _names_in
from migrator.codemods.facts.syntax import rename_kwarg as _rename

if TYPE_CHECKING:
    from migrator.codemods.legacy.apply import Apply
    from migrator.codemods.legacy.plan import Plan

FILES = {
    **{f"{LEGACY}.{name}": method for name, method in (
        ("upload_file", "upload"), ("get_file", "get"), ("delete_file", "delete"),
        ("list_files", "list"))},
    **{f"{LEGACY}.files.{name}": method for name, method in (
        ("upload_file", "upload"), ("get_file", "get"), ("delete_file", "delete"),
        ("list_files", "list"))},
}
# File fields that read the same on google-genai's File (`state` only as `.state.name`).
FILE_FIELDS = frozenset({"name", "display_name", "mime_type", "uri", "size_bytes"})
PROTOS = (f"{LEGACY}.protos.", "google.ai.generativelanguage.",
          "google.ai.generativelanguage_v1beta.")
# PIL calls that make an image not backed by a file (the legacy SDK sent those as WebP).
PIL_FACTORIES = frozenset({"PIL.Image.new", "PIL.Image.fromarray", "PIL.Image.frombytes",
                           "PIL.Image.frombuffer", "PIL.Image.merge"})
PIL_DERIVED = frozenset({"convert", "resize", "rotate", "crop", "copy", "transpose", "filter"})
TEXT_METHODS = frozenset({"format", "strip", "lstrip", "rstrip", "join", "read_text", "lower",
                          "upper", "replace", "title", "capitalize"})
# Streamlit widgets that return the text typed in (chat_input: None until a message is sent).
TEXT_WIDGETS = frozenset({"streamlit.text_input", "streamlit.text_area",
                          "streamlit.chat_input"})
STREAM_WIDGETS = frozenset({"streamlit.file_uploader", "streamlit.camera_input"})
MULTIMODAL = "GM021"
RUN_TIME_KIND = "GM045"
RUN_TIME = "run time"  # file_kind(): the block type is chosen when the code runs
# The block type of an uploaded File whose MIME type is only known at run time (api-mapping.md
# §4.3). It never raises: a type the API does not take is sent, and refused by the server at
# the call, as the legacy SDK's file_data part was.
KIND_HELPER = '''def {name}(mime_type):
    """The Interactions content block type for a MIME type."""
    kind = mime_type.split("/")[0]
    return kind if kind in ("image", "audio", "video") else "document"
'''
FILES_API = "GM022"
PART = "GM023"
FILE_OBJECT = "GM024"

mimetypes.add_type("image/webp", ".webp")  # the legacy SDK registers it the same way


def kind_of(mime: str) -> str:
    major = mime.split("/", 1)[0].lower()
    return major if major in ("image", "audio", "video") else "document"


@dataclass
class SiteMedia:
    """What converting one call's contents needs besides the new argument."""

    before: list[cst.BaseStatement] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    statement: cst.CSTNode | None = None
    multimodal: bool = False  # not only text blocks
    helper: bool = False  # a block type is chosen at run time (Media.kind_helper)
    run_time: list[cst.Name] = field(default_factory=list)  # the Files it is chosen for
    # a list of parts held in a name: the list node -> its blocks (Media.held_list)
    replace: list[tuple[cst.CSTNode, cst.CSTNode]] = field(default_factory=list)


class Media:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.links: list[list[Site]] = []  # sites that migrate together or not at all
        self.per_site: dict[int, SiteMedia] = {}
        self.used_names: set[str] | None = None
        self.helper: str | None = None  # the name of the run-time block type helper

    # -- shared helpers ---------------------------------------------------------------------

    def site_of(self, call: cst.CSTNode | None) -> Site | None:
        return next((s for s in self.plan.sites if s.call is call), None)

    def assignments(self, name: cst.Name) -> list[Assignment]:
        scope = self.plan.scopes.get(name)
        if scope is None:
            return []
        found = list(scope[name.value])
        if not all(isinstance(a, Assignment) for a in found):
            return []
        return sorted(found, key=self.plan.assignment_pos)  # type: ignore[arg-type]

    def bound_value(self, assignment: Assignment) -> cst.CSTNode | None:
        """The value a name is bound to: `x = v`, `with v as x`, `for x in v` (the loop)."""
        plan = self.plan
        node = assignment.node
        if isinstance(node, cst.Param):
            return node
        parent = plan.parent(node)
        if isinstance(parent, cst.AssignTarget):
            assign = plan.parent(parent)
            return assign.value if isinstance(assign, cst.Assign) and len(
                assign.targets) == 1 else None
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            return parent.value
        if isinstance(parent, cst.AsName):
            item = plan.parent(parent)
            return item.item if isinstance(item, cst.WithItem) else None
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node:
            return parent
        return None

    def single_value(self, name: cst.Name) -> cst.CSTNode | None:
        found = self.assignments(name)
        return self.bound_value(found[0]) if len(found) == 1 else None

    def fresh(self, base: str) -> str:
        if self.used_names is None:
            self.used_names = _names_in(self.plan.module)
        name, n = base, 1
        while name in self.used_names:
            n += 1
            name = f"{base}_{n}"
        self.used_names.add(name)
        return name

    def link(self, sites: Sequence[Site]) -> None:
        unique = list({id(s): s for s in sites}.values())
        if len(unique) > 1:
            self.links.append(unique)

    def propagate(self) -> bool:
        """A pinned member pins its linked sites. Returns True when it pinned something."""
        changed = False
        for group in self.links:
            pinned = next((s.pin for s in group if s.pin is not None), None)
            if pinned is None:
                continue
            for site in group:
                if site.pin is None:
                    site.pin = Pin(pinned.code, pinned.reason, site.call)
                    changed = True
        return changed

    # -- contents ---------------------------------------------------------------------------

    def convert(self, node: cst.BaseExpression, site: Site) -> cst.BaseExpression | None:
        """The content blocks of a multimodal contents value; None when it is text or a
        history (the caller's business). Raises Unsupported for contents it cannot prove.
        A name bound once to a list of parts and read only here keeps its name: the list
        becomes the blocks where it is written."""
        held = self.held_list(node) if isinstance(node, cst.Name) else None
        if held is not None:
            converted = self.convert(held, site)
            if converted is None:
                return None
            if self.per_site[id(site)].before:
                raise Unsupported(PART, f"an image in {self.plan.code(node)!r} would be encoded "
                                  "when the list is built, the legacy SDK encoded it at the "
                                  "call")
            self.per_site.setdefault(id(site), SiteMedia()).replace.append((held, converted))
            return node
        if isinstance(node, (cst.List, cst.Tuple)):
            values = [e.value for e in node.elements]
            if not values or any(isinstance(e, cst.StarredElement) for e in node.elements):
                return None
            if all(is_text_literal(v) for v in values):
                return None
            if all(isinstance(v, cst.Dict) and _keys(v) & {"role", "parts"} for v in values):
                return None
        elif self.is_part(node):
            values = [node]
        else:
            return None
        if any(isinstance(n, cst.Comment) for n in _walk(node)):
            raise Unsupported(PART, "a comment inside the contents would be lost when they "
                              "become content blocks")
        media = self.per_site.setdefault(id(site), SiteMedia())
        blocks = [self.block(v, site, media) for v in values]
        media.multimodal = any(string_value(b.elements[0].value) != "text" for b in blocks)
        if media.multimodal and not self.plan.ctx.enabled(MULTIMODAL, self.plan.path):
            raise Unsupported("", "disabled")
        if len(blocks) > 1:
            # one block per line (legacy.layout); a long block one key per line below that
            indent = self.plan.indent_of(node) + "    "
            blocks = [_spread(b, indent) if len(_code(b)) > 100 - len(indent) - 1 else b
                      for b in blocks]
        return cst.List([cst.Element(b) for b in blocks])

    def held_list(self, name: cst.Name) -> cst.List | cst.Tuple | None:
        """`parts = [text, image]` (one plain assignment) when this read is its only one."""
        found = self.assignments(name)
        if len(found) != 1:
            return None
        value = self.bound_value(found[0])
        assign = self.plan.parent(self.plan.parent(found[0].node))
        if not isinstance(value, (cst.List, cst.Tuple)) or not isinstance(assign, cst.Assign):
            return None
        reads = self.plan.refs(found[0])
        if len(reads) != 1 or reads[0].node is not name:
            return None
        return value

    def is_part(self, node: cst.BaseExpression) -> bool:
        """A lone contents value that is an image, a blob or a file rather than text."""
        if isinstance(node, cst.Dict):
            return bool(_keys(node) & {"mime_type", "inline_data", "file_data"})
        if isinstance(node, cst.Call):
            return any(q.startswith(PROTOS) for q in self.plan.qualified(node.func))
        if isinstance(node, cst.Name):
            return self.image_source(node) is not None or self.file_kind(node, None) is not None
        return False

    def block(self, node: cst.BaseExpression, site: Site, media: SiteMedia) -> cst.Dict:
        code = self.plan.code(node)
        if is_text_literal(node):
            return text_block(node)
        if isinstance(node, cst.Dict):
            return self.dict_part(node, media)
        if isinstance(node, cst.Call):
            return self.proto_part(node, media)
        if isinstance(node, cst.Name):
            if self.is_text_name(node):
                return text_block(node)
            source = self.image_source(node)
            if source is not None:
                return self.image_block(node, source, site, media)
            blob = self.named_blob(node)
            if blob is not None:
                return self.blob(blob[0], blob[1], media, literal_mime=blob[2])
            kind = self.file_kind(node, site)
            if kind == RUN_TIME:
                mime_type = cst.Attribute(node, cst.Name("mime_type"))
                return dict_node([("type", cst.Call(cst.Name(self.kind_helper(site, node)),
                                                    [cst.Arg(mime_type)])),
                                  ("uri", cst.Attribute(node, cst.Name("uri"))),
                                  ("mime_type", mime_type)])
            if kind is not None:
                return dict_node([("type", literal(kind)),
                                  ("uri", cst.Attribute(node, cst.Name("uri"))),
                                  ("mime_type", cst.Attribute(node, cst.Name("mime_type")))])
            raise Unsupported(PART, f"cannot tell whether {code!r} is text, an image, a blob "
                              "or an uploaded file")
        if isinstance(node, (cst.Subscript, cst.Attribute)) and self.is_text_value(node):
            return text_block(node)  # `prompt[0]` of a list of strings, `self.PROMPT`
        raise Unsupported(PART, f"the part {code!r} is not a literal gemini-migrate can read")

    def dict_part(self, node: cst.Dict, media: SiteMedia) -> cst.Dict:
        fields = _fields(node)
        if fields is None:
            raise Unsupported(PART, "a part dict with ** or non-literal keys")
        if set(fields) == {"text"}:
            return text_block(fields["text"])
        if set(fields) == {"mime_type", "data"}:
            return self.blob(fields["mime_type"], fields["data"], media)
        if set(fields) == {"inline_data"}:
            return self.blob_value(fields["inline_data"], media)
        if set(fields) == {"file_data"}:
            inner = fields["file_data"]
            data = _fields(inner) if isinstance(inner, cst.Dict) else None
            if data is None and isinstance(inner, cst.Call) and self.is_proto(inner, "FileData"):
                data = _kwargs(inner)
            if data is None or set(data) != {"file_uri", "mime_type"}:
                raise Unsupported(PART, "file_data other than a literal file_uri + mime_type")
            return self.uri_block(data["file_uri"], data["mime_type"])
        raise Unsupported(PART, f"a part dict with keys {sorted(fields)}")

    def proto_part(self, node: cst.Call, media: SiteMedia) -> cst.Dict:
        fields = _kwargs(node)
        if self.is_proto(node, "Blob"):
            return self.blob_value(node, media)
        if self.is_proto(node, "FileData") and fields is not None and set(fields) == {
            "file_uri", "mime_type"
        }:
            return self.uri_block(fields["file_uri"], fields["mime_type"])
        if self.is_proto(node, "Part") and fields is not None and len(fields) == 1:
            if "text" in fields:
                return text_block(fields["text"])
            if "inline_data" in fields:
                return self.blob_value(fields["inline_data"], media)
            if "file_data" in fields:
                return self.dict_part(dict_node([("file_data", fields["file_data"])]), media)
        raise Unsupported(PART, f"{self.plan.code(node.func)}(...) is not a text, blob or "
                          "file part gemini-migrate can read")

    def is_proto(self, call: cst.Call, name: str) -> bool:
        return any(q.startswith(PROTOS) and q.endswith("." + name)
                   for q in self.plan.qualified(call.func))

    def blob_value(self, node: cst.BaseExpression, media: SiteMedia) -> cst.Dict:
        fields = _fields(node) if isinstance(node, cst.Dict) else (
            _kwargs(node) if isinstance(node, cst.Call) and self.is_proto(node, "Blob") else None)
        if fields is None or set(fields) != {"mime_type", "data"}:
            raise Unsupported(PART, "inline data other than a literal mime_type + data")
        return self.blob(fields["mime_type"], fields["data"], media)

    def named_blob(self, name: cst.Name) -> tuple[cst.BaseExpression, cst.BaseExpression,
                                                   cst.BaseExpression] | None:
        """A name bound once to a blob literal and only ever passed on: (the literal MIME
        type, the data read through the name, the MIME type read through the name)."""
        value = self.single_value(name)
        if isinstance(value, cst.Dict):
            fields = _fields(value)
            read = _subscript
        elif isinstance(value, cst.Call) and self.is_proto(value, "Blob"):
            fields = _kwargs(value)
            read = _attribute
        else:
            return None
        if fields is None or set(fields) != {"mime_type", "data"}:
            return None
        if not self.is_bytes(fields["data"]):
            raise Unsupported(PART, f"cannot tell that the data of {name.value!r} is bytes (the "
                              "legacy SDK read a str as base64)")
        for access in self.plan.refs(self.assignments(name)[0]):
            if not isinstance(self.plan.parent(access.node), (cst.Element, cst.Arg)):
                raise Unsupported(PART, f"{name.value!r} is changed or read elsewhere")
        self.static_kind(fields["mime_type"])
        return read(name, "mime_type"), read(name, "data"), fields["mime_type"]

    def blob(self, mime: cst.BaseExpression, data: cst.BaseExpression,
             media: SiteMedia, literal_mime: cst.BaseExpression | None = None) -> cst.Dict:
        kind = self.static_kind(literal_mime or mime)
        if literal_mime is None and not self.is_bytes(data):
            raise Unsupported(PART, f"cannot tell that {self.plan.code(data)!r} is bytes (the "
                              "legacy SDK read a str as base64)")
        media.imports.add("base64")
        return dict_node([("type", literal(kind)), ("data", _b64(data)), ("mime_type", mime)])

    def uri_block(self, uri: cst.BaseExpression, mime: cst.BaseExpression) -> cst.Dict:
        return dict_node([("type", literal(self.static_kind(mime))), ("uri", uri),
                          ("mime_type", mime)])

    def static_kind(self, mime: cst.BaseExpression) -> str:
        value = string_value(mime)
        if value is None and isinstance(mime, cst.Name):
            bound = self.single_value(mime)
            value = string_value(bound) if isinstance(bound, cst.BaseExpression) else None
        if value is None:
            raise Unsupported(PART, f"the MIME type {self.plan.code(mime)!r} is not a literal: "
                              "the content block type (image, audio, video, document) depends "
                              "on it")
        return checked_kind(value)

    def is_bytes(self, node: cst.CSTNode | None, depth: int = 0) -> bool:
        """Provably bytes: a bytes literal, `.read_bytes()`, `.getvalue()`, a read of a file
        opened in binary mode, or a name bound once to one of these."""
        if isinstance(node, cst.SimpleString):
            return "b" in node.prefix.lower()
        if isinstance(node, cst.ConcatenatedString):
            return self.is_bytes(node.left) and self.is_bytes(node.right)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            if method == "read_bytes":
                return True
            if method == "getvalue":  # of a BytesIO, not a StringIO
                buffer = node.func.value
                made = self.single_value(buffer) if isinstance(buffer, cst.Name) else buffer
                return isinstance(made, cst.Call) and "io.BytesIO" in self.plan.qualified(
                    made.func)
            if method == "read":
                return self.binary_file(node.func.value)
        if isinstance(node, cst.Name) and depth < 3:
            return self.is_bytes(self.single_value(node), depth + 1)
        return False

    def binary_file(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            value = self.single_value(node)
            return isinstance(value, cst.Call) and self.binary_file(value)
        if isinstance(node, cst.Call) and isinstance(node.func, (cst.Name, cst.Attribute)):
            opener = node.func.value if isinstance(node.func, cst.Name) else node.func.attr.value
            mode = next((a.value for a in node.args if a.keyword is not None
                         and a.keyword.value == "mode"), None)
            if mode is None:
                positional = [a for a in node.args if a.keyword is None]
                index = 1 if opener == "open" and isinstance(node.func, cst.Name) else 0
                mode = positional[index].value if len(positional) > index else None
            text = string_value(mode) if mode is not None else None
            return opener == "open" and text is not None and "b" in text
        return False

    def is_text_name(self, name: cst.Name, depth: int = 0) -> bool:
        found = self.assignments(name)
        if not found or depth > 3:
            return False
        return all(self.is_text_value(self.bound_value(a), depth) for a in found)

    def is_text_value(self, value: cst.CSTNode | None, depth: int = 0) -> bool:
        if value is None:
            return False
        if isinstance(value, cst.Param):
            annotation = value.annotation
            if annotation is not None:
                return isinstance(annotation.annotation, cst.Name) and (
                    annotation.annotation.value == "str")
            return self.param_is_text(value, depth)
        if isinstance(value, cst.BaseExpression) and is_text_literal(value) and not (
                self.is_bytes(value)):
            return True
        if isinstance(value, cst.Name):
            return self.is_text_name(value, depth + 1)
        if isinstance(value, cst.BinaryOperation):
            return self.is_text_value(value.left, depth) or self.is_text_value(value.right, depth)
        if isinstance(value, cst.IfExp):
            return self.is_text_value(value.body, depth) and self.is_text_value(
                value.orelse, depth)
        if isinstance(value, cst.Subscript) and "sys.argv" in self.plan.qualified(value.value):
            return all(isinstance(e.slice, cst.Index) for e in value.slice)  # argv[1], a str
        if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Name) and len(
                value.slice) == 1 and isinstance(value.slice[0].slice, cst.Index) and isinstance(
                value.slice[0].slice.value, cst.Integer):
            return self.is_text_list_name(value.value, depth)  # `prompt[0]`
        if isinstance(value, cst.Attribute):
            return self.is_text_constant(value)
        if isinstance(value, cst.Call):
            func = value.func
            if self.plan.qualified(func) & TEXT_WIDGETS:
                return True
            if isinstance(func, cst.Name):
                return func.value in ("input", "str")
            if isinstance(func, cst.Attribute) and func.attr.value in ("format", "read_text"):
                return True  # bytes has no format(); read_text() reads str
            if isinstance(func, cst.Attribute) and func.attr.value in TEXT_METHODS:
                return self.is_text_value(func.value, depth)  # str.strip() but bytes.strip()
        return False

    def is_text_list_name(self, name: cst.Name, depth: int) -> bool:
        """Every binding of the name is a list or tuple of strings (or a parameter every call
        passes one), and the list is only ever indexed or handed to such a parameter: nothing
        can add a part to it."""
        found = self.assignments(name)
        if not found or depth > 3:
            return False
        for assignment in found:
            value = self.bound_value(assignment)
            if isinstance(value, cst.Param):
                if not self.param_values(value, depth, lambda v: isinstance(
                        v, cst.Name) and self.is_text_list_name(v, depth + 1)):
                    return False
            elif not (isinstance(value, (cst.List, cst.Tuple)) and value.elements and all(
                    isinstance(e, cst.Element) and self.is_text_value(e.value, depth + 1)
                    for e in value.elements)):
                return False
            for access in self.plan.refs(assignment):
                if not self.only_indexed(access.node):
                    return False
        return True

    def only_indexed(self, node: cst.CSTNode) -> bool:
        """A read of a list that cannot change it: `xs[i]` (not assigned or deleted), or an
        argument to a function of this module whose parameter is only read that way."""
        plan = self.plan
        parent = plan.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            holder = plan.parent(parent)
            return not isinstance(holder, (cst.AssignTarget, cst.AugAssign, cst.Del)) and not (
                isinstance(holder, cst.AnnAssign) and holder.target is parent)
        call = plan.parent(parent) if isinstance(parent, cst.Arg) else None
        if not isinstance(call, cst.Call) or parent.keyword is not None:  # type: ignore[union-attr]
            return False
        function = plan.flow.callee(call)
        bound = next((b for c, b in function.calls if c is call), None) if function else None
        if function is None or bound is None:
            return False
        names = [k for k, v in bound.items() if v is node]
        params = [p for p in [*function.node.params.posonly_params, *function.node.params.params]
                  if p.name.value in names]
        if len(params) != 1:
            return False
        scope = plan.scopes.get(params[0].name)
        found = [a for a in (scope[params[0].name.value] if scope is not None else ())
                 if isinstance(a, Assignment) and a.node is params[0]]
        return len(found) == 1 and all(self.only_indexed(a.node) for a in found[0].references)

    def is_text_constant(self, node: cst.Attribute) -> bool:
        """`self.PROMPT` / `Cls.PROMPT` read in a class whose body binds the UPPER_CASE name
        once, to a string, and that nothing in the module assigns or binds elsewhere."""
        plan = self.plan
        attr = node.attr.value
        if not attr.isupper() or not isinstance(node.value, cst.Name):
            return False
        current = plan.parent(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = plan.parent(current)
        if current is None or node.value.value not in ("self", "cls", current.name.value):
            return False
        values: list[cst.BaseExpression | None] = []
        for statement in _walk(plan.module):
            if isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = [t.target for t in statement.targets] if isinstance(
                    statement, cst.Assign) else [statement.target]
                for target in targets:
                    hit = any(isinstance(n, cst.Attribute) and n.attr.value == attr
                              for n in _walk(target))
                    in_body = isinstance(target, cst.Name) and target.value == attr and \
                        isinstance(plan.parent(plan.parent(statement)), cst.IndentedBlock) and \
                        isinstance(plan.parent(plan.parent(plan.parent(statement))),
                                   cst.ClassDef)
                    if hit or in_body:
                        values.append(None if hit or isinstance(statement, cst.AugAssign) or (
                            len(targets) != 1) else statement.value)
        return len(values) == 1 and values[0] is not None and is_text_literal(values[0]) and (
            not self.is_bytes(values[0])) and any(
            isinstance(m, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Assign, cst.AnnAssign)) and s.value is values[0]
                for s in m.body) for m in current.body.body)

    def param_values(self, param: cst.Param, depth: int,
                     check: Callable[[cst.BaseExpression], bool]) -> bool:
        """Every call of the parameter's function passes (or defaults to) a value `check`
        accepts (see param_is_text for when the calls are all known)."""
        plan = self.plan
        params = plan.parent(param)
        function = plan.parent(params) if isinstance(params, cst.Parameters) else None
        if not isinstance(function, cst.FunctionDef) or depth > 3 or param in (
                params.star_arg, params.star_kwarg):  # type: ignore[union-attr]
            return False
        facts = plan.flow.function_of(function)
        if facts is None or facts.escapes or facts.decorated or not facts.calls:
            return False
        if isinstance(plan.parent(plan.parent(function)), cst.ClassDef) and (
                function.name.value != "__init__"):
            return False  # a method: its calls through an attribute are not all known
        name = plan.aliasing.module_level_name(function)
        if name:
            from migrator.codemods.crossmodule import imported_elsewhere

            if imported_elsewhere(plan.path, {name}, plan.ctx.settings):
                return False
        for _, bound in facts.calls:
            value = bound.get(param.name.value)
            if value is None:
                value = param.default
            if value is None or not check(value):
                return False
        return True

    def param_is_text(self, param: cst.Param, depth: int) -> bool:
        """An unannotated parameter of a function of this module is text when every call of
        the function passes text (or leaves a text default): the function is called by name
        only (never passed on, stored or decorated) and no other file imports it."""
        return self.param_values(param, depth, lambda v: self.is_text_value(v, depth + 1))

    # -- PIL images -------------------------------------------------------------------------

    def image_source(self, name: cst.Name, depth: int = 0) -> cst.Call | None:
        """The PIL call a name is bound to (once): `Image.open(...)`, a factory such as
        `Image.new(...)`, or an image method (`img.convert(...)`) of such a name."""
        value = self.single_value(name)
        if not isinstance(value, cst.Call):
            return None
        names = self.plan.qualified(value.func)
        if "PIL.Image.open" in names or names & PIL_FACTORIES:
            return value
        func = value.func
        if (isinstance(func, cst.Attribute) and func.attr.value in PIL_DERIVED
                and isinstance(func.value, cst.Name) and depth < 3
                and self.image_source(func.value, depth + 1) is not None):
            return value
        return None

    def image_block(self, name: cst.Name, source: cst.Call, site: Site,
                    media: SiteMedia) -> cst.Dict:
        plan = self.plan
        media.imports.add("base64")
        path = source.args[0].value if source.args and source.args[0].keyword is None \
            else None
        if "PIL.Image.open" in plan.qualified(source.func) and not (
                path is not None and self.is_stream(path)):
            # The legacy SDK sent a file-backed image as the file's own bytes; one opened from
            # a stream has no file name (Pillow's `filename` is ""): the WebP below.
            if path is None or not self.is_path(path):
                raise Unsupported(PART, f"cannot tell whether {name.value!r} was opened from a "
                                  "path (sent as the file's bytes) or from a file object (sent "
                                  "as WebP)")
            where: cst.BaseExpression = path if string_value(path) is not None else \
                cst.Attribute(name, cst.Name("filename"))
            data = cst.Call(cst.Attribute(cst.Call(self.path_class(media), [cst.Arg(where)]),
                                          cst.Name("read_bytes")))
            mime = cst.Call(cst.Attribute(name, cst.Name("get_format_mimetype")))
            return dict_node([("type", literal("image")), ("data", _b64(data)),
                              ("mime_type", mime)])
        statement = self.placement(site)
        media.imports.add("io")
        buffer = self.fresh(f"{name.value}_webp")
        media.statement = statement
        media.before.append(_line(f"{buffer} = io.BytesIO()\n"))
        media.before.append(_line(f'{name.value}.save({buffer}, format="webp", lossless=True)\n'))
        data = cst.Call(cst.Attribute(cst.Name(buffer), cst.Name("getvalue")))
        return dict_node([("type", literal("image")), ("data", _b64(data)),
                          ("mime_type", literal("image/webp"))])

    def placement(self, site: Site) -> cst.CSTNode:
        """The statement the WebP encoding goes before: the call must run exactly once per run
        of that statement, right after it starts."""
        plan = self.plan
        statement = plan.statement_of(site.call)
        current = plan.parent(site.call)
        while current is not None and current is not statement:
            if isinstance(current, (cst.Lambda, cst.BaseComp, cst.IfExp, cst.BooleanOperation,
                                    cst.NamedExpr)):
                raise Unsupported(PART, "the call runs conditionally: no place to encode the "
                                  "image before it")
            current = plan.parent(current)
        block = plan.parent(statement)
        if not (isinstance(statement, cst.SimpleStatementLine) or (
                isinstance(statement, cst.For) and _inside(site.call, statement.iter, plan))
                ) or not isinstance(block, (cst.IndentedBlock, cst.Module)):
            raise Unsupported(PART, "no statement to encode the image before the call")
        return statement

    def is_path(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """Statically a path (not a file object)."""
        if is_text_literal(node):
            return True
        if isinstance(node, cst.Call):
            names = self.plan.qualified(node.func)
            return bool(names & {"pathlib.Path", "os.path.join", "pathlib.PurePath"}) or (
                isinstance(node.func, cst.Attribute) and node.func.attr.value in (
                    "joinpath", "with_suffix", "with_name"))
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            return self.is_path(node.left, depth) or self.is_path(node.right, depth)
        if isinstance(node, cst.Name) and depth < 3:
            if self.is_text_name(node):
                return True  # upload_file() and Image.open() take any str as a path
            value = self.single_value(node)
            if isinstance(value, cst.Param):
                annotation = value.annotation
                return annotation is not None and self.plan.code(annotation.annotation) in (
                    "str", "Path", "pathlib.Path")
            return isinstance(value, cst.BaseExpression) and self.is_path(value, depth + 1)
        return False

    def path_class(self, media: SiteMedia) -> cst.BaseExpression:
        """`Path` when the module already imports it from pathlib, else `pathlib.Path`."""
        for node in _walk(self.plan.module):
            if isinstance(node, cst.ImportFrom) and isinstance(node.module, cst.Name) and (
                node.module.value == "pathlib" and not isinstance(node.names, cst.ImportStar)
                and any(a.evaluated_name == "Path" and a.asname is None for a in node.names)
            ):
                return cst.Name("Path")
        media.imports.add("pathlib")
        return cst.Attribute(cst.Name("pathlib"), cst.Name("Path"))

    # -- uploaded files ---------------------------------------------------------------------

    def file_sites(self, name: cst.Name) -> list[Site] | None:
        """The upload_file / get_file / list_files sites that bind a name, when they are all
        it is bound to."""
        found = self.assignments(name)
        sites: list[Site] = []
        for assignment in found:
            value = self.bound_value(assignment)
            if isinstance(value, cst.For):
                value = value.iter
            site = self.site_of(value)
            if site is None or FILES.get(site.method) not in ("upload", "get", "list"):
                return None
            sites.append(site)
        return sites or None

    def file_kind(self, name: cst.Name, site: Site | None, depth: int = 0) -> str | None:
        """The content block type of an uploaded File variable; None when the name is not
        one; Unsupported when it is but the type is not known statically. With a site, the
        file's calls are linked to it."""
        sites = self.file_sites(name)
        if sites is None:
            return None
        if site is None:
            return "file"
        self.link([*sites, site])
        kinds = set()
        for file_site in sites:
            method = FILES[file_site.method]
            source = _fetched_from(file_site.call)
            if method == "get" and source is not None and source.value == name.value:
                continue  # the same file again (a wait-until-ACTIVE loop)
            if method == "get" and source is not None and depth < 3:
                # `genai.get_file(other.name)`: the type of that upload
                kinds.add(self.file_kind(source, site, depth + 1) or "")
                continue
            mime = upload_mime(file_site.call, self.literal_of) if method == "upload" else None
            # not known when the code is written: chosen when it runs, from the File's own
            # mime_type (a File fetched by a name string is not followed: its type may be any)
            kinds.add(checked_kind(mime) if mime is not None else RUN_TIME)
        if "" in kinds:
            raise Unsupported(PART, f"the type of the file {name.value!r} is not known "
                              "statically")
        return kinds.pop() if len(kinds) == 1 else RUN_TIME

    def literal_of(self, node: cst.BaseExpression) -> str | None:
        """A string literal, or the literal a name is bound to (once)."""
        text = string_value(node)
        if text is None and isinstance(node, cst.Name):
            bound = self.single_value(node)
            text = string_value(bound) if isinstance(bound, cst.BaseExpression) else None
        return text

    def kind_helper(self, site: Site, file: cst.Name) -> str:
        """The name of the module-level function that picks a block type from a MIME type at
        run time (written once, after the imports: KIND_HELPER)."""
        if self.helper is None:
            self.helper = self.fresh("content_type")
        media = self.per_site.setdefault(id(site), SiteMedia())
        media.helper = True
        media.run_time.append(file)
        return self.helper

    # -- the files API ----------------------------------------------------------------------

    def plan_files(self, site: Site) -> None:
        method = FILES[site.method]
        if not self.plan.ctx.enabled(FILES_API, self.plan.path):
            raise Unsupported("", "disabled")
        if method == "upload":
            self.plan_upload(site)
        elif method == "get":
            args = _args(site.call, ("name",))
            site.edits[0] = _named(site.call.args[0], "name", args["name"])
        elif method == "delete":
            args = _args(site.call, ("name",))
            value = args["name"]
            if isinstance(value, cst.Name) and self.file_sites(value) is not None:
                self.link([*(self.file_sites(value) or []), site])
                value = cst.Attribute(value, cst.Name("name"))
            elif not self.is_name_string(value):
                raise Unsupported(FILE_OBJECT, f"cannot tell whether {self.plan.code(value)!r} "
                                  "is a File or a file name")
            site.edits[0] = _named(site.call.args[0], "name", value)
            if not isinstance(self.plan.parent(site.call), cst.Expr):
                raise Unsupported(FILE_OBJECT, "the result of delete_file() is used")
            return
        else:
            args = _args(site.call, ("page_size",))
            if args:
                site.edits[0] = _named(site.call.args[0], "config",
                                       dict_node([("page_size", args["page_size"])]))
        self.follow_file(site)

    def plan_upload(self, site: Site) -> None:
        args = _args(site.call, ("path", "mime_type", "name", "display_name", "resumable"))
        if "path" not in args:
            raise Unsupported(FILE_OBJECT, "upload_file() without a path")
        path = args["path"]
        config: list[tuple[str, cst.BaseExpression]] = []
        for index, arg in enumerate(site.call.args):
            key = arg.keyword.value if arg.keyword else "path"
            if key == "path":
                site.edits[index] = _named(arg, "file", path)
            elif any(isinstance(n, cst.Comment) for n in _walk(arg)):
                raise Unsupported(FILE_OBJECT, f"the comment on {key}= would be lost when the "
                                  "options move into config")
            else:
                site.edits[index] = None
                if key != "resumable":  # google-genai always uploads resumably
                    config.append((key, arg.value))
        if "display_name" not in args and not self.is_file_object(path):
            # The legacy SDK named an upload from a path after the file; google-genai does not.
            text = string_value(path)
            if text is None and isinstance(path, cst.Name):
                bound = self.single_value(path)
                text = string_value(bound) if isinstance(bound, cst.BaseExpression) else None
            if text is not None:
                config.append(("display_name", literal(os.path.basename(text))))
            elif "mime_type" not in args or self.is_path(path):
                if not _repeatable(path):
                    raise Unsupported(FILE_OBJECT, "the upload path is not a plain name: the "
                                      "display name the legacy SDK gave it cannot be kept")
                media = self.per_site.setdefault(id(site), SiteMedia())
                config.append(("display_name", cst.Attribute(
                    cst.Call(self.path_class(media), [cst.Arg(path)]), cst.Name("name"))))
            else:
                raise Unsupported(FILE_OBJECT, f"cannot tell whether {self.plan.code(path)!r} "
                                  "is a path (the legacy SDK named the upload after it) or a "
                                  "file object")
        if not config:
            return
        value = dict_node(config)
        # config takes the slot of the first argument it replaces (its comma keeps the
        # layout and the comment after it), else it goes last
        slot = next((i for i, a in enumerate(site.call.args) if a.keyword is not None
                     and a.keyword.value != "path"), None)
        start = self.plan.positions[site.call].start
        anchor = site.call.args[slot] if slot is not None else site.call
        where = self.plan.positions[anchor].start
        if where.line != start.line:  # the argument has a line of its own
            too_long = where.column + len(f"config={_code(value)},") > 100
        else:
            too_long = start.column + len(
                f"client.files.upload(file={_code(path)}, config={_code(value)})") > 100
        if too_long:
            value = _spread(value, self.plan.indent_of(anchor))
        if slot is None:
            if any(isinstance(n, cst.Comment) for a in site.call.args for n in _walk(a)):
                raise Unsupported(FILE_OBJECT, "the comment on the path would be lost when "
                                  "config is added")
            site.append = [_kwarg("config", value)]
        else:
            site.edits[slot] = _named(site.call.args[slot], "config", value)

    def is_file_object(self, node: cst.BaseExpression) -> bool:
        """`open(...)` / `io.BytesIO(...)`, or a name bound once to one (no display name)."""
        value: cst.CSTNode | None = node
        if isinstance(node, cst.Name):
            value = self.single_value(node)
        if not isinstance(value, cst.Call):
            return False
        names = self.plan.qualified(value.func)
        return bool(names & {"io.BytesIO", "io.open", "builtins.open", "open"}) or (
            isinstance(value.func, cst.Name) and value.func.value == "open")

    def is_stream(self, node: cst.BaseExpression) -> bool:
        """A file object, never a path: `open(...)`, `io.BytesIO(...)`, what Streamlit's
        file_uploader / camera_input returns, or a name bound once to one of these."""
        value: cst.CSTNode | None = self.single_value(node) if isinstance(node, cst.Name) \
            else node
        return self.is_file_object(node) or (isinstance(value, cst.Call) and bool(
            self.plan.qualified(value.func) & STREAM_WIDGETS) and not any(
            a.keyword is not None and a.keyword.value == "accept_multiple_files"
            for a in value.args))

    def is_name_string(self, node: cst.BaseExpression) -> bool:
        if is_text_literal(node):
            return True
        if isinstance(node, cst.Attribute) and node.attr.value == "name":
            return True
        return isinstance(node, cst.Name) and self.is_text_name(node)

    def follow_file(self, site: Site) -> None:
        """Every read of the File (or, for list_files, of the loop variable) must have a
        google-genai twin."""
        plan = self.plan
        parent = plan.parent(site.call)
        method = FILES[site.method]
        if method == "list":
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is site.call and (
                isinstance(parent.target, cst.Name)
            ):
                self.follow_name(site, parent.target)
                return
            raise Unsupported(FILE_OBJECT, "the list_files() result is used where "
                              "gemini-migrate cannot follow it")
        if isinstance(parent, cst.Expr):
            return
        if isinstance(parent, cst.Attribute) and parent.value is site.call:
            self.field(parent)
            return
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0].target, cst.Name
        ):
            self.follow_name(site, parent.targets[0].target)
            return
        raise Unsupported(FILE_OBJECT, "the File is passed or stored where gemini-migrate "
                          "cannot follow it")

    def follow_name(self, site: Site, target: cst.Name) -> None:
        plan = self.plan
        sites = self.file_sites(target)
        if sites is None:
            raise Unsupported(FILE_OBJECT, f"{target.value!r} also holds other values")
        self.link([*sites, site])
        for assignment in self.assignments(target):
            for access in plan.refs(assignment):
                self.file_use(access.node, sites)

    def file_use(self, node: cst.CSTNode, sites: list[Site]) -> None:
        plan = self.plan
        parent = plan.parent(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            self.field(parent)
            return
        if _is_truth_test(node, parent):
            return
        current = parent
        while current is not None and not isinstance(current, cst.BaseStatement):
            user = self.site_of(current)
            if user is not None:
                # a call this pass plans: it moves with the File, its conversion decides
                self.link([*sites, user])
                break
            current = plan.parent(current)
        arg = parent
        if isinstance(arg, cst.Element):
            arg = plan.parent(plan.parent(arg))  # Element -> List -> Arg
            if isinstance(arg, cst.Assign) and len(arg.targets) == 1 and isinstance(
                    arg.targets[0].target, cst.Name):
                # `parts = [..., file]` read once, as a planned call's contents
                found = self.assignments(arg.targets[0].target)
                reads = self.plan.refs(found[0]) if len(found) == 1 else []
                arg = plan.parent(reads[0].node) if len(reads) == 1 else arg
                call = plan.parent(arg) if isinstance(arg, cst.Arg) else None
                user = self.site_of(call)
                if user is not None:
                    self.link([*sites, user])
        call = plan.parent(arg) if isinstance(arg, cst.Arg) else None
        if call is not None and self.site_of(call) is not None:
            return
        raise Unsupported(FILE_OBJECT, f"the File {plan.code(node)!r} is used where "
                          "gemini-migrate cannot follow it")

    def field(self, attribute: cst.Attribute) -> None:
        name = attribute.attr.value
        if name in FILE_FIELDS:
            return
        outer = self.plan.parent(attribute)
        if name == "state" and isinstance(outer, cst.Attribute) and outer.value is attribute \
                and outer.attr.value == "name":
            return  # both SDKs' states are enums with the same member names
        raise Unsupported(FILE_OBJECT, f"File.{name} has no identical google-genai twin")

    # -- applying ---------------------------------------------------------------------------

    def apply(self, apply: Apply, site: Site) -> None:
        """The WebP encodings go just before the call's statement."""
        media = self.per_site.get(id(site))
        if media is None or FILES.get(site.method):
            return
        if media.statement is not None:
            apply.before.setdefault(media.statement, []).extend(media.before)
        for held, blocks in media.replace:
            apply.node_edits[held] = lambda n, new=blocks: new
        if media.multimodal:
            apply.found(site.call, MULTIMODAL, "images, inline data and uploaded files become "
                        "Interactions content blocks")
        for file in media.run_time:
            apply.found(site.call, RUN_TIME_KIND, f"the block type of {file.value!r} is "
                        "chosen when the code runs, from its mime_type: a text/* file "
                        "(which generateContent took) is not an Interactions document type "
                        "and may be refused")

    def add_imports(self, module: cst.Module) -> cst.Module:
        """The standard-library imports the migrated calls need (base64, io, pathlib), and the
        run-time block type helper when one uses it."""
        needed: set[str] = set()
        helper = False
        for site in self.plan.sites:
            media = self.per_site.get(id(site))
            if site.pin is None and media is not None:
                needed |= media.imports
                helper = helper or media.helper
        if needed:
            module = add_stdlib_imports(module, needed)
        if helper and self.helper is not None:
            module = add_helper(module, KIND_HELPER.format(name=self.helper), self.helper)
        return module


def add_helper(module: cst.Module, code: str, name: str) -> cst.Module:
    """A module-level function, after the imports above its first use (before that use when
    no import is above it), two blank lines on each side."""
    body = list(module.body)
    first = next((i for i, statement in enumerate(body) if any(
        isinstance(n, cst.Name) and n.value == name for n in _walk(statement))), None)
    if first is None:
        return module
    imports = [i for i, statement in enumerate(body[:first])
               if isinstance(statement, cst.SimpleStatementLine) and any(
                   isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)]
    at = imports[-1] + 1 if imports else first
    function = cst.parse_statement(code)
    blank = cst.EmptyLine()
    if at > 0:
        function = function.with_changes(leading_lines=[blank, blank])
    after = body[at]
    lines = list(after.leading_lines)
    if at == 0:  # above the module's first statement, and the comments above it
        function = function.with_changes(leading_lines=lines)
        lines = []
    blanks = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
    if blanks < 2:
        body[at] = after.with_changes(leading_lines=[blank] * (2 - blanks) + lines)
    body.insert(at, function)
    return module.with_changes(body=body)


def add_stdlib_imports(module: cst.Module, names: set[str]) -> cst.Module:
    """`import <name>` for each missing one, sorted into the module's standard-library imports
    (or in front of the first import when it has none), as isort would place it."""
    body = list(module.body)
    present: set[str] = set()
    stdlib: list[int] = []
    first: int | None = None
    for index, statement in enumerate(body):
        if not (isinstance(statement, cst.SimpleStatementLine) and statement.body
                and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))):
            continue
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom):
            root = _dotted(node.module).split(".")[0] if node.module is not None else ""
            if root == "__future__":
                continue
        else:
            root = _dotted(node.names[0].name).split(".")[0]
            present.update(_dotted(a.name) for a in node.names if a.asname is None)
        if first is None:
            first = index
        if root in sys.stdlib_module_names:
            stdlib.append(index)
    missing = sorted(names - present)
    if not missing:
        return module
    lines = [_line(f"import {name}\n") for name in missing]
    if not stdlib:
        # a group of its own above the first import, which keeps the lines above it
        at = first if first is not None else 0
        if at < len(body):
            lines[0] = lines[0].with_changes(leading_lines=body[at].leading_lines)
            body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine()])
        body[at:at] = lines
        return module.with_changes(body=body)
    for name, line in reversed(list(zip(missing, lines, strict=True))):
        at = next((i for i in stdlib if _sorts_after(body[i], name)), stdlib[-1] + 1)
        if at == stdlib[0]:
            line = line.with_changes(leading_lines=body[at].leading_lines)
            body[at] = body[at].with_changes(leading_lines=[])
        body.insert(at, line)
        stdlib = sorted([i + 1 if i >= at else i for i in stdlib] + [at])
    return module.with_changes(body=body)


def _sorts_after(statement: cst.BaseStatement, name: str) -> bool:
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return True  # isort puts `import x` lines before `from x import y` lines
    assert isinstance(node, cst.Import)
    return _dotted(node.names[0].name) > name


def checked_kind(mime: str) -> str:
    if mime.startswith("text/"):
        raise Unsupported(PART, f"a {mime} part: text documents are not an Interactions "
                          "document type")
    return kind_of(mime)


def upload_mime(call: cst.Call, value: Callable[[cst.BaseExpression], str | None] = string_value
                ) -> str | None:
    """The MIME type an upload_file() call gets: its literal mime_type=, else what the legacy
    SDK guessed from a literal path's extension. `value` reads a literal (or a name's)."""
    path: cst.BaseExpression | None = None
    for index, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword else ("path" if index == 0 else "")
        if key == "mime_type":
            return value(arg.value)
        if key == "path":
            path = arg.value
    text = value(path) if path is not None else None
    return mimetypes.guess_type(text)[0] if text else None


def _fetched_from(call: cst.Call) -> cst.Name | None:
    """`f` of `genai.get_file(f.name)`."""
    if len(call.args) != 1:
        return None
    value = call.args[0].value
    if isinstance(value, cst.Attribute) and value.attr.value == "name" and isinstance(
        value.value, cst.Name
    ):
        return value.value
    return None


def _subscript(name: cst.Name, key: str) -> cst.BaseExpression:
    return cst.Subscript(name, [cst.SubscriptElement(cst.Index(literal(key)))])


def _attribute(name: cst.Name, key: str) -> cst.BaseExpression:
    return cst.Attribute(name, cst.Name(key))


def _keys(node: cst.Dict) -> set[str]:
    return {string_value(e.key) or "" for e in node.elements if isinstance(e, cst.DictElement)}


def _fields(node: cst.BaseExpression) -> dict[str, cst.BaseExpression] | None:
    if not isinstance(node, cst.Dict):
        return None
    out: dict[str, cst.BaseExpression] = {}
    for element in node.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if key is None:
            return None
        out[key] = element.value
    return out


def _kwargs(node: cst.Call) -> dict[str, cst.BaseExpression] | None:
    if any(a.keyword is None or a.star for a in node.args):
        return None
    return {a.keyword.value: a.value for a in node.args if a.keyword is not None}


def _args(call: cst.Call, names: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    """Arguments by name; the first may be positional."""
    out: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            raise Unsupported(FILE_OBJECT, "** / * arguments cannot be followed")
        key = arg.keyword.value if arg.keyword else (names[0] if index == 0 else "")
        if key not in names:
            raise Unsupported(FILE_OBJECT, f"argument {key or 'positional'!r} is not understood")
        out[key] = arg.value
    return out


def _named(arg: cst.Arg, name: str, value: cst.BaseExpression) -> cst.Arg:
    return _rename(arg, name, value)


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    from migrator.codemods.facts.syntax import kwarg as make

    return make(name, value)


def _repeatable(node: cst.BaseExpression) -> bool:
    """Evaluating it twice reads the same value with no side effect."""
    return isinstance(node, (cst.Name, cst.Attribute)) and all(
        isinstance(n, (cst.Name, cst.Attribute, cst.Dot)) for n in _walk(node))


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _spread(block: cst.Dict, indent: str) -> cst.Dict:
    """`{` and `}` at `indent`, one key per line one level deeper, with a trailing comma."""
    def newline(depth: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                           last_line=cst.SimpleWhitespace(depth))

    elements = [e.with_changes(comma=cst.Comma(whitespace_after=newline(indent + "    ")))
                for e in block.elements]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=newline(indent)))
    return block.with_changes(lbrace=cst.LeftCurlyBrace(whitespace_after=newline(
        indent + "    ")), elements=elements)


def _b64(data: cst.BaseExpression) -> cst.BaseExpression:
    encode = cst.Call(cst.Attribute(cst.Name("base64"), cst.Name("b64encode")), [cst.Arg(data)])
    return cst.Call(cst.Attribute(encode, cst.Name("decode")))


def _line(code: str) -> cst.SimpleStatementLine:
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


def _inside(node: cst.CSTNode, root: cst.CSTNode, plan: Plan) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is root:
            return True
        current = plan.parent(current)
    return False


