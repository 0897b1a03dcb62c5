"""Where the model id of a call comes from, when it is not written in the call (issue 11).

A migrated call fails when the id that reaches it is one the Interactions API refuses, so the
migration follows a model argument that is a name back to the one place its value is written:
a constant (`MODEL = "gemini-2.0-flash"`), a parameter's default
(`def __init__(self, model="gemini-2.0-flash")`) or the default of an environment lookup
(`os.getenv("MODEL", "gemini-1.5-flash")`). There the id can be substituted. A value the tool
cannot read (an environment variable without a default) is described instead, so the call can
say where its model comes from.

Only a name bound exactly once in its scope is followed: a name assigned twice, or a parameter
that is reassigned, may hold anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment, Scope

# Qualified names of environment lookups: (function, whether the second argument is a default).
ENV_LOOKUPS = {"os.getenv", "os.environ.get"}
ENV_MAPPING = "os.environ"
# Readers of configuration files: a value read from what they return is not in the code.
CONFIG_LOADERS = {
    "json.load", "json.loads", "yaml.load", "yaml.safe_load", "yaml.full_load",
    "tomllib.load", "tomllib.loads", "tomli.load", "tomli.loads", "toml.load", "toml.loads",
    "dotenv.dotenv_values", "dotenv.main.dotenv_values",
}


@dataclass(frozen=True)
class ModelSource:
    """The literal an id is written in (`string`), or what the tool cannot see (`hidden`)."""

    string: cst.SimpleString | None = None
    hidden: str = ""  # "environment variable GEMINI_MODEL with no default"


def model_source(
    node: cst.BaseExpression,
    scopes: Mapping[cst.CSTNode, Scope | None],
    parent: Callable[[cst.CSTNode], cst.CSTNode | None],
    qualified: Callable[[cst.CSTNode], set[str]],
) -> ModelSource | None:
    """The source of the model expression `node`; None when it is not followed."""
    return _source(node, scopes, parent, qualified, depth=0)


def _source(node: cst.BaseExpression, scopes: Mapping[cst.CSTNode, Scope | None],
            parent: Callable[[cst.CSTNode], cst.CSTNode | None],
            qualified: Callable[[cst.CSTNode], set[str]], depth: int) -> ModelSource | None:
    if depth > 3:
        return None
    if isinstance(node, cst.SimpleString):
        return ModelSource(string=node)
    if isinstance(node, (cst.Call, cst.Subscript)):
        loader = _config_read(node, scopes, parent, qualified)
        if loader:
            return ModelSource(hidden=f"a configuration file read with {loader}()")
    if isinstance(node, cst.Call):
        return _env_lookup(node, qualified)
    if isinstance(node, cst.Attribute):
        value = self_attribute(node, parent)
        return _source(value, scopes, parent, qualified, depth + 1) if value is not None \
            else None
    if isinstance(node, cst.Subscript):
        if qualified(node.value) & {ENV_MAPPING} and len(node.slice) == 1:
            index = node.slice[0].slice
            key = index.value if isinstance(index, cst.Index) else None
            return ModelSource(hidden=_env_text(key))
        return None
    if not isinstance(node, cst.Name):
        return None
    scope = scopes.get(node)
    if scope is None:
        return None
    assignments = list(scope[node.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    bound = assignments[0].node
    if isinstance(bound, cst.Param):
        default = bound.default
        if isinstance(default, (cst.SimpleString, cst.Call, cst.Name)):
            return _source(default, scopes, parent, qualified, depth + 1)
        return None
    target = parent(bound)
    statement = parent(target) if isinstance(target, cst.AssignTarget) else target
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and (
            statement.targets[0].target is bound):
        return _source(statement.value, scopes, parent, qualified, depth + 1)
    if isinstance(statement, cst.AnnAssign) and statement.value is not None and (
            statement.target is bound):
        return _source(statement.value, scopes, parent, qualified, depth + 1)
    return None


def lookup_use(
    literal: cst.SimpleString,
    scopes: Mapping[cst.CSTNode, Scope | None],
    parent: Callable[[cst.CSTNode], cst.CSTNode | None],
) -> cst.CSTNode | None:
    """A read of the name `literal` is bound to (`MODEL = "..."`, a parameter's default or a
    getenv default assigned to a name) that uses it as a lookup key: `PRICES[MODEL]`,
    `PRICES.get(MODEL)`, `MODEL in ...`, `MODEL == ...`, `match MODEL:`. Substituting the id
    would change what such a lookup finds, so it is left for a human. None when there is none."""
    holder = parent(literal)
    if isinstance(holder, cst.Arg):  # os.getenv("X", "...") -> its assignment
        call = parent(holder)
        func = call.func if isinstance(call, cst.Call) else None
        spelled = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        if spelled not in ("getenv", "get"):
            return None
        holder = parent(call) if call is not None else None
    name: cst.Name | None = None
    if isinstance(holder, cst.Param):
        name = holder.name
    elif isinstance(holder, cst.Assign) and len(holder.targets) == 1:
        target = holder.targets[0].target
        name = target if isinstance(target, cst.Name) else None
    elif isinstance(holder, cst.AnnAssign) and isinstance(holder.target, cst.Name):
        name = holder.target
    if name is None:
        return None
    scope = scopes.get(name)
    if scope is None:
        return None
    for assignment in scope.assignments[name.value]:
        for access in getattr(assignment, "references", ()):
            read = access.node
            up = parent(read)
            element = parent(up) if isinstance(up, cst.Index) else None
            if isinstance(element, cst.SubscriptElement):
                return parent(element) or read  # PRICES[MODEL]
            if isinstance(up, cst.Match):
                return read
            if isinstance(up, cst.ComparisonTarget):
                return parent(up) or read  # x == MODEL, MODEL in (...)
            if isinstance(up, cst.Comparison) and up.left is read:
                return up
            call = parent(up) if isinstance(up, cst.Arg) else None
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value in ("get", "pop", "setdefault")
                    and call.args and call.args[0] is up):
                return call  # PRICES.get(MODEL)
    return None


def argument_sources(
    node: cst.BaseExpression,
    scopes: Mapping[cst.CSTNode, Scope | None],
    parent: Callable[[cst.CSTNode], cst.CSTNode | None],
    qualified: Callable[[cst.CSTNode], set[str]],
) -> list[cst.SimpleString]:
    """The literal ids passed for the parameter `node` names, at the calls of its function
    in the same file: `make("gemini-2.0-flash")` for `def make(model): ...`, and
    `Bot("gemini-2.0-flash")` / `Bot(model_name=...)` for a class whose `__init__` takes it.
    Only an undecorated function called by its name is followed; a call that spreads
    `*args` / `**kwargs`, or passes something other than a literal (or a name bound once to
    one), adds nothing."""
    if isinstance(node, cst.Attribute):
        node = self_attribute(node, parent) or node
    if not isinstance(node, cst.Name):
        return []
    scope = scopes.get(node)
    assignments = list(scope[node.value]) if scope is not None else []
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return []
    param = assignments[0].node
    if not isinstance(param, cst.Param):
        return []
    function = _function_of(param, parent)
    if function is None or function.decorators:
        return []
    params = function.params
    positional = [*params.posonly_params, *params.params]
    keyword_ok = not any(p is param for p in params.posonly_params)
    callee: cst.FunctionDef | cst.ClassDef = function
    skip = 0
    holder = parent(parent(function) or function)
    if function.name.value == "__init__" and isinstance(holder, cst.ClassDef):
        callee, skip = holder, 1  # Bot(...) runs Bot.__init__(self, ...)
    elif isinstance(holder, cst.ClassDef):
        return []  # a method: its calls go through an object the tool does not follow
    at = [i for i, p in enumerate(positional) if p is param]
    index = at[0] - skip if at else None
    out: list[cst.SimpleString] = []
    for call in _calls_of(callee, scopes, parent):
        if any(arg.star for arg in call.args):
            continue
        value: cst.BaseExpression | None = None
        for i, arg in enumerate(call.args):
            by_position = arg.keyword is None and index is not None and i == index
            if by_position or (keyword_ok and arg.keyword is not None
                               and arg.keyword.value == param.name.value):
                value = arg.value
        if value is None:
            continue
        found = _source(value, scopes, parent, qualified, depth=1)
        if found is not None and found.string is not None:
            out.append(found.string)
    return out


def self_attribute(
    node: cst.Attribute, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> cst.BaseExpression | None:
    """What `self.model_name` holds when its class assigns it exactly once, in `__init__`
    (`self.model_name = model_name`): the assigned expression; else None."""
    if not (isinstance(node.value, cst.Name) and node.value.value == "self"):
        return None
    current = parent(node)
    while current is not None and not isinstance(current, cst.ClassDef):
        current = parent(current)
    if current is None:
        return None
    assigned: list[tuple[cst.CSTNode, cst.BaseExpression | None]] = []
    for child in _walk(current.body):
        targets: list[cst.BaseExpression] = []
        value: cst.BaseExpression | None = None
        if isinstance(child, cst.Assign):
            targets, value = [t.target for t in child.targets], child.value
        elif isinstance(child, (cst.AnnAssign, cst.AugAssign)):
            targets = [child.target]
            value = child.value if isinstance(child, cst.AnnAssign) else None
        elif isinstance(child, (cst.For, cst.WithItem, cst.NamedExpr)):
            targets = [child.target if not isinstance(child, cst.WithItem)
                       else child.asname.name if child.asname else cst.Name("_")]
        for target in targets:
            for name in _walk(target):
                if (isinstance(name, cst.Attribute) and name.attr.value == node.attr.value
                        and isinstance(name.value, cst.Name) and name.value.value == "self"):
                    assigned.append((child, value if target is name else None))
    if len(assigned) != 1 or assigned[0][1] is None:
        return None
    statement, value = assigned[0]
    function = parent(statement)
    while function is not None and not isinstance(function, cst.FunctionDef):
        function = parent(function)
    if not isinstance(function, cst.FunctionDef) or function.name.value != "__init__":
        return None
    return value


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def _function_of(param: cst.Param,
                 parent: Callable[[cst.CSTNode], cst.CSTNode | None]) -> cst.FunctionDef | None:
    current = parent(param)
    for _ in range(3):
        if current is None or isinstance(current, cst.FunctionDef):
            break
        current = parent(current)
    if not isinstance(current, cst.FunctionDef):
        return None
    every = (*current.params.posonly_params, *current.params.params,
             *current.params.kwonly_params)
    return current if any(p is param for p in every) else None


def _calls_of(definition: cst.FunctionDef | cst.ClassDef,
              scopes: Mapping[cst.CSTNode, Scope | None],
              parent: Callable[[cst.CSTNode], cst.CSTNode | None]) -> list[cst.Call]:
    """The calls `name(...)` of a function or class bound once in its scope."""
    scope = scopes.get(definition)
    if scope is None:
        return []
    assignments = list(scope.assignments[definition.name.value])
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not definition:
        return []
    calls = []
    for access in assignments[0].references:
        call = parent(access.node)
        if isinstance(call, cst.Call) and call.func is access.node:
            calls.append(call)
    return calls


TUNED_PREFIX = "tunedModels/"
# Calls whose result names a tuned model (`genai.get_tuned_model("tunedModels/x").name`).
_TUNED_CALLS = ("get_tuned_model", "create_tuned_model", "list_tuned_models")


def tuned_model(
    node: cst.BaseExpression,
    scopes: Mapping[cst.CSTNode, Scope | None],
    parent: Callable[[cst.CSTNode], cst.CSTNode | None],
    qualified: Callable[[cst.CSTNode], set[str]],
) -> str | None:
    """The tuned model a model expression names (`"tunedModels/my-model"`, directly or through
    a constant, a default or a getenv default, or the `.name` of `get_tuned_model(...)`);
    None when it is not one. The Interactions API serves base models only."""
    source = model_source(node, scopes, parent, qualified)
    value = source.string.evaluated_value if source is not None and source.string else None
    if isinstance(value, str) and value.startswith(TUNED_PREFIX):
        return value
    inner: cst.BaseExpression = node
    while isinstance(inner, (cst.Attribute, cst.Call)):
        if isinstance(inner, cst.Attribute) and inner.attr.value == "tuned_model":
            return "the tuned_model of a tuning job"  # job.tuned_model.model (google-genai)
        inner = inner.value if isinstance(inner, cst.Attribute) else inner.func
        if isinstance(inner, cst.Call) and any(
                q.rsplit(".", 1)[-1] in _TUNED_CALLS for q in qualified(inner.func)):
            return f"the result of {'/'.join(sorted(qualified(inner.func)))}()"
    return None


def _config_read(node: cst.BaseExpression, scopes: Mapping[cst.CSTNode, Scope | None],
                 parent: Callable[[cst.CSTNode], cst.CSTNode | None],
                 qualified: Callable[[cst.CSTNode], set[str]]) -> str:
    """`config["model"]`, `config.get("model")`, `config["llm"]["model"]` where `config` is
    bound once to what a configuration file reader returned (`json.load(fh)`): the reader's
    name; else ""."""
    current: cst.BaseExpression = node
    steps = 0
    while steps < 4:
        if isinstance(current, cst.Subscript):
            current = current.value
        elif (isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute)
              and current.func.attr.value == "get"):
            current = current.func.value
        else:
            break
        steps += 1
    if steps == 0:
        return ""
    if isinstance(current, cst.Call):
        loaders = qualified(current.func) & CONFIG_LOADERS
        return sorted(loaders)[0] if loaders else ""
    if not isinstance(current, cst.Name):
        return ""
    scope = scopes.get(current)
    assignments = list(scope[current.value]) if scope is not None else []
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return ""
    bound = assignments[0].node
    target = parent(bound)
    statement = parent(target) if isinstance(target, cst.AssignTarget) else target
    value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    if isinstance(value, cst.Call):
        loaders = qualified(value.func) & CONFIG_LOADERS
        return sorted(loaders)[0] if loaders else ""
    return ""


def _env_lookup(call: cst.Call,
                qualified: Callable[[cst.CSTNode], set[str]]) -> ModelSource | None:
    if not qualified(call.func) & ENV_LOOKUPS:
        return None
    positional = [a for a in call.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    if len(positional) + len(keywords) != len(call.args) or not positional:
        return None
    default = positional[1].value if len(positional) > 1 else keywords.get("default")
    if default is None or (isinstance(default, cst.Name) and default.value == "None"):
        return ModelSource(hidden=_env_text(positional[0].value))
    if isinstance(default, cst.SimpleString):
        return ModelSource(string=default)
    return None


def _env_text(key: cst.BaseExpression | None) -> str:
    name = key.evaluated_value if isinstance(key, cst.SimpleString) else None
    what = f"environment variable {name}" if isinstance(name, str) else "an environment variable"
    return f"{what} with no default"
