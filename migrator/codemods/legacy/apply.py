"""Rewriting the tree from a plan: constructions, call sites, configure(), comments kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst

from migrator.codemods import caching, media, responses
from migrator.codemods.convert import literal
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import COUNT, EMBED, MODELS_API
from migrator.codemods.facts.sites import Construction, Pin, Site
from migrator.codemods.facts.syntax import attr_from_dotted as _attr
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.syntax import kwarg as _kwarg
from migrator.codemods.facts.syntax import names_in as _names_in
from migrator.codemods.facts.syntax import rebuild_args
from migrator.codemods.facts.syntax import rename_kwarg as _rename
from migrator.codemods.legacy.common import (
    TODO_PREFIX,
    _awaited,
    _carry,
    _clean,
    _client_assignment,
    _pure,
    _statement,
    _todo_lines,
)
from migrator.codemods.legacy.plan import Plan
from migrator.codemods.tools import afc_loop
from migrator.findings import FIX_SAFE, Finding, finding

NodeEdit = Callable[..., Any]



class Apply(cst.CSTTransformer):
    def __init__(self, plan: Plan, sdk: str, client: str, keep_configure: bool,
                 client_before: Sequence[cst.CSTNode] = (), local_mode: bool = False) -> None:
        super().__init__()
        self.local_mode = local_mode
        self.plan = plan
        self.sdk = sdk
        self.client = client
        self.keep_configure = keep_configure
        self.node_edits: dict[cst.CSTNode, NodeEdit] = {}
        self.after: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        self.before: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        self.todos: dict[cst.CSTNode, list[str]] = {}
        self.global_in: set[cst.CSTNode] = set()
        self.fixed: list[Finding] = []
        # result node -> (new variable, its statement, the chat-state subscript to update)
        self.hoisted: dict[cst.CSTNode, tuple[str, cst.CSTNode, cst.BaseExpression]] = {}
        self.hoisted_values: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
        self.loops_after: dict[cst.CSTNode, list[cst.BaseStatement]] = {}  # function loops
        self.loop_names: list[str] = []
        self.plan_names = _names_in(plan.module)
        self.prepare()
        for statement in client_before:
            self.before.setdefault(statement, []).append(
                _statement(f"{client} = {sdk}.Client()\n"))

    # -- preparing edits from the plan ------------------------------------------------------

    def found(self, node: cst.CSTNode, code: str, message: str) -> None:
        self.fixed.append(finding(self.plan.path, self.plan.pos(node), code, message,
                                  fix=FIX_SAFE, fixed=True))

    def todo(self, pin: Pin) -> None:
        plan = self.plan
        if not pin.code or not plan.ctx.enabled(pin.code, plan.path):
            return  # a disabled rule leaves code alone without a comment
        statement = plan.statement_of(pin.node)
        if statement is None:
            return
        text = f"{pin.code} {pin.reason}"
        self.todos.setdefault(statement, [])
        if text not in self.todos[statement]:
            self.todos[statement].append(text)
            plan.findings.append(finding(plan.path, plan.pos(pin.node), pin.code, pin.reason))

    def prepare(self) -> None:
        plan = self.plan
        for pin in plan.loose_pins:
            self.todo(pin)
        for holder in plan.holders.values():
            if holder.pin is not None:
                self.todo(holder.pin)
                # the construction the reason is about, when it is one of several
                cause = next((c for c in holder.constructions
                              if plan.statement_of(c.call) is not None and plan.statement_of(
                                  c.call) is plan.statement_of(holder.pin.node)), None)
                for construction in holder.constructions:
                    if construction.call is not holder.pin.node:
                        # another object of the same name stays because of that one: the
                        # comment says so rather than claim the reason as its own
                        reason = holder.pin.reason
                        if cause is not None and construction is not cause:
                            reason = f"kept with another object of the same name ({reason})"
                        self.todo(Pin(holder.pin.code, reason, construction.call))
        migrating_sites = [s for s in plan.sites if s.pin is None]
        for site in plan.sites:
            if site.pin is not None and (site.holder is None or caching.pinned_todo(self, site)):
                self.todo(site.pin)
        for construction in plan.constructions.values():
            owner = construction.holder
            if owner is not None and owner.pin is None:
                self.convert_construction(construction)
        for site in migrating_sites:
            self.convert_site(site)
        for holder, node, edit, message in plan.state_edits:
            if holder.pin is None:
                self.node_edits[node] = lambda n, e=edit: e(n, self.client)
                self.found(node, responses.CHAT_STATE, message)
        for noted, node, code, message in plan.handler_notes:
            if noted.pin is None:
                self.todo(Pin(code, message, node))
        for assign in plan.options.movable_defs():
            new_value = plan.config_defs[assign]
            self.node_edits[assign] = lambda n, d=new_value: n.with_changes(value=d)
        moved = plan.options.moved_ids()
        for old, (new, _, _) in plan.literal_defs.items():
            # a constant only changes once something that uses it has moved off legacy
            if any(id(user) in moved for user in plan.literal_users[old]):
                self.node_edits[old] = lambda n, new=new: new
        for call, statement, configure_pin in plan.configures:
            if configure_pin is not None:
                self.todo(configure_pin)
            elif not self.keep_configure or self.client_needed(call, migrating_sites):
                self.convert_configure(call, statement)

    def client_needed(self, call: cst.Call, migrating_sites: list[Site]) -> bool:
        """While the legacy SDK stays (its configure() too), whether this configure() must also
        make the client: some migrated call may read the client it makes. A configure() inside
        a function is not needed when every migrated call runs after a configure() of its own
        function (each of those makes the client it reads): otherwise every handler that
        configures the legacy SDK would build an unused Client, which raises without a key."""
        plan = self.plan
        users: list[cst.CSTNode] = [site.call for site in migrating_sites]
        users += [node for holder, node, _, _ in plan.state_edits if holder.pin is None]
        if not users:
            return False
        function = self.enclosing_function(call)
        if function is None:
            return True
        if self.local_mode:
            # The SDK is imported inside functions: the client made here is a local of this
            # function, which no call elsewhere can read.
            inside = {id(n) for n in _walk(function)}
            return any(id(node) in inside for node in users)
        # The unconditional configure() calls of each function (a pinned one stays legacy).
        configured: dict[cst.FunctionDef, int] = {}
        for other, _, pin in plan.configures:
            owner = self.enclosing_function(other)
            if pin is None and owner is not None:
                line = plan.pos(other)[0]
                configured[owner] = min(line, configured.get(owner, line))
        for node in users:
            owner = self.enclosing_function(node)
            if owner is function:
                return True
            if owner is None or owner not in configured or configured[owner] > plan.pos(node)[0]:
                return True  # it reads a client made elsewhere: possibly by this configure()
        return False

    def convert_construction(self, construction: Construction) -> None:
        call = construction.call
        parent = self.plan.parent(call)
        if isinstance(parent, cst.AnnAssign) and parent.annotation is not None:
            # `self.model: genai.GenerativeModel = ...` now holds a dict of create() arguments.
            self.node_edits[parent.annotation] = lambda n: n.with_changes(
                annotation=cst.Name("dict"))
        if construction.model_source is None:
            self.node_edits[call] = lambda n, c=construction: self.model_dict(n, c)
            self.found(call, "GM003", "GenerativeModel(...) becomes a dict of "
                       "interactions.create() arguments")
            self.fixed.extend(self.plan.tools.construction_findings(construction))
            return
        source = construction.model_source
        if isinstance(source, Construction):
            model = self.model_dict(source.call, source)
            assert isinstance(model, cst.Call)
            new: cst.BaseExpression = model.with_changes(args=[
                *[a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                  for a in model.args],
                _kwarg("previous_interaction_id", cst.Name("None")),
            ])
        else:
            receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
            assert receiver is not None
            new = cst.Dict([cst.StarredDictElement(_clean(receiver)),
                            cst.DictElement(literal("previous_interaction_id"),
                                            cst.Name("None"))])
        self.node_edits[call] = lambda n, new=new: new
        self.found(call, "GM005", "start_chat() becomes chained interactions "
                   "(previous_interaction_id)")

    def model_dict(self, node: cst.CSTNode, construction: Construction) -> cst.BaseExpression:
        assert isinstance(node, cst.Call)
        values = dict(construction.kwargs)
        edits: dict[int, cst.Arg | None] = {}
        prepend: list[cst.Arg] = []
        has_model = False
        append: list[cst.Arg] = []
        placed = {arg.keyword.value for arg in node.args if arg.keyword is not None}
        for index, arg in enumerate(node.args):
            name = arg.keyword.value if arg.keyword else ("model_name" if index == 0 else "")
            if name in ("tools", "tool_config") and name not in values:
                edits[index] = None  # tool_config is now generation_config["tool_choice"]
            elif name == "model_name":
                edits[index] = _rename(arg, "model", values["model"])
                has_model = True
            elif name == "generation_config" and name not in values:
                # Only structured output was in it: the slot becomes response_format.
                edits[index] = _rename(arg, "response_format", values["response_format"])
            elif name in values:
                edits[index] = arg.with_changes(value=values[name])
                if name == "generation_config" and "response_format" in values:
                    append.append(_kwarg("response_format", values["response_format"]))
        if not has_model:
            prepend.append(_kwarg("model", values["model"]))
        if "generation_config" in values and "generation_config" not in placed:
            append.append(_kwarg("generation_config", values["generation_config"]))
        return node.with_changes(func=cst.Name("dict"),
                                 args=rebuild_args(node.args, edits, prepend, append,
                                                   node.whitespace_before_args))

    def create_func(self, is_async: bool) -> cst.BaseExpression:
        return _attr(f"{self.client}.aio.interactions.create" if is_async
                     else f"{self.client}.interactions.create")

    def convert_site(self, site: Site) -> None:
        if site.method in caching.METHODS:
            caching.convert_site(self, site)
            return
        is_chat = site.holder is not None and site.holder.kind == "chat"
        func = self.create_func(site.is_async)
        if site.method in COUNT:
            func = _attr(f"{self.client}{'.aio' if site.is_async else ''}.models.count_tokens")
        if site.method in MODELS_API:
            func = _attr(f"{self.client}.models.{MODELS_API[site.method]}")
        if site.method in EMBED:
            func = _attr(f"{self.client}{'.aio' if site.is_async else ''}.models.embed_content")
        if site.method in media.FILES:
            func = _attr(f"{self.client}.files.{media.FILES[site.method]}")
        self.plan.media.apply(self, site)
        self.node_edits[site.call] = lambda n, s=site: n.with_changes(
            func=func, args=rebuild_args(n.args, _carry(s.call.args, n.args, s.edits),
                                         s.prepend, s.append, n.whitespace_before_args))
        if site.method in COUNT:
            self.found(site.call, "GM009", f"{site.method}() becomes "
                       f"{self.client}.models.count_tokens()")
        elif site.method in EMBED:
            self.found(site.call, "GM019", f"{site.method.rsplit('.', 1)[-1]}() becomes "
                       f"{self.client}.models.embed_content()")
        elif site.method in MODELS_API:
            self.found(site.call, "GM018", f"{site.method.rsplit('.', 1)[-1]}() becomes "
                       f"{self.client}.models.{MODELS_API[site.method]}()")
        elif site.method in media.FILES:
            self.found(site.call, "GM022", f"{site.method.rsplit('.', 1)[-1]}() becomes "
                       f"{self.client}.files.{media.FILES[site.method]}()")
        elif is_chat:
            self.found(site.call, "GM005", f"{site.method}() becomes "
                       f"{self.client}.interactions.create(**chat, ...) with "
                       "previous_interaction_id")
        else:
            self.found(site.call, "GM007" if site.is_async else "GM004",
                       f"{site.method}() becomes {self.client}"
                       f"{'.aio' if site.is_async else ''}.interactions.create()")
        for attribute, edit in site.accessor_edits:
            self.node_edits[attribute] = edit
            if site.method in EMBED:
                self.found(attribute, "GM019", "the embedding is read from .embeddings")
            elif site.method in MODELS_API:
                self.found(attribute, "GM018", f".{attribute.attr.value} is read through its "
                           "google-genai name")
            else:
                self.found(attribute, "GM008", f".{attribute.attr.value} is read through its "
                           "Interactions name")
        for node, edit, code, message in site.read_edits:
            self.node_edits[node] = edit
            self.found(node, code, message)
        for loop in site.loops:
            self.node_edits[loop] = lambda n, s=site: self.stream_loop(n, s)
            self.found(loop, "GM006", "the stream loop reads step.delta text events")
        if not is_chat or site.loops:
            return
        receiver = _clean(site.receiver)
        state = cst.Subscript(receiver, [cst.SubscriptElement(cst.Index(
            literal("previous_interaction_id")))])
        statement = site.statement
        assert statement is not None
        if site.hoist:
            name = self.fresh_name("response")
            result = site.result
            assert result is not None
            self.hoisted[result] = (name, statement, state)
        elif site.response_target is not None:
            self.after.setdefault(statement, []).append(cst.SimpleStatementLine([cst.Assign(
                [cst.AssignTarget(state)],  # type: ignore[arg-type]
                cst.Attribute(_clean(site.response_target), cst.Name("id")))]))
        else:
            expr = statement.body[0]
            assert isinstance(expr, cst.Expr)
            self.node_edits[expr] = lambda n, st=state: cst.Assign(
                [cst.AssignTarget(st)], cst.Attribute(_awaited(n.value), cst.Name("id")))  # type: ignore
        if id(site) in self.plan.tools.afc_sites:
            self.function_loop(site, name if site.hoist else self.plan.code(
                _clean(site.response_target)))  # type: ignore[arg-type]

    def function_loop(self, site: Site, response: str) -> None:
        """Automatic function calling, spelled out after the send (tools.afc_loop)."""
        if not self.loop_names:
            self.loop_names = [self.fresh_name(n) for n in ("results", "call", "output",
                                                             "function")]
        names = iter(self.loop_names)
        loop = afc_loop(response, self.plan.code(_clean(site.receiver)),
                        self.create_func(site.is_async), self.plan.tools.afc_sites[id(site)],
                        lambda _: next(names), site.is_async)
        if site.hoist:
            assert site.result is not None
            self.loops_after.setdefault(site.result, []).append(loop)
        else:
            assert site.statement is not None
            self.after.setdefault(site.statement, []).append(loop)
        self.found(site.call, "GM027", "automatic function calling becomes an explicit loop "
                   "that runs the requested functions and sends their results back (number "
                   "arguments now arrive as sent, e.g. 5, where the legacy SDK passed 5.0)")

    def fresh_name(self, base: str) -> str:
        used = self.plan_names
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        return name

    def stream_loop(self, node: cst.CSTNode, site: Site) -> cst.CSTNode:
        assert isinstance(node, cst.For)
        assert isinstance(node.target, cst.Name)
        chunk = node.target.value
        test = cst.parse_expression(
            f'{chunk}.event_type == "step.delta" and {chunk}.delta.type == "text"')
        body = node.body
        inner = body.visit(_ChunkText(chunk))
        assert isinstance(inner, cst.IndentedBlock)
        branch = cst.If(test=test, body=inner)
        statements: list[cst.BaseStatement] = [branch]
        if site.holder is not None and site.holder.kind == "chat":
            receiver = self.plan.code(_clean(site.receiver))
            created = cst.parse_statement(
                f'if {chunk}.event_type == "interaction.created":\n'
                f'    {receiver}["previous_interaction_id"] = {chunk}.interaction.id\n')
            assert isinstance(created, cst.If)
            statements = [created.with_changes(orelse=cst.If(test=test, body=inner))]
        return node.with_changes(body=body.with_changes(body=statements))

    def convert_configure(self, call: cst.Call, statement: cst.CSTNode) -> None:
        args = [a for a in call.args if a.keyword is not None
                and a.keyword.value not in ("transport", "client_info")]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        client_call = call.with_changes(func=_attr(f"{self.sdk}.Client"), args=args)
        assign = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(self.client))], client_call)])
        function = self.enclosing_function(call)
        if function is not None and not self.local_mode:
            self.global_in.add(function)
        if self.keep_configure:
            if not self.client_follows(statement):
                key = next((a for a in call.args if a.keyword is not None
                            and a.keyword.value == "api_key"), None)
                if key is not None and not _pure(key.value):
                    # Both SDKs need the key while legacy uses remain; a key read by a call
                    # with side effects (getpass, input) is read once, into a variable.
                    name = self.fresh_name("api_key")
                    self.before.setdefault(statement, []).append(cst.SimpleStatementLine(
                        [cst.Assign([cst.AssignTarget(cst.Name(name))], key.value)]))
                    self.node_edits[key] = lambda n, v=name: n.with_changes(value=cst.Name(v))
                    client_call = client_call.with_changes(args=[
                        a.with_changes(value=cst.Name(name)) if a.keyword is not None
                        and a.keyword.value == "api_key" else a for a in client_call.args])
                    assign = cst.SimpleStatementLine(
                        [cst.Assign([cst.AssignTarget(cst.Name(self.client))], client_call)])
                self.after.setdefault(statement, []).insert(0, assign)
        else:
            assert isinstance(statement, cst.SimpleStatementLine)
            self.node_edits[statement] = lambda n, a=assign: a.with_changes(
                leading_lines=n.leading_lines,  # type: ignore[attr-defined]
                trailing_whitespace=n.trailing_whitespace)  # type: ignore[attr-defined]
        self.found(call, "GM002", f"genai.configure() becomes {self.client} = "
                   f"{self.sdk}.Client(...)")

    def client_follows(self, statement: cst.CSTNode) -> bool:
        """A previous run already put `client = <sdk>.Client(...)` after this configure."""
        block = self.plan.parent(statement)
        body = list(getattr(block, "body", ()) or ())
        if statement not in body or body.index(statement) + 1 >= len(body):
            return False
        following = body[body.index(statement) + 1]
        return _client_assignment(following, self.sdk) == self.client

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        current = self.plan.parent(node)
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                return current
            if isinstance(current, cst.ClassDef):
                return None
            current = self.plan.parent(current)
        return None

    # -- the traversal ----------------------------------------------------------------------

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        result = updated_node
        edit = self.node_edits.get(original_node)
        if edit is not None:
            result = edit(updated_node)
        hoist = self.hoisted.get(original_node)
        if hoist is not None:
            name, statement, state = hoist
            assert isinstance(result, cst.BaseExpression)
            self.hoisted_values.setdefault(statement, []).extend([
                cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))],
                                                    result)]),
                cst.SimpleStatementLine([cst.Assign(
                    [cst.AssignTarget(state)],  # type: ignore[arg-type]
                    cst.Attribute(cst.Name(name), cst.Name("id")))]),
                *self.loops_after.get(original_node, []),
            ])
            result = cst.Name(name)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            todos = self.todos.get(original_node)
            if todos and isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                result = result.with_changes(leading_lines=_todo_lines(result, todos))
            before = [*self.before.get(original_node, []),
                      *self.hoisted_values.get(original_node, [])]
            after = self.after.get(original_node, [])
            if isinstance(original_node, cst.SimpleStatementLine) and isinstance(
                result, cst.SimpleStatementLine
            ):
                result = _keep_comments(original_node, result, [*before, *after])
            if before or after:
                if before and isinstance(result, (cst.FunctionDef, cst.ClassDef)):
                    # a definition keeps its blank lines (and comments) above it
                    first = before[0].with_changes(leading_lines=[
                        line for line in result.leading_lines if line.comment is None])
                    before = [first, *before[1:]]
                elif before and isinstance(result, (cst.SimpleStatementLine,
                                                    cst.BaseCompoundStatement)):
                    first = before[0].with_changes(leading_lines=result.leading_lines)
                    result = result.with_changes(leading_lines=[])
                    before = [first, *before[1:]]
                return cst.FlattenSentinel([*before, result, *after])
        if isinstance(original_node, cst.FunctionDef) and original_node in self.global_in:
            result = _add_global(result, self.client)
        return result



def _comments(node: cst.CSTNode) -> list[str]:
    return [n.value for n in _walk(node) if isinstance(n, cst.Comment)
            and not n.value.startswith(TODO_PREFIX)]



def _keep_comments(original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine,
                   around: Sequence[cst.CSTNode]) -> cst.SimpleStatementLine:
    """Comments inside a rewritten statement (in a GenerationConfig(...) call, a safety or
    history list) that the new code has no place for go above it: never dropped."""
    left = [c for node in (updated, *around) for c in _comments(node)]
    lost = []
    for comment in _comments(original):
        if comment in left:
            left.remove(comment)
        else:
            lost.append(comment)
    if not lost:
        return updated
    return updated.with_changes(leading_lines=[
        *updated.leading_lines, *(cst.EmptyLine(comment=cst.Comment(c)) for c in lost)])



class _ChunkText(cst.CSTTransformer):
    def __init__(self, chunk: str) -> None:
        super().__init__()
        self.chunk = chunk

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if _is_name(updated.value, self.chunk) and updated.attr.value == "text":
            return updated.with_changes(value=cst.Attribute(cst.Name(self.chunk),
                                                            cst.Name("delta")))
        return updated



def _add_global(node: cst.CSTNode, name: str) -> cst.CSTNode:
    assert isinstance(node, cst.FunctionDef)
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return node
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and (
            isinstance(statement.body[0], cst.Global)
        ):
            names = {n.name.value for n in statement.body[0].names}  # type: ignore[attr-defined]
            if name in names:
                return node
    statements = list(body.body)
    index = 0
    first = statements[0] if statements else None
    if (isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))):
        index = 1  # after the docstring
    statements.insert(index, _statement(f"global {name}\n"))
    return node.with_changes(body=body.with_changes(body=statements))

