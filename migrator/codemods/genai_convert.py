"""Value conversions for the google-genai pass: GenerateContentConfig, schemas, parts, contents.

Every converter either returns the new expression or raises `Unsupported` with the code and the
short reason a human sees in the TODO comment. Nothing is guessed: a value that cannot be read
statically is unsupported, and the call it belongs to is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from migrator.codemods.facts.nodes import dict_node, literal, string_value, text_block

# Codes (see migrator/codes.py).
CONFIG = "GM103"
CONTENTS = "GM104"
FOLLOW = "GM105"


class Unsupported(Exception):
    def __init__(self, code: str, reason: str, origin: int = 0) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        # For a call left because a related one is: the line of that one (findings only).
        self.origin = origin


# Qualified-name test supplied by the pass: does `node` name google.genai.types.<name>?
TypesTest = Callable[[cst.BaseExpression, str], bool]
# Type test supplied by the pass: is `node` certainly a str at run time?
TextTest = Callable[[cst.BaseExpression], bool]

GENERATION_KEYS = ("temperature", "top_p", "max_output_tokens", "stop_sequences", "seed")
TOP_LEVEL_KEYS = ("labels", "store")
NO_EQUIVALENT = {
    "top_k": "top_k has no Interactions equivalent",
    "response_logprobs": "logprobs have no Interactions equivalent",
    "logprobs": "logprobs have no Interactions equivalent",
    "presence_penalty": "presence_penalty has no Interactions equivalent",
    "frequency_penalty": "frequency_penalty has no Interactions equivalent",
    "routing_config": "routing_config has no Interactions equivalent",
    "model_selection_config": "model_selection_config has no Interactions equivalent",
    "audio_timestamp": "audio_timestamp has no Interactions equivalent",
    "enable_enhanced_civic_answers": "enable_enhanced_civic_answers has no Interactions equivalent",
    "model_armor_config": "model_armor_config has no Interactions equivalent",
    "generation_output_config": "generation_output_config has no Interactions equivalent",
}
NOT_YET = {
    "automatic_function_calling": "automatic_function_calling is not migrated yet",
    "http_options": "per-call http_options are not migrated yet",
    "should_return_http_response": "should_return_http_response is not migrated yet",
    "cached_content": "cached_content is deprecated in Interactions; not migrated",
    "response_modalities": "response_modalities is not migrated yet",
    "media_resolution": "media_resolution is not migrated yet",
    "speech_config": "speech_config is not migrated yet",
    "image_config": "image_config is not migrated yet",
    "audio_transcription_config": "audio_transcription_config is not migrated yet",
    "continuation_token": "continuation_token is not migrated yet",
    "automatic_continuation": "automatic_continuation is not migrated yet",
}
SAFETY_TYPES = frozenset({
    "hate_speech", "dangerous_content", "harassment", "sexually_explicit", "civic_integrity",
    "image_hate", "image_dangerous_content", "image_harassment", "image_sexually_explicit",
    "jailbreak",
})
SAFETY_THRESHOLDS = frozenset({
    "block_low_and_above", "block_medium_and_above", "block_only_high", "block_none", "off",
})
SAFETY_METHODS = frozenset({"severity", "probability"})
TOOL_MODES = frozenset({"auto", "any", "none", "validated"})
THINKING_LEVELS = frozenset({"minimal", "low", "medium", "high", "xhigh"})
SERVICE_TIERS = frozenset({"flex", "standard", "priority"})
# types.Schema keyword (or a snake_case dict key) -> JSON Schema keyword.
SCHEMA_KEYS = {
    "type": "type", "format": "format", "title": "title", "description": "description",
    "nullable": "nullable", "enum": "enum", "properties": "properties", "required": "required",
    "items": "items", "any_of": "anyOf", "anyOf": "anyOf", "min_items": "minItems",
    "minItems": "minItems", "max_items": "maxItems", "maxItems": "maxItems",
    "min_length": "minLength", "minLength": "minLength", "max_length": "maxLength",
    "maxLength": "maxLength", "minimum": "minimum", "maximum": "maximum", "pattern": "pattern",
    "default": "default", "example": "example", "min_properties": "minProperties",
    "minProperties": "minProperties", "max_properties": "maxProperties",
    "maxProperties": "maxProperties", "property_ordering": "propertyOrdering",
    "propertyOrdering": "propertyOrdering",
    # google-generativeai's protos.Schema spells these with a trailing underscore.
    "type_": "type", "format_": "format",
}
SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})




def block_kind(mime: str) -> str:
    major = mime.split("/", 1)[0].lower()
    return major if major in ("image", "audio", "video") else "document"


def enum_or_string(node: cst.BaseExpression) -> str | None:
    """`"HIGH"` or `types.ThinkingLevel.HIGH` -> "HIGH"; None when not a literal."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.Attribute) and isinstance(node.value, (cst.Name, cst.Attribute)):
        return node.attr.value
    return None


@dataclass
class Item:
    """One converted keyword; `source` carries the comma (and comments) of the original."""

    key: str
    value: cst.BaseExpression
    source: cst.Arg | cst.DictElement | None = None
    # The argument of the converted container the item came out of, when `source` is nested
    # deeper (thinking_config=ThinkingConfig(thinking_level=...)): its comment lines move along.
    anchor: cst.Arg | cst.DictElement | None = None


@dataclass
class ConfigParts:
    top: list[Item] = field(default_factory=list)
    generation: list[Item] = field(default_factory=list)
    # For `.parsed`: ("model", "ClassName") or ("json", "") when known.
    parsed: tuple[str, str] | None = None
    imports: set[str] = field(default_factory=set)


def keyword_items(
    node: cst.BaseExpression, is_types: TypesTest, class_name: str, what: str
) -> list[tuple[str, cst.BaseExpression, cst.Arg | cst.DictElement]]:
    """(key, value, source) of a `types.<class_name>(...)` call or a literal dict."""
    out: list[tuple[str, cst.BaseExpression, cst.Arg | cst.DictElement]] = []
    if isinstance(node, cst.Call) and is_types(node.func, class_name):
        for arg in node.args:
            if arg.keyword is None or arg.star:
                raise Unsupported(CONFIG, f"{what} with positional or ** arguments")
            out.append((arg.keyword.value, arg.value, arg))
        return out
    if isinstance(node, cst.Dict):
        for element in node.elements:
            key = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if key is None or not isinstance(element, cst.DictElement):
                raise Unsupported(CONFIG, f"{what} keys must be string literals")
            # google-genai's pydantic types accept their camelCase aliases in dicts too.
            out.append((_snake(key), element.value, element))
        return out
    raise Unsupported(CONFIG, f"{what} is not a literal")


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower() if key[:1].islower() else key


def convert_config(
    node: cst.BaseExpression,
    is_types: TypesTest,
    is_text: TextTest,
    schema_class: Callable[[cst.BaseExpression], str | None],
) -> ConfigParts:
    """A literal GenerateContentConfig (call or dict) -> create() keyword arguments."""
    parts = ConfigParts()
    items = keyword_items(node, is_types, "GenerateContentConfig", "config")
    fields = {key: value for key, value, _ in items}
    mime = fields.get("response_mime_type")
    for key, value, source in items:
        if key == "system_instruction":
            if not is_text(value):
                raise Unsupported(CONFIG, "system_instruction that is not a string")
            parts.top.append(Item(key, value, source))
        elif key in GENERATION_KEYS:
            parts.generation.append(Item(key, value, source))
        elif key in TOP_LEVEL_KEYS:
            parts.top.append(Item(key, value, source))
        elif key == "candidate_count":
            if not (isinstance(value, cst.Integer) and value.value == "1"):
                raise Unsupported(CONFIG, "candidate_count > 1: Interactions returns one answer")
        elif key == "service_tier":
            tier = enum_or_string(value)
            if tier is None or tier.lower() not in SERVICE_TIERS:
                raise Unsupported(CONFIG, "service_tier is not a known literal")
            parts.top.append(Item(key, literal(tier.lower()), source))
        elif key == "thinking_config":
            parts.generation.extend(Item(i.key, i.value, i.source, source)
                                    for i in _thinking(value, is_types))
        elif key == "safety_settings":
            parts.top.append(Item(key, _safety(value, is_types), source))
        elif key == "tools":
            parts.top.append(Item(key, _tools(value, is_types), source))
        elif key == "tool_config":
            parts.generation.append(Item("tool_choice", _tool_choice(value, is_types), source))
        elif key == "response_mime_type":
            if string_value(value) is None:
                raise Unsupported(CONFIG, "response_mime_type is not a string literal")
        elif key in ("response_schema", "response_json_schema"):
            if mime is None:
                raise Unsupported(CONFIG, f"{key} without response_mime_type")
        elif key in NO_EQUIVALENT:
            raise Unsupported(CONFIG, NO_EQUIVALENT[key])
        elif key in NOT_YET:
            raise Unsupported(CONFIG, NOT_YET[key])
        else:
            raise Unsupported(CONFIG, f"unknown config field {key!r}")
    plain = mime is not None and string_value(mime) == "text/plain" and not (
        {"response_schema", "response_json_schema"} & set(fields))
    if mime is not None and not plain:  # plain text is what Interactions answers anyway
        parts.top.append(_response_format(fields, is_types, schema_class, parts))
    return parts


def _response_format(
    fields: dict[str, cst.BaseExpression],
    is_types: TypesTest,
    schema_class: Callable[[cst.BaseExpression], str | None],
    parts: ConfigParts,
) -> Item:
    mime = string_value(fields["response_mime_type"]) or ""
    if mime == "text/x.enum":
        raise Unsupported(CONFIG, "enum responses (text/x.enum) are not migrated yet")
    items: list[tuple[str, cst.BaseExpression]] = [("type", literal("text")),
                                                   ("mime_type", literal(mime))]
    if "response_schema" in fields and "response_json_schema" in fields:
        raise Unsupported(CONFIG, "both response_schema and response_json_schema")
    schema = fields.get("response_schema")
    if schema is not None:
        name = schema_class(schema)
        if name is not None:
            items.append(("schema", cst.Call(cst.Attribute(cst.Name(name),
                                                           cst.Name("model_json_schema")))))
            parts.parsed = ("model", name)
        else:
            items.append(("schema", convert_schema(schema, is_types)))
            parts.parsed = ("json", "")
    json_schema = fields.get("response_json_schema")
    if json_schema is not None:
        # Already JSON Schema: any expression carries over unchanged.
        items.append(("schema", json_schema))
        parts.parsed = ("json", "")
    if schema is None and json_schema is None and mime == "application/json":
        parts.parsed = ("json", "")
    return Item("response_format", dict_node(items))


def convert_schema(node: cst.BaseExpression, is_types: TypesTest) -> cst.BaseExpression:
    """A literal OpenAPI-subset schema (dict or types.Schema) -> a JSON Schema dict literal."""
    if not (isinstance(node, cst.Dict) or (isinstance(node, cst.Call)
                                           and is_types(node.func, "Schema"))):
        raise Unsupported(CONFIG, "response_schema is not a literal schema or a pydantic class")
    out: list[Item] = []
    for key, value, source in keyword_items(node, is_types, "Schema", "schema"):
        target = SCHEMA_KEYS.get(key)
        if target is None:
            raise Unsupported(CONFIG, f"schema keyword {key!r} is not converted")
        if target == "type":
            kind = enum_or_string(value)
            if kind is None or kind.lower() not in SCHEMA_TYPES:
                raise Unsupported(CONFIG, "schema type is not a literal")
            value = literal(kind.lower())
        elif target == "nullable":
            raise Unsupported(CONFIG, "nullable schemas are not converted")
        elif target == "properties":
            value = _schema_map(value, is_types)
        elif target == "items":
            value = convert_schema(value, is_types)
        elif target == "anyOf":
            if not isinstance(value, (cst.List, cst.Tuple)):
                raise Unsupported(CONFIG, "anyOf is not a literal list")
            value = value.with_changes(elements=[e.with_changes(value=convert_schema(
                e.value, is_types)) for e in value.elements])
        out.append(Item(target, value, source))
    if isinstance(node, cst.Dict):
        # A dict literal keeps its own layout: only keys and values change.
        elements = [cast(cst.DictElement, e).with_changes(key=literal(item.key), value=item.value)
                    for e, item in zip(node.elements, out, strict=True)]
        return node.with_changes(elements=elements)
    return layout_dict(out, node)


def _schema_map(node: cst.BaseExpression, is_types: TypesTest) -> cst.Dict:
    if not isinstance(node, cst.Dict):
        raise Unsupported(CONFIG, "schema properties are not a literal dict")
    elements = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            raise Unsupported(CONFIG, "schema properties built with **")
        elements.append(element.with_changes(value=convert_schema(element.value, is_types)))
    return node.with_changes(elements=elements)


def _thinking(node: cst.BaseExpression, is_types: TypesTest) -> list[Item]:
    out = []
    for key, value, source in keyword_items(node, is_types, "ThinkingConfig", "thinking_config"):
        if key == "thinking_level":
            level = enum_or_string(value)
            if level is None or level.lower() not in THINKING_LEVELS:
                raise Unsupported(CONFIG, "thinking_level is not a known literal")
            out.append(Item("thinking_level", literal(level.lower()), source))
        elif key == "include_thoughts":
            if not isinstance(value, cst.Name) or value.value not in ("True", "False"):
                raise Unsupported(CONFIG, "include_thoughts is not True or False")
            summaries = "auto" if value.value == "True" else "none"
            out.append(Item("thinking_summaries", literal(summaries), source))
        elif key == "thinking_budget":
            raise Unsupported(CONFIG, "thinking_budget has no Interactions equivalent "
                                      "(use thinking_level)")
        else:
            raise Unsupported(CONFIG, f"thinking_config field {key!r} is not migrated")
    return out


def _lower_choice(node: cst.BaseExpression, allowed: frozenset[str], what: str,
                  strip: str = "") -> str:
    value = enum_or_string(node)
    if value is None:
        raise Unsupported(CONFIG, f"{what} is not a literal")
    key = value.lower()
    if strip and key.startswith(strip):
        key = key[len(strip):]
    if key not in allowed:
        raise Unsupported(CONFIG, f"{what} {value!r} has no Interactions equivalent")
    return key


def _safety(node: cst.BaseExpression, is_types: TypesTest) -> cst.List:
    if not isinstance(node, (cst.List, cst.Tuple)):
        raise Unsupported(CONFIG, "safety_settings is not a literal list")
    elements = []
    for element in node.elements:
        entry: list[tuple[str, cst.BaseExpression]] = []
        for key, value, _ in keyword_items(element.value, is_types, "SafetySetting",
                                           "safety setting"):
            if key == "category":
                entry.append(("type", literal(_lower_choice(value, SAFETY_TYPES,
                                                            "safety category",
                                                            "harm_category_"))))
            elif key == "threshold":
                entry.append(("threshold", literal(_lower_choice(value, SAFETY_THRESHOLDS,
                                                                 "safety threshold"))))
            elif key == "method":
                entry.append(("method", literal(_lower_choice(value, SAFETY_METHODS,
                                                              "safety method"))))
            else:
                raise Unsupported(CONFIG, f"safety setting field {key!r} is not migrated")
        elements.append(element.with_changes(value=dict_node(entry)))
    return cst.List(elements) if isinstance(node, cst.Tuple) else node.with_changes(
        elements=elements)


def _tool_choice(node: cst.BaseExpression, is_types: TypesTest) -> cst.BaseExpression:
    calling: cst.BaseExpression | None = None
    for key, value, _ in keyword_items(node, is_types, "ToolConfig", "tool_config"):
        if key == "function_calling_config":
            calling = value
        else:
            raise Unsupported(CONFIG, f"tool_config.{key} has no Interactions equivalent")
    if calling is None:
        raise Unsupported(CONFIG, "tool_config without function_calling_config")
    mode = "auto"
    names: cst.BaseExpression | None = None
    for key, value, _ in keyword_items(calling, is_types, "FunctionCallingConfig",
                                       "function_calling_config"):
        if key == "mode":
            mode = _lower_choice(value, TOOL_MODES, "function calling mode")
        elif key == "allowed_function_names":
            names = value
        else:
            raise Unsupported(CONFIG, f"function_calling_config.{key} is not migrated")
    if names is None:
        return literal(mode)
    return dict_node([("allowed_tools", dict_node([("mode", literal(mode)), ("tools", names)]))])


BUILTIN_TOOLS = {"google_search": "google_search", "code_execution": "code_execution",
                 "url_context": "url_context"}


def _tools(node: cst.BaseExpression, is_types: TypesTest) -> cst.List:
    """Declaration-only tools -> Interactions tool dicts. Callables mean automatic function
    calling, which Interactions does not have: those are left for a human."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        raise Unsupported(CONFIG, "tools is not a literal list")
    # google-genai sends built-in tools in order and every function declaration merged into
    # one tool at the end (_transformers.t_tools): keep that order.
    builtins: list[cst.Element] = []
    out: list[cst.Element] = []
    for element in node.elements:
        value = element.value
        if isinstance(value, cst.Name):
            raise Unsupported(CONFIG, "a tool given as a name (a Python function means "
                                      "automatic function calling) is not migrated")
        for key, field_value, _ in keyword_items(value, is_types, "Tool", "tool"):
            if key in BUILTIN_TOOLS:
                if not (isinstance(field_value, cst.Call) and not field_value.args) and not (
                        isinstance(field_value, cst.Dict) and not field_value.elements):
                    raise Unsupported(CONFIG, f"{key} options are not migrated")
                builtins.append(cst.Element(dict_node([("type", literal(BUILTIN_TOOLS[key]))])))
            elif key == "function_declarations":
                if not isinstance(field_value, (cst.List, cst.Tuple)):
                    raise Unsupported(CONFIG, "function_declarations is not a literal list")
                for declaration in field_value.elements:
                    out.append(cst.Element(_declaration(declaration.value, is_types),
                                           comma=declaration.comma))
            else:
                raise Unsupported(CONFIG, f"tool field {key!r} is not migrated")
    if not builtins and len(node.elements) == 1 and isinstance(
            node.elements[0].value, cst.Call) and len(node.elements[0].value.args) == 1 and \
            isinstance(node.elements[0].value.args[0].value, cst.List):
        # One Tool of declarations: the declarations list keeps its layout.
        return node.elements[0].value.args[0].value.with_changes(elements=out)
    return cst.List([e.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                     for e in [*builtins, *out]])


def _declaration(node: cst.BaseExpression, is_types: TypesTest) -> cst.Dict:
    items: list[Item] = [Item("type", literal("function"))]
    for key, value, source in keyword_items(node, is_types, "FunctionDeclaration",
                                            "function declaration"):
        if key in ("name", "description"):
            items.append(Item(key, value, source))
        elif key == "parameters":
            items.append(Item("parameters", convert_schema(value, is_types), source))
        elif key == "parameters_json_schema":
            items.append(Item("parameters", value, source))
        else:
            raise Unsupported(CONFIG, f"function declaration field {key!r} is not migrated")
    return layout_dict(items, node)


# --- contents ----------------------------------------------------------------------------------


@dataclass
class ContentsResult:
    value: cst.BaseExpression
    imports: set[str] = field(default_factory=set)


# MIME type of an uploaded file expression (`f = client.files.upload(file="a.pdf")`), if known.
FileTest = Callable[[cst.BaseExpression], "str | None"]


def _no_files(node: cst.BaseExpression) -> str | None:
    return None


# The content block of a value the pass can follow to its definition (a PIL image, a
# `types.Part` variable); None when it is no such value. May raise Unsupported.
PartResolver = Callable[[cst.BaseExpression], "cst.BaseExpression | None"]


def _no_parts(node: cst.BaseExpression) -> cst.BaseExpression | None:
    return None


def convert_contents(
    node: cst.BaseExpression, is_types: TypesTest, is_text: TextTest, *, steps_ok: bool = True,
    file_mime: FileTest = _no_files, resolve: PartResolver = _no_parts,
) -> ContentsResult:
    """google-genai `contents` / chat `message` -> Interactions `input`."""
    imports: set[str] = set()
    if is_text(node):
        return ContentsResult(node, imports)
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
        values = [e.value for e in node.elements]
        if any(isinstance(e, cst.StarredElement) for e in node.elements):
            raise Unsupported(CONTENTS, "contents built with * cannot be converted")
        if steps_ok and all(_is_content(v, is_types) for v in values):
            steps = [e.with_changes(value=_step(e.value, is_types, is_text, imports, file_mime,
                                                resolve)) for e in node.elements]
            return ContentsResult(_as_list(node, steps), imports)
        blocks = [e.with_changes(value=part_block(e.value, is_types, is_text, imports,
                                                  file_mime, resolve)) for e in node.elements]
        return ContentsResult(cst.List([cst.Element(user_input(_as_list(node, blocks)))]),
                              imports)
    if steps_ok and _is_content(node, is_types):
        return ContentsResult(cst.List([cst.Element(_step(node, is_types, is_text, imports,
                                                          file_mime, resolve))]), imports)
    resolved = resolve(node)
    if resolved is not None or is_part(node, is_types) or file_mime(node) is not None:
        block = resolved if resolved is not None else part_block(node, is_types, is_text,
                                                                 imports, file_mime)
        return ContentsResult(cst.List([cst.Element(user_input(cst.List([cst.Element(block)])))]),
                              imports)
    raise Unsupported(CONTENTS, "contents is not a string or a literal list of parts")


def history_steps(node: cst.BaseExpression, is_types: TypesTest,
                  is_text: TextTest) -> list[cst.BaseExpression]:
    """A literal chat history (`types.Content` / `{"role", "parts"}` turns) -> steps."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        raise Unsupported(FOLLOW, "chat history is not a literal list")
    imports: set[str] = set()
    steps: list[cst.BaseExpression] = []
    for element in node.elements:
        if isinstance(element, cst.StarredElement) or not _is_content(element.value, is_types):
            raise Unsupported(FOLLOW, "chat history entries are not literal turns")
        try:
            steps.append(_step(element.value, is_types, is_text, imports))
        except Unsupported as error:
            raise Unsupported(FOLLOW, f"chat history: {error.reason}") from None
    if imports:
        raise Unsupported(FOLLOW, "chat history with inline bytes is not migrated")
    return steps


def _as_list(node: cst.List | cst.Tuple, elements: list[cst.BaseElement]) -> cst.List:
    if isinstance(node, cst.List):
        return node.with_changes(elements=elements)
    return cst.List(elements)


def user_input(content: cst.BaseExpression) -> cst.Dict:
    return dict_node([("type", literal("user_input")), ("content", content)])


def is_part(node: cst.BaseExpression, is_types: TypesTest) -> bool:
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value.startswith("from_"):
            return is_types(func.value, "Part")
        return is_types(func, "Part")
    return False


def _is_content(node: cst.BaseExpression, is_types: TypesTest) -> bool:
    if isinstance(node, cst.Call):
        return is_types(node.func, "Content")
    if isinstance(node, cst.Dict):
        keys = {string_value(e.key) for e in node.elements if isinstance(e, cst.DictElement)}
        return "parts" in keys
    return False


def _step(node: cst.BaseExpression, is_types: TypesTest, is_text: TextTest,
          imports: set[str], file_mime: FileTest = _no_files,
          resolve: PartResolver = _no_parts) -> cst.Dict:
    fields: dict[str, cst.BaseExpression] = {}
    for key, value, _ in keyword_items(node, is_types, "Content", "content"):
        fields[key] = value
    role = string_value(fields.get("role", cst.Name("None")))
    if role not in ("user", "model") or set(fields) != {"role", "parts"}:
        raise Unsupported(CONTENTS, "a content without a literal user/model role")
    parts = fields["parts"]
    if not isinstance(parts, (cst.List, cst.Tuple)):
        raise Unsupported(CONTENTS, "content parts are not a literal list")
    blocks = [e.with_changes(value=part_block(e.value, is_types, is_text, imports, file_mime,
                                              resolve)) for e in parts.elements]
    kind = "user_input" if role == "user" else "model_output"
    return dict_node([("type", literal(kind)), ("content", _as_list(parts, blocks))])


def part_block(node: cst.BaseExpression, is_types: TypesTest, is_text: TextTest,
               imports: set[str], file_mime: FileTest = _no_files,
               resolve: PartResolver = _no_parts) -> cst.BaseExpression:
    if is_text(node):
        return text_block(node)
    resolved = resolve(node)
    if resolved is not None:
        return resolved
    if isinstance(node, cst.Dict):
        elements = node.elements
        if (len(elements) == 1 and isinstance(elements[0], cst.DictElement)
                and string_value(elements[0].key) == "text"):
            return text_block(elements[0].value)
        raise Unsupported(CONTENTS, "a part dict other than {'text': ...}")
    mime = file_mime(node)
    if mime is not None:
        if mime.startswith("text/"):
            raise Unsupported(CONTENTS, f"an uploaded {mime} file: text documents are not an "
                                        "Interactions document type")
        return dict_node([("type", literal(block_kind(mime))),
                          ("uri", cst.Attribute(node, cst.Name("uri"))),
                          ("mime_type", cst.Attribute(node, cst.Name("mime_type")))])
    if not isinstance(node, cst.Call) or not is_part(node, is_types):
        raise Unsupported(CONTENTS, "a part that is not text, a types.Part helper or an "
                                    "uploaded file of known type")
    func = node.func
    method = func.attr.value if isinstance(func, cst.Attribute) and not is_types(func, "Part") \
        else ""
    kwargs: dict[str, cst.BaseExpression] = {}
    for arg in node.args:
        if arg.keyword is None or arg.star:
            raise Unsupported(CONTENTS, "types.Part helper with positional arguments")
        kwargs[arg.keyword.value] = arg.value
    if method in ("", "from_text") and set(kwargs) == {"text"}:
        return text_block(kwargs["text"])
    if method == "from_bytes" and set(kwargs) == {"data", "mime_type"}:
        mime = string_value(kwargs["mime_type"])
        if mime is None:
            raise Unsupported(CONTENTS, "Part.from_bytes with a mime_type that is not a literal")
        imports.add("base64")
        encoded = cst.parse_expression("base64.b64encode(DATA).decode()")
        encoded = encoded.visit(_Replace("DATA", kwargs["data"]))  # type: ignore[assignment]
        return dict_node([("type", literal(block_kind(mime))), ("data", encoded),
                          ("mime_type", kwargs["mime_type"])])
    if method == "from_uri" and set(kwargs) == {"file_uri", "mime_type"}:
        mime = string_value(kwargs["mime_type"])
        if mime is None:
            raise Unsupported(CONTENTS, "Part.from_uri with a mime_type that is not a literal")
        return dict_node([("type", literal(block_kind(mime))), ("uri", kwargs["file_uri"]),
                          ("mime_type", kwargs["mime_type"])])
    raise Unsupported(CONTENTS, f"types.Part{'.' + method if method else ''}(...) is not "
                                "migrated")


class _Replace(cst.CSTTransformer):
    def __init__(self, name: str, value: cst.BaseExpression) -> None:
        self.name = name
        self.value = value

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.value if original_node.value == self.name else updated_node


_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _multiline(comma: cst.Comma) -> bool:
    return isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def layout_dict(items: list[Item], config: cst.BaseExpression,
                indent: str | None = None) -> cst.Dict:
    """A dict literal laid out like `config` (a call or a dict): one item per line when it
    was multi-line, keeping the comment after each item's original argument and the comment
    lines before it. `indent` forces one item per line at that indentation."""
    opener: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace("")
    closer: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace("")
    originals: list[cst.Arg | cst.DictElement] = []
    if isinstance(config, cst.Call):
        opener = config.whitespace_before_args
        originals = list(config.args)
        last = config.args[-1] if config.args else None
        closer = last.comma.whitespace_after if last is not None and isinstance(
            last.comma, cst.Comma) else last.whitespace_after_arg if last is not None else closer
    elif isinstance(config, cst.Dict):
        opener = config.lbrace.whitespace_after
        closer = config.rbrace.whitespace_before
        originals = [e for e in config.elements if isinstance(e, cst.DictElement)]
    inner = indent if indent is not None else indent_of(opener)
    if inner is None:
        return cst.Dict([cst.DictElement(literal(item.key), item.value,
                                         comma=_COMMA if i < len(items) - 1
                                         else cst.MaybeSentinel.DEFAULT)
                         for i, item in enumerate(items)])
    closing = inner[:-4] if indent is not None else indent_of(closer)
    # Comment lines written before an argument live in the previous comma's whitespace.
    leading: dict[int, Sequence[cst.EmptyLine]] = {}
    previous: object = opener
    for original in originals:
        if isinstance(previous, cst.ParenthesizedWhitespace):
            leading[id(original)] = [line.with_changes(whitespace=cst.SimpleWhitespace(inner))
                                     for line in previous.empty_lines if line.comment]
        previous = original.comma.whitespace_after if isinstance(original.comma, cst.Comma) \
            else None

    used: set[int] = set()

    def before(item: Item, first_line: cst.TrailingWhitespace) -> cst.ParenthesizedWhitespace:
        origin = item.anchor or item.source
        lines: Sequence[cst.EmptyLine] = ()
        if origin is not None and id(origin) not in used:
            used.add(id(origin))
            lines = leading.get(id(origin), ())
        return cst.ParenthesizedWhitespace(first_line=first_line, empty_lines=lines, indent=True,
                                           last_line=cst.SimpleWhitespace(inner))

    def trailing(item: Item) -> cst.TrailingWhitespace:
        source = item.source
        if source is not None and isinstance(source.comma, cst.Comma):
            ws = source.comma.whitespace_after
            if isinstance(ws, cst.ParenthesizedWhitespace) and ws.first_line.comment:
                return ws.first_line
        return cst.TrailingWhitespace()

    head = opener.first_line if isinstance(opener, cst.ParenthesizedWhitespace) \
        and indent is None else cst.TrailingWhitespace()
    lbrace = before(items[0], head) if items else cst.SimpleWhitespace("")
    elements: list[cst.DictElement] = []
    for index, item in enumerate(items):
        if index < len(items) - 1:
            after: cst.BaseParenthesizableWhitespace = before(items[index + 1], trailing(item))
        elif closing is not None:
            after = cst.ParenthesizedWhitespace(first_line=trailing(item), indent=True,
                                                last_line=cst.SimpleWhitespace(closing))
        else:
            elements.append(cst.DictElement(literal(item.key), item.value))
            continue
        elements.append(cst.DictElement(literal(item.key), item.value,
                                        comma=cst.Comma(whitespace_after=after)))
    return cst.Dict(elements, lbrace=cst.LeftCurlyBrace(whitespace_after=lbrace))


def _plain(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation without the comments it carried."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return ws


def indent_of(ws: object) -> str | None:
    """The indentation (relative to the block) after a line break, None on one line."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.last_line.value
    return None


class _Shift(cst.CSTTransformer):
    def __init__(self, delta: int) -> None:
        self.delta = delta

    def _move(self, text: str) -> str:
        if self.delta >= 0:
            return " " * self.delta + text
        drop = min(-self.delta, len(text) - len(text.lstrip(" ")))
        return text[drop:]

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace,
        updated_node: cst.ParenthesizedWhitespace,
    ) -> cst.ParenthesizedWhitespace:
        lines = [e.with_changes(whitespace=cst.SimpleWhitespace(self._move(e.whitespace.value)))
                 for e in updated_node.empty_lines]
        return updated_node.with_changes(
            last_line=cst.SimpleWhitespace(self._move(updated_node.last_line.value)),
            empty_lines=lines)


def shift(node: cst.BaseExpression, delta: int) -> cst.BaseExpression:
    """Re-indent a multi-line literal that moves `delta` columns (negative: to the left)."""
    if delta == 0:
        return node
    return cast(cst.BaseExpression, node.visit(_Shift(delta)))


def vertical_list(node: cst.List, base: str) -> cst.List:
    """One element per line at `base` + 4 spaces, the closing bracket at `base`."""
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(base + "    "))
    closing = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(base))
    last = len(node.elements) - 1
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=closing if i == last else inner))
                for i, e in enumerate(node.elements)]
    return node.with_changes(elements=elements,
                             lbracket=cst.LeftSquareBracket(whitespace_after=inner))


def vertical(node: cst.Dict, base: str) -> cst.Dict:
    """One element per line at `base` + 4 spaces, the closing brace at `base`."""
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(base + "    "))
    closing = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(base))
    last = len(node.elements) - 1
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=closing if i == last else inner))
                for i, e in enumerate(node.elements)]
    return node.with_changes(elements=elements,
                             lbrace=cst.LeftCurlyBrace(whitespace_after=inner))


def first_indent(node: cst.CSTNode) -> str | None:
    """The indentation of the first line break inside `node`, None when it has none."""
    found: list[str] = []

    class _Find(cst.CSTVisitor):
        def visit_ParenthesizedWhitespace(self, ws: cst.ParenthesizedWhitespace) -> bool:
            if not found:
                found.append(ws.last_line.value)
            return False

    node.visit(_Find())
    return found[0] if found else None


def reindent(node: cst.BaseExpression, indent: str) -> cst.BaseExpression:
    """Shift a multi-line literal so that its first inner line starts at `indent`."""
    current = first_indent(node)
    if current is None:
        return node
    return shift(node, len(indent) - len(current))
