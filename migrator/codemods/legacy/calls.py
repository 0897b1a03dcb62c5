"""Planning each legacy call site: generate / send / count / embed / list models, and the
model constructions a site's receiver comes from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import Assignment

from migrator.codemods import caching, media
from migrator.codemods.convert import (
    Unsupported,
    dict_node,
    literal,
    string_value,
)
from migrator.codemods.facts.sdk import COUNT, EMBED, MODELS_API
from migrator.codemods.facts.sites import Construction, Holder, Site
from migrator.codemods.facts.syntax import is_name as _is_name
from migrator.codemods.facts.syntax import kwarg as _kwarg
from migrator.codemods.facts.syntax import rename_kwarg as _rename
from migrator.codemods.legacy.common import (
    GENERATE,
    MODEL_FIELDS,
    TASK_TYPES,
    _as_blocks,
    _clean,
    _embedding_values,
    _vertical,
    layout,
)

if TYPE_CHECKING:
    from migrator.codemods.legacy.plan import Plan


class Calls:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


    def plan_sites(self) -> None:
        for site in self.plan.sites:
            try:
                self.plan_site(site)
            except Unsupported as exc:
                self.plan.pin(site, exc.code, exc.reason, site.call)

    def plan_site(self, site: Site) -> None:
        plan = self.plan
        parent = plan.parent(site.call)
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
            plan.media.plan_files(site)
            return
        if site.method in caching.METHODS:
            caching.plan_site(plan, site)
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
                per_call_config, response_format = plan.options.generation_config(arg.value)
                if response_format is not None:
                    response_format = _vertical(response_format, plan.indent_of(arg))
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
                    value=plan.options.safety_name(arg.value, plan.indent_of(arg)))
            elif name == "request_options":
                site.edits[index] = _rename(arg, "timeout", plan.inputs.timeout(arg.value))
            elif name in ("tools", "tool_config"):
                site.edits[index] = plan.tools.per_call(site, arg, name)
            else:
                raise Unsupported("GM011", f"argument {name!r} is not understood")
        if content_index is None:
            raise Unsupported("GM011", f"{site.method}() without {content_name}")
        content_arg = site.call.args[content_index]
        new_input = plan.tools.round_trip.function_result(site, content_arg.value) or (
            plan.inputs.convert_input(content_arg.value, site))
        if site.holder is not None and site.holder.kind == "chat":
            history = plan.inputs.first_turn_history(site)
            if history:
                new_input = cst.List(
                    [cst.Element(s) for s in history]
                    + [cst.Element(dict_node([("type", literal("user_input")),
                                              ("content", _as_blocks(new_input))]))])
        site.edits[content_index] = _rename(content_arg, "input",
                                            layout(new_input, plan.indent_of(content_arg)))
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
        plan.results.plan_result(site)
        plan.tools.plan_afc(site)

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
        self.plan.inputs.convert_input(args[0].value)  # text only
        model = cst.Subscript(_clean(site.receiver), [cst.SubscriptElement(cst.Index(
            literal("model")))])
        site.prepend = [_kwarg("model", model)]
        site.edits[0] = _rename(args[0], "contents", args[0].value)
        self.plan.results.plan_result(site)

    def plan_models(self, site: Site) -> None:
        """`genai.list_models()` / `genai.get_model(name)` -> `client.models.list()` /
        `client.models.get(model=name)`, when every field read has a google-genai twin."""
        plan = self.plan
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
        parent = plan.parent(site.call)
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
        scope = plan.scopes.get(items)
        if isinstance(parent, cst.CompFor):
            scope = plan.scopes.get(parent.target)
        assignments = [a for a in (scope.assignments[items.value] if scope else ())
                       if isinstance(a, Assignment)]
        if len(assignments) != 1:
            raise Unsupported("GM014", f"{items.value!r} is reused for other values")
        for access in plan.refs(assignments[0]):
            node = access.node
            holder = plan.parent(node)
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
        if self.plan.inputs.surely_text(content):
            batch = False
        elif isinstance(content, (cst.List, cst.Tuple)) and content.elements and all(
            isinstance(e, cst.Element) and self.plan.inputs.surely_text(e.value)
            for e in content.elements
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
        plan = self.plan
        result = site.result
        assert result is not None
        parent = plan.parent(result)
        reads: list[cst.CSTNode] = []
        if isinstance(parent, cst.Subscript) and parent.value is result:
            reads = [parent]
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(
            parent.targets[0].target, cst.Name
        ):
            target = parent.targets[0].target
            scope = plan.scopes.get(target)
            assignments = [a for a in (scope.assignments[target.value] if scope else ())
                           if isinstance(a, Assignment)]
            if len(assignments) != 1:
                raise Unsupported("GM014", f"{target.value!r} is reused for other values")
            for access in plan.refs(assignments[0]):
                read = plan.parent(access.node)
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
        return any("code_execution" in self.plan.code(node) for node in tools)

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
