"""The plan of a legacy module: shared state, holder keys, and pinning.

The feature planners (discovery, options, inputs, aliasing, calls, results; media and
tools live beside the package) hold this plan and ask it the shared questions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from migrator.codemods import caching, media, responses, retries
from migrator.codemods.convert import string_value
from migrator.codemods.facts.flow import Flow, flow_of
from migrator.codemods.facts.nodes import walk as _walk
from migrator.codemods.facts.sdk import COUNT, EMBED, MODELS_API
from migrator.codemods.facts.sites import Construction, Holder, Pin, Site
from migrator.codemods.facts.source import code_of
from migrator.codemods.facts.webs import Webs
from migrator.codemods.legacy.aliasing import Aliasing
from migrator.codemods.legacy.calls import Calls
from migrator.codemods.legacy.common import _qualified
from migrator.codemods.legacy.discovery import Discovery
from migrator.codemods.legacy.inputs import Inputs
from migrator.codemods.legacy.options import ModelOptions
from migrator.codemods.legacy.results import Results
from migrator.codemods.tools import ToolPlan
from migrator.engine import Context
from migrator.findings import Finding


class Plan:
    def __init__(self, wrapper: MetadataWrapper, path: str, ctx: Context) -> None:
        # the feature planners; each holds this plan for the shared state
        self.discovery = Discovery(self)
        self.options = ModelOptions(self)
        self.inputs = Inputs(self)
        self.aliasing = Aliasing(self)
        self.calls = Calls(self)
        self.results = Results(self)
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

    def holder_of(self, key: str) -> Holder:
        return self.holders[self.resolve(key)]

    def resolve(self, key: str) -> str:
        while key in self.aliases:
            key = self.aliases[key]
        return key

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
        moved = self.options.moved_ids()
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
        self.discovery.collect()
        self.calls.plan_sites()
        self.tools.round_trip.finish()
        responses.check_handlers(self)
        retries.check_retries(self)
        responses.check_chat_state(self)
        self.discovery.collect_leftovers()
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
