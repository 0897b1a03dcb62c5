"""`model.startChat()` / `chat.sendMessage[Stream]()` -> `previous_interaction_id` chains.

A chat becomes a plain object of create() parameters, `{ ...model, previous_interaction_id:
undefined }`, spread into each turn; after a turn the code stores the new id on it
(`chat.previous_interaction_id = result.id`; a stream takes it from its `interaction.created`
event). Because the object is updated in place, chats kept in a name, a class field, a `Map`
or an object keyed by session keep working wherever they are looked up again. Legacy history
is sent as steps with the first message when that message is the next statement (the first
turn must be known statically); otherwise the chat stays (GM524).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator.js.contents import Contents, user_step
from migrator.js.layout import create_call, indent_unit, object_text
from migrator.js.results import Reads, bound_name, called, member_of, outer
from migrator.js.source import Change, Escape, Source, object_pairs, same, unwrap
from migrator.js.streams import Streams
from migrator.js.types import annotation_of, field_annotation, retype

if TYPE_CHECKING:
    from ast_grep_py import SgNode

    from migrator.js.legacy import Model

SENDS = ("sendMessage", "sendMessageStream")
_MAP_METHODS = {"has", "delete", "clear", "size", "get", "set"}
# A receiver repeated in `<chat>.previous_interaction_id = ...` must name the same chat again.
_PURE = re.compile(r"^[\w$.]+(?:\[[\w$.'\"]+\])?(?:\.get\([\w$.'\"]+\))?$")


# What the legacy SDK reads from request options (0.24.1 `makeModelRequest`, `RequestUrl`,
# `getHeaders`, `buildFetchOptions`; older releases read fewer): any other key did nothing.
LEGACY_REQUEST_OPTIONS = {"timeout", "signal", "apiVersion", "baseUrl", "customHeaders",
                          "apiClient"}


def request_options(node: SgNode, src: Source | None = None,
                    change: Change | None = None) -> str:
    """Legacy per-call request options as create()'s second argument ("" when none is left).
    Only `timeout` has the same meaning there (milliseconds, in every @google/genai version);
    `signal` moved into `fetch_options` at 2.9.0, and the base URL, API version and headers
    belong to the client. A key the legacy SDK never read is dropped (GM529)."""
    inner = unwrap(node)
    if inner is None or inner.kind() != "object":
        raise Escape("GM521", node, "the request options are not an object literal")
    kept: list[str] = []
    dropped: list[tuple[str, SgNode]] = []
    for key, pair, value in object_pairs(inner):
        if pair.kind() == "shorthand_property_identifier":
            key = pair.text()
        if key == "timeout":
            kept.append(pair.text())
            continue
        if key is not None and key not in LEGACY_REQUEST_OPTIONS and src is not None and \
                change is not None and _no_effects(value):
            dropped.append((key, pair))
            continue
        raise Escape("GM521", pair, f"request option `{key or pair.text()}` has no "
                     "portable twin on `interactions.create` (only `timeout` moves); set "
                     "it on the client or migrate by hand")
    if not dropped:
        return inner.text()
    assert src is not None and change is not None
    for key, pair in dropped:
        change.findings.append(src.fixed(pair, "GM529", f"request option `{key}` was never "
                                         "read by the legacy SDK; dropped"))
    return "{ " + ", ".join(kept) + " }" if kept else ""


def _no_effects(value: SgNode) -> bool:
    """A value whose evaluation does nothing but read: dropping it changes no behaviour."""
    return value.kind() in ("identifier", "shorthand_property_identifier", "string", "number",
                            "true", "false", "null", "undefined", "member_expression") and \
        not value.find(kind="call_expression")


@dataclass
class _Holders:
    names: set[str] = field(default_factory=set)  # identifiers that hold a chat
    maps: set[str] = field(default_factory=set)  # Map names / objects keyed by session
    fields: set[str] = field(default_factory=set)  # `this.chat`
    sends: list[SgNode] = field(default_factory=list)


class Chats:
    def __init__(self, src: Source, change: Change, model: Model) -> None:
        self.src = src
        self.change = change
        self.model = model
        self.holders = _Holders()
        self.seen: set[tuple[str, str]] = set()
        self.first_turn: dict[int, list[str]] = {}  # send call start -> history steps
        # send call start -> what the call's own options add: create() parameters and the
        # request options that go as create()'s second argument
        self.turn_members: dict[int, list[str]] = {}
        self.turn_options: dict[int, str] = {}

    def start(self, call: SgNode) -> None:
        """A `startChat(...)` call on the model."""
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        extra = ""
        history: list[str] = []
        if len(args) > 1:
            raise Escape("GM521", call, "startChat() with request options is not migrated")
        if args:
            params = args[0]
            if params.kind() != "object":
                raise Escape("GM524", params, "the chat parameters are not an object literal")
            from migrator.js.config import Converter

            if any(k == "generationConfig" for k, _p, _v in object_pairs(params)) and \
                    self.model_config_elsewhere():
                raise Escape("GM521", params, "the chat's generationConfig replaces the model's "
                             "whole, which also set a response format or tool choice that "
                             "Interactions keeps elsewhere; migrate by hand")
            converter = Converter(self.src)
            converted = converter.model_params(params, chat=True)
            for node, new in converter.extra:
                self.change.replace(node, new)
            if converter.dropped:
                raise Escape("GM520", params, "the chat's generation config has keys with no "
                             "Interactions equivalent")
            for key, pair, value in object_pairs(params):
                if key == "history" or pair.kind() == "shorthand_property_identifier" and \
                        pair.text() == "history":
                    history = Contents(self.src).history(value)
            inner = converted.text.strip()[1:-1].strip().rstrip(",")
            if converted.has_system or converted.has_tools:
                raise Escape("GM524", params, "a chat that changes the system instruction or "
                             "tools of its model is not migrated")
            if inner:
                extra = f"{inner}, "
        ts = " as string | undefined" if self.src.typescript else ""
        members = [f"...{self.model.ref}", *([extra.rstrip(", ")] if extra else []),
                   f"previous_interaction_id: undefined{ts}"]
        # `await model.startChat(...)` (legacy startChat is synchronous): the await goes with it
        holder = call.parent()
        target = holder if holder is not None and holder.kind() == "await_expression" else call
        text = object_text(members, self.src.indent_of(self.src.statement_of(call)),
                           target.range().start.column, indent_unit(self.src.text))
        self.change.replace(target, text)
        self.change.findings.append(self.src.fixed(call, "GM505", "the chat became a "
                                                   "`previous_interaction_id` chain"))
        self.hold(call, history)

    def model_config_elsewhere(self) -> bool:
        """True when the model's generation settings live outside `generation_config` after
        the rewrite (`response_format`, `tool_choice`) or cannot be seen: a chat's own
        `generationConfig` replaced them all on the legacy SDK."""
        args = [a for a in self.model.node.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"] if self.model.node.field("arguments") is not None else []
        if len(args) != 1 or args[0].kind() != "object":
            return True
        for key, _pair, value in object_pairs(args[0]):
            if key == "toolConfig":
                return True
            if key == "generationConfig":
                if value.kind() != "object":
                    return True
                if any(k in ("responseMimeType", "responseSchema", None)
                       for k, _p, _v in object_pairs(value)):
                    return True
        return False

    def hold(self, value: SgNode, history: list[str]) -> None:
        """Where the chat value goes: a name, a field, a Map or an object keyed by session."""
        node = outer(value)
        parent = node.parent()
        name = bound_name(value)
        if name is not None:
            if history:
                self.history_turn(name, history)
            self.add_name(name)
            return
        if history:
            raise Escape("GM524", value, "the chat has history but its first message is not "
                         "the next statement, so the history cannot be sent with it")
        if parent is not None and parent.kind() == "assignment_expression":
            left = parent.field("left")
            if left is not None and left.kind() == "member_expression" and \
                    left.text().startswith("this."):
                self.add_field(left.text(), left)
                return
            if left is not None and left.kind() == "subscript_expression":
                obj = left.field("object")
                if obj is not None and obj.kind() == "identifier":
                    self.add_map(obj)
                    return
        if parent is not None and parent.kind() == "public_field_definition":
            prop = parent.field("name")
            if prop is not None:
                self.add_field(f"this.{prop.text()}", parent)
                return
        if parent is not None and parent.kind() == "arguments":
            call = parent.parent()
            func = call.field("function") if call is not None else None
            if func is not None and func.kind() == "member_expression" and \
                    func.field("property").text() == "set":  # type: ignore[union-attr]
                target = func.field("object")
                if target is not None and target.kind() == "identifier":
                    self.add_map(target)
                    return
        if parent is not None and parent.kind() == "member_expression":
            send = called(parent)
            prop = parent.field("property")
            if send is not None and prop is not None and prop.text() in SENDS:
                raise Escape("GM521", value, "a chat used once without a name cannot keep "
                             "its interaction id; hold it in a name")
        raise Escape("GM521", value, "the chat is kept where the rewrite cannot follow it "
                     "(returned, passed on or stored elsewhere)")

    def history_turn(self, name: SgNode, history: list[str]) -> None:
        statement = self.src.statement_of(name)
        following = statement.next()
        while following is not None and following.kind() == "comment":
            following = following.next()
        sends = list(following.find_all(kind="identifier", regex=f"^{name.text()}$")
                             if following is not None else [])
        first = None
        if sends:
            member = member_of(sends[0])
            if member is not None and member[1] in SENDS:
                first = called(member[0])
        if first is None:
            raise Escape("GM524", name, "the chat has history but its first message is not "
                         "the next statement, so the history cannot be sent with it")
        self.first_turn[first.range().start.index] = history

    # -- holders ---------------------------------------------------------------------------------

    def add_name(self, node: SgNode) -> None:
        name = node.text()
        declaration = self.src.binding(node)
        if declaration is None:
            raise Escape("GM521", node, f"`{name}` is not declared in this file")
        key = ("name", str(declaration.range().start.index))
        if key in self.seen:
            return
        self.seen.add(key)
        self.holders.names.add(str(declaration.range().start.index))
        retype(self.src, self.change, annotation_of(declaration), "chat")
        for use in self.src.uses(name, declaration):
            self.holder_use(use, name)
        self.check_assignments(name, declaration)

    def check_assignments(self, name: str, declaration: SgNode) -> None:
        """Every value the name is given must be a chat (or nothing yet)."""
        values = []
        decl = declaration.parent()
        if decl is not None and decl.kind() == "variable_declarator" and \
                decl.field("value") is not None:
            values.append(decl.field("value"))
        for node in self.src.uses(name, declaration):
            parent = node.parent()
            if parent is not None and parent.kind() == "assignment_expression" and same(
                parent.field("left"), node
            ):
                values.append(parent.field("right"))
        for value in values:
            if not self.is_chat(value):
                raise Escape("GM521", value or declaration, f"`{name}` is given a value that is "
                             "not a chat of this model")

    def is_chat(self, value: SgNode | None) -> bool:
        if value is None:
            return False
        value = outer(value) if value.kind() != "parenthesized_expression" else value
        inner = unwrap(value)
        if value.kind() == "await_expression" and inner is not None and self.is_start(inner):
            return True  # `await model.startChat(...)`: awaiting the sync chat is harmless
        text = value.text()
        if text in ("null", "undefined") or self.is_start(value):
            return True
        if value.kind() == "call_expression":
            func = value.field("function")
            if func is not None and func.kind() == "member_expression":
                prop = func.field("property")
                obj = func.field("object")
                if prop is not None and prop.text() == "startChat" and obj is not None and \
                        obj.text() == self.model.ref:
                    return True
                if prop is not None and prop.text() == "get" and obj is not None and \
                        obj.text() in self.holders.maps:
                    return True
        if value.kind() == "subscript_expression":
            obj = value.field("object")
            return obj is not None and obj.text() in self.holders.maps
        if value.kind() == "identifier":
            declaration = self.src.binding(value)
            return declaration is not None and str(
                declaration.range().start.index) in self.holders.names
        if value.kind() == "binary_expression":
            op = value.field("operator")
            if op is not None and op.text() in ("??", "||"):
                return self.is_chat(value.field("left")) and self.is_chat(value.field("right"))
        return False

    def add_field(self, spelled: str, where: SgNode | None = None) -> None:
        if ("field", spelled) in self.seen:
            return
        self.seen.add(("field", spelled))
        prop = spelled.split(".", 1)[1]
        retype(self.src, self.change, field_annotation(self.src, where or self.model.node, prop),
               "chat")
        for node in self.src.root.find_all(kind="member_expression", regex=rf"^this\.{prop}$"):
            parent = node.parent()
            if parent is not None and parent.kind() == "assignment_expression" and same(
                parent.field("left"), node
            ):
                if not self.is_chat(parent.field("right")):
                    raise Escape("GM521", parent, f"`{spelled}` is given a value that is not "
                                 "a chat of this model")
                continue
            self.holder_use(node, spelled)

    def add_map(self, node: SgNode) -> None:
        name = node.text()
        declaration = self.src.binding(node)
        if declaration is None:
            raise Escape("GM521", node, f"`{name}` is not declared in this file")
        if ("map", name) in self.seen:
            return
        self.seen.add(("map", name))
        self.holders.maps.add(name)
        declarations = [declaration]
        decl = declarations[0].parent()
        init = decl.field("value") if decl is not None else None
        retype(self.src, self.change, annotation_of(declaration), "chat map")
        if init is not None and init.kind() == "new_expression":
            retype(self.src, self.change, init.field("type_arguments"), "chat map")
        if init is None or init.text() not in ("new Map()", "{}") and not init.text().startswith(
            "new Map<"
        ):
            raise Escape("GM521", declarations[0], f"`{name}` does not start as an empty Map "
                         "or object")
        for use in self.src.uses(name, declarations[0]):
            parent = use.parent()
            if parent is None:
                continue
            if parent.kind() == "subscript_expression" and same(parent.field("object"), use):
                holder = parent.parent()
                if holder is not None and holder.kind() == "assignment_expression" and same(
                    holder.field("left"), parent
                ):
                    if not self.is_chat(holder.field("right")):
                        raise Escape("GM521", holder, f"`{name}` holds values that are not "
                                     "chats of this model")
                    continue
                if holder is not None and holder.kind() == "unary_expression" and \
                        holder.text().startswith("delete"):
                    continue
                self.holder_use(parent, parent.text())
                continue
            member = member_of(use)
            if member is None or member[1] not in _MAP_METHODS:
                raise Escape("GM521", use, f"`{name}` is used other than as a Map of chats")
            node, method = member
            if method == "set":
                call = called(node)
                args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                        if a.kind() != "comment"] if call is not None else []
                if len(args) == 2 and args[1].kind() == "identifier":
                    self.add_name(args[1])
                elif len(args) != 2 or not self.is_chat(args[1]) and not self.is_start(args[1]):
                    raise Escape("GM521", node, f"`{name}` holds values that are not chats of "
                                 "this model")
            elif method == "get":
                call = called(node)
                if call is None:
                    raise Escape("GM521", node, f"`{name}.get` is not called")
                self.holder_use(call, call.text())

    def is_start(self, value: SgNode) -> bool:
        return value.kind() == "call_expression" and value.text().startswith(
            f"{self.model.ref}.startChat(")

    def holder_use(self, use: SgNode, spelled: str) -> None:
        parent = use.parent()
        if parent is None:
            raise Escape("GM521", use, "the chat is used in a way the rewrite cannot follow")
        kind = parent.kind()
        if kind == "unary_expression" and parent.text().startswith("!"):
            return
        grand = parent.parent()
        if kind in ("if_statement", "parenthesized_expression") and grand is not None \
                and grand.kind() == "if_statement":
            return
        if kind == "assignment_expression" and same(parent.field("left"), use):
            return  # checked by check_assignments / add_field
        if kind == "variable_declarator" and same(parent.field("value"), use):
            name = parent.field("name")
            if name is not None and name.kind() == "identifier":
                self.add_name(name)
                return
        if kind == "binary_expression" and parent.field("operator") is not None and \
                parent.field("operator").text() in ("??", "||"):  # type: ignore[union-attr]
            declarator = parent.parent()
            if declarator is not None and declarator.kind() in ("variable_declarator",
                                                                  "assignment_expression"):
                name = declarator.field("name") or declarator.field("left")
                if name is not None and name.kind() == "identifier":
                    self.add_name(name)
                    return
        if kind == "arguments":
            call = parent.parent()
            func = call.field("function") if call is not None else None
            target = func.field("object") if func is not None else None
            prop = func.field("property") if func is not None else None
            if func is not None and func.kind() == "member_expression" and prop is not None and \
                    prop.text() == "set" and target is not None and target.kind() == "identifier":
                self.add_map(target)
                return
        member = member_of(use)
        if member is not None and member[1] in SENDS:
            call = called(member[0])
            if call is not None:
                self.holders.sends.append(call)
                return
        if member is not None and member[1] in ("getHistory", "history", "params"):
            raise Escape("GM524", member[0], f"`{member[1]}` of a chat has no Interactions "
                         "equivalent (the history lives on the server); keep a local list of "
                         "steps")
        raise Escape("GM521", use, "the chat is used in a way the rewrite cannot follow "
                     "(passed on, returned or read whole)")

    # -- turns -----------------------------------------------------------------------------------

    def sends(self) -> None:
        done: set[int] = set()
        for call in self.holders.sends:
            start = call.range().start.index
            if start in done:
                continue
            done.add(start)
            self.send(call)

    def send(self, call: SgNode) -> None:
        func = call.field("function")
        assert func is not None
        receiver = func.field("object")
        method = func.field("property").text()  # type: ignore[union-attr]
        assert receiver is not None
        chat = receiver.text()
        if not _PURE.match(chat):
            raise Escape("GM521", receiver, "the chat expression is not a plain name, field or "
                         "lookup, so its interaction id cannot be stored back")
        contents = Contents(self.src, self.change)
        history = self.first_turn.get(call.range().start.index)
        message = self.message(call)
        if history:
            inner = message
            if inner.kind() == "array":
                blocks = contents.blocks(inner)
            else:
                from migrator.js.contents import is_string, text_block

                if not is_string(self.src, inner):
                    raise Escape("GM524", inner, "the first message after a chat history is "
                                 "not certainly a string")
                blocks = [text_block(inner.text())]
            value = "[" + ", ".join([*history, user_step(blocks)]) + "]"
        else:
            value = contents.input(message)
        stream = method == "sendMessageStream"
        start = call.range().start.index
        members = [f"...{chat}", f"input: {value}", *self.turn_members.get(start, []),
                   *(["stream: true"] if stream else [])]
        options = self.turn_options.get(start)
        new = create_call(self.client(call), members, self.src, call,
                          tail=f", {options}" if options else "")
        self.change.replace(call, new)
        if stream:
            self.stream(call, chat)
            return
        name = bound_name(call)
        if name is None:
            raise Escape("GM521", call, "the reply is not held in a name, so the next turn "
                         "cannot chain to it")
        statement = self.src.statement_of(call)
        indent = self.src.indent_of(statement)
        self.change.insert(statement.range().end.index,
                           f"\n{indent}{chat}.previous_interaction_id = {name.text()}.id;")
        self.reads(call)

    # -- what differs between the SDKs: overridden for @google/genai's `ai.chats` ----------------

    def message(self, call: SgNode) -> SgNode:
        """The message argument of a send; its request options (`{ timeout }`) go with it."""
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) == 2:
            self.turn_options[call.range().start.index] = request_options(
                args[1], self.src, self.change)
        elif len(args) != 1:
            raise Escape("GM521", call, "a send with request options is not migrated")
        return args[0]

    def client(self, call: SgNode) -> str:
        """The client expression the turn's create() call is made on."""
        return self.model.client

    def stream(self, call: SgNode, chat: str) -> None:
        Streams(self.src, self.change).result(call, chat=chat)

    def reads(self, call: SgNode) -> None:
        Reads(self.src, self.change).result(call)
