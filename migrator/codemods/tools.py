"""google-generativeai function calling -> Interactions tools (api-mapping.md §3.3, §3.6).

Three things move:
- tool declarations: a Python function of the module (its JSON Schema derived from the type
  hints the way google-generativeai 0.8.6 derived it: `_schema_for_function`), a
  `FunctionDeclaration` / `protos.Tool` / dict declaration (OpenAPI-subset schema ->
  JSON Schema), and the built-ins `code_execution` / `google_search_retrieval` / `google_search`,
  each becomes an Interactions tool dict `{"type": "function", "name", "description",
  "parameters"}` / `{"type": "code_execution"}` / `{"type": "google_search"}`;
- `tool_config={"function_calling_config": ...}` -> `generation_config["tool_choice"]`;
- `start_chat(enable_automatic_function_calling=True)`: Interactions has no automatic function
  calling, so each send gets an explicit loop that runs the requested functions and sends
  their results back (`afc_loop`).

Whatever cannot be converted faithfully raises `Unsupported`, which pins the object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import libcst as cst
from libcst.metadata import Assignment, GlobalScope

from migrator.codemods import genai_convert
from migrator.codemods.convert import Unsupported, dict_node, literal, string_value
from migrator.codemods.facts.nodes import walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.facts.sites import Construction, Site
from migrator.codemods.facts.syntax import rename_kwarg as _rename
from migrator.findings import FIX_SAFE, FIX_UNSAFE, Finding, finding

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan

TOOL = "GM025"  # tools= migrated / a tool that cannot be
CHOICE = "GM026"  # tool_config -> tool_choice
AFC = "GM027"  # automatic function calling -> explicit loop
ROUND_TRIP = "GM028"  # function calls read / results sent by hand
SEARCH = "GM029"  # google_search_retrieval's dynamic-retrieval threshold is lost

# Annotations pydantic turns into a plain JSON Schema type (as google-generativeai sent them).
_SCALARS = {"builtins.str": "string", "builtins.int": "integer", "builtins.float": "number",
            "builtins.bool": "boolean"}
_LISTS = {"builtins.list", "typing.List", "typing.Sequence", "collections.abc.Sequence"}
_DICTS = {"builtins.dict", "typing.Dict", "typing.Mapping", "collections.abc.Mapping"}
_OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
_UNION = {"typing.Union", "typing_extensions.Union"}
_LITERAL = {"typing.Literal", "typing_extensions.Literal"}
_ENUM_BASES = {"enum.Enum", "enum.StrEnum"}
_MODES = {"auto": "auto", "any": "any", "none": "none", "mode_auto": "auto", "mode_any": "any",
          "mode_none": "none", "1": "auto", "2": "any", "3": "none"}


@dataclass
class ToolSet:
    """The Interactions tools of one `tools=` value."""

    # Tool dicts; a name of a converted shared definition; `*name` for a list of them.
    tools: list[cst.BaseExpression | cst.StarredElement] = field(default_factory=list)
    # Python functions declared as tools, by name: what automatic function calling runs.
    functions: list[str] = field(default_factory=list)
    # The definition each of those names held where the tools were given (same order).
    function_defs: list[cst.FunctionDef] = field(default_factory=list)
    # Function declarations with no Python function behind them.
    declarations: int = 0
    notes: list[str] = field(default_factory=list)  # GM029 messages


class Tools:
    """Converts tool values for one module; `plan` answers qualified names and scopes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    # -- names -----------------------------------------------------------------------------

    def legacy_class(self, node: cst.BaseExpression, *names: str) -> str | None:
        """The legacy class (last dotted component) `node` names, if one of `names`."""
        for q in self.plan.qualified(node):
            if q.startswith(LEGACY + ".") and q.rsplit(".", 1)[-1] in names:
                return q.rsplit(".", 1)[-1]
        return None

    def indent(self, node: cst.CSTNode) -> str:
        """The indentation of node's line relative to its block: what generated line breaks
        (ParenthesizedWhitespace with indent=True) take."""
        statement = self.plan.statement_of(node)
        base = self.plan.indent_of(statement) if statement is not None else ""
        return self.plan.indent_of(node)[len(base):]

    def is_types(self, node: cst.BaseExpression, name: str) -> bool:
        """genai_convert's test for schema classes, answered for the legacy SDK."""
        return self.legacy_class(node, name) is not None

    # -- tools= ------------------------------------------------------------------------------

    def enabled(self, code: str) -> None:
        """A disabled rule keeps its code on the legacy SDK, silently (legacy.Plan.disable)."""
        if not self.plan.ctx.enabled(code, self.plan.path):
            raise Unsupported("", "disabled")

    def convert(self, node: cst.BaseExpression) -> ToolSet:
        self.enabled(TOOL)
        out = ToolSet()
        value = string_value(node)
        if value is not None:
            self.builtin_string(value, out)
        elif isinstance(node, (cst.List, cst.Tuple)):
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    raise Unsupported(TOOL, "tools built with * cannot be followed")
                self.tool(element.value, out)
        else:
            self.tool(node, out)
        names = [self.function_name(t) for t in out.tools if isinstance(t, cst.Dict)]
        seen = [n for n in names if n is not None]
        if len(seen) != len(set(seen)):
            raise Unsupported(TOOL, "two function tools share a name")
        return out

    @staticmethod
    def function_name(tool: cst.BaseExpression) -> str | None:
        if not isinstance(tool, cst.Dict):
            return None
        for element in tool.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == "name":
                return string_value(element.value)
        return None

    def builtin_string(self, value: str, out: ToolSet) -> None:
        if value.lower() == "code_execution":
            out.tools.append(_builtin("code_execution"))
        elif value.lower() == "google_search_retrieval":
            out.tools.append(_builtin("google_search"))
        else:
            raise Unsupported(TOOL, f"tool {value!r} is not a tool the legacy SDK knew")

    def tool(self, node: cst.BaseExpression, out: ToolSet) -> None:
        """One element of a tools list (or the whole value): a function, a declaration, a
        Tool, a built-in."""
        value = string_value(node)
        if value is not None:
            self.builtin_string(value, out)
            return
        if isinstance(node, cst.Name):
            self.named(node, out, declaration=False)
            return
        if isinstance(node, (cst.List, cst.Tuple)):
            for element in node.elements:  # a list of declarations is one Tool
                if isinstance(element, cst.StarredElement):
                    raise Unsupported(TOOL, "tools built with * cannot be followed")
                self.declaration_or_function(element.value, out)
            return
        if isinstance(node, cst.Call):
            kind = self.legacy_class(node.func, "Tool", "FunctionDeclaration", "CodeExecution",
                                     "GoogleSearchRetrieval")
            if kind == "Tool":
                self.tool_fields(_keywords(node, "Tool"), out)
                return
            if kind == "FunctionDeclaration":
                out.tools.append(self.declaration(node))
                out.declarations += 1
                return
            if kind == "CodeExecution" and not node.args:
                out.tools.append(_builtin("code_execution"))
                return
            if kind == "GoogleSearchRetrieval":
                self.search(node, out)
                return
            raise Unsupported(TOOL, f"tool {self.plan.code(node.func)}(...) is not understood")
        if isinstance(node, cst.Dict):
            fields = _dict_fields(node, "tool")
            if {"function_declarations", "code_execution", "google_search_retrieval",
                    "google_search"} & {k for k, _ in fields}:
                self.tool_fields(fields, out)
            else:
                out.tools.append(self.declaration(node))
                out.declarations += 1
            return
        raise Unsupported(TOOL, f"tool {self.plan.code(node)!r} is not a literal declaration "
                          "or a function of this module")

    def declaration_or_function(self, node: cst.BaseExpression, out: ToolSet) -> None:
        if isinstance(node, cst.Name):
            self.named(node, out, declaration=True)
        else:
            out.tools.append(self.declaration(node))
            out.declarations += 1

    def named(self, name: cst.Name, out: ToolSet, *, declaration: bool) -> None:
        """A name in a tools list: a function of the module, or a variable bound once to a
        literal declaration / tool, whose definition is converted where it is (it moves only
        if every use of it moves, like a shared config)."""
        scope = self.plan.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        node = assignments[0].node if len(assignments) == 1 and isinstance(
            assignments[0], Assignment) else None
        if node is None and self.reaching_def(name) is not None:
            node = self.reaching_def(name)  # a notebook cell's own definition (flow.py)
        if isinstance(node, cst.FunctionDef):
            out.tools.append(self.python_function(name))
            out.functions.append(name.value)
            out.function_defs.append(node)
            return
        target = self.plan.parent(node) if node is not None else None
        assign = self.plan.parent(target) if isinstance(target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            if len(assignments) > 1:  # a notebook that defines the function in several cells
                raise Unsupported(TOOL, f"tool {name.value!r} is defined {len(assignments)} "
                                  "times in this file: which definition is meant here is not "
                                  "known statically")
            raise Unsupported(TOOL, f"tool {name.value!r} is neither a function of this module "
                              "nor a variable bound once to a literal tool")
        refs: list[cst.CSTNode] = []
        for access in self.plan.refs(assignments[0]):  # type: ignore[arg-type]
            if not self.tool_position(access.node):
                raise Unsupported(TOOL, f"{name.value!r} is used for more than a tool")
            refs.append(access.node)
        inner = ToolSet()
        value = assign.value
        single = isinstance(value, cst.Call) and self.legacy_class(
            value.func, "FunctionDeclaration") is not None or isinstance(value, cst.Dict) and (
            not {"function_declarations", "code_execution", "google_search_retrieval",
                 "google_search"} & {k for k, _ in _dict_fields(value, "tool")})
        if single:
            inner.tools.append(self.declaration(value))
            inner.declarations += 1
        elif declaration:
            raise Unsupported(TOOL, f"{name.value!r} is not a function declaration")
        else:
            self.tool(value, inner)
        if any(not isinstance(t, cst.BaseExpression) for t in inner.tools):
            raise Unsupported(TOOL, f"{name.value!r} is built from other shared tools")
        indent = self.indent(assign)
        column = len(indent) + len(name.value) + 3
        if single:
            converted = pretty(inner.tools[0], indent, column)  # type: ignore[arg-type]
            out.tools.append(name)
        else:
            converted = pretty(cst.List([cst.Element(t) for t in inner.tools  # type: ignore
                                         ]), indent, column)
            out.tools.append(cst.StarredElement(name))
        self.plan.config_defs[assign] = converted
        self.plan.def_refs[assign] = refs
        out.functions.extend(inner.functions)
        out.function_defs.extend(inner.function_defs)
        out.declarations += inner.declarations
        out.notes.extend(inner.notes)

    def tool_position(self, node: cst.CSTNode) -> bool:
        """`tools=name`, or an element of a `tools=` / `function_declarations` list."""
        parent = self.plan.parent(node)
        if isinstance(parent, cst.Element):
            parent = self.plan.parent(self.plan.parent(parent))
        if isinstance(parent, cst.Arg):
            return parent.keyword is not None and parent.keyword.value in (
                "tools", "function_declarations")
        return isinstance(parent, cst.DictElement) and string_value(parent.key) in (
            "tools", "function_declarations")

    def tool_fields(self, fields: list[tuple[str, cst.BaseExpression]], out: ToolSet) -> None:
        # The legacy SDK sent a Tool's function declarations before its built-ins.
        fields = sorted(fields, key=lambda item: item[0] != "function_declarations")
        for key, value in fields:
            if key == "function_declarations":
                if not isinstance(value, (cst.List, cst.Tuple)):
                    raise Unsupported(TOOL, "function_declarations is not a literal list")
                for element in value.elements:
                    if isinstance(element, cst.StarredElement):
                        raise Unsupported(TOOL, "function_declarations built with *")
                    self.declaration_or_function(element.value, out)
            elif key == "code_execution":
                if not (_empty(value) or isinstance(value, cst.Call) and not value.args
                        and self.legacy_class(value.func, "CodeExecution")):
                    raise Unsupported(TOOL, "code_execution options are not understood")
                out.tools.append(_builtin("code_execution"))
            elif key == "google_search_retrieval":
                self.search(value, out)
            elif key == "google_search":
                if not (_empty(value) or isinstance(value, cst.Call) and not value.args
                        and self.legacy_class(value.func, "GoogleSearch")):
                    raise Unsupported(TOOL, "google_search options are not migrated")
                out.tools.append(_builtin("google_search"))
            else:
                raise Unsupported(TOOL, f"tool field {key!r} has no Interactions equivalent")

    def search(self, node: cst.BaseExpression, out: ToolSet) -> None:
        """google_search_retrieval -> google_search: the Interactions tool has no dynamic
        retrieval, so a configured threshold is lost (and reported)."""
        if isinstance(node, cst.Call) and self.legacy_class(
                node.func, "GoogleSearchRetrieval") is None:
            raise Unsupported(TOOL, "google_search_retrieval is not a literal")
        if not isinstance(node, (cst.Call, cst.Dict)):
            raise Unsupported(TOOL, "google_search_retrieval is not a literal")
        configured = not _empty(node) and not (isinstance(node, cst.Call) and not node.args)
        out.tools.append(_builtin("google_search"))
        if configured:
            if not (self.plan.ctx.unsafe_fixes and self.plan.ctx.enabled(SEARCH, self.plan.path)):
                raise Unsupported(SEARCH, "google_search_retrieval's dynamic retrieval config "
                                  "has no Interactions equivalent (--unsafe-fixes drops it and "
                                  "uses google_search)")
            out.notes.append("google_search_retrieval becomes google_search; its dynamic "
                             "retrieval config (mode / threshold) has no Interactions "
                             "equivalent and is dropped (unsafe fix: the model now decides "
                             "when to search)")

    # -- declarations ------------------------------------------------------------------------

    def declaration(self, node: cst.BaseExpression) -> cst.Dict:
        """A FunctionDeclaration (protos or types) or a declaration dict."""
        if isinstance(node, cst.Call):
            if self.legacy_class(node.func, "FunctionDeclaration") is None:
                raise Unsupported(TOOL, f"{self.plan.code(node.func)}(...) is not a function "
                                  "declaration")
            fields = _keywords(node, "FunctionDeclaration")
        elif isinstance(node, cst.Dict):
            fields = _dict_fields(node, "function declaration")
        else:
            raise Unsupported(TOOL, f"function declaration {self.plan.code(node)!r} is not a "
                              "literal")
        items: list[tuple[str, cst.BaseExpression]] = [("type", literal("function"))]
        names = {k for k, _ in fields}
        if "name" not in names:
            raise Unsupported(TOOL, "a function declaration without a name")
        for key, value in fields:
            if key == "name":
                if string_value(value) is None:
                    raise Unsupported(TOOL, "a function declaration name is not a literal")
                items.append(("name", value))
            elif key == "description":
                items.append(("description", value))
            elif key == "parameters":
                if _is_none(value):
                    continue
                try:
                    items.append(("parameters",
                                  genai_convert.convert_schema(value, self.is_types)))
                except genai_convert.Unsupported as exc:
                    raise Unsupported(TOOL, f"function parameters: {exc.reason}") from exc
            elif key == "function":
                raise Unsupported(TOOL, "a declaration dict carrying its function is not "
                                  "migrated")
            else:
                raise Unsupported(TOOL, f"function declaration field {key!r} has no "
                                  "Interactions equivalent")
        return dict_node(items)

    def python_function(self, name: cst.Name) -> cst.Dict:
        """A module-level function -> its declaration, as google-generativeai built it: name,
        docstring, and the JSON Schema pydantic derives from the annotations."""
        function = self.function_def(name)
        if function.decorators:
            raise Unsupported(TOOL, f"{name.value}() is decorated: its signature cannot be "
                              "read from the source")
        if function.asynchronous is not None:
            raise Unsupported(TOOL, f"{name.value}() is async: the legacy SDK could not call "
                              "it")
        params = function.params
        if params.posonly_params:
            raise Unsupported(TOOL, f"{name.value}() has positional-only parameters")
        properties: list[tuple[str, cst.BaseExpression]] = []
        required: list[str] = []
        for param in [*params.params, *params.kwonly_params]:
            if param.annotation is None:
                raise Unsupported(TOOL, f"{name.value}() parameter {param.name.value!r} has no "
                                  "type hint: its schema cannot be derived")
            properties.append((param.name.value, self.annotation_schema(
                param.annotation.annotation, f"{name.value}({param.name.value})")))
            if param.default is None:
                required.append(param.name.value)
        items: list[tuple[str, cst.BaseExpression]] = [
            ("type", literal("function")), ("name", literal(name.value))]
        doc = function.get_docstring(clean=True)
        if doc:
            items.append(("description", _text(doc)))
        if properties:
            parameters: list[tuple[str, cst.BaseExpression]] = [
                ("type", literal("object")), ("properties", dict_node(properties))]
            if required:
                parameters.append(("required", cst.List(
                    [cst.Element(literal(r)) for r in required])))
            items.append(("parameters", dict_node(parameters)))
        return dict_node(items)

    def defined_last(self, name: str, function: cst.FunctionDef, where: cst.CSTNode) -> bool:
        """Whether `name` holds `function` when the module-level statement around `where`
        runs: every binding of the name is a `def` of the module body (run in order, none
        under if/loop/try, none from a `global` elsewhere) and `function` is the last one
        above that statement."""
        plan = self.plan
        statement = _top_statement(plan, where)
        module = plan.scopes.get(plan.module)
        if statement is None or module is None or name not in module.assignments:
            return False
        defs = []
        for assignment in module.assignments[name]:
            node = getattr(assignment, "node", None)
            if not isinstance(node, cst.FunctionDef) or not isinstance(
                    plan.parent(node), cst.Module):
                return False
            defs.append(node)
        above = [d for d in defs if plan.pos(d) < plan.pos(statement)]
        return bool(above) and max(above, key=plan.pos) is function

    def reaching_def(self, name: cst.Name) -> cst.FunctionDef | None:
        """The module-level function a read of `name` holds when only one definition of the
        name reaches it (facts/flow.py): a notebook that defines the tool again per cell."""
        reaching = self.plan.flow.reaching(name)
        if len(reaching) != 1 or not isinstance(reaching[0], Assignment) or not isinstance(
                reaching[0].scope, GlobalScope):
            return None
        node = reaching[0].node
        return node if isinstance(node, cst.FunctionDef) else None

    def function_def(self, name: cst.Name) -> cst.FunctionDef:
        scope = self.plan.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        reached = self.reaching_def(name) if len(assignments) > 1 else None
        if reached is not None:
            return reached
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment) or not (
            isinstance(assignments[0].node, cst.FunctionDef)
        ):
            raise Unsupported(TOOL, f"tool {name.value!r} is not a function defined once in "
                              "this module")
        if not isinstance(assignments[0].scope, GlobalScope):
            raise Unsupported(TOOL, f"{name.value}() is not defined at module level")
        return assignments[0].node

    def annotation_schema(self, node: cst.BaseExpression, where: str) -> cst.Dict:
        schema, nullable = self._annotation(node, where)
        if nullable:
            # JSON Schema's spelling of the legacy `nullable: true`.
            return _replace_type(schema, cst.List([cst.Element(schema_type(schema)),
                                                   cst.Element(literal("null"))]))
        return schema

    def _annotation(self, node: cst.BaseExpression, where: str) -> tuple[cst.Dict, bool]:
        """(schema, nullable) of one annotation; anything pydantic would turn into something
        other than these plain shapes (unions, models, Any, bare list) pins."""
        names = self.plan.qualified(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._optional([node.left, node.right], where)
        if isinstance(node, (cst.Name, cst.Attribute)):
            scalar = next((_SCALARS[q] for q in names if q in _SCALARS), None)
            if scalar is not None:
                return dict_node([("type", literal(scalar))]), False
            if names & _DICTS:
                return dict_node([("type", literal("object"))]), False
            enum_values = self.enum_values(node) if isinstance(node, cst.Name) else None
            if enum_values is not None:
                return dict_node([("type", literal("string")), ("enum", cst.List(
                    [cst.Element(literal(v)) for v in enum_values]))]), False
            raise Unsupported(TOOL, f"{where}: the type hint {self.plan.code(node)!r} has no "
                              "faithful schema conversion")
        if isinstance(node, cst.Subscript):
            base = self.plan.qualified(node.value)
            args = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if len(args) != len(node.slice):
                raise Unsupported(TOOL, f"{where}: a sliced type hint")
            if base & _LISTS and len(args) == 1:
                items = self.annotation_schema(args[0], where)
                return dict_node([("type", literal("array")), ("items", items)]), False
            if base & _DICTS:
                return dict_node([("type", literal("object"))]), False
            if base & _OPTIONAL and len(args) == 1:
                schema, _ = self._annotation(args[0], where)
                return schema, True
            if base & _UNION:
                return self._optional(args, where)
            if base & _LITERAL:
                values = [string_value(a) for a in args]
                if not values or any(v is None for v in values):
                    raise Unsupported(TOOL, f"{where}: only Literal of strings converts "
                                      "(the legacy enum was a list of strings)")
                return dict_node([("type", literal("string")), ("enum", cst.List(
                    [cst.Element(literal(v)) for v in values if v is not None]))]), False
        raise Unsupported(TOOL, f"{where}: the type hint {self.plan.code(node)!r} has no "
                          "faithful schema conversion")

    def _optional(self, members: list[cst.BaseExpression], where: str) -> tuple[cst.Dict, bool]:
        others = [m for m in members if not _is_none(m)]
        if len(members) != 2 or len(others) != 1:
            raise Unsupported(TOOL, f"{where}: unions other than Optional[X] were refused by "
                              "the legacy SDK")
        schema, _ = self._annotation(others[0], where)
        return schema, True

    def enum_values(self, name: cst.Name) -> list[str] | None:
        """The string values of a module-level Enum class with literal members."""
        scope = self.plan.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        node = assignments[0].node
        if not isinstance(node, cst.ClassDef) or not any(
            self.plan.qualified(b.value) & _ENUM_BASES for b in node.bases
        ):
            return None
        values: list[str] = []
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign):
                        value = string_value(small.value)
                        if value is None:
                            return None  # int or computed members: not a list of strings
                        values.append(value)
                    elif not isinstance(small, (cst.Expr, cst.Pass)):
                        return None
            elif not isinstance(statement, cst.FunctionDef):
                return None
        return values or None

    # -- tool_config -------------------------------------------------------------------------

    def tool_choice(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """tool_config -> the value of generation_config["tool_choice"]; None for "auto"
        without names (the default)."""
        self.enabled(CHOICE)
        if isinstance(node, cst.Call) and self.legacy_class(node.func, "ToolConfig"):
            fields = _keywords(node, "ToolConfig")
        elif isinstance(node, cst.Dict):
            fields = _dict_fields(node, "tool_config")
        else:
            raise Unsupported(CHOICE, "tool_config is not a literal")
        calling = dict(fields).get("function_calling_config")
        if calling is None or len(fields) != 1:
            raise Unsupported(CHOICE, "tool_config other than function_calling_config")
        mode_node: cst.BaseExpression | None = calling
        names: cst.List | None = None
        if isinstance(calling, cst.Call) and self.legacy_class(calling.func,
                                                               "FunctionCallingConfig"):
            config = _keywords(calling, "FunctionCallingConfig")
        elif isinstance(calling, cst.Dict):
            config = _dict_fields(calling, "function_calling_config")
        else:
            config = None
        if config is not None:
            mode_node = None
            for key, value in config:
                if key == "mode":
                    mode_node = value
                elif key == "allowed_function_names":
                    if not isinstance(value, (cst.List, cst.Tuple)) or not all(
                            isinstance(e, cst.Element) and string_value(e.value) is not None
                            for e in value.elements):
                        raise Unsupported(CHOICE, "allowed_function_names is not a literal "
                                          "list of names")
                    names = cst.List([e.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                                      for e in value.elements])
                else:
                    raise Unsupported(CHOICE, f"function_calling_config.{key} is not "
                                      "understood")
        mode = self.mode(mode_node)
        if names is not None and names.elements:
            return dict_node([("allowed_tools", dict_node([
                ("mode", literal(mode)), ("tools", names)]))])
        return None if mode == "auto" else literal(mode)

    def mode(self, node: cst.BaseExpression | None) -> str:
        if node is None:
            raise Unsupported(CHOICE, "function_calling_config without a mode")
        if isinstance(node, cst.Integer):
            key = node.value
        else:
            text = genai_convert.enum_or_string(node)
            if text is None:
                raise Unsupported(CHOICE, "the function calling mode is not a literal")
            key = text.lower()
        if key not in _MODES:
            raise Unsupported(CHOICE, f"function calling mode {key!r} has no Interactions "
                              "equivalent")
        return _MODES[key]


# -- automatic function calling ---------------------------------------------------------------


def afc_loop(
    response: str, chat: str, create: cst.BaseExpression, functions: list[str],
    fresh: Callable[[str], str], is_async: bool,
) -> cst.While:
    """The explicit loop that replaces legacy automatic function calling after one send.

    As the legacy SDK did: while the model asks for function calls, run each one with its
    arguments, wrap a non-dict return value as {"result": value}, and send all results back
    in one turn (chained on the chat with previous_interaction_id)."""
    results, call, output, function = (fresh("results"), fresh("call"), fresh("output"),
                                       fresh("function"))
    mapping = "{" + ", ".join(f'"{n}": {n}' for n in functions) + "}"
    if len(mapping) + len(function) + len(call) + 30 > WIDTH:
        mapping = "{\n" + "".join(f'                "{n}": {n},\n' for n in functions) + \
            "            }"
    create_code = cst.Module([]).code_for_node(create)
    send = f"await {create_code}" if is_async else create_code
    code = (
        f'while {response}.status == "requires_action":\n'
        f"    {results} = []\n"
        f"    for {call} in {response}.steps:\n"
        f'        if {call}.type == "function_call":\n'
        f"            {function} = {mapping}[{call}.name]\n"
        f"            {output} = {function}(**{call}.arguments)\n"
        f"            if not isinstance({output}, dict):\n"
        f'                {output} = {{"result": {output}}}\n'
        f"            {results}.append({{\n"
        f'                "type": "function_result",\n'
        f'                "call_id": {call}.id,\n'
        f'                "name": {call}.name,\n'
        f'                "result": {output},\n'
        f"            }})\n"
        f"    {response} = {send}(**{chat}, input={results})\n"
        f'    {chat}["previous_interaction_id"] = {response}.id\n'
    )
    loop = cst.parse_statement(code)
    assert isinstance(loop, cst.While)
    why = "# The legacy chat ran the functions the model asked for (automatic function calling)."
    return loop.with_changes(leading_lines=[cst.EmptyLine(comment=cst.Comment(why))])


# -- small helpers --------------------------------------------------------------------------


def _builtin(kind: str) -> cst.Dict:
    return dict_node([("type", literal(kind))])


def _text(text: str) -> cst.SimpleString:
    return cst.SimpleString(json.dumps(text, ensure_ascii=False))


def _is_none(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _empty(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Dict) and not node.elements


def _keywords(node: cst.Call, what: str) -> list[tuple[str, cst.BaseExpression]]:
    out = []
    for arg in node.args:
        if arg.keyword is None or arg.star:
            raise Unsupported(TOOL, f"{what}(...) with positional or ** arguments")
        out.append((arg.keyword.value, arg.value))
    return out


def _dict_fields(node: cst.Dict, what: str) -> list[tuple[str, cst.BaseExpression]]:
    out = []
    for element in node.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if key is None or not isinstance(element, cst.DictElement):
            raise Unsupported(TOOL, f"{what} keys must be string literals")
        out.append((key, element.value))
    return out


def schema_type(schema: cst.Dict) -> cst.BaseExpression:
    for element in schema.elements:
        if isinstance(element, cst.DictElement) and string_value(element.key) == "type":
            return element.value
    raise AssertionError("schemas built here always have a type")


def _replace_type(schema: cst.Dict, value: cst.BaseExpression) -> cst.Dict:
    return schema.with_changes(elements=[
        e.with_changes(value=value) if isinstance(e, cst.DictElement)
        and string_value(e.key) == "type" else e for e in schema.elements])


# -- the hooks legacy.Plan calls --------------------------------------------------------------


class ToolPlan(Tools):
    """What `legacy.Plan` asks: the tools of a model, per-call tools, the AFC sites."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self.by_call: dict[cst.Call, ToolSet] = {}  # GenerativeModel call -> its tools
        self.afc_chats: set[cst.Call] = set()  # start_chat calls with AFC on
        self.afc_sites: dict[int, list[str]] = {}  # id(site) -> functions its loop runs
        self.choices: set[cst.Call] = set()  # GenerativeModel calls whose tool_config moved
        self.round_trip = RoundTrip(self)

    def construction_findings(self, construction: Construction) -> list[Finding]:
        """What moved with a GenerativeModel(...): its tools, its tool_config."""
        plan = self.plan
        call = construction.call
        out = []
        toolset = self.by_call.get(call)
        if toolset is not None:
            out.append(finding(plan.path, plan.pos(call), TOOL, "tools= become Interactions "
                               "tool declarations (JSON Schema parameters)", fix=FIX_SAFE,
                               fixed=True))
            out.extend(finding(plan.path, plan.pos(call), SEARCH, note, fix=FIX_UNSAFE,
                               fixed=True) for note in toolset.notes)
        if call in self.choices:
            out.append(finding(plan.path, plan.pos(call), CHOICE, "tool_config becomes "
                               "generation_config[\"tool_choice\"]", fix=FIX_SAFE, fixed=True))
        return out

    def model_tools(self, call: cst.Call, arg: cst.Arg) -> cst.BaseExpression:
        toolset = self.convert(arg.value)
        self.by_call[call] = toolset
        return tool_list(toolset, arg, self.indent(arg))

    def add_tool_choice(
        self, call: cst.Call, kwargs: list[tuple[str, cst.BaseExpression]],
        node: cst.BaseExpression,
    ) -> list[tuple[str, cst.BaseExpression]]:
        """tool_config joins the model's generation_config as tool_choice."""
        choice = self.tool_choice(node)
        self.choices.add(call)
        indent = self.indent(node)
        if choice is None:
            return kwargs
        out = []
        merged = False
        for key, value in kwargs:
            if key == "generation_config":
                if not isinstance(value, cst.Dict):
                    raise Unsupported(CHOICE, "tool_config next to a generation config that "
                                      "is not a literal")
                inner = genai_convert.first_indent(value)
                value = _add_element(value, "tool_choice", pretty(
                    choice, inner or indent, len(inner or indent) + 15))
                merged = True
            out.append((key, value))
        if not merged:
            out.append(("generation_config", pretty(dict_node([("tool_choice", choice)]),
                                                    indent, len(indent) + 18)))
        return out

    def per_call(self, site: Site, arg: cst.Arg, name: str) -> cst.Arg | None:
        """`generate_content(..., tools=)` / `tool_config=`: legacy replaced the model's value,
        so this moves only where the model has none to replace."""
        plan = self.plan
        constructions = plan.calls.model_constructions(site)
        if _is_none(arg.value):
            return None  # the legacy SDK treats None as "not given"
        if name == "tools":
            if any(k == "tools" for c in constructions for k, _ in c.kwargs):
                raise Unsupported(TOOL, "per-call tools= replacing the model's tools is not "
                                  "migrated")
            if site.holder is not None and any(
                    c.call in self.afc_chats for c in site.holder.constructions):
                raise Unsupported(AFC, "per-call tools= in an automatic function calling chat")
            toolset = self.convert(arg.value)
            return _rename(arg, "tools", tool_list(toolset, arg, self.indent(arg)))
        choice = self.tool_choice(arg.value)
        if any(k == "generation_config" for c in constructions for k, _ in c.kwargs) or any(
            a.keyword is not None and a.keyword.value == "generation_config"
            for a in site.call.args
        ):
            raise Unsupported(CHOICE, "per-call tool_config next to a generation config is not "
                              "migrated")
        if choice is None:
            return None
        return _rename(arg, "generation_config", dict_node([("tool_choice", choice)]))

    def plan_afc(self, site: Site) -> None:
        """A send on a chat started with enable_automatic_function_calling=True gets the
        explicit loop (see afc_loop) when every tool is a function of this module, visible
        under its own name where the send is."""
        holder = site.holder
        if holder is None or holder.kind != "chat" or not any(
            c.call in self.afc_chats for c in holder.constructions
        ):
            return
        self.enabled(AFC)
        if site.stream:
            raise Unsupported(AFC, "automatic function calling with stream=True raised in the "
                              "legacy SDK; left as it was")
        if site.response_target is None and not site.hoist:
            raise Unsupported(AFC, "the reply of an automatic function calling chat must be "
                              "stored in a name or read inline to add the function loop")
        if not isinstance(site.response_target, (cst.Name, type(None))):
            raise Unsupported(AFC, "the reply is stored where the function loop cannot use it")
        constructions = self.plan.calls.model_constructions(site)
        sets = [self.by_call.get(c.call) for c in constructions]
        if not sets or any(s is None for s in sets):
            if any(arg.keyword is not None and arg.keyword.value == "tools"
                   for c in constructions for arg in c.call.args):
                # the model has tools= that could not be converted (its own finding says why)
                raise Unsupported(AFC, "automatic function calling on a model whose tools are "
                                  "not migrated")
            raise Unsupported(AFC, "automatic function calling on a model without tools")
        functions = [s.functions for s in sets if s is not None]
        defs = [s.function_defs for s in sets if s is not None]
        if any(f != functions[0] for f in functions) or not functions[0] or any(
                len(d) != len(functions[0])
                or any(a is not b for a, b in zip(d, defs[0], strict=True)) for d in defs):
            raise Unsupported(AFC, "the chat's model may have different tools")
        if any(s.declarations or len(s.functions) != len(s.tools) for s in sets if s):
            raise Unsupported(AFC, "automatic function calling needs every tool to be a "
                              "function of this module listed in tools=[...] (a declaration, "
                              "a built-in or a list held elsewhere cannot be run by name); "
                              "the legacy SDK stopped at the first call it could not run")
        scope = self.plan.scopes.get(site.call)
        for name, function in zip(functions[0], defs[0], strict=True):
            seen = list(scope[name]) if scope is not None else []
            if len(seen) == 1 and isinstance(seen[0], Assignment) and seen[0].node is function:
                continue
            if self.defined_last(name, function, site.call):
                continue  # the loop calls `name` right after the send: the same function
            raise Unsupported(AFC, f"{name!r} means something else where the chat sends")
        self.afc_sites[id(site)] = functions[0]


def _top_statement(plan: Plan, node: cst.CSTNode) -> cst.CSTNode | None:
    """The statement of the module body that holds `node`, if no function, class or lambda
    lies between them (code that runs where it stands)."""
    current: cst.CSTNode | None = node
    while current is not None:
        parent = plan.parent(current)
        if isinstance(parent, cst.Module):
            return current
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        current = parent
    return None


def tool_list(toolset: ToolSet, arg: cst.Arg, indent: str) -> cst.BaseExpression:
    """The new `tools=` value: a shared list by its name, else a list literal."""
    tools = toolset.tools
    if len(tools) == 1 and isinstance(tools[0], cst.StarredElement) and isinstance(
            arg.value, cst.Name):
        return arg.value
    elements = [t if isinstance(t, cst.StarredElement) else cst.Element(t) for t in tools]
    return pretty(cst.List(elements), indent, len(indent) + 6)


def _add_element(node: cst.Dict, key: str, value: cst.BaseExpression) -> cst.Dict:
    """A new last entry in a dict literal, in the layout the dict already has."""
    elements = list(node.elements)
    if not elements:
        return dict_node([(key, value)])
    last = elements[-1]
    ending = last.comma
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    for element in elements[:-1]:
        if isinstance(element.comma, cst.Comma):
            separator = element.comma
            break
    elements[-1] = last.with_changes(comma=separator)
    elements.append(cst.DictElement(literal(key), value, comma=ending))
    return node.with_changes(elements=elements)


WIDTH = 99


def pretty(node: cst.BaseExpression, indent: str, column: int) -> cst.BaseExpression:
    """A generated literal laid out for reading: kept on one line when it fits, else one
    element per line, recursively."""
    code = cst.Module([]).code_for_node(node)
    opening = node.lbrace.whitespace_after if isinstance(node, cst.Dict) else (
        node.lbracket.whitespace_after if isinstance(node, cst.List) else None)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        # A literal the user laid out (a declaration kept with its comments): only moved.
        return genai_convert.reindent(node, indent + "    ")
    # (one column kept for the comma or bracket that follows)
    if "\n" not in code and column + len(code) < WIDTH or not isinstance(
            node, (cst.Dict, cst.List)) or not node.elements:
        return node
    inner = indent + "    "
    if isinstance(node, cst.Dict):
        elements = []
        for element in node.elements:
            assert isinstance(element, cst.DictElement)
            key = cst.Module([]).code_for_node(element.key)
            elements.append(element.with_changes(
                value=pretty(element.value, inner, len(inner) + len(key) + 2)))
        return genai_convert.vertical(node.with_changes(elements=elements), indent)
    items = [e.with_changes(value=pretty(e.value, inner, len(inner)))  # type: ignore[arg-type]
             if isinstance(e, cst.Element) else e for e in node.elements]
    return genai_convert.vertical_list(node.with_changes(elements=items), indent)


class RoundTrip:
    """Function calls read or answered by hand: Interactions needs the call id threaded from
    the function_call step to its function_result, which legacy parts never carried. These
    are reported (GM028) and left as they were."""

    def __init__(self, tools: ToolPlan) -> None:
        self.tools = tools
        self.calls: dict[int, Site] = {}  # id(fc name binding) -> the send it was read from
        self.answered: set[int] = set()  # id(site) of the sends whose call was answered

    def finish(self) -> None:
        """A call read but not answered on the chat's next send keeps its chat on the legacy
        SDK: without the answer, next() would raise where the legacy read gave an empty
        call."""
        for site in self.calls.values():
            holder = site.holder
            if holder is not None and any(s.pin is not None for s in holder.sites):
                continue  # the chat stays anyway, for the reason already given
            if id(site) not in self.answered:
                self.tools.plan.pin(site, ROUND_TRIP, "a function call read from the reply is "
                                    "not answered on the chat's next send", site.call)

    def check_input(self, node: cst.BaseExpression) -> None:
        """contents holding function_response parts (protos or dicts)."""
        plan = self.tools.plan
        values: list[cst.CSTNode] = [node]
        if isinstance(node, cst.Name):
            scope = plan.scopes.get(node)
            for assignment in scope[node.value] if scope is not None else ():
                if isinstance(assignment, Assignment):
                    target = plan.parent(assignment.node)
                    assign = plan.parent(target) if isinstance(target, cst.AssignTarget) \
                        else None
                    if isinstance(assign, cst.Assign):
                        values.append(assign.value)
        for value in values:
            for child in walk(value):
                if isinstance(child, (cst.Name, cst.Attribute)) and self.tools.legacy_class(
                        child, "FunctionResponse") or isinstance(child, cst.Arg) and (
                        child.keyword is not None
                        and child.keyword.value == "function_response") or isinstance(
                        child, cst.DictElement) and string_value(child.key) == "function_response":
                    raise Unsupported(ROUND_TRIP, "a function result sent back by hand: "
                                      "Interactions needs {\"type\": \"function_result\", "
                                      "\"call_id\": <the function_call step's id>, ...}, and "
                                      "legacy function_response parts carry no call id")

    # -- the one shape that threads: a chat's call read, then answered on the next send ------

    def read(self, site: Site, attribute: cst.Attribute) -> bool:
        """`fc = response.candidates[0].content.parts[0].function_call` (or
        `response.parts[0].function_call`) after a chat send -> `fc = next(step for step in
        response.steps if step.type == "function_call")`, when `fc` is only read for `.name`
        and `.args` (-> `.arguments`) and is answered on the chat's next send (function_result
        below). Returns False when the read is not that shape."""
        plan = self.tools.plan
        holder = site.holder
        if holder is None or holder.kind != "chat" or site.stream or not isinstance(
                attribute.value, cst.Name) or any(
                c.call in self.tools.afc_chats for c in holder.constructions):
            return False
        chain = ["[0]", "content", "parts", "[0]", "function_call"] if (
            attribute.attr.value == "candidates") else ["[0]", "function_call"]
        if attribute.attr.value not in ("candidates", "parts"):
            return False
        sets = [self.tools.by_call.get(c.call) for c in plan.calls.model_constructions(site)]
        if not sets or not all(s is not None and (s.functions or s.declarations) for s in sets):
            return False
        node: cst.BaseExpression = attribute
        for step in chain:
            parent = plan.parent(node)
            if step == "[0]":
                if not (isinstance(parent, cst.Subscript) and parent.value is node
                        and len(parent.slice) == 1 and isinstance(parent.slice[0].slice,
                                                                  cst.Index)
                        and isinstance(parent.slice[0].slice.value, cst.Integer)
                        and parent.slice[0].slice.value.value == "0"):
                    return False
            elif not (isinstance(parent, cst.Attribute) and parent.value is node
                      and parent.attr.value == step):
                return False
            node = parent  # type: ignore[assignment]
        assign = plan.parent(node)
        target = assign.targets[0].target if isinstance(assign, cst.Assign) and len(
            assign.targets) == 1 else None
        if not isinstance(target, cst.Name):
            return False
        scope = plan.scopes.get(target)
        assignments = list(scope.assignments[target.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return False
        edits = []
        for access in plan.refs(assignments[0]):
            parent = plan.parent(access.node)
            if not (isinstance(parent, cst.Attribute) and parent.value is access.node
                    and parent.attr.value in ("name", "args")):
                return False
            if parent.attr.value == "args":
                edits.append(parent)
        response = attribute.value.value
        steps = cst.parse_expression(
            f'next(step for step in {response}.steps if step.type == "function_call")')
        site.accessor_edits.append((node, lambda _, new=steps: new))
        for args in edits:
            site.accessor_edits.append((args, lambda a: a.with_changes(
                attr=cst.Name("arguments"))))
        self.calls[id(assignments[0].node)] = site
        return True

    def function_result(self, site: Site, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """A chat send answering the call read above: `protos.Content(parts=[protos.Part(
        function_response=protos.FunctionResponse(name=fc.name, response=R))])` (or the Part,
        or a list of it) -> `[{"type": "function_result", "call_id": fc.id, "name": fc.name,
        "result": R}]`. None when the input holds no function response."""
        try:
            self.check_input(node)
        except Unsupported as exc:
            reason = exc
        else:
            return None
        plan = self.tools.plan
        holder = site.holder
        response = self.function_response(node)
        if response is None or holder is None or holder.kind != "chat":
            raise reason
        name, value = response
        fc = name.value if isinstance(name, cst.Attribute) and name.attr.value == "name" else None
        scope = plan.scopes.get(fc) if isinstance(fc, cst.Name) else None
        assignments = list(scope[fc.value]) if scope is not None and isinstance(
            fc, cst.Name) else []
        read = self.calls.get(id(assignments[0].node)) if len(assignments) == 1 and isinstance(
            assignments[0], Assignment) else None
        if read is None or read.holder is not holder or holder.sites.index(site) != (
                holder.sites.index(read) + 1):
            raise Unsupported(ROUND_TRIP, "a function result sent back by hand whose call "
                              "cannot be tied to the function_call read from the chat's "
                              "previous reply (its id is needed)")
        assert isinstance(fc, cst.Name)
        self.answered.add(id(read))
        # The new input is built from the original value: its own `fc.args` reads are
        # renamed here, as the edits of the original nodes do not reach a rebuilt argument.
        value = cast(cst.BaseExpression, value.visit(_Arguments(fc.value)))
        result = dict_node([
            ("type", literal("function_result")),
            ("call_id", cst.Attribute(fc, cst.Name("id"))),
            ("name", name),
            ("result", value),
        ])
        indent = self.tools.indent(node)
        return pretty(cst.List([cst.Element(result)]), indent, len(indent) + 10)

    def function_response(
        self, node: cst.BaseExpression,
    ) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
        """(name, response) of the one FunctionResponse in the shapes above."""
        tools = self.tools
        if isinstance(node, (cst.List, cst.Tuple)) and len(node.elements) == 1:
            return self.function_response(node.elements[0].value)
        if not isinstance(node, cst.Call) or any(a.keyword is None for a in node.args):
            return None
        fields = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        kind = tools.legacy_class(node.func, "Content", "Part", "FunctionResponse")
        if kind == "Content" and set(fields) <= {"parts", "role"} and string_value(
                fields.get("role", literal("user"))) == "user" and "parts" in fields:
            return self.function_response(fields["parts"])
        if kind == "Part" and set(fields) == {"function_response"}:
            return self.function_response(fields["function_response"])
        if kind == "FunctionResponse" and set(fields) == {"name", "response"}:
            return fields["name"], fields["response"]
        return None

    def check_read(self, site: Site, name: str) -> None:
        """response.candidates / .parts on a model with function tools."""
        if name not in ("candidates", "parts"):
            return
        constructions = self.tools.plan.calls.model_constructions(site)
        sets = [self.tools.by_call.get(c.call) for c in constructions]
        if any(s is not None and (s.functions or s.declarations) for s in sets):
            raise Unsupported(ROUND_TRIP, f"function calls read from response.{name}: "
                              "Interactions returns them as function_call steps (step.name, "
                              "step.arguments, step.id), answered by function_result steps "
                              "with that id")


class _Arguments(cst.CSTTransformer):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if isinstance(updated.value, cst.Name) and updated.value.value == self.name and (
                updated.attr.value == "args"):
            return updated.with_changes(attr=cst.Name("arguments"))
        return updated
