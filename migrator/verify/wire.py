"""Request parsing: the legacy generateContent REST wire and the Interactions wire, each to a
`Meaning` (see meaning.py). Rejections raise `RequestError` with the service's error shape."""

from __future__ import annotations

from typing import Any

from migrator.verify.meaning import (
    INTERACTIONS_CONFIG_KEYS,
    Meaning,
    RequestError,
    add_turn,
    decode_b64,
    file_name_from_uri,
    inline_part,
    invalid,
    norm_description,
    norm_number,
    norm_schema,
    norm_value,
    snake_keys,
    unwrap_result,
)

CONTENT_TYPES = frozenset({"text", "image", "audio", "document", "video"})
STEP_TYPES = frozenset({
    "user_input", "model_output", "thought", "function_call", "function_result",
    "code_execution_call", "code_execution_result", "url_context_call", "url_context_result",
    "google_search_call", "google_search_result", "mcp_server_tool_call",
    "mcp_server_tool_result", "file_search_call", "file_search_result", "google_maps_call",
    "google_maps_result",
})
BUILTIN_TOOLS = frozenset({"google_search", "code_execution", "url_context", "file_search",
                           "google_maps", "computer_use", "mcp_server", "retrieval",
                           "tool_search"})
INTERACTION_KEYS = frozenset({
    "model", "agent", "agent_config", "input", "system_instruction", "generation_config",
    "tools", "response_format", "response_mime_type", "response_modalities",
    "previous_interaction_id", "store", "stream", "background", "service_tier",
    "webhook_config", "environment", "safety_settings", "labels", "cached_content",
    "continuation_token",
})
# Legacy GenerationConfig keys with an Interactions equivalent; the rest are recorded as
# "dropped" (logged, never compared: the migration flags them, see api-mapping.md §4.3).
_LEGACY_CONFIG = {"temperature", "top_p", "max_output_tokens", "stop_sequences", "seed"}
_MODES = {0: "auto", 1: "auto", 2: "any", 3: "none", 4: "validated"}
# google.ai.generativelanguage HarmCategory / HarmBlockThreshold, as REST sends them (ints).
_HARM_CATEGORIES = ("unspecified", "derogatory", "toxicity", "violence", "sexual", "medical",
                    "dangerous", "harassment", "hate_speech", "sexually_explicit",
                    "dangerous_content", "civic_integrity")
_THRESHOLDS = ("unspecified", "block_low_and_above", "block_medium_and_above",
               "block_only_high", "block_none", "off")
SAFETY_TYPES = frozenset({
    "hate_speech", "dangerous_content", "harassment", "sexually_explicit", "civic_integrity",
    "image_hate", "image_dangerous_content", "image_harassment", "image_sexually_explicit",
    "jailbreak",
})
SAFETY_THRESHOLDS = frozenset(_THRESHOLDS[1:])


def _enum_name(value: Any, names: tuple[str, ...], prefix: str = "") -> str:
    if isinstance(value, int):
        return names[value] if 0 <= value < len(names) else str(value)
    return str(value).lower().removeprefix(prefix)


def legacy_safety(settings: Any) -> list[dict[str, str]]:
    out = []
    for item in settings or []:
        item = snake_keys(item)
        category = _enum_name(item.get("category"), _HARM_CATEGORIES, "harm_category_")
        threshold = _enum_name(item.get("threshold"), _THRESHOLDS)
        if category != "unspecified" and threshold != "unspecified":
            out.append({"type": category, "threshold": threshold})
    return sorted(out, key=lambda s: s["type"])


def interaction_safety(settings: Any) -> list[dict[str, str]]:
    if settings is None:
        return []
    if not isinstance(settings, list):
        raise invalid("Invalid value at 'safety_settings': expected a list")
    out = []
    for i, item in enumerate(settings):
        if not isinstance(item, dict):
            raise invalid(f"Invalid value at 'safety_settings[{i}]': expected an object")
        kind, threshold = item.get("type"), item.get("threshold")
        if kind not in SAFETY_TYPES:
            raise invalid(f"Invalid value at 'safety_settings[{i}].type': {kind!r}")
        if threshold not in SAFETY_THRESHOLDS:
            raise invalid(f"Invalid value at 'safety_settings[{i}].threshold': {threshold!r}")
        out.append({"type": str(kind), "threshold": str(threshold)})
    return sorted(out, key=lambda s: s["type"])


def _unknown(name: str, where: str | None = None) -> RequestError:
    at = f" at '{where}'" if where else ""
    return invalid(f'Invalid JSON payload received. Unknown name "{name}"{at}: '
                   f"Cannot find field.")


def _tool_choice(mode: Any, names: list[str] | None) -> Any:
    if isinstance(mode, int):
        mode = _MODES.get(mode, "auto")
    mode = str(mode or "auto").lower()
    return {"mode": mode, "tools": list(names)} if names else mode


# --- legacy generateContent (also google-genai's client.models.*) ----------------------------

def legacy_parts(parts: Any, where: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, part in enumerate(parts or []):
        part = snake_keys(part) if isinstance(part, dict) else part
        if not isinstance(part, dict):
            raise invalid(f"Invalid value at '{where}[{i}]': expected a Part object")
        if "text" in part:
            out.append({"text": str(part["text"])})
        elif "inline_data" in part:
            blob = part["inline_data"]
            raw = decode_b64(blob.get("data"), f"{where}[{i}].inline_data.data")
            out.append(inline_part(str(blob.get("mime_type", "")), raw))
        elif "file_data" in part:
            data = part["file_data"]
            out.append({"file": {"name": file_name_from_uri(str(data.get("file_uri", ""))),
                                 "mime_type": str(data.get("mime_type", ""))}})
        elif "function_call" in part:
            call = part["function_call"]
            out.append({"function_call": {"name": call.get("name"),
                                          "args": norm_value(call.get("args") or {})}})
        elif "function_response" in part:
            resp = part["function_response"]
            out.append({"function_result": {"name": resp.get("name"),
                                            "result": unwrap_result(resp.get("response"))}})
        # thought signatures, executable code, ... do not change the answer
    return out


def legacy_contents(contents: Any) -> list[dict[str, Any]]:
    conversation: list[dict[str, Any]] = []
    if not isinstance(contents, list):
        raise invalid("Invalid value at 'contents': expected a list of Content")
    for i, content in enumerate(contents):
        if not isinstance(content, dict):
            raise invalid(f"Invalid value at 'contents[{i}]': expected a Content object")
        role = content.get("role") or "user"
        role = "model" if role == "model" else "user"  # "function" turns are user-side
        add_turn(conversation, role, legacy_parts(content.get("parts"), f"contents[{i}].parts"))
    if not conversation:
        raise invalid("* GenerateContentRequest.contents: contents is not specified")
    return conversation


def legacy_tools(tools: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tool in tools or []:
        tool = snake_keys(tool)
        for decl in tool.get("function_declarations") or []:
            params = decl.get("parameters_json_schema") or decl.get("parameters") or {}
            out.append({"type": "function", "name": decl.get("name"),
                        "description": norm_description(decl.get("description")),
                        "parameters": norm_schema(params)})
        for key in ("code_execution", "url_context", "google_maps"):
            if key in tool:
                out.append({"type": key})
        if "google_search" in tool or "google_search_retrieval" in tool:
            out.append({"type": "google_search"})
    return out


def cache_meaning(body: dict[str, Any]) -> Meaning:
    """A cachedContents create body: the contents, system instruction and tools it holds."""
    contents = body.get("contents")
    conversation = legacy_contents(contents) if contents else []
    system = None
    sys_content = body.get("systemInstruction") or body.get("system_instruction")
    if sys_content:
        texts = [p["text"] for p in legacy_parts(sys_content.get("parts"), "system_instruction")
                 if "text" in p]
        system = "\n".join(texts)
    return Meaning(conversation, system, {}, legacy_tools(body.get("tools")))


def with_cache(meaning: Meaning, cache: Meaning) -> Meaning:
    """A request that names cached content means the cached turns first, with the cache's
    system instruction and tools unless the request sets its own."""
    conversation = [dict(turn) for turn in cache.conversation]
    for turn in meaning.conversation:
        add_turn(conversation, turn["role"], turn["parts"])
    return Meaning(conversation, meaning.system_instruction or cache.system_instruction,
                   meaning.config, meaning.tools or cache.tools, meaning.safety_settings)


def legacy_meaning(body: dict[str, Any]) -> tuple[Meaning, dict[str, Any]]:
    """A generateContent body (camelCase) to its meaning, plus the legacy-only config values
    the Interactions API cannot express."""
    body = dict(body)
    if "generate_content_request" in body or "generateContentRequest" in body:
        body = body.get("generateContentRequest") or body.get("generate_content_request") or {}
    conversation = legacy_contents(body.get("contents"))
    system = None
    sys_content = body.get("systemInstruction") or body.get("system_instruction")
    if sys_content:
        texts = [p["text"] for p in legacy_parts(sys_content.get("parts"), "system_instruction")
                 if "text" in p]
        system = "\n".join(texts)
    raw_config = snake_keys(body.get("generationConfig") or body.get("generation_config") or {})
    config: dict[str, Any] = {}
    dropped: dict[str, Any] = {}
    for key, value in raw_config.items():
        if key in _LEGACY_CONFIG:
            config[key] = [str(s) for s in value] if key == "stop_sequences" else \
                norm_number(value)
        elif key == "response_mime_type":
            if value and value != "text/plain":
                config[key] = value
        elif key == "response_schema":
            # The API answers an OpenAPI responseSchema's properties alphabetically (unless
            # propertyOrdering, which the legacy SDK cannot send, says otherwise); a JSON
            # Schema keeps its own order.
            config["response_schema"] = _alphabetical(norm_schema(value))
        elif key == "response_json_schema":
            config["response_schema"] = norm_schema(value)
        elif key == "candidate_count" and norm_number(value) == 1:
            continue
        else:
            dropped[key] = value
    if config.get("stop_sequences") == []:
        del config["stop_sequences"]
    tool_config = snake_keys(body.get("toolConfig") or body.get("tool_config") or {})
    fcc = tool_config.get("function_calling_config")
    if fcc:
        choice = _tool_choice(fcc.get("mode"), fcc.get("allowed_function_names"))
        if choice != "auto":
            config["tool_choice"] = choice
    safety = legacy_safety(body.get("safetySettings") or body.get("safety_settings"))
    meaning = Meaning(conversation, system, config, legacy_tools(body.get("tools")), safety)
    return meaning, dropped


# --- Interactions create ---------------------------------------------------------------------

def _block_part(block: dict[str, Any], where: str) -> dict[str, Any]:
    kind = block.get("type", "text" if "text" in block else None)
    if kind == "text":
        return {"text": str(block.get("text", ""))}
    if kind in CONTENT_TYPES:
        mime = str(block.get("mime_type", ""))
        major = mime.split("/", 1)[0].lower()
        # the block type follows the MIME type (api-mapping.md §4.3)
        expected = major if major in ("image", "audio", "video") else "document"
        if mime and kind != expected:
            raise invalid(f"Invalid value at '{where}.mime_type': {mime!r} does not go in a "
                          f"{kind!r} block (a {expected!r} block takes it)")
        if "uri" in block:
            return {"file": {"name": file_name_from_uri(str(block["uri"])),
                             "mime_type": str(block.get("mime_type", ""))}}
        raw = decode_b64(block.get("data"), f"{where}.data")
        return inline_part(str(block.get("mime_type", "")), raw)
    raise invalid(f"Invalid value at '{where}.type': unknown content type {kind!r}")


def interaction_input(
    value: Any, call_names: dict[str, str]
) -> list[dict[str, Any]]:
    """`input` to conversation turns. `call_names` maps function-call ids of the chain to
    their names (a function_result may omit its name)."""
    turns: list[dict[str, Any]] = []
    if isinstance(value, str):
        add_turn(turns, "user", [{"text": value}])
        return turns
    if isinstance(value, dict):
        if "role" in value:
            raise _role_turns()
        if value.get("type") in STEP_TYPES:
            raise invalid("Invalid value at 'input': a step must be sent inside a list")
        add_turn(turns, "user", [_block_part(value, "input")])
        return turns
    if not isinstance(value, list) or not value:
        raise invalid("Invalid value at 'input': expected a string, a content block, or a "
                      "non-empty list of content blocks or steps")
    if any(isinstance(item, dict) and "role" in item for item in value):
        raise _role_turns()
    if not all(isinstance(item, dict) for item in value):
        raise invalid("Invalid value at 'input': list items must be content blocks or steps")
    kinds = {item.get("type") in STEP_TYPES for item in value}
    if kinds == {False}:
        add_turn(turns, "user", [_block_part(b, f"input[{i}]") for i, b in enumerate(value)])
        return turns
    if kinds != {True}:
        raise invalid("Invalid value at 'input': steps and content blocks cannot be mixed")
    for i, step in enumerate(value):
        where = f"input[{i}]"
        kind = step["type"]
        if kind in ("user_input", "model_output"):
            content = step.get("content") or []
            if not isinstance(content, list):
                raise invalid(f"Invalid value at '{where}.content': expected a list of "
                              f"content blocks")
            parts = [_block_part(b, f"{where}.content[{j}]") for j, b in enumerate(content)]
            add_turn(turns, "user" if kind == "user_input" else "model", parts)
        elif kind == "function_call":
            call_names[str(step.get("id"))] = str(step.get("name"))
            add_turn(turns, "model", [{"function_call": {
                "name": step.get("name"), "args": norm_value(step.get("arguments") or {})}}])
        elif kind == "function_result":
            call_id = str(step.get("call_id"))
            name = step.get("name") or call_names.get(call_id)
            if call_id not in call_names:
                raise invalid(f"function_result call_id '{call_id}' does not match any "
                              f"function_call of this conversation")
            add_turn(turns, "user", [{"function_result": {
                "name": name, "result": unwrap_result(step.get("result"))}}])
        # thoughts and built-in tool steps do not change the answer
    return turns


def _role_turns() -> RequestError:
    return invalid("Invalid value at 'input': role-based turns ({\"role\": ..., \"content\": "
                   "...}) are not accepted; send a list of steps (user_input / model_output)")


def interaction_tools(tools: Any) -> list[dict[str, Any]]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise invalid("Invalid value at 'tools': expected a list")
    out: list[dict[str, Any]] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise invalid(f"Invalid value at 'tools[{i}]': {str(tool)[:60]!r} is not a tool "
                          f"object (Python callables are not accepted; declare a function "
                          f"tool with a JSON Schema)")
        kind = tool.get("type")
        if kind == "function":
            if not tool.get("name"):
                raise invalid(f"Invalid value at 'tools[{i}].name': a function tool needs a "
                              f"name")
            out.append({"type": "function", "name": tool["name"],
                        "description": norm_description(tool.get("description")),
                        "parameters": norm_schema(tool.get("parameters") or {})})
        elif kind in BUILTIN_TOOLS:
            out.append({"type": kind})
        else:
            name = next(iter(tool), "type") if kind is None else "type"
            raise invalid(f"Invalid value at 'tools[{i}].{name}': unknown tool "
                          f"{kind if kind is not None else name!r}")
    return out


def interaction_config(body: dict[str, Any]) -> dict[str, Any]:
    raw = body.get("generation_config")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise invalid("Invalid value at 'generation_config': expected an object")
    config: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in INTERACTIONS_CONFIG_KEYS:
            raise _unknown(key, "generation_config")
        if key == "stop_sequences":
            if value:
                config[key] = [str(s) for s in value]
        elif key == "tool_choice":
            if isinstance(value, dict):
                allowed = value.get("allowed_tools") or {}
                choice = _tool_choice(allowed.get("mode"), allowed.get("tools"))
            else:
                choice = _tool_choice(value, None)
            if choice != "auto":
                config[key] = choice
        elif key in ("temperature", "top_p", "max_output_tokens", "seed"):
            config[key] = norm_number(value)
    fmt = body.get("response_format")
    mime = body.get("response_mime_type")
    if isinstance(fmt, list):
        fmt = next((f for f in fmt if isinstance(f, dict) and f.get("type") == "text"), None)
    if isinstance(fmt, dict):
        if fmt.get("type") == "text":
            mime = fmt.get("mime_type") or mime
            if fmt.get("schema") is not None:
                config["response_schema"] = norm_schema(fmt["schema"])
        elif fmt.get("type") in ("object", "array") or "properties" in fmt:
            config["response_schema"] = norm_schema(fmt)  # the 1.x raw-schema spelling
    if mime and mime != "text/plain":
        config["response_mime_type"] = mime
    return config


def interaction_meaning(
    body: dict[str, Any], history: list[dict[str, Any]], call_names: dict[str, str]
) -> Meaning:
    for key in body:
        if key not in INTERACTION_KEYS:
            raise _unknown(key)
    if "input" not in body:
        raise invalid("* CreateInteractionRequest.input: input is required")
    system = body.get("system_instruction")
    if system is not None and not isinstance(system, str):
        raise invalid("Invalid value at 'system_instruction' (TYPE_STRING): expected a string")
    config = interaction_config(body)
    tools = interaction_tools(body.get("tools"))
    conversation = [dict(turn) for turn in history]
    for turn in interaction_input(body["input"], call_names):
        add_turn(conversation, turn["role"], turn["parts"])
    safety = interaction_safety(body.get("safety_settings"))
    return Meaning(conversation, system or None, config, tools, safety)


def _alphabetical(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out = {k: _alphabetical(v) if k in ("items", "any_of") else v for k, v in schema.items()}
    properties = out.get("properties")
    if isinstance(properties, dict):  # google-generativeai 0.8 cannot send propertyOrdering
        out["properties"] = {k: _alphabetical(properties[k]) for k in sorted(properties)}
    return out
