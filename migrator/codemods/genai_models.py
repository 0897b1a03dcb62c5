"""google-genai `client.models.generate_content` / `client.chats` -> Interactions.

Only calls on real `google.genai` clients are touched: a receiver is a client when it is a
`genai.Client(...)` call, a name every assignment of which in its scope is such a call (or a
parameter annotated `genai.Client`), or `<obj>.<attr>` where every assignment to `.<attr>` in
the module (for `self.<attr>`: in its class) is such a call. Vertex AI clients (`vertexai=`,
`project=`, `location=`, `credentials=`, or a file that sets GOOGLE_GENAI_USE_VERTEXAI) are
left alone: the Interactions API is not available there; so are clients with a custom HTTP
transport (mocks of the old endpoint).

The pass plans every rewrite as a unit of edits. Units that share a variable (two calls assigned
to the same `response`, every turn of one chat) are grouped, and a group is rewritten only if all
of its units can be: a half-migrated variable would break at run time. Whatever is left gets a
finding and a `# TODO(gemini-migrate): GMxxx reason` comment above its statement.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import (
    BaseAssignment,
    CodeRange,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from migrator.codemods.facts.clients import ClientFacts, Collected
from migrator.codemods.facts.modelsource import (
    argument_sources,
    lookup_use,
    model_source,
    tuned_model,
)
from migrator.codemods.facts.nodes import same_quotes
from migrator.codemods.facts.source import code_of
from migrator.codemods.genai_convert import (
    CONFIG as CONFIG_CODE,
)
from migrator.codemods.genai_convert import (
    CONTENTS,
    FOLLOW,
    ConfigParts,
    Item,
    Unsupported,
    convert_config,
    convert_contents,
    dict_node,
    first_indent,
    history_steps,
    indent_of,
    layout_dict,
    literal,
    reindent,
    shift,
    string_value,
    text_block,
    user_input,
    vertical,
    vertical_list,
)
from migrator.codemods.genai_media import receiver_placement, resolver
from migrator.context import Context
from migrator.findings import FIX_SAFE, Finding, finding

GENERATE = "GM101"
CHATS = "GM102"
MODEL_SUBSTITUTED = "GM303"
TUNED = "GM306"
MODEL_KEY = "GM307"

NOT_PROVEN = "GM106"
TODO_PREFIX = "# TODO(gemini-migrate): "
USAGE_FIELDS = {
    "prompt_token_count": "total_input_tokens",
    "candidates_token_count": "total_output_tokens",
    "total_token_count": "total_tokens",
    "cached_content_token_count": "total_cached_tokens",
    "thoughts_token_count": "total_thought_tokens",
    "tool_use_prompt_token_count": "total_tool_use_tokens",
}
FUNCTION_CALL_FIELDS = {"name": "name", "id": "id", "args": "arguments"}
# Methods whose result is a str whatever their receiver is (a heuristic kept deliberately short).
TEXT_METHODS = frozenset({"format", "read_text", "chat_input", "text_input", "text_area"})
# Methods that return a str when called on a str (and bytes on bytes): the receiver decides.
STR_METHODS = frozenset({
    "join", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "replace",
    "casefold", "removeprefix", "removesuffix",
})
TEXT_FUNCTIONS = frozenset({"str", "input", "repr"})
TEXT_CALLS = frozenset({"textwrap.dedent", "textwrap.indent", "textwrap.fill"})
LAZY = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.IfExp,
        cst.BooleanOperation)

Edit = Callable[[Any], Any]


@dataclass
class Unit:
    """One call's rewrite: edits keyed by original node, applied only if the unit survives."""

    call: cst.Call
    code: str
    edits: dict[tuple[int, str], tuple[cst.CSTNode, Edit]] = field(default_factory=dict)
    before: dict[int, tuple[cst.CSTNode, list[cst.BaseStatement]]] = field(default_factory=dict)
    after: dict[int, tuple[cst.CSTNode, list[cst.BaseStatement]]] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    fixed: list[tuple[cst.CSTNode, str, str, dict[str, str]]] = field(default_factory=list)
    error: Unsupported | None = None
    parsed: tuple[str, str] | None = None
    # Steps of `chats.create(history=[...])`, sent with the chat's first message.
    history: list[cst.BaseExpression] = field(default_factory=list)

    def edit(self, node: cst.CSTNode, tag: str, fn: Edit) -> None:
        self.edits[(id(node), tag)] = (node, fn)

    def fail(self, error: Unsupported) -> None:
        if self.error is None:
            self.error = error


def genai_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    if not any(ctx.enabled(code, path) for code in (GENERATE, CHATS)):
        return module, []
    code = code_of(module)
    # Without these words no google.genai client can be built or named in this file.
    # A client built in another module may be used without `Client` being written here.
    if ("generate_content" not in code and "chats" not in code) or "genai" not in code:
        return module, []
    return _Pass(module, path, ctx, code).run()


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.stack: list[cst.CSTNode] = []
        self.calls: list[cst.Call] = []
        self.exprs: list[cst.BaseExpression] = []
        self.names: set[str] = set()
        self.name_nodes: list[cst.Name] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.parents[node] = self.stack[-1]
        self.stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        super().on_leave(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.exprs.append(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.exprs.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)
        self.name_nodes.append(node)


class _Pass:
    def __init__(self, module: cst.Module, path: str, ctx: Context, code: str) -> None:
        self.module = module
        self.path = path
        self.ctx = ctx
        # Metadata is the expensive part on big files: only scopes come from LibCST; parents
        # are recorded by the collecting traversal, qualified names are asked for per node,
        # and positions are computed only when there is something to report.
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.scopes = cast(Mapping[cst.CSTNode, Scope | None], wrapper.resolve(ScopeProvider))
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None
        collect = _Collect()
        module.visit(collect)
        self.parents = collect.parents
        self.collect = collect
        self.facts = ClientFacts(module, self.scopes, Collected(
            parents=collect.parents, calls=collect.calls,
            attributes=[e for e in collect.exprs if isinstance(e, cst.Attribute)]),
            path, ctx, code)
        # Calls shaped like the old surface on a receiver not proven to be a client (GM106).
        self.unproven: dict[int, cst.Call] = {}
        self.imports_genai = "google.genai" in code or "from google import genai" in code
        self.units: list[Unit] = []
        self.groups: list[list[Unit]] = []
        self.group_edits: list[tuple[list[Unit], Unit]] = []
        self.temp_names: set[str] = set(collect.names)
        # Chat turns moved into their own statement: placeholder name -> rewritten call.
        self.hoisted: dict[str, cst.BaseExpression] = {}
        # Config variables shared by several calls: assignment id -> (assignment, its users).
        self.config_users: dict[int, tuple[BaseAssignment, list[Unit]]] = {}
        self.applied: dict[int, cst.CSTNode] = {}
        self.client_temp = ""  # the name temporary clients are assigned to (hoist_client)

    # --- names and types ---------------------------------------------------------------------

    def qualified(self, node: cst.CSTNode) -> set[str]:
        scope = self.scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def is_types(self, node: cst.BaseExpression, name: str) -> bool:
        return any(q in (f"google.genai.types.{name}",) for q in self.qualified(node))

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def referents(self, name: cst.Name) -> set[BaseAssignment]:
        scope = self.scopes.get(name)
        if scope is None:
            return set()
        found: set[BaseAssignment] = set()
        for access in scope.accesses[name]:
            if access.node is name:
                found |= set(access.referents)
        return found

    def assigned_value(self, assignment: BaseAssignment) -> cst.BaseExpression | None:
        """The value of `name = value` / `name: T = value` / `name := value`, else None."""
        return self.facts.assigned_value(assignment)

    def is_client_ctor(self, node: cst.BaseExpression) -> bool:
        return self.facts.is_ctor(node)

    def attribute_key(self, node: cst.Attribute) -> tuple[int, str, str] | None:
        return self.facts.attribute_key(node)

    def is_client(self, node: cst.BaseExpression) -> bool:
        """Proven a google.genai client (codemods/facts/clients.py)."""
        return self.facts.is_client(node)

    def is_text(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """True only when `node` is certainly a str at run time."""
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
                return self.qualified(func) <= {f"builtins.{func.value}", func.value}
            if isinstance(func, cst.Attribute):
                if func.attr.value == "dumps":
                    return "json.dumps" in self.qualified(func)
                if func.attr.value in STR_METHODS:
                    return self.is_text(func.value, depth + 1)
                if func.attr.value in TEXT_METHODS or self.qualified(func) & TEXT_CALLS:
                    return True
            return self.facts.text_call(node, self.is_text, depth)
        if isinstance(node, (cst.Subscript, cst.IfExp)):
            return self.facts.text_value(node, lambda n: self.is_text(n, depth + 1))
        if isinstance(node, cst.Name):
            found = self.referents(node)
            if not found:
                return False
            for assignment in found:
                value = self.assigned_value(assignment)
                if value is not None and self.is_text(value, depth + 1):
                    continue
                if self._text_param(assignment) or self._text_binding(assignment, depth) or (
                        self.facts.imported_text(assignment)):
                    continue
                param = getattr(assignment, "node", None)
                if isinstance(param, cst.Param) and self.facts.text_param(param, self.is_text):
                    continue
                return False
            return True
        if isinstance(node, cst.Attribute):
            return self.response_text(node) or self.text_field(node) or (
                self.facts.text_attribute(node, lambda n: self.is_text(n, depth + 1)))
        return False

    def file_mime(self, node: cst.BaseExpression) -> str | None:
        """The MIME type of `f` in `f = client.files.upload(file="x.pdf"[, config=...])`:
        the `mime_type` given in a literal config, else guessed from a literal file name."""
        if not isinstance(node, cst.Name):
            return None
        found = self.referents(node)
        if len(found) != 1:
            return None
        value = self.assigned_value(next(iter(found)))
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "upload"
                and isinstance(value.func.value, cst.Attribute)
                and value.func.value.attr.value == "files"
                and self.is_client(value.func.value.value)):
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
        if node.attr.value != "text":
            return False
        values: list[cst.BaseExpression | None] = [node.value]
        if isinstance(node.value, cst.Name):
            found = self.referents(node.value)
            values = [self.assigned_value(a) for a in found] if found else [None]
        for value in values:
            if isinstance(value, cst.Await):
                value = value.expression
            found_call = self.target(value) if isinstance(value, cst.Call) else None
            if found_call is None or found_call[0] != "generate":
                return False
        return True

    def _text_binding(self, assignment: BaseAssignment, depth: int) -> bool:
        """`x += <text>` keeps a str a str; `for x in ("a", "b")` binds strs."""
        node = getattr(assignment, "node", None)
        parent = self.parent(node) if isinstance(node, cst.Name) else None
        if isinstance(parent, cst.AugAssign) and parent.target is node:
            return isinstance(parent.operator, cst.AddAssign) and self.is_text(parent.value,
                                                                                depth + 1)
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            return _is_str_annotation(parent.annotation.annotation)
        if isinstance(parent, cst.For) and parent.target is node:
            items = parent.iter
            if isinstance(items, cst.Name):  # `for q in QUESTIONS` of a literal list
                found = self.referents(items)
                only = next(iter(found)) if len(found) == 1 else None
                value = self.assigned_value(only) if only is not None else None
                loops_only = only is not None and all(
                    isinstance(self.parent(a.node), cst.For)
                    and cast(cst.For, self.parent(a.node)).iter is a.node for a in only.references)
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
        found = self.referents(node)
        if len(found) != 1:
            return None
        assignment = next(iter(found))
        cls = getattr(assignment, "node", None)
        if not isinstance(cls, cst.ClassDef) or not isinstance(self.parent(cls), cst.Module):
            return None
        for base in cls.bases:
            if {"pydantic.BaseModel", "pydantic.main.BaseModel"} & self.qualified(base.value):
                return cls
        return None

    def text_field(self, node: cst.Attribute) -> bool:
        """`query.text` where `query: Query` and Query is a pydantic model with `text: str`:
        pydantic has validated it into a str (the FastAPI request-body shape)."""
        if not isinstance(node.value, cst.Name):
            return False
        found = self.referents(node.value)
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

    # --- helpers -----------------------------------------------------------------------------

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        if self._positions is None:
            self._positions = cast(Mapping[cst.CSTNode, CodeRange], MetadataWrapper(
                self.module, unsafe_skip_copy=True).resolve(PositionProvider))
        try:
            start = self._positions[node].start
        except KeyError:
            return (1, 1)
        return (start.line, start.column + 1)

    def statement(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(
            current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        ):
            current = self.parent(current)
        return current

    def inside(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        current: cst.CSTNode | None = node
        while current is not None:
            if current is ancestor:
                return True
            current = self.parent(current)
        return False

    def temp_name(self, base: str) -> str:
        name, index = base, 1
        while name in self.temp_names:
            index += 1
            name = f"{base}_{index}"
        self.temp_names.add(name)
        return name

    # --- discovery ---------------------------------------------------------------------------

    def target(self, call: cst.Call) -> tuple[str, cst.BaseExpression, bool] | None:
        """("generate" | "stream" | "chat", client expression, is_async) for a candidate."""
        func = call.func
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Attribute):
            return None
        method, group = func.attr.value, func.value.attr.value
        kinds = {("models", "generate_content"): "generate",
                 ("models", "generate_content_stream"): "stream",
                 ("chats", "create"): "chat"}
        kind = kinds.get((group, method))
        if kind is None:
            return None
        receiver = func.value.value
        is_async = False
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "aio":
            receiver, is_async = receiver.value, True
        if not self.is_client(receiver):
            if self.imports_genai:
                self.unproven[id(call)] = call
            return None
        return kind, receiver, is_async

    # --- main --------------------------------------------------------------------------------

    def run(self) -> tuple[cst.Module, list[Finding]]:
        chats: list[tuple[cst.Call, cst.BaseExpression, bool]] = []
        bindings: dict[Any, list[Unit]] = {}
        for call in self.collect.calls:
            found = self.target(call)
            if found is None:
                continue
            kind, client, is_async = found
            if kind == "chat":
                if self.ctx.enabled(CHATS, self.path):
                    chats.append((call, client, is_async))
                continue
            if not self.ctx.enabled(GENERATE, self.path):
                continue
            unit = Unit(call, GENERATE)
            self.units.append(unit)
            try:
                client_func = None
                if isinstance(client, cst.Call) and self.facts.temporary(client):
                    # google-genai closes a client once it is garbage: the temporary's
                    # interactions request would then fail ("client has been closed").
                    client_func = self.hoist_client(unit, call, client, is_async)
                self.rewrite_call(unit, call, None, kind == "stream", client_func)
                key = self.bind_result(unit, self.awaited(call, is_async), kind == "stream")
            except Unsupported as error:
                unit.fail(error)
                continue
            if key is not None:
                bindings.setdefault(key, []).append(unit)
        chat_groups: dict[Any, list[tuple[cst.Call, cst.BaseExpression, bool]]] = {}
        for call, client, is_async in chats:
            chat_groups.setdefault(self.chat_key(call), []).append((call, client, is_async))
        for creates in chat_groups.values():
            self.plan_chat(creates, bindings)
        for key, units in bindings.items():
            self.plan_binding(key, units)
        self.settle_configs()
        self.settle()
        return self.apply()

    def hoist_client(self, unit: Unit, call: cst.Call, client: cst.Call,
                     is_async: bool) -> cst.BaseExpression:
        """`f().models.generate_content(...)` where f() makes a client for this use only: the
        client is assigned just before the statement (so it lives until the request is sent)
        when nothing before it in the statement does anything."""
        statement = receiver_placement(self, call)
        if statement is None:
            raise Unsupported(FOLLOW, "a temporary genai.Client() is closed before an "
                                      "interaction is sent; assign the client first")
        # One name for every such client of the module: no code of its own reads it.
        temp = self.client_temp = self.client_temp or self.temp_name("client")
        entry = unit.before.setdefault(id(statement), (statement, []))
        entry[1].insert(0, cst.SimpleStatementLine([cst.Assign(
            [cst.AssignTarget(cst.Name(temp))], client)]))
        receiver: cst.BaseExpression = cst.Name(temp)
        if is_async:
            receiver = cst.Attribute(receiver, cst.Name("aio"))
        return cst.Attribute(cst.Attribute(receiver, cst.Name("interactions")),
                             cst.Name("create"))

    def awaited(self, call: cst.Call, is_async: bool) -> cst.BaseExpression:
        if not is_async:
            return call
        parent = self.parent(call)
        if isinstance(parent, cst.Await):
            return parent
        raise Unsupported(FOLLOW, "an async call that is not awaited directly")

    # --- call rewriting ----------------------------------------------------------------------

    def rewrite_call(self, unit: Unit, call: cst.Call, chat: cst.BaseExpression | None,
                     stream: bool, client_func: cst.BaseExpression | None,
                     history: list[cst.BaseExpression] | None = None) -> None:
        """Plan `<client>.models.generate_content(...)` -> `<client>.interactions.create(...)`.

        For a chat turn, `chat` is the chat receiver (sent as `**chat`) and `client_func` the
        `<client>.interactions.create` to call.
        """
        self.check_error_handling(call)
        args: list[cst.Arg] = []
        seen: set[str] = set()
        for index, arg in enumerate(call.args):
            if arg.star or (arg.keyword is None and not (chat is not None and index == 0)):
                raise Unsupported(CONTENTS if chat is None else FOLLOW,
                                  "positional or ** arguments")
            key = "message" if arg.keyword is None else arg.keyword.value
            seen.add(key)
            if key == "model" and chat is None:
                args.append(arg.with_changes(value=self.model_value(unit, arg.value)))
            elif key in ("contents", "message") and not history and (
                    listed := self.list_variable(arg.value)) is not None:
                # `parts = [...]` read only here: the list itself becomes the input.
                converted = convert_contents(listed, self.is_types, self.is_text,
                                             file_mime=self.file_mime,
                                             resolve=resolver(self, unit, listed, call))
                unit.imports |= converted.imports
                unit.edit(listed, "contents", self.replacement(converted.value))
                args.append(arg.with_changes(keyword=cst.Name("input"), equal=_EQUAL))
            elif key in ("contents", "message"):
                converted = convert_contents(arg.value, self.is_types, self.is_text,
                                             file_mime=self.file_mime,
                                             resolve=resolver(self, unit, call))
                unit.imports |= converted.imports
                value = converted.value
                if not history and len(cst.Module([]).code_for_node(value)) > 72:
                    previous = call.args[index - 1].comma if index else None
                    base = indent_of(previous.whitespace_after) if isinstance(
                        previous, cst.Comma) else None
                    value = _unfold_content(value, base or "")
                if history:
                    if isinstance(value, cst.List):
                        turn = [e.value for e in value.elements]
                    else:
                        turn = [user_input(cst.List([cst.Element(text_block(value))]))]
                    value = _stacked([*history, *turn])
                args.append(arg.with_changes(keyword=cst.Name("input"), value=value,
                                             equal=_EQUAL))
            elif key == "config" and chat is None and isinstance(arg.value, cst.Name) \
                    and arg.value.value == "None":
                if args and index == len(call.args) - 1:
                    args[-1] = args[-1].with_changes(comma=arg.comma)  # keep the layout
            elif key == "config" and chat is None and isinstance(arg.value, cst.Name):
                unit.parsed = self.shared_config(unit, arg.value).parsed
                args.append(cst.Arg(arg.value, star="**", comma=arg.comma,
                                    whitespace_after_arg=arg.whitespace_after_arg))
            elif key == "config" and chat is None:
                parts = self.config_parts(arg.value)
                unit.parsed = parts.parsed
                unit.imports |= parts.imports
                between = call.args[index - 1].comma if index else arg.comma
                args.extend(config_args(parts, arg, between))
            else:
                raise Unsupported(FOLLOW if chat is not None else CONTENTS,
                                  f"the {key}= argument is not migrated")
        if chat is None and not {"model", "contents"} <= seen:
            raise Unsupported(CONTENTS, "model= and contents= must be keyword arguments")
        if chat is not None and "message" not in seen:
            raise Unsupported(FOLLOW, "send_message without a message")
        if chat is not None:
            args.insert(0, cst.Arg(chat, star="**", comma=_COMMA))
        if stream:
            # `stream=True` takes the last argument's place in the layout (trailing comma,
            # closing-paren indentation); the old last argument gets an ordinary separator.
            last = args[-1]
            earlier = args[-2].comma if len(args) > 1 else _COMMA
            separator = earlier if isinstance(earlier, cst.Comma) else _COMMA
            args[-1] = last.with_changes(comma=separator,
                                         whitespace_after_arg=cst.SimpleWhitespace(""))
            args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("stream"), equal=_EQUAL,
                                comma=last.comma,
                                whitespace_after_arg=last.whitespace_after_arg))
        if client_func is None:
            func = cast(cst.Attribute, call.func)
            models = cast(cst.Attribute, func.value)
            client_func = func.with_changes(attr=cst.Name("create"),
                                            value=models.with_changes(
                                                attr=cst.Name("interactions")))
        new_func = client_func
        new_args = args
        unit.edit(call, "call", lambda node: node.with_changes(
            func=self.refresh(new_func), args=[self.refresh(a) for a in new_args]))

    def list_variable(self, node: cst.BaseExpression) -> cst.List | cst.Tuple | None:
        """The literal list a name is bound to when this is its only binding and its only
        read (nothing appends to it or passes it elsewhere)."""
        if not isinstance(node, cst.Name) or self.is_text(node):
            return None
        found = self.referents(node)
        if len(found) != 1:
            return None
        assignment = next(iter(found))
        value = self.assigned_value(assignment)
        if not isinstance(value, (cst.List, cst.Tuple)) or not value.elements or len(
                assignment.references) != 1:
            return None
        return value

    def replacement(self, new: cst.CSTNode) -> Edit:
        return lambda _node: self.refresh(new)

    def refresh(self, node: Any) -> Any:
        """`node` (built from original nodes) with the rewrites already made inside them."""
        return node.visit(_Refresh(self.applied))

    def check_error_handling(self, call: cst.Call) -> None:
        """Interactions raises its own error classes, not google.genai.errors.*: a call whose
        errors are caught (or expected by pytest.raises) as those would change behaviour."""
        child: cst.CSTNode = call
        current = self.parent(call)
        while current is not None:
            caught: list[cst.BaseExpression] = []
            if isinstance(current, cst.Try) and child is current.body:
                caught = [h.type for h in current.handlers if h.type is not None]
            elif isinstance(current, cst.With) and child is current.body:
                caught = [arg.value for item in current.items
                          if isinstance(item.item, cst.Call) for arg in item.item.args]
            for node in caught:
                names = [e.value for e in node.elements] if isinstance(node, cst.Tuple) \
                    else [node]
                if any(q.startswith("google.genai.errors") for n in names
                       for q in self.qualified(n)):
                    raise Unsupported(FOLLOW, "google.genai.errors handlers do not catch "
                                              "Interactions errors")
            child, current = current, self.parent(current)

    def model_value(self, unit: Unit, node: cst.BaseExpression) -> cst.BaseExpression:
        tuned = tuned_model(node, self.scopes, self.parent, self.qualified)
        if tuned is not None:
            raise Unsupported(TUNED, f"the model is a tuned model ({tuned}): the Interactions "
                              "API serves base models only")
        value = string_value(node)
        if value is None:
            self.model_at_source(unit, node)
            return node
        new_id, info = self.ctx.models.interactions_name(value)
        if new_id == value:
            return node
        if info is not None and not self.ctx.enabled(MODEL_SUBSTITUTED, self.path):
            return node
        if info is not None:
            unit.fixed.append((node, MODEL_SUBSTITUTED,
                               f"model {value!r} is refused by the Interactions API; "
                               f"using {new_id!r}", {"from": value, "to": new_id}))
        return same_quotes(node, new_id)

    def model_at_source(self, unit: Unit, node: cst.BaseExpression) -> None:
        """`model=MODEL` where the id is written in a constant, a parameter's default or a
        getenv default: substituted there, once this call migrates."""
        source = model_source(node, self.scopes, self.parent, self.qualified)
        literals = [source.string] if source is not None and source.string is not None else []
        # The ids passed for a parameter (`Bot("gemini-2.0-flash")`) reach the call too.
        literals += argument_sources(node, self.scopes, self.parent, self.qualified)
        for literal_node in literals:
            self.substitute_at(unit, literal_node)

    def substitute_at(self, unit: Unit, literal_node: cst.SimpleString) -> None:
        value = string_value(literal_node)
        if value is None:
            return
        new_id, info = self.ctx.models.interactions_name(value)
        if info is None or new_id == value or not self.ctx.enabled(MODEL_SUBSTITUTED, self.path):
            return
        key = lookup_use(literal_node, self.scopes, self.parent)
        if key is not None:
            raise Unsupported(MODEL_KEY, f"the model id {value!r} would be refused by the "
                              f"Interactions API, and the name holding it is also a lookup key "
                              f"(`{self.module.code_for_node(key)}`): "
                              "change the id and the keys it is looked up in by hand")
        unit.fixed.append((literal_node, MODEL_SUBSTITUTED,
                           f"model {value!r} is refused by the Interactions API; "
                           f"substituted {new_id!r}", {"from": value, "to": new_id}))
        def substitute(n: cst.CSTNode) -> cst.CSTNode:
            return same_quotes(cast(cst.BaseExpression, n), new_id)

        unit.edit(literal_node, "model", substitute)

    def shared_config(self, unit: Unit, name: cst.Name) -> ConfigParts:
        """`config=cfg` where `cfg = types.GenerateContentConfig(...)`: the assignment becomes a
        dict of create() arguments and every call spreads it (`**cfg`). Every use of `cfg`
        must be such a call, checked once all calls are planned (`settle_configs`)."""
        found = self.referents(name)
        if len(found) != 1:
            raise Unsupported(CONFIG_CODE, f"`{name.value}` is not assigned exactly once")
        assignment = next(iter(found))
        value = self.assigned_value(assignment)
        if value is None:
            raise Unsupported(CONFIG_CODE, f"`{name.value}` is not a literal config")
        parts = self.config_parts(value)
        indent = indent_of(value.whitespace_before_args) if isinstance(value, cst.Call) \
            else indent_of(value.lbrace.whitespace_after) if isinstance(value, cst.Dict) else None
        items = [Item(i.key, reindent(i.value, indent + "    "), i.source) if indent else i
                 for i in parts.top]
        if parts.generation:
            generation = layout_dict(parts.generation, value, indent + "    ") if indent \
                else dict_node([(i.key, i.value) for i in parts.generation])
            items.append(Item("generation_config", generation))
        new = layout_dict(items, value) if items else cst.Dict([])
        unit.edit(value, "config", lambda _n: self.refresh(new))
        users = self.config_users.setdefault(id(assignment), (assignment, []))[1]
        users.append(unit)
        unit.imports |= parts.imports
        return parts

    def settle_configs(self) -> None:
        for assignment, users in self.config_users.values():
            calls = {id(u.call) for u in users}
            self.groups.append(users)
            for access in assignment.references:
                arg = self.parent(access.node)
                call = self.parent(arg) if arg is not None else None
                if not (isinstance(arg, cst.Arg) and arg.keyword is not None
                        and arg.keyword.value == "config" and id(call) in calls):
                    users[0].fail(Unsupported(CONFIG_CODE, f"`{assignment.name}` is used "
                                                           "other than as config= of a migrated "
                                                           "call"))
                    break

    def config_parts(self, node: cst.BaseExpression) -> ConfigParts:
        return convert_config(node, self.is_types, self.is_text, self.schema_class)

    # --- results -----------------------------------------------------------------------------

    def bind_result(self, unit: Unit, node: cst.BaseExpression, stream: bool) -> Any:
        """Plan what happens to the value of `node`; return a grouping key for a variable."""
        parent = self.parent(node)
        if stream:
            if isinstance(parent, (cst.For,)) and parent.iter is node:
                self.plan_loop(unit, parent, None)
                return None
            name = self.assigned_name(node)
            if name is None:
                raise Unsupported(FOLLOW, "a stream that is not consumed by a plain for loop")
            assignments = self.assignments_in_scope(name)
            refs = [r for a in assignments for r in a.references]
            if len(assignments) != 1 or len(refs) != 1:
                raise Unsupported(FOLLOW, "a stream variable used more than once")
            ref = refs[0].node
            loop = self.parent(ref)
            if isinstance(loop, cst.Await):
                raise Unsupported(FOLLOW, "a stream awaited away from its call")
            if not isinstance(loop, cst.For) or loop.iter is not ref:
                raise Unsupported(FOLLOW, "a stream that is not consumed by a plain for loop")
            self.plan_loop(unit, loop, None)
            return None
        if isinstance(parent, cst.Expr):
            return None
        if isinstance(parent, cst.Attribute) and parent.value is node:
            self.plan_response_use(unit, node, unit.parsed)
            return None
        name = self.assigned_name(node)
        if name is None:
            raise Unsupported(FOLLOW, "the response is used in a way gemini-migrate cannot "
                                      "follow")
        scope = self.scopes[name]
        return ("name", id(scope), name.value)

    def assigned_name(self, node: cst.BaseExpression) -> cst.Name | None:
        parent = self.parent(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 \
                and isinstance(parent.targets[0].target, cst.Name):
            return parent.targets[0].target
        if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
            return parent.target
        return None

    def assignments_in_scope(self, name: cst.Name) -> list[BaseAssignment]:
        """Every assignment of the variable `name` (an assignment target) stands for, also
        through `global` / `nonlocal`; raises when that cannot be established."""
        scope = self.scopes.get(name)
        found = [] if scope is None else list(scope[name.value])
        if not any(getattr(a, "node", None) is name for a in found):
            raise Unsupported(FOLLOW, f"cannot tell which variable `{name.value}` is")
        return found

    def plan_binding(self, key: Any, units: list[Unit]) -> None:
        """All assignments of one response name in one scope: every one must be a unit."""
        group = Unit(units[0].call, units[0].code)
        self.group_edits.append((units, group))
        self.groups.append(units)
        first = self.assigned_name(self.result_node(units[0]))
        assert first is not None
        try:
            assignments = self.assignments_in_scope(first)
        except Unsupported as error:
            for unit in units:
                unit.fail(error)
            return
        mine = {id(self.assigned_name(self.result_node(u))) for u in units}
        for assignment in assignments:
            if id(getattr(assignment, "node", None)) not in mine:
                group.fail(Unsupported(FOLLOW, f"`{first.value}` is also assigned by code "
                                               "that is not migrated"))
                for unit in units:
                    unit.fail(group.error)  # type: ignore[arg-type]
                return
        parsed = {u.parsed for u in units}
        schema = units[0].parsed if len(parsed) == 1 else None
        seen: set[int] = set()
        try:
            for assignment in assignments:
                for access in assignment.references:
                    if id(access.node) in seen:
                        continue
                    seen.add(id(access.node))
                    self.plan_response_use(group, access.node, schema)
        except Unsupported as error:
            for unit in units:
                unit.fail(error)

    def result_node(self, unit: Unit) -> cst.BaseExpression:
        parent = self.parent(unit.call)
        return parent if isinstance(parent, cst.Await) else unit.call

    def plan_response_use(self, unit: Unit, ref: cst.CSTNode,
                          parsed: tuple[str, str] | None) -> None:
        attr = self.parent(ref)
        if not isinstance(attr, cst.Attribute) or attr.value is not ref:
            raise Unsupported(FOLLOW, "the response object is used directly (passed, returned "
                                      "or printed)")
        name = attr.attr.value
        if name == "text":
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name("output_text")))
        elif name == "usage_metadata":
            outer = self.parent(attr)
            if not isinstance(outer, cst.Attribute) or outer.attr.value not in USAGE_FIELDS:
                raise Unsupported(FOLLOW, "usage_metadata used other than through one field")
            new = USAGE_FIELDS[outer.attr.value]
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name("usage")))
            unit.edit(outer, "attr", lambda n: n.with_changes(attr=cst.Name(new)))
        elif name == "parsed":
            if parsed is None:
                raise Unsupported(FOLLOW, "response.parsed without a known schema")
            kind, cls = parsed
            if kind == "model":
                def to_model(n: cst.Attribute) -> cst.BaseExpression:
                    return cst.Call(cst.Attribute(cst.Name(cls), cst.Name("model_validate_json")),
                                    [cst.Arg(n.with_changes(attr=cst.Name("output_text")))])
                unit.edit(attr, "attr", to_model)
            else:
                def to_json(n: cst.Attribute) -> cst.BaseExpression:
                    return cst.Call(cst.Attribute(cst.Name("json"), cst.Name("loads")),
                                    [cst.Arg(n.with_changes(attr=cst.Name("output_text")))])
                unit.imports.add("json")
                unit.edit(attr, "attr", to_json)
        elif name == "function_calls":
            self.plan_function_calls(unit, attr)
        else:
            raise Unsupported(FOLLOW, f"response.{name} has no Interactions equivalent here")

    def plan_function_calls(self, unit: Unit, attr: cst.Attribute) -> None:
        def steps(n: cst.Attribute) -> cst.BaseExpression:
            return cst.parse_expression(
                '[step for step in RESPONSE.steps if step.type == "function_call"]'
            ).visit(_ReplaceName("RESPONSE", n.value))  # type: ignore[return-value]

        unit.edit(attr, "attr", steps)
        parent = self.parent(attr)
        if isinstance(parent, cst.Subscript) and parent.value is attr:
            self.plan_call_item(unit, parent)
        elif isinstance(parent, cst.For) and parent.iter is attr:
            if not isinstance(parent.target, cst.Name):
                raise Unsupported(FOLLOW, "a loop over function_calls without a plain name")
            for access in self.loop_accesses(parent, parent.target):
                self.plan_call_item(unit, access)
        elif (isinstance(parent, (cst.If, cst.While)) and parent.test is attr) or (
                isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)):
            return
        elif isinstance(parent, cst.Arg) and isinstance(self.parent(parent), cst.Call):
            func = cast(cst.Call, self.parent(parent)).func
            if not (isinstance(func, cst.Name) and func.value in ("len", "bool")):
                raise Unsupported(FOLLOW, "response.function_calls passed on")
        else:
            raise Unsupported(FOLLOW, "response.function_calls used in a way gemini-migrate "
                                      "cannot follow")

    def plan_call_item(self, unit: Unit, item: cst.CSTNode) -> None:
        attr = self.parent(item)
        if not isinstance(attr, cst.Attribute) or attr.attr.value not in FUNCTION_CALL_FIELDS:
            raise Unsupported(FOLLOW, "a function call used other than through .name/.args/.id")
        new = FUNCTION_CALL_FIELDS[attr.attr.value]
        if new != attr.attr.value:
            unit.edit(attr, "attr", lambda n: n.with_changes(attr=cst.Name(new)))

    def loop_accesses(self, loop: cst.For, target: cst.Name) -> Iterator[cst.CSTNode]:
        """Accesses of the loop variable; they must all be inside the loop body."""
        for assignment in self.assignments_in_scope(target):
            if getattr(assignment, "node", None) is not target:
                continue
            for access in assignment.references:
                node = access.node
                if self.inside(node, loop.body):
                    yield node
                elif not self.rebound_elsewhere(node, target.value, loop):
                    raise Unsupported(FOLLOW, f"`{target.value}` is used after the loop")

    def rebound_elsewhere(self, node: cst.CSTNode, name: str, loop: cst.For) -> bool:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.For) and current is not loop and isinstance(
                    current.target, cst.Name) and current.target.value == name and self.inside(
                    node, current.body):
                return True
            current = self.parent(current)
        return False

    def plan_loop(self, unit: Unit, loop: cst.For, chat: cst.BaseExpression | None) -> None:
        if not isinstance(loop.target, cst.Name):
            raise Unsupported(FOLLOW, "a stream loop without a plain loop variable")
        if loop.orelse is not None:
            raise Unsupported(FOLLOW, "a stream loop with an else clause")
        target = loop.target
        for access in self.loop_accesses(loop, target):
            attr = self.parent(access)
            if not isinstance(attr, cst.Attribute) or attr.attr.value != "text":
                raise Unsupported(FOLLOW, "the stream chunk is used other than through .text")
            unit.edit(attr, "attr", lambda n: n.with_changes(
                value=cst.Attribute(n.value, cst.Name("delta"))))
        name = target.value

        def wrap(node: cst.For) -> cst.For:
            test = cst.parse_expression(
                f'{name}.event_type == "step.delta" and {name}.delta.type == "text"')
            body = node.body
            inner: cst.BaseSuite
            if isinstance(body, cst.IndentedBlock):
                inner = body.with_changes(header=cst.TrailingWhitespace())
                header = body.header
                footer = body.footer
            else:
                inner = body
                header, footer = cst.TrailingWhitespace(), ()
            statements: list[cst.BaseStatement] = []
            if chat is not None:
                statements.append(cst.If(
                    test=cst.parse_expression(f'{name}.event_type == "interaction.completed"'),
                    body=cst.IndentedBlock([_previous_update(
                        chat, cst.parse_expression(f"{name}.interaction.id"))]),
                ))
            statements.append(cst.If(test=test, body=inner))
            return node.with_changes(body=cst.IndentedBlock(statements, header=header,
                                                            footer=footer))

        unit.edit(loop, "loop", wrap)

    # --- chats -------------------------------------------------------------------------------

    def chat_key(self, call: cst.Call) -> Any:
        parent = self.parent(call)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
            return ("unassigned", id(call))
        receiver = parent.targets[0].target
        if isinstance(receiver, cst.Name):
            return ("scoped", id(self.scopes.get(receiver)), receiver.value)
        return self.receiver_key(receiver) or ("unknown", id(call))

    def plan_chat(self, creates: list[tuple[cst.Call, cst.BaseExpression, bool]],
                  bindings: dict[Any, list[Unit]]) -> None:
        """Every `chats.create` stored in one place, and every turn taken on it."""
        units = []
        for call, _, _ in creates:
            unit = Unit(call, CHATS)
            self.units.append(unit)
            units.append(unit)
        turns: list[Unit] = []
        self.groups.append(units)
        call, client, is_async = creates[0]
        code = cst.Module([]).code_for_node
        try:
            if any(code(c) != code(client) or a != is_async for _, c, a in creates):
                raise Unsupported(FOLLOW, "the chat is created on different clients")
            parent = self.parent(call)
            if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
                raise Unsupported(FOLLOW, "a chat that is not assigned to a variable")
            receiver = parent.targets[0].target
            key = self.receiver_key(receiver)
            if key is None or isinstance(client, cst.Call):
                raise Unsupported(FOLLOW, "a chat stored where gemini-migrate cannot follow it")
            for unit in units:
                unit.edit(unit.call, "chat", self.chat_dict(unit, unit.call))
            uses = self.chat_uses(receiver, key, {id(c) for c, _, _ in creates})
        except Unsupported as error:
            units[0].fail(error)
            return
        history = [step for unit in units for step in unit.history]
        first: cst.Call | None = None
        if history:
            try:
                first = self.first_turn(units, receiver, uses)
            except Unsupported as error:
                units[0].fail(error)
                return
        for use in uses:
            turn = Unit(use, CHATS)
            turn.parsed = units[0].parsed if len({u.parsed for u in units}) == 1 else None
            self.units.append(turn)
            turns.append(turn)
            try:
                for create, _, _ in creates:
                    self.check_client_reach(client, create, use)
                self.plan_turn(turn, use, client, is_async, bindings,
                               history if use is first else [])
            except Unsupported as error:
                turn.fail(error)
        units.extend(turns)

    def first_turn(self, units: list[Unit], receiver: cst.BaseExpression,
                   uses: list[cst.Call]) -> cst.Call:
        """The history goes with the chat's first message, which must statically be the
        first: the next statement after chats.create that touches the chat, in the same block
        (the rule the legacy codemod follows for start_chat(history=...))."""
        if len(units) != 1 or not isinstance(receiver, cst.Name):
            raise Unsupported(FOLLOW, "history replay needs one chat created in one place")
        start = self.statement(units[0].call)
        block = self.parent(start) if start is not None else None
        body = list(getattr(block, "body", ()) or ())
        if start not in body:
            raise Unsupported(FOLLOW, "cannot tell which message is the chat's first")
        for stmt in body[body.index(start) + 1:]:
            inside = [use for use in uses if self.inside(use, stmt)]
            if not inside:
                continue
            if len(inside) == 1 and self.statement(inside[0]) is stmt and not isinstance(
                    stmt, (cst.For, cst.While)) or (isinstance(stmt, cst.For)
                                                   and self.inside(inside[0], stmt.iter)):
                return inside[0]
            break
        raise Unsupported(FOLLOW, "the chat's first message is not in straight-line code after "
                                  "chats.create(history=...)")

    def receiver_key(self, node: cst.BaseExpression) -> tuple[str, ...] | None:
        # Deliberately not scoped: `self.chat` in every method (and every class) is one key, so
        # a use elsewhere is checked rather than missed.
        if isinstance(node, cst.Name):
            return ("name", node.value)
        if isinstance(node, cst.Attribute):
            base = self.receiver_key(node.value)
            return None if base is None else (*base, node.attr.value)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if not isinstance(index, cst.Index):
                return None
            base = self.receiver_key(node.value)
            value = index.value
            text = string_value(value)
            if base is None:
                return None
            if text is not None:
                return (*base, text)
            if isinstance(value, (cst.Name, cst.Integer)):
                return (*base, "[" + cst.Module([]).code_for_node(value) + "]")
        return None

    def chat_uses(self, receiver: cst.BaseExpression, key: tuple[str, ...],
                  creates: set[int]) -> list[cst.Call]:
        """Every `<receiver>.send_message(...)` of the chat; anything else fails the chat."""
        occurrences: list[cst.BaseExpression] = []
        if isinstance(receiver, cst.Name):
            for assignment in self.assignments_in_scope(receiver):
                value = self.assigned_value(assignment)
                if id(value) not in creates:
                    raise Unsupported(FOLLOW, f"`{receiver.value}` is also assigned something "
                                              "other than a chat")
                occurrences.extend(cast(cst.BaseExpression, a.node)
                                   for a in assignment.references)
        else:
            base_key = key[:-1]
            for expr in self.collect.exprs:
                expr_key = self.receiver_key(expr)
                if expr_key == key:
                    occurrences.append(expr)
                elif expr_key == base_key and isinstance(expr, cst.Attribute) and \
                        expr.attr.value in ("get", "pop", "setdefault"):
                    raise Unsupported(FOLLOW, "the chat is read through .get()/.pop()")
            if key[-1].startswith("["):
                self.check_container(key)
            for expr in occurrences:
                parent = self.parent(expr)
                if isinstance(parent, cst.AssignTarget):
                    value = cast(cst.Assign, self.parent(parent)).value
                    if id(value) not in creates:
                        raise Unsupported(FOLLOW, "the chat is reassigned")
            occurrences = [e for e in occurrences
                           if not isinstance(self.parent(e), cst.AssignTarget)]
        uses: list[cst.Call] = []
        pending = list(occurrences)
        while pending:
            expr = pending.pop(0)
            attr = self.parent(expr)
            if isinstance(attr, cst.Del):
                continue  # `del chats[uid]` drops the entry, whatever it holds
            alias = self.assigned_name(expr)
            if alias is not None and not isinstance(receiver, cst.Name):
                # `session = chats[uid]` then `session.send_message(...)`: the dict is shared
                # exactly as the chat object was, so turns through the alias update it too.
                assignments = self.assignments_in_scope(alias)
                if len(assignments) != 1:
                    raise Unsupported(FOLLOW, f"`{alias.value}` holds the chat and other values")
                pending.extend(cast(cst.BaseExpression, a.node)
                               for a in assignments[0].references)
                continue
            call = self.parent(attr) if attr is not None else None
            if not (isinstance(attr, cst.Attribute) and attr.value is expr
                    and isinstance(call, cst.Call) and call.func is attr
                    and attr.attr.value in ("send_message", "send_message_stream")):
                what = f"chat.{attr.attr.value}" if isinstance(attr, cst.Attribute) \
                    else "the chat object"
                raise Unsupported(FOLLOW, f"{what} is used in a way that has no Interactions "
                                          "equivalent here")
            uses.append(call)
        return uses

    def check_container(self, key: tuple[str, ...]) -> None:
        """`chats[user_id]`: `chats` itself may only be indexed the same way, tested with `in`,
        have items deleted, or be set to an empty dict."""
        base_key = key[:-1]
        for expr in [*self.collect.exprs, *self.collect.name_nodes]:
            if self.receiver_key(expr) != base_key:
                continue
            parent = self.parent(expr)
            if (isinstance(parent, cst.Attribute) and parent.attr is expr) or (
                    isinstance(parent, cst.Arg) and parent.keyword is expr):
                continue  # `client.chats`, `f(chats=...)`: a different name
            if isinstance(parent, cst.Subscript) and parent.value is expr:
                if self.receiver_key(parent) == key or isinstance(self.parent(self.parent(
                        parent) or parent), cst.Del) or isinstance(self.parent(parent), cst.Del):
                    continue
            elif isinstance(parent, cst.ComparisonTarget) and isinstance(
                    parent.operator, (cst.In, cst.NotIn)):
                continue
            elif isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                stmt = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
                value = getattr(stmt, "value", None)
                if isinstance(value, cst.Dict) and not value.elements:
                    continue
            elif isinstance(parent, cst.NameItem):  # `global chats`
                continue
            raise Unsupported(FOLLOW, "the chat container is used in other ways")

    def chat_dict(self, unit: Unit, call: cst.Call) -> Edit:
        """`chats.create(model=, config=)` -> the dict of create() arguments, laid out like
        the call (and keeping its comments)."""
        items: list[Item] = []
        spread: cst.Name | None = None
        inner = indent_of(call.whitespace_before_args)
        for arg in call.args:
            if arg.keyword is None or arg.star:
                raise Unsupported(FOLLOW, "chats.create with positional or ** arguments")
            key = arg.keyword.value
            if key == "model":
                items.append(Item("model", self.model_value(unit, arg.value), arg))
            elif key == "config" and isinstance(arg.value, cst.Name):
                unit.parsed = self.shared_config(unit, arg.value).parsed
                spread = arg.value
            elif key == "config":
                parts = self.config_parts(arg.value)
                unit.parsed = parts.parsed
                for item in parts.top:
                    value = reindent(item.value, inner + "    ") if inner is not None \
                        else item.value
                    items.append(Item(item.key, value, item.source, item.anchor or arg))
                if parts.generation:
                    config_inner = indent_of(arg.value.whitespace_before_args) if isinstance(
                        arg.value, cst.Call) else indent_of(arg.value.lbrace.whitespace_after) \
                        if isinstance(arg.value, cst.Dict) else None
                    generation = layout_dict(parts.generation, arg.value, inner + "    ") \
                        if inner is not None and config_inner is not None \
                        else dict_node([(i.key, i.value) for i in parts.generation])
                    items.append(Item("generation_config", generation, None, arg))
            elif key == "history":
                unit.history = history_steps(arg.value, self.is_types, self.is_text)
            else:
                raise Unsupported(FOLLOW, f"chats.create({key}=...) is not migrated")
        if not any(item.key == "model" for item in items):
            raise Unsupported(FOLLOW, "chats.create without model=")
        items.append(Item("previous_interaction_id", cst.Name("None")))
        new = layout_dict(items, call)
        if spread is not None:
            elements = list(new.elements)
            elements.insert(1, cst.StarredDictElement(spread, comma=elements[0].comma))
            new = new.with_changes(elements=elements)
        if inner is None and len(cst.Module([]).code_for_node(new)) > 72:
            new = vertical(new, "")
        return lambda _node: self.refresh(new)

    def plan_turn(self, turn: Unit, call: cst.Call, client: cst.BaseExpression, is_async: bool,
                  bindings: dict[Any, list[Unit]], history: list[cst.BaseExpression]) -> None:
        func = cast(cst.Attribute, call.func)
        chat = func.value
        stream = func.attr.value == "send_message_stream"
        client_func = cst.Attribute(
            cst.Attribute(cst.Attribute(client, cst.Name("aio")) if is_async else client,
                          cst.Name("interactions")),
            cst.Name("create"))
        self.rewrite_call(turn, call, chat, stream, client_func, history)
        node = self.awaited(call, is_async)
        parent = self.parent(node)
        if stream:
            if not (isinstance(parent, cst.For) and parent.iter is node):
                raise Unsupported(FOLLOW, "send_message_stream not consumed by a plain for loop")
            self.plan_loop(turn, parent, chat)
            return
        if isinstance(parent, cst.Expr):
            stmt = self.parent(parent)

            def update(n: cst.Expr) -> cst.BaseSmallStatement:
                value = n.value
                if isinstance(value, cst.Await):
                    value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                return _previous_update(chat, cst.Attribute(value, cst.Name("id"))).body[0]

            assert stmt is not None
            turn.edit(parent, "turn", update)
            return
        name = self.assigned_name(node)
        stmt = self.statement(node)
        if name is not None and isinstance(stmt, cst.SimpleStatementLine):
            turn.after[id(stmt)] = (stmt, [_previous_update(
                chat, cst.Attribute(cst.Name(name.value), cst.Name("id")))])
            key = ("name", id(self.scopes[name]), name.value)
            bindings.setdefault(key, []).append(turn)
            return
        # `print(chat.send_message(m).text)`: hoist the turn into its own statement.
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            raise Unsupported(FOLLOW, "a chat turn inside a compound statement header")
        current = self.parent(node)
        while current is not None and current is not stmt:
            if isinstance(current, LAZY):
                raise Unsupported(FOLLOW, "a chat turn inside a conditional expression")
            current = self.parent(current)
        if not (isinstance(parent, cst.Attribute) and parent.value is node):
            raise Unsupported(FOLLOW, "the chat reply is used directly")
        temp = self.temp_name("reply")
        self.plan_response_use(turn, node, turn.parsed)
        placeholder = f"__gemini_migrate_hoisted_{id(node)}__"
        hoisted = self.hoisted

        def hoist(n: cst.BaseExpression) -> cst.BaseExpression:
            hoisted[placeholder] = n
            return cst.Name(temp)

        turn.edit(node, "hoist", hoist)
        # After what the contents need first (an image encoded before the statement).
        turn.before.setdefault(id(stmt), (stmt, []))[1].extend([
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(temp))],
                                                cst.Name(placeholder))]),
            _previous_update(chat, cst.Attribute(cst.Name(temp), cst.Name("id"))),
        ])

    def check_client_reach(self, client: cst.BaseExpression, create: cst.Call,
                           use: cst.Call) -> None:
        if isinstance(client, cst.Name):
            here = self.scopes.get(use)
            there = self.scopes.get(create)
            if here is None or there is None or not _same_assignments(here, there, client.value):
                raise Unsupported(FOLLOW, f"`{client.value}` is not the same client where the "
                                          "chat is used")
        elif isinstance(client, cst.Attribute) and (
                self.enclosing_class(use) is not self.enclosing_class(create)):
                raise Unsupported(FOLLOW, "the chat is used outside the class that holds its "
                                          "client")

    def enclosing_class(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.parent(current)
        return current

    # --- settle and apply --------------------------------------------------------------------

    def settle(self) -> None:
        changed = True
        while changed:
            changed = False
            for group in self.groups:
                failed = next((u for u in group if u.error is not None), None)
                if failed is None:
                    continue
                error = cast(Unsupported, failed.error)
                origin = error.origin or self.pos(failed.call)[0]
                for unit in group:
                    if unit.error is None:
                        # The TODO text stays the reason alone: a line number would change
                        # when comments are added and the next run would add another TODO.
                        unit.fail(Unsupported(error.code, error.reason, origin))
                        changed = True

    def apply(self) -> tuple[cst.Module, list[Finding]]:
        edits: dict[int, list[Edit]] = {}
        before: dict[int, list[cst.BaseStatement]] = {}
        after: dict[int, list[cst.BaseStatement]] = {}
        todos: dict[int, list[str]] = {}
        imports: set[str] = set()
        findings: list[Finding] = []
        reported: set[tuple[int, str]] = set()
        applied = [*[(u, u) for u in self.units],
                   *[(g, units[0]) for units, g in self.group_edits
                     if all(u.error is None for u in units)]]
        for unit, owner in applied:
            if owner.error is not None:
                continue
            for node, fn in unit.edits.values():
                edits.setdefault(id(node), []).append(fn)
            for key, (_, stmts) in unit.before.items():
                before.setdefault(key, []).extend(stmts)
            for key, (_, stmts) in unit.after.items():
                after.setdefault(key, []).extend(stmts)
            imports |= unit.imports
        for unit in self.units:
            if unit.error is None:
                what = ("generate_content call" if unit.code == GENERATE else "chat")
                findings.append(finding(self.path, self.pos(unit.call), unit.code,
                                        f"{what} migrated to client.interactions.create",
                                        fix=FIX_SAFE, fixed=True))
                for node, code, message, data in unit.fixed:
                    findings.append(finding(self.path, self.pos(node), code, message,
                                            fix=FIX_SAFE, fixed=True, **data))
                continue
            error = unit.error
            assert error is not None
            if not self.ctx.enabled(error.code, self.path):
                continue  # a disabled code: neither a finding nor a TODO comment
            stmt = self.statement(unit.call)
            if stmt is None or (id(stmt), error.code) in reported:
                continue
            reported.add((id(stmt), error.code))
            findings.append(finding(self.path, self.pos(unit.call), error.code,
                                    f"not migrated: {error.reason}" + (
                                        f" (because of line {error.origin})"
                                        if error.origin else "")))
            # One line: the reason can quote code that spans lines.
            todos.setdefault(id(stmt), []).append(
                TODO_PREFIX + " ".join(f"{error.code} {error.reason}".split()))
        if self.ctx.enabled(NOT_PROVEN, self.path):
            for call in self.unproven.values():
                reason = self.unproven_reason(call)
                if reason is not None:
                    findings.append(finding(self.path, self.pos(call), NOT_PROVEN, reason))
        if not edits and not todos:
            return self.module, findings
        transformer = _Apply(edits, before, after, todos)
        self.applied = transformer.done
        module = cast(cst.Module, self.module.visit(transformer))
        if self.hoisted:
            module = cast(cst.Module, module.visit(_FillHoisted(self.hoisted)))
        if imports:
            context = CodemodContext()
            for name in sorted(imports):
                AddImportsVisitor.add_needed_import(context, name)
            module = AddImportsVisitor(context).transform_module(module)
        if edits:
            module = self.drop_unused_types_import(module)
        return module, findings

    def unproven_reason(self, call: cst.Call) -> str | None:
        """Why the call is not migrated; None for a Vertex AI client, where google-genai's
        generate_content is the API to use (a finding there would never go away)."""
        func = cast(cst.Attribute, call.func)
        receiver = cast(cst.Attribute, func.value).value
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "aio":
            receiver = receiver.value
        if self.facts.surely_vertex(receiver):
            return None
        value: cst.BaseExpression | None = receiver
        if isinstance(receiver, cst.Name):
            found = self.referents(receiver)
            value = self.assigned_value(next(iter(found))) if len(found) == 1 else None
        kind = self.facts.ctor_kind(value) if value is not None else None
        shown = " ".join(cst.Module([]).code_for_node(receiver).split())
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        if kind == "vertex":
            switch = next((arg.value for arg in value.args if arg.keyword is not None
                           and arg.keyword.value == "vertexai"), None) if isinstance(
                value, cst.Call) else None
            if switch is None or (isinstance(switch, cst.Name) and switch.value == "True"):
                return None
            return (f"not migrated: `{shown}` may be a Vertex AI client (vertexai= is decided "
                    "at run time); the Interactions API is not available there")
        if kind == "transport":
            return (f"not migrated: `{shown}` is a client with a custom HTTP transport "
                    "(usually a mock of the old endpoint)")
        return (f"not migrated: `{shown}` is not proven to be a google.genai Client (a "
                "genai.Client(...), a factory returning one, a parameter every caller passes "
                "one to, or an import of one); migrate the call by hand if it is")

    def drop_unused_types_import(self, module: cst.Module) -> cst.Module:
        """`from google.genai import types` often only served the rewritten configs."""
        context = CodemodContext()
        found = False
        for stmt in module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if not isinstance(small, cst.ImportFrom) or isinstance(small.names,
                                                                        cst.ImportStar):
                    continue
                source = cst.Module([]).code_for_node(small.module) if small.module else ""
                if source != "google.genai":
                    continue
                for alias in small.names:
                    if cst.Module([]).code_for_node(alias.name) == "types":
                        asname = alias.evaluated_alias
                        RemoveImportsVisitor.remove_unused_import(context, "google.genai",
                                                                  "types", asname)
                        found = True
        if not found:
            return module
        new = RemoveImportsVisitor(context).transform_module(module)
        if new.body and module.body and new.body[0] is not module.body[0] and all(
                line.comment is None for line in new.body[0].leading_lines):
            # the removed import opened the file: the blank lines after it would now open it
            new = new.with_changes(body=[new.body[0].with_changes(leading_lines=[]),
                                         *new.body[1:]])
        return new


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: dict[int, list[Edit]], before: dict[int, list[cst.BaseStatement]],
                 after: dict[int, list[cst.BaseStatement]], todos: dict[int, list[str]]) -> None:
        self.edits = edits
        self.before = before
        self.after = after
        self.todos = todos
        # Original node -> its rewritten form, so that a rewrite built from original nodes
        # (a call's arguments) picks up the rewrites made inside them (`r.text` in an f-string).
        self.done: dict[int, cst.CSTNode] = {}

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        key = id(original_node)
        result: Any = updated_node
        for fn in self.edits.get(key, ()):
            result = fn(result)
        if isinstance(result, cst.CSTNode):
            self.done[key] = result
        if key in self.todos:
            result = _with_todos(result, self.todos[key])
        if key in self.before or key in self.after:
            head = list(self.before.get(key, []))
            if head:
                head[0] = head[0].with_changes(leading_lines=result.leading_lines)
                result = result.with_changes(leading_lines=())
            return cst.FlattenSentinel([*head, result, *self.after.get(key, [])])
        return result


class _Refresh(cst.CSTTransformer):
    def __init__(self, done: dict[int, cst.CSTNode]) -> None:
        self.done = done

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.done

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        return self.done.get(id(original_node), updated_node)


class _FillHoisted(cst.CSTTransformer):
    """Put each hoisted chat turn into the `reply = ...` statement planned before it."""

    def __init__(self, hoisted: dict[str, cst.BaseExpression]) -> None:
        self.hoisted = hoisted

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> Any:
        return self.hoisted.get(updated_node.value, updated_node)


def _is_str_annotation(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "str" or (
        isinstance(node, cst.SimpleString) and node.evaluated_value == "str")


def _with_todos(node: Any, lines: list[str]) -> Any:
    existing = {line.comment.value for line in node.leading_lines if line.comment is not None}
    new = [cst.EmptyLine(comment=cst.Comment(text)) for text in lines if text not in existing]
    if not new:
        return node
    return node.with_changes(leading_lines=[*node.leading_lines, *new])


def _unfold_content(value: cst.BaseExpression, base: str) -> cst.BaseExpression:
    """`[{"type": "user_input", "content": [a, b]}]` written on one line gets one block per
    line; anything already laid out by hand is left as it is."""
    if not (isinstance(value, cst.List) and len(value.elements) == 1
            and isinstance(value.elements[0].value, cst.Dict)):
        return value
    step = value.elements[0].value
    content = next((e.value for e in step.elements if isinstance(e, cst.DictElement)
                    and string_value(e.key) == "content"), None)
    if not isinstance(content, cst.List) or not content.elements or first_indent(
            content) is not None:
        return value
    unfolded = vertical_list(content, base)
    return value.with_changes(elements=[value.elements[0].with_changes(value=step.with_changes(
        elements=[e.with_changes(value=unfolded) if e.value is content else e
                  for e in step.elements]))])


def _stacked(items: list[cst.BaseExpression]) -> cst.List:
    """`[` item per line `]`, for a list that ends a statement-level call."""
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace("    "))
    closing = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    elements = [cst.Element(item, comma=cst.Comma(whitespace_after=closing if i == len(
        items) - 1 else inner)) for i, item in enumerate(items)]
    return cst.List(elements, lbracket=cst.LeftSquareBracket(whitespace_after=inner))


def _previous_update(
    chat: cst.BaseExpression, value: cst.BaseExpression
) -> cst.SimpleStatementLine:
    target = cst.Subscript(chat.deep_clone(), [cst.SubscriptElement(cst.Index(
        literal("previous_interaction_id")))])
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])


def _same_assignments(here: Scope, there: Scope, name: str) -> bool:
    return set(here[name]) == set(there[name]) and bool(here[name])


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                         whitespace_after=cst.SimpleWhitespace(""))
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _multiline(comma: cst.Comma) -> bool:
    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


class _ReplaceName(cst.CSTTransformer):
    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        self.name = name
        self.value = value

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> Any:
        return self.value if original_node.value == self.name else updated_node


def config_args(parts: ConfigParts, arg: cst.Arg,
                between: cst.Comma | cst.MaybeSentinel) -> list[cst.Arg]:
    """The create() keywords that replace one `config=` argument, keeping its layout."""
    separator = between if isinstance(between, cst.Comma) else _COMMA
    out: list[cst.Arg] = []
    items: list[Item] = list(parts.top)
    if parts.generation:
        items.append(Item("generation_config", layout_dict(parts.generation, arg.value)))
    if not items:
        return []
    # Values lifted out of the config call sit one level shallower in the create() call.
    arg_indent = indent_of(separator.whitespace_after)
    config_indent = indent_of(arg.value.whitespace_before_args) if isinstance(
        arg.value, cst.Call) else indent_of(arg.value.lbrace.whitespace_after) if isinstance(
        arg.value, cst.Dict) else None
    for index, item in enumerate(items):
        last = index == len(items) - 1
        comma: cst.Comma | cst.MaybeSentinel = arg.comma if last else separator
        if arg_indent is not None and item.source is not None and item.key != "response_format":
            item = Item(item.key, reindent(item.value, arg_indent + "    "), item.source)
        if item.key == "response_format" and arg_indent is not None and isinstance(
                item.value, cst.Dict) and len(cst.Module([]).code_for_node(item.value)) > 60:
            value = cast(cst.Dict, item.value)
            if config_indent is not None:
                # The schema moves from the config's level to one below response_format.
                elements = [e.with_changes(value=shift(e.value, len(arg_indent) + 4 - len(
                    config_indent))) if isinstance(e, cst.DictElement) and string_value(
                    e.key) == "schema" else e for e in value.elements]
                value = value.with_changes(elements=elements)
            item = Item(item.key, vertical(value, arg_indent))
        comment = _own_comment(item.source)
        if comment is not None and isinstance(comma, cst.Comma) and _multiline(comma):
            ws = cast(cst.ParenthesizedWhitespace, comma.whitespace_after)
            comma = comma.with_changes(whitespace_after=ws.with_changes(first_line=comment))
        # the last one keeps what followed `config=...`: the line break before `)`
        out.append(cst.Arg(item.value, keyword=cst.Name(item.key), equal=_EQUAL, comma=comma,
                           whitespace_after_arg=arg.whitespace_after_arg if last
                           else cst.SimpleWhitespace("")))
    return out


def _own_comment(source: cst.Arg | cst.DictElement | None) -> cst.TrailingWhitespace | None:
    if source is None or not isinstance(source.comma, cst.Comma):
        return None
    ws = source.comma.whitespace_after
    if isinstance(ws, cst.ParenthesizedWhitespace) and ws.first_line.comment is not None:
        return ws.first_line
    return None
