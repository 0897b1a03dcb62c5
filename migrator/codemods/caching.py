"""Explicit context caching of google-generativeai -> google-genai `client.caches`.

Caches have no Interactions equivalent: google-genai keeps them on `client.caches`, and the
Interactions API only accepts `cached_content` as a deprecated argument (missing in
google-genai 2.12-2.24). The faithful target for a model built from a cache is therefore
`client.models.generate_content` with `config={"cached_content": ...}`, which is also what the
google-genai pass leaves alone (GM10x: cached_content is not moved to Interactions).

- `cache = genai.caching.CachedContent.create(model, display_name=, system_instruction=,
  contents=, ttl=)`  -> `cache = client.caches.create(model=..., config={...})`
- `CachedContent.get(name)` / `CachedContent.list()` -> `client.caches.get(name=...)` /
  `client.caches.list()`
- `cache.update(ttl=t)` -> `cache = client.caches.update(name=cache.name, config={"ttl": ...})`
  (the legacy method updated the object in place; google-genai returns the new one)
- `cache.delete()` -> `client.caches.delete(name=cache.name)`
- `model = genai.GenerativeModel.from_cached_content(cache)` ->
  `model = dict(model=cache.model, config={"cached_content": cache.name})` and
  `model.generate_content(x)` -> `client.models.generate_content(**model, contents=x)`; the
  response keeps its `.text` / `.usage_metadata` names.

The hooks here are called by `legacy.Plan` / `legacy.Apply`; cache objects and models built
from caches are `Holder`s of kinds "cache" and "cached_model", their calls `Site`s whose
method is one of `METHODS`. Whatever cannot be followed is pinned with GM039.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods.convert import Unsupported, is_text_literal
from migrator.codemods.facts.nodes import walk
from migrator.codemods.facts.sdk import LEGACY
from migrator.codemods.facts.sites import Holder, Site
from migrator.codemods.facts.syntax import attr_from_dotted as _attr
from migrator.codemods.facts.syntax import is_truth_test as _is_truth_test
from migrator.codemods.facts.syntax import kwarg as _kwarg
from migrator.codemods.facts.syntax import rebuild_args
from migrator.codemods.facts.syntax import rename_kwarg as _rename

if TYPE_CHECKING:
    from migrator.codemods.legacy.apply import Apply
    from migrator.codemods.legacy.plan import Plan

CACHE_CLASS = f"{LEGACY}.caching.CachedContent"
PRODUCERS = {f"{CACHE_CLASS}.create": "cache.create", f"{CACHE_CLASS}.get": "cache.get",
             f"{CACHE_CLASS}.list": "cache.list"}
FROM_CACHE = {f"{LEGACY}.GenerativeModel.from_cached_content",
              f"{LEGACY}.generative_models.GenerativeModel.from_cached_content"}
METHODS = frozenset({*PRODUCERS.values(), "cache.update", "cache.delete", "cache.model",
                     "cache.generate"})
HOLDER_KINDS = ("cache", "cached_model")
# Fields of a legacy CachedContent that google-genai's CachedContent has under the same name.
CACHE_FIELDS = frozenset({"name", "model", "display_name", "usage_metadata", "create_time",
                          "update_time", "expire_time"})
# Response fields of a google-genai GenerateContentResponse read like the legacy ones.
RESPONSE_FIELDS = frozenset({"text", "usage_metadata"})
USAGE_FIELDS = frozenset({"prompt_token_count", "candidates_token_count", "total_token_count",
                          "cached_content_token_count"})
CREATE_CONFIG = ("display_name", "system_instruction", "contents", "ttl")
CODE = "GM039"


def _text_or_name(plan: Plan, node: cst.BaseExpression, what: str) -> None:
    """Text the legacy SDK and google-genai both send as one user turn of text parts."""
    if is_text_literal(node):
        return
    if isinstance(node, cst.Name):
        try:
            plan.inputs.check_input_name(node)
        except Unsupported as exc:
            raise Unsupported(CODE, f"{what}: {exc.reason}") from None
        return
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements and all(
        isinstance(e, cst.Element) for e in node.elements
    ):
        for element in node.elements:
            if isinstance(element.value, (cst.List, cst.Tuple)):
                raise Unsupported(CODE, f"{what} nested in lists are not migrated")
            _text_or_name(plan, element.value, what)
        return
    raise Unsupported(CODE, f"{what} that are not text are not migrated yet")


def collect(plan: Plan, call: cst.Call, names: set[str]) -> bool:
    """Claim a CachedContent.create/get/list or from_cached_content call; False otherwise."""
    method = next((PRODUCERS[n] for n in sorted(names & set(PRODUCERS))), None)
    if method is None and names & FROM_CACHE:
        method = "cache.model"
    if method is None:
        return False
    site = Site(call, method, call.func, None, None, False)
    plan.sites.append(site)
    parent = plan.parent(call)
    target: cst.BaseExpression | None = None
    if method == "cache.list":
        if isinstance(parent, cst.For) and parent.iter is call:
            target = parent.target
    elif isinstance(parent, cst.Assign) and len(parent.targets) == 1:
        target = parent.targets[0].target
    kind = "cached_model" if method == "cache.model" else "cache"
    if target is None and kind == "cache" and method != "cache.list" and isinstance(
        parent, cst.Attribute
    ) and parent.attr.value in CACHE_FIELDS:
        return True  # `CachedContent.get(name).model`: a field read in place
    key = plan.holder_key(target) if isinstance(target, cst.Name) else None
    if key is None:
        plan.pin(site, CODE, f"the {'model' if kind == 'cached_model' else 'cache'} is used "
                 "where gemini-migrate cannot follow it", call)
        return True
    holder = plan.holders.setdefault(key, Holder(key, kind))
    if holder.kind != kind:
        plan.pin(holder, "GM011", "the same name holds different legacy objects", call)
    site.holder = holder
    holder.sites.append(site)
    return True


def _named(plan: Plan, holder: Holder) -> bool:
    """Created here, once, with a display name (the holder's sites are not all known yet: the
    assignments are)."""
    key = holder.key
    creates = [s for s in plan.sites if s.method == "cache.create" and s.holder is holder]
    return len(creates) == 1 and bool(key) and any(
        a.keyword is not None and a.keyword.value == "display_name"
        and not (isinstance(a.value, cst.Name) and a.value.value == "None")
        for a in creates[0].call.args) and all(
        s.method in ("cache.create", "cache.update", "cache.delete") for s in plan.sites
        if s.holder is holder)


def known_holder(plan: Plan, receiver: cst.BaseExpression) -> bool:
    """The receiver is a cache or a model built from one (its other calls pin it here)."""
    holder = plan.holders.get(plan.holder_key(receiver) or "")
    return holder is not None and holder.kind in HOLDER_KINDS


def produced(plan: Plan, value: object, target: cst.CSTNode) -> bool:
    """Whether an assignment of a holder's name is one of the calls this module planned."""
    sites = {id(s.call) for s in plan.sites if s.method in METHODS}
    if isinstance(value, cst.Call) and id(value) in sites:
        return True
    loop = plan.parent(target)
    return isinstance(loop, cst.For) and loop.target is target and id(loop.iter) in sites


def classify_use(plan: Plan, holder: Holder, use: cst.BaseExpression) -> None:
    parent = plan.parent(use)
    grand = plan.parent(parent) if parent is not None else None
    if isinstance(parent, cst.Attribute) and parent.value is use:
        method = parent.attr.value
        is_call = isinstance(grand, cst.Call) and grand.func is parent
        if holder.kind == "cache" and not is_call and method in CACHE_FIELDS:
            if method == "display_name" and not _named(plan, holder):
                # Unset, the legacy proto read "", google-genai reads None.
                plan.pin(holder, CODE, "display_name is None, not \"\", when a cache has "
                         "none: reads of caches not created here with one stay", use)
            return
        calls = {("cache", "update"): "cache.update", ("cache", "delete"): "cache.delete",
                 ("cached_model", "generate_content"): "cache.generate"}
        if is_call and (holder.kind, method) in calls:
            assert isinstance(grand, cst.Call)
            site = Site(grand, calls[holder.kind, method], use, holder, None, False)
            holder.sites.append(site)
            plan.sites.append(site)
            return
        plan.pin(holder, CODE, f"{plan.code(parent)} is not migrated yet", use)
        return
    if _is_truth_test(use, parent):
        return
    if holder.kind == "cache" and isinstance(parent, cst.Arg) and isinstance(grand, cst.Call) \
            and plan.qualified(grand.func) & FROM_CACHE:
        return
    plan.pin(holder, CODE, f"{plan.code(use)} is passed or stored where gemini-migrate cannot "
             "follow it", use)


# -- planning ---------------------------------------------------------------------------------


def plan_site(plan: Plan, site: Site) -> None:
    planner = {"cache.create": _plan_create, "cache.get": _plan_get, "cache.list": _plan_list,
               "cache.update": _plan_update, "cache.delete": _plan_delete,
               "cache.model": _plan_model, "cache.generate": _plan_generate}[site.method]
    planner(plan, site)


def _arguments(site: Site, positional: tuple[str, ...], allowed: tuple[str, ...],
               what: str) -> dict[str, cst.Arg]:
    out: dict[str, cst.Arg] = {}
    for index, arg in enumerate(site.call.args):
        if arg.star:
            raise Unsupported(CODE, f"{what}(**kwargs) cannot be followed")
        name = arg.keyword.value if arg.keyword else (
            positional[index] if index < len(positional) else "")
        if name not in allowed:
            raise Unsupported(CODE, f"{what}({name or 'positional'}=...) is not migrated yet")
        out[name] = arg
    return out


def _has_comment(node: cst.CSTNode) -> bool:
    return any(isinstance(n, cst.Comment) for n in walk(node))


def ttl_value(plan: Plan, node: cst.BaseExpression) -> str:
    """The google-genai duration string for a legacy `ttl` (seconds as an int, or a
    `datetime.timedelta`), as source code: a literal when it can be computed here, else an
    f-string that computes it the way the legacy SDK did (whole seconds)."""
    if isinstance(node, cst.Integer):
        return f'"{node.evaluated_value}s"'
    if isinstance(node, cst.Call) and plan.qualified(node.func) & {"datetime.timedelta"}:
        values: dict[str, float] = {}
        for arg in node.args:
            if arg.star or arg.keyword is None:
                break
            if not isinstance(arg.value, (cst.Integer, cst.Float)):
                break
            values[arg.keyword.value] = arg.value.evaluated_value
        else:
            try:
                seconds = datetime.timedelta(**values).total_seconds()
            except TypeError:
                raise Unsupported(CODE, "ttl is not a valid timedelta") from None
            if seconds == int(seconds):
                return f'"{int(seconds)}s"'
        return f'f"{{int({plan.code(node)}.total_seconds())}}s"'
    raise Unsupported(CODE, "ttl is neither a number of seconds nor a datetime.timedelta "
                      "gemini-migrate can see")


def _plan_create(plan: Plan, site: Site) -> None:
    _create_parts(plan, site)
    _cache_result(plan, site)


def _create_parts(plan: Plan, site: Site) -> tuple[str, list[tuple[str, str]]]:
    """The model and the config items (source code) of `client.caches.create`."""
    names = ("model", *CREATE_CONFIG)
    args = _arguments(site, ("model",), names, "CachedContent.create")
    if "model" not in args:
        raise Unsupported(CODE, "CachedContent.create() without a model")
    for key in ("system_instruction", "contents"):
        if key in args:
            _text_or_name(plan, args[key].value, key)
    if any(_has_comment(a) for a in site.call.args):
        raise Unsupported(CODE, "comments inside CachedContent.create() would be lost")
    config = [(k, plan.code(args[k].value) if k != "ttl" else ttl_value(plan, args[k].value))
              for k in CREATE_CONFIG if k in args]
    return plan.code(args["model"].value), config


def _plan_get(plan: Plan, site: Site) -> None:
    args = _arguments(site, ("name",), ("name",), "CachedContent.get")
    if "name" not in args:
        raise Unsupported(CODE, "CachedContent.get() without a name")
    _cache_result(plan, site)


def _plan_list(plan: Plan, site: Site) -> None:
    args = _arguments(site, ("page_size",), ("page_size",), "CachedContent.list")
    if "page_size" in args and not isinstance(args["page_size"].value, cst.Integer):
        raise Unsupported(CODE, "page_size is not a literal")


def _plan_update(plan: Plan, site: Site) -> None:
    args = _arguments(site, (), ("ttl",), "cache.update")
    if "ttl" not in args:
        raise Unsupported(CODE, "cache.update() without ttl (expire_time is not migrated yet)")
    ttl_value(plan, args["ttl"].value)
    if not isinstance(plan.parent(site.call), cst.Expr):
        raise Unsupported(CODE, "the result of cache.update() (None) is used")
    receiver = site.receiver
    if not isinstance(receiver, cst.Name) or plan.scopes.get(receiver) is not \
            plan.binding_scope(receiver):
        # `cache = client.caches.update(...)` would make a global cache local to a function.
        raise Unsupported(CODE, "cache.update() on a cache bound in another scope")


def _plan_delete(plan: Plan, site: Site) -> None:
    if site.call.args:
        raise Unsupported(CODE, "cache.delete() takes no arguments")
    if not isinstance(plan.parent(site.call), cst.Expr):
        raise Unsupported(CODE, "the result of cache.delete() (None) is used")


def _cache_result(plan: Plan, site: Site) -> None:
    parent = plan.parent(site.call)
    if site.holder is None and not (isinstance(parent, cst.Attribute)
                                    and parent.attr.value in CACHE_FIELDS):
        raise Unsupported(CODE, "the cache is used where gemini-migrate cannot follow it")
    if isinstance(parent, cst.Attribute) and parent.attr.value == "display_name" and not (
        site.method == "cache.create" and any(
            a.keyword is not None and a.keyword.value == "display_name"
            for a in site.call.args)
    ):
        raise Unsupported(CODE, "display_name is None, not \"\", when a cache has none")


def _cache_of(plan: Plan, model: Holder) -> cst.Name:
    """The cache a model was built from. Its name is read again at every call, so the cache
    variable must stand for one cache resource: created or fetched once (updates keep it)."""
    builds = [s for s in model.sites if s.method == "cache.model"]
    if len(builds) != 1:
        raise Unsupported(CODE, "the model is built from caches in several places")
    args = _arguments(builds[0], ("cached_content",), ("cached_content",),
                      "GenerativeModel.from_cached_content")
    value = args["cached_content"].value if "cached_content" in args else None
    cache = plan.holders.get(plan.holder_key(value) or "") if isinstance(
        value, cst.Name) else None
    if cache is None and isinstance(value, cst.Name) and _migrated_cache(plan, value):
        return value
    if cache is None or cache.kind != "cache":
        raise Unsupported(CODE, "from_cached_content() of a value that is not a cache created "
                          "or fetched in this file")
    assert isinstance(value, cst.Name)
    producers = [s for s in cache.sites if s.method in PRODUCERS.values()]
    if len(producers) != 1 or producers[0].method == "cache.list":
        raise Unsupported(CODE, f"{value.value!r} may stand for different caches")
    return value


def _migrated_cache(plan: Plan, name: cst.Name) -> bool:
    """A name an earlier round already bound to `client.caches.create|get(...)` (and maybe
    rebound by `client.caches.update`): one cache resource, read the same way."""
    scope = plan.scopes.get(name)
    assignments = [a for a in (scope.assignments[name.value] if scope else ())
                   if isinstance(a, Assignment)]
    methods = []
    for assignment in assignments:
        target = plan.parent(assignment.node)
        assign = plan.parent(target) if isinstance(target, cst.AssignTarget) else None
        value = getattr(assign, "value", None)
        func = value.func if isinstance(value, cst.Call) else None
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
                and func.value.attr.value == "caches"):
            return False
        methods.append(func.attr.value)
    return sorted(m for m in methods if m != "update") in (["create"], ["get"])


def _plan_model(plan: Plan, site: Site) -> None:
    if site.holder is None:  # `from_cached_content(cache).generate_content(...)`: pinned
        raise Unsupported(CODE, "the model is used where gemini-migrate cannot follow it")
    _cache_of(plan, site.holder)


def _plan_generate(plan: Plan, site: Site) -> None:
    assert site.holder is not None
    _cache_of(plan, site.holder)
    args = _arguments(site, ("contents",), ("contents",), "generate_content on a cached model")
    if "contents" not in args:
        raise Unsupported(CODE, "generate_content() without contents")
    _text_or_name(plan, args["contents"].value, "contents")
    result = plan.parent(site.call)
    if isinstance(result, cst.Attribute) and result.value is site.call:
        _response_field(plan, result)
        return
    if isinstance(result, cst.Expr):
        return
    if not (isinstance(result, cst.Assign) and len(result.targets) == 1
            and isinstance(result.targets[0].target, cst.Name)):
        raise Unsupported(CODE, "the response is used where gemini-migrate cannot follow it")
    target = result.targets[0].target
    scope = plan.scopes.get(target)
    assignment = next((a for a in (scope.assignments[target.value] if scope else ())
                       if isinstance(a, Assignment) and a.node is target), None)
    if assignment is None:
        raise Unsupported(CODE, f"cannot resolve the response {target.value!r}")
    for access in plan.refs(assignment):
        # judged read by read (facts/flow.py): a name reused further down is another value
        node = access.node
        if not isinstance(node, cst.Name):
            raise Unsupported(CODE, f"{target.value!r} also holds other values")
        reaching = [getattr(d, "node", None) for d in plan.flow.reaching(node)]
        if not any(d is target for d in reaching):
            continue  # a read of the name that only sees another value
        if any(d is not target for d in reaching):
            raise Unsupported(CODE, f"{target.value!r} also holds other values")
        read = plan.parent(access.node)
        if not (isinstance(read, cst.Attribute) and read.value is access.node):
            raise Unsupported(CODE, f"the response {target.value!r} is used as a whole")
        _response_field(plan, read)


def _response_field(plan: Plan, read: cst.Attribute) -> None:
    outer = plan.parent(read)
    if read.attr.value == "usage_metadata" and not (
        isinstance(outer, cst.Attribute) and outer.value is read
        and outer.attr.value in USAGE_FIELDS
    ):
        raise Unsupported(CODE, "usage_metadata read as a whole prints differently in "
                          "google-genai; only its token counts are migrated")
    if read.attr.value not in RESPONSE_FIELDS:
        raise Unsupported(CODE, f"response.{read.attr.value} is not migrated for a model "
                          "built from a cache")


# -- applying ---------------------------------------------------------------------------------


def convert_site(apply: Apply, site: Site) -> None:
    plan = apply.plan
    client = apply.client
    method = site.method
    call = site.call
    receiver = plan.code(site.receiver)
    if method == "cache.create":
        model, config = _create_parts(plan, site)
        indent = plan.indent_of(call)
        inner = indent + "    "
        items = "".join(f'{inner}    "{k}": {v},\n' for k, v in config)
        text = (f"{client}.caches.create(\n{inner}model={model},\n"
                f"{inner}config={{\n{items}{inner}}},\n{indent})" if config
                else f"{client}.caches.create(model={model})")
        new = cst.parse_expression(text)
        apply.node_edits[call] = lambda n, new=new: new
        message = "CachedContent.create() becomes client.caches.create()"
    elif method == "cache.get":
        arg = call.args[0]
        apply.node_edits[call] = lambda n, arg=arg: n.with_changes(
            func=_attr(f"{client}.caches.get"), args=[_rename(arg, "name", arg.value)])
        message = "CachedContent.get() becomes client.caches.get()"
    elif method == "cache.list":
        args = [_kwarg("config", cst.parse_expression(
            f'{{"page_size": {plan.code(call.args[0].value)}}}'))] if call.args else []
        apply.node_edits[call] = lambda n, a=args: n.with_changes(
            func=_attr(f"{client}.caches.list"), args=a)
        message = "CachedContent.list() becomes client.caches.list()"
    elif method == "cache.update":
        ttl = ttl_value(plan, call.args[0].value)
        statement = plan.parent(call)
        assert isinstance(statement, cst.Expr)
        new_statement = cst.parse_statement(
            f'{receiver} = {client}.caches.update(name={receiver}.name, '
            f'config={{"ttl": {ttl}}})\n')
        assert isinstance(new_statement, cst.SimpleStatementLine)
        assign = new_statement.body[0]
        apply.node_edits[statement] = lambda n, a=assign: a
        message = "cache.update() becomes client.caches.update() (which returns the new cache)"
    elif method == "cache.delete":
        new = cst.parse_expression(f"{client}.caches.delete(name={receiver}.name)")
        apply.node_edits[call] = lambda n, new=new: new
        message = "cache.delete() becomes client.caches.delete()"
    elif method == "cache.model":
        cache = plan.code(call.args[0].value)
        new = cst.parse_expression(f"{cache}.model")
        apply.node_edits[call] = lambda n, new=new: new
        message = "from_cached_content(cache) becomes the cache's model id"
    else:
        assert site.holder is not None
        cache = _cache_of(plan, site.holder).value
        arg = call.args[0]
        cached = _kwarg("config", cst.parse_expression(f'{{"cached_content": {cache}.name}}'))
        apply.node_edits[call] = lambda n, arg=arg, r=site.receiver, c=cached: n.with_changes(
            func=_attr(f"{client}.models.generate_content"),
            args=rebuild_args([arg], {0: _rename(arg, "contents", arg.value)},
                              [_kwarg("model", r)], [c]))
        message = ("generate_content() on a model built from a cache becomes "
                   "client.models.generate_content(..., config={\"cached_content\": ...}) "
                   "(explicit caches have no Interactions equivalent)")
    apply.found(call, "GM038", message)


def pinned_todo(apply: Apply, site: Site) -> bool:
    """Where a pinned cache or cached model comes from gets a TODO line (its holder's pin
    marks the use that pinned it), as a pinned model's constructor does."""
    return site.pin is not None and site.method in (*PRODUCERS.values(), "cache.model")
