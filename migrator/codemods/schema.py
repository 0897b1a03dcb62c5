"""google-generativeai `response_schema` -> the JSON Schema of Interactions `response_format`.

google-generativeai 0.8.6 turned a Python type into its request schema through pydantic
(`content_types._schema_for_class`) and then post-processed it: `$defs` are inlined only where a
`$ref` is a property, one branch of an Optional property, or the items of a property;
`Optional[X]` becomes `nullable`; titles and additionalProperties are stripped; `required` is
dropped from every object; the class docstring and `Field(description=...)` survive as
`description`. Anything else in the result (a default value, `$ref` left deeper, `const`, ...)
made `protos.Schema(...)` raise, so such programs never sent a schema.

The migration writes that same schema as a JSON Schema literal. A runtime expression such as
`Recipe.model_json_schema()` or `TypeAdapter(list[Recipe]).json_schema()` would be shorter but
means something else: it adds `required` for every field, keeps `$defs`/`$ref` and titles.
So only classes defined in the file being migrated are converted (their definition is what the
schema is derived from); anything whose schema cannot be derived statically and faithfully
raises `Unsupported("GM030", ...)`, which pins the call. Some of those pins are conservative
(a subclass of a model, a `model_config`): the legacy SDK sent something, but reproducing it
would mean reimplementing more of pydantic than can be checked here.

Properties are listed in declaration order. The legacy request had none (a proto map, answered
in alphabetical key order according to the API docs), so the parsed answer is the same object
but its key order may differ. tests/codemods/test_schema.py runs the legacy SDK's own
conversion on every supported form and compares.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any, cast

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods.convert import Unsupported, string_value

CODE = "GM030"
Schema = dict[str, Any]
QualifiedNames = Callable[[cst.CSTNode], set[str]]

_SCALARS = {"builtins.str": "string", "builtins.int": "integer", "builtins.float": "number",
            "builtins.bool": "boolean"}
_LISTS = {"builtins.list", "typing.List", "typing_extensions.List"}
_OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
_UNION = {"typing.Union", "typing_extensions.Union"}
_LITERAL = {"typing.Literal", "typing_extensions.Literal"}
_ANNOTATED = {"typing.Annotated", "typing_extensions.Annotated"}
_REQUIRED = {f"{m}.{n}" for m in ("typing", "typing_extensions")
             for n in ("Required", "NotRequired")}
_TYPED_DICT = {"typing.TypedDict", "typing_extensions.TypedDict"}
_BASE_MODEL = {"pydantic.BaseModel", "pydantic.main.BaseModel"}
_FIELD = {"pydantic.Field", "pydantic.fields.Field"}
_DATACLASS = {"dataclasses.dataclass"}
# dataclass() options that leave the pydantic schema of the class unchanged.
_DATACLASS_OPTIONS = frozenset({"init", "repr", "eq", "order", "unsafe_hash", "frozen",
                                "match_args", "kw_only", "slots", "weakref_slot"})
_ENUM_BASES = {"enum.Enum", "enum.StrEnum", "builtins.str"}
_METHOD_DECORATORS = {"builtins.property", "builtins.staticmethod", "builtins.classmethod"}
# genai.protos.Schema, and the generated classes it re-exports (AI Studio's code export spells
# them `from google.ai.generativelanguage_v1beta.types import content`; `content.Schema`).
_PROTO_MODULES = ("google.generativeai.protos.", "google.ai.generativelanguage.",
                  "google.ai.generativelanguage_v1beta.", "google.ai.generativelanguage_v1.")
_PROTO_TYPES = {"STRING": "string", "NUMBER": "number", "INTEGER": "integer",
                "BOOLEAN": "boolean", "ARRAY": "array", "OBJECT": "object"}
# What protos.Schema accepts from a dict (after google-generativeai renamed type/format).
_PROTO_FIELDS = frozenset({"type", "format", "description", "nullable", "enum", "items",
                           "properties", "required", "max_items", "min_items"})
_JSON_NAMES = {"max_items": "maxItems", "min_items": "minItems"}


class LegacySchema:
    """Converts one legacy `response_schema` expression; `scopes` and `qualified` are the
    LibCST metadata of the module it sits in."""

    def __init__(self, qualified: QualifiedNames, scopes: Mapping[cst.CSTNode, Any],
                 reaching: Callable[[cst.Name], list[Any]] | None = None) -> None:
        self.qualified = qualified
        self.scopes = scopes
        # The definitions that may reach a read (facts/flow.py): a notebook that defines the
        # class again in a later cell still names one class at each use.
        self.reaching = reaching

    def definitions(self, name: cst.Name) -> list[Any]:
        found = self.reaching(name) if self.reaching is not None else []
        if found:
            return found
        scope = self.scopes.get(name)
        return list(scope[name.value]) if scope is not None else []

    def __call__(self, node: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(node, cst.Dict) or self.is_proto_schema(node):
            if isinstance(node, cst.Dict) and not _mentions_nullable(node):
                # The common literal dict keeps its own layout and comments.
                from migrator.codemods import genai_convert

                try:
                    return genai_convert.convert_schema(node, self.is_proto_class)
                except genai_convert.Unsupported as exc:
                    raise Unsupported(CODE, f"response_schema: {exc}") from exc
            if _has_comments(node):
                raise Unsupported(CODE, "response_schema: a literal schema with comments "
                                  "inside would lose them")
            return render(to_json_schema(self.literal(node)))
        return render(to_json_schema(self.top_level(node)))

    # -- literal schemas (dict / protos.Schema) ----------------------------------------------

    def is_proto_schema(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and self.is_proto_class(node.func, "Schema")

    def is_proto_class(self, func: cst.BaseExpression, name: str) -> bool:
        return name == "Schema" and any(
            q.startswith(_PROTO_MODULES) and q.endswith(".Schema") for q in self.qualified(func))

    def literal(self, node: cst.BaseExpression) -> Schema:
        """What google-generativeai sent for a dict or protos.Schema: the proto's fields only."""
        pairs: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(node, cst.Dict):
            for element in node.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is None or not isinstance(element, cst.DictElement):
                    raise Unsupported(CODE, "response_schema keys must be string literals")
                pairs.append((key.rstrip("_"), element.value))
        elif self.is_proto_schema(node):
            assert isinstance(node, cst.Call)
            for arg in node.args:
                if arg.keyword is None or arg.star:
                    raise Unsupported(CODE, "protos.Schema() with positional or ** arguments")
                pairs.append((arg.keyword.value.rstrip("_"), arg.value))
        else:
            raise Unsupported(CODE, "a nested response_schema is not a literal")
        out: Schema = {}
        for key, value in pairs:
            if key not in _PROTO_FIELDS:
                raise Unsupported(CODE, f"schema field {key!r}: google-generativeai's "
                                  "protos.Schema rejects it")
            if key == "type":
                out[key] = self.proto_type(value)
            elif key == "items":
                out[key] = self.literal(value)
            elif key == "properties":
                if not isinstance(value, cst.Dict):
                    raise Unsupported(CODE, "schema properties are not a literal dict")
                props = {}
                for element in value.elements:
                    name = (string_value(element.key)
                            if isinstance(element, cst.DictElement) else None)
                    if name is None or not isinstance(element, cst.DictElement):
                        raise Unsupported(CODE, "schema property names must be literals")
                    props[name] = self.literal(element.value)
                out[key] = props
            else:
                out[key] = _plain_value(value)
        return out

    def proto_type(self, node: cst.BaseExpression) -> str:
        text = string_value(node)
        if text is None:
            names = self.qualified(node)
            text = next((n.rsplit(".", 1)[1] for n in names
                         if n.startswith(_PROTO_MODULES) and n.split(".")[-2] == "Type"), None)
        kind = _PROTO_TYPES.get((text or "").upper())
        if kind is None:
            raise Unsupported(CODE, "schema type is not a literal type name")
        return kind

    # -- Python types ------------------------------------------------------------------------

    def top_level(self, node: cst.BaseExpression) -> Schema:
        """google-generativeai accepted a class (TypedDict, dataclass, pydantic model, enum,
        str/int/float/bool) or a builtin `list[...]`; typing.List, Optional and the like made
        it raise."""
        names = self.qualified(node)
        if isinstance(node, cst.Subscript):
            if "builtins.list" not in names:
                raise Unsupported(CODE, "google-generativeai accepts a class or list[...] as "
                                  "response_schema, not this annotation")
            return self.type_schema(node, "property", ())
        if isinstance(node, cst.Name) and (names & _SCALARS.keys() or self.class_of(node)):
            return self.type_schema(node, "property", ())
        if isinstance(node, cst.Name) and self.imported(node):
            raise Unsupported(CODE, f"response_schema class {node.value!r} is defined in "
                              "another module: its schema cannot be derived here")
        raise Unsupported(CODE, "response_schema is not a literal schema or a class defined "
                          "in this file")

    def type_schema(self, node: cst.BaseExpression, where: str,
                    seen: tuple[str, ...]) -> Schema:
        """`where` is the position inside the pydantic schema: the legacy SDK inlines a
        class's `$ref` at a "property", in the "anyof" of an Optional property and in the
        "items" of a property, never "deep"er."""
        names = self.qualified(node)
        if isinstance(node, cst.Name) and names & _SCALARS.keys():
            return {"type": _SCALARS[next(iter(names & _SCALARS.keys()))]}
        if isinstance(node, cst.Name):
            cls = self.class_of(node)
            if cls is None:
                bound = len(self.definitions(node))
                if bound > 1:  # a class defined on two branches, or in a loop
                    raise Unsupported(CODE, f"response_schema type {node.value!r}: {bound} of "
                                      "its definitions may reach this use; which one is "
                                      "meant is known only at run time")
                raise Unsupported(CODE, f"response_schema type {node.value!r} is not a class "
                                  "defined in this file")
            if where == "deep":
                raise Unsupported(CODE, f"google-generativeai could not send {node.value!r} "
                                  "nested this deep (it left a $ref)")
            if node.value in seen:
                raise Unsupported(CODE, f"recursive response_schema class {node.value!r}")
            return self.class_schema(cls, (*seen, node.value))
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self.nullable([node.left, node.right], where, seen)
        if isinstance(node, cst.Subscript):
            args = _subscript_args(node)
            if names & _LISTS and len(args) == 1:
                inner = {"property": "items", "anyof": "deep"}.get(where, "deep")
                return {"type": "array", "items": self.type_schema(args[0], inner, seen)}
            if names & _OPTIONAL and len(args) == 1:
                return self.nullable([args[0], cst.Name("None")], where, seen)
            if names & _UNION:
                return self.nullable(args, where, seen)
            if names & _LITERAL:
                values = [string_value(a) for a in args]
                if len(values) < 2 or any(v is None for v in values):
                    raise Unsupported(CODE, "only Literal of two or more strings is converted")
                return {"type": "string", "enum": values}
            if names & _REQUIRED and len(args) == 1:
                return self.type_schema(args[0], where, seen)  # required is dropped anyway
            if names & _ANNOTATED and len(args) >= 2:
                schema = self.type_schema(args[0], where, seen)
                for extra in args[1:]:
                    description = self.field_description(extra)
                    if _refers_to_class(schema, args[0], self):
                        raise Unsupported(CODE, "a field description on a class-typed field "
                                          "was lost by google-generativeai")
                    schema["description"] = description
                return schema
        raise Unsupported(CODE, f"response_schema annotation "
                          f"{cst.Module([]).code_for_node(node)!r} is not converted")

    def nullable(self, options: list[cst.BaseExpression], where: str,
                 seen: tuple[str, ...]) -> Schema:
        rest = [o for o in options if not (isinstance(o, cst.Name) and o.value == "None")]
        if len(options) != 2 or len(rest) != 1:
            raise Unsupported(CODE, "unions other than Optional[X] were rejected by "
                              "google-generativeai")
        # The legacy SDK resolved a `$ref` in one branch of an Optional property only.
        schema = self.type_schema(rest[0], "anyof" if where == "property" else "deep", seen)
        return {**schema, "nullable": True}

    def field_description(self, node: cst.BaseExpression) -> str:
        """`Field(description="...")` (also `Field(..., description=...)`): nothing else, since
        defaults, aliases and constraints change or break the legacy schema."""
        if not (isinstance(node, cst.Call) and self.qualified(node.func) & _FIELD):
            raise Unsupported(CODE, "field metadata other than Field(description=...)")
        description = None
        for index, arg in enumerate(node.args):
            if arg.keyword is None and index == 0 and isinstance(arg.value, cst.Ellipsis):
                continue
            if arg.keyword is not None and arg.keyword.value == "description":
                description = string_value(arg.value)
                if description is not None:
                    continue
            raise Unsupported(CODE, "Field() with a default, alias or constraint: "
                              "google-generativeai sent no schema for it")
        if description is None:
            raise Unsupported(CODE, "Field() without a literal description")
        return description

    # -- classes ------------------------------------------------------------------------------

    def class_of(self, name: cst.Name) -> cst.ClassDef | None:
        found = self.definitions(name)
        if len(found) != 1 or not isinstance(found[0], Assignment):
            return None
        node = found[0].node
        return node if isinstance(node, cst.ClassDef) else None

    def imported(self, name: cst.Name) -> bool:
        found = self.definitions(name)
        return len(found) == 1 and isinstance(
            getattr(found[0], "node", None), (cst.Import, cst.ImportFrom))

    def class_schema(self, cls: cst.ClassDef, seen: tuple[str, ...]) -> Schema:
        kind = self.class_kind(cls)
        body = list(cls.body.body) if isinstance(cls.body, cst.IndentedBlock) else []
        out: Schema = {}
        doc = _docstring(body)
        if doc is not None:
            body = body[1:]
            if doc:
                out["description"] = doc
        if kind == "enum":
            values = []
            for statement in body:
                if _is_method(statement, self):
                    continue
                member = _enum_member(statement)
                if member is None:
                    raise Unsupported(CODE, f"enum {cls.name.value!r} has members that are not "
                                      "string literals")
                values.append(member)
            if not values:
                raise Unsupported(CODE, f"enum {cls.name.value!r} has no members")
            return {"type": "string", **out, "enum": values}
        properties: Schema = {}
        for statement in body:
            if _is_method(statement, self) or _is_pass(statement):
                continue
            field = _annotated_field(statement)
            if field is None:
                raise Unsupported(CODE, f"class {cls.name.value!r} has a statement that may "
                                  "change its schema")
            name, annotation, value = field
            if name.startswith("_") or self.qualified(annotation) & {"typing.ClassVar"}:
                raise Unsupported(CODE, f"field {name!r} of {cls.name.value!r} is not a plain "
                                  "schema field")
            schema = self.type_schema(annotation, "property", seen)
            if value is not None:
                if isinstance(value, cst.Call) and not (
                        kind == "model" and self.qualified(value.func) & _FIELD):
                    # dataclasses.field(...) and the like: a default_factory adds nothing to
                    # the schema, a default does; not worth telling apart.
                    raise Unsupported(CODE, f"{cls.name.value}.{name} is declared with "
                                      f"{cst.Module([]).code_for_node(value.func)}(...)")
                if not isinstance(value, cst.Call):
                    raise Unsupported(CODE, f"{cls.name.value}.{name} has a default: "
                                      "google-generativeai 0.8.6 rejected that schema")
                if _refers_to_class(schema, annotation, self):
                    raise Unsupported(CODE, "a field description on a class-typed field "
                                      "was lost by google-generativeai")
                schema["description"] = self.field_description(value)
            properties[name] = schema
        if not properties:
            raise Unsupported(CODE, f"class {cls.name.value!r} has no fields")
        return {"type": "object", **out, "properties": properties}

    def class_kind(self, cls: cst.ClassDef) -> str:
        bases = [self.qualified(b.value) for b in cls.bases]
        keywords = [k.keyword.value for k in cls.keywords if k.keyword is not None]
        if len(cls.keywords) != len(keywords):
            raise Unsupported(CODE, f"class {cls.name.value!r} has ** keywords")
        if bases and all(b & _ENUM_BASES for b in bases) and any(
                b & {"enum.Enum", "enum.StrEnum"} for b in bases):
            if cls.decorators or keywords:
                raise Unsupported(CODE, f"enum {cls.name.value!r} is decorated or configured")
            return "enum"
        if len(bases) == 1 and bases[0] & _TYPED_DICT and set(keywords) <= {"total"}:
            if cls.decorators:
                raise Unsupported(CODE, f"TypedDict {cls.name.value!r} is decorated")
            return "typed_dict"
        if len(bases) == 1 and bases[0] & _BASE_MODEL and not keywords:
            if cls.decorators:
                raise Unsupported(CODE, f"model {cls.name.value!r} is decorated")
            return "model"
        if not bases and not keywords and len(cls.decorators) == 1:
            decorator = cls.decorators[0].decorator
            func = decorator.func if isinstance(decorator, cst.Call) else decorator
            options = ([a.keyword.value if a.keyword else "" for a in decorator.args]
                       if isinstance(decorator, cst.Call) else [])
            if self.qualified(func) & _DATACLASS and set(options) <= _DATACLASS_OPTIONS:
                return "dataclass"
        raise Unsupported(CODE, f"class {cls.name.value!r} is not a plain TypedDict, "
                          "dataclass, pydantic model or string enum")


def _subscript_args(node: cst.Subscript) -> list[cst.BaseExpression]:
    out = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index):
            raise Unsupported(CODE, "a slice in a type annotation")
        out.append(element.slice.value)
    return out


def _refers_to_class(schema: Schema, annotation: cst.BaseExpression,
                     conv: LegacySchema) -> bool:
    """pydantic puts a class-typed field's own description next to its `$ref`; the legacy SDK
    replaced the whole property with the class schema, losing it."""
    return any(conv.class_of(node) is not None for node in _walk_names(annotation))


def _walk_names(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class Names(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.append(n)

    node.visit(Names())
    return found


def _docstring(body: list[cst.BaseStatement]) -> str | None:
    """The class docstring as pydantic reads it (inspect.cleandoc); None without one."""
    if not body or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    first = body[0].body[0] if len(body[0].body) == 1 else None
    if not (isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)):
        return None
    value = first.value.evaluated_value
    if not isinstance(value, str):
        raise Unsupported(CODE, "a bytes docstring")
    return inspect.cleandoc(value)


def _is_pass(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis))
        for s in statement.body)


def _is_method(statement: cst.BaseStatement, conv: LegacySchema) -> bool:
    """Methods do not change the validation schema; decorated ones (validators, computed
    fields) might, except property/staticmethod/classmethod."""
    if not isinstance(statement, cst.FunctionDef):
        return False
    return all(conv.qualified(d.decorator) & _METHOD_DECORATORS for d in statement.decorators)


def _annotated_field(
    statement: cst.BaseStatement,
) -> tuple[str, cst.BaseExpression, cst.BaseExpression | None] | None:
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    node = statement.body[0]
    if not (isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name)):
        return None
    return node.target.value, node.annotation.annotation, node.value


def _enum_member(statement: cst.BaseStatement) -> str | None:
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    node = statement.body[0]
    if not (isinstance(node, cst.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and not node.targets[0].target.value.startswith("_")):
        return None
    return string_value(node.value)


def _mentions_nullable(node: cst.CSTNode) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_DictElement(self, element: cst.DictElement) -> None:
            nonlocal found
            found = found or string_value(element.key) == "nullable"

        def visit_Arg(self, arg: cst.Arg) -> None:  # a nested protos.Schema(nullable=...)
            nonlocal found
            found = found or (arg.keyword is not None and arg.keyword.value == "nullable")

    node.visit(Finder())
    return found


def _has_comments(node: cst.CSTNode) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Comment(self, _: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(Finder())
    return found


def _plain_value(node: cst.BaseExpression) -> Any:
    """A literal string / number / bool / list of them."""
    text = string_value(node)
    if text is not None:
        return text
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, (cst.List, cst.Tuple)):
        if any(isinstance(e, cst.StarredElement) for e in node.elements):
            raise Unsupported(CODE, "a schema list built with *")
        return [_plain_value(e.value) for e in node.elements]
    raise Unsupported(CODE, "a schema value is not a literal")


def to_json_schema(schema: Schema) -> Schema:
    """The legacy schema (lowercase types, `nullable`) as JSON Schema: a nullable schema is
    `anyOf` it and null, the spelling pydantic and Gemini's JSON Schema support use."""
    out: Schema = {}
    nullable = False
    for key, value in schema.items():
        if key == "nullable":
            nullable = bool(value)
            continue
        if key == "items":
            value = to_json_schema(value)
        elif key == "properties":
            value = {name: to_json_schema(sub) for name, sub in value.items()}
        out[_JSON_NAMES.get(key, key)] = value
    if nullable:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def render(value: Any, width: int = 72) -> cst.BaseExpression:
    """A generated schema as a readable literal: what fits stays on one line, the rest one
    entry per line (as a formatter would lay it out). The schema sits behind
    `response_format={"type": "text", "mime_type": ..., "schema": `, so only a short one
    stays on that line."""
    if len(_flat(value)) <= 40:
        return cst.parse_expression(_flat(value))
    parsed = cst.parse_expression(_format(value, 0, width, top=True))
    # Its line breaks carry absolute indentation (the callers shift it to where it lands), not
    # indentation relative to the enclosing block.
    return cast(cst.BaseExpression, parsed.visit(_AbsoluteIndent()))


class _AbsoluteIndent(cst.CSTTransformer):
    def leave_ParenthesizedWhitespace(
        self, original: cst.ParenthesizedWhitespace, updated: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        return updated.with_changes(indent=False)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _format(value: Any, indent: int, width: int, top: bool = False) -> str:
    flat = _flat(value)
    if (not top and indent + len(flat) <= width) or not isinstance(value, (dict, list)) or (
            not value):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        lines = [f"{pad}{_flat(k)}: {_format(v, indent + 4, width)}," for k, v in value.items()]
        return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"
    lines = [f"{pad}{_format(v, indent + 4, width)}," for v in value]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"
