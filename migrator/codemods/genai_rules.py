"""The GM1xx rules: what the google-genai pass (`genai_models/`, `genai_convert.py`)
reports. Registered in `migrator.codes`.
"""

from __future__ import annotations

from migrator.rule import Rule

RULES = [
    # --- GM1xx: google-genai generate_content / chats -> Interactions ----------------------------
    Rule(
        "GM101", "genai-generate-content", "warning", "safe",
        "`client.models.generate_content[_stream]` becomes `client.interactions.create`.",
        "On a `google.genai` client (not a Vertex AI one, nor one with a custom HTTP transport, "
        "which usually mocks the old endpoint), `generate_content(model=, "
        "contents=, config=)` becomes `interactions.create(model=, input=, ...)` and the "
        "`client.aio` form `await client.aio.interactions.create(...)`. `contents` given as a "
        "string, a list of strings / parts (`types.Part.from_text|from_bytes|from_uri`, bytes "
        "base64-encoded, files from `client.files.upload` whose type is known from a literal "
        "name or mime_type) or `types.Content` turns becomes input blocks or steps. Config fields "
        "map per field: `system_instruction` (a string), `temperature`, `top_p`, "
        "`max_output_tokens`, `stop_sequences`, `seed`, `thinking_config.thinking_level` and "
        "`tool_config` go to `generation_config`; `safety_settings` become lower-case; "
        "`response_mime_type` + `response_schema` / `response_json_schema` become "
        "`response_format` (OpenAPI types lower-cased, pydantic classes through "
        "`model_json_schema()`); `labels`, `service_tier`, `store` carry over. Response reads "
        "are followed through the variable: `.text` -> `.output_text`, `.function_calls` -> "
        "the `function_call` steps (`.args` -> `.arguments`), `.parsed` -> "
        "`Model.model_validate_json(r.output_text)` or `json.loads(r.output_text)`, "
        "`usage_metadata.*` -> `usage.*`. `generate_content_stream` consumed by a plain `for` "
        "loop that reads `chunk.text` becomes `create(..., stream=True)` with the body run for "
        "`step.delta` text events. A config held in a variable becomes a dict of create() "
        "arguments spread with `**`. Anything else leaves the call as it was (GM103-GM105). "
        "Note: `output_text` is `\"\"` where `.text` was None, and holds the trailing run of "
        "text of the last model output.",
    ),
    Rule(
        "GM102", "genai-chats", "warning", "safe",
        "`client.chats.create` / `send_message[_stream]` become chained interactions.",
        "The chat becomes a dict of create arguments, `chat = {\"model\": ..., <config>, "
        "\"previous_interaction_id\": None}`; each turn is "
        "`response = client.interactions.create(**chat, input=msg)` followed by "
        "`chat[\"previous_interaction_id\"] = response.id` (for streams, from the "
        "`interaction.completed` event). The config is re-sent every turn because it is "
        "interaction-scoped. Chats kept in names, attributes, `st.session_state` or dicts keyed "
        "by a name keep working. A chat used any other way (`get_history()`, passed to a "
        "function, a per-turn `config=`) is left as it was (GM105). A literal `history=` is "
        "sent as `user_input` / `model_output` steps with the first message when that message "
        "is the next statement touching the chat.",
    ),
    Rule(
        "GM103", "genai-config-not-migrated", "warning", "none",
        "A `GenerateContentConfig` field has no Interactions equivalent; the call is left.",
        "`top_k`, `candidate_count` > 1, penalties, logprobs, `thinking_budget`, routing, "
        "`audio_timestamp` and similar fields cannot be expressed in `interactions.create`; "
        "fields that are not literals cannot be converted statically; tools and a few media "
        "options are not migrated yet. Dropping any of them would change the program silently, "
        "so the call keeps using `client.models` and gets a TODO comment.",
    ),
    Rule(
        "GM104", "genai-contents-not-migrated", "warning", "none",
        "`contents` / a chat message whose shape cannot be converted statically.",
        "Only values that are certainly strings (literals, f-strings, `str`-annotated "
        "parameters, `str` fields of pydantic request bodies, ...), literal lists of strings / "
        "parts and `types.Content` turns are converted. A variable of unknown type (an unannotated "
        "parameter, a list built at run time) could be a list of parts or an image, which the "
        "Interactions API takes in a different shape; the call is left as it was.",
    ),
    Rule(
        "GM105", "genai-result-not-followed", "warning", "none",
        "A response, stream or chat is used in a way gemini-migrate cannot follow.",
        "The response is passed on, returned, printed whole or read through an attribute with "
        "no Interactions equivalent (`candidates`, `prompt_feedback`, ...); a stream is used "
        "other than by a plain loop over `chunk.text`; a chat is passed on, read through "
        "`get_history()` / `.history`, or its history cannot be replayed on a first turn known "
        "statically; or the call's errors are caught as `google.genai.errors.*`, which "
        "Interactions does not raise. Migrating only some uses would break the others, so the "
        "call (or the whole chat) is left as it was.",
    ),
    Rule(
        "GM106", "genai-client-not-proven", "info", "none",
        "`X.models.generate_content` / `X.chats.create` where `X` is not proven a genai client.",
        "The google-genai pass rewrites a call only on a receiver proven to be a "
        "`google.genai.Client`: a `genai.Client(...)` (not a Vertex AI one, nor one with a custom "
        "HTTP transport or `**` arguments), a name or `self` attribute every assignment of which "
        "is one, a factory function of the module (or another module of the repository) that "
        "returns one, a parameter annotated `genai.Client` or one every caller in the module "
        "passes a client to (when no other file imports the function), or a name imported from "
        "a module that builds one. Anything else (a mock, an object from a container or a "
        "framework's state, a client of another SDK) is left alone and reported here, in a file "
        "that imports google.genai, so that a real client can be migrated by hand. A client that "
        "is surely a Vertex AI one is not reported: the Interactions API is not offered there.",
    ),
]
