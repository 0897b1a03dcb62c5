"""Flow facts of a module: which definition reaches each read of a name, and what the module's
own functions return, are passed and store on `self` (the legacy planner's alias following).

Computed once per module object from the LibCST metadata every pass already resolved (scopes),
in one walk of the tree: each scope's body is walked in evaluation order with an environment
(name -> the binding nodes that may hold its value), merged where control flow joins. Loops do
not iterate to a fixed point: a loop's head starts from what reaches it from above plus every
binding inside the loop, which over-approximates and stays linear. Try bodies may stop after
any statement, so handlers and `finally` start from everything bound before or inside the body.

Everything errs towards *more* definitions: `reaching` filters the definitions LibCST's scopes
see for a read's name and only drops a definition the walk proved cannot reach it. A binding the
walk does not model (match patterns, names declared global or nonlocal, bindings of another
scope such as a closure's outer variable) is never dropped; a read it did not visit (inside a
nested function, unreachable code) keeps all its referents.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Access,
    BaseAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    ScopeProvider,
)

Env = dict[str, frozenset[int]]
_EMPTY: frozenset[int] = frozenset()
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
# Context managers that swallow an exception: their body may stop after any statement.
_SUPPRESSING = {"suppress", "raises", "assertRaises", "assertRaisesRegex", "ignore_errors"}


@dataclass(eq=False)
class Function:
    """What the module knows about one of its functions."""

    node: cst.FunctionDef
    returns: list[cst.BaseExpression | None] = field(default_factory=list)  # None: bare return
    generator: bool = False
    falls_off: bool = True  # the end of the body may be reached (an implicit `return None`)
    # Each call in the module: parameter name -> the argument expression (None: its default).
    calls: list[tuple[cst.Call, dict[str, cst.BaseExpression | None]]] = field(
        default_factory=list)
    # The function is read somewhere other than as the callee of a call it understands
    # (passed, stored, decorated, called with *args/**kwargs): its callers are not all known.
    escapes: bool = False
    # Decorated: its calls run the decorator's wrapper (the caller judges a known one).
    decorated: bool = False


class Flow:
    def __init__(self, wrapper: MetadataWrapper) -> None:
        scopes = wrapper.resolve(ScopeProvider)
        self.module = wrapper.module
        self.accesses: dict[int, Access] = {}
        seen: set[int] = set()
        for scope in scopes.values():
            if scope is None or id(scope) in seen:
                continue
            seen.add(id(scope))
            for access in scope.accesses:
                if isinstance(access.node, cst.Name):
                    self.accesses[id(access.node)] = access
        # id(read Name) -> (unit, ids of the bindings that may reach it)
        self.reach: dict[int, tuple[int, frozenset[int]]] = {}
        self.owner: dict[int, int] = {}  # id(binding node) -> the unit whose walk tracks it
        self.functions: dict[int, Function] = {}  # id(FunctionDef) -> facts
        # class name -> attribute -> [(method, value or None when not a plain assignment)]
        self.self_attributes: dict[str, dict[str, list[tuple[cst.FunctionDef,
                                                             cst.BaseExpression | None]]]] = {}
        self._binds_cache: dict[int, dict[str, frozenset[int]]] = {}
        self._inverse: dict[int, list[cst.Name]] | None = None
        _Walker(self).unit(self.module, self.module.body, {})
        self._calls(wrapper.resolve(ParentNodeProvider))

    # -- reaching definitions ----------------------------------------------------------------

    def reaching(self, name: cst.Name) -> list[BaseAssignment]:
        """The definitions of `name` visible from the read `name` that may reach it.

        Not LibCST's `Access.referents`: those leave out a definition written below the read
        in its scope, which a loop's next iteration does see."""
        access = self.accesses.get(id(name))
        if access is None:
            return []
        referents = list(access.scope[name.value])
        entry = self.reach.get(id(name))
        if entry is None:
            return referents
        unit, live = entry
        return [a for a in referents
                if self.owner.get(id(getattr(a, "node", None))) != unit
                or id(getattr(a, "node", None)) in live]

    def reaches(self, binding: cst.CSTNode, name: cst.Name) -> bool:
        return any(getattr(a, "node", None) is binding for a in self.reaching(name))

    def reads_reached(self, binding: cst.CSTNode) -> list[cst.Name]:
        """Every read a definition (its binding node) may reach, in no particular order."""
        if self._inverse is None:
            inverse: dict[int, list[cst.Name]] = {}
            for access in self.accesses.values():
                read = access.node
                assert isinstance(read, cst.Name)
                for assignment in self.reaching(read):
                    inverse.setdefault(id(getattr(assignment, "node", None)), []).append(read)
            self._inverse = inverse
        return self._inverse.get(id(binding), [])

    # -- the call graph ----------------------------------------------------------------------

    def function_of(self, node: cst.FunctionDef) -> Function | None:
        return self.functions.get(id(node))

    def callee(self, call: cst.Call) -> Function | None:
        """The module's own function a call `f(...)` runs, when the name `f` can only be it:
        a function, or the `__init__` of a class of the module (`Bot(model)`)."""
        if not isinstance(call.func, cst.Name):
            return None
        defs = self.reaching(call.func)
        if len(defs) != 1:
            return None
        node = getattr(defs[0], "node", None)
        if isinstance(node, cst.ClassDef):
            return self._init_of(node)
        return self.functions.get(id(node)) if isinstance(node, cst.FunctionDef) else None

    def _init_of(self, node: cst.ClassDef) -> Function | None:
        for member in node.body.body:
            if isinstance(member, cst.FunctionDef) and member.name.value == "__init__":
                return self.functions.get(id(member))
        return None

    def _calls(self, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        for access in self.accesses.values():
            node = access.node
            assert isinstance(node, cst.Name)
            defs = self.reaching(node)
            for assignment in defs:
                target = getattr(assignment, "node", None)
                skip = 0
                if isinstance(target, cst.ClassDef):
                    function = self._init_of(target)
                    skip = 1
                    if function is not None and target.decorators:
                        function.escapes = True
                    if function is not None and _in_annotation(node, parents):
                        continue  # `def f(bot: Bot)` neither calls nor hands on the class
                elif isinstance(target, cst.FunctionDef):
                    function = self.functions.get(id(target))
                else:
                    continue
                if function is None:
                    continue
                call = parents.get(node)
                if not (isinstance(call, cst.Call) and call.func is node) or len(defs) != 1:
                    function.escapes = True
                    continue
                bound = _bind(function.node.params, call.args, skip)
                if bound is None:
                    function.escapes = True
                else:
                    function.calls.append((call, bound))


def _in_annotation(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.BaseStatement):
        if isinstance(current, cst.Annotation):
            return True
        current = parents.get(current)
    return False


def _bind(params: cst.Parameters, args: Iterable[cst.Arg], skip: int = 0
          ) -> dict[str, cst.BaseExpression | None] | None:
    """Parameter name -> argument of a call; None when the binding is not plain. `skip`: the
    leading parameters the call does not pass (`self` of an `__init__`)."""
    positional = [*params.posonly_params, *params.params][skip:]
    out: dict[str, cst.BaseExpression | None] = {
        p.name.value: None for p in [*positional, *params.kwonly_params]}
    index = 0
    for arg in args:
        if arg.star:
            return None
        if arg.keyword is None:
            if index >= len(positional):
                return None
            out[positional[index].name.value] = arg.value
            index += 1
        elif arg.keyword.value in out:
            out[arg.keyword.value] = arg.value
        else:
            return None
    return out


def _merge(*envs: Env | None) -> Env | None:
    live = [e for e in envs if e is not None]
    if not live:
        return None
    out = dict(live[0])
    for env in live[1:]:
        for name, defs in env.items():
            mine = out.get(name)
            out[name] = defs if mine is None else mine | defs
    return out


class _Walker:
    """Walks one scope body after another; nested bodies are queued, not recursed into."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.queue: list[tuple[cst.CSTNode, object, Env]] = []
        self.unit_id = 0
        self.globals: set[str] = set()
        self.breaks: list[list[Env]] = []
        self.function: Function | None = None
        self.cls: tuple[str, cst.FunctionDef, str] | None = None  # (class, method, self name)
        self.class_of: dict[int, str] = {}  # id(method FunctionDef) -> its class's name

    def unit(self, node: cst.CSTNode, body: object, env: Env) -> None:
        self.queue.append((node, body, env))
        while self.queue:
            node, body, env = self.queue.pop(0)
            self.unit_id = id(node)
            self.globals = set()
            self.breaks = []
            self.function = self.flow.functions.get(id(node))
            self.cls = None
            if isinstance(node, cst.FunctionDef):
                self.cls = self._method(node)
            if isinstance(body, cst.BaseExpression):
                self.expr(body, env)
            else:
                out = self.block(body, env)  # type: ignore[arg-type]
                if self.function is not None and out is None:
                    self.function.falls_off = False

    def _method(self, node: cst.FunctionDef) -> tuple[str, cst.FunctionDef, str] | None:
        owner = self.class_of.get(id(node))
        params = node.params.params or node.params.posonly_params
        if owner is None or not params:
            return None
        if any(_decorator_name(d) in ("staticmethod", "classmethod") for d in node.decorators):
            return None
        return owner, node, params[0].name.value

    # -- bindings ---------------------------------------------------------------------------

    def bind(self, name: cst.Name, binding: cst.CSTNode, env: Env | None) -> None:
        if env is None or name.value in self.globals:
            return
        self.flow.owner[id(binding)] = self.unit_id
        env[name.value] = frozenset((id(binding),))

    def bind_target(self, target: cst.BaseExpression, env: Env | None,
                    value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.bind(target, target, env)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, env, None)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, env, None)
        else:
            self.expr(target, env)
            if isinstance(target, cst.Attribute) and self.cls is not None and isinstance(
                    target.value, cst.Name) and target.value.value == self.cls[2]:
                cls, method, _ = self.cls
                attrs = self.flow.self_attributes.setdefault(cls, {})
                attrs.setdefault(target.attr.value, []).append((method, value))

    def binds_in(self, node: cst.CSTNode) -> dict[str, frozenset[int]]:
        """Every binding the walk would make inside `node` (not in nested scopes)."""
        cached = self.flow._binds_cache.get(id(node))
        if cached is not None:
            return cached
        out: dict[str, set[int]] = {}
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.AssignTarget, cst.For, cst.AugAssign, cst.AnnAssign,
                                    cst.WithItem, cst.NamedExpr, cst.CompFor)):
                target = getattr(current, "target", None) or getattr(
                    getattr(current, "asname", None), "name", None)
                for name in _names(target):
                    out.setdefault(name.value, set()).add(id(name))
            elif isinstance(current, cst.ExceptHandler) and current.name is not None:
                for name in _names(current.name.name):
                    out.setdefault(name.value, set()).add(id(name))
            elif isinstance(current, (cst.FunctionDef, cst.ClassDef)):
                out.setdefault(current.name.value, set()).add(id(current))
            elif isinstance(current, (cst.Import, cst.ImportFrom)) and not isinstance(
                    current.names, cst.ImportStar):
                for alias in current.names:
                    out.setdefault(_import_name(alias), set()).add(id(current))
            if current is not node and isinstance(current, _NESTED):
                continue
            stack.extend(current.children)
        frozen = {k: frozenset(v) for k, v in out.items()}
        self.flow._binds_cache[id(node)] = frozen
        return frozen

    def widened(self, env: Env | None, node: cst.CSTNode) -> Env:
        out = dict(env) if env is not None else {}
        for name, defs in self.binds_in(node).items():
            out[name] = out.get(name, _EMPTY) | defs
        return out

    # -- statements -------------------------------------------------------------------------

    def block(self, body: Iterable[cst.CSTNode] | cst.BaseSuite, env: Env | None) -> Env | None:
        if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            body = body.body
        for statement in body:  # type: ignore[union-attr]
            env = self.statement(statement, env)
        return env

    def statement(self, node: cst.CSTNode, env: Env | None) -> Env | None:
        if env is None:
            return None  # unreachable: its reads keep every referent
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                env = self.small(small, env)
                if env is None:
                    return None
            return env
        if isinstance(node, cst.If):
            self.expr(node.test, env)
            then = self.block(node.body, dict(env))
            other = self.statement_or_else(node.orelse, dict(env))
            return _merge(then, other)
        if isinstance(node, (cst.For, cst.While)):
            return self.loop(node, env)
        if isinstance(node, (cst.Try, cst.TryStar)):
            return self.try_(node, env)
        if isinstance(node, cst.With):
            suppress = False
            for item in node.items:
                self.expr(item.item, env)
                call = item.item
                if isinstance(call, cst.Call):
                    suppress |= _callee_name(call.func) in _SUPPRESSING
                if item.asname is not None:
                    self.bind_target(item.asname.name, env, None)
            out = self.block(node.body, dict(env))
            return _merge(out, self.widened(env, node.body)) if suppress else out
        if isinstance(node, cst.Match):
            self.expr(node.subject, env)
            outs: list[Env | None] = [dict(env)]
            for case in node.cases:
                inner = self.widened(env, case.pattern)  # pattern names are not tracked
                if case.guard is not None:
                    self.expr(case.guard, inner)
                outs.append(self.block(case.body, inner))
            return _merge(*outs)
        if isinstance(node, cst.FunctionDef):
            self.define_function(node, env)
            return env
        if isinstance(node, cst.ClassDef):
            for decorator in node.decorators:
                self.expr(decorator.decorator, env)
            for arg in [*node.bases, *node.keywords]:
                self.expr(arg.value, env)
            for member in node.body.body:
                if isinstance(member, cst.FunctionDef):
                    self.class_of[id(member)] = node.name.value
            self.queue.append((node, node.body, {}))
            self.bind(node.name, node, env)
            return env
        return env

    def statement_or_else(self, node: cst.CSTNode | None, env: Env) -> Env | None:
        if node is None:
            return env
        if isinstance(node, cst.Else):
            return self.block(node.body, env)
        return self.statement(node, env)

    def define_function(self, node: cst.FunctionDef, env: Env) -> None:
        for decorator in node.decorators:
            self.expr(decorator.decorator, env)
        entry: Env = {}
        params = node.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        for param in every:
            if param.default is not None:
                self.expr(param.default, env)
            if param.annotation is not None:
                self.expr(param.annotation.annotation, env)
            self.flow.owner[id(param)] = id(node)
            entry[param.name.value] = frozenset((id(param),))
        if node.returns is not None:
            self.expr(node.returns.annotation, env)
        self.flow.functions[id(node)] = Function(node, decorated=bool(node.decorators))
        self.queue.append((node, node.body, entry))
        self.bind(node.name, node, env)

    def small(self, node: cst.BaseSmallStatement, env: Env) -> Env | None:
        if isinstance(node, cst.Assign):
            self.expr(node.value, env)
            for target in node.targets:
                self.bind_target(target.target, env, node.value if len(node.targets) == 1
                                 else None)
            return env
        if isinstance(node, cst.AugAssign):
            self.expr(node.target, env)
            self.expr(node.value, env)
            self.bind_target(node.target, env, None)
            return env
        if isinstance(node, cst.AnnAssign):
            self.expr(node.annotation.annotation, env)
            if node.value is not None:
                self.expr(node.value, env)
                self.bind_target(node.target, env, node.value)
            elif not isinstance(node.target, cst.Name):
                self.expr(node.target, env)
            return env
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            self.globals.update(n.name.value for n in node.names)
            return env
        if isinstance(node, cst.Del):
            self.expr(node.target, env)
            for deleted in _names(node.target):
                if deleted.value not in self.globals:
                    env[deleted.value] = _EMPTY
            return env
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    imported = _import_name(alias)
                    if imported not in self.globals:
                        self.flow.owner[id(node)] = self.unit_id
                        env[imported] = frozenset((id(node),))
            return env
        if isinstance(node, cst.Return):
            if node.value is not None:
                self.expr(node.value, env)
            if self.function is not None:
                self.function.returns.append(node.value)
            return None
        if isinstance(node, cst.Raise):
            for part in (node.exc, node.cause):
                if part is not None:
                    self.expr(part.item if isinstance(part, cst.From) else part, env)
            return None
        if isinstance(node, cst.Break):
            if self.breaks:
                self.breaks[-1].append(env)
            return None
        if isinstance(node, cst.Continue):
            return None
        self.expr(node, env)
        return env

    def loop(self, node: cst.For | cst.While, env: Env) -> Env | None:
        if isinstance(node, cst.For):
            self.expr(node.iter, env)
        head = self.widened(env, node)
        if isinstance(node, cst.While):
            self.expr(node.test, head)
        self.breaks.append([])
        body = dict(head)
        if isinstance(node, cst.For):
            self.bind_target(node.target, body, None)
        self.block(node.body, body)
        breaks = self.breaks.pop()
        finished = self.statement_or_else(node.orelse, dict(head))
        return _merge(finished, *breaks)

    def try_(self, node: cst.Try | cst.TryStar, env: Env) -> Env | None:
        out = self.block(node.body, dict(env))
        caught = self.widened(env, node.body)
        outs: list[Env | None] = []
        if node.orelse is not None:
            outs.append(self.block(node.orelse.body, out))
        else:
            outs.append(out)
        for handler in node.handlers:
            inner = dict(caught)
            if handler.type is not None:
                self.expr(handler.type, inner)
            if handler.name is not None:
                self.bind_target(handler.name.name, inner, None)
            outs.append(self.block(handler.body, inner))
        if node.finalbody is None:
            return _merge(*outs)
        # finally runs after anything: a normal end, an exception anywhere, a return
        entry = _merge(*outs, self.widened(env, node))
        assert entry is not None
        end = self.block(node.finalbody.body, entry)
        return end if _merge(*outs) is not None else None

    # -- expressions ------------------------------------------------------------------------

    def expr(self, node: cst.CSTNode, env: Env | None) -> None:
        if env is None:
            return
        stack: list[cst.CSTNode] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Name):
                if id(current) in self.flow.accesses:
                    self.flow.reach[id(current)] = (self.unit_id,
                                                    env.get(current.value, _EMPTY))
                continue
            if isinstance(current, cst.NamedExpr):
                self.expr(current.value, env)
                if isinstance(current.target, cst.Name) and current.target.value not in (
                        self.globals):
                    # it may not run (a short-circuit, a comprehension): it adds, not replaces
                    self.flow.owner[id(current.target)] = self.unit_id
                    env[current.target.value] = env.get(current.target.value, _EMPTY) | {
                        id(current.target)}
                continue
            if isinstance(current, cst.Lambda):
                for param in current.params.params:
                    if param.default is not None:
                        self.expr(param.default, env)
                continue  # its body is read later: its reads keep every referent
            if isinstance(current, _COMPREHENSIONS):
                self.comprehension(current, env)
                continue
            if isinstance(current, cst.Yield) and self.function is not None:
                self.function.generator = True
            if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
                continue
            stack.extend(reversed(current.children))

    def comprehension(self, node: cst.CSTNode, env: Env) -> None:
        clause = getattr(node, "for_in", None)
        self.expr(clause.iter, env)  # type: ignore[union-attr]
        if isinstance(node, cst.GeneratorExp):
            return  # the rest runs when it is iterated, later: its reads keep every referent
        inner = dict(env)
        first = True
        while clause is not None:
            if not first:
                self.expr(clause.iter, inner)
            first = False
            for name in _names(clause.target):
                self.flow.owner[id(name)] = self.unit_id
                inner[name.value] = frozenset((id(name),))
            for condition in clause.ifs:
                self.expr(condition.test, inner)
            clause = clause.inner_for_in
        for part in ("elt", "key", "value"):
            value = getattr(node, part, None)
            if value is not None:
                self.expr(value, inner)
        walrus = _walrus_targets(node)
        for bound, defs in inner.items():  # := targets belong to the enclosing scope
            if bound in walrus:
                env[bound] = env.get(bound, _EMPTY) | defs



def _walrus_targets(node: cst.CSTNode) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.NamedExpr) and isinstance(current.target, cst.Name):
            out.add(current.target.value)
        stack.extend(current.children)
    return out


def _names(target: cst.CSTNode | None) -> list[cst.Name]:
    if target is None:
        return []
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _names(target.value)
    return []


def _import_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    return name.value if isinstance(name, cst.Name) else ""


def _callee_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""


def _decorator_name(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    return _callee_name(node)


# One Flow per module object, as facts/source.py keeps one wrapper per module.
_KEEP = 6
_flows: OrderedDict[int, tuple[MetadataWrapper, Flow]] = OrderedDict()


def flow_of(wrapper: MetadataWrapper) -> Flow:
    entry = _flows.get(id(wrapper))
    if entry is not None and entry[0] is wrapper:
        return entry[1]
    flow = Flow(wrapper)
    _flows[id(wrapper)] = (wrapper, flow)
    if len(_flows) > _KEEP:
        _flows.popitem(last=False)
    return flow
