"""Older `@google/genai` code: `ai.models.generateContent(...)` -> `ai.interactions.create(...)`.

`{ model, contents, config }` becomes `{ model, input, <config in snake_case> }` when the
contents are a string (or a literal list of parts) and every config key has an Interactions
spelling; `response.text` (a getter here) becomes `response.output_text ?? ""`. A
`generateContentStream` consumed by one `for await` loop over `chunk.text` becomes a stream
of events. Anything else stays, with a finding (GM521).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.js.chats import Chats
from migrator.js.config import GENERATION_KEYS, UNSUPPORTED_KEYS, Converter
from migrator.js.contents import Contents
from migrator.js.layout import create_call, indent_unit, object_text
from migrator.js.legacy import Model
from migrator.js.results import Reads, bound_name, called, member_of, outer
from migrator.js.source import Change, Escape, Source, is_genai_spec, object_pairs, same
from migrator.js.streams import GUARD

if TYPE_CHECKING:
    from ast_grep_py import SgNode

_THINKING = {"thinkingLevel": "thinking_level"}


class GenaiPass:
    def __init__(self, src: Source) -> None:
        self.src = src

    def run(self) -> None:
        src = self.src
        if ("models.generateContent" not in src.text and "chats.create" not in src.text) or \
                not any(is_genai_spec(s.text()[1:-1]) for s in src.root.find_all(kind="string")):
            return
        src.genai_types = genai_imports(src)
        self.chats()
        for call in src.root.find_all(kind="call_expression",
                                      regex=r"\.models\s*\.\s*generateContent(Stream)?\s*\("):
            func = call.field("function")
            if func is None or func.kind() != "member_expression":
                continue
            method = func.field("property").text()  # type: ignore[union-attr]
            owner = func.field("object")
            if method not in ("generateContent", "generateContentStream") or owner is None or \
                    owner.kind() != "member_expression" or \
                    owner.field("property").text() != "models":  # type: ignore[union-attr]
                continue
            change = Change()
            try:
                self.generate(call, owner.field("object").text(),  # type: ignore[union-attr]
                              change, stream=method == "generateContentStream")
            except Escape as escape:
                src.flag(escape.node, escape.code, escape.message)
                continue
            if change.nested():
                src.flag(call, "GM521", "the rewrite of this call would overlap itself; left as "
                         "it was")
                continue
            src.commit(change)

    def generate(self, call: SgNode, client: str, change: Change, *, stream: bool) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or args[0].kind() != "object":
            raise Escape("GM521", call, "the request is not an object literal")
        members: list[str] = []
        generation: list[str] = []
        for key, pair, value in object_pairs(args[0]):
            if pair.kind() == "shorthand_property_identifier":
                key = pair.text()
                if key == "config":
                    raise Escape("GM521", pair, "the config is given through a name the rewrite "
                                 "does not follow")
            if key == "model":
                members.append(pair.text())
            elif key == "contents":
                members.append(f"input: {Contents(self.src, change).input(value)}")
            elif key == "config":
                self.config(value, members, generation)
            else:
                raise Escape("GM521", pair, f"request key `{key}` is not migrated")
        if generation:
            members.append("generation_config: { " + ", ".join(generation) + " }")
        if stream:
            members.append("stream: true")
        change.replace(call, create_call(client, members, self.src, call))
        change.findings.append(self.src.fixed(call, "GM509", "`models.generateContent` became "
                                              "`interactions.create`"))
        if stream:
            self.stream(call, change)
        else:
            self.reads(call, change)

    def config(self, value: SgNode, members: list[str], generation: list[str]) -> None:
        if value.kind() != "object":
            raise Escape("GM521", value, "the config is not an object literal")
        converter = Converter(self.src)
        keys = {k for k, _p, _v in object_pairs(value)}
        response_format: list[str] = []
        for key, pair, item in object_pairs(value):
            if key is None or pair.kind() != "pair":
                raise Escape("GM521", pair, "the config uses a spread or shorthand member")
            if key in GENERATION_KEYS:
                generation.append(f"{GENERATION_KEYS[key]}: {item.text()}")
            elif key == "systemInstruction":
                members.append(f"system_instruction: {converter.system_instruction(item)}")
            elif key == "safetySettings":
                members.append(f"safety_settings: {converter.safety_settings(item)}")
            elif key == "thinkingConfig" and item.kind() == "object":
                for sub, sub_pair, sub_value in object_pairs(item):
                    if sub not in _THINKING:
                        raise Escape("GM521", sub_pair, f"thinking config key `{sub}` has no "
                                     "Interactions equivalent")
                    generation.append(f"{_THINKING[sub]}: {sub_value.text()}")
            elif key == "responseMimeType":
                if item.text().strip("'\"") == "text/plain" and not keys & {
                    "responseSchema", "responseJsonSchema"
                }:
                    continue  # plain text is what the API answers anyway
                response_format.insert(0, f"mime_type: {item.text()}")
            elif key == "responseSchema" and "responseMimeType" in keys:
                response_format.append(f"schema: {converter.schema(item)}")
            elif key == "responseJsonSchema" and "responseMimeType" in keys:
                response_format.append(f"schema: {item.text()}")  # JSON Schema already
            elif key in UNSUPPORTED_KEYS or key == "topK":
                raise Escape("GM520", pair, f"`{key}` has no Interactions equivalent; the call "
                             "is left as it was")
            else:
                raise Escape("GM521", pair, f"config key `{key}` is not migrated")
        if response_format:
            members.append("response_format: { " + ", ".join(['type: "text"', *response_format])
                           + " }")

    def reads(self, call: SgNode, change: Change) -> None:
        reads = Reads(self.src, change, getter=True)
        name = bound_name(call)
        if name is None:
            node = outer(call)
            if node.parent() is not None and node.parent().kind() == "expression_statement":  # type: ignore[union-attr]
                return
            reads.response_use(node, node)
            return
        for use in reads.uses_of(name):
            reads.response_use(use, use)

    def chats(self) -> None:
        """`ai.chats.create(...)`: one chat rewrite per client, since chats of one client may
        share a Map or an object keyed by session."""
        src = self.src
        by_client: dict[str, list[SgNode]] = {}
        for call in src.root.find_all(kind="call_expression",
                                      regex=r"^[\w$.]+\.chats\s*\.\s*create\s*\("):
            client = _chats_client(call)
            if client is not None:
                by_client.setdefault(client, []).append(call)
        for client, calls in by_client.items():
            # All chats of the client together first (they may share holders); failing that,
            # each chat alone, which then must not meet another chat in any holder.
            outcome = self.chat_group(client, calls)
            if isinstance(outcome, Change):
                src.commit(outcome)
                continue
            if len(calls) == 1:
                src.flag(outcome.node, outcome.code, outcome.message)
                continue
            for call in calls:
                alone = self.chat_group(client, [call])
                if isinstance(alone, Change):
                    src.commit(alone)
                else:
                    src.flag(alone.node, alone.code, alone.message)

    def chat_group(self, client: str, calls: list[SgNode]) -> Change | Escape:
        change = Change()
        model = Model(calls[0], "", client, Converter(self.src))
        chats = GenaiChats(self.src, change, model, self, calls)
        try:
            for call in calls:
                chats.start(call)
            chats.sends()
        except Escape as escape:
            return escape
        if change.nested():
            return Escape("GM521", calls[0], "the rewrite of this chat would overlap itself; "
                          "left as it was")
        return change

    def stream(self, call: SgNode, change: Change, chat: str | None = None) -> None:
        name = bound_name(call)
        loop = None
        if name is not None:
            uses = Reads(self.src, change).uses_of(name)
            if len(uses) != 1:
                raise Escape("GM523", call, "the stream is used more than once")
            loop = uses[0].parent()
            iterated = uses[0]
        else:
            iterated = outer(call)
            loop = iterated.parent()
        if loop is None or loop.kind() != "for_in_statement" or not same(
            loop.field("right"), iterated
        ) or not loop.text().startswith("for await"):
            raise Escape("GM523", call, "the stream is not consumed by one `for await` loop")
        left, body = loop.field("left"), loop.field("body")
        if left is None or left.kind() != "identifier" or body is None or \
                body.kind() != "statement_block":
            raise Escape("GM523", loop, "the stream loop does not bind one name with a block")
        chunk = left.text()
        for node in body.find_all(kind="identifier", regex=f"^{chunk}$"):
            member = member_of(node)
            if member is None or member[1] != "text" or called(member[0]) is not None:
                raise Escape("GM523", node, f"the loop uses `{chunk}` other than as "
                             f"`{chunk}.text`")
            change.replace(member[0], f"{chunk}.delta.text")
        statements = body.named_children()
        from migrator.js.edit import indent_before

        indent = indent_before(self.src.text, statements[0].range().start.index) if statements \
            else "  "
        lines = [GUARD.format(v=chunk)]
        if chat is not None:
            lines.insert(0, f'if ({chunk}.event_type === "interaction.created") '
                         f"{chat}.previous_interaction_id = {chunk}.interaction.id;")
        change.insert(body.range().start.index + 1, "".join(f"\n{indent}{line}" for line in lines))


def genai_imports(src: Source) -> dict[str, str]:
    """Local name -> exported name of each `import { ... } from "@google/genai"`."""
    out: dict[str, str] = {}
    for string in src.root.find_all(kind="string"):
        parent = string.parent()
        if parent is None or parent.kind() != "import_statement" or \
                not is_genai_spec(string.text()[1:-1]):
            continue
        for spec in parent.find_all(kind="import_specifier"):
            name = spec.field("name")
            alias = spec.field("alias") or name
            if name is not None and alias is not None:
                out[alias.text()] = name.text()
    return out


def _chats_client(call: SgNode) -> str | None:
    """`ai` of `ai.chats.create(...)`."""
    func = call.field("function")
    if func is None or func.kind() != "member_expression" or \
            func.field("property").text() != "create":  # type: ignore[union-attr]
        return None
    owner = func.field("object")
    if owner is None or owner.kind() != "member_expression" or \
            owner.field("property").text() != "chats":  # type: ignore[union-attr]
        return None
    client = owner.field("object")
    return client.text() if client is not None else None


class GenaiChats(Chats):
    """`ai.chats.create({ model, config, history })` and `chat.sendMessage({ message })`:
    the same `previous_interaction_id` chain as a legacy chat, built from the request's own
    model and config instead of a model object."""

    def __init__(self, src: Source, change: Change, model: Model, genai: GenaiPass,
                 creations: list[SgNode]) -> None:
        super().__init__(src, change, model)
        self.genai = genai
        self.creations = {c.range().start.index for c in creations}
        self.configured = False  # a chat of this client was created with a config

    def start(self, call: SgNode) -> None:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or args[0].kind() != "object":
            raise Escape("GM521", call, "the chat parameters are not an object literal")
        members: list[str] = []
        generation: list[str] = []
        history: list[str] = []
        for key, pair, value in object_pairs(args[0]):
            if pair.kind() == "shorthand_property_identifier":
                key = pair.text()
                if key != "model":
                    raise Escape("GM521", pair, f"the chat's `{key}` is given through a name "
                                 "the rewrite does not follow")
            if key == "model":
                members.append(pair.text())
            elif key == "config":
                self.genai.config(value, members, generation)
            elif key == "history":
                history = Contents(self.src).history(value)
            else:
                raise Escape("GM521", pair, f"chat parameter `{key}` is not migrated")
        if generation:
            members.append("generation_config: { " + ", ".join(generation) + " }")
        self.configured = self.configured or len(members) > 1
        ts = " as string | undefined" if self.src.typescript else ""
        members.append(f"previous_interaction_id: undefined{ts}")
        text = object_text(members, self.src.indent_of(self.src.statement_of(call)),
                           call.range().start.column, indent_unit(self.src.text))
        self.change.replace(call, text)
        self.change.findings.append(self.src.fixed(call, "GM509", "the chat became a "
                                                   "`previous_interaction_id` chain"))
        self.hold(call, history)

    def is_start(self, value: SgNode) -> bool:
        return value.kind() == "call_expression" and \
            value.range().start.index in self.creations

    def message(self, call: SgNode) -> SgNode:
        args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                if a.kind() != "comment"]
        if len(args) != 1 or args[0].kind() != "object":
            raise Escape("GM521", call, "the send's parameters are not an object literal")
        message = None
        for key, pair, value in object_pairs(args[0]):
            if key == "message" and pair.kind() == "pair":
                message = value
            elif pair.kind() == "shorthand_property_identifier" and pair.text() == "message":
                message = pair  # `{ message }`: the name is the message
            elif key == "config" and pair.kind() == "pair":
                self.turn_config(call, value)
            else:
                raise Escape("GM521", pair, f"send parameter `{key or pair.text()}` is not "
                             "migrated")
        if message is None:
            raise Escape("GM521", call, "the send has no `message`")
        return message

    def turn_config(self, call: SgNode, value: SgNode) -> None:
        """A send's own `config` stands in for the chat's whole config on that turn
        (`params.config ?? this.config`): carried over as create() parameters when no chat
        of this client has a config of its own to take away."""
        if self.configured:
            raise Escape("GM521", value, "the send's config replaces the chat's own config for "
                         "this turn; migrate by hand")
        members: list[str] = []
        generation: list[str] = []
        self.genai.config(value, members, generation)
        if generation:
            members.append("generation_config: { " + ", ".join(generation) + " }")
        self.turn_members[call.range().start.index] = members

    def stream(self, call: SgNode, chat: str) -> None:
        self.genai.stream(call, self.change, chat=chat)

    def reads(self, call: SgNode) -> None:
        reads = Reads(self.src, self.change, getter=True)
        name = bound_name(call)
        assert name is not None  # send() checked it
        for use in reads.uses_of(name):
            reads.response_use(use, use)

