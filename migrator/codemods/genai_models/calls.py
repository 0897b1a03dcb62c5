"""Rewriting one `models.generate_content` call: the model id (and its substitutions at
the source), the config (shared config variables included) and error handling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import libcst as cst

from migrator.codemods.facts.modelsource import (
    argument_sources,
    lookup_use,
    model_source,
    tuned_model,
)
from migrator.codemods.facts.nodes import same_quotes
from migrator.codemods.genai_convert import (
    CONFIG as CONFIG_CODE,
)
from migrator.codemods.genai_convert import (
    CONTENTS,
    FOLLOW,
    ConfigParts,
    Item,
    Unsupported,
    convert_config,
    convert_contents,
    dict_node,
    indent_of,
    layout_dict,
    reindent,
    string_value,
    text_block,
    user_input,
)
from migrator.codemods.genai_models.common import (
    MODEL_KEY,
    MODEL_SUBSTITUTED,
    TUNED,
    Unit,
)
from migrator.codemods.genai_models.helpers import (
    _COMMA,
    _EQUAL,
    _stacked,
    _unfold_content,
    config_args,
)
from migrator.codemods.genai_models.media import resolver

if TYPE_CHECKING:
    from migrator.codemods.genai_models.core import Pass


class Calls:
    def __init__(self, core: Pass) -> None:
        self.core = core


    def rewrite_call(self, unit: Unit, call: cst.Call, chat: cst.BaseExpression | None,
                     stream: bool, client_func: cst.BaseExpression | None,
                     history: list[cst.BaseExpression] | None = None) -> None:
        """Plan `<client>.models.generate_content(...)` -> `<client>.interactions.create(...)`.

        For a chat turn, `chat` is the chat receiver (sent as `**chat`) and `client_func` the
        `<client>.interactions.create` to call.
        """
        core = self.core
        self.check_error_handling(call)
        args: list[cst.Arg] = []
        seen: set[str] = set()
        for index, arg in enumerate(call.args):
            if arg.star or (arg.keyword is None and not (chat is not None and index == 0)):
                raise Unsupported(CONTENTS if chat is None else FOLLOW,
                                  "positional or ** arguments")
            key = "message" if arg.keyword is None else arg.keyword.value
            seen.add(key)
            if key == "model" and chat is None:
                args.append(arg.with_changes(value=self.model_value(unit, arg.value)))
            elif key in ("contents", "message") and not history and (
                    listed := core.list_variable(arg.value)) is not None:
                # `parts = [...]` read only here: the list itself becomes the input.
                converted = convert_contents(listed, core.is_types, core.values.is_text,
                                             file_mime=core.values.file_mime,
                                             resolve=resolver(core, unit, listed, call))
                unit.imports |= converted.imports
                unit.edit(listed, "contents", core.replacement(converted.value))
                args.append(arg.with_changes(keyword=cst.Name("input"), equal=_EQUAL))
            elif key in ("contents", "message"):
                converted = convert_contents(arg.value, core.is_types, core.values.is_text,
                                             file_mime=core.values.file_mime,
                                             resolve=resolver(core, unit, call))
                unit.imports |= converted.imports
                value = converted.value
                if not history and len(cst.Module([]).code_for_node(value)) > 72:
                    previous = call.args[index - 1].comma if index else None
                    base = indent_of(previous.whitespace_after) if isinstance(
                        previous, cst.Comma) else None
                    value = _unfold_content(value, base or "")
                if history:
                    if isinstance(value, cst.List):
                        turn = [e.value for e in value.elements]
                    else:
                        turn = [user_input(cst.List([cst.Element(text_block(value))]))]
                    value = _stacked([*history, *turn])
                args.append(arg.with_changes(keyword=cst.Name("input"), value=value,
                                             equal=_EQUAL))
            elif key == "config" and chat is None and isinstance(arg.value, cst.Name) \
                    and arg.value.value == "None":
                if args and index == len(call.args) - 1:
                    args[-1] = args[-1].with_changes(comma=arg.comma)  # keep the layout
            elif key == "config" and chat is None and isinstance(arg.value, cst.Name):
                unit.parsed = self.shared_config(unit, arg.value).parsed
                args.append(cst.Arg(arg.value, star="**", comma=arg.comma,
                                    whitespace_after_arg=arg.whitespace_after_arg))
            elif key == "config" and chat is None:
                parts = self.config_parts(arg.value)
                unit.parsed = parts.parsed
                unit.imports |= parts.imports
                between = call.args[index - 1].comma if index else arg.comma
                args.extend(config_args(parts, arg, between))
            else:
                raise Unsupported(FOLLOW if chat is not None else CONTENTS,
                                  f"the {key}= argument is not migrated")
        if chat is None and not {"model", "contents"} <= seen:
            raise Unsupported(CONTENTS, "model= and contents= must be keyword arguments")
        if chat is not None and "message" not in seen:
            raise Unsupported(FOLLOW, "send_message without a message")
        if chat is not None:
            args.insert(0, cst.Arg(chat, star="**", comma=_COMMA))
        if stream:
            # `stream=True` takes the last argument's place in the layout (trailing comma,
            # closing-paren indentation); the old last argument gets an ordinary separator.
            last = args[-1]
            earlier = args[-2].comma if len(args) > 1 else _COMMA
            separator = earlier if isinstance(earlier, cst.Comma) else _COMMA
            args[-1] = last.with_changes(comma=separator,
                                         whitespace_after_arg=cst.SimpleWhitespace(""))
            args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("stream"), equal=_EQUAL,
                                comma=last.comma,
                                whitespace_after_arg=last.whitespace_after_arg))
        if client_func is None:
            func = cast(cst.Attribute, call.func)
            models = cast(cst.Attribute, func.value)
            client_func = func.with_changes(attr=cst.Name("create"),
                                            value=models.with_changes(
                                                attr=cst.Name("interactions")))
        new_func = client_func
        new_args = args
        unit.edit(call, "call", lambda node: node.with_changes(
            func=core.refresh(new_func), args=[core.refresh(a) for a in new_args]))

    def check_error_handling(self, call: cst.Call) -> None:
        """Interactions raises its own error classes, not google.genai.errors.*: a call whose
        errors are caught (or expected by pytest.raises) as those would change behaviour."""
        core = self.core
        child: cst.CSTNode = call
        current = core.parent(call)
        while current is not None:
            caught: list[cst.BaseExpression] = []
            if isinstance(current, cst.Try) and child is current.body:
                caught = [h.type for h in current.handlers if h.type is not None]
            elif isinstance(current, cst.With) and child is current.body:
                caught = [arg.value for item in current.items
                          if isinstance(item.item, cst.Call) for arg in item.item.args]
            for node in caught:
                names = [e.value for e in node.elements] if isinstance(node, cst.Tuple) \
                    else [node]
                if any(q.startswith("google.genai.errors") for n in names
                       for q in core.qualified(n)):
                    raise Unsupported(FOLLOW, "google.genai.errors handlers do not catch "
                                              "Interactions errors")
            child, current = current, core.parent(current)

    def model_value(self, unit: Unit, node: cst.BaseExpression) -> cst.BaseExpression:
        core = self.core
        tuned = tuned_model(node, core.scopes, core.parent, core.qualified)
        if tuned is not None:
            raise Unsupported(TUNED, f"the model is a tuned model ({tuned}): the Interactions "
                              "API serves base models only")
        value = string_value(node)
        if value is None:
            self.model_at_source(unit, node)
            return node
        new_id, info = core.ctx.models.interactions_name(value)
        if new_id == value:
            return node
        if info is not None and not core.ctx.enabled(MODEL_SUBSTITUTED, core.path):
            return node
        if info is not None:
            unit.fixed.append((node, MODEL_SUBSTITUTED,
                               f"model {value!r} is refused by the Interactions API; "
                               f"using {new_id!r}", {"from": value, "to": new_id}))
        return same_quotes(node, new_id)

    def model_at_source(self, unit: Unit, node: cst.BaseExpression) -> None:
        """`model=MODEL` where the id is written in a constant, a parameter's default or a
        getenv default: substituted there, once this call migrates."""
        core = self.core
        source = model_source(node, core.scopes, core.parent, core.qualified)
        literals = [source.string] if source is not None and source.string is not None else []
        # The ids passed for a parameter (`Bot("gemini-2.0-flash")`) reach the call too.
        literals += argument_sources(node, core.scopes, core.parent, core.qualified)
        for literal_node in literals:
            self.substitute_at(unit, literal_node)

    def substitute_at(self, unit: Unit, literal_node: cst.SimpleString) -> None:
        core = self.core
        value = string_value(literal_node)
        if value is None:
            return
        new_id, info = core.ctx.models.interactions_name(value)
        if info is None or new_id == value or not core.ctx.enabled(MODEL_SUBSTITUTED, core.path):
            return
        key = lookup_use(literal_node, core.scopes, core.parent)
        if key is not None:
            raise Unsupported(MODEL_KEY, f"the model id {value!r} would be refused by the "
                              f"Interactions API, and the name holding it is also a lookup key "
                              f"(`{core.module.code_for_node(key)}`): "
                              "change the id and the keys it is looked up in by hand")
        unit.fixed.append((literal_node, MODEL_SUBSTITUTED,
                           f"model {value!r} is refused by the Interactions API; "
                           f"substituted {new_id!r}", {"from": value, "to": new_id}))
        def substitute(n: cst.CSTNode) -> cst.CSTNode:
            return same_quotes(cast(cst.BaseExpression, n), new_id)

        unit.edit(literal_node, "model", substitute)

    def shared_config(self, unit: Unit, name: cst.Name) -> ConfigParts:
        """`config=cfg` where `cfg = types.GenerateContentConfig(...)`: the assignment becomes a
        dict of create() arguments and every call spreads it (`**cfg`). Every use of `cfg`
        must be such a call, checked once all calls are planned (`settle_configs`)."""
        core = self.core
        found = core.referents(name)
        if len(found) != 1:
            raise Unsupported(CONFIG_CODE, f"`{name.value}` is not assigned exactly once")
        assignment = next(iter(found))
        value = core.assigned_value(assignment)
        if value is None:
            raise Unsupported(CONFIG_CODE, f"`{name.value}` is not a literal config")
        parts = self.config_parts(value)
        indent = indent_of(value.whitespace_before_args) if isinstance(value, cst.Call) \
            else indent_of(value.lbrace.whitespace_after) if isinstance(value, cst.Dict) else None
        items = [Item(i.key, reindent(i.value, indent + "    "), i.source) if indent else i
                 for i in parts.top]
        if parts.generation:
            generation = layout_dict(parts.generation, value, indent + "    ") if indent \
                else dict_node([(i.key, i.value) for i in parts.generation])
            items.append(Item("generation_config", generation))
        new = layout_dict(items, value) if items else cst.Dict([])
        unit.edit(value, "config", lambda _n: core.refresh(new))
        users = core.config_users.setdefault(id(assignment), (assignment, []))[1]
        users.append(unit)
        unit.imports |= parts.imports
        return parts

    def settle_configs(self) -> None:
        core = self.core
        for assignment, users in core.config_users.values():
            calls = {id(u.call) for u in users}
            core.groups.append(users)
            for access in assignment.references:
                arg = core.parent(access.node)
                call = core.parent(arg) if arg is not None else None
                if not (isinstance(arg, cst.Arg) and arg.keyword is not None
                        and arg.keyword.value == "config" and id(call) in calls):
                    users[0].fail(Unsupported(CONFIG_CODE, f"`{assignment.name}` is used "
                                                           "other than as config= of a migrated "
                                                           "call"))
                    break

    def config_parts(self, node: cst.BaseExpression) -> ConfigParts:
        core = self.core
        return convert_config(node, core.is_types, core.values.is_text, core.values.schema_class)
