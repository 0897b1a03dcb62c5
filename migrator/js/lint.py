"""Interactions misuse in JS/TS: the Python checks (GM201-GM208) plus camelCase keys (GM528).

Which calls are Interactions calls: `<x>.interactions.create(...)` in a file that imports
`@google/genai` (a file that does not may have its own `interactions` objects). The JS SDK
sends the create() object verbatim (api-mapping-js.md 1.2), so a camelCase key is not an
alias: the server never reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.findings import FIX_NONE, FIX_SAFE, finding
from migrator.js.results import bound_name, member_of, outer
from migrator.js.source import (
    Source,
    is_genai_spec,
    object_pairs,
    quote_of,
    same,
    string_value,
)
from migrator.knowledge import INTERACTIONS

if TYPE_CHECKING:
    from ast_grep_py import SgNode

EVENT_RENAMES = {
    "content.delta": "step.delta",
    "content.start": "step.start",
    "content.stop": "step.stop",
    "interaction.complete": "interaction.completed",
    "interaction.start": "interaction.created",
}
CHAIN_SCOPED = ("tools", "system_instruction", "generation_config")
CAMEL_KEYS = {
    "previousInteractionId": "previous_interaction_id",
    "systemInstruction": "system_instruction",
    "generationConfig": "generation_config",
    "safetySettings": "safety_settings",
    "responseFormat": "response_format",
    "responseMimeType": "response_mime_type",
    "maxOutputTokens": "max_output_tokens",
    "topP": "top_p",
    "stopSequences": "stop_sequences",
    "thinkingLevel": "thinking_level",
    "toolChoice": "tool_choice",
    "mimeType": "mime_type",
    "callId": "call_id",
}
_BUFFER_PREFIXES = ("Buffer.", "fs.readFileSync(", "readFileSync(", "await fs.promises.readFile(",
                    "await readFile(", "await fs.readFile(")


# `x as string`, `x!`, `x satisfies T`, `(x)`: the value inside is what the call gets.
_TS_WRAPPERS = ("as_expression", "non_null_expression", "satisfies_expression",
                "parenthesized_expression")


def _imports_genai(src: Source) -> bool:
    return any(is_genai_spec(s.text()[1:-1]) for s in src.root.find_all(kind="string"))


class _Lint:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.creates: list[tuple[SgNode, SgNode | None]] = []  # (call, object argument)

    def add(self, node: SgNode, code: str, message: str, replacement: str | None = None,
            **data: str) -> None:
        src = self.src
        if not src.ctx.enabled(code, src.path):
            return
        from migrator.lint.common import decide_fix

        fix, apply = decide_fix(src.ctx, src.path, code, src.line_text(node),
                                FIX_SAFE if replacement is not None else FIX_NONE)
        if apply and replacement is not None:
            r = node.range()
            from migrator.js.source import Edit

            src.edits.append(Edit(r.start.index, r.end.index, replacement))
        src.findings.append(finding(src.path, src.pos(node), code, message, fix=fix,
                                    fixed=apply, **data))

    def run(self) -> None:
        src = self.src
        creates = src.root.find_all(kind="call_expression",
                                    regex=r"\.interactions\s*\.\s*create\s*\(")
        for call in creates:
            func = call.field("function")
            if func is None or func.kind() != "member_expression":
                continue
            owner = func.field("object")
            prop = func.field("property")
            if prop is None or prop.text() != "create" or owner is None or \
                    owner.kind() != "member_expression" or \
                    owner.field("property").text() != "interactions":  # type: ignore[union-attr]
                continue
            args = [a for a in call.field("arguments").named_children()  # type: ignore[union-attr]
                    if a.kind() != "comment"]
            obj = args[0] if args and args[0].kind() == "object" else None
            self.creates.append((call, obj))
        if not self.creates and not _imports_genai(src):
            return
        if self.creates:
            self.outputs()
            self.events()
        for call, obj in self.creates:
            if obj is None:
                continue
            keys = {k: (p, v) for k, p, v in object_pairs(obj) if k is not None}
            spread = any(k is None and p.kind() == "spread_element"
                         for k, p, _ in object_pairs(obj))
            self.camel(keys)
            self.v1beta_alias(keys, spread, obj)
            self.hidden_model(call, keys, spread, obj)
            self.agent_and_store(keys, spread)
            self.chain(call, keys, spread)
            self.input(keys)
            self.tools(keys)

    # GM528 -------------------------------------------------------------------------------------

    def camel(self, keys: dict[str, tuple[SgNode, SgNode]]) -> None:
        for key, (pair, _value) in keys.items():
            if key in CAMEL_KEYS and CAMEL_KEYS[key] not in keys:
                key_node = pair.field("key")
                if key_node is None or key_node.kind() != "property_identifier":
                    continue
                self.add(key_node, "GM528", f"`{key}` is sent verbatim and the API does not read "
                         f"it; the key is `{CAMEL_KEYS[key]}`", CAMEL_KEYS[key],
                         **{"from": key, "to": CAMEL_KEYS[key]})

    # GM201 / GM202 -----------------------------------------------------------------------------

    def interaction_names(self) -> set[str]:
        names = set()
        for call, _ in self.creates:
            name = bound_name(call)
            if name is not None:
                names.add(name.text())
        return names

    def outputs(self) -> None:
        names = self.interaction_names()
        for node in self.src.root.find_all(kind="member_expression", regex=r"\.outputs$"):
            prop = node.field("property")
            obj = node.field("object")
            if prop is None or prop.text() != "outputs" or obj is None:
                continue
            if not (obj.text() in names or obj.text().endswith(".interaction")):
                continue
            fix = self.last_text(node, obj)
            if fix is not None:
                whole, replacement = fix
                self.add(whole, "GM201", "`outputs` is the @google/genai 1.x schema; read "
                         "`output_text`", replacement)
                continue
            self.add(node, "GM201", "`outputs` is the @google/genai 1.x schema (undefined on "
                     ">=2.0); loop over `steps` or read `output_text`")

    def last_text(self, node: SgNode, obj: SgNode) -> tuple[SgNode, str] | None:
        """`x.outputs[x.outputs.length - 1].text` / `x.outputs.at(-1).text` -> `x.output_text`."""
        parent = node.parent()
        target = None
        if parent is not None and parent.kind() == "subscript_expression" and same(
            parent.field("object"), node
        ):
            index = parent.field("index")
            if index is not None and index.text().replace(" ", "") == \
                    f"{obj.text()}.outputs.length-1":
                target = parent
        elif parent is not None and parent.kind() == "member_expression":
            call = parent.parent()
            prop = parent.field("property")
            if prop is not None and prop.text() == "at" and call is not None and \
                    call.kind() == "call_expression" and \
                    call.field("arguments").text().replace(" ", "") == "(-1)":  # type: ignore[union-attr]
                target = call
        if target is None:
            return None
        text = member_of(target)
        if text is None or text[1] != "text":
            return None
        return text[0], f"{obj.text()}.output_text"

    def events(self) -> None:
        for node in self.src.root.find_all(kind="string"):
            value = string_value(node)
            if value not in EVENT_RENAMES:
                continue
            parent = node.parent()
            if parent is None or parent.kind() not in ("binary_expression", "switch_case"):
                continue
            new = EVENT_RENAMES[value]
            q = quote_of(node)
            self.add(node, "GM202", f"`{value}` is a @google/genai 1.x stream event; on >=2.0 it "
                     f"is `{new}`", f"{q}{new}{q}", **{"from": value, "to": new})

    # GM203 / GM204 -----------------------------------------------------------------------------

    def agent_and_store(self, keys: dict[str, tuple[SgNode, SgNode]], spread: bool) -> None:
        background = keys.get("background")
        if "agent" in keys and not spread and (background is None or
                                               background[1].text() == "false"):
            self.add(keys["agent"][0], "GM203", "an agent interaction needs `background: true` "
                     "(agents only run in the background)")
        store = keys.get("store")
        if store is not None and store[1].text() == "false":
            previous = keys.get("previous_interaction_id")
            if previous is not None and previous[1].text() not in ("undefined", "null"):
                self.add(store[0], "GM204", "`store: false` disables `previous_interaction_id`: "
                         "the chain cannot be continued")
            if background is not None and background[1].text() == "true":
                self.add(store[0], "GM204", "`store: false` disables `background: true`: the "
                         "interaction cannot be polled")

    # GM304 -------------------------------------------------------------------------------------

    def v1beta_alias(self, keys: dict[str, tuple[SgNode, SgNode]], spread: bool,
                     obj: SgNode) -> None:
        """A `-latest` alias (`gemini-flash-latest`) exists only on v1beta, and @google/genai
        3.x sends every call to /v1 (api-mapping-js.md 1.10): the call is sent with
        `api_version: "v1beta"` (stripped from the body by every version), keeping the model its
        author chose, as in Python. The model may be written in the call or in an object
        literal bound once and spread into it (`{ ...model, input }`, how the migration writes
        a model)."""
        if "api_version" in keys:
            return
        model = keys.get("model")
        holder: SgNode | None = model[0] if model is not None else None
        value = model[1] if model is not None else None
        if model is None and spread:
            holder, value = self.spread_model(obj)
        token = string_value(value)
        if holder is None or token is None:
            return
        decision = self.src.ctx.models.decide(token, INTERACTIONS)
        if decision.api_version != "v1beta" or decision.code != "GM304":
            return
        message = decision.message.replace("google-genai 3.x", "@google/genai 3.x")
        if model is not None and spread:
            self.add(holder, "GM304", message + " (an object spread into the call may set "
                     "api_version: add it by hand)", **{"from": token})
            return
        q = quote_of(value)
        self.add(holder, "GM304", message,
                 replacement=holder.text() + self.separator(holder) + f"api_version: {q}v1beta{q}",
                 **{"from": token})

    # GM305 -------------------------------------------------------------------------------------

    def hidden_model(self, call: SgNode, keys: dict[str, tuple[SgNode, SgNode]], spread: bool,
                     obj: SgNode) -> None:
        """The model of an Interactions call read from an environment variable with no default
        (`process.env.GEMINI_MODEL`, `import.meta.env.VITE_MODEL`), directly, through a
        `const` bound once to one, or through a model object spread into the call: the tool
        cannot check the id, so the call says where it comes from (it still runs)."""
        model = keys.get("model")
        value = model[1] if model is not None else None
        if model is None and spread:
            value = self.spread_model(obj)[1]
        source = self.env_source(value)
        if source is None:
            return
        self.add(call, "GM305", f"the model of this Interactions call comes from {source}: an "
                 "id the Interactions API refuses (Gemini 1.x, 1.5, 2.0) or a retired one fails "
                 "here at run time; check the value it holds", source=source)

    def env_source(self, value: SgNode | None, depth: int = 0) -> str | None:
        while value is not None and value.kind() in _TS_WRAPPERS:
            value = value.named_children()[0] if value.named_children() else None
        if value is None or depth > 2:
            return None
        text = value.text()
        if value.kind() in ("member_expression", "subscript_expression") and \
                text.startswith(("process.env", "import.meta.env")):
            return f"the environment variable `{text}` (no default)"
        if value.kind() == "identifier":
            bound = [d for d in self.src.root.find_all(kind="variable_declarator")
                     if (d.field("name") is not None and d.field("name").text() == text)]  # type: ignore[union-attr]
            assigned = [a for a in self.src.root.find_all(kind="assignment_expression")
                        if (a.field("left") is not None and a.field("left").text() == text)]  # type: ignore[union-attr]
            shadowed = any(c.text() == text or c.text().startswith((f"{text}:", f"{text} "))
                           for params in self.src.root.find_all(kind="formal_parameters")
                           for c in params.named_children())
            if len(bound) != 1 or assigned or shadowed:
                return None
            inner = self.env_source(bound[0].field("value"), depth + 1)
            return f"{inner}, through `{text}`" if inner else None
        return None

    def spread_model(self, obj: SgNode) -> tuple[SgNode | None, SgNode | None]:
        """(the spread member, the model value) when the call's only spread is a name bound
        once, in this file, to an object literal with a `model` key."""
        spreads = [p for k, p, _ in object_pairs(obj) if k is None]
        if len(spreads) != 1 or spreads[0].kind() != "spread_element":
            return None, None
        names = [c for c in spreads[0].named_children() if c.kind() == "identifier"]
        if len(names) != 1:
            return None, None
        name = names[0].text()
        bound = [d for d in self.src.root.find_all(kind="variable_declarator")
                 if (d.field("name") is not None and d.field("name").text() == name)]  # type: ignore[union-attr]
        assigned = self.src.root.find_all(kind="assignment_expression")
        if len(bound) != 1 or any((a.field("left") is not None and
                                   a.field("left").text() == name) for a in assigned):  # type: ignore[union-attr]
            return None, None
        value = bound[0].field("value")
        if value is None or value.kind() != "object":
            return None, None
        pairs = {k: v for k, _p, v in object_pairs(value) if k is not None}
        return spreads[0], pairs.get("model")

    def separator(self, node: SgNode) -> str:
        """What goes between `node` (a member of an object literal) and a member added after
        it: a new line with the same indentation when `node` starts its line."""
        text = self.src.text
        start = node.range().start.index
        head = text[text.rfind("\n", 0, start) + 1:start]
        return ",\n" + head if head.strip() == "" and head else ", "

    # GM205 -------------------------------------------------------------------------------------

    def chain(self, call: SgNode, keys: dict[str, tuple[SgNode, SgNode]], spread: bool) -> None:
        previous = keys.get("previous_interaction_id")
        if previous is None or spread:
            return
        value = previous[1]
        if value.kind() != "member_expression" or value.field("property").text() != "id":  # type: ignore[union-attr]
            return
        holder = value.field("object")
        if holder is None or holder.kind() != "identifier":
            return
        root = None
        for other, obj in self.creates:
            name = bound_name(other)
            if name is not None and name.text() == holder.text() and obj is not None and \
                    not same(other, call):
                root = obj
        if root is None:
            return
        root_keys = {k for k, p, _ in object_pairs(root) if k is not None}
        if any(k is None for k, _p, _v in object_pairs(root)):
            return
        dropped = [k for k in CHAIN_SCOPED if k in root_keys and k not in keys]
        if dropped:
            names = ", ".join(f"`{k}`" for k in dropped)
            line = self.src.pos(root)[0]
            self.add(previous[0], "GM205", f"this follow-up turn drops {names} that the chain "
                     f"started with (line {line}); they are interaction-scoped, re-send them "
                     "every turn", dropped=",".join(dropped))

    # GM206 / GM207 -----------------------------------------------------------------------------

    def input(self, keys: dict[str, tuple[SgNode, SgNode]]) -> None:
        entry = keys.get("input")
        if entry is None:
            return
        pair, value = entry
        value = self.value_of(value)
        if value.kind() == "array" and any(
            e.kind() == "object" and any(k == "role" for k, _p, _v in object_pairs(e))
            for e in value.named_children()
        ):
            self.add(pair, "GM206", "`input` given as role turns (`{ role: ... }`); the "
                     "Interactions API takes `user_input` / `model_output` steps")
        for data in self.inline_data(value, 0):
            self.add(data, "GM207", "inline `data` is a Buffer (sent as `{\"type\": \"Buffer\", "
                     "...}`); send a base64 string (`buf.toString(\"base64\")`)")

    def value_of(self, node: SgNode) -> SgNode:
        if node.kind() == "identifier":
            declaration = self.src.binding(node)
            parent = declaration.parent() if declaration is not None else None
            if parent is not None and parent.kind() == "variable_declarator" and \
                    parent.field("value") is not None and parent.text().find("=") != -1:
                holder = parent.parent()
                if holder is not None and holder.text().startswith("const"):
                    return parent.field("value")  # type: ignore[return-value]
        return node

    def inline_data(self, node: SgNode, depth: int) -> list[SgNode]:
        if depth > 6:
            return []
        node = self.value_of(node)
        out: list[SgNode] = []
        if node.kind() == "array":
            for element in node.named_children():
                out.extend(self.inline_data(element, depth + 1))
        elif node.kind() == "object":
            for key, pair, value in object_pairs(node):
                if key == "data":
                    held = self.value_of(value)
                    if held.text().startswith(_BUFFER_PREFIXES):
                        out.append(pair)
                elif key == "content":
                    out.extend(self.inline_data(value, depth + 1))
        return out

    # GM208 -------------------------------------------------------------------------------------

    def tools(self, keys: dict[str, tuple[SgNode, SgNode]]) -> None:
        entry = keys.get("tools")
        if entry is None:
            return
        value = self.value_of(entry[1])
        if value.kind() != "array":
            return
        for element in value.named_children():
            if element.kind() in ("arrow_function", "function_expression", "function"):
                self.add(element, "GM208", "a function in `tools`; declare the tool as "
                         "`{ type: \"function\", name, parameters }` and run it on "
                         "`requires_action`")
            elif element.kind() == "identifier":
                declaration = self.src.binding(element)
                parent = declaration.parent() if declaration is not None else None
                if parent is not None and (parent.kind() == "function_declaration" or (
                    parent.kind() == "variable_declarator" and parent.field("value") is not None
                    and outer(parent.field("value")).kind() in (  # type: ignore[arg-type]
                        "arrow_function", "function_expression", "function"))):
                    self.add(element, "GM208", "a function in `tools`; declare the tool as "
                             "`{ type: \"function\", name, parameters }` and run it on "
                             "`requires_action`")


def lint_pass(src: Source) -> None:
    if "interactions" not in src.text and not any(e in src.text for e in EVENT_RENAMES):
        return
    _Lint(src).run()
