"""`client.chats`: a chat becomes a dict of create arguments plus
`previous_interaction_id`; its history goes with the first turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import libcst as cst

from migrator.codemods.genai_convert import (
    FOLLOW,
    Item,
    Unsupported,
    dict_node,
    history_steps,
    indent_of,
    layout_dict,
    reindent,
    string_value,
    vertical,
)
from migrator.codemods.genai_models.common import (
    CHATS,
    LAZY,
    Edit,
    Unit,
)
from migrator.codemods.genai_models.helpers import (
    _previous_update,
    _same_assignments,
)

if TYPE_CHECKING:
    from migrator.codemods.genai_models.core import Pass


class Chats:
    def __init__(self, core: Pass) -> None:
        self.core = core


    def chat_key(self, call: cst.Call) -> Any:
        parent = self.core.parent(call)
        if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
            return ("unassigned", id(call))
        receiver = parent.targets[0].target
        if isinstance(receiver, cst.Name):
            return ("scoped", id(self.core.scopes.get(receiver)), receiver.value)
        return self.receiver_key(receiver) or ("unknown", id(call))

    def plan_chat(self, creates: list[tuple[cst.Call, cst.BaseExpression, bool]],
                  bindings: dict[Any, list[Unit]]) -> None:
        """Every `chats.create` stored in one place, and every turn taken on it."""
        core = self.core
        units = []
        for call, _, _ in creates:
            unit = Unit(call, CHATS)
            core.units.append(unit)
            units.append(unit)
        turns: list[Unit] = []
        core.groups.append(units)
        call, client, is_async = creates[0]
        code = cst.Module([]).code_for_node
        try:
            if any(code(c) != code(client) or a != is_async for _, c, a in creates):
                raise Unsupported(FOLLOW, "the chat is created on different clients")
            parent = core.parent(call)
            if not (isinstance(parent, cst.Assign) and len(parent.targets) == 1):
                raise Unsupported(FOLLOW, "a chat that is not assigned to a variable")
            receiver = parent.targets[0].target
            key = self.receiver_key(receiver)
            if key is None or isinstance(client, cst.Call):
                raise Unsupported(FOLLOW, "a chat stored where gemini-migrate cannot follow it")
            for unit in units:
                unit.edit(unit.call, "chat", self.chat_dict(unit, unit.call))
            uses = self.chat_uses(receiver, key, {id(c) for c, _, _ in creates})
        except Unsupported as error:
            units[0].fail(error)
            return
        history = [step for unit in units for step in unit.history]
        first: cst.Call | None = None
        if history:
            try:
                first = self.first_turn(units, receiver, uses)
            except Unsupported as error:
                units[0].fail(error)
                return
        for use in uses:
            turn = Unit(use, CHATS)
            turn.parsed = units[0].parsed if len({u.parsed for u in units}) == 1 else None
            core.units.append(turn)
            turns.append(turn)
            try:
                for create, _, _ in creates:
                    self.check_client_reach(client, create, use)
                self.plan_turn(turn, use, client, is_async, bindings,
                               history if use is first else [])
            except Unsupported as error:
                turn.fail(error)
        units.extend(turns)

    def first_turn(self, units: list[Unit], receiver: cst.BaseExpression,
                   uses: list[cst.Call]) -> cst.Call:
        """The history goes with the chat's first message, which must statically be the
        first: the next statement after chats.create that touches the chat, in the same block
        (the rule the legacy codemod follows for start_chat(history=...))."""
        core = self.core
        if len(units) != 1 or not isinstance(receiver, cst.Name):
            raise Unsupported(FOLLOW, "history replay needs one chat created in one place")
        start = core.statement(units[0].call)
        block = core.parent(start) if start is not None else None
        body = list(getattr(block, "body", ()) or ())
        if start not in body:
            raise Unsupported(FOLLOW, "cannot tell which message is the chat's first")
        for stmt in body[body.index(start) + 1:]:
            inside = [use for use in uses if core.inside(use, stmt)]
            if not inside:
                continue
            if len(inside) == 1 and core.statement(inside[0]) is stmt and not isinstance(
                    stmt, (cst.For, cst.While)) or (isinstance(stmt, cst.For)
                                                   and core.inside(inside[0], stmt.iter)):
                return inside[0]
            break
        raise Unsupported(FOLLOW, "the chat's first message is not in straight-line code after "
                                  "chats.create(history=...)")

    def receiver_key(self, node: cst.BaseExpression) -> tuple[str, ...] | None:
        # Deliberately not scoped: `self.core.chat` in every method (and every class) is one key, so
        # a use elsewhere is checked rather than missed.
        if isinstance(node, cst.Name):
            return ("name", node.value)
        if isinstance(node, cst.Attribute):
            base = self.receiver_key(node.value)
            return None if base is None else (*base, node.attr.value)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if not isinstance(index, cst.Index):
                return None
            base = self.receiver_key(node.value)
            value = index.value
            text = string_value(value)
            if base is None:
                return None
            if text is not None:
                return (*base, text)
            if isinstance(value, (cst.Name, cst.Integer)):
                return (*base, "[" + cst.Module([]).code_for_node(value) + "]")
        return None

    def chat_uses(self, receiver: cst.BaseExpression, key: tuple[str, ...],
                  creates: set[int]) -> list[cst.Call]:
        """Every `<receiver>.send_message(...)` of the chat; anything else fails the chat."""
        core = self.core
        occurrences: list[cst.BaseExpression] = []
        if isinstance(receiver, cst.Name):
            for assignment in core.results.assignments_in_scope(receiver):
                value = core.assigned_value(assignment)
                if id(value) not in creates:
                    raise Unsupported(FOLLOW, f"`{receiver.value}` is also assigned something "
                                              "other than a chat")
                occurrences.extend(cast(cst.BaseExpression, a.node)
                                   for a in assignment.references)
        else:
            base_key = key[:-1]
            for expr in core.collect.exprs:
                expr_key = self.receiver_key(expr)
                if expr_key == key:
                    occurrences.append(expr)
                elif expr_key == base_key and isinstance(expr, cst.Attribute) and \
                        expr.attr.value in ("get", "pop", "setdefault"):
                    raise Unsupported(FOLLOW, "the chat is read through .get()/.pop()")
            if key[-1].startswith("["):
                self.check_container(key)
            for expr in occurrences:
                parent = core.parent(expr)
                if isinstance(parent, cst.AssignTarget):
                    value = cast(cst.Assign, core.parent(parent)).value
                    if id(value) not in creates:
                        raise Unsupported(FOLLOW, "the chat is reassigned")
            occurrences = [e for e in occurrences
                           if not isinstance(core.parent(e), cst.AssignTarget)]
        uses: list[cst.Call] = []
        pending = list(occurrences)
        while pending:
            expr = pending.pop(0)
            attr = core.parent(expr)
            if isinstance(attr, cst.Del):
                continue  # `del chats[uid]` drops the entry, whatever it holds
            alias = core.results.assigned_name(expr)
            if alias is not None and not isinstance(receiver, cst.Name):
                # `session = chats[uid]` then `session.send_message(...)`: the dict is shared
                # exactly as the chat object was, so turns through the alias update it too.
                assignments = core.results.assignments_in_scope(alias)
                if len(assignments) != 1:
                    raise Unsupported(FOLLOW, f"`{alias.value}` holds the chat and other values")
                pending.extend(cast(cst.BaseExpression, a.node)
                               for a in assignments[0].references)
                continue
            call = core.parent(attr) if attr is not None else None
            if not (isinstance(attr, cst.Attribute) and attr.value is expr
                    and isinstance(call, cst.Call) and call.func is attr
                    and attr.attr.value in ("send_message", "send_message_stream")):
                what = f"chat.{attr.attr.value}" if isinstance(attr, cst.Attribute) \
                    else "the chat object"
                raise Unsupported(FOLLOW, f"{what} is used in a way that has no Interactions "
                                          "equivalent here")
            uses.append(call)
        return uses

    def check_container(self, key: tuple[str, ...]) -> None:
        """`chats[user_id]`: `chats` itself may only be indexed the same way, tested with `in`,
        have items deleted, or be set to an empty dict."""
        core = self.core
        base_key = key[:-1]
        for expr in [*core.collect.exprs, *core.collect.name_nodes]:
            if self.receiver_key(expr) != base_key:
                continue
            parent = core.parent(expr)
            if (isinstance(parent, cst.Attribute) and parent.attr is expr) or (
                    isinstance(parent, cst.Arg) and parent.keyword is expr):
                continue  # `client.chats`, `f(chats=...)`: a different name
            if isinstance(parent, cst.Subscript) and parent.value is expr:
                if self.receiver_key(parent) == key or isinstance(core.parent(core.parent(
                        parent) or parent), cst.Del) or isinstance(core.parent(parent), cst.Del):
                    continue
            elif isinstance(parent, cst.ComparisonTarget) and isinstance(
                    parent.operator, (cst.In, cst.NotIn)):
                continue
            elif isinstance(parent, (cst.AssignTarget, cst.AnnAssign)):
                stmt = core.parent(parent) if isinstance(parent, cst.AssignTarget) else parent
                value = getattr(stmt, "value", None)
                if isinstance(value, cst.Dict) and not value.elements:
                    continue
            elif isinstance(parent, cst.NameItem):  # `global chats`
                continue
            raise Unsupported(FOLLOW, "the chat container is used in other ways")

    def chat_dict(self, unit: Unit, call: cst.Call) -> Edit:
        """`chats.create(model=, config=)` -> the dict of create() arguments, laid out like
        the call (and keeping its comments)."""
        core = self.core
        items: list[Item] = []
        spread: cst.Name | None = None
        inner = indent_of(call.whitespace_before_args)
        for arg in call.args:
            if arg.keyword is None or arg.star:
                raise Unsupported(FOLLOW, "chats.create with positional or ** arguments")
            key = arg.keyword.value
            if key == "model":
                items.append(Item("model", core.calls.model_value(unit, arg.value), arg))
            elif key == "config" and isinstance(arg.value, cst.Name):
                unit.parsed = core.calls.shared_config(unit, arg.value).parsed
                spread = arg.value
            elif key == "config":
                parts = core.calls.config_parts(arg.value)
                unit.parsed = parts.parsed
                for item in parts.top:
                    value = reindent(item.value, inner + "    ") if inner is not None \
                        else item.value
                    items.append(Item(item.key, value, item.source, item.anchor or arg))
                if parts.generation:
                    config_inner = indent_of(arg.value.whitespace_before_args) if isinstance(
                        arg.value, cst.Call) else indent_of(arg.value.lbrace.whitespace_after) \
                        if isinstance(arg.value, cst.Dict) else None
                    generation = layout_dict(parts.generation, arg.value, inner + "    ") \
                        if inner is not None and config_inner is not None \
                        else dict_node([(i.key, i.value) for i in parts.generation])
                    items.append(Item("generation_config", generation, None, arg))
            elif key == "history":
                unit.history = history_steps(arg.value, core.is_types, core.values.is_text)
            else:
                raise Unsupported(FOLLOW, f"chats.create({key}=...) is not migrated")
        if not any(item.key == "model" for item in items):
            raise Unsupported(FOLLOW, "chats.create without model=")
        items.append(Item("previous_interaction_id", cst.Name("None")))
        new = layout_dict(items, call)
        if spread is not None:
            elements = list(new.elements)
            elements.insert(1, cst.StarredDictElement(spread, comma=elements[0].comma))
            new = new.with_changes(elements=elements)
        if inner is None and len(cst.Module([]).code_for_node(new)) > 72:
            new = vertical(new, "")
        return lambda _node: core.refresh(new)

    def plan_turn(self, turn: Unit, call: cst.Call, client: cst.BaseExpression, is_async: bool,
                  bindings: dict[Any, list[Unit]], history: list[cst.BaseExpression]) -> None:
        core = self.core
        func = cast(cst.Attribute, call.func)
        chat = func.value
        stream = func.attr.value == "send_message_stream"
        client_func = cst.Attribute(
            cst.Attribute(cst.Attribute(client, cst.Name("aio")) if is_async else client,
                          cst.Name("interactions")),
            cst.Name("create"))
        core.calls.rewrite_call(turn, call, chat, stream, client_func, history)
        node = core.awaited(call, is_async)
        parent = core.parent(node)
        if stream:
            if not (isinstance(parent, cst.For) and parent.iter is node):
                raise Unsupported(FOLLOW, "send_message_stream not consumed by a plain for loop")
            core.results.plan_loop(turn, parent, chat)
            return
        if isinstance(parent, cst.Expr):
            stmt = core.parent(parent)

            def update(n: cst.Expr) -> cst.BaseSmallStatement:
                value = n.value
                if isinstance(value, cst.Await):
                    value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                return _previous_update(chat, cst.Attribute(value, cst.Name("id"))).body[0]

            assert stmt is not None
            turn.edit(parent, "turn", update)
            return
        name = core.results.assigned_name(node)
        stmt = core.statement(node)
        if name is not None and isinstance(stmt, cst.SimpleStatementLine):
            turn.after[id(stmt)] = (stmt, [_previous_update(
                chat, cst.Attribute(cst.Name(name.value), cst.Name("id")))])
            key = ("name", id(core.scopes[name]), name.value)
            bindings.setdefault(key, []).append(turn)
            return
        # `print(chat.send_message(m).text)`: hoist the turn into its own statement.
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            raise Unsupported(FOLLOW, "a chat turn inside a compound statement header")
        current = core.parent(node)
        while current is not None and current is not stmt:
            if isinstance(current, LAZY):
                raise Unsupported(FOLLOW, "a chat turn inside a conditional expression")
            current = core.parent(current)
        if not (isinstance(parent, cst.Attribute) and parent.value is node):
            raise Unsupported(FOLLOW, "the chat reply is used directly")
        temp = core.temp_name("reply")
        core.results.plan_response_use(turn, node, turn.parsed)
        placeholder = f"__gemini_migrate_hoisted_{id(node)}__"
        hoisted = core.hoisted

        def hoist(n: cst.BaseExpression) -> cst.BaseExpression:
            hoisted[placeholder] = n
            return cst.Name(temp)

        turn.edit(node, "hoist", hoist)
        # After what the contents need first (an image encoded before the statement).
        turn.before.setdefault(id(stmt), (stmt, []))[1].extend([
            cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(temp))],
                                                cst.Name(placeholder))]),
            _previous_update(chat, cst.Attribute(cst.Name(temp), cst.Name("id"))),
        ])

    def check_client_reach(self, client: cst.BaseExpression, create: cst.Call,
                           use: cst.Call) -> None:
        if isinstance(client, cst.Name):
            here = self.core.scopes.get(use)
            there = self.core.scopes.get(create)
            if here is None or there is None or not _same_assignments(here, there, client.value):
                raise Unsupported(FOLLOW, f"`{client.value}` is not the same client where the "
                                          "chat is used")
        elif isinstance(client, cst.Attribute) and (
                self.enclosing_class(use) is not self.enclosing_class(create)):
                raise Unsupported(FOLLOW, "the chat is used outside the class that holds its "
                                          "client")

    def enclosing_class(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current = self.core.parent(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.core.parent(current)
        return current
