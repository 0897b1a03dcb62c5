"""What a value is, as the google-genai pass asks it: text, a file's MIME type,
a response's text, a pydantic schema class.
"""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING, cast

import libcst as cst
from libcst.metadata import (
    BaseAssignment,
)

from migrator.codemods.genai_convert import (
    string_value,
)
from migrator.codemods.genai_models.common import (
    STR_METHODS,
    TEXT_CALLS,
    TEXT_FUNCTIONS,
    TEXT_METHODS,
)
from migrator.codemods.genai_models.helpers import (
    _is_str_annotation,
)

if TYPE_CHECKING:
    from migrator.codemods.genai_models.core import Pass


class Values:
    def __init__(self, core: Pass) -> None:
        self.core = core

    def is_text(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """True only when `node` is certainly a str at run time."""
        core = self.core
        if depth > 4:
            return False
        if isinstance(node, cst.SimpleString):
            return isinstance(node.evaluated_value, str)
        if isinstance(node, cst.FormattedString):
            return "b" not in node.prefix.lower()
        if isinstance(node, cst.ConcatenatedString):  # `f"..." "..."` across lines
            return self.is_text(node.left, depth) and self.is_text(node.right, depth)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return self.is_text(node.left, depth + 1) or self.is_text(node.right, depth + 1)
            if isinstance(node.operator, cst.Modulo):
                return self.is_text(node.left, depth + 1)
            return False
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and func.value in TEXT_FUNCTIONS:
                return core.qualified(func) <= {f"builtins.{func.value}", func.value}
            if isinstance(func, cst.Attribute):
                if func.attr.value == "dumps":
                    return "json.dumps" in core.qualified(func)
                if func.attr.value in STR_METHODS:
                    return self.is_text(func.value, depth + 1)
                if func.attr.value in TEXT_METHODS or core.qualified(func) & TEXT_CALLS:
                    return True
            return core.facts.text_call(node, self.is_text, depth)
        if isinstance(node, (cst.Subscript, cst.IfExp)):
            return core.facts.text_value(node, lambda n: self.is_text(n, depth + 1))
        if isinstance(node, cst.Name):
            found = core.referents(node)
            if not found:
                return False
            for assignment in found:
                value = core.assigned_value(assignment)
                if value is not None and self.is_text(value, depth + 1):
                    continue
                if self._text_param(assignment) or self._text_binding(assignment, depth) or (
                        core.facts.imported_text(assignment)):
                    continue
                param = getattr(assignment, "node", None)
                if isinstance(param, cst.Param) and core.facts.text_param(param, self.is_text):
                    continue
                return False
            return True
        if isinstance(node, cst.Attribute):
            return self.response_text(node) or self.text_field(node) or (
                core.facts.text_attribute(node, lambda n: self.is_text(n, depth + 1)))
        return False

    def file_mime(self, node: cst.BaseExpression) -> str | None:
        """The MIME type of `f` in `f = client.files.upload(file="x.pdf"[, config=...])`:
        the `mime_type` given in a literal config, else guessed from a literal file name."""
        core = self.core
        if not isinstance(node, cst.Name):
            return None
        found = core.referents(node)
        if len(found) != 1:
            return None
        value = core.assigned_value(next(iter(found)))
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "upload"
                and isinstance(value.func.value, cst.Attribute)
                and value.func.value.attr.value == "files"
                and core.is_client(value.func.value.value)):
            return None
        mime: str | None = None
        for arg in value.args:
            keyword = arg.keyword.value if arg.keyword else None
            if keyword == "file":
                name = string_value(arg.value)
                if name is not None:
                    mime = mime or mimetypes.guess_type(name)[0]
            elif keyword == "config" and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if isinstance(element, cst.DictElement) and string_value(
                            element.key) in ("mime_type", "mimeType"):
                        mime = string_value(element.value)
                        break
        return mime

    def response_text(self, node: cst.Attribute) -> bool:
        """`response.text` of a generate_content response is a str (the old call fails on
        None as the new one does): the common "feed one answer into the next prompt"."""
        core = self.core
        if node.attr.value != "text":
            return False
        values: list[cst.BaseExpression | None] = [node.value]
        if isinstance(node.value, cst.Name):
            found = core.referents(node.value)
            values = [core.assigned_value(a) for a in found] if found else [None]
        for value in values:
            if isinstance(value, cst.Await):
                value = value.expression
            found_call = core.target(value) if isinstance(value, cst.Call) else None
            if found_call is None or found_call[0] != "generate":
                return False
        return True

    def _text_binding(self, assignment: BaseAssignment, depth: int) -> bool:
        """`x += <text>` keeps a str a str; `for x in ("a", "b")` binds strs."""
        core = self.core
        node = getattr(assignment, "node", None)
        parent = core.parent(node) if isinstance(node, cst.Name) else None
        if isinstance(parent, cst.AugAssign) and parent.target is node:
            return isinstance(parent.operator, cst.AddAssign) and self.is_text(parent.value,
                                                                                depth + 1)
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            return _is_str_annotation(parent.annotation.annotation)
        if isinstance(parent, cst.For) and parent.target is node:
            items = parent.iter
            if isinstance(items, cst.Name):  # `for q in QUESTIONS` of a literal list
                found = core.referents(items)
                only = next(iter(found)) if len(found) == 1 else None
                value = core.assigned_value(only) if only is not None else None
                loops_only = only is not None and all(
                    isinstance(core.parent(a.node), cst.For)
                    and cast(cst.For, core.parent(a.node)).iter is a.node for a in only.references)
                if loops_only and isinstance(value, (cst.List, cst.Tuple)):
                    items = value
            return isinstance(items, (cst.List, cst.Tuple, cst.Set)) and bool(items.elements) \
                and all(not isinstance(e, cst.StarredElement) and self.is_text(e.value, depth + 1)
                        for e in items.elements)
        return False

    def _text_param(self, assignment: BaseAssignment) -> bool:
        """A parameter annotated `str` (or `str | None` / `Optional[str]`: None fails the old
        call and the new one alike)."""
        param = getattr(assignment, "node", None)
        if not isinstance(param, cst.Param) or param.annotation is None:
            return False
        ann = param.annotation.annotation
        if isinstance(ann, cst.SimpleString):
            return ann.evaluated_value in ("str", "str | None", "Optional[str]")
        if isinstance(ann, cst.BinaryOperation) and isinstance(ann.operator, cst.BitOr):
            sides = {cst.Module([]).code_for_node(ann.left), cst.Module([]).code_for_node(
                ann.right)}
            return sides == {"str", "None"}
        if isinstance(ann, cst.Subscript) and cst.Module([]).code_for_node(ann) in (
                "Optional[str]", "typing.Optional[str]"):
            return True
        return isinstance(ann, cst.Name) and ann.value == "str"

    def schema_class(self, node: cst.BaseExpression) -> str | None:
        """The name of a module-level pydantic model class, else None."""
        return node.value if isinstance(node, cst.Name) and self.pydantic_class(node) else None

    def pydantic_class(self, node: cst.Name) -> cst.ClassDef | None:
        core = self.core
        found = core.referents(node)
        if len(found) != 1:
            return None
        assignment = next(iter(found))
        cls = getattr(assignment, "node", None)
        if not isinstance(cls, cst.ClassDef) or not isinstance(core.parent(cls), cst.Module):
            return None
        for base in cls.bases:
            if {"pydantic.BaseModel", "pydantic.main.BaseModel"} & core.qualified(base.value):
                return cls
        return None

    def text_field(self, node: cst.Attribute) -> bool:
        """`query.text` where `query: Query` and Query is a pydantic model with `text: str`:
        pydantic has validated it into a str (the FastAPI request-body shape)."""
        if not isinstance(node.value, cst.Name):
            return False
        found = self.core.referents(node.value)
        param = getattr(next(iter(found)), "node", None) if len(found) == 1 else None
        if not isinstance(param, cst.Param) or param.annotation is None or not isinstance(
                param.annotation.annotation, cst.Name):
            return False
        cls = self.pydantic_class(param.annotation.annotation)
        if cls is None or not isinstance(cls.body, cst.IndentedBlock):
            return False
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) \
                        and small.target.value == node.attr.value:
                    ann = small.annotation.annotation
                    return isinstance(ann, cst.Name) and ann.value == "str"
        return False
