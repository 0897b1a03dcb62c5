"""Value conversions shared by the codemods: generation config, safety settings, contents.

Each converter returns the new expression, or raises `Unsupported` with the code and reason a
human has to see. Converters never guess: a value they cannot read statically is unsupported.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from migrator.codemods.facts.nodes import (
    dict_node,
    is_text_literal,
    literal,
    string_value,
    text_block,
)
from migrator.codemods.facts.nodes import same_quotes as _same_quotes
from migrator.knowledge import ModelTable


class Unsupported(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# Legacy GenerationConfig keys that keep their name inside Interactions `generation_config`.
SAME_CONFIG_KEYS = frozenset(
    {"temperature", "top_p", "max_output_tokens", "stop_sequences", "seed"}
)
NO_EQUIVALENT = {
    "top_k": "top_k is not supported by the Interactions API",
    "presence_penalty": "presence_penalty is not supported by the Interactions API",
    "frequency_penalty": "frequency_penalty is not supported by the Interactions API",
    "response_logprobs": "logprobs are not supported by the Interactions API",
    "logprobs": "logprobs are not supported by the Interactions API",
    "enable_enhanced_civic_answers": "enable_enhanced_civic_answers has no Interactions equivalent",
}
LATER = {
    "response_mime_type": "structured output (response_mime_type) is not migrated yet",
    "response_schema": "structured output (response_schema) is not migrated yet",
    "response_modalities": "response_modalities is not migrated yet",
    "speech_config": "speech_config is not migrated yet",
}

HARM_CATEGORIES = {
    "harassment": "harassment",
    "harm_category_harassment": "harassment",
    "hate_speech": "hate_speech",
    "hate": "hate_speech",
    "harm_category_hate_speech": "hate_speech",
    "sexually_explicit": "sexually_explicit",
    "sexual": "sexually_explicit",
    "sex": "sexually_explicit",
    "harm_category_sexually_explicit": "sexually_explicit",
    "harm_category_sexual": "sexually_explicit",
    "dangerous_content": "dangerous_content",
    "dangerous": "dangerous_content",
    "danger": "dangerous_content",
    "harm_category_dangerous_content": "dangerous_content",
    "harm_category_dangerous": "dangerous_content",
    "civic_integrity": "civic_integrity",
    "harm_category_civic_integrity": "civic_integrity",
}
UNSPECIFIED = frozenset(
    {"unspecified", "harm_category_unspecified", "harm_block_threshold_unspecified",
     "block_threshold_unspecified"}
)
THRESHOLDS = {
    "block_none": "block_none",
    "block_low_and_above": "block_low_and_above",
    "low": "block_low_and_above",
    "block_medium_and_above": "block_medium_and_above",
    "medium": "block_medium_and_above",
    "med": "block_medium_and_above",
    "block_only_high": "block_only_high",
    "high": "block_only_high",
    "off": "off",
}


def _enum_member(node: cst.BaseExpression) -> str | None:
    """`HarmCategory.HARM_CATEGORY_HATE_SPEECH` / `genai.types.HarmBlockThreshold.BLOCK_NONE`."""
    if isinstance(node, cst.Attribute):
        return node.attr.value.lower()
    return None


def _safety_key(node: cst.BaseExpression, table: dict[str, str], what: str) -> str | None:
    raw = string_value(node)
    if raw is None:
        raw = _enum_member(node)
    if raw is None:
        if isinstance(node, cst.Integer):
            raise Unsupported("GM010", f"numeric safety {what} {node.value}: use the named value")
        raise Unsupported("GM010", f"safety {what} is not a literal")
    key = raw.lower()
    if key in UNSPECIFIED:
        return None
    if key not in table:
        raise Unsupported("GM010", f"unknown safety {what} {raw!r} (no Interactions equivalent)")
    return table[key]


def literal_fields(
    node: cst.BaseExpression, keys: set[str], code: str, what: str
) -> dict[str, cst.BaseExpression]:
    """The values of a dict literal that has exactly `keys` as string-literal keys."""
    if not isinstance(node, cst.Dict):
        raise Unsupported(code, f"each {what} must be a dict literal")
    fields: dict[str, cst.BaseExpression] = {}
    for element in node.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if key is None or not isinstance(element, cst.DictElement):
            raise Unsupported(code, f"{what} keys must be string literals")
        fields[key] = element.value
    if set(fields) != keys:
        raise Unsupported(code, f"a {what} needs exactly {' and '.join(sorted(keys))}")
    return fields


def convert_safety(node: cst.BaseExpression) -> cst.List:
    """Legacy dict `{category: threshold}` or list of `{"category", "threshold"}` -> list."""
    pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                raise Unsupported("GM010", "safety settings built with ** cannot be converted")
            pairs.append((element.key, element.value))
    elif isinstance(node, (cst.List, cst.Tuple)):
        for item in node.elements:
            fields = literal_fields(item.value, {"category", "threshold"}, "GM010",
                                    "safety setting")
            pairs.append((fields["category"], fields["threshold"]))
    else:
        raise Unsupported("GM010", "safety settings are not a literal dict or list")
    out: list[cst.Element] = []
    for category_node, threshold_node in pairs:
        category = _safety_key(category_node, HARM_CATEGORIES, "category")
        threshold = _safety_key(threshold_node, THRESHOLDS, "threshold")
        if category is None or threshold is None:
            continue  # *_UNSPECIFIED entries are ignored by the service as well
        out.append(
            cst.Element(dict_node([("type", literal(category)), ("threshold", literal(threshold))]))
        )
    return cst.List(out)


def config_items(node: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]]:
    """The (key, value) pairs of a literal legacy generation config (dict or GenerationConfig)."""
    items: list[tuple[str, cst.BaseExpression]] = []
    if isinstance(node, cst.Dict):
        for element in node.elements:
            key = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if key is None or not isinstance(element, cst.DictElement):
                raise Unsupported("GM010", "generation config keys must be string literals")
            items.append((key, element.value))
    elif isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is None or arg.star:
                raise Unsupported("GM010", "GenerationConfig(...) with positional or ** arguments")
            items.append((arg.keyword.value, arg.value))
    else:
        raise Unsupported("GM010", "generation config is not a literal")
    return items


def split_response_format(
    items: list[tuple[str, cst.BaseExpression]],
    convert_schema: Callable[[cst.BaseExpression], cst.BaseExpression] | None = None,
) -> tuple[list[tuple[str, cst.BaseExpression]], cst.Dict | None]:
    """JSON mode moves out of the config: response_mime_type + response_schema become the
    top-level `response_format={"type": "text", "mime_type": ..., "schema": ...}`.
    `convert_schema` turns a legacy response_schema into JSON Schema (schema.LegacySchema,
    which can see the module's classes); without it only literal dict schemas convert."""
    fields = dict(items)
    if "response_mime_type" not in fields:
        if "response_schema" in fields:
            raise Unsupported("GM010", "response_schema without response_mime_type")
        return items, None
    mime = string_value(fields["response_mime_type"])
    if mime is None:
        raise Unsupported("GM010", "response_mime_type is not a literal")
    if mime == "text/plain" and "response_schema" not in fields:
        # The default: nothing to ask for.
        return [(k, v) for k, v in items if k != "response_mime_type"], None
    if mime == "text/x.enum":
        # Interactions' text response_format knows application/json and text/plain only, and
        # applies a schema to JSON; the JSON equivalent answers '"VALUE"' where the legacy
        # answer was VALUE, so every read of the text would have to change.
        raise Unsupported("GM030", "text/x.enum has no Interactions equivalent: ask for "
                          "application/json with the same enum schema and json.loads() the "
                          "answer")
    schema = fields.get("response_schema")
    if schema is not None and mime != "application/json":
        raise Unsupported("GM030", f"a response_schema with {mime}: Interactions applies a "
                          "schema to application/json only")
    out: list[tuple[str, cst.BaseExpression]] = [
        ("type", literal("text")), ("mime_type", fields["response_mime_type"])]
    if schema is not None:
        if convert_schema is not None:
            out.append(("schema", convert_schema(schema)))
        else:
            from migrator.codemods import genai_convert

            try:
                out.append(("schema", genai_convert.convert_schema(schema, lambda *_: False)))
            except genai_convert.Unsupported as exc:
                raise Unsupported("GM030", f"response_schema: {exc}") from exc
    if schema is not None:
        out[-1] = ("schema", _alphabetical(out[-1][1]))
    rest = [(k, v) for k, v in items if k not in ("response_mime_type", "response_schema")]
    return rest, dict_node(out)


def _alphabetical(node: cst.BaseExpression) -> cst.BaseExpression:
    """The legacy API answered a response schema's properties in alphabetical order (it had
    no `propertyOrdering`); Interactions keeps the order the JSON Schema lists them in. So the
    properties are listed alphabetically: the same answer text, not only the same object.
    Each element keeps its own comma and comments; the last one keeps the closing layout."""

    class Sort(cst.CSTTransformer):
        def leave_DictElement(
            self, original: cst.DictElement, updated: cst.DictElement
        ) -> cst.DictElement:
            value = updated.value
            if string_value(updated.key) != "properties" or not isinstance(value, cst.Dict):
                return updated
            elements = list(value.elements)
            keys = [string_value(e.key) if isinstance(e, cst.DictElement) else None
                    for e in elements]
            if None in keys or keys == sorted(keys):  # type: ignore[type-var]
                return updated
            order = sorted(range(len(elements)), key=lambda i: keys[i])  # type: ignore[arg-type,return-value]
            last_comma = elements[-1].comma
            moved = [elements[i].with_changes(comma=elements[-2].comma if i == len(elements) - 1
                                              else elements[i].comma) for i in order]
            moved[-1] = moved[-1].with_changes(comma=last_comma)
            return updated.with_changes(value=value.with_changes(elements=moved))

    return node.visit(Sort())  # type: ignore[return-value]


def convert_config_items(
    items: list[tuple[str, cst.BaseExpression]],
    dropped: list[str] | None = None,
) -> list[tuple[str, cst.BaseExpression]]:
    """Keys with no Interactions equivalent stop the conversion, unless `dropped` is given
    (--unsafe-fixes): then they are left out and their names appended to it for reporting."""
    out = []
    for key, value in items:
        if key in SAME_CONFIG_KEYS:
            out.append((key, value))
        elif key == "candidate_count":
            if not (isinstance(value, cst.Integer) and value.value == "1"):
                raise Unsupported("GM010", "candidate_count > 1: Interactions returns one answer")
        elif key in NO_EQUIVALENT:
            if dropped is None:
                raise Unsupported("GM010", NO_EQUIVALENT[key] + " (--unsafe-fixes drops it)")
            dropped.append(key)
        elif key in LATER:
            raise Unsupported("GM014", LATER[key])
        else:
            raise Unsupported("GM010", f"unknown generation config key {key!r}")
    return out


def config_dict(
    items: list[tuple[str, cst.BaseExpression]], template: cst.BaseExpression
) -> cst.Dict:
    """A dict literal; reuses the formatting of a legacy dict literal when there was one."""
    if isinstance(template, cst.Dict):
        # Keys only left out: the literal keeps its layout and comments.
        wanted = dict(items)
        kept = [e for e in template.elements if isinstance(e, cst.DictElement)
                and wanted.get(string_value(e.key) or "") is e.value]
        if [string_value(e.key) for e in kept] == [k for k, _ in items]:
            if len(kept) == len(template.elements):
                return template
            if kept:
                kept[-1] = kept[-1].with_changes(comma=template.elements[-1].comma)
            return template.with_changes(elements=kept)
    return dict_node(items)


def model_literal(
    node: cst.BaseExpression, models: ModelTable
) -> tuple[cst.BaseExpression, str | None, str | None]:
    """Return (new node, old id, new id) for a model-name literal; ids are None when unchanged."""
    value = string_value(node)
    if value is None:
        return node, None, None
    new_id, info = models.interactions_name(value)
    if info is None and new_id == value:
        return node, None, None
    if info is None:
        # Only the "models/" prefix went away.
        return _same_quotes(node, new_id), None, None
    return _same_quotes(node, new_id), value, new_id


def history_to_steps(node: cst.BaseExpression) -> list[cst.Dict]:
    """A literal legacy history `[{"role": "user", "parts": [...]}, ...]` -> Interactions steps."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        raise Unsupported("GM012", "history is not a literal list")
    steps = []
    for item in node.elements:
        fields = literal_fields(item.value, {"role", "parts"}, "GM012", "history entry")
        role = string_value(fields["role"])
        if role not in ("user", "model"):
            raise Unsupported("GM012", f"history role {role!r} is neither user nor model")
        parts = fields["parts"]
        if is_text_literal(parts):
            blocks = [text_block(parts)]
        elif isinstance(parts, (cst.List, cst.Tuple)):
            blocks = []
            for part in parts.elements:
                value = part.value
                if is_text_literal(value):
                    blocks.append(text_block(value))
                elif isinstance(value, cst.Dict) and _text_part(value) is not None:
                    blocks.append(text_block(_text_part(value)))  # type: ignore[arg-type]
                else:
                    raise Unsupported("GM012", "history parts other than text")
        else:
            raise Unsupported("GM012", "history parts are not a literal")
        kind = "user_input" if role == "user" else "model_output"
        steps.append(dict_node([("type", literal(kind)),
                                ("content", cst.List([cst.Element(b) for b in blocks]))]))
    return steps


def _text_part(node: cst.Dict) -> cst.BaseExpression | None:
    elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
    if len(elements) == 1 and string_value(elements[0].key) == "text" and len(node.elements) == 1:
        return elements[0].value
    return None


