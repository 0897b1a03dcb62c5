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
    if isinstance(node, cst.Call):
        return _env_lookup(node, qualified)
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
        inner = inner.value if isinstance(inner, cst.Attribute) else inner.func
        if isinstance(inner, cst.Call) and any(
                q.rsplit(".", 1)[-1] in _TUNED_CALLS for q in qualified(inner.func)):
            return f"the result of {'/'.join(sorted(qualified(inner.func)))}()"
    return None


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
