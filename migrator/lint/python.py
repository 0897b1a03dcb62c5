"""Python checks that run after the codemods: model names and misuse of the Interactions API.

One read of the module (LibCST metadata: qualified names, scopes, positions, parents) collects
the facts; fixes are a map from original node to replacement applied by one transformer.

Which calls are Interactions calls: `<x>.interactions.<create|get>(...)` (or through `.aio`)
where `<x>` is provably a google-genai client (a `google.genai.Client(...)` call, or a name or
attribute assigned from one), or, in a module that imports google-genai, any receiver. A module
that never imports google-genai may have its own `interactions` objects, so it is left alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from migrator.codemods.facts.modelsource import (
    ENV_LOOKUPS,
    argument_sources,
    lookup_use,
    model_source,
)
from migrator.codemods.facts.source import code_of, wrapper_of
from migrator.codemods.settled import EVENT_RENAMES, interactions_gate
from migrator.context import Context
from migrator.findings import FIX_NONE, FIX_SAFE, Finding, finding
from migrator.knowledge import GENAI, INTERACTIONS, LEGACY, PYTHON, VERTEX, ModelDecision
from migrator.lint.common import decide_fix
from migrator.lint.mocks import mocks_pass

GENAI_CLIENTS = {"google.genai.Client", "google.genai.client.Client"}
LEGACY_SDK = "google.generativeai"
INTERACTION_METHODS = {"create", "get"}
CHAIN_SCOPED = ("tools", "system_instruction", "generation_config")
BYTES_METHODS = {"read_bytes", "tobytes"}
# Ids that are ordinary words: only reported where they are clearly a model argument.
AMBIGUOUS_IDS = {"aqa"}
MODEL_KEYWORDS = {"model", "model_name", "model_id"}
# The model a tuning job starts from (`genai.create_tuned_model(source_model=...)`,
# `client.tunings.tune(base_model=...)`): only some models can be tuned, and a tuned model is
# tied to its base, so the id is reported, never substituted.
TUNING_KEYWORDS = {"source_model", "base_model"}
# A Colab form field's choices: `# @param ["a", "b"] {"allow-input": true}`.
_PARAM_LIST = re.compile(r"#\s*@param\s*(\[[^\]\n]*\])")
_PARAM_ITEM = re.compile(r"""(["'])([^"'\n]+)\1""")
LINE_LENGTH = 88  # black's and ruff's default: where an added argument wraps


@dataclass
class _CreateCall:
    call: cst.Call
    kwargs: dict[str, cst.Arg]
    splat: bool
    method: str


@dataclass
class _Facts:
    imports_genai: bool = False
    imports_legacy: bool = False
    imports_vertex: bool = False
    client_spellings: set[str] = field(default_factory=set)
    binary_files: set[str] = field(default_factory=set)  # `with open(p, "rb") as f`


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _str(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _is_name(node: cst.BaseExpression | None, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def _unwrap_await(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.expression if isinstance(node, cst.Await) else node


class _Checker:
    def __init__(self, wrapper: MetadataWrapper, path: str, ctx: Context) -> None:
        self.module = wrapper.module
        self.path = path
        self.ctx = ctx
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.lines = code_of(self.module).splitlines()
        self.findings: list[Finding] = []
        self.replacements: dict[cst.CSTNode, cst.CSTNode] = {}
        # Keyword arguments a fix adds to a call (api_version for v1beta-only aliases).
        self.added_args: dict[cst.Call, list[tuple[str, str, int | None]]] = {}
        self.facts = _Facts()
        self.nodes = list(self.positions)

    # -- helpers -----------------------------------------------------------------------------

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.positions[node].start
        return start.line, start.column + 1

    def line_text(self, node: cst.CSTNode) -> str:
        line = self.positions[node].start.line
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def qualified(self, node: cst.CSTNode) -> set[str]:
        """What QualifiedNameProvider would say of `node`, asked of its scope only for the
        few nodes a check looks at: the provider visits every node of the module, a cost
        (a third of the metadata) a large file paid for a handful of calls."""
        scope = self.scopes.get(node)
        if not scope:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def scoped(self, name: cst.Name) -> tuple[list[cst.BaseExpression], bool]:
        """The values assigned to `name` in the scope it is read from (LibCST scopes, so a
        `result` in another function is another variable), and whether that is all of them:
        a parameter, loop target or import binding is a value nobody can read here."""
        scope = self.scopes.get(name)
        if scope is None or name.value not in scope:
            return [], False
        values: list[cst.BaseExpression] = []
        complete = True
        for assignment in scope[name.value]:
            target = getattr(assignment, "node", None)
            holder = self.parent(target) if isinstance(target, cst.CSTNode) else None
            if isinstance(holder, cst.AssignTarget):
                statement = self.parent(holder)
                if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                    values.append(_unwrap_await(statement.value))
                    continue
            elif isinstance(holder, cst.AnnAssign) and holder.value is not None:
                values.append(_unwrap_await(holder.value))
                continue
            complete = False
        return values, complete and bool(values)

    def values_of(self, node: cst.BaseExpression) -> list[cst.BaseExpression]:
        """The node itself, or the values a plain name was assigned in its scope."""
        if isinstance(node, cst.Name):
            values, _ = self.scoped(node)
            if values:
                return values
        return [node]

    # -- facts -------------------------------------------------------------------------------

    def collect(self) -> None:
        facts = self.facts
        for node in self.nodes:
            if isinstance(node, (cst.Import, cst.ImportFrom)):
                names = self.imported(node)
                if any(n == "google.genai" or n.startswith("google.genai.") for n in names):
                    facts.imports_genai = True
                if any(n == LEGACY_SDK or n.startswith(LEGACY_SDK + ".") for n in names):
                    facts.imports_legacy = True
                if any(n == "vertexai" or n.startswith("vertexai.") for n in names):
                    facts.imports_vertex = True
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                value = _unwrap_await(node.value)
                if isinstance(value, cst.Call) and self.qualified(value.func) & GENAI_CLIENTS:
                    spelled = _dotted(target)
                    if spelled:
                        facts.client_spellings.add(spelled)
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                item = node.item
                target = node.asname.name
                if (
                    isinstance(item, cst.Call)
                    and _is_name(item.func, "open")
                    and isinstance(target, cst.Name)
                    and self.binary_mode(item)
                ):
                    facts.binary_files.add(target.value)

    def imported(self, node: cst.Import | cst.ImportFrom) -> list[str]:
        if isinstance(node, cst.Import):
            return [_dotted(alias.name) or "" for alias in node.names]
        base = _dotted(node.module) if node.module is not None else ""
        if node.relative:
            return []
        out = [base or ""]
        if not isinstance(node.names, cst.ImportStar):
            out.extend(f"{base}.{alias.name.value}" for alias in node.names
                       if isinstance(alias.name, cst.Name))
        return out

    @staticmethod
    def binary_mode(call: cst.Call) -> bool:
        mode: cst.BaseExpression | None = None
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if len(positional) >= 2:
            mode = positional[1].value
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "mode":
                mode = arg.value
        text = _str(mode) if mode is not None else None
        return text is not None and "b" in text

    def interactions_call(self, node: cst.CSTNode) -> _CreateCall | None:
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            return None
        method = node.func.attr.value
        owner = node.func.value
        if method not in INTERACTION_METHODS or not isinstance(owner, cst.Attribute):
            return None
        if owner.attr.value != "interactions":
            return None
        receiver = owner.value
        if isinstance(receiver, cst.Attribute) and receiver.attr.value == "aio":
            receiver = receiver.value
        if not self.is_client(receiver):
            return None
        kwargs: dict[str, cst.Arg] = {}
        splat = False
        for arg in node.args:
            if arg.star:
                splat = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = arg
        return _CreateCall(node, kwargs, splat, method)

    def is_client(self, receiver: cst.BaseExpression) -> bool:
        if isinstance(receiver, cst.Call) and self.qualified(receiver.func) & GENAI_CLIENTS:
            return True
        spelled = _dotted(receiver)
        if spelled is not None and spelled in self.facts.client_spellings:
            return True
        return self.facts.imports_genai

    # -- checks ------------------------------------------------------------------------------

    def run(self) -> None:
        self.collect()
        calls = [c for c in (self.interactions_call(n) for n in self.nodes) if c is not None]
        creates = [c for c in calls if c.method == "create"]
        self.check_models(creates)
        self.check_param_lists()
        self.check_model_sources(creates)
        if calls:
            self.check_outputs(calls)
        if calls or self.facts.imports_genai:
            self.check_events(anywhere=bool(calls))
        by_call = {id(c.call): c for c in creates}
        for create in creates:
            self.check_agent_and_store(create)
            self.check_chain(create, by_call)
            self.check_input(create)
            self.check_tools(create)

    def add(self, node: cst.CSTNode, code: str, message: str, *, fix: str = FIX_NONE,
            replacement: cst.CSTNode | None = None, **data: str) -> None:
        if not self.ctx.enabled(code, self.path):
            return
        report_fix, apply = decide_fix(self.ctx, self.path, code, self.line_text(node), fix)
        if replacement is None:
            report_fix, apply = FIX_NONE if fix == FIX_NONE else report_fix, False
        if apply and replacement is not None:
            self.replacements[node] = replacement
        self.findings.append(finding(self.path, self.pos(node), code, message,
                                     fix=report_fix, fixed=apply, **data))

    # GM301 / GM302 / GM304 ------------------------------------------------------------------

    def check_models(self, creates: list[_CreateCall]) -> None:
        models = self.ctx.models
        model_args = {id(c.kwargs["model"].value): c for c in creates if "model" in c.kwargs}
        sourced = self.sourced_models(creates)
        # An id the file also compares or looks up (`assert cfg.model == "gemini-pro"` in a
        # test, a price table) is written in two places that must change together: rewriting
        # one breaks the comparison, so neither is rewritten.
        compared: dict[str, cst.SimpleString] = {}
        for node in self.nodes:
            if isinstance(node, cst.SimpleString) and self.names_a_model(node):
                token = _str(node)
                if token:
                    compared.setdefault(token.removeprefix("models/"), node)
        for node in self.nodes:
            if not isinstance(node, cst.SimpleString):
                continue
            token = _str(node)
            if token is None or not token or len(token) > 120:
                continue
            info = models.notable(token)
            if info is None:
                continue
            keyword = self.keyword_of(node)
            if info.id in AMBIGUOUS_IDS and keyword not in MODEL_KEYWORDS:
                continue
            if self.names_a_model(node):
                continue
            calls = self.interactions_calls_of(node, model_args) or sourced.get(id(node), [])
            destination, elsewhere = self.destination(node, calls), ""
            if destination != INTERACTIONS and not info.interactions and info.outdated:
                elsewhere = self.model_elsewhere(node)
                destination = INTERACTIONS if elsewhere else destination
            decision = models.decide(token, destination)
            if not decision.code or not self.ctx.enabled(decision.code, self.path):
                continue
            if decision.api_version:
                self.alias_finding(node, decision, calls)
                continue
            fix, note = decision.fix if decision.changed else FIX_NONE, ""
            if keyword in TUNING_KEYWORDS:
                fix, note = FIX_NONE, (" (the base model of a tuning job: not substituted, "
                                       "choose a model that can be tuned)")
            lookup = lookup_use(node, self.scopes, self.parent) if decision.changed else None
            if lookup is not None:
                key = self.module.code_for_node(lookup)
                fix, note = FIX_NONE, (f" (not substituted: it is also a lookup key, in "
                                       f"`{key}` on line {self.pos(lookup)[0]}, which would "
                                       "find something else; change both by hand)")
            twin = compared.get(token.removeprefix("models/")) if decision.changed else None
            if twin is not None:
                fix, note = FIX_NONE, (f" (not substituted: line {self.pos(twin)[0]} compares or "
                                       "looks up the same id, and would stop matching; change "
                                       "both by hand)")
            if elsewhere:
                note = (f" (the model of a call in {os.path.basename(elsewhere)}, which the "
                        "Interactions API would refuse)")
            listed = self.listed_beside(node)
            if decision.changed and decision.model.removeprefix("models/") in listed:
                fix, note = FIX_NONE, (f" (the list already holds `{decision.model}`: remove "
                                       "this entry)")
            elif decision.changed and decision.model.removeprefix("models/") in \
                    self.earlier_successors(node):
                fix, note = FIX_NONE, (f" (an earlier entry of the list becomes "
                                       f"`{decision.model}` too: remove one of them)")
            report_fix, apply = decide_fix(self.ctx, self.path, decision.code,
                                           self.line_text(node), fix)
            if apply:
                self.replacements[node] = node.with_changes(
                    value=node.prefix + node.quote + decision.model + node.quote
                )
            self.findings.append(finding(
                self.path, self.pos(node), decision.code, decision.message + note,
                fix=report_fix, fixed=apply,
                **{"from": token, "to": decision.model if decision.changed else ""},
            ))

    def check_param_lists(self) -> None:
        """The choices of a Colab form field that selects a model (`MODEL = "gemini-1.5-flash"
        # @param ["gemini-1.5-flash", "gemini-2.5-flash"]`): a retired choice answers 404 once
        picked, and the field's own value has its successor written by `check_models`, which
        would leave the form offering ids that no longer work. Each retired choice gets its
        successor (GM301, the value's fix); one whose successor is already offered is dropped.
        Only Colab reads the comment, so nothing in the program can stop matching. Not in
        Vertex AI code, where a successor may not be served in the notebook's region."""
        if self.facts.imports_vertex:
            return
        for node in self.nodes:
            if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
                continue
            comment = node.trailing_whitespace.comment
            assign = node.body[0]
            if comment is None or not isinstance(assign, (cst.Assign, cst.AnnAssign)):
                continue
            match = _PARAM_LIST.search(comment.value)
            value = _str(assign.value) if assign.value is not None else None
            if match is None or not value or self.ctx.models.recognise(value) is None:
                continue
            if _PARAM_ITEM.sub("", match.group(1)).strip("[], \t") != "":
                continue  # not a plain list of strings
            if assign.value not in self.replacements and self.ctx.models.outdated(value) \
                    and self.ctx.models.decide(value, PYTHON).code == "GM301":
                continue  # the value keeps its retired id (held): the choices stay beside it
            self.param_list(node, comment, match)

    def param_list(self, line: cst.SimpleStatementLine, comment: cst.Comment,
                   match: re.Match[str]) -> None:
        models = self.ctx.models
        items = list(_PARAM_ITEM.finditer(match.group(1)))
        if not items:
            return
        offered = {item.group(2).removeprefix("models/") for item in items}
        kept: list[str] = []
        changed = False
        base_line, base_column = self.pos(comment)
        for item in items:
            token, quote = item.group(2), item.group(1)
            info = models.outdated(token)
            decision = models.decide(token, PYTHON) if info is not None else None
            if decision is None or decision.code != "GM301" or not decision.changed \
                    or decision.fix != FIX_SAFE or not self.ctx.enabled("GM301", self.path):
                kept.append(item.group(0))
                continue
            new = decision.model
            report_fix, apply = decide_fix(self.ctx, self.path, "GM301", self.line_text(line),
                                           FIX_SAFE)
            duplicate = new.removeprefix("models/") in offered
            note = (f" (a choice of a form field; `{new}` is offered already: dropped)"
                    if duplicate else " (a choice of a form field)")
            column = base_column + match.start(1) + item.start(2)
            self.findings.append(finding(
                self.path, (base_line, column), "GM301", decision.message + note,
                fix=report_fix, fixed=apply, **{"from": token, "to": new}))
            if not apply:
                kept.append(item.group(0))
                continue
            changed = True
            if not duplicate:
                kept.append(quote + new + quote)
                offered.add(new.removeprefix("models/"))
        if not changed:
            return
        separator = ", "
        if len(items) > 1:
            separator = match.group(1)[items[0].end():items[1].start()]
        text = (comment.value[:match.start(1)] + "[" + separator.join(kept) + "]"
                + comment.value[match.end(1):])
        self.replacements[comment] = comment.with_changes(value=text)

    # GM305 ---------------------------------------------------------------------------------

    def check_model_sources(self, creates: list[_CreateCall]) -> None:
        """An Interactions call whose model comes from an environment variable with no default:
        the tool cannot check the id, so the call says where it comes from (it still runs)."""
        for create in creates:
            model = self.model_expression(create)
            if model is None:
                continue
            source = model_source(model, self.scopes, self.parent, self.qualified)
            if source is None or not source.hidden:
                continue
            self.add(create.call, "GM305",
                     f"the model of this Interactions call comes from {source.hidden}: an id "
                     "the Interactions API refuses (Gemini 1.x, 1.5, 2.0) or a retired one "
                     "fails here at run time; check the value it holds",
                     source=source.hidden)

    def model_expression(self, create: _CreateCall) -> cst.BaseExpression | None:
        """The `model=` of a create call, also through `**name` where `name` is bound once to
        `dict(model=...)` or `{"model": ...}` (how the migration writes a model object)."""
        if "model" in create.kwargs:
            return create.kwargs["model"].value
        splats = [arg.value for arg in create.call.args if arg.star == "**"]
        if len(splats) != 1 or not isinstance(splats[0], cst.Name):
            return None
        values, complete = self.scoped(splats[0])
        if not complete or len(values) != 1:
            return None
        value = values[0]
        if isinstance(value, cst.Call) and _is_name(value.func, "dict"):
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value == "model":
                    return arg.value
        elif isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and _str(element.key) == "model":
                    return element.value
        return None

    def model_elsewhere(self, node: cst.SimpleString) -> str:
        """The file that imports the module-level constant `node` is written in
        (`MODEL = "..."` or its `os.getenv` default) and passes it as the model of a call that
        is or becomes an Interactions call; "" when there is none."""
        holder = self.parent(node)
        if isinstance(holder, cst.Arg):
            call = self.parent(holder)
            if not (isinstance(call, cst.Call) and self.qualified(call.func) & ENV_LOOKUPS
                    and holder is not call.args[0]):
                return ""
            holder = self.parent(call)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
            target = holder.targets[0].target
        elif isinstance(holder, cst.AnnAssign):
            target = holder.target
        else:
            return ""
        if not isinstance(target, cst.Name) or not isinstance(self.scopes.get(target),
                                                               GlobalScope):
            return ""
        from migrator.lint.modelimports import model_constant_users

        users = model_constant_users(self.path, {target.value}, self.ctx.settings)
        return users.get(target.value, "")

    def sourced_models(self, creates: list[_CreateCall]) -> dict[int, list[_CreateCall]]:
        """The Interactions create calls each model literal reaches through a name: a constant,
        a parameter's default or the arguments passed for it, a getenv default,
        `self.model` set once in `__init__` (keyed by the literal's id)."""
        out: dict[int, list[_CreateCall]] = {}
        for create in creates:
            model = self.model_expression(create)
            if model is None or isinstance(model, cst.SimpleString):
                continue
            source = model_source(model, self.scopes, self.parent, self.qualified)
            literals = [source.string] if source is not None and source.string else []
            literals += argument_sources(model, self.scopes, self.parent, self.qualified)
            for literal_node in literals:
                out.setdefault(id(literal_node), []).append(create)
        return out

    def destination(self, node: cst.SimpleString, calls: list[_CreateCall]) -> str:
        """What receives the id: an Interactions call, a legacy SDK call, other google-genai
        code, or Python code whose destination is unknown."""
        if calls:
            return INTERACTIONS
        current: cst.CSTNode | None = self.parent(node)
        for _ in range(4):
            if current is None:
                break
            if isinstance(current, cst.Call):
                if any(q.startswith(LEGACY_SDK) for q in self.qualified(current.func)):
                    return LEGACY
                break
            current = self.parent(current)
        if self.facts.imports_legacy:
            return LEGACY  # the migration owns this module's legacy code
        if self.facts.imports_vertex:
            return VERTEX
        return GENAI if self.facts.imports_genai else PYTHON

    def interactions_calls_of(self, node: cst.SimpleString,
                              model_args: dict[int, _CreateCall]) -> list[_CreateCall]:
        """The Interactions create calls this string is the model of: directly, or through a
        constant whose every read is such a call's `model=`."""
        if id(node) in model_args:
            return [model_args[id(node)]]
        parent = self.parent(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                reads = self.only_model_argument(target, model_args)
                return [model_args[id(read)] for read in reads]
        return []

    def wrap_column(self, call: cst.Call, added: int) -> int | None:
        """The column an argument added to `call` starts a new line at, when `added` more
        characters would take its last line past 88 (black's and ruff's default); else None.
        The column is the first argument's: the layout the call already uses."""
        end = self.positions[call].end
        line = self.lines[end.line - 1] if 0 < end.line <= len(self.lines) else ""
        if len(line) + added <= LINE_LENGTH or not call.args:
            return None
        last = self.positions[call.args[-1]].end
        if self.positions[call].start.line == end.line and last.column + 1 > LINE_LENGTH:
            return None  # its arguments alone are too long: the new line is wrapped as a whole
        return self.positions[call.args[0]].start.column

    def earlier_successors(self, node: cst.SimpleString) -> set[str]:
        """The successors that retired ids before `node` in its list, tuple or set get: two
        old ids of one tier would otherwise become the same entry twice (a model picker)."""
        element = self.parent(node)
        container = self.parent(element) if isinstance(element, cst.Element) else None
        if not isinstance(container, (cst.List, cst.Tuple, cst.Set)):
            return set()
        out = set()
        for item in container.elements:
            if item.value is node:
                break
            value = _str(item.value)
            info = self.ctx.models.outdated(value) if value else None
            if info is not None and info.status == "retired" and info.successor:
                out.add(info.successor)
        return out

    def listed_beside(self, node: cst.SimpleString) -> set[str]:
        """The other strings of the list, tuple or set the id stands in (a model picker)."""
        element = self.parent(node)
        container = self.parent(element) if isinstance(element, cst.Element) else None
        if not isinstance(container, (cst.List, cst.Tuple, cst.Set)):
            return set()
        out = set()
        for item in container.elements:
            value = _str(item.value) if item.value is not node else None
            if value:
                out.add(value.removeprefix("models/"))
        return out

    def alias_finding(self, node: cst.SimpleString, decision: ModelDecision,
                      calls: list[_CreateCall]) -> None:
        """GM304: send the Interactions calls that use a v1beta-only alias to v1beta."""
        versions = {_str(c.kwargs["api_version"].value) for c in calls if "api_version" in c.kwargs}
        if calls and versions == {decision.api_version} and all(
                "api_version" in c.kwargs for c in calls):
            return  # already sent there
        fix = decision.fix
        if any(c.splat or "api_version" in c.kwargs for c in calls) or not calls:
            fix = FIX_NONE
        report_fix, apply = decide_fix(self.ctx, self.path, decision.code, self.line_text(node),
                                       fix)
        message = decision.message
        if not calls:
            message += (": create the client with http_options=types.HttpOptions("
                        "api_version=\"v1beta\"), or name a model id that exists on v1")
        if apply:
            if decision.changed and node is calls[0].kwargs["model"].value:
                self.replacements[node] = node.with_changes(
                    value=node.prefix + node.quote + decision.model + node.quote)
            for call in calls:
                self.added_args.setdefault(call.call, []).append(
                    ("api_version", decision.api_version, self.wrap_column(call.call, 24)))
        self.findings.append(finding(self.path, self.pos(node), decision.code, message,
                                     fix=report_fix, fixed=apply, api_version="v1beta"))

    def names_a_model(self, node: cst.SimpleString) -> bool:
        """A dict key (`{"gemini-1.5-flash": "gemini-2.5-flash"}`, `PRICES["gemini-pro"]`), a
        comparison operand (`if model == "gemini-pro":`) or a match case mentions an old id
        without selecting it: code that maps or upgrades old ids would break if they were
        rewritten."""
        parent = self.parent(node)
        if isinstance(parent, cst.DictElement) and parent.key is node:
            return True
        if isinstance(parent, (cst.MatchValue, cst.MatchMappingElement)):
            return True  # `case "gemini-pro":` compares, as `==` does
        if isinstance(parent, cst.Index) and isinstance(self.parent(parent), cst.SubscriptElement):
            return True  # `PRICES["gemini-1.5-pro"]` looks an entry up
        if isinstance(parent, cst.ComparisonTarget):
            return True
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return True
        if isinstance(parent, cst.Element):
            container = self.parent(parent)
            holder = self.parent(container) if container is not None else None
            return isinstance(holder, cst.ComparisonTarget)  # `model in ("gemini-pro", ...)`
        return False

    def keyword_of(self, node: cst.CSTNode) -> str | None:
        parent = self.parent(node)
        if isinstance(parent, cst.Arg) and parent.keyword is not None:
            return parent.keyword.value
        return None

    def only_model_argument(self, target: cst.Name,
                            model_args: dict[int, _CreateCall]) -> list[cst.CSTNode]:
        """The reads of `MODEL = "..."` when every one is the `model=` of an Interactions
        create call and it is assigned nowhere else in its scope; else []."""
        scope = self.scopes.get(target)
        if scope is None:
            return []
        assignments = list(scope.assignments[target.value])
        if len(assignments) != 1 or getattr(assignments[0], "node", None) is not target:
            return []
        reads: list[cst.CSTNode] = [access.node for access in assignments[0].references]
        return reads if reads and all(id(read) in model_args for read in reads) else []

    # GM201 -----------------------------------------------------------------------------------

    def interaction_valued(self, node: cst.BaseExpression, calls: list[_CreateCall]) -> bool:
        call_ids = {id(c.call) for c in calls}
        if isinstance(node, cst.Attribute) and node.attr.value == "interaction":
            return True  # stream events carry the interaction: `event.interaction.outputs`
        if isinstance(node, cst.Name):
            # Every value the name can hold must be an interaction: the fix rewrites the read.
            values, complete = self.scoped(node)
            return complete and all(id(v) in call_ids for v in values)
        return id(_unwrap_await(node)) in call_ids

    def check_outputs(self, calls: list[_CreateCall]) -> None:
        for node in self.nodes:
            if not (isinstance(node, cst.Attribute) and node.attr.value == "outputs"):
                continue
            if not self.interaction_valued(node.value, calls):
                continue
            subscript = self.parent(node)
            text_attr = self.parent(subscript) if subscript is not None else None
            if (
                isinstance(subscript, cst.Subscript)
                and subscript.value is node
                and len(subscript.slice) == 1
                and isinstance(subscript.slice[0].slice, cst.Index)
                and self.is_minus_one(subscript.slice[0].slice.value)
                and isinstance(text_attr, cst.Attribute)
                and text_attr.value is subscript
                and text_attr.attr.value == "text"
            ):
                replacement = cst.Attribute(value=node.value, attr=cst.Name("output_text"))
                blocked = self.stays_on_1x()
                self.add(text_attr, "GM201",
                         "`outputs[-1].text` is the google-genai 1.x schema; read `output_text`"
                         + blocked, fix=FIX_NONE if blocked else FIX_SAFE,
                         replacement=replacement)
                continue
            self.add(node, "GM201",
                     "`outputs` is the google-genai 1.x schema (AttributeError on >=2.0); "
                     "loop over `steps` or read `output_text`")

    def stays_on_1x(self) -> str:
        """Why the 2.x spellings must not be written here ("" when they may): code under the
        same manifest reads the 1.x `outputs` schema in a shape no fix rewrites, so the
        google-genai 1.x pin is kept (manifests.py), and 2.x spellings would fail on it."""
        key = ("stays-on-1x", self.path)
        cached = self.ctx.memo.get(key)
        if isinstance(cached, str):
            return cached
        from migrator.lint.usage import manifest_scope, python_scope

        reason = ""
        scope = manifest_scope(self.path) if os.path.isfile(self.path) else None
        if scope is not None:
            old = python_scope(scope, self.ctx).old_schema
            if old:
                reason = (f" (not rewritten: {old[0]} reads the 1.x `outputs` schema in a shape "
                          "no fix rewrites, so the project stays on google-genai 1.x; migrate "
                          "those reads first)")
        self.ctx.memo[key] = reason
        return reason

    @staticmethod
    def is_minus_one(node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.UnaryOperation)
            and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, cst.Integer)
            and node.expression.value == "1"
        )

    # GM202 -----------------------------------------------------------------------------------

    def check_events(self, anywhere: bool) -> None:
        """In a module that calls the Interactions API every 1.x event name is one; in a module
        that only imports google-genai (a handler that receives the stream), only a comparison
        with an `event_type` attribute is."""
        for node in self.nodes:
            if not isinstance(node, cst.SimpleString):
                continue
            value = _str(node)
            if value not in EVENT_RENAMES:
                continue
            if not anywhere and not self.compared_to_event_type(node):
                continue
            new = EVENT_RENAMES[value]
            blocked = self.stays_on_1x()
            self.add(node, "GM202",
                     f"`{value}` is a google-genai 1.x stream event; on >=2.0 it is `{new}`"
                     + blocked, fix=FIX_NONE if blocked else FIX_SAFE,
                     replacement=node.with_changes(value=node.prefix + node.quote + new
                                                   + node.quote),
                     **{"from": value, "to": new})

    def compared_to_event_type(self, node: cst.SimpleString) -> bool:
        parent = self.parent(node)
        comparison = self.parent(parent) if isinstance(parent, cst.ComparisonTarget) else parent
        if not isinstance(comparison, cst.Comparison):
            return False
        operands = [comparison.left, *(t.comparator for t in comparison.comparisons)]
        return any(isinstance(o, cst.Attribute) and o.attr.value == "event_type"
                   for o in operands)

    # GM203 / GM204 ---------------------------------------------------------------------------

    def check_agent_and_store(self, create: _CreateCall) -> None:
        kw = create.kwargs
        background = kw.get("background")
        if "agent" in kw and not create.splat and (
            background is None or _is_name(background.value, "False")
        ):
            self.add(kw["agent"], "GM203",
                     "an agent interaction needs `background=True` (agents only run in the "
                     "background)")
        store = kw.get("store")
        if store is not None and _is_name(store.value, "False"):
            previous = kw.get("previous_interaction_id")
            if previous is not None and not _is_name(previous.value, "None"):
                self.add(store, "GM204",
                         "`store=False` disables `previous_interaction_id`: the chain cannot "
                         "be continued")
            if background is not None and _is_name(background.value, "True"):
                self.add(store, "GM204",
                         "`store=False` disables `background=True`: the interaction cannot "
                         "be polled")

    # GM205 -----------------------------------------------------------------------------------

    def previous_call(
        self, create: _CreateCall, by_call: dict[int, _CreateCall]
    ) -> _CreateCall | None:
        """The create call whose result `previous_interaction_id=<name>.id` points at."""
        previous = create.kwargs.get("previous_interaction_id")
        if previous is None:
            return None
        value = previous.value
        if isinstance(value, cst.Name):
            # `prev = first.id` ... `previous_interaction_id=prev`
            held, complete = self.scoped(value)
            if not complete or len(held) != 1:
                return None
            value = held[0]
        if not (isinstance(value, cst.Attribute) and value.attr.value == "id"
                and isinstance(value.value, cst.Name)):
            return None
        held, complete = self.scoped(value.value)
        # Several assignments (a loop, branches): the chain's root cannot be told statically.
        if not complete or len(held) != 1 or id(held[0]) not in by_call:
            return None
        return by_call[id(held[0])]

    def check_chain(self, create: _CreateCall, by_call: dict[int, _CreateCall]) -> None:
        if create.splat or "previous_interaction_id" not in create.kwargs:
            return
        root = self.previous_call(create, by_call)
        seen = {id(create.call)}
        while root is not None and id(root.call) not in seen:
            seen.add(id(root.call))
            earlier = self.previous_call(root, by_call)
            if earlier is None:
                break
            root = earlier
        if root is None or root.splat:
            return
        dropped = [key for key in CHAIN_SCOPED if key in root.kwargs and key not in create.kwargs]
        if dropped:
            names = ", ".join(f"`{k}`" for k in dropped)
            line = self.pos(root.call)[0]
            self.add(create.kwargs["previous_interaction_id"], "GM205",
                     f"this follow-up turn drops {names} that the chain started with "
                     f"(line {line}); they are interaction-scoped, re-send them every turn",
                     dropped=",".join(dropped))

    # GM206 / GM207 ---------------------------------------------------------------------------

    def check_input(self, create: _CreateCall) -> None:
        arg = create.kwargs.get("input")
        if arg is None:
            return
        for value in self.values_of(arg.value):
            if isinstance(value, (cst.List, cst.Tuple)) and any(
                isinstance(el.value, cst.Dict) and "role" in self.dict_keys(el.value)
                for el in value.elements
            ):
                self.add(arg, "GM206",
                         "`input` given as role turns (`{\"role\": ...}`); the Interactions API "
                         "takes `user_input` / `model_output` steps")
                break
        for data in self.inline_data(arg.value, depth=0):
            self.add(data, "GM207",
                     "inline `data` is raw bytes; send a base64 string "
                     "(`base64.b64encode(raw).decode()`)")

    @staticmethod
    def dict_keys(node: cst.Dict) -> set[str]:
        keys = set()
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = _str(element.key)
                if key is not None:
                    keys.add(key)
        return keys

    def inline_data(self, node: cst.BaseExpression, depth: int) -> Iterator[cst.CSTNode]:
        if depth > 6:
            return
        for value in self.values_of(node):
            if isinstance(value, (cst.List, cst.Tuple)):
                for item in value.elements:
                    yield from self.inline_data(item.value, depth + 1)
            elif isinstance(value, cst.Dict):
                for entry in value.elements:
                    if not isinstance(entry, cst.DictElement):
                        continue
                    key = _str(entry.key)
                    if key == "data" and any(self.is_bytes(v)
                                             for v in self.values_of(entry.value)):
                        yield entry
                    elif key in ("content", "parts"):
                        yield from self.inline_data(entry.value, depth + 1)

    def is_bytes(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.SimpleString):
            return "b" in node.prefix.lower()
        if isinstance(node, cst.ConcatenatedString):
            return self.is_bytes(node.left)
        if not isinstance(node, cst.Call):
            return False
        func = node.func
        if _is_name(func, "bytes") or _is_name(func, "bytearray"):
            return True
        if isinstance(func, cst.Attribute):
            if func.attr.value in BYTES_METHODS:
                return True
            if func.attr.value == "read":
                receiver = func.value
                if isinstance(receiver, cst.Call) and _is_name(receiver.func, "open"):
                    return self.binary_mode(receiver)
                return isinstance(receiver, cst.Name) and receiver.value in self.facts.binary_files
        return False

    # GM208 -----------------------------------------------------------------------------------

    def check_tools(self, create: _CreateCall) -> None:
        arg = create.kwargs.get("tools")
        if arg is None:
            return
        for value in self.values_of(arg.value):
            if not isinstance(value, (cst.List, cst.Tuple)):
                continue
            for element in value.elements:
                if self.is_callable(element.value):
                    self.add(element, "GM208",
                             "a Python callable in `tools=`; declare the tool as a dict with "
                             "a JSON Schema `parameters` and run it in a `requires_action` loop")

    def is_callable(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Lambda):
            return True
        if not isinstance(node, cst.Name):
            return False
        scope = self.scopes.get(node)
        if scope is None or node.value not in scope:
            return False
        assignments = list(scope[node.value])
        return bool(assignments) and all(
            isinstance(getattr(a, "node", None), cst.FunctionDef) for a in assignments
        )


class _Apply(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.CSTNode],
                 added_args: dict[cst.Call, list[tuple[str, str, int | None]]]) -> None:
        super().__init__()
        self.replacements = replacements
        self.added_args = added_args

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        if isinstance(updated_node, cst.Call) and original_node in self.added_args:
            assert isinstance(original_node, cst.Call)
            return _with_keywords(updated_node, self.added_args[original_node])
        return self.replacements.get(original_node, updated_node)


def _with_keywords(call: cst.Call, added: list[tuple[str, str, int | None]]) -> cst.Call:
    """`call` with `key="value"` arguments appended, laid out like the arguments before them
    (one per line in a call written one per line, a trailing comma kept); `wrap`: the column
    a new line starts at, for a call that would get too long."""
    args = list(call.args)
    for key, value, wrap in added:
        new = cst.Arg(keyword=cst.Name(key), value=cst.SimpleString(f'"{value}"'),
                      equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                            whitespace_after=cst.SimpleWhitespace("")))
        if not args:
            args = [new]
            continue
        last = args[-1]
        between: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        if len(args) > 1 and isinstance(args[-2].comma, cst.Comma):
            between = args[-2].comma.whitespace_after
        if wrap is not None and not isinstance(between, cst.ParenthesizedWhitespace):
            between = cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(" " * wrap))
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=between))
        args.append(new.with_changes(comma=last.comma) if isinstance(last.comma, cst.Comma)
                    else new)
    return call.with_changes(args=args)


def interactions_pass(
    module: cst.Module, path: str, ctx: Context
) -> tuple[cst.Module, list[Finding]]:
    """Model names (GM301/GM302) and Interactions misuse (GM201-GM208)."""
    code = code_of(module)
    # Metadata resolution is the expensive part: skip it unless there is an Interactions call
    # to check or a string that really is an outdated model id.
    if not interactions_gate(code, ctx.models):
        return module, []
    # The copy matters (a codemod may have put one node object in two places of the tree);
    # the wrapper and what it resolved are shared with the other passes given this module.
    wrapper = wrapper_of(module)
    checker = _Checker(wrapper, path, ctx)
    checker.run()
    if not checker.replacements and not checker.added_args:
        return module, checker.findings
    new_module = wrapper.module.visit(_Apply(checker.replacements, checker.added_args))
    return new_module, checker.findings


PYTHON_PASSES = [interactions_pass, mocks_pass]
