"""The meaning of a generation request, independent of the API that carried it, and the
deterministic answer the emulator derives from that meaning.

A legacy `generateContent` request and an Interactions `create` that mean the same thing
normalise to the same `Meaning`, so they get the same answer. That is what lets a differential
run compare a legacy program with its migration: a correct migration prints the same text.

The answer depends on:
- the conversation (every turn, reconstructed from `previous_interaction_id` chains), through
  the turn number (count of user turns that carry something other than function results) and
  the last user text, which is echoed;
- the system instruction and the sampling values (temperature, top_p, seed), through short
  hashes in the answer text;
- stop_sequences (the answer is cut before the first one) and max_output_tokens (the answer
  keeps that many space-separated words; the finish is then MAX_TOKENS / status incomplete);
- response_mime_type application/json (the answer is a JSON object, shaped by the schema when
  one is given) and text/x.enum (the answer is the schema's first enum value);
- the declared tools: their names are listed in the answer, and a function is called when
  the user mentions it (see `function_call_for`); after a function result the answer reports
  that result;
- inline data and uploaded files, through a short digest / the file name in the echo.

It never depends on the model id: migrations substitute deprecated model ids, and the answer
must stay the same across that substitution.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

# Keys the Interactions API knows inside `generation_config` (api-mapping.md §3.2).
INTERACTIONS_CONFIG_KEYS = frozenset(
    {
        "temperature", "top_p", "max_output_tokens", "stop_sequences", "seed", "thinking_level",
        "thinking_summaries", "tool_choice", "speech_config", "image_config",
        "transcription_config", "video_config",
    }
)
# Legacy proto `Type` enum values as REST sends them with enum-encoding=int.
_PROTO_TYPES = {0: "unspecified", 1: "string", 2: "number", 3: "integer", 4: "boolean",
                5: "array", 6: "object", 7: "null"}
# Words too generic to count as a mention of a function (see function_call_for).
_GENERIC_WORDS = frozenset({"get", "set", "list", "find", "make", "call", "run", "fetch", "the",
                            "data", "info", "value", "current"})
STREAM_WORDS_PER_CHUNK = 3


class RequestError(Exception):
    """A request the real service rejects; carries the HTTP status and the gRPC status name."""

    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


# Marks uploads made by googleapiclient (google-generativeai's upload_file), which then reads
# the new file back: that files.get is plumbing, not the program's (see runner.comparable).
LEGACY_SDK = "google-generativeai"


def invalid(message: str) -> RequestError:
    return RequestError(400, "INVALID_ARGUMENT", message)


@dataclass
class Meaning:
    """What a generation request asks for. `conversation` is a list of
    {"role": "user"|"model", "parts": [part, ...]} with normalised parts."""

    conversation: list[dict[str, Any]]
    system_instruction: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    tools: list[dict[str, Any]] = field(default_factory=list)
    # [{"type": "harassment", "threshold": "block_none"}, ...] sorted; never changes the answer
    safety_settings: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversation": self.conversation,
            "system_instruction": self.system_instruction,
            "config": self.config,
            "tools": self.tools,
            "safety_settings": self.safety_settings,
        }


@dataclass
class Answer:
    """The model's reply: either text or function calls (never both)."""

    text: str | None = None
    function_calls: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    input_tokens: int = 0

    @property
    def output_tokens(self) -> int:
        if self.text is not None:
            return len(self.text.split())
        return len(self.function_calls) * 3

    def model_parts(self) -> list[dict[str, Any]]:
        if self.text is not None:
            return [{"text": self.text}]
        return [{"function_call": {"name": c["name"], "args": c["args"]}}
                for c in self.function_calls]


# --- small normalisers ----------------------------------------------------------------------

def short_hash(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:6]


def norm_number(value: Any) -> Any:
    """Legacy sends proto floats (float32); round so 0.2 and 0.20000000298 compare equal."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        rounded = float(f"{value:.6g}")
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)  # int64 fields travel as JSON strings
    return value


def norm_schema(schema: Any) -> Any:
    """Legacy OpenAPI-subset schemas (`"type": 6` or `"OBJECT"`) and JSON Schema, to one form."""
    if isinstance(schema, list):
        return [norm_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        key = _snake(key)
        if key == "type":
            if isinstance(value, list) and len(value) == 2 and "null" in value:
                # JSON Schema's ["integer", "null"] is the legacy {"type": ..., "nullable": true}
                out["nullable"] = True
                value = next(v for v in value if v != "null")
            if isinstance(value, int):
                value = _PROTO_TYPES.get(value, str(value))
            elif isinstance(value, str):
                value = value.lower()
        elif key == "properties" and isinstance(value, dict):
            value = {name: norm_schema(sub) for name, sub in value.items()}
        elif key in ("items", "any_of"):
            value = norm_schema(value)
        elif key in ("min_items", "max_items"):
            value = norm_number(value)
        elif (key == "nullable" and value is False) or key in ("property_ordering", "title"):
            continue  # spellings of "nothing" that differ between the schema dialects
        elif key == "format" and value == "enum" and "enum" in schema:
            continue  # the OpenAPI spelling of an enum (the legacy JS SDK); JSON Schema has none
        out[key] = value
    return _nullable(out)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema's `anyOf: [X, {"type": "null"}]` and `"type": [X, "null"]` are the legacy
    `nullable: true` on X: one spelling, so both dialects compare equal."""
    options = schema.get("any_of")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = options[1] if options[0] == {"type": "null"} else options[0]
        if isinstance(other, dict) and not set(other) & (set(schema) - {"any_of"}):
            rest = {k: v for k, v in schema.items() if k != "any_of"}
            return {**rest, **other, "nullable": True}
    kind = schema.get("type")
    if isinstance(kind, list) and len(kind) == 2 and "null" in kind:
        other_kind = kind[1] if kind[0] == "null" else kind[0]
        return {**schema, "type": other_kind, "nullable": True}
    return schema


def norm_description(text: Any) -> str:
    """A function description without its indentation: the legacy SDK sent `f.__doc__` as
    is, which Python 3.13 dedents itself; a migration writes the dedented text."""
    return "\n".join(line.strip() for line in str(text or "").strip().splitlines())


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def snake_keys(value: Any) -> Any:
    """camelCase JSON (the legacy REST wire) to snake_case, recursively (keys only)."""
    if isinstance(value, dict):
        return {_snake(k): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def decode_b64(data: Any, where: str) -> bytes:
    if not isinstance(data, str):
        raise invalid(f"Invalid value at '{where}' (TYPE_BYTES), expected a base64 string")
    try:
        return base64.b64decode(data.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed "
                      f"for \"{data[:40]}\"") from None


def inline_part(mime: str, raw: bytes) -> dict[str, Any]:
    return {"inline": {"mime_type": mime, "sha256": hashlib.sha256(raw).hexdigest()[:16],
                       "size": len(raw)}}


def file_name_from_uri(uri: str) -> str:
    """Both SDKs reference uploaded files by a URI ending in files/<id>; compare by that."""
    match = re.search(r"(files/[^/?#]+)", uri)
    return match.group(1) if match else uri


def norm_value(value: Any) -> Any:
    """JSON values as a protobuf Struct returns them: numbers are doubles there, so 20 and
    20.0 are one value; integral numbers become ints on both sides."""
    if isinstance(value, dict):
        return {k: norm_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [norm_value(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def unwrap_result(result: Any) -> Any:
    """Legacy automatic function calling wraps a return value as {"result": value}; a migration
    usually sends the value itself. Both mean the same."""
    if isinstance(result, dict) and set(result) == {"result"}:
        result = result["result"]
    return norm_value(result)


def merge_text_parts(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adjacent text parts are one text (a legacy stream is stored back as one part)."""
    out: list[dict[str, Any]] = []
    for part in parts:
        if "text" in part and out and "text" in out[-1]:
            out[-1] = {"text": out[-1]["text"] + part["text"]}
        else:
            out.append(dict(part))
    return out


def add_turn(conversation: list[dict[str, Any]], role: str, parts: list[dict[str, Any]]) -> None:
    """Append parts to the conversation, joining consecutive turns of the same role."""
    if not parts:
        return
    if conversation and conversation[-1]["role"] == role:
        conversation[-1] = {"role": role,
                            "parts": merge_text_parts(conversation[-1]["parts"] + parts)}
    else:
        conversation.append({"role": role, "parts": merge_text_parts(parts)})


# --- the answer -----------------------------------------------------------------------------

def turn_number(conversation: list[dict[str, Any]]) -> int:
    return sum(
        1 for turn in conversation
        if turn["role"] == "user" and any("function_result" not in p for p in turn["parts"])
    )


def last_user_text(conversation: list[dict[str, Any]]) -> str:
    for turn in reversed(conversation):
        if turn["role"] != "user":
            continue
        bits = []
        for part in turn["parts"]:
            if "text" in part:
                bits.append(part["text"])
            elif "inline" in part:
                bits.append(f"<{part['inline']['mime_type']} {part['inline']['sha256'][:8]}>")
            elif "file" in part:
                bits.append(f"<file {part['file']['name']}>")
        if bits:
            return " ".join(b.strip() for b in bits if b.strip())
    return ""


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name).replace("_", " ").replace("-", " ")
    return [w.lower() for w in spaced.split() if w]


def function_call_for(meaning: Meaning) -> dict[str, Any] | None:
    """The documented rule for when the emulator calls a function.

    Only when the last turn is a user turn with text (not a function result), function tools
    are declared and tool_choice is not "none". The first declared function (in declaration
    order) that the user text mentions is called: its exact name, or one of the words of its
    name (split on `_`, `-` and camelCase) that is at least 4 letters long and not generic
    (`get`, `list`, `data`, ...). With tool_choice "any" and no mention, the first function is
    called. Arguments: see `_arguments`.
    """
    functions = [t for t in meaning.tools if t.get("type") == "function"]
    if not functions or not meaning.conversation:
        return None
    last = meaning.conversation[-1]
    if last["role"] != "user" or not any("text" in p for p in last["parts"]):
        return None
    choice = meaning.config.get("tool_choice")
    if choice == "none":
        return None
    text = last_user_text(meaning.conversation)
    lowered = text.lower()
    text_words = set(re.findall(r"[a-z0-9]+", lowered))
    for fn in functions:
        name = fn["name"]
        if name.lower() in lowered or any(
            len(w) >= 4 and w not in _GENERIC_WORDS and w in text_words for w in _words(name)
        ):
            return {"name": name, "args": _arguments(fn.get("parameters") or {}, text)}
    if choice == "any":
        fn = functions[0]
        return {"name": fn["name"], "args": _arguments(fn.get("parameters") or {}, text)}
    return None


def _arguments(parameters: dict[str, Any], text: str) -> dict[str, Any]:
    """Deterministic arguments from the user text: a string is the last capitalised word of
    the text (else its last word), an integer the number of words, a number the same as a
    float, a boolean true, an enum its first value, an array one element of its item type,
    an object its own arguments. Every declared property is filled."""
    words = re.findall(r"[A-Za-z0-9][\w'-]*", text)
    capitalised = [w for w in words[1:] if w[:1].isupper()]
    word = capitalised[-1] if capitalised else (words[-1] if words else "")

    def value(schema: dict[str, Any]) -> Any:
        if schema.get("enum"):
            return schema["enum"][0]
        kind = schema.get("type", "string")
        if kind == "integer":
            return len(words)
        if kind == "number":
            return float(len(words))
        if kind == "boolean":
            return True
        if kind == "array":
            return [value(schema.get("items") or {})]
        if kind == "object":
            return {k: value(v) for k, v in (schema.get("properties") or {}).items()}
        return word

    return {k: value(v) for k, v in (parameters.get("properties") or {}).items()}


def _json_instance(schema: dict[str, Any], echo: str, turn: int) -> Any:
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties") or {}
        if not props:
            return {"turn": turn, "echo": echo}
        return {k: _json_instance(v, echo, turn) for k, v in props.items()}
    if kind == "array":
        return [_json_instance(schema.get("items") or {}, echo, turn)]
    if kind == "integer":
        return turn
    if kind == "number":
        return float(turn)
    if kind == "boolean":
        return True
    return echo


def answer_for(meaning: Meaning) -> Answer:
    conversation = meaning.conversation
    input_tokens = sum(
        len(p["text"].split()) for t in conversation for p in t["parts"] if "text" in p
    ) + len((meaning.system_instruction or "").split())
    call = function_call_for(meaning)
    if call is not None:
        call_id = "call-" + short_hash([meaning.as_dict(), call])
        return Answer(function_calls=[{**call, "id": call_id}], input_tokens=input_tokens)

    turn = turn_number(conversation)
    last: dict[str, Any] = conversation[-1] if conversation else {"role": "user", "parts": []}
    results = [p["function_result"] for p in last["parts"] if "function_result" in p]
    if last["role"] == "user" and results and not any("text" in p for p in last["parts"]):
        core = "; ".join(
            f"{r['name']} returned {json.dumps(r['result'], sort_keys=True, ensure_ascii=False)}"
            for r in results
        )
    else:
        core = f"echo {last_user_text(conversation)}"
    tags = []
    if meaning.system_instruction:
        tags.append(f"[system {short_hash(meaning.system_instruction)}]")
    sampling = {k: meaning.config[k] for k in ("temperature", "top_p", "seed")
                if k in meaning.config}
    if sampling:
        tags.append(f"[sampling {short_hash(sampling)}]")
    names = [t.get("name") or t.get("type") for t in meaning.tools]
    if names:
        tags.append(f"[tools {','.join(str(n) for n in names)}]")

    if meaning.config.get("response_mime_type") == "application/json":
        echo = " ".join([core, *tags])
        schema = meaning.config.get("response_schema") or {}
        text = json.dumps(_json_instance(schema, echo, turn), ensure_ascii=False)
        return Answer(text=text, input_tokens=input_tokens)

    enum = (meaning.config.get("response_schema") or {}).get("enum")
    if meaning.config.get("response_mime_type") == "text/x.enum" and enum:
        return Answer(text=str(enum[0]), input_tokens=input_tokens)  # the first allowed value

    text = " ".join([f"turn {turn}:", core, *tags])
    truncated = False
    for stop in meaning.config.get("stop_sequences") or []:
        if stop and stop in text:
            text = text[: text.index(stop)]
    limit = meaning.config.get("max_output_tokens")
    if isinstance(limit, int) and limit > 0 and len(text.split(" ")) > limit:
        text = " ".join(text.split(" ")[:limit])
        truncated = True
    return Answer(text=text, truncated=truncated, input_tokens=input_tokens)


def stream_chunks(text: str) -> list[str]:
    """How a text answer is cut into stream deltas; the same for both APIs, so a program that
    prints each chunk prints the same lines before and after migration."""
    words = text.split(" ")
    chunks = []
    for i in range(0, len(words), STREAM_WORDS_PER_CHUNK):
        piece = " ".join(words[i: i + STREAM_WORDS_PER_CHUNK])
        if i + STREAM_WORDS_PER_CHUNK < len(words):
            piece += " "
        chunks.append(piece)
    return chunks or [""]
