"""The google-genai pass: shared state, discovery, settling the groups and applying the
edits. The feature planners (values, calls, results, chats) hold it."""

from __future__ import annotations

from collections.abc import Mapping
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
from migrator.codemods.facts.source import code_of
from migrator.codemods.genai_convert import (
    FOLLOW,
    Unsupported,
)
from migrator.codemods.genai_models.calls import Calls
from migrator.codemods.genai_models.chats import Chats
from migrator.codemods.genai_models.common import (
    CHATS,
    GENERATE,
    NOT_PROVEN,
    TODO_PREFIX,
    Edit,
    Unit,
)
from migrator.codemods.genai_models.helpers import (
    _Apply,
    _FillHoisted,
    _Refresh,
)
from migrator.codemods.genai_models.media import receiver_placement
from migrator.codemods.genai_models.results import Results
from migrator.codemods.genai_models.values import Values
from migrator.context import Context
from migrator.findings import FIX_SAFE, Finding, finding


def genai_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    if not any(ctx.enabled(code, path) for code in (GENERATE, CHATS)):
        return module, []
    code = code_of(module)
    # Without these words no google.genai client can be built or named in this file.
    # A client built in another module may be used without `Client` being written here.
    if ("generate_content" not in code and "chats" not in code) or "genai" not in code:
        return module, []
    return Pass(module, path, ctx, code).run()


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


class Pass:
    def __init__(self, module: cst.Module, path: str, ctx: Context, code: str) -> None:
        # the feature planners; each holds this pass for the shared state
        self.values = Values(self)
        self.calls = Calls(self)
        self.results = Results(self)
        self.chats = Chats(self)
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
                self.calls.rewrite_call(unit, call, None, kind == "stream", client_func)
                key = self.results.bind_result(unit, self.awaited(call, is_async), kind == "stream")
            except Unsupported as error:
                unit.fail(error)
                continue
            if key is not None:
                bindings.setdefault(key, []).append(unit)
        chat_groups: dict[Any, list[tuple[cst.Call, cst.BaseExpression, bool]]] = {}
        for call, client, is_async in chats:
            chat_groups.setdefault(self.chats.chat_key(call), []).append((call, client, is_async))
        for creates in chat_groups.values():
            self.chats.plan_chat(creates, bindings)
        for key, units in bindings.items():
            self.results.plan_binding(key, units)
        self.calls.settle_configs()
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

    def list_variable(self, node: cst.BaseExpression) -> cst.List | cst.Tuple | None:
        """The literal list a name is bound to when this is its only binding and its only
        read (nothing appends to it or passes it elsewhere)."""
        if not isinstance(node, cst.Name) or self.values.is_text(node):
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
