"""Which expressions are google-genai clients, and which values are certainly strs.

The google-genai pass rewrites `X.models.generate_content(...)` only when `X` is proven to be a
`google.genai.Client` (anything else, a mock or another SDK's object, must stay as it is), and
a `contents=` value only when it is proven to be a str (a list of parts or an image takes
another shape). Real code rarely builds the client next to the call, so a client is proven
through:

- `genai.Client(...)` itself (not a Vertex AI client, nor one with a custom HTTP transport,
  nor one built with `**kwargs`);
- a name every assignment of which (in any scope it reaches: module level, `global`) is a
  client, `None` allowed beside at least one client (a `None` receiver fails before and after);
- a parameter annotated `genai.Client`, or one every in-module caller of its function (or of
  its class, for `__init__`) passes a client to, when no other file imports that function;
- a call of a function of the module (or a `self.method()` of the class) every return of which
  is a client, or that is annotated `-> genai.Client`;
- `self.attr` / `obj.attr` every assignment of which in the class (module) is a client;
- a name imported from another module of the repository (`from app.clients import client`,
  `from .deps import get_client`), proven the same way in that module's own text.

Text proofs follow the same paths for strs: a call of a module function annotated `-> str`
or whose every return is a str, a parameter every caller passes a str to, `sys.argv[i]`,
`os.environ[...]`, the `.read()` of a file opened in text mode, `a if c else b`. Values read
from JSON or request objects stay unknown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import libcst as cst
from libcst.metadata import (
    BaseAssignment,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from migrator.codemods.crossmodule import names_imported_elsewhere, repository_root

if TYPE_CHECKING:
    from migrator.context import Context

CLIENT_NAMES = frozenset({"google.genai.Client", "google.genai.client.Client"})
VERTEX_KEYWORDS = frozenset({"vertexai", "project", "location", "credentials"})
MOCK_TRANSPORT = re.compile(r"\b(?:async_)?client_args\b|\bhttpx_(?:async_)?client\b")
# Decorators that make a factory return one object, not a new client per call.
CACHES = frozenset({"functools.lru_cache", "functools.cache", "streamlit.cache_resource",
                    "streamlit.experimental_singleton", "st.cache_resource"})
MAX_DEPTH = 6

TextTest = Callable[[cst.BaseExpression], bool]


@dataclass
class Collected:
    """What one traversal of a module records: parents, calls and attributes."""

    parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    calls: list[cst.Call] = field(default_factory=list)
    attributes: list[cst.Attribute] = field(default_factory=list)


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.out = Collected()
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.out.parents[node] = self.stack[-1]
        self.stack.append(node)
        if isinstance(node, cst.Call):
            self.out.calls.append(node)
        elif isinstance(node, cst.Attribute):
            self.out.attributes.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


def collect(module: cst.Module) -> Collected:
    visitor = _Collect()
    module.visit(visitor)
    return visitor.out


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class ClientFacts:
    """Client and text proofs over one module (and, through imports, its neighbours)."""

    def __init__(self, module: cst.Module, scopes: Mapping[cst.CSTNode, Scope | None],
                 collected: Collected, path: str, ctx: Context | None, code: str,
                 *, follow_imports: bool = True) -> None:
        self.module = module
        self.scopes = scopes
        self.parents = collected.parents
        self.calls = collected.calls
        self.attributes = collected.attributes
        self.path = path
        self.ctx = ctx
        self.vertex_env = "GOOGLE_GENAI_USE_VERTEXAI" in code
        self.follow_imports = follow_imports
        self._attr_memo: dict[tuple[int, str, str, str], bool] = {}
        self._exported: set[str] | None = None
        self._busy: set[int] = set()
        # Functions of other modules this one calls: id -> the facts of their module.
        self._foreign: dict[int, ClientFacts] = {}

    # --- basics ------------------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def qualified(self, node: cst.CSTNode) -> set[str]:
        scope = self.scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def referents(self, name: cst.Name) -> set[BaseAssignment]:
        scope = self.scopes.get(name)
        if scope is None:
            return set()
        found: set[BaseAssignment] = set()
        for access in scope.accesses[name]:
            if access.node is name:
                found |= set(access.referents)
        if not found and isinstance(self.parent(name), (cst.AssignTarget, cst.AnnAssign)):
            found = set(scope[name.value])
        return found

    def assigned_value(self, assignment: BaseAssignment) -> cst.BaseExpression | None:
        node = getattr(assignment, "node", None)
        if not isinstance(node, cst.Name):
            return None
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            stmt = self.parent(parent)
            if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
                return stmt.value
        if isinstance(parent, (cst.AnnAssign, cst.NamedExpr)) and parent.target is node:
            return parent.value
        return None

    def enclosing(self, node: cst.CSTNode, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, kind):
            current = self.parent(current)
        return current

    # --- clients -----------------------------------------------------------------------------

    def ctor_kind(self, node: cst.BaseExpression) -> str | None:
        """"client" for a plain `genai.Client(...)`, "vertex" / "transport" / "unknown" for one
        the Interactions API is not proven for; None for anything else."""
        if not isinstance(node, cst.Call) or not (self.qualified(node.func) & CLIENT_NAMES):
            return None
        off = any(arg.keyword is not None and arg.keyword.value == "vertexai"
                  and isinstance(arg.value, cst.Name) and arg.value.value == "False"
                  for arg in node.args)
        if self.vertex_env and not off:
            return "vertex"  # the file switches clients to Vertex AI through the environment
        if MOCK_TRANSPORT.search(_code(node)):
            return "transport"  # a custom HTTP transport usually mocks generateContent
        for arg in node.args:
            if arg.star:
                return "unknown"
            if arg.keyword is not None and arg.keyword.value in VERTEX_KEYWORDS and not (
                    arg.keyword.value == "vertexai" and isinstance(arg.value, cst.Name)
                    and arg.value.value == "False"):
                return "vertex"
        return "client"

    def surely_vertex(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """Every assignment of `node` (a name, `self.attr`, both sides of a conditional) is a
        Vertex AI client whose `vertexai=` is not decided at run time: a call there stays on
        `client.models` for good, there is nothing to report."""
        if depth > 3:
            return False
        if isinstance(node, cst.Call):
            switch = next((arg.value for arg in node.args if arg.keyword is not None
                           and arg.keyword.value == "vertexai"), None)
            return self.ctor_kind(node) == "vertex" and (
                switch is None or (isinstance(switch, cst.Name) and switch.value == "True"))
        if isinstance(node, cst.IfExp):
            return all(self.surely_vertex(side, depth + 1) for side in (node.body, node.orelse))
        values: list[cst.BaseExpression | None] = []
        if isinstance(node, cst.Name):
            values = [self.assigned_value(a) for a in self.referents(node)]
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            key = self.attribute_key(node)
            for other in self.attributes:
                parent = self.parent(other)
                if self.attribute_key(other) == key and isinstance(parent, cst.AssignTarget):
                    stmt = self.parent(parent)
                    values.append(stmt.value if isinstance(stmt, cst.Assign) else None)
        return bool(values) and all(v is not None and self.surely_vertex(v, depth + 1)
                                    for v in values)

    def is_ctor(self, node: cst.BaseExpression) -> bool:
        return self.ctor_kind(node) == "client"

    def is_client(self, node: cst.BaseExpression) -> bool:
        return self._client(node, 0)

    def _client(self, node: cst.BaseExpression | None, depth: int) -> bool:
        if node is None or depth > MAX_DEPTH:
            return False
        if isinstance(node, cst.Call):
            if self.ctor_kind(node) is not None:
                return self.is_ctor(node)
            return any(self._returns(f, depth + 1, self._client) for f in self.callee(node))
        if isinstance(node, cst.Name):
            return self._name(node, depth, self._client, self._client_param)
        if isinstance(node, cst.IfExp):  # `genai.Client(api_key=k) if k else None`
            sides = [side for side in (node.body, node.orelse) if not _is_none(side)]
            return bool(sides) and all(self._client(side, depth + 1) for side in sides)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            imported = self.module_attribute(node)
            if imported is not None:
                return imported[0].module_name_is_client(imported[1])
            return self._attribute(node, depth)
        return False

    def _name(self, node: cst.Name, depth: int,
              proof: Callable[[cst.BaseExpression | None, int], bool],
              param: Callable[[cst.Param, int], bool]) -> bool:
        """Every assignment of `node` proven (None besides a proven one for clients)."""
        found = self.referents(node)
        if not found:
            return False
        proven = False
        for assignment in found:
            bound = getattr(assignment, "node", None)
            if isinstance(assignment, ImportAssignment):
                if proof != self._client or not self.imported_client(assignment, node.value):
                    return False
                proven = True
                continue
            if isinstance(bound, cst.Param):
                if not param(bound, depth + 1):
                    return False
                proven = True
                continue
            if isinstance(bound, cst.Name) and id(bound) in self._busy:
                continue  # `client = client or ...` refers to itself: the others decide
            value = self.assigned_value(assignment)
            if proof == self._client and _is_none(value):
                continue
            if value is None or not self._guarded(bound, _bind(proof, value, depth + 1)):
                return False
            proven = True
        return proven

    def _guarded(self, key: object, check: Callable[[], bool]) -> bool:
        if id(key) in self._busy:
            return False
        self._busy.add(id(key))
        try:
            return check()
        finally:
            self._busy.discard(id(key))

    def _client_param(self, param: cst.Param, depth: int) -> bool:
        if param.annotation is not None and self._client_annotation(param.annotation.annotation):
            return True
        return self._param_from_callers(param, depth, self._client)

    def _client_annotation(self, node: cst.BaseExpression) -> bool:
        if self.qualified(node) & CLIENT_NAMES:
            return True
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            return isinstance(text, str) and text.strip() in ("genai.Client", "Client") and (
                "genai.Client" in text or any("google.genai" in q for q in self._imports()))
        return False

    def _imports(self) -> set[str]:
        return {q for stmt in self.module.body if isinstance(stmt, cst.SimpleStatementLine)
                for small in stmt.body if isinstance(small, cst.ImportFrom)
                and small.module is not None for q in [_code(small.module)]}

    def attribute_key(self, node: cst.Attribute) -> tuple[int, str, str] | None:
        """`self.client` is keyed by its class (other classes may hold other clients);
        `app.client` by the base name, module-wide."""
        if not isinstance(node.value, cst.Name):
            return None
        base = node.value.value
        owner = id(self.enclosing(node, cst.ClassDef)) if base in ("self", "cls") else 0
        return (owner, base, node.attr.value)

    def _attribute(self, node: cst.Attribute, depth: int,
                   proof: Callable[[cst.BaseExpression | None, int], bool] | None = None) -> bool:
        """Every assignment of `self.attr` in the class (`obj.attr` in the module) is proven;
        `None` ones are allowed beside a proven one for clients."""
        key = self.attribute_key(node)
        if key is None:
            return False
        memo_key = (*key, "client" if proof is None else "text")
        proof = proof or self._client
        if memo_key in self._attr_memo:
            return self._attr_memo[memo_key]
        self._attr_memo[memo_key] = False  # while it is being proven: not proven
        proven = False
        for other in self.attributes:
            if self.attribute_key(other) != key:
                continue
            parent = self.parent(other)
            value: cst.BaseExpression | None
            if isinstance(parent, cst.AssignTarget):
                stmt = self.parent(parent)
                if not isinstance(stmt, cst.Assign):
                    break
                value = stmt.value
            elif isinstance(parent, cst.AnnAssign) and parent.target is other:
                value = parent.value
                if value is None:
                    continue
            elif isinstance(parent, (cst.AugAssign, cst.Del)) or self._unpacked(other):
                break  # assigned some other way
            else:
                continue
            if _is_none(value) and proof == self._client:
                continue
            if not proof(value, depth + 1):
                break
            proven = True
        else:
            self._attr_memo[memo_key] = proven
            return proven
        return False

    def _unpacked(self, node: cst.CSTNode) -> bool:
        """`a, self.client = ...` / `for self.client in ...`."""
        current = self.parent(node)
        while isinstance(current, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
            node, current = current, self.parent(current)
        return isinstance(current, (cst.AssignTarget, cst.CompFor)) or (
            isinstance(current, cst.For) and current.target is node)

    def temporary(self, call: cst.Call) -> bool:
        """Whether the client `call` returns is made for this use only (and closed once it is
        garbage): `genai.Client()` itself, or a factory that builds one per call."""
        if self.ctor_kind(call) is not None:
            return True
        for func in self.callee(call):
            facts = self._foreign.get(id(func), self)
            for decorator in func.decorators:
                target = decorator.decorator
                target = target.func if isinstance(target, cst.Call) else target
                if facts.qualified(target) & CACHES or _code(target) in CACHES:
                    return False
            values = [v for v in self._return_values(func) if not _is_none(v)]
            if values and all(isinstance(v, cst.Attribute) or (
                    isinstance(v, cst.Name) and facts.global_name(v)) for v in values):
                return False  # returns a client kept by the module or an object
        return True

    def global_name(self, name: cst.Name) -> bool:
        """A name bound at module level only (`global` assignments included)."""
        found = self.referents(name)
        return bool(found) and all(isinstance(a.scope, GlobalScope) for a in found)

    # --- functions ---------------------------------------------------------------------------

    def callee(self, call: cst.Call) -> list[cst.FunctionDef]:
        """The function of the module `call` calls: `f()` or `self.method()`."""
        func = call.func
        if isinstance(func, cst.Name):
            found = self.referents(func)
            defs = [getattr(a, "node", None) for a in found]
            if len(defs) == 1 and isinstance(defs[0], cst.FunctionDef):
                return [defs[0]]
            only = next(iter(found)) if len(found) == 1 else None
            if isinstance(only, ImportAssignment):
                imported = self.imported_function(only, func.value)
                return [] if imported is None else [imported]
            return []
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and (
                func.value.value != "self"):
            target = self.module_attribute(func)  # `my_gemini.get_client()`
            if target is None:
                return []
            for stmt in target[0].module.body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value == target[1]:
                    self._foreign[id(stmt)] = target[0]
                    return [stmt]
            return []
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            cls = self.enclosing(call, cst.ClassDef)
            if not isinstance(cls, cst.ClassDef) or cls.bases:
                return []  # a subclass or a base class may define it otherwise
            methods = [s for s in cast(cst.IndentedBlock, cls.body).body
                       if isinstance(s, cst.FunctionDef) and s.name.value == func.attr.value]
            return methods if len(methods) == 1 else []
        return []

    def _return_values(self, func: cst.FunctionDef) -> Iterator[cst.BaseExpression | None]:
        stack: list[cst.CSTNode] = [func.body]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(node, cst.Return):
                yield node.value
                continue
            if isinstance(node, (cst.Yield, cst.Await)) and node is not func:
                yield cst.Name("__not_a_plain_function__")
            stack.extend(node.children)

    def _returns(self, func: cst.FunctionDef, depth: int,
                 proof: Callable[[cst.BaseExpression | None, int], bool]) -> bool:
        """Every `return` of `func` is proven (a None return besides a client is allowed)."""
        foreign = self._foreign.get(id(func))
        if foreign is not None:
            return proof == self._client and foreign._returns(func, depth, foreign._client)
        if func.asynchronous is not None:
            return False
        returns = func.returns.annotation if func.returns is not None else None
        if returns is not None and proof == self._client and self._client_annotation(returns):
            return True
        if returns is not None and proof != self._client and _code(returns) == "str":
            return True

        def check() -> bool:
            values = list(self._return_values(func))
            if proof == self._client:
                values = [v for v in values if v is not None and not _is_none(v)]
            return bool(values) and all(v is not None and proof(v, depth) for v in values)

        return self._guarded(func, check)

    def _param_from_callers(self, param: cst.Param, depth: int,
                            proof: Callable[[cst.BaseExpression | None, int], bool]) -> bool:
        """Every call of the parameter's function in this module passes a proven value, and
        no other file imports the function (or its class, for `__init__`)."""
        func = self.enclosing(param, cst.FunctionDef)
        if not isinstance(func, cst.FunctionDef) or param.star:
            return False
        positional = [*func.params.posonly_params, *func.params.params]
        if param not in positional and param not in func.params.kwonly_params:
            return False
        holder: cst.CSTNode = func
        offset = 0
        owner = self.enclosing(func, (cst.ClassDef, cst.FunctionDef))  # type: ignore[arg-type]
        if isinstance(owner, cst.ClassDef):
            if func.name.value != "__init__" or func.decorators:
                return False
            holder, offset = owner, 1
            if any(isinstance(c.func, cst.Name) and c.func.value == "cls" and self.enclosing(
                    c, cst.ClassDef) is owner for c in self.calls):
                return False  # `cls(...)` in a classmethod is a caller too
        name = cast("cst.FunctionDef | cst.ClassDef", holder).name
        scope = self.scopes.get(holder)
        if scope is None:
            return False
        assignments = list(scope[name.value])
        if len(assignments) != 1 or getattr(assignments[0], "node", None) is not holder:
            return False
        if isinstance(self.parent(holder), cst.Module) and (
                {name.value, "*"} & self.exported()):
            return False
        index = positional.index(param) - offset if param in positional else None
        calls = 0
        for access in assignments[0].references:
            call = self.parent(access.node)
            if not (isinstance(call, cst.Call) and call.func is access.node):
                return False
            value = _argument(call, param, index)
            if isinstance(value, bool):
                return False
            if not self._guarded(param, _bind(proof, value, depth + 1)):
                return False
            calls += 1
        return calls > 0

    def exported(self) -> set[str]:
        """Names other files import from this module ("*": the module itself)."""
        if self._exported is None:
            settings = self.ctx.settings if self.ctx is not None else None
            self._exported = names_imported_elsewhere(self.path, settings) if os.path.exists(
                self.path) else set()
        return self._exported

    # --- other modules -----------------------------------------------------------------------

    def _import_target(self, assignment: ImportAssignment, local: str
                       ) -> tuple[ClientFacts, str] | None:
        """The module an import reads `local` from, parsed, and the name it has there."""
        if not self.follow_imports:
            return None
        node = assignment.node
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            return None
        original = None
        for alias in node.names:
            if alias.evaluated_alias == local or (
                    alias.asname is None and alias.evaluated_name == local):
                original = alias.evaluated_name
        if original is None or "." in original:
            return None
        dotted = _code(node.module) if node.module is not None else ""
        facts = self.module_facts(dotted, len(node.relative))
        return None if facts is None else (facts, original)

    def imported_text(self, assignment: BaseAssignment) -> bool:
        """`from prompts import SYSTEM` where the other module binds SYSTEM once, at module
        level, to a string literal (an f-string included)."""
        if not isinstance(assignment, ImportAssignment):
            return False
        target = self._import_target(assignment, assignment.name)
        if target is None:
            return False
        facts, name = target
        scope = facts.scopes.get(facts.module)
        if scope is None or name not in scope:
            return False
        found = list(scope[name])
        if len(found) != 1:
            return False
        value = facts.assigned_value(found[0])
        return value is not None and _text_literal(value)

    def imported_client(self, assignment: ImportAssignment, local: str) -> bool:
        target = self._import_target(assignment, local)
        return target is not None and target[0].module_name_is_client(target[1])

    def imported_function(self, assignment: ImportAssignment,
                          local: str) -> cst.FunctionDef | None:
        """`from x import get_client`: a factory of the other module proven there."""
        target = self._import_target(assignment, local)
        if target is None:
            return None
        facts, name = target
        for stmt in facts.module.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
                self._foreign[id(stmt)] = facts
                return stmt
        return None

    def module_attribute(self, node: cst.Attribute) -> tuple[ClientFacts, str] | None:
        """`clients.gemini` where `from app import clients` / `import app.clients as clients`."""
        base = cast(cst.Name, node.value)
        found = self.referents(base)
        if len(found) != 1 or not isinstance(next(iter(found)), ImportAssignment):
            return None
        assignment = cast(ImportAssignment, next(iter(found)))
        stmt = assignment.node
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                if (alias.evaluated_alias or alias.evaluated_name) == base.value:
                    facts = self.module_facts(alias.evaluated_name, 0)
                    return None if facts is None else (facts, node.attr.value)
            return None
        if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
            for alias in stmt.names:
                if (alias.evaluated_alias or alias.evaluated_name) == base.value:
                    prefix = _code(stmt.module) + "." if stmt.module is not None else ""
                    facts = self.module_facts(prefix + alias.evaluated_name, len(stmt.relative))
                    return None if facts is None else (facts, node.attr.value)
        return None

    def module_name_is_client(self, name: str) -> bool:
        """A module-level name of this module proven to be a client."""
        scope = next((s for n, s in self.scopes.items() if isinstance(n, cst.Module)), None)
        if scope is None or name not in scope:
            return False
        proven = False
        for assignment in scope[name]:
            if isinstance(assignment, ImportAssignment):
                return False
            value = self.assigned_value(assignment)
            if _is_none(value):
                continue
            if value is None or not self._client(value, 1):
                return False
            proven = True
        return proven

    def module_facts(self, dotted: str, level: int) -> ClientFacts | None:
        """The facts of the repository module `dotted` (relative `level`), parsed once a run."""
        path = self._module_path(dotted, level)
        if path is None:
            return None
        memo = self.ctx.memo if self.ctx is not None else {}
        key = ("genai-client-facts", path)
        if key in memo:
            return cast("ClientFacts | None", memo[key])
        facts: ClientFacts | None = None
        data = self.ctx.read(path) if self.ctx is not None else None
        if data is not None and len(data) < 1_000_000:
            try:
                text = data.decode("utf-8")
                module = cst.parse_module(text)
                wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
                scopes = cast(Mapping[cst.CSTNode, "Scope | None"],
                              wrapper.resolve(ScopeProvider))
                facts = ClientFacts(module, scopes, collect(module), path, self.ctx, text,
                                    follow_imports=False)
            except (UnicodeDecodeError, cst.ParserSyntaxError):
                facts = None
        memo[key] = facts
        return facts

    def _module_path(self, dotted: str, level: int) -> str | None:
        if not os.path.exists(self.path):
            return None
        parts = [p for p in dotted.split(".") if p]
        if level:
            base = os.path.dirname(os.path.realpath(self.path))
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            # the folders Python could have on its path: the file's own, each one up to the
            # repository root (a package's parent), and the root's src/
            root = os.path.realpath(repository_root(self.path))
            here = os.path.dirname(os.path.realpath(self.path))
            bases = [here]
            while here != root and os.path.dirname(here) != here and here.startswith(root):
                here = os.path.dirname(here)
                bases.append(here)
            bases.append(os.path.join(root, "src"))
        for base in bases:
            stem = os.path.join(base, *parts) if parts else base
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate) and os.path.realpath(candidate) != os.path.realpath(
                        self.path):
                    return os.path.realpath(candidate)
        return None

    # --- text --------------------------------------------------------------------------------

    def text_call(self, call: cst.Call, is_text: TextTest, depth: int = 0) -> bool:
        """A call of a module function annotated `-> str` or returning only strs; `open(...)
        .read()` in text mode; `sys.argv[i]` is handled by `text_value`."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "read" and not call.args:
            return self._text_file(func.value)
        funcs = self.callee(call)
        if len(funcs) != 1 or id(funcs[0]) in self._foreign:
            return False
        return self._returns(funcs[0], depth + 1, lambda v, _d: v is not None and is_text(v))

    def _text_file(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return self._text_open(node)
        if not isinstance(node, cst.Name):
            return False
        found = self.referents(node)
        if len(found) != 1:
            return False
        bound = getattr(next(iter(found)), "node", None)
        target = self.parent(bound) if isinstance(bound, cst.Name) else None
        item = self.parent(target) if isinstance(target, cst.AsName) else None
        if isinstance(item, cst.WithItem) and isinstance(item.item, cst.Call):
            return self._text_open(item.item)
        return False

    def _text_open(self, call: cst.Call) -> bool:
        if not (isinstance(call.func, cst.Name) and call.func.value == "open"
                and self.qualified(call.func) <= {"builtins.open", "open"}):
            return False
        mode: cst.BaseExpression | None = None
        for index, arg in enumerate(call.args):
            if arg.star:
                return False
            if (arg.keyword is None and index == 1) or (
                    arg.keyword is not None and arg.keyword.value == "mode"):
                mode = arg.value
        if mode is None:
            return True
        value = mode.evaluated_value if isinstance(mode, cst.SimpleString) else None
        return isinstance(value, str) and "b" not in value

    def text_value(self, node: cst.BaseExpression, is_text: TextTest) -> bool:
        """`sys.argv[i]`, `os.environ[...]` and `a if c else b` of strs."""
        if isinstance(node, cst.Subscript):
            return bool(self.qualified(node.value) & {"sys.argv", "os.environ"}) and len(
                node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)
        if isinstance(node, cst.IfExp):
            return is_text(node.body) and is_text(node.orelse)
        return False

    def text_attribute(self, node: cst.Attribute, is_text: TextTest) -> bool:
        """`self.prompt` every assignment of which in the class is a str."""
        return isinstance(node.value, cst.Name) and node.value.value == "self" and (
            self._attribute(node, 0, lambda v, _d: v is not None and is_text(v)))

    def text_param(self, param: cst.Param, is_text: TextTest) -> bool:
        return self._param_from_callers(param, 0, lambda v, _d: v is not None and is_text(v))


def _bind(proof: Callable[[cst.BaseExpression | None, int], bool],
          value: cst.BaseExpression | None, depth: int) -> Callable[[], bool]:
    return lambda: proof(value, depth)


def _argument(call: cst.Call, param: cst.Param,
              index: int | None) -> cst.BaseExpression | None | bool:
    """What `call` passes to `param` (its default when nothing); False when it cannot tell."""
    if any(arg.star for arg in call.args):
        return False
    positional = [arg for arg in call.args if arg.keyword is None]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == param.name.value:
            return arg.value
    if index is not None and 0 <= index < len(positional):
        return positional[index].value
    return param.default if param.default is not None else False


def _text_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return isinstance(node.evaluated_value, str)
    if isinstance(node, cst.FormattedString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return _text_literal(node.left) and _text_literal(node.right)
    return False
