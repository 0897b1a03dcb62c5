"""Legacy model parameters -> the snake_case keys `interactions.create` sends.

The JS SDK sends the create() object verbatim (api-mapping-js.md 1.2): a camelCase key that
survived would go to the server unread. So every key of a legacy `ModelParams` literal is
either mapped here or stops the rewrite of its model (GM520 / GM521).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator.js.edit import NodeText, indent_before
from migrator.js.source import Escape, Source, object_pairs, quote_of, string_value, unwrap

if TYPE_CHECKING:
    from ast_grep_py import SgNode

GENERATION_KEYS = {
    "temperature": "temperature",
    "topP": "top_p",
    "maxOutputTokens": "max_output_tokens",
    "stopSequences": "stop_sequences",
    "seed": "seed",
}
# Keys with no Interactions equivalent (api-mapping-js.md 4.11): JS would send them if renamed.
UNSUPPORTED_KEYS = {"topK", "candidateCount", "presencePenalty", "frequencyPenalty",
                    "responseLogprobs", "logprobs", "responseModalities", "mediaResolution",
                    "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig"}
# Legacy types a shared config / schema const may be annotated with.
LEGACY_CONFIG_TYPES = {"Schema", "ResponseSchema", "GenerationConfig", "SafetySetting",
                       "FunctionDeclarationSchema", "ObjectSchema", "ArraySchema"}
SCHEMA_TYPES = {"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"}
SCHEMA_ENUMS = {"SchemaType", "FunctionDeclarationSchemaType", "Type"}
_HARM = re.compile(r"^(?:HarmCategory\.)?HARM_CATEGORY_([A-Z_]+)$")
_THRESHOLD = re.compile(r"^(?:HarmBlockThreshold\.)?(BLOCK_[A-Z_]+|OFF)$")
_MODE = re.compile(r"^(?:FunctionCallingMode\.|FunctionCallingConfigMode\.)?(AUTO|ANY|NONE)$")


@dataclass
class Params:
    """The converted params object and what the conversion learnt."""

    text: str
    has_system: bool = False
    has_tools: bool = False
    dropped: list[str] = field(default_factory=list)


def tool_choice_pending(obj: SgNode) -> bool:
    return any(k == "toolConfig" for k, _p, _v in object_pairs(obj))


def reindent(text: str, old: str, new: str) -> str:
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        out.append(new + line[len(old):] if line.startswith(old) else line)
    return "\n".join(out)


class Converter:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.dropped: list[str] = []
        self.drop_node: SgNode | None = None
        # (node, new text) for definitions outside the object: a shared `generationConfig`.
        self.extra: list[tuple[SgNode, str]] = []

    def shared(self, name: SgNode, key: str) -> SgNode:
        """The literal a `const` name holds when this is its only use: it is converted where
        it is defined."""
        declaration = self.src.binding(name)
        declarator = declaration.parent() if declaration is not None else None
        holder = declarator.parent() if declarator is not None else None
        value = declarator.field("value") if declarator is not None and \
            declarator.kind() == "variable_declarator" else None
        if declaration is None or value is None or holder is None or \
                not holder.text().startswith("const") or value.kind() not in ("object", "array"):
            raise Escape("GM521", name, f"`{key}` is given through `{name.text()}`, which is not "
                         "a `const` object literal")
        annotation = declarator.field("type")  # type: ignore[union-attr]
        if annotation is not None:
            if re.sub(r"[:\s\[\]]", "", annotation.text()) not in LEGACY_CONFIG_TYPES:
                raise Escape("GM510", annotation, f"`{name.text()}` is annotated with a type the "
                             "rewrite does not know; remove the annotation or migrate by hand")
            # the legacy type no longer describes the value: TypeScript infers the new one
            self.extra.append((annotation, ""))
        if len(self.src.uses(name.text(), declaration)) != 1:
            raise Escape("GM521", name, f"`{name.text()}` is used in more than one place; the "
                         "places would have to move together")
        if self.src.statement_of(declaration).kind() == "export_statement":
            raise Escape("GM521", name, f"`{name.text()}` is exported")
        return value

    # -- the model params object ------------------------------------------------------------------

    def model_params(self, obj: SgNode, *, chat: bool = False) -> Params:
        """Convert a `getGenerativeModel({...})` literal; with `chat`, a `startChat({...})`
        literal (its `history` is dropped here: the chat rewrite sends it as steps)."""
        if obj.kind() != "object":
            raise Escape("GM521", obj, "the model parameters are not an object literal")
        out = NodeText(obj, self.src.text)
        params = Params("")
        generation: tuple[SgNode, NodeText] | None = None
        moved: list[str] = []  # top-level members produced from generationConfig
        tool_choice: str | None = None
        for key, pair, value in object_pairs(obj):
            shorthand = pair.kind() == "shorthand_property_identifier"
            if shorthand:
                key = pair.text()
            if key is None:
                raise Escape("GM521", pair, "the model parameters use a spread or computed key")
            key_node = pair if shorthand else pair.field("key")
            assert key_node is not None
            if shorthand or value.kind() == "identifier":
                if key in ("generationConfig", "safetySettings"):
                    value = self.shared(value, key)
                elif key == "model" or (chat and key == "history"):
                    pass
                elif key == "systemInstruction":
                    from migrator.js.contents import is_string

                    if not is_string(self.src, value):
                        raise Escape("GM522", pair, "the system instruction is not certainly "
                                     "a string")
                    out.replace(pair, f"system_instruction: {value.text()}" if shorthand
                                else f"system_instruction: {value.text()}")
                    params.has_system = True
                    continue
                else:
                    raise Escape("GM521", pair, f"`{key}` is given through a name the rewrite "
                                 "does not follow")
            if shorthand and key in ("generationConfig", "safetySettings"):
                new_key = "generation_config" if key == "generationConfig" else "safety_settings"
                if key == "generationConfig":
                    inner, top = self.generation_config(value)
                    if top or tool_choice_pending(obj):
                        raise Escape("GM521", pair, "a shared generation config would have to "
                                     "lose its JSON mode or tool config; migrate by hand")
                    self.extra.append((value, inner.render()))
                else:
                    self.extra.append((value, self.safety_settings(value)))
                out.replace(pair, f"{new_key}: {pair.text()}")
                continue
            if chat and key == "history":
                out.remove_member(pair)
            elif key == "model" and not chat:
                text = string_value(value)
                if text is not None and text.startswith("models/"):
                    q = quote_of(value)
                    out.replace(value, f"{q}{text.removeprefix('models/')}{q}")
            elif key == "systemInstruction":
                out.replace(key_node, "system_instruction")
                out.replace(value, self.system_instruction(value))
                params.has_system = True
            elif key == "generationConfig" and pair.field("value").kind() == "identifier":  # type: ignore[union-attr]
                inner, top = self.generation_config(value)
                if top or tool_choice_pending(obj):
                    raise Escape("GM521", pair, "a shared generation config would have to lose "
                                 "its JSON mode or tool config; migrate by hand")
                out.replace(key_node, "generation_config")
                self.extra.append((value, inner.render()))
            elif key == "generationConfig":
                out.replace(key_node, "generation_config")
                inner, top = self.generation_config(value)
                generation = (pair, inner)
                moved.extend(top)
            elif key == "safetySettings" and pair.field("value").kind() == "identifier":  # type: ignore[union-attr]
                out.replace(key_node, "safety_settings")
                self.extra.append((value, self.safety_settings(value)))
            elif key == "safetySettings":
                out.replace(key_node, "safety_settings")
                out.replace(value, self.safety_settings(value))
            elif key == "tools":
                out.replace(value, self.tools(value))
                params.has_tools = True
            elif key == "toolConfig":
                tool_choice = self.tool_config(value)
                out.remove_member(pair)
            else:
                raise Escape("GM521", key_node,
                             f"model parameter `{key}` is not migrated (no Interactions "
                             "equivalent known)")
        if generation is not None:
            pair, inner = generation
            config = pair.field("value")
            assert config is not None
            if tool_choice:
                inner.append_member(config, f"tool_choice: {tool_choice}")
            rendered = inner.render()
            empty = re.fullmatch(r"\{\s*\}", rendered) is not None
            if empty:
                out.remove_member(pair)
            else:
                out.replace(config, rendered)
        elif tool_choice:
            out.append_member(obj, f"generation_config: {{ tool_choice: {tool_choice} }}")
        for member in moved:
            out.append_member(obj, member)
        params.text = out.render()
        params.dropped = self.dropped
        return params

    def system_instruction(self, value: SgNode) -> str:
        from migrator.js.contents import is_string

        if is_string(self.src, value):
            return value.text()
        inner = unwrap(value)
        if inner is not None and inner.kind() == "object":
            texts = self.content_texts(inner)
            if texts is not None and len(texts) == 1:
                return texts[0]
        raise Escape("GM522", value, "the system instruction is not certainly a string")

    def content_texts(self, content: SgNode) -> list[str] | None:
        """The text parts of a `{ role?, parts: [{ text }] }` literal, or None."""
        parts = None
        for key, _pair, value in object_pairs(content):
            if key == "parts":
                parts = value
            elif key != "role":
                return None
        if parts is None or parts.kind() != "array":
            return None
        texts = []
        for element in parts.named_children():
            if element.kind() == "comment":
                continue
            if element.kind() != "object":
                return None
            pairs = list(object_pairs(element))
            if len(pairs) != 1 or pairs[0][0] != "text":
                return None
            texts.append(pairs[0][2].text())
        return texts

    def generation_config(self, value: SgNode) -> tuple[NodeText, list[str]]:
        if value.kind() != "object":
            raise Escape("GM521", value, "the generation config is not an object literal")
        out = NodeText(value, self.src.text)
        mime: SgNode | None = None
        schema: SgNode | None = None
        for key, pair, item in object_pairs(value):
            if pair.kind() == "shorthand_property_identifier" and pair.text() == "responseSchema":
                schema = pair
                out.remove_member(pair)
                continue
            if key is None or pair.kind() != "pair":
                raise Escape("GM521", pair, "the generation config uses a spread or shorthand")
            key_node = pair.field("key")
            assert key_node is not None
            if key in GENERATION_KEYS:
                out.replace(key_node, GENERATION_KEYS[key])
            elif key == "candidateCount" and item.text() == "1":
                out.remove_member(pair)  # one candidate is what Interactions returns
            elif key in UNSUPPORTED_KEYS:
                if not (self.src.ctx.unsafe_fixes and self.src.ctx.enabled("GM520", self.src.path)):
                    raise Escape("GM520", key_node,
                                 f"`{key}` has no Interactions equivalent; the model is left "
                                 "as it was (--unsafe-fixes drops it)")
                self.dropped.append(key)
                self.drop_node = key_node
                out.remove_member(pair)
            elif key == "responseMimeType" and string_value(item) == "text/plain" and \
                    "responseSchema" not in {k for k, _p, _v in object_pairs(value)}:
                out.remove_member(pair)  # plain text is what the API answers anyway
            elif key == "responseMimeType":
                mime = item
                out.remove_member(pair)
            elif key == "responseSchema":
                schema = item
                out.remove_member(pair)
            else:
                raise Escape("GM521", key_node, f"generation config key `{key}` is not migrated")
        top = []
        if mime is not None or schema is not None:
            parts = ['type: "text"']
            if mime is not None:
                parts.append(f"mime_type: {mime.text()}")
            member = indent_before(self.src.text, value.parent().range().start.index)  # type: ignore[union-attr]
            multiline = False
            if schema is not None and schema.kind() in ("identifier",
                                                        "shorthand_property_identifier"):
                # `responseSchema: schema`: the const it names is converted where it is defined
                literal = self.shared(schema, "responseSchema")
                self.extra.append((literal, self.schema(literal)))
                parts.append("schema" if schema.text() == "schema" else f"schema: {schema.text()}")
            elif schema is not None:
                converted = self.schema(schema)
                old = indent_before(self.src.text, schema.parent().range().start.index)  # type: ignore[union-attr]
                multiline = "\n" in converted
                parts.append(f"schema: {reindent(converted, old, member + '  ')}")
            if multiline:
                inner = "".join(f"\n{member}  {p}," for p in parts)
                top.append(f"response_format: {{{inner}\n{member}}}")
            else:
                top.append(f"response_format: {{ {', '.join(parts)} }}")
        return out, top

    # -- schemas ---------------------------------------------------------------------------------

    def schema(self, node: SgNode) -> str:
        if node.kind() != "object":
            raise Escape("GM521", node, "the schema is not an object literal")
        out = NodeText(node, self.src.text)
        self._schema_into(node, out)
        return out.render()

    def _schema_into(self, node: SgNode, out: NodeText) -> None:
        keys = {key for key, _p, _v in object_pairs(node)}
        for key, pair, value in object_pairs(node):
            if key is None or pair.kind() != "pair":
                raise Escape("GM521", pair, "the schema uses a spread or shorthand member")
            if key == "type":
                out.replace(value, self.schema_type(value))
            elif key == "properties":
                if value.kind() != "object":
                    raise Escape("GM521", value, "schema properties are not an object literal")
                for _k, sub_pair, sub in object_pairs(value):
                    if sub_pair.kind() != "pair" or sub.kind() != "object":
                        raise Escape("GM521", sub_pair, "a schema property is not a literal")
                    self._schema_into(sub, out)
            elif key == "items":
                if value.kind() != "object":
                    raise Escape("GM521", value, "schema items are not an object literal")
                self._schema_into(value, out)
            elif key == "format" and string_value(value) == "enum" and "enum" in keys:
                out.remove_member(pair)  # OpenAPI's enum marker; JSON Schema has `enum` alone
            elif key == "nullable":
                raise Escape("GM521", pair, "`nullable` has no direct JSON Schema spelling here")
            elif key in ("description", "required", "enum", "format", "minItems", "maxItems",
                         "minimum", "maximum", "title"):
                continue
            else:
                raise Escape("GM521", pair, f"schema key `{key}` is not migrated")

    def schema_type(self, value: SgNode) -> str:
        text = value.text()
        if value.kind() == "member_expression":
            obj, prop = value.field("object"), value.field("property")
            if obj is not None and prop is not None and obj.text() in SCHEMA_ENUMS \
                    and prop.text() in SCHEMA_TYPES:
                return f'"{prop.text().lower()}"'
        literal = string_value(value)
        if literal is not None and literal.upper() in SCHEMA_TYPES:
            q = quote_of(value)
            return f"{q}{literal.lower()}{q}"
        raise Escape("GM521", value, f"schema type `{text}` is not a literal type")

    # -- safety, tools, tool config ----------------------------------------------------------------

    def safety_settings(self, value: SgNode) -> str:
        if value.kind() != "array":
            raise Escape("GM521", value, "the safety settings are not an array literal")
        out = NodeText(value, self.src.text)
        for element in value.named_children():
            if element.kind() == "comment":
                continue
            if element.kind() != "object":
                raise Escape("GM521", element, "a safety setting is not an object literal")
            for key, pair, item in object_pairs(element):
                key_node = pair.field("key")
                if key == "category" and key_node is not None:
                    match = _HARM.match(string_value(item) or item.text())
                    if match is None:
                        raise Escape("GM521", item, "a safety category is not a literal")
                    out.replace(key_node, "type")
                    out.replace(item, f'"{match.group(1).lower()}"')
                elif key == "threshold":
                    match = _THRESHOLD.match(string_value(item) or item.text())
                    if match is None:
                        raise Escape("GM521", item, "a safety threshold is not a literal")
                    out.replace(item, f'"{match.group(1).lower()}"')
                else:
                    raise Escape("GM521", pair, "a safety setting has a key that is not migrated")
        return out.render()

    def tools(self, value: SgNode) -> str:
        if value.kind() != "array":
            raise Escape("GM521", value, "the tools are not an array literal")
        out = NodeText(value, self.src.text)
        for element in value.named_children():
            if element.kind() == "comment":
                continue
            pairs = list(object_pairs(element)) if element.kind() == "object" else []
            if len(pairs) != 1 or pairs[0][0] is None:
                raise Escape("GM521", element, "a tool is not a literal the rewrite knows")
            key, _pair, item = pairs[0]
            if key == "functionDeclarations":
                if item.kind() != "array":
                    raise Escape("GM521", item, "the function declarations are not a literal")
                decls = [d for d in item.named_children() if d.kind() != "comment"]
                old = indent_before(self.src.text, decls[0].range().start.index) if decls else ""
                new = indent_before(self.src.text, element.range().start.index)
                texts = [reindent(self.declaration(d), old, new) for d in decls]
                out.replace(element, (",\n" + new).join(texts) if "\n" in item.text()
                            else ", ".join(texts))
            elif key == "codeExecution":
                out.replace(element, '{ type: "code_execution" }')
            elif key in ("googleSearch", "googleSearchRetrieval"):
                if key == "googleSearchRetrieval" and item.text().strip("{} \n") != "":
                    raise Escape("GM521", item, "the dynamic retrieval config has no "
                                 "Interactions equivalent")
                out.replace(element, '{ type: "google_search" }')
            else:
                raise Escape("GM521", element, f"tool `{key}` is not migrated")
        return out.render()

    def declaration(self, decl: SgNode) -> str:
        if decl.kind() != "object":
            raise Escape("GM521", decl, "a function declaration is not an object literal")
        out = NodeText(decl, self.src.text)
        for key, pair, value in object_pairs(decl):
            if key == "parameters":
                if value.kind() != "object":
                    raise Escape("GM521", value, "function parameters are not a literal schema")
                self._schema_into(value, out)
            elif key not in ("name", "description"):
                raise Escape("GM521", pair, f"declaration key `{key}` is not migrated")
        members = [c for c in decl.named_children() if c.kind() != "comment"]
        if members:
            first = members[0]
            multiline = "\n" in self.src.text[decl.range().start.index:first.range().start.index]
            if multiline:
                indent = indent_before(self.src.text, first.range().start.index)
                out.span(first.range().start.index, first.range().start.index,
                         f'type: "function",\n{indent}')
            else:
                out.span(first.range().start.index, first.range().start.index,
                         'type: "function", ')
        return out.render()

    def tool_config(self, value: SgNode) -> str | None:
        if value.kind() != "object":
            raise Escape("GM521", value, "the tool config is not an object literal")
        pairs = list(object_pairs(value))
        if len(pairs) != 1 or pairs[0][0] != "functionCallingConfig" \
                or pairs[0][2].kind() != "object":
            raise Escape("GM521", value, "the tool config is not a literal the rewrite knows")
        mode = None
        names = None
        for key, pair, item in object_pairs(pairs[0][2]):
            if key == "mode":
                match = _MODE.match(string_value(item) or item.text())
                if match is None:
                    raise Escape("GM521", item, "the function calling mode is not a literal")
                mode = match.group(1).lower()
            elif key == "allowedFunctionNames":
                names = item.text()
            else:
                raise Escape("GM521", pair, f"function calling config key `{key}` is not "
                             "migrated")
        if names is not None:
            return f'{{ allowed_tools: {{ mode: "{mode or "auto"}", tools: {names} }} }}'
        if mode in (None, "auto"):
            return None
        return f'"{mode}"'
