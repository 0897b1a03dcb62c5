"""google-generativeai -> the Interactions API (`client.interactions.create`).

The pass works in two steps. `Plan` reads the module (qualified names and scopes from LibCST
metadata) and decides, call site by call site, what can be rewritten without changing the
program's meaning; whatever it cannot follow is *pinned*: left exactly as it was, with a coded
finding and a `# TODO(gemini-migrate)` comment. Pinning spreads: a model object with one
unmigratable use keeps all its uses on the legacy SDK, because a half-converted object would
break the other half. `Apply` then rewrites the tree from the plan, and `fix_imports` swaps the
legacy import once nothing uses it any more.

Representation of the legacy objects after migration:
- `genai.configure(api_key=K)`      -> `client = genai.Client(api_key=K)`
- `model = genai.GenerativeModel(...)` -> `model = dict(model=..., system_instruction=..., ...)`
- `model.generate_content(x)`        -> `client.interactions.create(**model, input=x)`
- `chat = model.start_chat()`        -> `chat = {**model, "previous_interaction_id": None}`
- `r = chat.send_message(x)`         -> `r = client.interactions.create(**chat, input=x)` and
                                        `chat["previous_interaction_id"] = r.id`
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)
from libcst.metadata.base_provider import LazyValue

from migrator.codemods import caching, media, responses, retries
from migrator.codemods import keys as api_keys
from migrator.codemods.convert import (
    Unsupported,
    config_dict,
    config_items,
    convert_config_items,
    convert_safety,
    dict_node,
    history_to_steps,
    is_text_literal,
    literal,
    model_literal,
    split_response_format,
    string_value,
    text_block,
)
from migrator.codemods.facts.flow import Flow, flow_of
from migrator.codemods.facts.modelsource import (
    argument_sources,
    lookup_use,
    model_source,
    tuned_model,
)
from migrator.codemods.facts.nodes import dotted as _dotted
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import COUNT, EMBED, LEGACY, MODELS_API, USAGE_FIELDS
from migrator.codemods.facts.sites import Construction, Holder, Pin, Site
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.codemods.facts.syntax import attr_from_dotted as _attr
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.syntax import is_truth_test as _is_truth_test
from migrator.codemods.facts.syntax import kwarg as _kwarg
from migrator.codemods.facts.syntax import names_in as _names_in
from migrator.codemods.facts.syntax import rebuild_args
from migrator.codemods.facts.syntax import rename_kwarg as _rename
from migrator.codemods.facts.webs import Webs, binding_name
from migrator.codemods.schema import LegacySchema
from migrator.codemods.tools import ToolPlan, afc_loop
from migrator.engine import Context
from migrator.findings import FIX_SAFE, FIX_UNSAFE, Finding, finding

MODEL_CLASSES = {f"{LEGACY}.GenerativeModel", f"{LEGACY}.generative_models.GenerativeModel"}
CONFIG_CLASSES = {
    f"{LEGACY}.GenerationConfig",
    f"{LEGACY}.types.GenerationConfig",
    f"{LEGACY}.types.generation_types.GenerationConfig",
}
CONFIGURE = f"{LEGACY}.configure"
CODE_TEXT = "GM046"  # .text of an answer that may hold code the model ran
# The legacy SDK's default model when GenerativeModel() is called without one.
LEGACY_DEFAULT_MODEL = "gemini-1.5-flash-002"

GENERATE = {"generate_content": False, "generate_content_async": True}
SEND = {"send_message": False, "send_message_async": True}
TASK_TYPES = frozenset({
    "retrieval_query", "retrieval_document", "semantic_similarity", "classification",
    "clustering", "question_answering", "fact_verification", "code_retrieval_query",
})
MODEL_FIELDS = {
    "name": "name", "display_name": "display_name", "description": "description",
    "version": "version", "input_token_limit": "input_token_limit",
    "output_token_limit": "output_token_limit",
    "supported_generation_methods": "supported_actions",
}
RESPONSE_ONLY = {"candidates", "parts", "prompt_feedback", "to_dict", "resolve", "model_version"}
TODO_PREFIX = "# TODO(gemini-migrate): "


# --------------------------------------------------------------------------------------------
# Plan
# --------------------------------------------------------------------------------------------


class Plan:
    def __init__(self, wrapper: MetadataWrapper, path: str, ctx: Context) -> None:
        self.module = wrapper.module
        self.wrapper = wrapper
        self._flow: Flow | None = None
        self._webs: Webs | None = None
        # sites whose responses may reach the same read: they migrate together or not at all
        self.response_links: list[tuple[Site, Site]] = []
        self._site_of: dict[int, Site] | None = None
        # holder keys that name another holder's object (`m = model`, a parameter every
        # caller passes the model to, a factory's calls): key -> the key it stands for
        self.aliases: dict[str, str] = {}
        self.param_aliases: list[tuple[str, Any, cst.Param]] = []  # (key, Function, param)
        self.classified: set[int] = set()
        self.factories: dict[str, Any] = {}  # "ret:<id>" -> the flow Function whose calls use it
        self.path = path
        self.ctx = ctx
        self.qnames = wrapper.resolve(QualifiedNameProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.lines = code_of(self.module).splitlines()
        self.findings: list[Finding] = []
        self.holders: dict[str, Holder] = {}
        self.constructions: dict[cst.Call, Construction] = {}
        self.sites: list[Site] = []
        self.configures: list[tuple[cst.Call, cst.SimpleStatementLine, Pin | None]] = []
        self.loose_pins: list[Pin] = []  # legacy calls that stay, not tied to a holder
        # shared config / safety definitions -> their converted value
        self.config_defs: dict[cst.Assign, cst.BaseExpression] = {}
        self.literal_defs: dict[cst.SimpleString, tuple[cst.BaseExpression, str, str]] = {}
        # model-id substitutions: (a node inside the code that must move for it to happen,
        # its GM303 finding); a pinned construction keeps its id and reports nothing here
        self.substitutions: list[tuple[cst.CSTNode, Finding]] = []
        self.all_calls: list[cst.Call] | None = None
        self.literal_users: dict[cst.SimpleString, list[cst.CSTNode]] = {}
        self.dropped: dict[cst.CSTNode, list[str]] = {}
        self.def_refs: dict[cst.Assign, list[cst.CSTNode]] = {}
        self.tools = ToolPlan(self)  # function calling: tools.py
        # chat.last / chat.rewind() rewrites and except-clause notes (responses.py)
        self.state_edits: list[tuple[Holder, cst.CSTNode, Callable[..., Any], str]] = []
        self.handler_notes: list[tuple[Site | Holder, cst.CSTNode, str, str]] = []
        self.explained: list[cst.CSTNode] = []  # legacy references those account for
        self.media = media.Media(self)

    # -- helpers ------------------------------------------------------------------------------

    def qualified(self, node: cst.CSTNode) -> set[str]:
        return _qualified(self.qnames, node)

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions[node].start
        return where.line, where.column + 1

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def indent_of(self, node: cst.CSTNode) -> str:
        line = self.positions[node].start.line
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        return text[: len(text) - len(text.lstrip())]

    def parent(self, node: cst.CSTNode | None) -> cst.CSTNode | None:
        return self.parents.get(node) if node is not None else None

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(
            current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        ):
            current = self.parent(current)
        return current

    def is_legacy(self, node: cst.CSTNode, names: set[str]) -> bool:
        return bool(self.qualified(node) & names)

    def assignment_pos(self, assignment: object) -> tuple[int, int]:
        node = getattr(assignment, "node", None)
        return self.pos(node) if node is not None and node in self.positions else (0, 0)

    @property
    def flow(self) -> Flow:
        """Reaching definitions and the module's call graph (facts/flow.py), on first use."""
        if self._flow is None:
            self._flow = flow_of(self.wrapper)
        return self._flow

    def name_key(self, scope: Scope, name: cst.Name) -> str | None:
        """The holder key of a name's binding or read: one per web of the name's definitions
        (facts/webs.py), so a name re-bound to an unrelated object (a notebook cell that
        builds `model` again) names two holders."""
        if self._webs is None:
            self._webs = Webs(self.flow, self.parents, self.pos)
        web = self._webs.suffix(scope, name)
        return None if web is None else f"name:{id(scope)}:{name.value}{web}"

    def refs(self, assignment: Assignment) -> list[Access]:
        """An assignment's references in source order (LibCST keeps them in a set), with the
        reads above it in a loop that its value reaches on the next pass, which LibCST's
        references leave out."""
        found = {id(a.node): a for a in assignment.references}
        for read in self.flow.reads_reached(assignment.node):
            access = self.flow.accesses.get(id(read))
            if access is not None:
                found.setdefault(id(read), access)
        return sorted(found.values(), key=self.assignment_pos)

    def binding_scope(self, name: cst.Name) -> Scope | None:
        scope = self.scopes.get(name)
        if scope is None:
            return None
        for assignment in scope[name.value]:
            return assignment.scope
        return None

    # -- holder keys ------------------------------------------------------------------------

    def canonical(self, node: cst.BaseExpression) -> str | None:
        """A stable spelling of a receiver; None when it has side effects or is too complex."""
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Attribute):
            base = self.canonical(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if not isinstance(index, cst.Index):
                return None
            base = self.canonical(node.value)
            if base is None:
                return None
            key = string_value(index.value)
            if key is not None and key.isidentifier():
                # st.session_state["chat"] and st.session_state.chat are the same object.
                return f"{base}.{key}"
            if isinstance(index.value, (cst.Name, cst.Integer, cst.SimpleString, cst.Attribute)):
                return f"{base}[]"
        return None

    def holder_key(self, node: cst.BaseExpression) -> str | None:
        key = self.raw_key(node)
        while key is not None and key in self.aliases:
            key = self.aliases[key]
        return key

    def raw_key(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call):
            function = self.flow.callee(node)
            return f"ret:{id(function.node)}" if function is not None else None
        if isinstance(node, cst.Name):
            scope = self.binding_scope(node)
            return self.name_key(scope, node) if scope is not None else None
        spelled = self.canonical(node)
        if spelled is None:
            return None
        root = spelled.split(".", 1)[0].split("[", 1)[0]
        if root in ("self", "cls"):
            owner = self.enclosing_class(node)
            return f"attr:{owner}:{spelled}"
        instance_of = self.instance_of(node)
        if instance_of:
            # `bot.model` of `bot = Bot()`: the `self.model` of Bot's methods
            return f"attr:{instance_of}:self{spelled[len(root):]}"
        return f"attr::{spelled}"

    def instance_of(self, node: cst.BaseExpression) -> str:
        """The module's class `X` when the root name of `node` only ever holds `X(...)`."""
        base = node
        while isinstance(base, (cst.Attribute, cst.Subscript)):
            base = base.value
        if not isinstance(base, cst.Name) or base is node:
            return ""
        classes: set[str] = set()
        for definition in self.flow.reaching(base):
            value = self.assigned_value(getattr(definition, "node", None))
            if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
                return ""
            made = self.flow.reaching(value.func)
            made_node = getattr(made[0], "node", None) if len(made) == 1 else None
            if not isinstance(made_node, cst.ClassDef) or made_node.decorators:
                return ""
            classes.add(made_node.name.value)
        return classes.pop() if len(classes) == 1 else ""

    def assigned_value(self, binding: cst.CSTNode | None) -> cst.BaseExpression | None:
        """The value of `binding = value` (one target), else None."""
        target = self.parent(binding) if binding is not None else None
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else target
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            return assign.value
        if isinstance(assign, cst.AnnAssign) and assign.target is binding:
            return assign.value
        return None

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                return current
            current = self.parent(current)
        return None

    def enclosing_class(self, node: cst.CSTNode) -> str:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.ClassDef):
                return current.name.value
            current = self.parent(current)
        return ""

    def pin(self, thing: Holder | Site, code: str, reason: str, node: cst.CSTNode) -> None:
        if thing.pin is None:
            thing.pin = Pin(code, reason, node)

    # -- discovery --------------------------------------------------------------------------

    def collect(self) -> None:
        calls = [n for n in _walk(self.module) if isinstance(n, cst.Call)]
        calls.sort(key=lambda c: self.pos(c))
        for call in calls:
            names = self.qualified(call.func)
            if CONFIGURE in names:
                self.collect_configure(call)
            elif names & MODEL_CLASSES:
                self.collect_model(call)
            elif names & set(EMBED):
                method = next(iter(names & set(EMBED)))
                self.sites.append(Site(call, method, call.func, None, None, EMBED[method]))
            elif names & set(MODELS_API):
                method = next(iter(names & set(MODELS_API)))
                self.sites.append(Site(call, method, call.func, None, None, False))
            elif names & set(media.FILES):
                method = next(iter(names & set(media.FILES)))
                self.sites.append(Site(call, method, call.func, None, None, False))
            else:
                caching.collect(self, call, names)
        self.collect_uses()
        self.sites.sort(key=lambda site: self.pos(site.call))
        self.collect_unresolved(calls)
        self.collect_importers()

    def imported_names(self, node: cst.CSTNode) -> set[str]:
        value = self.qnames.get(node)
        if isinstance(value, LazyValue):
            value = value()
        return {q.name for q in value or () if q.source == QualifiedNameSource.IMPORT}

    def foreign(self, receiver: cst.BaseExpression) -> bool:
        """The receiver provably is not a legacy object: an imported non-legacy object; a name
        only ever bound to calls of non-legacy callables (vertexai's GenerativeModel, a local
        class: a migrated model can only reach it through an escape, which pins); or an
        attribute of a name bound to an imported non-legacy callable (`client.models` of a
        google-genai client). `bot.model` of a local `Bot()` is not foreign: it may be the
        `self.model` this file migrates."""
        names = self.imported_names(receiver)
        if names:
            return not any(q.startswith(LEGACY) for q in names)
        if isinstance(receiver, cst.Name):
            return self.bound_to_calls(receiver, imported_only=False)
        base: cst.BaseExpression = receiver
        while isinstance(base, cst.Attribute):
            base = base.value
        return isinstance(base, cst.Name) and self.bound_to_calls(base, imported_only=True)

    def bound_to_calls(self, name: cst.Name, *, imported_only: bool) -> bool:
        """Every value that may reach this read of `name` is a call of a non-legacy callable."""
        assignments = self.flow.reaching(name)
        if not assignments:
            scope = self.scopes.get(name)
            assignments = list(scope[name.value]) if scope is not None else []
        if not assignments:
            return False
        for assignment in assignments:
            if not isinstance(assignment, Assignment):
                return False
            parent = self.parent(assignment.node)
            assign = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(assign, "value", None)
            if not isinstance(value, cst.Call):
                return False
            callee = (self.imported_names(value.func) if imported_only
                      else self.qualified(value.func))
            if not callee or any(q.startswith(LEGACY) for q in callee):
                return False
        return True

    def collect_leftovers(self) -> None:
        """Legacy references outside anything this pass plans (list_models, upload_file,
        protos, ...): each is left as it is, with a GM014 finding and TODO."""
        explained: set[int] = set()
        roots: list[cst.CSTNode] = [c.call for c in self.constructions.values()]
        roots += [call for call, _, _ in self.configures]
        roots += [site.call for site in self.sites]
        roots += self.explained
        roots += list(self.config_defs)
        for construction in self.constructions.values():
            parent = self.parent(construction.call)
            if isinstance(parent, cst.AnnAssign) and parent.annotation is not None:
                roots.append(parent.annotation)
        for root in roots:
            explained.update(id(n) for n in _walk(root))
        for node in _walk(self.module):
            if id(node) in explained or not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            if "" in _dotted(node).split(".") or isinstance(node, cst.Name) and isinstance(
                self.parent(node), cst.Attribute
            ) and self.parent(node).attr is node:  # type: ignore[union-attr]
                continue  # a chain through a call result, or an attribute's own name
            names = self.qualified(node)
            legacy = sorted(q for q in names if q.startswith(LEGACY + "."))
            if not legacy:
                continue
            parent = self.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                continue  # the longest dotted form speaks for it
            if self.in_import(node):
                continue
            what = legacy[0].removeprefix(LEGACY + ".")
            self.loose_pins.append(Pin("GM014", f"{what} is not migrated yet", node))

    def in_import(self, node: cst.CSTNode) -> bool:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, (cst.Import, cst.ImportFrom)):
                return True
            if isinstance(current, cst.BaseStatement):
                return False
            current = self.parent(current)
        return False

    def collect_importers(self) -> None:
        """Module-level models and chats another file imports cannot change shape."""
        from migrator.codemods.crossmodule import imported_elsewhere

        module_scope = self.scopes.get(self.module)
        if module_scope is None:
            return
        prefix = f"name:{id(module_scope)}:"
        candidates: dict[str, list[Holder]] = {}
        for k in [*self.holders, *self.aliases]:
            if k.startswith(prefix) and self.holder_of(k).pin is None:
                # every web of the name: which one another file sees is not known here
                name = k[len(prefix):].split("#", 1)[0]
                candidates.setdefault(name, []).append(self.holder_of(k))
        if not candidates:
            return
        elsewhere = imported_elsewhere(self.path, set(candidates), self.ctx.settings)
        for name, other in elsewhere.items():
            for holder in candidates[name]:
                node = holder.constructions[0].call if holder.constructions else self.module
                self.pin(holder, "GM011", f"{name!r} is imported by "
                         f"{os.path.basename(other)}, which would still use it as a legacy "
                         "object", node)

    def collect_configure(self, call: cst.Call) -> None:
        statement = self.statement_of(call)
        pin: Pin | None = None
        expr_stmt = (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and statement.body[0].value is call
        )
        if not expr_stmt:
            pin = Pin("GM016", "configure() is used inside an expression", call)
        elif self.conditional(statement):
            pin = Pin("GM016", "configure() runs only on some paths (under if/loop/except): "
                      "a Client made there would not exist on the others, where the legacy "
                      "SDK fell back to GOOGLE_API_KEY", call)
        for arg in call.args:
            name = arg.keyword.value if arg.keyword else None
            if name in ("credentials", "client_options", "default_metadata") or arg.star:
                pin = Pin("GM016", f"configure({name or '**'}=...) has no direct Client "
                          "equivalent", call)
            elif name not in ("api_key", "transport", "client_info"):
                pin = Pin("GM016", f"configure() argument {name!r} is not understood", call)

        assert statement is None or isinstance(statement, (cst.SimpleStatementLine,
                                                           cst.BaseCompoundStatement))
        self.configures.append((call, statement, pin))  # type: ignore[arg-type]

    def conditional(self, statement: cst.CSTNode | None) -> bool:
        """Whether the statement may be skipped while code after its function or module body
        still runs: under if/else, a loop, an except or a match case. The `__main__` guard
        is not: it is the program's entry point."""
        current = self.parent(statement)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module,
                                                                cst.ClassDef, cst.Lambda)):
            if isinstance(current, cst.If) and not _is_main_guard(current):
                return True
            try_else = isinstance(current, cst.Else) and isinstance(self.parent(current),
                                                                      cst.Try)
            if isinstance(current, (cst.Else, cst.For, cst.While, cst.ExceptHandler,
                                    cst.ExceptStarHandler, cst.MatchCase)) and not try_else:
                return True
            current = self.parent(current)
        return False

    def collect_model(self, call: cst.Call) -> None:
        construction = Construction(call)
        self.constructions[call] = construction
        try:
            construction.kwargs = self.model_kwargs(call)
        except Unsupported as exc:
            self.loose_pins.append(Pin(exc.code, exc.reason, call))
            construction.kwargs = []
            self.attach(construction, "model", pinned=Pin(exc.code, exc.reason, call))
            return
        self.attach(construction, "model")

    def attach(self, construction: Construction, kind: str, pinned: Pin | None = None) -> None:
        """Find where a construction's result goes: a holder, or an inline method call."""
        call = construction.call
        parent = self.parent(call)
        target: cst.BaseExpression | None = None
        returned = self.factory_key(call) if isinstance(parent, cst.Return) else None
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is call:
            target = parent.target
        if target is not None or returned is not None:
            key = self.holder_key(target) if target is not None else returned
            if key is None:
                self.loose_pins.append(
                    Pin("GM011", f"the {kind} is stored where gemini-migrate cannot follow it",
                        call))
                return
            holder = self.holders.setdefault(key, Holder(key, kind))
            if holder.kind != kind:
                self.pin(holder, "GM011", "the same name holds models and chats", call)
            construction.holder = holder
            holder.constructions.append(construction)
            if pinned is not None:
                self.pin(holder, pinned.code, pinned.reason, call)
            return
        # Inline: genai.GenerativeModel(...).generate_content(...)
        if (
            isinstance(parent, cst.Attribute)
            and kind == "model"
            and parent.attr.value in GENERATE
            and isinstance(self.parent(parent), cst.Call)
            and self.parent(parent).func is parent  # type: ignore[union-attr]
        ):
            if pinned is not None:
                self.loose_pins.append(pinned)
                return
            site_call = self.parent(parent)
            assert isinstance(site_call, cst.Call)
            self.sites.append(
                Site(site_call, parent.attr.value, call, None, construction,
                     GENERATE[parent.attr.value])
            )
            return
        if (kind == "model" and isinstance(parent, cst.Attribute)
                and parent.attr.value == "start_chat"):
            chat_call = self.parent(parent)
            if isinstance(chat_call, cst.Call) and pinned is None:
                self.collect_chat(chat_call, construction)
                return
        self.loose_pins.append(
            pinned or Pin("GM011", f"the {kind} object is used where gemini-migrate cannot "
                          "follow it", call))

    def collect_chat(self, call: cst.Call, source: Holder | Construction) -> None:
        construction = Construction(call, model_source=source)
        self.constructions[call] = construction
        pinned: Pin | None = None
        for arg in call.args:
            name = arg.keyword.value if arg.keyword else ("history" if not arg.star else None)
            if name == "history":
                value = arg.value
                if isinstance(value, cst.Name) and value.value == "None":
                    continue
                try:
                    steps = history_to_steps(value)
                except Unsupported as exc:
                    pinned = Pin(exc.code, exc.reason, call)
                else:
                    construction.history = steps or None
            elif name == "enable_automatic_function_calling":
                if _is_name(arg.value, "True"):
                    self.tools.afc_chats.add(call)  # each send gets the loop (tools.py)
                elif not _is_name(arg.value, "False"):
                    pinned = Pin("GM027", "enable_automatic_function_calling is not a literal "
                                 "True or False", call)
            else:
                pinned = Pin("GM011", f"start_chat() argument {name!r} is not understood", call)
        self.attach(construction, "chat", pinned)
        if isinstance(source, Holder):
            source.chats.append(construction)

    def model_kwargs(self, call: cst.Call) -> list[tuple[str, cst.BaseExpression]]:
        kwargs: list[tuple[str, cst.BaseExpression]] = []
        model_node: cst.BaseExpression | None = None
        tool_config: cst.BaseExpression | None = None
        for index, arg in enumerate(call.args):
            if arg.star:
                raise Unsupported("GM011", "GenerativeModel(**kwargs) cannot be followed")
            name = arg.keyword.value if arg.keyword else ("model_name" if index == 0 else None)
            if name == "model_name":
                model_node = arg.value
            elif name == "system_instruction":
                why = self.non_text(arg.value)
                if why is not None:
                    raise Unsupported("GM014", f"a non-text system_instruction ({why}): the "
                                      "Interactions API takes one string")
                kwargs.append(("system_instruction", arg.value))
            elif name == "generation_config":
                config, response_format = self.generation_config(arg.value)
                if config is not None:
                    kwargs.append(("generation_config", config))
                if response_format is not None:
                    kwargs.append(("response_format", _vertical(response_format,
                                                                self.indent_of(arg))))
            elif name == "safety_settings":
                kwargs.append(("safety_settings", self.safety_name(arg.value,
                                                                   self.indent_of(arg))))
            elif name == "tools":
                if not _is_name(arg.value, "None"):
                    kwargs.append(("tools", self.tools.model_tools(call, arg)))
            elif name == "tool_config":
                tool_config = None if _is_name(arg.value, "None") else arg.value
            else:
                raise Unsupported("GM011", f"GenerativeModel argument {name!r} is not understood")
        if tool_config is not None:
            kwargs = self.tools.add_tool_choice(call, kwargs, tool_config)
        tuned = tuned_model(model_node, self.scopes, self.parent, self.qualified) \
            if model_node is not None else None
        if tuned is not None:
            raise Unsupported("GM306", f"the model is a tuned model ({tuned}): the Interactions "
                              "API serves base models only")
        kwargs.insert(0, ("model", self.model_name(model_node, call)))
        return kwargs

    def non_text(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        """Why a value the legacy SDK took as text-or-parts may not be text: a list, dict,
        parts object, or a name / parameter bound to one somewhere in this file. None when
        every binding the file shows is text or opaque (an attribute, a call's result)."""
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp,
                             cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            return "a list or dict of parts"
        if isinstance(node, cst.Call) and (
            any(q.startswith((LEGACY, "PIL.")) for q in self.qualified(node.func))
            or self.code(node.func).endswith(("Image.open", "read_bytes"))
        ):
            return f"{self.code(node.func)}(...)"
        if not isinstance(node, cst.Name) or depth > 2:
            return None
        scope = self.scopes.get(node)
        if scope is None:
            return None
        for assignment in scope[node.value]:
            if not isinstance(assignment, Assignment):
                continue
            bound = assignment.node
            parent = self.parent(bound)
            if isinstance(bound, cst.Param):
                why = self.non_text_param(bound, depth)
                if why is not None:
                    return f"{node.value!r}: {why}"
            elif isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                holder = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
                value = getattr(holder, "value", None)
                why = self.non_text(value, depth + 1) if value is not None else None
            else:
                why = None
            if why is not None:
                return f"{node.value!r} may hold {why}" if not why.startswith("'") else why
        return None

    def non_text_param(self, param: cst.Param, depth: int) -> str | None:
        """An unannotated parameter is judged by its default and by what this file passes."""
        if param.annotation is not None:
            annotation = self.code(param.annotation.annotation).replace(" ", "")
            if annotation in ("str", "Optional[str]", "str|None", "None|str",
                              "typing.Optional[str]"):
                return None
            return f"a {annotation} parameter"
        if param.default is not None and self.non_text(param.default, depth + 1):
            return "a non-text default"
        params = self.parent(param)
        function = self.parent(params)
        if not (isinstance(params, cst.Parameters) and isinstance(function, cst.FunctionDef)):
            return None
        positional = [*params.posonly_params, *params.params]
        index = positional.index(param) if param in positional else None
        # `obj.method(a)` fills the parameter after self; a bare `method(a)` is another function
        is_method = isinstance(self.parent(self.parent(function)), cst.ClassDef) and not any(
            _is_name(d.decorator, "staticmethod") for d in function.decorators)
        shift = 1 if is_method else 0
        for call in self.calls_of(function.name.value):
            if is_method and isinstance(call.func, cst.Name):
                continue
            for position, arg in enumerate(call.args):
                if arg.star:
                    break  # later positions are unknown
                if arg.keyword is not None:
                    matches = arg.keyword.value == param.name.value
                else:
                    matches = index is not None and position + shift == index
                if matches:
                    why = self.non_text(arg.value, depth + 1)
                    if why is not None:
                        return f"{function.name.value}() is passed {why}"
        return None

    def surely_text(self, node: cst.BaseExpression) -> bool:
        """A string literal, or a name every binding of which is one (or a `str` parameter)."""
        if is_text_literal(node):
            return True
        if not isinstance(node, cst.Name):
            return False
        scope = self.scopes.get(node)
        bindings = list(scope[node.value]) if scope is not None else []
        if not bindings:
            return False
        for assignment in bindings:
            if not isinstance(assignment, Assignment):
                return False
            bound = assignment.node
            if isinstance(bound, cst.Param):
                annotation = bound.annotation
                if annotation is None or self.code(annotation.annotation) != "str":
                    return False
                continue
            parent = self.parent(bound)
            if not isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                return False
            holder = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(holder, "value", None)
            if value is None or not is_text_literal(value):
                return False
        return True

    def non_text_param_name(self, name: cst.Name) -> str | None:
        """`def ask(contents): model.generate_content(contents)`, called with a list."""
        scope = self.scopes.get(name)
        for assignment in scope[name.value] if scope is not None else ():
            if isinstance(assignment, Assignment) and isinstance(assignment.node, cst.Param):
                why = self.non_text_param(assignment.node, 0)
                if why is not None:
                    return f"{name.value!r}: {why}"
        return None

    def calls_of(self, name: str) -> list[cst.Call]:
        if self.all_calls is None:
            self.all_calls = [n for n in _walk(self.module) if isinstance(n, cst.Call)]
        return [n for n in self.all_calls if (
            _is_name(n.func, name) or (isinstance(n.func, cst.Attribute)
                                       and n.func.attr.value == name))]

    def model_name(self, node: cst.BaseExpression | None, call: cst.Call) -> cst.BaseExpression:
        if node is None:
            new_id, info = self.ctx.models.interactions_name(LEGACY_DEFAULT_MODEL)
            self.substitutions.append((call, finding(
                self.path, self.pos(call), "GM303",
                f"GenerativeModel() used the legacy default {LEGACY_DEFAULT_MODEL}; wrote "
                f"{new_id!r}", fix=FIX_SAFE, fixed=True, **{"from": LEGACY_DEFAULT_MODEL,
                                                            "to": new_id})))
            return literal(new_id)
        new_node, old, new = model_literal(node, self.ctx.models)
        if old is not None and new is not None:
            self.substitutions.append((node, finding(
                self.path, self.pos(node), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))
            return new_node
        if isinstance(node, (cst.Name, cst.Call, cst.Subscript, cst.Attribute)):
            return self.substitute_source(node)
        return new_node

    def substitute_source(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The model is a name or an environment lookup: fix the id where it is written (a
        constant, a parameter default, a getenv default). An id the tool cannot see is
        reported by the lint at the Interactions call (GM305). Returns the model argument:
        rewritten when the id is written inside it (`os.getenv("M", "gemini-2.0-flash")`),
        since the call it stands in is rebuilt from it."""
        source = model_source(node, self.scopes, self.parent, self.qualified)
        value = source.string if source is not None else None
        # The ids passed for a parameter (`Bot("gemini-2.0-flash")`) reach the call too.
        for passed in argument_sources(node, self.scopes, self.parent, self.qualified):
            self.substitute_literal(node, passed)
        if value is None:
            return node
        if isinstance(node, cst.Call) and any(arg.value is value for arg in node.args):
            inline, old, new = model_literal(value, self.ctx.models)
            if old is None or new is None:
                return node
            self.substitutions.append((node, finding(
                self.path, self.pos(value), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))
            return node.with_changes(args=[
                arg.with_changes(value=inline) if arg.value is value else arg
                for arg in node.args])
        self.substitute_literal(node, value)
        return node

    def substitute_literal(self, node: cst.BaseExpression, value: cst.SimpleString) -> None:
        """Substitute the id `value` where it is written, once the call `node` reaches moves."""
        if value in self.literal_defs:
            self.literal_users[value].append(node)
            return
        new_node, old, new = model_literal(value, self.ctx.models)
        key = lookup_use(value, self.scopes, self.parent) if old is not None else None
        if key is not None:
            raise Unsupported("GM307", f"the model id {old!r} would be refused by the "
                              f"Interactions API, and the name holding it is also a lookup key "
                              f"(`{self.module.code_for_node(key)}`): "
                              "change the id and the keys it is looked up in by hand")
        if old is not None and new is not None:
            self.literal_defs[value] = (new_node, old, new)
            self.literal_users[value] = [node]
            self.substitutions.append((node, finding(
                self.path, self.pos(value), "GM303",
                f"model {old!r} is refused by the Interactions API; substituted {new!r}",
                fix=FIX_SAFE, fixed=True, **{"from": old, "to": new})))

    def generation_config(
        self, node: cst.BaseExpression
    ) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
        """(the Interactions generation_config, the top-level response_format) of a legacy
        config; either may be None."""
        if isinstance(node, cst.Call) and self.is_legacy(node.func, CONFIG_CLASSES) or (
            isinstance(node, cst.Dict)
        ):
            raw = config_items(node)
            rest, response_format = split_response_format(
                raw, LegacySchema(self.qualified, self.scopes, self.flow.reaching))
            items = convert_config_items(rest, self.dropping(node))
            if not items:
                return None, response_format
            if isinstance(node, cst.Dict) and rest == raw:
                return config_dict(items, node), response_format
            return dict_node(items), response_format
        if isinstance(node, cst.Name):
            return self.config_name(node), None
        raise Unsupported("GM010", "generation config is not a literal")

    def dropping(self, node: cst.CSTNode) -> list[str] | None:
        """With --unsafe-fixes, a list that collects the config keys dropped from `node` (each
        reported as an applied unsafe GM010 fix); None otherwise."""
        if not (self.ctx.unsafe_fixes and self.ctx.enabled("GM010", self.path)):
            return None
        dropped = self.dropped.setdefault(node, [])
        return dropped

    def report_dropped(self) -> None:
        """Only where the config really moves: a pinned call keeps its keys."""
        moved = self.moved_ids()
        moved |= {id(n) for a in self.movable_defs() for n in _walk(a)}
        for node, keys in self.dropped.items():
            if id(node) not in moved:
                continue
            for key in dict.fromkeys(keys):
                self.findings.append(finding(
                    self.path, self.pos(node), "GM010",
                    f"{key} has no Interactions equivalent; dropped (unsafe fix: the answers "
                    "may change)", fix=FIX_UNSAFE, fixed=True))

    def shared_literal(self, name: cst.Name, keyword: str, what: str) -> cst.Assign:
        """The one assignment of a name used only as `keyword=` arguments (a shared config);
        its references are recorded so the definition moves only if every user moves."""
        scope = self.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            raise Unsupported("GM010", f"{what} {name.value!r} cannot be followed")
        assign = self.parent(self.parent(assignments[0].node))  # Name -> AssignTarget -> Assign
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            raise Unsupported("GM010", f"{what} {name.value!r} cannot be followed")
        refs: list[cst.CSTNode] = []
        for access in self.refs(assignments[0]):
            parent = self.parent(access.node)
            if not (isinstance(parent, cst.Arg) and parent.keyword is not None
                    and parent.keyword.value == keyword):
                raise Unsupported("GM011", f"{what} {name.value!r} is used elsewhere")
            refs.append(parent)
        self.def_refs[assign] = refs
        return assign

    def safety_name(self, node: cst.BaseExpression, indent: str) -> cst.BaseExpression:
        if not isinstance(node, cst.Name):
            return layout(convert_safety(node), indent)
        assign = self.shared_literal(node, "safety_settings", "safety settings")
        self.config_defs[assign] = layout(convert_safety(assign.value), "")
        return node

    def movable_defs(self) -> list[cst.Assign]:
        """Shared definitions all of whose users move."""
        moved = self.moved_ids()
        return [a for a in self.config_defs
                if all(id(ref) in moved for ref in self.def_refs.get(a, []))]

    def moved_ids(self) -> set[int]:
        """Ids of every node inside code this plan rewrites."""
        roots: list[cst.CSTNode] = [s.call for s in self.sites if s.pin is None]
        roots += [c.call for c in self.constructions.values()
                  if c.holder is not None and c.holder.pin is None]
        return {id(n) for root in roots for n in _walk(root)}

    def config_name(self, name: cst.Name) -> cst.BaseExpression:
        """A name bound once to a literal config: usable as is, or its definition converted."""
        assign = self.shared_literal(name, "generation_config", "generation config")
        value = assign.value
        if (isinstance(value, cst.Call) and self.is_legacy(value.func, CONFIG_CLASSES)) or (
            isinstance(value, cst.Dict)
        ):
            items = config_items(value)
            rest, response_format = split_response_format(
                items, LegacySchema(self.qualified, self.scopes))
            if response_format is not None:
                raise Unsupported("GM014", "JSON mode in a shared config variable is not "
                                  "migrated yet")
            converted = convert_config_items(rest, self.dropping(value))
            if isinstance(value, cst.Dict) and converted == items:
                return name
            self.config_defs[assign] = (config_dict(converted, value)
                                        if isinstance(value, cst.Dict) else dict_node(converted))
            return name
        raise Unsupported("GM010", f"generation config {name.value!r} cannot be converted")

    def collect_uses(self) -> None:
        """Every read of every holder, found through scopes (names) or spelling (attributes).
        Classifying a model's uses finds its chats and its aliases (`m = model`, a parameter
        it is passed to, a factory's calls), whose uses are collected in a further round."""
        done: set[str] = set()
        while True:
            todo = [k for k in [*self.holders, *self.aliases] if k not in done]
            if not todo:
                break
            done.update(todo)
            self.collect_uses_of(todo)
        self.check_aliases()

    def holder_of(self, key: str) -> Holder:
        return self.holders[self.resolve(key)]

    def resolve(self, key: str) -> str:
        while key in self.aliases:
            key = self.aliases[key]
        return key

    def collect_uses_of(self, keys: list[str]) -> None:
        name_keys = {k for k in keys if k.startswith("name:")}
        attr_keys = {k for k in keys if k.startswith("attr:")}
        found: list[tuple[str, cst.BaseExpression]] = []
        seen_scopes: set[int] = set()
        for scope in self.scopes.values() if name_keys else ():
            if scope is None or id(scope) in seen_scopes:
                continue
            seen_scopes.add(id(scope))
            # A definition of a holder's name that is not the holder's value only matters
            # at the reads it reaches: a read that also sees the holder pins it; a read that
            # sees only other values is not a use of the holder (a reused name).
            other: dict[int, cst.CSTNode] = {}
            for assignment in scope.assignments:
                if not isinstance(assignment, Assignment):
                    continue
                bound = binding_name(assignment.node)
                # an import or handler binding: its name has one web, the plain key
                key = (self.name_key(assignment.scope, bound) if bound is not None
                       else f"name:{id(assignment.scope)}:{assignment.name}")
                if key in name_keys and self.other_value(self.holder_of(key), assignment.node):
                    other[id(assignment.node)] = assignment.node
            for access in scope.accesses:
                node = access.node
                if not isinstance(node, cst.Name):
                    continue
                key = self.raw_key(node) or ""
                if key not in name_keys:
                    continue
                reaching = [getattr(a, "node", None) for a in self.flow.reaching(node)]
                foreign = [d for d in reaching if id(d) in other]
                if reaching and len(foreign) == len(reaching):
                    continue
                for definition in foreign:
                    assert definition is not None
                    self.pin(self.holder_of(key), "GM011", f"{self.code(definition)} is also "
                             "assigned something else", definition)
                found.append((key, node))
        if attr_keys:
            for expr in _walk(self.module):
                if isinstance(expr, (cst.Attribute, cst.Subscript)):
                    key = self.raw_key(expr) or ""
                    if key not in attr_keys:
                        continue
                    parent = self.parent(expr)
                    if isinstance(parent, cst.AssignTarget) or (
                        isinstance(parent, cst.AnnAssign) and parent.target is expr
                    ):
                        self.check_assignment(self.holder_of(key), expr)
                    else:
                        found.append((key, expr))
        for key in keys:
            function = self.factories.get(key)
            if function is not None:
                found.extend((key, call) for call, _ in function.calls)
        # Scopes hand out accesses from sets: sort, so every run pins the same way.
        found.sort(key=lambda item: self.pos(item[1]))
        order = {id(self.holder_of(k)): i for i, k in reversed(list(enumerate(keys)))}
        found.sort(key=lambda item: order.get(id(self.holder_of(item[0])), 0))
        for key, use in found:
            if id(use) in self.classified:
                continue
            self.classified.add(id(use))
            holder = self.holder_of(key)
            holder.uses.append(use)
            self.classify_use(holder, use)

    # -- aliases ----------------------------------------------------------------------------

    def factory_key(self, node: cst.CSTNode) -> str | None:
        """The key of what the function around a `return` returns ("ret:<id>")."""
        function = self.enclosing_function(node)
        facts = self.flow.function_of(function) if function is not None else None
        if facts is None or isinstance(self.parent(self.parent(function)), cst.ClassDef):
            # a method's callers (`self.get_model()`, `bot.get_model()`) are not followed:
            # what it returns escapes
            return None
        key = f"ret:{id(facts.node)}"
        self.factories[key] = facts
        return self.resolve(key)

    def alias(self, key: str, holder: Holder) -> None:
        """`key` now names `holder`'s object too; two holders that meet become one."""
        resolved = self.resolve(key)
        if resolved == holder.key:
            return
        other = self.holders.get(resolved)
        if other is None:
            self.aliases[resolved] = holder.key
            return
        if other.kind != holder.kind:
            self.pin(holder, "GM011", "the same name holds models and chats",
                     other.constructions[0].call if other.constructions else self.module)
            self.pin(other, "GM011", "the same name holds models and chats",
                     holder.constructions[0].call if holder.constructions else self.module)
            return
        for construction in other.constructions:
            construction.holder = holder
        for construction in self.constructions.values():
            if construction.model_source is other:
                construction.model_source = holder
        for site in other.sites:
            site.holder = holder
        holder.constructions += other.constructions
        holder.uses += other.uses
        holder.sites += other.sites
        holder.chats += other.chats
        if holder.pin is None:
            holder.pin = other.pin
        del self.holders[other.key]
        self.aliases[other.key] = holder.key

    def alias_use(self, holder: Holder, use: cst.BaseExpression,
                  parent: cst.CSTNode | None, grand: cst.CSTNode | None) -> bool:
        """A use that hands the object on where it can be followed: stored in a name or
        attribute, passed to a function of this module, returned by one."""
        if isinstance(parent, cst.Assign) and parent.value is use and len(parent.targets) == 1:
            key = self.raw_key(parent.targets[0].target)
        elif isinstance(parent, cst.AnnAssign) and parent.value is use:
            key = self.raw_key(parent.target)
        elif isinstance(parent, cst.Return) and parent.value is use:
            key = self.factory_key(parent)
        elif isinstance(parent, cst.Arg) and parent.value is use and isinstance(grand, cst.Call):
            key = self.parameter_key(grand, use)
        else:
            return False
        if key is None or key.startswith("attr::"):
            return False  # an attribute of another object: other code may read it
        self.alias(key, holder)
        return True

    def module_level_name(self, function: cst.FunctionDef) -> str:
        """The module-level name through which other files reach `function`: its own, or its
        class's for an `__init__`."""
        owner = self.parent(self.parent(function))
        if isinstance(self.parent(function), cst.Module):
            return function.name.value
        if function.name.value == "__init__" and isinstance(owner, cst.ClassDef) and (
                isinstance(self.parent(owner), cst.Module)):
            return owner.name.value
        return ""

    def parameter_key(self, call: cst.Call, value: cst.BaseExpression) -> str | None:
        function = self.flow.callee(call)
        if function is None or function.escapes or function.decorated:
            return None
        bound = next((b for c, b in function.calls if c is call), None)
        name = next((p for p, v in (bound or {}).items() if v is value), None)
        params = function.node.params
        param = next((p for p in [*params.posonly_params, *params.params, *params.kwonly_params]
                      if p.name.value == name), None)
        if param is None or param.default is not None and not _is_name(param.default, "None"):
            return None
        scope = self.scopes.get(param.name)
        if scope is None:
            return None
        key = self.name_key(scope, param.name)
        if key is None:
            return None
        self.param_aliases.append((key, function, param))
        return key

    def check_aliases(self) -> None:
        """A parameter holds the model only if every call of its function passes it; a
        factory's calls hold it only if all it ever returns is the model. Another file that
        imports the function (or the class whose `__init__` it is) may call it with, or
        expect from it, a legacy object."""
        from migrator.codemods.crossmodule import imported_elsewhere

        public: dict[str, list[tuple[str, Any]]] = {}
        for key, function in [*((k, f) for k, f, _ in self.param_aliases),
                              *self.factories.items()]:
            name = self.module_level_name(function.node)
            if name and self.resolve(key) in self.holders:
                public.setdefault(name, []).append((key, function))
        for name, other in imported_elsewhere(self.path, set(public),
                                              self.ctx.settings).items():
            for key, function in public[name]:
                self.pin(self.holder_of(key), "GM011", f"{name!r} is imported by "
                         f"{os.path.basename(other)}, which may still pass or expect a legacy "
                         "object", function.node)
        for key, function, param in self.param_aliases:
            holder = self.holder_of(key)
            name = function.node.name.value
            for call, bound in function.calls:
                value = bound.get(param.name.value)
                if value is None or _is_name(value, "None"):
                    continue
                if self.holder_key(value) != holder.key:
                    self.pin(holder, "GM011", f"{name}() is also called with another "
                             f"{param.name.value}", call)
        for key, function in self.factories.items():
            if self.resolve(key) not in self.holders:
                continue
            holder = self.holder_of(key)
            name = function.node.name.value
            where = holder.constructions[0].call if holder.constructions else function.node
            if function.node.asynchronous is not None:
                self.pin(holder, "GM011", f"{name}() is a coroutine function: its calls are "
                         "not the model", where)
            elif function.escapes or function.decorated and not all(
                    self.qualified(d.decorator if not isinstance(d.decorator, cst.Call)
                                   else d.decorator.func) & _CACHES
                    for d in function.node.decorators):
                self.pin(holder, "GM011", f"{name}() is used where gemini-migrate cannot "
                         "follow its result", where)
            elif function.generator or function.falls_off or not all(
                value is not None and (self.holder_key(value) == holder.key or (
                    isinstance(value, cst.Call) and value in self.constructions
                    and self.constructions[value].holder is holder))
                for value in function.returns):
                self.pin(holder, "GM011", f"{name}() may also return something else", where)

    def check_assignment(self, holder: Holder, target: cst.CSTNode) -> None:
        if self.other_value(holder, target):
            self.pin(holder, "GM011", f"{self.code(target)} is also assigned something else",
                     target)

    def other_value(self, holder: Holder, target: cst.CSTNode) -> bool:
        """Whether the assignment of `target` stores something other than the holder's value."""
        if isinstance(target, cst.Param):
            scope = self.scopes.get(target.name)
            key = self.name_key(scope, target.name) if scope is not None else None
            return key not in self.aliases
        parent = self.parent(target)
        assign = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
        value = getattr(assign, "value", None)
        if isinstance(value, cst.Call) and value in self.constructions or caching.produced(
            self, value, target
        ):
            return False
        if value is not None and self.holder_key(value) == holder.key:
            return False  # `m = model`, `model = get_model()`: the same object
        return not (isinstance(value, cst.Name) and value.value == "None")

    def classify_use(self, holder: Holder, use: cst.BaseExpression) -> None:
        if holder.kind in caching.HOLDER_KINDS:
            caching.classify_use(self, holder, use)
            return
        parent = self.parent(use)
        grand = self.parent(parent) if parent is not None else None
        if isinstance(parent, cst.Attribute) and parent.value is use:
            method = parent.attr.value
            is_call = isinstance(grand, cst.Call) and grand.func is parent
            if holder.kind == "model" and is_call and method in GENERATE:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, GENERATE[method])
                holder.sites.append(site)
                self.sites.append(site)
                return
            if holder.kind == "model" and is_call and method == "start_chat":
                assert isinstance(grand, cst.Call)
                self.collect_chat(grand, holder)
                return
            if holder.kind == "chat" and is_call and method in SEND:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, SEND[method])
                if isinstance(use, cst.Call):
                    # the chat state is written back to the receiver: a call would run twice
                    self.pin(site, "GM011", f"{self.code(use)}.{method}(): the chat comes "
                             "from a call, its state cannot be kept", grand)
                holder.sites.append(site)
                self.sites.append(site)
                return
            if holder.kind == "chat" and method in ("history", "rewind", "last"):
                responses.chat_state_use(self, holder, use, parent)
                return
            if holder.kind == "model" and is_call and method in COUNT:
                assert isinstance(grand, cst.Call)
                site = Site(grand, method, use, holder, None, COUNT[method])
                holder.sites.append(site)
                self.sites.append(site)
                return
            self.pin(holder, "GM011", f"{self.code(parent)} is not understood", use)
            return
        if _is_truth_test(use, parent):
            return
        if holder.kind in ("model", "chat") and self.alias_use(holder, use, parent, grand):
            return
        self.pin(holder, "GM011", f"{self.code(use)} is passed or stored where gemini-migrate "
                 "cannot follow it", use)

    def collect_unresolved(self, calls: Sequence[cst.Call]) -> None:
        """generate_content / send_message on receivers no holder explains pin every holder of
        that kind: the receiver might be one of them under another name."""
        known = {site.call for site in self.sites}
        known |= {c.call for c in self.constructions.values()}
        for call in calls:
            func = call.func
            if not isinstance(func, cst.Attribute) or call in known:
                continue
            method = func.attr.value
            if method not in GENERATE and method not in SEND and method != "start_chat":
                continue
            if self.foreign(func.value):
                continue  # a receiver whose origin is known and foreign (e.g. vertexai)
            if caching.known_holder(self, func.value):
                continue  # a model built from a cache: that module reports it
            kind = "chat" if method in SEND else "model"
            self.loose_pins.append(Pin("GM011", f"cannot tell which {kind} "
                                       f"{self.code(func.value)!r} is", call))
            for holder in self.holders.values():
                if holder.kind in (kind, f"cached_{kind}"):
                    where = holder.constructions[0].call if holder.constructions else call
                    self.pin(holder, "GM011", f"{self.code(func.value)}.{method}() elsewhere "
                             f"may use this {kind}", where)

    # -- sites ------------------------------------------------------------------------------

    def plan_sites(self) -> None:
        for site in self.sites:
            try:
                self.plan_site(site)
            except Unsupported as exc:
                self.pin(site, exc.code, exc.reason, site.call)

    def plan_site(self, site: Site) -> None:
        parent = self.parent(site.call)
        site.result = parent if isinstance(parent, cst.Await) else site.call
        if site.is_async and not isinstance(parent, cst.Await):
            raise Unsupported("GM011", "the coroutine is not awaited where it is created")
        if site.method in COUNT:
            self.plan_count(site)
            return
        if site.method in MODELS_API:
            self.plan_models(site)
            return
        if site.method in EMBED:
            self.plan_embed(site)
            return
        if site.method in media.FILES:
            self.media.plan_files(site)
            return
        if site.method in caching.METHODS:
            caching.plan_site(self, site)
            return
        content_name = "contents" if site.method in GENERATE else "content"
        content_index: int | None = None
        config_index: int | None = None
        per_call_config: cst.BaseExpression | None = None
        for index, arg in enumerate(site.call.args):
            if arg.star:
                raise Unsupported("GM011", "** arguments cannot be followed")
            name = arg.keyword.value if arg.keyword else (content_name if index == 0 else None)
            if name == content_name:
                content_index = index
            elif name == "stream":
                if _is_name(arg.value, "True"):
                    site.stream = True
                elif not _is_name(arg.value, "False"):
                    raise Unsupported("GM013", "stream= is not a literal True or False")
            elif name in ("generation_config", "safety_settings") and _is_name(
                arg.value, "None"
            ):
                site.edits[index] = None  # the legacy SDK treats None as "not given"
            elif name == "generation_config":
                per_call_config, response_format = self.generation_config(arg.value)
                if response_format is not None:
                    response_format = _vertical(response_format, self.indent_of(arg))
                    if any(k == "response_format" for c in self.model_constructions(site)
                           for k, _ in c.kwargs):
                        raise Unsupported("GM010", "a per-call response schema over the "
                                          "model's is not migrated")
                    if per_call_config is None:
                        site.edits[index] = _rename(arg, "response_format", response_format)
                        continue
                    site.append.append(_kwarg("response_format", response_format))
                config_index = index
            elif name == "safety_settings":
                if any(k == "safety_settings" for c in self.model_constructions(site)
                       for k, _ in c.kwargs):
                    raise Unsupported("GM010", "per-call safety settings merged over the "
                                      "model's are not migrated")
                site.edits[index] = arg.with_changes(
                    value=self.safety_name(arg.value, self.indent_of(arg)))
            elif name == "request_options":
                site.edits[index] = _rename(arg, "timeout", self.timeout(arg.value))
            elif name in ("tools", "tool_config"):
                site.edits[index] = self.tools.per_call(site, arg, name)
            else:
                raise Unsupported("GM011", f"argument {name!r} is not understood")
        if content_index is None:
            raise Unsupported("GM011", f"{site.method}() without {content_name}")
        content_arg = site.call.args[content_index]
        new_input = self.tools.round_trip.function_result(site, content_arg.value) or (
            self.convert_input(content_arg.value, site))
        if site.holder is not None and site.holder.kind == "chat":
            history = self.first_turn_history(site)
            if history:
                new_input = cst.List(
                    [cst.Element(s) for s in history]
                    + [cst.Element(dict_node([("type", literal("user_input")),
                                              ("content", _as_blocks(new_input))]))])
        site.edits[content_index] = _rename(content_arg, "input",
                                            layout(new_input, self.indent_of(content_arg)))
        if site.inline is not None:
            merged = self.merge_inline(site.inline.kwargs, per_call_config)
            if config_index is not None:
                site.edits[config_index] = None
            site.prepend = [_kwarg(k, v) for k, v in merged]
        else:
            receiver = _clean(site.receiver)
            has_config = [any(k == "generation_config" for k, _ in c.kwargs)
                          for c in self.model_constructions(site)]
            if per_call_config is not None and any(has_config):
                assert config_index is not None
                site.edits[config_index] = None
                site.prepend = [cst.Arg(self.merged_receiver(site, receiver, per_call_config),
                                        star="**")]
            else:
                if config_index is not None:
                    assert per_call_config is not None
                    site.edits[config_index] = site.call.args[config_index].with_changes(
                        value=per_call_config)
                site.prepend = [cst.Arg(receiver, star="**")]
        self.plan_result(site)
        self.tools.plan_afc(site)

    def plan_count(self, site: Site) -> None:
        """`model.count_tokens(x)` -> `client.models.count_tokens(model=model["model"],
        contents=x)`: no Interactions equivalent, but the same count as long as the model has
        no system instruction or tools, which the legacy SDK counted too."""
        for construction in self.model_constructions(site):
            extra = [k for k, _ in construction.kwargs if k in ("system_instruction", "tools")]
            if extra:
                raise Unsupported("GM014", f"count_tokens on a model with {extra[0]}: the "
                                  "legacy count included it")
        args = site.call.args
        if len(args) != 1 or args[0].star or (
            args[0].keyword is not None and args[0].keyword.value != "contents"
        ):
            raise Unsupported("GM014", "count_tokens with options is not migrated yet")
        self.convert_input(args[0].value)  # text only
        model = cst.Subscript(_clean(site.receiver), [cst.SubscriptElement(cst.Index(
            literal("model")))])
        site.prepend = [_kwarg("model", model)]
        site.edits[0] = _rename(args[0], "contents", args[0].value)
        self.plan_result(site)

    def plan_models(self, site: Site) -> None:
        """`genai.list_models()` / `genai.get_model(name)` -> `client.models.list()` /
        `client.models.get(model=name)`, when every field read has a google-genai twin."""
        args = site.call.args
        if site.method.endswith("list_models"):
            if any(a.keyword is None or a.keyword.value != "page_size" for a in args):
                raise Unsupported("GM014", "list_models() options other than page_size")
            if args:
                site.edits[0] = _rename(args[0], "config", dict_node(
                    [("page_size", args[0].value)]))
        else:
            if len(args) != 1 or args[0].star or (
                args[0].keyword is not None and args[0].keyword.value != "name"
            ):
                raise Unsupported("GM014", "get_model() options are not migrated yet")
            site.edits[0] = _rename(args[0], "model", args[0].value)
        parent = self.parent(site.call)
        items: cst.BaseExpression | None = None
        if isinstance(parent, cst.Attribute) and parent.value is site.call:
            self.model_field(site, parent)
            return
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is site.call:
            items = parent.target
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1 and not (
            site.method.endswith("list_models")
        ):
            items = parent.targets[0].target
        if not isinstance(items, cst.Name):
            raise Unsupported("GM014", f"{site.method.rsplit('.', 1)[-1]}() result used where "
                              "gemini-migrate cannot follow it")
        scope = self.scopes.get(items)
        if isinstance(parent, cst.CompFor):
            scope = self.scopes.get(parent.target)
        assignments = [a for a in (scope.assignments[items.value] if scope else ())
                       if isinstance(a, Assignment)]
        if len(assignments) != 1:
            raise Unsupported("GM014", f"{items.value!r} is reused for other values")
        for access in self.refs(assignments[0]):
            node = access.node
            holder = self.parent(node)
            if not (isinstance(holder, cst.Attribute) and holder.value is node):
                raise Unsupported("GM014", f"{items.value!r} is used as a whole")
            self.model_field(site, holder)

    def plan_embed(self, site: Site) -> None:
        """`genai.embed_content(model=, content=, task_type=, title=, output_dimensionality=)`
        -> `client.models.embed_content(model=, contents=, config={...})`; the result was a
        dict, now an object: `["embedding"]` reads become `.embeddings[0].values` (one text)
        or `[e.values for e in ....embeddings]` (a list of texts)."""
        names = ("model", "content", "task_type", "title", "output_dimensionality")
        fields: dict[str, cst.Arg] = {}
        for index, arg in enumerate(site.call.args):
            if arg.star:
                raise Unsupported("GM014", "embed_content(**kwargs) cannot be followed")
            name = arg.keyword.value if arg.keyword else (
                names[index] if index < 2 else "")
            if name not in names:
                raise Unsupported("GM014", f"embed_content({name or 'positional'}=...) is not "
                                  "migrated yet")
            fields[name] = arg
        if "model" not in fields or "content" not in fields:
            raise Unsupported("GM014", "embed_content() without model and content")
        content = fields["content"].value
        if self.surely_text(content):
            batch = False
        elif isinstance(content, (cst.List, cst.Tuple)) and content.elements and all(
            isinstance(e, cst.Element) and self.surely_text(e.value) for e in content.elements
        ):
            batch = True
        else:
            raise Unsupported("GM014", "embed_content() of a value that may be one text or "
                              "many: the result shape depends on it")
        config: list[tuple[str, cst.BaseExpression]] = []
        task = fields.get("task_type")
        if task is not None:
            value = string_value(task.value) or (task.value.attr.value if isinstance(
                task.value, cst.Attribute) else None)
            if value is None or value.lower() not in TASK_TYPES:
                raise Unsupported("GM014", "task_type is not a literal task name")
            config.append(("task_type", literal(value.upper())))
        for key in ("title", "output_dimensionality"):
            if key in fields:
                config.append((key, fields[key].value))
        model_arg = fields["model"]
        # The embedding model stays: another model's vectors are not comparable with stored
        # ones (knowledge.ModelTable.decide; the lint reports an outdated one, unsafe fix).
        model_node = model_arg.value
        for index, arg in enumerate(site.call.args):
            name = arg.keyword.value if arg.keyword else names[index]
            if name == "model":
                site.edits[index] = _rename(arg, "model", model_node)
            elif name == "content":
                site.edits[index] = _rename(arg, "contents", arg.value)
            else:
                site.edits[index] = None
        if config:
            site.append = [_kwarg("config", dict_node(config))]
        self.embed_result(site, batch)

    def embed_result(self, site: Site, batch: bool) -> None:
        result = site.result
        assert result is not None
        parent = self.parent(result)
        reads: list[cst.CSTNode] = []
        if isinstance(parent, cst.Subscript) and parent.value is result:
            reads = [parent]
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0].target, cst.Name
        ):
            target = parent.targets[0].target
            scope = self.scopes.get(target)
            assignments = [a for a in (scope.assignments[target.value] if scope else ())
                           if isinstance(a, Assignment)]
            if len(assignments) != 1:
                raise Unsupported("GM014", f"{target.value!r} is reused for other values")
            for access in self.refs(assignments[0]):
                read = self.parent(access.node)
                if not (isinstance(read, cst.Subscript) and read.value is access.node):
                    raise Unsupported("GM014", "the embedding result is used as a whole")
                reads.append(read)
        else:
            raise Unsupported("GM014", "the embedding result is used where gemini-migrate "
                              "cannot follow it")
        for read in reads:
            assert isinstance(read, cst.Subscript)
            index = read.slice[0].slice if len(read.slice) == 1 else None
            if not (isinstance(index, cst.Index) and string_value(index.value) == "embedding"):
                raise Unsupported("GM014", "only result[\"embedding\"] reads are migrated")
            site.accessor_edits.append((read, lambda n, b=batch: _embedding_values(n, b)))

    def model_field(self, site: Site, attribute: cst.Attribute) -> None:
        new = MODEL_FIELDS.get(attribute.attr.value)
        if new is None:
            raise Unsupported("GM014", f"model field {attribute.attr.value!r} has no "
                              "google-genai equivalent")
        if new != attribute.attr.value:
            site.accessor_edits.append((attribute, lambda a, new=new: a.with_changes(
                attr=cst.Name(new))))

    def runs_code(self, site: Site) -> bool:
        """The model may run code for this call (a code_execution tool on the model or the
        call): the legacy `.text` of such an answer holds the code and its output too."""
        tools = [value for construction in self.model_constructions(site)
                 for key, value in construction.kwargs if key == "tools"]
        tools += [arg.value for arg in site.call.args
                  if arg.keyword is not None and arg.keyword.value == "tools"]
        return any("code_execution" in self.code(node) for node in tools)

    def model_constructions(self, site: Site) -> list[Construction]:
        holder = site.holder
        if holder is None:
            return [site.inline] if site.inline else []
        if holder.kind == "model":
            return holder.constructions
        out: list[Construction] = []
        for chat in holder.constructions:
            source = chat.model_source
            if isinstance(source, Holder):
                out.extend(source.constructions)
            elif isinstance(source, Construction):
                out.append(source)
        return out

    def merged_receiver(
        self, site: Site, receiver: cst.BaseExpression, config: cst.BaseExpression
    ) -> cst.BaseExpression:
        base = cst.Subscript(receiver, [cst.SubscriptElement(cst.Index(literal(
            "generation_config")))])
        elements: list[cst.BaseDictElement] = [cst.StarredDictElement(base)]
        if isinstance(config, cst.Dict):
            elements.extend(config.elements)
        else:
            elements.append(cst.StarredDictElement(config))
        if not all(any(k == "generation_config" for k, _ in c.kwargs)
                   for c in self.model_constructions(site)):
            raise Unsupported("GM010", "per-call generation_config over a model that only "
                              "sometimes has one")
        return cst.Dict([cst.StarredDictElement(receiver),
                         cst.DictElement(literal("generation_config"), cst.Dict(elements))])

    def merge_inline(
        self, kwargs: list[tuple[str, cst.BaseExpression]], config: cst.BaseExpression | None
    ) -> list[tuple[str, cst.BaseExpression]]:
        if config is None:
            return kwargs
        out = []
        merged = False
        for key, value in kwargs:
            if key == "generation_config":
                if not (isinstance(value, cst.Dict) and isinstance(config, cst.Dict)):
                    raise Unsupported("GM010", "per-call generation_config over a config that "
                                      "is not a literal")
                value = cst.Dict([*value.elements, *config.elements])
                merged = True
            out.append((key, value))
        if not merged:
            out.append(("generation_config", config))
        return out

    def timeout(self, node: cst.BaseExpression) -> cst.BaseExpression:
        retries.check_request_options(self, node)
        if isinstance(node, cst.Dict) and len(node.elements) == 1:
            element = node.elements[0]
            if isinstance(element, cst.DictElement) and string_value(element.key) == "timeout":
                return element.value
        raise Unsupported("GM014", "request_options other than a literal timeout")

    def convert_input(self, node: cst.BaseExpression, site: Site | None = None
                      ) -> cst.BaseExpression:
        self.tools.round_trip.check_input(node)
        blocks = self.media.convert(node, site) if site is not None else None
        if blocks is not None:
            return blocks  # images, blobs, uploaded files (media.py)
        if is_text_literal(node):
            return node
        if isinstance(node, (cst.List, cst.Tuple)):
            if node.elements and all(
                isinstance(e, cst.Element) and is_text_literal(e.value) for e in node.elements
            ):
                return cst.List([cst.Element(text_block(e.value)) for e in node.elements])
            if node.elements and all(isinstance(e.value, cst.Dict) for e in node.elements):
                return cst.List([cst.Element(s) for s in history_to_steps(node)])
            raise Unsupported("GM014", "multimodal or non-text contents are not migrated yet")
        if isinstance(node, cst.Dict):
            raise Unsupported("GM014", "contents given as a dict are not migrated yet")
        if isinstance(node, cst.Name):
            self.check_input_name(node)
            why = self.non_text_param_name(node)
            if why is not None:
                raise Unsupported("GM014", f"{why}: the contents are not always text")
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            raise Unsupported("GM014", "contents built by a comprehension are not migrated yet")
        return node

    def check_input_name(self, name: cst.Name) -> None:
        """A name bound to parts, images or files is not text: leave it to a human."""
        scope = self.scopes.get(name)
        if scope is None:
            return
        for assignment in sorted(scope[name.value], key=self.assignment_pos):
            if not isinstance(assignment, Assignment):
                continue
            parent = self.parent(assignment.node)
            assign = self.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
            value = getattr(assign, "value", None)
            if isinstance(value, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp)):
                raise Unsupported("GM014", f"{name.value!r} holds parts, not text: multimodal "
                                  "input is not migrated yet")
            if isinstance(value, cst.Call):
                callee = self.code(value.func)
                names = self.qualified(value.func)
                if any(q.startswith(("PIL.", LEGACY)) for q in names) or callee.endswith(
                    ("Image.open", ".read", "read_bytes", "upload_file", "open")
                ):
                    raise Unsupported("GM014", f"{name.value!r} holds an image, file or bytes: "
                                      "multimodal input is not migrated yet")

    def first_turn_history(self, site: Site) -> list[cst.Dict] | None:
        """The history of `start_chat(history=...)` goes with the chat's first message, which
        must be statically the first: the next statement after start_chat that touches the
        chat, in the same block."""
        holder = site.holder
        assert holder is not None
        histories = [c.history for c in holder.constructions if c.history]
        if not histories:
            return None
        if len(holder.constructions) != 1 or not holder.key.startswith("name:"):
            raise Unsupported("GM012", "history replay needs one chat created in one place")
        start = self.statement_of(holder.constructions[0].call)
        block = self.parent(start) if start is not None else None
        body = list(getattr(block, "body", ()) or ())
        if start not in body:
            raise Unsupported("GM012", "cannot tell which message is the chat's first")
        uses = {id(n) for n in holder.uses}
        first = next((s for s in body[body.index(start) + 1:]
                      if any(id(n) in uses for n in _walk(s))), None)
        firsts = [s for s in holder.sites if self.statement_of(s.call) is first]
        if first is None or len(firsts) != 1:
            raise Unsupported("GM012", "the chat's first message is not in straight-line code "
                              "after start_chat(history=...)")
        return histories[0] if firsts[0] is site else None

    # -- results ----------------------------------------------------------------------------

    def plan_result(self, site: Site) -> None:
        result = site.result
        assert result is not None
        parent = self.parent(result)
        statement = self.statement_of(result)
        is_chat = site.holder is not None and site.holder.kind == "chat"
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            site.statement = statement if isinstance(statement, cst.SimpleStatementLine) else None
            if isinstance(target, cst.Name):
                self.follow_response(site, target)
            elif self.canonical(target) is None:
                raise Unsupported("GM011", "the response is stored where it cannot be followed")
            else:
                raise Unsupported("GM011", f"the response is stored in {self.code(target)}; "
                                  "its reads cannot be followed")
            site.response_target = target
        elif isinstance(parent, cst.Attribute) and parent.value is result:
            self.accessor(site, parent)
            if is_chat:
                self.plan_hoist(site)
        elif isinstance(parent, cst.Expr):
            site.statement = statement if isinstance(statement, cst.SimpleStatementLine) else None
            if site.stream:
                raise Unsupported("GM013", "a stream that is never read")
        elif isinstance(parent, cst.For) and parent.iter is result:
            if not site.stream:
                raise Unsupported("GM011", "iterating over a non-streamed response")
            self.plan_loop(site, parent)
            if is_chat and site.holder is not None:
                raise Unsupported("GM013", "a chat stream consumed inline is not migrated yet")
        else:
            raise Unsupported("GM011", "the response is passed or returned where "
                              "gemini-migrate cannot follow it")
        if is_chat and site.statement is None and not site.hoist:
            raise Unsupported("GM011", "cannot place the chat-state update after this call")

    def follow_response(self, site: Site, target: cst.Name) -> None:
        """Plan the reads of the response variable that this call's value may reach (facts/
        flow.py: a name reused down a script, or on another branch, is judged read by read).
        Another value that may reach one of those reads must be the response of another call
        of the same shape; the two are linked, so they migrate together or stay together: a
        read that may see a legacy response never becomes `output_text`."""
        if self.scopes.get(target) is None:
            raise Unsupported("GM011", "cannot resolve the response variable")
        reads = sorted(self.flow.reads_reached(target), key=self.pos)
        loops = 0
        for node in reads:
            planner = site
            for definition in self.flow.reaching(node):
                other = getattr(definition, "node", None)
                if other is target or self.none_assignment(other):
                    continue  # None has no fields to read: a guarded read stays right
                if not site.stream and responses.text_placeholder(self, other, node):
                    continue  # `reply = ""` before a loop: falsy, and has no .text either
                other_site = self.response_site(other)
                if other_site is None:
                    raise Unsupported("GM011", f"{target.value!r} also holds other values")
                if site.stream or other_site.stream or _kind(other_site) != _kind(site):
                    raise Unsupported("GM011", f"{target.value!r} may hold the result of "
                                      "another kind of call where it is read")
                self.response_links.append((site, other_site))
                if self.pos(other_site.call) < self.pos(planner.call):
                    planner = other_site
            if planner is not site:
                continue  # the first of the linked calls plans this read
            parent = self.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                if site.stream:
                    if responses.stream_read(self, site, parent):
                        continue
                    raise Unsupported("GM013", f"{self.code(parent)} on a stream is not "
                                      "migrated")
                self.accessor(site, parent)
            elif isinstance(parent, cst.For) and parent.iter is node and site.stream:
                loops += 1
                self.plan_loop(site, parent)
            elif _is_truth_test(node, parent):
                continue
            else:
                raise Unsupported("GM011", f"the response {target.value!r} is used where "
                                  "gemini-migrate cannot follow it")
        if site.stream and loops != 1:
            raise Unsupported("GM013", "a stream must be read by exactly one for loop")

    def none_assignment(self, binding: cst.CSTNode | None) -> bool:
        target = self.parent(binding) if binding is not None else None
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        return isinstance(assign, cst.Assign) and _is_name(assign.value, "None")

    def response_site(self, binding: cst.CSTNode | None) -> Site | None:
        """The call site whose result a definition `name = <site>` stores, if any."""
        target = self.parent(binding) if binding is not None else None
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        value = assign.value
        if isinstance(value, cst.Await):
            value = value.expression
        if self._site_of is None:
            self._site_of = {id(s.call): s for s in self.sites}
        return self._site_of.get(id(value))

    def accessor(self, site: Site, attribute: cst.Attribute) -> None:
        name = attribute.attr.value
        if site.method in COUNT:
            if name != "total_tokens":
                raise Unsupported("GM015", f"count_tokens result .{name} is not migrated")
            return
        if name == "text":
            if self.runs_code(site):
                raise Unsupported(CODE_TEXT, "the answer's .text joins the code the model ran "
                                  "and its output with the text; output_text keeps only the "
                                  "final text")
            site.accessor_edits.append((attribute, lambda a: a.with_changes(
                attr=cst.Name("output_text"))))
            return
        if name == "usage_metadata":
            outer = self.parent(attribute)
            if isinstance(outer, cst.Attribute) and outer.value is attribute:
                new = USAGE_FIELDS.get(outer.attr.value)
                if new is None:
                    raise Unsupported("GM015", f"usage_metadata.{outer.attr.value} has no "
                                      "Interactions equivalent")
                site.accessor_edits.append((attribute, lambda a: a.with_changes(
                    attr=cst.Name("usage"))))
                site.accessor_edits.append((outer, lambda a, new=new: a.with_changes(
                    attr=cst.Name(new))))
                return
            raise Unsupported("GM015", "usage_metadata read as a whole")
        if name in RESPONSE_ONLY:
            if self.tools.round_trip.read(site, attribute):
                return
            self.tools.round_trip.check_read(site, name)
            responses.response_read(self, site, attribute)
            return
        if name == "id" and site.holder is not None:
            return
        raise Unsupported("GM015", f"response.{name} is not understood")

    def plan_loop(self, site: Site, loop: cst.For) -> None:
        target = loop.target
        if not isinstance(target, cst.Name):
            raise Unsupported("GM013", "the stream loop target is not a simple name")
        scope = self.scopes.get(target)
        reads: list[Access] = []
        for assignment in sorted(scope.assignments[target.value] if scope else (),
                                 key=self.assignment_pos):
            if not isinstance(assignment, Assignment) or assignment.node is not target:
                if isinstance(assignment, Assignment):
                    raise Unsupported("GM013", f"{target.value!r} is reused outside the loop")
                continue
            reads.extend(self.refs(assignment))
        for access in reads:
            node = access.node
            parent = self.parent(node)
            if not (isinstance(parent, cst.Attribute) and parent.value is node
                    and parent.attr.value == "text"):
                raise Unsupported("GM013", "the stream loop uses the chunk for more than "
                                  "its text")
            if not _inside(node, loop.body, self.parent):
                raise Unsupported("GM013", "the chunk is read after the loop")
        site.loops.append(loop)

    def plan_hoist(self, site: Site) -> None:
        """`print(chat.send_message(m).text)`: the call moves into its own statement first."""
        result = site.result
        assert result is not None
        statement = self.statement_of(result)
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            raise Unsupported("GM011", "cannot move the chat call out of this statement")
        calls = [n for n in _walk(statement) if isinstance(n, cst.Call)]
        path = set()
        current: cst.CSTNode | None = result
        while current is not None and current is not statement:
            path.add(id(current))
            current = self.parent(current)
        for call in calls:
            if call is site.call or any(call is a for a in _walk(site.call)):
                continue
            if id(call) not in path:
                raise Unsupported("GM011", "other calls in the statement would run in a "
                                  "different order")
        for node in _walk(statement):
            if isinstance(node, (cst.Lambda, cst.BaseComp, cst.IfExp, cst.BooleanOperation,
                                 cst.NamedExpr, cst.Yield)):
                raise Unsupported("GM011", "the chat call is evaluated conditionally")
        site.statement = statement
        site.hoist = True

    # -- pins -------------------------------------------------------------------------------

    def propagate(self) -> None:
        changed = True
        while changed:
            changed = False
            for site in self.sites:
                holder = site.holder
                if site.pin is not None and holder is not None and holder.pin is None:
                    holder.pin = site.pin
                    changed = True
                if holder is not None and holder.pin is not None and site.pin is None:
                    site.pin = Pin(holder.pin.code, holder.pin.reason, site.call)
                    changed = True
            changed |= self.media.propagate()
            for first, second in self.response_links:
                for a, b in ((first, second), (second, first)):
                    if a.pin is not None and b.pin is None:
                        b.pin = Pin(a.pin.code, "its response variable may also hold the "
                                    "response of a call that stays legacy", b.call)
                        changed = True
            for holder in self.holders.values():
                if holder.kind != "chat":
                    continue
                for chat in holder.constructions:
                    source = chat.model_source
                    if isinstance(source, Holder):
                        if holder.pin is not None and source.pin is None:
                            source.pin = holder.pin
                            changed = True
                        if source.pin is not None and holder.pin is None:
                            holder.pin = Pin(source.pin.code, source.pin.reason, chat.call)
                            changed = True
            for holder in self.holders.values():
                if holder.kind == "model":
                    for chat in holder.chats:
                        if chat.holder is None and holder.pin is None and not any(
                            p.node is chat.call for p in self.loose_pins
                        ):
                            # a start_chat() whose chat goes somewhere we cannot follow
                            holder.pin = Pin("GM011", "a chat of this model cannot be followed",
                                             chat.call)
                            changed = True
                        if chat.holder is None and holder.pin is None and any(
                            p.node is chat.call for p in self.loose_pins
                        ):
                            holder.pin = Pin("GM011", "a chat of this model is left as it "
                                             "was", chat.call)
                            changed = True

    def disable(self) -> None:
        """A disabled rule keeps its code on the legacy SDK, silently (a pin with no code), and
        pinning spreads as usual so the file stays consistent."""
        enabled = self.ctx.enabled
        for site in self.sites:
            is_chat = site.holder is not None and site.holder.kind == "chat"
            code = "GM005" if is_chat else ("GM007" if site.is_async else "GM004")
            if site.method in COUNT:
                code = "GM009"
            elif site.method in MODELS_API:
                code = "GM018"
            elif site.method in EMBED:
                code = "GM019"
            elif site.method in media.FILES:
                code = "GM022"
            elif site.method in caching.METHODS:
                code = "GM038"
            if (not enabled(code, self.path) or (site.stream and not enabled("GM006", self.path))
                    or (site.accessor_edits and not enabled("GM008", self.path))
                    or (site.read_edits and not enabled("GM033", self.path))):
                self.pin(site, "", "disabled", site.call)
        for holder in self.holders.values():
            if holder.kind in caching.HOLDER_KINDS:
                continue  # its sites carry the rule
            if not enabled("GM003" if holder.kind == "model" else "GM005", self.path):
                self.pin(holder, "", "disabled", holder.constructions[0].call
                         if holder.constructions else self.module)
        self.configures = [
            (call, statement, pin if pin is not None or enabled("GM002", self.path)
             else Pin("", "disabled", call))
            for call, statement, pin in self.configures
        ]

    def pin_shared_users(self) -> bool:
        """A shared definition moves with all its users or none: when one user stays on the
        legacy SDK, the others stay too. Returns True when it pinned something."""
        changed = False
        moved = self.moved_ids()
        for assign, refs in self.def_refs.items():
            if all(id(ref) in moved for ref in refs):
                continue
            name = self.code(assign.targets[0].target)
            for construction in self.constructions.values():
                inside = {id(n) for n in _walk(construction.call)}
                holder = construction.holder
                if holder is not None and holder.pin is None and any(
                    id(ref) in inside for ref in refs
                ):
                    self.pin(holder, "GM011", f"{name} is shared with code that stays on the "
                             "legacy SDK", construction.call)
                    changed = True
            for site in self.sites:
                inside = {id(n) for n in _walk(site.call)}
                if site.pin is None and any(id(ref) in inside for ref in refs):
                    self.pin(site, "GM011", f"{name} is shared with code that stays on the "
                             "legacy SDK", site.call)
                    changed = True
        return changed

    def build(self) -> None:
        self.collect()
        self.plan_sites()
        self.tools.round_trip.finish()
        responses.check_handlers(self)
        retries.check_retries(self)
        responses.check_chat_state(self)
        self.collect_leftovers()
        self.disable()
        pinned = next((p for _, _, p in self.configures if p is not None), None)
        if pinned is not None:
            # Without a faithful client no call can move: the configuration would be lost.
            for holder in self.holders.values():
                self.pin(holder, pinned.code, "the client configuration could not be migrated",
                         holder.constructions[0].call if holder.constructions else pinned.node)
            for site in self.sites:
                self.pin(site, pinned.code, "the client configuration could not be migrated",
                         site.call)
        self.propagate()
        while self.pin_shared_users() or retries.pin_shared_responses(self):
            self.propagate()


_PURE_CALLS = ("getenv", "get", "str", "strip", "environ")


# A factory under these returns what its body returns (the same object again, for equal
# arguments): its calls hold the model all the same.
_CACHES = {"functools.cache", "functools.lru_cache"}


def _kind(site: Site) -> str:
    """What reading a site's response means: the same accessors for a model and a chat."""
    if site.method in GENERATE or site.method in SEND:
        return "generate"
    return site.method


def _pure(node: cst.BaseExpression) -> bool:
    """Reads only: names, attributes, literals, subscripts, and getenv / .get() lookups."""
    for child in _walk(node):
        if isinstance(child, cst.Call):
            func = child.func
            name = func.attr.value if isinstance(func, cst.Attribute) else (
                func.value if isinstance(func, cst.Name) else "")
            if name not in _PURE_CALLS:
                return False
        elif isinstance(child, (cst.Await, cst.Yield, cst.NamedExpr, cst.Lambda)):
            return False
    return True


def _is_main_guard(node: cst.If) -> bool:
    test = node.test
    return (isinstance(test, cst.Comparison) and _is_name(test.left, "__name__")
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
            and string_value(test.comparisons[0].comparator) == "__main__")


def _client_assignment(statement: cst.CSTNode, sdk: str) -> str | None:
    """`X = <sdk>.Client(...)` as a whole statement: X. (libcst.matchers costs 0.17 s to import
    on the pre-commit path; these shapes are simple enough to test by hand.)"""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    assign = statement.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)):
        return None
    value = assign.value
    if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            and _is_name(value.func.value, sdk) and value.func.attr.value == "Client"):
        return assign.targets[0].target.value
    return None


def _qualified(qnames: object, node: cst.CSTNode) -> set[str]:
    value = qnames.get(node)  # type: ignore[attr-defined]
    if value is None:
        return set()
    if isinstance(value, LazyValue):
        value = value()
    return {q.name for q in value}


def _inside(
    node: cst.CSTNode, body: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is body:
            return True
        current = parent(current)
    return False


def _awaited(node: cst.BaseExpression) -> cst.BaseExpression:
    """`(await x).id`: without parentheses `.id` would be read from the coroutine."""
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _clean(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if hasattr(node, "lpar") else node


def layout(node: cst.BaseExpression, indent: str, width: int = 60) -> cst.BaseExpression:
    """Put a long generated list one element per line, indented one level below `indent`."""
    if not isinstance(node, cst.List) or len(node.elements) < 2:
        return node
    if len(cst.Module([]).code_for_node(node)) <= width:
        return node
    inner = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                        last_line=cst.SimpleWhitespace(indent + "    "))
    closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                          last_line=cst.SimpleWhitespace(indent))
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=inner)) for e in node.elements]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=closing))
    return node.with_changes(lbracket=cst.LeftSquareBracket(whitespace_after=inner),
                             elements=elements)


def _vertical(node: cst.BaseExpression, indent: str) -> cst.BaseExpression:
    """A generated dict holding a multi-line value (a JSON schema): one key per line, and the
    nested literal shifted to its new depth."""
    from migrator.codemods.genai_convert import first_indent, shift

    code = cst.Module([]).code_for_node(node)
    if not isinstance(node, cst.Dict) or "\n" not in code:
        return node
    inner = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                        last_line=cst.SimpleWhitespace(indent + "    "))
    closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(),
                                          last_line=cst.SimpleWhitespace(indent))
    elements = []
    for index, element in enumerate(node.elements):
        value = element.value
        current = first_indent(value)
        if current is not None:
            value = shift(value, len(indent) + 8 - len(current))
        last = index == len(node.elements) - 1
        elements.append(element.with_changes(
            value=value, comma=cst.Comma(whitespace_after=closing if last else inner)))
    return node.with_changes(lbrace=cst.LeftCurlyBrace(whitespace_after=inner),
                             elements=elements)


def _embedding_values(node: cst.Subscript, batch: bool) -> cst.BaseExpression:
    embeddings = cst.Attribute(node.value, cst.Name("embeddings"))
    if not batch:
        first = cst.Subscript(embeddings, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        return cst.Attribute(first, cst.Name("values"))
    return cst.parse_expression("[e.values for e in x]").with_changes(
        for_in=cst.CompFor(target=cst.Name("e"), iter=embeddings))


def _carry(
    original: Sequence[cst.Arg], updated: Sequence[cst.Arg], edits: dict[int, cst.Arg | None]
) -> dict[int, cst.Arg | None]:
    """Edits that only renamed a slot keep the slot's rewritten value (nested rewrites)."""
    out: dict[int, cst.Arg | None] = {}
    for index, edit in edits.items():
        if edit is not None and edit.value is original[index].value:
            edit = edit.with_changes(value=updated[index].value)
        out[index] = edit
    return out


def _as_blocks(node: cst.BaseExpression) -> cst.List:
    if isinstance(node, cst.List):
        return node
    return cst.List([cst.Element(text_block(node))])


# --------------------------------------------------------------------------------------------
# Apply
# --------------------------------------------------------------------------------------------

NodeEdit = Callable[..., Any]


def _statement(code: str) -> cst.SimpleStatementLine:
    stmt = cst.parse_statement(code)
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt


def todo_comment(text: str) -> str:
    """The TODO comment for `text`, on one line: a reason can quote code that spans lines, and
    a comment cannot (LibCST refuses it, and the file would not be written)."""
    return TODO_PREFIX + " ".join(text.split())


def _todo_lines(node: cst.CSTNode, todos: list[str]) -> list[cst.EmptyLine]:
    existing = {line.comment.value for line in getattr(node, "leading_lines", ())
                if line.comment is not None}
    lines = list(getattr(node, "leading_lines", ()))
    for text in todos:
        comment = todo_comment(text)
        if comment not in existing:
            lines.append(cst.EmptyLine(comment=cst.Comment(comment)))
            existing.add(comment)
    return lines


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
        for assign in plan.movable_defs():
            new_value = plan.config_defs[assign]
            self.node_edits[assign] = lambda n, d=new_value: n.with_changes(value=d)
        moved = plan.moved_ids()
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


# --------------------------------------------------------------------------------------------
# Imports, the client, and what is left
# --------------------------------------------------------------------------------------------


def _legacy_alias(node: cst.CSTNode) -> tuple[str, str | None] | None:
    """For an import of the legacy SDK: (kind, bound name). kind: module | from-module | names."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted == LEGACY:
                bound = alias.asname.name.value if alias.asname else None  # type: ignore[union-attr]
                return "module", bound
    elif isinstance(node, cst.ImportFrom) and node.module is not None:
        dotted = _dotted(node.module)
        if dotted == "google" and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if _dotted(alias.name) == "generativeai":
                    bound = (alias.asname.name.value if alias.asname  # type: ignore[union-attr]
                             else "generativeai")
                    return "from-module", bound
        if dotted == LEGACY or dotted.startswith(LEGACY + "."):
            return "names", None
    return None


def _new_sdk_names(module: cst.Module) -> tuple[str | None, str | None]:
    """(name bound to google.genai, name of a module-level google.genai Client) if any."""
    sdk = None
    for node in _walk(module):
        if isinstance(node, cst.ImportFrom) and node.module is not None and not isinstance(
            node.names, cst.ImportStar
        ) and _dotted(node.module) == "google":
            for alias in node.names:
                if _dotted(alias.name) == "genai":
                    sdk = alias.asname.name.value if alias.asname else "genai"  # type: ignore
        if isinstance(node, cst.Import):
            for alias in node.names:
                if _dotted(alias.name) == "google.genai" and alias.asname:
                    sdk = alias.asname.name.value  # type: ignore[union-attr]
    client = None
    if sdk is not None:
        for statement in module.body:
            client = _client_assignment(statement, sdk)
            if client is not None:
                break
    return sdk, client


def _legacy_names(module: cst.Module) -> tuple[set[str], set[str]] | None:
    """Names the legacy imports of `module` bind, more than that rather than fewer: (bound to
    the SDK module itself, bound to anything else that may lead into it); None for a star
    import from it, which can bind any name."""
    modules: set[str] = set()
    others: set[str] = set()
    for node in _walk(module):
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = _dotted(alias.name)
                if alias.asname is None:
                    if name.split(".")[0] == "google":
                        others.add("google")  # `google.generativeai.x` reaches the SDK
                elif name == LEGACY:
                    modules.add(alias.asname.name.value)  # type: ignore[union-attr]
                elif name == "google" or name.startswith(LEGACY + "."):
                    others.add(alias.asname.name.value)  # type: ignore[union-attr]
        elif isinstance(node, cst.ImportFrom) and node.module is not None:
            source = _dotted(node.module)
            if source != "google" and source != LEGACY and not source.startswith(LEGACY + "."):
                continue
            if isinstance(node.names, cst.ImportStar):
                return None
            for alias in node.names:
                name = _dotted(alias.name)
                if source == "google" and name != "generativeai":
                    continue  # `from google import genai` is the new SDK
                bound = (alias.asname.name.value if alias.asname  # type: ignore[union-attr]
                         else name.split(".")[-1])
                (modules if source == "google" else others).add(bound)
    return modules, others


def _legacy_surely_gone(module: cst.Module) -> bool:
    """True when no name a legacy import binds is used outside the imports, but as the
    `<sdk>.Client` this pass writes: then nothing can resolve to the legacy SDK, and
    `_legacy_remains` need not resolve scopes to know it. False: undecided."""
    bound = _legacy_names(module)
    if bound is None:
        return False
    modules, others = bound
    names = modules | others
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, is_value = stack.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(node, cst.Name) and node.value in names:
            return False
        if (isinstance(node, cst.Attribute) and not is_value and node.attr.value == "Client"
                and isinstance(node.value, cst.Name) and node.value.value in modules):
            continue  # `<sdk>.Client` (not `<sdk>.Client.x`): the client this pass wrote
        attribute = node.value if isinstance(node, cst.Attribute) else None
        stack.extend((child, child is attribute) for child in node.children)
    return True


def _legacy_remains(module: cst.Module) -> bool:
    """Whether the rewritten module still uses the legacy SDK outside its imports."""
    return not _legacy_surely_gone(module) and _legacy_resolved(module)


def _legacy_resolved(module: cst.Module) -> bool:
    """`_legacy_remains` through scopes and qualified names (a whole metadata resolution)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    qnames = wrapper.resolve(QualifiedNameProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    for node in _walk(module):
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        # `<sdk>.Client` is the client this pass just wrote while the old import still binds
        # the name; the legacy SDK has no Client.
        if not any((q == LEGACY or q.startswith(LEGACY + ".")) and q != f"{LEGACY}.Client"
                   for q in _qualified(qnames, node)):
            continue
        current = parents.get(node)
        if isinstance(current, cst.Attribute) and current.value is node:
            continue  # `genai` of `genai.x`: the dotted form decides (`<sdk>.Client` is ours)
        while current is not None and not isinstance(current, (cst.Import, cst.ImportFrom)):
            current = parents.get(current)
        if current is None:
            return True
    return False


class FixImports(cst.CSTTransformer):
    """Swap legacy imports for the google-genai one; a removed import's comments move down."""

    def __init__(self, sdk: str, add_import: bool, legacy_remains: bool,
                 every: bool = False) -> None:
        super().__init__()
        self.sdk = sdk
        self.add_import = add_import
        self.legacy_remains = legacy_remains
        self.every = every  # function-local imports: each one is replaced where it is
        self.placed_import = False
        self.carried: list[cst.EmptyLine] = []

    def import_stmt(self) -> cst.SimpleStatementLine:
        alias = "" if self.sdk == "genai" else f" as {self.sdk}"
        return _statement(f"from google import genai{alias}\n")

    def on_leave(self, original, updated):  # type: ignore[no-untyped-def]
        if isinstance(updated, cst.SimpleStatementLine):
            updated = self.leave_statement(updated)
        if self.carried and isinstance(updated, (cst.SimpleStatementLine,
                                                 cst.BaseCompoundStatement)):
            updated = updated.with_changes(
                leading_lines=[*self.carried, *updated.leading_lines])
            self.carried = []
        return updated

    def leave_statement(self, updated: cst.SimpleStatementLine):  # type: ignore[no-untyped-def]
        kinds = [_legacy_alias(s) for s in updated.body
                 if isinstance(s, (cst.Import, cst.ImportFrom))]
        kinds = [k for k in kinds if k is not None]
        if not kinds:
            return updated
        if self.legacy_remains:
            if self.add_import and not self.placed_import:
                self.placed_import = True
                return cst.FlattenSentinel([updated, self.import_stmt()])
            return updated
        if len(updated.body) != 1:
            return updated  # `import os; import google.generativeai as genai`: leave it
        trailing = updated.trailing_whitespace
        if not self.add_import or (self.placed_import and not self.every):
            if any(line.comment is not None for line in updated.leading_lines):
                self.carried.extend(updated.leading_lines)
            if trailing.comment is not None:  # the comment on the dropped line goes on
                self.carried.append(cst.EmptyLine(comment=trailing.comment))
            return cst.RemovalSentinel.REMOVE
        self.placed_import = True
        new = self.import_stmt().with_changes(leading_lines=updated.leading_lines)
        if trailing.comment is not None:
            # `import google.generativeai as genai     # why`: the comment stays, at its column
            code = cst.Module([]).code_for_node
            column = len(code(updated.body[0])) + len(trailing.whitespace.value)
            gap = max(2, column - len(code(new.body[0])))
            new = new.with_changes(trailing_whitespace=trailing.with_changes(
                whitespace=cst.SimpleWhitespace(" " * gap)))
        return new


def legacy_pass(module: cst.Module, path: str, ctx: Context) -> tuple[cst.Module, list[Finding]]:
    if "generativeai" not in code_of(module):
        return module, []
    wrapper = wrapper_of(module)
    source = wrapper.module
    imports = [n for n in _walk(source) if isinstance(n, (cst.Import, cst.ImportFrom))
               and _legacy_alias(n) is not None]
    if not imports:
        return module, []
    plan = Plan(wrapper, path, ctx)
    plan.build()
    _pin_if_mocked(plan, module, path, ctx)

    names = _names_in(source)
    existing_sdk, existing_client = _new_sdk_names(source)
    # configure() stays where nothing here reads it, or while connected legacy code does
    readers = api_keys.legacy_readers(plan)
    idle = api_keys.keep_idle_configures(plan) if existing_client is None else []
    first = _legacy_alias(imports[0])
    assert first is not None
    legacy_bound = {b for b in (_legacy_alias(i) for i in imports) if b and b[1]}
    bound_names = {b for _, b in legacy_bound if b}

    def choose(mixed: bool) -> tuple[str, bool]:
        if existing_sdk is not None:
            return existing_sdk, False
        if not mixed and first[1] is not None and first[0] in ("module", "from-module") and (
            first[1] != "generativeai"
        ):
            return first[1], True
        for candidate in ("genai", "google_genai", "genai_sdk"):
            if candidate not in names or (not mixed and candidate in bound_names
                                          and candidate == first[1]):
                return candidate, True
        return "google_genai_sdk", True

    client = existing_client
    if client is None:
        client = next(c for c in ("client", "genai_client", "gemini_client", "google_client")
                      if c not in names)

    # When every legacy import sits inside a function, the SDK only exists there: each such
    # function gets its own client, and a call anywhere else cannot have one.
    local_mode = all(plan.enclosing_function(i) is not None for i in imports)
    # function-local import statement -> whether its function also needs `client = Client()`
    client_after: dict[cst.CSTNode, bool] = {}
    if local_mode:
        owners = {id(plan.enclosing_function(i)): i for i in imports}
        for site in plan.sites:
            function = plan.enclosing_function(site.call)
            while function is not None and id(function) not in owners:
                function = plan.enclosing_function(function)
            if function is None:
                plan.pin(site, "GM011", "no google-genai client can be created where this "
                         "call is (the SDK is imported inside another function)", site.call)
        api_keys.pin_local_foreign_keys(plan, owners)
        plan.propagate()
        for import_node in owners.values():
            function = plan.enclosing_function(import_node)
            assert function is not None
            inside = {id(n) for n in _walk(function)}
            needs = any(s.pin is None and id(s.call) in inside for s in plan.sites)
            configured_here = any(p is None and id(c) in inside for c, _, p in plan.configures)
            statement = plan.statement_of(import_node)
            # a configure() is only converted when a call of its function migrates
            # (Apply.client_needed): no google-genai import where nothing uses it
            converted = configured_here and needs
            if (needs or converted) and statement is not None:
                client_after[statement] = needs and not configured_here and (
                    existing_client is None)

    # Without configure() the legacy SDK read GOOGLE_API_KEY at the first call, so the client is
    # created just before the first statement that needs it (after any load_dotenv()). Unless
    # another module configured a key Client() cannot find by itself: then nothing moves.
    configured = any(p is None for _, _, p in plan.configures)
    if not plan.configures and existing_client is None and any(
        s.pin is None for s in plan.sites
    ):
        from migrator.codemods.crossmodule import foreign_key_configure

        elsewhere = foreign_key_configure(path, ctx.settings)
        if elsewhere is not None:
            reason = (f"the API key is configured in {os.path.basename(elsewhere[0])} "
                      f"({elsewhere[1]}); genai.Client() here would not see it")
            for holder in plan.holders.values():
                plan.pin(holder, "GM016", reason, holder.constructions[0].call
                         if holder.constructions else plan.module)
            for site in plan.sites:
                plan.pin(site, "GM016", reason, site.call)
            plan.propagate()
    migrated = [s for s in plan.sites if s.pin is None]
    client_before: list[cst.CSTNode] = []
    if migrated and existing_client is None and configured and not local_mode:
        # configure() in a function or the __main__ block: module-level code that runs a
        # migrated call before it read GOOGLE_API_KEY, as Client() does
        before = api_keys.module_client_before(plan, [s.call for s in migrated])
        client_before = [before] if before is not None else []
    elif migrated and existing_client is None and not configured and not local_mode:
        targets = {id(s.call) for s in migrated} | {
            id(c.call) for c in plan.constructions.values()
            if c.holder is not None and c.holder.pin is None}
        # A module whose calls all run inside functions reads the key when a function runs,
        # as the legacy SDK did: each such function makes its client. A client made at import
        # would raise there when the key is set later (load_dotenv() in the entry point, a
        # command-line option).
        first_user: list[cst.CSTNode] = []
        first_user.extend(
            [st for st in source.body if any(id(n) in targets for n in _walk(st))][:1])
        client_before = api_keys.function_clients(plan, migrated) or first_user
    # A pinned call keeps the legacy SDK, so the file is mixed: apply once, keeping
    # configure(). Only when nothing is pinned can a legacy use the plan does not model
    # still remain, and only then is a second application needed.
    pinned = any(s.pin is not None for s in plan.sites) or any(
        h.pin is not None for h in plan.holders.values()) or bool(readers)
    result, findings, legacy_left, sdk, add_import, apply = _apply(
        plan, source, choose, client, keep_configure=pinned, client_before=client_before,
        client_after=client_after, local_mode=local_mode)
    if legacy_left and not pinned:
        result, findings, legacy_left, sdk, add_import, apply = _apply(
            plan, source, choose, client, keep_configure=True, client_before=client_before,
            client_after=client_after, local_mode=local_mode)
    kept = [*idle, *(call for call, _, pin in plan.configures if pin is None and readers)]
    findings += [api_keys.kept_finding(plan, call, readers) for call in kept]
    if legacy_left and not kept and (apply.fixed or existing_sdk is not None):
        findings.append(finding(path, plan.pos(imports[0]), "GM017",
                                "the legacy import stays: some uses were left for a human"))
    if not apply.fixed:
        # Nothing migrated: the file only gains the TODO comments of what was left.
        if not any(f.code not in ("GM303", "GM010") for f in findings):
            # e.g. the module kept in an attribute (`self._genai = genai`) or only imported:
            # a check must not pass silently on a file still on the deprecated SDK
            findings.append(finding(path, plan.pos(imports[0]), "GM017",
                                    "the legacy SDK is imported here, but none of its uses "
                                    "is one gemini-migrate can follow: migrate by hand"))
        return result, findings
    if legacy_left and add_import and not any(
            isinstance(n, cst.Name) and n.value == sdk for n in _walk(result)):
        # What migrated needs no client (a model nobody calls became a dict): no import that
        # nothing uses, which would also make google-genai a requirement for nothing.
        add_import = False
    result = result.visit(FixImports(sdk, add_import and not (local_mode and legacy_left),
                                     legacy_left, every=local_mode))
    result = plan.media.add_imports(result)
    if not legacy_left and ctx.enabled("GM001"):
        findings.append(finding(path, plan.pos(imports[0]), "GM001",
                                "the google.generativeai import becomes `from google import "
                                "genai`", fix=FIX_SAFE, fixed=True))
    return result, findings


def _pin_if_mocked(plan: Plan, module: cst.Module, path: str, ctx: Context) -> None:
    """A file that patches the legacy SDK tests its own legacy calls through the mock:
    migrated, they would bypass it (and reach the network). Everything stays."""
    from migrator.lint.mocks import _MOCKING, mocks_pass

    if not _MOCKING.search(code_of(module)):
        return
    _, mocked = mocks_pass(module, path, ctx)
    if not mocked:
        return
    # no line number: the TODO lines this adds would move it, and the comment with it
    reason = "this file mocks the legacy SDK: migrated calls would bypass the mock"
    for holder in plan.holders.values():
        plan.pin(holder, "GM040", reason,
                 holder.constructions[0].call if holder.constructions else plan.module)
    for site in plan.sites:
        plan.pin(site, "GM040", reason, site.call)
    plan.propagate()


def _apply(
    plan: Plan, source: cst.Module, choose: Callable[[bool], tuple[str, bool]], client: str,
    *, keep_configure: bool, client_before: Sequence[cst.CSTNode],
    client_after: dict[cst.CSTNode, bool], local_mode: bool,
) -> tuple[cst.Module, list[Finding], bool, str, bool, Apply]:
    sdk, add_import = choose(keep_configure)
    moved = plan.moved_ids()
    plan.findings = [f for node, f in plan.substitutions if id(node) in moved]
    plan.report_dropped()
    apply = Apply(plan, sdk, client, keep_configure, client_before, local_mode)
    for statement, needs_client in client_after.items():
        alias = "" if sdk == "genai" else f" as {sdk}"
        # Fully migrated, the import itself is swapped in place (FixImports, comments kept);
        # while legacy uses remain, the new import joins it where it is needed.
        inserted = [_statement(f"from google import genai{alias}\n")] if keep_configure else []
        if needs_client:
            inserted.append(_statement(f"{client} = {sdk}.Client()\n"))
        apply.after.setdefault(statement, [])[:0] = inserted
    result = source.visit(apply)
    left = _legacy_remains(result)
    findings = [*plan.findings, *apply.fixed]
    return result, findings, left, sdk, add_import, apply


def _todo_text(node: cst.CSTNode) -> str:
    for line in getattr(node, "leading_lines", ()):
        if line.comment is not None and line.comment.value.startswith(TODO_PREFIX):
            return line.comment.value[len(TODO_PREFIX):]
    return ""


def _has_any_todo(node: cst.CSTNode) -> bool:
    return any(line.comment is not None and line.comment.value.startswith(TODO_PREFIX)
               for line in getattr(node, "leading_lines", ()))
