"""Every rule code gemini-migrate can report, with the text `--explain` and the README show.

Codes are never reused. Blocks: GM0xx legacy `google-generativeai` rewrites, GM1xx
`google-genai` generate_content / chats -> Interactions, GM2xx Interactions misuse, GM3xx model
names, GM4xx dependency pins, GM5xx JavaScript / TypeScript rewrites, GM9xx meta (files that
could not be read or parsed, suppressions).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error" | "warning" | "info"
    fix: str  # "safe" | "unsafe" | "none": the best fix this rule can offer
    summary: str
    explanation: str


_RULES = [
    # --- GM0xx: google-generativeai -> Interactions -------------------------------------------
    Rule(
        "GM001", "legacy-sdk-import", "error", "safe",
        "`google.generativeai` import rewritten to `from google import genai`.",
        "The `google-generativeai` package is deprecated. Once every use of the legacy SDK in "
        "a file is migrated, its import is replaced by `from google import genai` (the alias the "
        "file used is kept when it was not `genai`). While any use is left for a human, the "
        "legacy import stays so the file keeps running.",
    ),
    Rule(
        "GM002", "legacy-configure", "error", "safe",
        "`genai.configure(api_key=...)` becomes a `genai.Client(...)`.",
        "The legacy SDK kept global configuration; `google-genai` uses a client object. A "
        "module-level `genai.configure(api_key=K)` becomes `client = genai.Client(api_key=K)`; "
        "a configure call inside a function assigns the module's `client` through `global`. "
        "`transport=` and `client_info=` are dropped (google-genai is HTTP only). "
        "`credentials=`, `client_options=` and `default_metadata=` are left for a human "
        "(GM016).",
    ),
    Rule(
        "GM003", "legacy-generative-model", "error", "safe",
        "`GenerativeModel(...)` becomes a dict of `interactions.create` arguments.",
        "An Interactions call is stateless, so the model object becomes the arguments it stood "
        "for: `model = dict(model=..., system_instruction=..., generation_config={...})`, "
        "passed as `client.interactions.create(**model, input=...)`. This keeps working where "
        "the model lives in an attribute, a global or a function argument. Deprecated model ids "
        "the Interactions API refuses are substituted (GM303).",
    ),
    Rule(
        "GM004", "legacy-generate-content", "error", "safe",
        "`model.generate_content(...)` becomes `client.interactions.create(...)`.",
        "Per-call `generation_config` / `safety_settings` are merged over the model's, as the "
        "legacy SDK did; JSON mode (`response_mime_type` + `response_schema`) becomes the "
        "top-level `response_format` with the JSON Schema the legacy SDK sent: a literal "
        "schema, `protos.Schema(...)`, or a TypedDict / dataclass / pydantic model / enum "
        "defined in the same file, converted as google-generativeai did (no `required`, "
        "`$defs` inlined, `Optional` as null, docstrings as descriptions; see GM030). "
        "`response.text` becomes `response.output_text` and "
        "`usage_metadata` fields become `usage` fields (GM008).",
    ),
    Rule(
        "GM005", "legacy-chat-session", "error", "safe",
        "`start_chat()` / `send_message()` become chained interactions.",
        "The chat becomes a dict of create arguments plus `previous_interaction_id`, updated "
        "after every turn: `chat = {**model, \"previous_interaction_id\": None}`, "
        "`response = client.interactions.create(**chat, input=msg)`, "
        "`chat[\"previous_interaction_id\"] = response.id`. System instruction and generation "
        "config are re-sent every turn because they are interaction-scoped. A literal history "
        "is sent as `user_input` / `model_output` steps on the first turn.",
    ),
    Rule(
        "GM006", "legacy-streaming", "error", "safe",
        "`generate_content(..., stream=True)` and its text loop become an Interactions stream.",
        "The loop `for chunk in response: ... chunk.text ...` becomes a loop over events whose "
        "body runs for `step.delta` text events, reading `chunk.delta.text`. Loops that use "
        "the chunk in any other way are left for a human (GM013).",
    ),
    Rule(
        "GM007", "legacy-async", "error", "safe",
        "`generate_content_async` / `send_message_async` become `client.aio.interactions`.",
        "`await model.generate_content_async(...)` becomes "
        "`await client.aio.interactions.create(...)`.",
    ),
    Rule(
        "GM008", "legacy-response-accessor", "error", "safe",
        "`response.text` / `usage_metadata` read through the Interactions names.",
        "`response.text` -> `response.output_text`; `usage_metadata.prompt_token_count` -> "
        "`usage.total_input_tokens`, `candidates_token_count` -> `total_output_tokens`, "
        "`total_token_count` -> `total_tokens`, `cached_content_token_count` -> "
        "`total_cached_tokens`. Note: legacy `.text` raised on a blocked answer; `output_text` "
        "returns an empty string.",
    ),
    Rule(
        "GM009", "legacy-count-tokens", "error", "safe",
        "`model.count_tokens(x)` becomes `client.models.count_tokens(...)`.",
        "Token counting has no Interactions equivalent; google-genai keeps it on "
        "`client.models.count_tokens(model=..., contents=...)` with the same `total_tokens`. "
        "Only migrated when the model has no system instruction or tools (the legacy count "
        "included them) and only `total_tokens` is read.",
    ),
    Rule(
        "GM010", "unsupported-config-key", "warning", "none",
        "A generation config key has no Interactions equivalent; the call is left as it was.",
        "`top_k`, `candidate_count` > 1, `presence_penalty`, `frequency_penalty`, logprobs and "
        "similar keys cannot be expressed in `interactions.create`. Dropping them would change "
        "the program's behaviour silently, so the call is not migrated.",
    ),
    Rule(
        "GM011", "model-object-escapes", "warning", "none",
        "A model or chat object is used in a way gemini-migrate cannot follow.",
        "The object is passed somewhere, stored in a container, or read through an attribute "
        "that has no Interactions equivalent. Migrating only some of its uses would break the "
        "others, so its construction and all its calls are left as they were.",
    ),
    Rule(
        "GM012", "chat-history-not-migrated", "warning", "none",
        "Chat history that cannot be converted safely is left as it was.",
        "History that is not a literal list of text turns cannot be replayed as steps on the "
        "first turn. The chat is left on the legacy SDK for a human to migrate. (Reads of "
        "`chat.history`, `chat.last` and `chat.rewind()` are GM035 / GM036.)",
    ),
    Rule(
        "GM013", "stream-not-migrated", "warning", "none",
        "A streamed response is consumed in a shape gemini-migrate does not rewrite.",
        "Only `for chunk in stream:` loops that read `chunk.text` are rewritten. A dynamic "
        "`stream=` flag, reading `response.text` after the loop, or using the chunk otherwise "
        "is left for a human.",
    ),
    Rule(
        "GM014", "legacy-api-not-migrated", "warning", "none",
        "A legacy SDK feature outside the migrated surface is left as it was.",
        "Tuning (`create_tuned_model` and friends: `client.tunings` is only on Vertex AI), "
        "operations, AQA (`genai.answer`), `get_base_model`, `configure(credentials=...)`-only "
        "setups, contents or options the other rules cannot prove faithful (a `dict` "
        "contents, a comprehension, `request_options` other than a literal timeout) and other "
        "legacy APIs are not rewritten. The call keeps working on `google-generativeai`; "
        "migrate it by hand.",
    ),
    Rule(
        "GM015", "response-accessor-not-migrated", "warning", "none",
        "A response attribute with no faithful Interactions equivalent.",
        "An attribute the legacy pass does not know (or a `usage_metadata` field / the whole "
        "`usage_metadata` with no `usage` twin) is not guessed at. The call that produced the "
        "response is left as it was. Known details with no counterpart (`safety_ratings`, "
        "`prompt_feedback`, `to_dict()`, ...) are GM034.",
    ),
    Rule(
        "GM016", "configure-option-not-migrated", "warning", "none",
        "A `genai.configure` option has no direct `genai.Client` equivalent.",
        "`credentials=` (OAuth is only used by google-genai on Vertex AI), `client_options=` and "
        "`default_metadata=` need a human decision; the configure call is left as it was. "
        "Calls that read a key `genai.Client()` cannot find by itself (anything but "
        "GEMINI_API_KEY / GOOGLE_API_KEY from the environment) stay too: a key configured "
        "in another module the import graph connects to this file (one imports the other, "
        "directly or not, or a common entry point imports both), or, with the SDK imported "
        "inside functions, in another function. An unconnected script's configure() does not "
        "count.",
    ),
    Rule(
        "GM017", "rewrite-incomplete", "info", "none",
        "The legacy import stays because some uses of the legacy SDK were left for a human.",
        "Everything that could be migrated safely was; the remaining legacy uses are reported "
        "with their own codes and marked with `# TODO(gemini-migrate)` comments. A "
        "`configure()` also stays as it is where nothing in its file calls the API (another "
        "module or a library such as langchain reads the global configuration), or while "
        "modules connected to it through imports still use the legacy SDK with the key it "
        "sets; the finding names them.",
    ),
    Rule(
        "GM018", "legacy-model-catalogue", "error", "safe",
        "`genai.list_models()` / `genai.get_model()` become `client.models.list()` / `get()`.",
        "The model catalogue has no Interactions equivalent; google-genai keeps it on "
        "`client.models`. `supported_generation_methods` becomes `supported_actions`; other "
        "fields keep their names. A field with no google-genai twin leaves the call as it was.",
    ),
    Rule(
        "GM019", "legacy-embed-content", "error", "safe",
        "`genai.embed_content(...)` becomes `client.models.embed_content(...)`.",
        "Embeddings have no Interactions equivalent. `content=` becomes `contents=`, "
        "`task_type` / `title` / `output_dimensionality` move into `config`, and the result, "
        "a dict before, is read as `result.embeddings[0].values` (one text) or "
        "`[e.values for e in result.embeddings]` (a list). A retired embedding model is "
        "substituted and reported: vectors from different models are not comparable.",
    ),
    Rule(
        "GM020", "vertexai-generative-models", "info", "unsafe",
        "`vertexai.generative_models` is a different SDK and is not rewritten to Interactions.",
        "The Interactions API is not available on Vertex AI through the Python SDK. Code using "
        "`vertexai.generative_models` is never rewritten as if it were `google-generativeai`; "
        "each file using it is reported. With `--unsafe-fixes`, a file whose every Vertex AI "
        "use has a common shape moves to google-genai on Vertex AI: a module-level "
        "`vertexai.init(project=, location=)` becomes `client = genai.Client(vertexai=True, "
        "project=, location=)`, `GenerativeModel(name, system_instruction=, generation_config="
        "GenerationConfig(...), safety_settings=[SafetySetting(...)])` becomes `dict(model=name, "
        "config={...})`, `model.generate_content(text)` becomes "
        "`client.models.generate_content(**model, contents=text)` and `model.start_chat()` "
        "becomes `client.chats.create(**model)` (`send_message` keeps its name); responses are "
        "read through `.text` / `.usage_metadata`. Unsafe because google-genai chats do not "
        "validate answers as Vertex AI's `ChatSession` did, an empty answer's `.text` is None, "
        "and credentials and project discovery differ. Any other Vertex AI use (parts, images, "
        "tools, streaming, `init()` inside a function, ...) leaves the whole file as it is, "
        "with the reason in the message.",
    ),
    Rule(
        "GM021", "legacy-multimodal-input", "error", "safe",
        "Images, inline data and uploaded files in contents become Interactions content blocks.",
        "A contents list mixing text with `{\"mime_type\": m, \"data\": bytes}` dicts, "
        "`protos.Blob` / `protos.Part` values, PIL images or uploaded files becomes a list of "
        "content blocks: `{\"type\": \"text\", ...}`, `{\"type\": kind, \"data\": "
        "base64.b64encode(data).decode(), \"mime_type\": m}` (the Interactions API takes base64 "
        "text, not bytes) and `{\"type\": kind, \"uri\": f.uri, \"mime_type\": f.mime_type}`, "
        "where kind is image, audio, video or document by MIME type. A PIL image is sent as the "
        "legacy SDK sent it: one opened from a path as that file's bytes with "
        "`img.get_format_mimetype()`, any other as a lossless WebP encoded into an "
        "`io.BytesIO()` just before the call. What cannot be proven statically is left as it "
        "was (GM023).",
    ),
    Rule(
        "GM022", "legacy-files-api", "error", "safe",
        "`genai.upload_file/get_file/delete_file/list_files` become `client.files.*`.",
        "`upload_file(path, mime_type=, name=, display_name=)` becomes "
        "`client.files.upload(file=path, config={...})` (`resumable` is dropped: google-genai "
        "always uploads resumably; the display name the legacy SDK derived from the path is "
        "kept explicitly), `get_file(name)` -> `client.files.get(name=name)`, "
        "`delete_file(f)` -> `client.files.delete(name=f.name)` and "
        "`list_files(page_size=n)` -> `client.files.list(config={\"page_size\": n})`. "
        "`f.state.name` polling loops keep working: both SDKs' states have the same member "
        "names. A File and every call that assigns or reads it move together (GM024).",
    ),
    Rule(
        "GM023", "multimodal-part-not-migrated", "warning", "none",
        "A contents part whose type or bytes cannot be proven statically is left as it was.",
        "The Interactions block type (image, audio, video, document) must be known when the "
        "code is written, and inline data must be provably bytes (the legacy SDK read a str as "
        "base64). A name is text when every binding of it is: a string, an f-string, "
        "`input()`, a Streamlit `text_input` / `text_area` / `chat_input`, `sys.argv[i]`, a "
        "`str` parameter, or a parameter of a function of this module that every call passes "
        "text (the function called by name only, never passed on, decorated or imported by "
        "another file). An uploaded File whose MIME type is only known at run time gets its "
        "block type then (GM045). A MIME type of inline data that is not a literal, a name "
        "that may be text or an image, a PIL image opened from something that may be a path "
        "or a file object, or a `text/*` document known statically (not an Interactions "
        "document type) keep the call on the legacy SDK.",
    ),
    Rule(
        "GM024", "file-object-not-migrated", "warning", "none",
        "A legacy File object is used where its google-genai twin would differ.",
        "google-genai's File has the same `name`, `display_name`, `mime_type`, `uri`, "
        "`size_bytes` and `state.name`; other fields (`create_time`, `sha256_hash`, "
        "`video_metadata`, ...) and methods (`f.delete()`) differ in type or do not exist. A File "
        "read that way, passed where it cannot be followed, or uploaded from something that "
        "may be a file object keeps its upload, its fetches and the calls that use it on the "
        "legacy SDK. The display name is kept even when nothing in the program reads it back: "
        "the legacy SDK named an upload from a path after the file (`display_name=path.name`, "
        "none for a file object), and that name is what `files.list()`, AI Studio and other "
        "programs sharing the key show and look files up by, for the 48 hours the file lives. "
        "So it is written explicitly (`config={\"display_name\": ...}`), and an upload whose "
        "argument may be a path or a file object (which decides whether there is a display "
        "name) stays, rather than guessing or dropping it. A `str` argument is always a path.",
    ),
    Rule(
        "GM025", "legacy-function-tools", "error", "safe",
        "`tools=` (functions, declarations, built-ins) become Interactions tool dicts.",
        "Interactions takes tools as dicts only (Python callables are rejected): "
        "`{\"type\": \"function\", \"name\", \"description\", \"parameters\": <JSON "
        "Schema>}`. A function of the module becomes the declaration google-generativeai built "
        "from it: its name, its docstring as the description, and the schema of its type hints "
        "(`str`, `int`, `float`, `bool`, `list[...]`, `dict`, `Optional[...]` as "
        "`[\"<type>\", \"null\"]`, `Literal` of strings and string `Enum`s as `enum`), "
        "required = the parameters without a default. `FunctionDeclaration` / `protos.Tool` / "
        "dict declarations get JSON Schema with lower-case types; `\"code_execution\"` becomes "
        "`{\"type\": \"code_execution\"}` and `google_search_retrieval` / `google_search` "
        "`{\"type\": \"google_search\"}` (GM029). A function whose signature cannot be "
        "converted faithfully (no type hint, `Any`, unions, models, decorators) or a tool that "
        "is not a literal leaves the model as it was, with this code.",
    ),
    Rule(
        "GM026", "legacy-tool-config", "error", "safe",
        "`tool_config` becomes `generation_config[\"tool_choice\"]`.",
        "`{\"function_calling_config\": {\"mode\": \"ANY\", \"allowed_function_names\": "
        "[...]}}` (dict, `protos.ToolConfig` or a bare mode) becomes `\"any\"` / `\"none\"` "
        "or `{\"allowed_tools\": {\"mode\": \"any\", \"tools\": [...]}}` inside "
        "`generation_config`; `AUTO` without names is the default and is dropped. A per-call "
        "`tool_config` next to a generation config is left as it was.",
    ),
    Rule(
        "GM027", "legacy-automatic-function-calling", "error", "safe",
        "`start_chat(enable_automatic_function_calling=True)` becomes an explicit function "
        "loop after each send.",
        "Interactions has no automatic function calling. After each send, a loop runs while "
        "the interaction's status is `requires_action`: each `function_call` step's function "
        "(from a name -> function mapping of the model's tools) is called with its arguments, "
        "a non-dict return value is wrapped as `{\"result\": value}` as the legacy SDK did, "
        "and all results go back as `function_result` steps chained on the chat "
        "(`previous_interaction_id`). Left as it was: streaming sends (the legacy SDK raised), "
        "tools that are not all functions of the module, a reply that is not stored in a name "
        "or read inline. One difference remains: google-generativeai decoded every number "
        "argument as a float (`5.0` for an `int` parameter); the loop passes the arguments as "
        "the API sent them (`5`), which is what the type hints ask for.",
    ),
    Rule(
        "GM028", "legacy-function-call-round-trip", "warning", "none",
        "A function call read from `candidates` / `parts`, or a result sent back by hand, "
        "whose call id cannot be threaded.",
        "In Interactions a function call is a `function_call` step (`step.name`, "
        "`step.arguments`, `step.id`) and a result must name the call it answers "
        "(`{\"type\": \"function_result\", \"call_id\": step.id, ...}`); legacy "
        "`function_response` parts carried no call id. One shape is migrated: on a chat, "
        "`fc = response.candidates[0].content.parts[0].function_call` (or "
        "`response.parts[0].function_call`) read only for `.name` / `.args` becomes `fc = "
        "next(step for step in response.steps if step.type == \"function_call\")` "
        "(`.args` -> `.arguments`), and the next send of "
        "`protos.Content(parts=[protos.Part(function_response=protos.FunctionResponse("
        "name=fc.name, response=R))])` becomes `input=[{\"type\": \"function_result\", "
        "\"call_id\": fc.id, \"name\": fc.name, \"result\": R}]`. Note that `next()` "
        "raises when the reply holds no function call, where the legacy read gave an empty "
        "call. Everything else (loops over `parts`, a result whose call cannot be told, "
        "`generate_content` with a hand-built history) is left on the legacy SDK with this "
        "code.",
    ),
    Rule(
        "GM029", "google-search-retrieval-threshold", "warning", "unsafe",
        "`google_search_retrieval`'s dynamic retrieval config has no Interactions equivalent.",
        "`google_search_retrieval` becomes the `google_search` tool. Its "
        "`dynamic_retrieval_config` (mode, `dynamic_threshold`) has no equivalent: a model "
        "with one is left as it was, and with `--unsafe-fixes` the config is dropped (the "
        "model then decides by itself when to search) and the change is reported.",
    ),
    Rule(
        "GM030", "response-schema-not-migrated", "warning", "none",
        "A `response_schema` whose request schema cannot be reproduced is left as it was.",
        "google-generativeai derived the schema it sent from a Python type through pydantic "
        "and post-processed it (titles and `required` dropped, `$defs` inlined, `Optional` as "
        "`nullable`). gemini-migrate writes that same schema as a JSON Schema literal in "
        "`response_format`, so it must see the type's definition: a TypedDict, dataclass, "
        "pydantic model or string enum defined in the same file, `list[...]` of one, "
        "`str`/`int`/`float`/`bool`, a literal dict or `protos.Schema(...)`. A class imported "
        "from elsewhere, a schema held in a variable, defaults, aliases, validators, unions "
        "other than `Optional[X]`, and shapes the legacy SDK itself rejected stay on the "
        "legacy SDK; write the JSON Schema by hand (`Model.model_json_schema()` adds "
        "`required` and `$defs`, which changes the request). Enum mode (`text/x.enum`) has no "
        "Interactions equivalent: the text format takes `application/json` or `text/plain`, "
        "and the JSON spelling answers `\"VALUE\"` instead of `VALUE`, so the reads change "
        "too.",
    ),
    Rule(
        "GM033", "legacy-response-parts", "error", "safe",
        "Response parts, `finish_reason == MAX_TOKENS` and `resolve()` read the Interactions way.",
        "`response.parts` and `response.candidates[0].content.parts` become the content blocks "
        "of the interaction's `model_output` steps, `[block for step in response.steps or [] "
        "if step.type == \"model_output\" for block in step.content]`, when every part is read "
        "through `.text` (by index, in a loop or a comprehension) or counted with `len()`, and "
        "the model has no tools and no non-text output (function calls are separate steps, "
        "media blocks have no `.text`). `candidates[0].finish_reason == / != MAX_TOKENS` "
        "(the enum or `.name`) becomes `response.status == / != \"incomplete\"`. "
        "`stream.resolve()` after the loop that consumed the stream, or on a response that was "
        "not streamed, is dropped. Other finish reasons have no status twin: `STOP` is not "
        "documented to be exactly `completed` (SAFETY / RECITATION stops), so such comparisons "
        "are left (GM034).",
    ),
    Rule(
        "GM034", "response-detail-no-equivalent", "warning", "none",
        "A response detail with no Interactions counterpart; the call is left as it was.",
        "`candidates[0].safety_ratings`, `citation_metadata`, `grounding_metadata`, "
        "`avg_logprobs`, `logprobs_result`, `token_count`, several candidates "
        "(`len(response.candidates)`, `candidates[1]`), `response.prompt_feedback`, "
        "`response.to_dict()` (an Interaction's `model_dump()` has another shape), "
        "`model_version`, a finish reason other than MAX_TOKENS or read as a value, and parts "
        "used as `Part` objects (Interactions blocks are not) cannot be rewritten faithfully. "
        "The finding names the detail; the model (or chat) stays on the legacy SDK.",
    ),
    Rule(
        "GM035", "legacy-chat-state", "error", "safe",
        "`chat.last.<read>` and `chat.rewind()` work on the interaction chain.",
        "The chat keeps only `previous_interaction_id`, so `chat.last.text` becomes "
        "`client.interactions.get(chat[\"previous_interaction_id\"]).output_text` (also "
        "`usage_metadata.*` -> `usage.*`; `client.aio` and `await` inside `async def`), and a "
        "`chat.rewind()` statement becomes `chat[\"previous_interaction_id\"] = "
        "client.interactions.get(chat[\"previous_interaction_id\"]).previous_interaction_id`: "
        "the next turn continues from the interaction before the last one, as the legacy chat "
        "dropped its last request/answer pair. Each costs one extra request.",
    ),
    Rule(
        "GM036", "chat-state-not-migrated", "warning", "none",
        "`chat.history`, or `chat.last` / `chat.rewind()` used in a way with no faithful twin.",
        "The server keeps an Interactions conversation and cannot list it in one call, so "
        "`chat.history` (printed, counted, saved) is left for a human: keep your own list of "
        "turns. `chat.rewind()` is left when its returned contents are used or the chat started "
        "with a `history=` (the history travels in the first interaction and would be rewound "
        "with it); `chat.last` when used whole or together with `rewind()` (the legacy chat "
        "forgets its last answer on rewind). The chat stays on the legacy SDK.",
    ),
    Rule(
        "GM037", "legacy-error-handler", "warning", "none",
        "An `except` clause that would stop matching what the migrated call raises.",
        "Interactions calls raise google-genai's own error classes (`NotFoundError`, "
        "`RateLimitError`, `BadRequestError`, ... with a `status_code`), whose only import path "
        "is private and version-dependent (`google.genai._interactions`, absent in 2.9-2.33); "
        "`client.models` calls raise `google.genai.errors.APIError`. None of them is a "
        "`google.api_core.exceptions` class, and the legacy `BlockedPromptException` / "
        "`StopCandidateException` / `IncompleteIterationError` are never raised (a blocked "
        "answer is reported through `interaction.status`). A call whose errors are caught as "
        "those stays on the legacy SDK with this finding (catch `Exception` and test "
        "`getattr(e, \"status_code\", None)` when migrating by hand). An `except ValueError` "
        "around a `.text` read that becomes `output_text` is reported: `output_text` returns "
        "`\"\"` on a blocked or empty answer instead of raising, so the handler no longer runs "
        "for it.",
    ),
    Rule(
        "GM038", "legacy-cached-content", "error", "safe",
        "`caching.CachedContent.*` becomes `client.caches.*`; a model built from a cache calls "
        "`client.models.generate_content` with `cached_content`.",
        "Explicit caches have no Interactions equivalent (`cached_content` is deprecated there "
        "and missing in google-genai 2.12-2.24), so google-genai keeps them on `client.caches`: "
        "`CachedContent.create(model, display_name=, system_instruction=, contents=, ttl=)` -> "
        "`client.caches.create(model=, config={...})` with `ttl` as a duration string "
        "(`timedelta(minutes=5)` -> `\"300s\"`, computed at run time when not literal); "
        "`CachedContent.get(name)` / `.list()` -> `client.caches.get(name=)` / "
        "`client.caches.list()`; `cache.update(ttl=)` -> `cache = client.caches.update(name="
        "cache.name, config={\"ttl\": ...})` (the legacy method updated the object in place); "
        "`cache.delete()` -> `client.caches.delete(name=cache.name)`. "
        "`model = GenerativeModel.from_cached_content(cache)` becomes `model = cache.model` and "
        "`model.generate_content(x)` becomes `client.models.generate_content(model=model, "
        "contents=x, config={\"cached_content\": cache.name})`, whose response keeps `.text` and "
        "`.usage_metadata`; the google-genai pass then flags it (GM103) for a human to choose "
        "between keeping the explicit cache and implicit caching on Interactions.",
    ),
    Rule(
        "GM039", "cached-content-not-migrated", "warning", "none",
        "A use of a legacy cache, or of a model built from one, is left as it was.",
        "`expire_time=`, `tools=`, a `ttl` whose type cannot be seen, non-text contents, a "
        "cache passed to other code, a model built from a cache name or from a variable that "
        "may hold different caches, chats, streaming or per-call options on a cached model, "
        "`usage_metadata` read as a whole, and `display_name` reads of caches not created here "
        "with one (google-genai reads None where the legacy SDK read \"\") stay on the legacy "
        "SDK. The cache object and "
        "the model built from it move independently: both SDKs read the same `name` and "
        "`model`.",
    ),
    Rule(
        "GM040", "legacy-sdk-mock", "warning", "none",
        "A test patches a google-generativeai name the migrated code no longer calls.",
        "`mock.patch(\"google.generativeai.GenerativeModel\")`, `mocker.patch(...)`, "
        "`monkeypatch.setattr(\"google.generativeai.configure\", ...)`, "
        "`monkeypatch.setattr(genai, \"GenerativeModel\", ...)` / `mock.patch.object(genai, "
        "...)` and `mock.patch(\"app.genai.GenerativeModel\")` (a name only the legacy SDK has, "
        "seen from the module under test) replace something that migrated code never touches: "
        "it builds a `google.genai.Client` and calls `client.interactions.create` (or "
        "`client.models.*`, `client.files.*`, `client.caches.*`). The test then reaches the "
        "network, fails, or passes without testing anything. The message names what to patch "
        "instead. Not rewritten: the fake must change shape too (an Interaction with "
        "`output_text`, not a response with `.text`; an embedding object, not a dict).",
    ),
    Rule(
        "GM041", "legacy-sdk-module-stub", "warning", "none",
        "A test stubs `google.generativeai` in `sys.modules`.",
        "`sys.modules[\"google.generativeai\"] = stub`, `monkeypatch.setitem(sys.modules, ...)` "
        "and `mock.patch.dict(sys.modules, {...})` replace the legacy package; the migrated "
        "code imports `google.genai` (`from google import genai`), which the stub does not "
        "cover, so the real SDK runs. Stub `google.genai` and its `Client` instead.",
    ),
    Rule(
        "GM042", "legacy-error-handling-kept", "warning", "none",
        "A call retried on the legacy SDK's errors stays on the legacy SDK.",
        "`@google.api_core.retry.Retry(...)` (whose default predicate names "
        "`google.api_core.exceptions` classes too), `request_options={\"retry\": Retry(...)}`, "
        "or a tenacity / backoff decorator whose predicate names a "
        "`google.api_core.exceptions` or `google.generativeai` error class retries on errors "
        "a migrated call never raises: Interactions calls raise google-genai's own error "
        "classes (importable only from a private, version-dependent module), `client.models` "
        "calls raise `google.genai.errors.APIError`, and google-genai's retry options belong "
        "to the client (`HttpOptions(retry_options=...)`). With no exact mapping, the call and "
        "its model or chat stay on the legacy SDK. To migrate by hand, retry on "
        "`getattr(e, \"status_code\", None) in (429, 500, 503)` (google-genai already retries "
        "429 and 5xx a few times itself).",
    ),
    Rule(
        "GM045", "content-type-at-run-time", "warning", "safe",
        "An uploaded file's content block type is chosen at run time from its `mime_type`.",
        "When the MIME type of an uploaded File is not known when the code is written "
        "(`genai.upload_file(path)` with a path only known at run time, or a `mime_type=` that "
        "is not a literal), its block is `{\"type\": content_type(f.mime_type), \"uri\": "
        "f.uri, \"mime_type\": f.mime_type}` with a small helper written once after the "
        "imports: `image/*`, `audio/*` and `video/*` give their own block type, anything else "
        "`document` (api-mapping.md §4.3). The helper never raises: a type the API does not "
        "take reaches the server and is refused at the call, as the legacy SDK's `file_data` "
        "part was. The one difference to review: a `text/*` file (`.txt`, `.md`, `.py`), which "
        "generateContent accepted, is not in the Interactions document MIME list and may be "
        "refused; a `text/*` type known statically keeps the call on the legacy SDK (GM023).",
    ),
    Rule(
        "GM046", "code-execution-text-kept", "warning", "none",
        "`.text` of an answer from a model with the code_execution tool stays on the legacy SDK.",
        "With the code_execution tool, a legacy answer's parts are text, the code the model "
        "wrote (`executable_code`) and what running it printed (`code_execution_result`); the "
        "legacy `.text` joins all of them, the code and its output in Markdown fences. The "
        "Interactions API returns them as `code_execution_call` / `code_execution_result` "
        "steps, and `output_text` is only the model's final text, so the code and its result "
        "would silently disappear from what the program prints or stores. The call stays as it "
        "was; migrate it by hand, reading the steps you want to keep "
        "(`for step in interaction.steps`).",
    ),
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
    # --- GM2xx: Interactions misuse -------------------------------------------------------------
    Rule(
        "GM201", "interactions-1x-outputs", "error", "safe",
        "`interaction.outputs` is the 1.x schema; google-genai>=2 uses `steps` / `output_text`.",
        "`interaction.outputs[-1].text` raises AttributeError on google-genai>=2.0. Read "
        "`interaction.output_text`, or loop over `interaction.steps`.",
    ),
    Rule(
        "GM202", "interactions-1x-stream-events", "error", "safe",
        "`content.delta` / `interaction.complete` are 1.x stream events.",
        "On google-genai>=2.0 the events are `step.delta` and `interaction.completed`; a loop "
        "that filters on the 1.x names silently yields nothing.",
    ),
    Rule(
        "GM203", "agent-without-background", "error", "none",
        "An agent interaction needs `background=True`.",
        "Agents such as Deep Research only run in the background.",
    ),
    Rule(
        "GM204", "store-false-with-state", "error", "none",
        "`store=False` cannot be combined with `previous_interaction_id` or `background=True`.",
        "An interaction that is not stored cannot be chained to or polled.",
    ),
    Rule(
        "GM205", "follow-up-drops-config", "warning", "none",
        "A follow-up turn drops `tools` / `system_instruction` / `generation_config`.",
        "These are interaction-scoped: a call with `previous_interaction_id` must re-send them.",
    ),
    Rule(
        "GM206", "role-turn-input", "error", "none",
        "`input` given as role turns; the Interactions API takes steps.",
        "`[{\"role\": \"user\", \"content\": ...}]` is rejected by google-genai>=2.18.1 and "
        "silently mangled by 2.9-2.12. Use `user_input` / `model_output` steps.",
    ),
    Rule(
        "GM207", "raw-bytes-inline-data", "error", "none",
        "Inline `data` must be a base64 string, not bytes.",
        "Raw bytes fail to serialise in every google-genai version.",
    ),
    Rule(
        "GM208", "callable-in-tools", "error", "none",
        "Python callables in `tools=` are rejected by the Interactions API.",
        "Declare tools as dicts with a JSON Schema `parameters` and run them in an explicit "
        "`requires_action` loop.",
    ),
    # --- GM3xx: model names ---------------------------------------------------------------------
    Rule(
        "GM301", "retired-model", "error", "safe",
        "A retired model id: calls with it answer 404. Its successor is written.",
        "The model table (rules/models.toml, extendable in [tool.gemini-migrate]) lists the "
        "successor, chosen to keep the tier (a Pro id gets a Pro model). Ids the table does "
        "not list one by one are matched by family rules: `gemini-1.5-*`, experimental "
        "releases (`*-exp*`, `*-experimental*`, `learnlm-*`), dated previews; Live, speech and "
        "image models are never moved to a text model. A retired id is a safe fix wherever it "
        "stands in Python code, calls that stay on the legacy SDK included: every call with it "
        "fails today, so nothing that works can change, and a different model answering is "
        "the smallest change that makes the call work again. Not fixed: dictionary keys and "
        "comparisons (code that maps old ids), an id whose successor is already in the same "
        "list (a model picker would show it twice), and ids in config files, whose readers the "
        "tool does not see (there the fix is unsafe). An id with no successor (`aqa`) is only "
        "reported. Embedding models (`kind = \"embedding\"` in the table) are never a safe "
        "fix: vectors of different models are not comparable (nor of the same size), so "
        "stored vectors would silently stop matching; the migration keeps the id and the "
        "finding offers the successor as an unsafe fix (`--unsafe-fixes`) with a note to "
        "re-embed stored data.",
    ),
    Rule(
        "GM302", "deprecated-model", "warning", "unsafe",
        "A deprecated model id.",
        "The model still answers generateContent today but is scheduled for retirement or "
        "refused by the Interactions API. In the `model=` of an Interactions call the "
        "successor is a safe fix (the call would be refused); elsewhere a different model may "
        "answer differently, so the fix is unsafe (`--unsafe-fixes`); in code that stays on "
        "the legacy SDK it is left to the migration.",
    ),
    Rule(
        "GM303", "model-substituted", "info", "safe",
        "A model id the Interactions API refuses was substituted while migrating.",
        "The old id would be refused by `client.interactions.create` (or is retired), so the "
        "migration writes its successor from the model table and reports the substitution. "
        "An id reaching the call through a name is substituted where it is written: a "
        "constant, a parameter's default (`def __init__(self, model=\"gemini-2.0-flash\")`) "
        "or the default of `os.getenv` / `os.environ.get`, when that name is bound once.",
    ),
    Rule(
        "GM304", "v1beta-only-alias", "warning", "safe",
        "A `-latest` alias exists only on v1beta; google-genai 3.x calls /v1.",
        "`gemini-flash-latest`, `gemini-flash-lite-latest` and `gemini-pro-latest` exist only "
        "on the v1beta API, and google-genai 3.x (which `google-genai>=2.26.0,<4` installs on "
        "Python 3.11+) sends every call to /v1, where the alias is not found. Replacing the "
        "alias with a pinned id would change what its author chose (the newest model of the "
        "tier), so an Interactions call keeps it and is sent with `api_version=\"v1beta\"` "
        "(accepted by every google-genai of the range; 2.x already called v1beta), written "
        "after its last argument. Other google-genai calls take their API version from the "
        "client, so there the alias is reported: create the client with "
        "`http_options=types.HttpOptions(api_version=\"v1beta\")` or name an id that exists "
        "on v1. The legacy SDK calls v1beta: its aliases are fine.",
    ),
    Rule(
        "GM305", "model-not-visible", "warning", "none",
        "The model id of an Interactions call comes from where the tool cannot see.",
        "An environment variable without a default (`os.environ[\"X\"]`, `os.getenv(\"X\")`) "
        "or a value read from a configuration file (`json.load`, `yaml.safe_load`, `tomllib`, "
        "`dotenv_values`: `config[\"model\"]`, `config.get(\"model\")`), directly, through a "
        "name bound once or a `self.model` set once in `__init__`, reaches the `model=` of an "
        "Interactions call, "
        "also through `**model` of a `dict(model=...)`: if it names an id the Interactions "
        "API refuses (Gemini 1.x, 1.5, 2.0) or a retired one, the call fails at run time. The "
        "call still migrates; the finding says where the id comes from. An id the tool can "
        "read (a constant, a parameter's default, a getenv default) is substituted there "
        "instead (GM303).",
    ),
    Rule(
        "GM306", "tuned-model-not-migrated", "warning", "none",
        "A call on a tuned model (`tunedModels/...`) stays as it is.",
        "The Interactions API serves base models and agents only: a tuned model "
        "(`tunedModels/...`, written in the call, in a constant or default that reaches it, or "
        "the `.name` of `get_tuned_model(...)`, a tuning job's `.tuned_model.model`) cannot "
        "be called through "
        "`client.interactions.create`, and Gemini API tuning is not offered by google-genai "
        "(`client.tunings` is for Vertex AI). The call keeps its SDK and its model, with a "
        "TODO: move the tuning data to a prompt (few-shot examples, a system instruction) on a "
        "current model, or keep the call on `client.models.generate_content` while the tuned "
        "model is served.",
    ),
    Rule(
        "GM307", "model-id-is-a-lookup-key", "warning", "none",
        "A refused model id is also a lookup key: the call stays as it is.",
        "The id reaching the call is one the Interactions API refuses, so migrating the call "
        "means substituting the id where it is written; but the name holding it is also used "
        "to look something up (`PRICES[MODEL]`, `limits.get(MODEL)`, `MODEL == \"...\"`, "
        "`MODEL in ...`, `match MODEL:`), and the lookup would find something else once the "
        "id changes. The call keeps its SDK and its model (the id still answers "
        "generateContent), with a TODO; the id itself is reported (GM301 / GM302) without a "
        "fix. Change the id and the keys it is looked up in together, then run the migration "
        "again.",
    ),
    # --- GM4xx: dependency pins -----------------------------------------------------------------
    Rule(
        "GM401", "legacy-sdk-pin", "error", "safe",
        "`google-generativeai` is deprecated; depend on `google-genai>=2.26.0,<4`.",
        "The legacy pin is replaced by `google-genai>=2.26.0,<4` (or dropped from a list that "
        "already has google-genai) once no code the manifest governs imports the legacy SDK "
        "(its folder and sub-folders, minus those with manifests of their own that do not "
        "`-r` include it: a sub-app's requirements.txt governs that sub-app): an "
        "`import` / `from ... import` statement or `importlib.import_module` in a Python file "
        "or a notebook's code cells, as the run leaves them (a mention in a comment or a "
        "string does not count). Manifests are judged after the code, so `--check` and "
        "`--diff` show the pin edit a plain run would make. The edit is withheld while the "
        "file's other pins or its Python version could not be installed with google-genai "
        "(GM408, GM409). Notebook and README `pip install` lines follow their own file's code.",
    ),
    Rule(
        "GM402", "genai-below-floor", "error", "safe",
        "`google-genai` below the Interactions floor, in a project that calls Interactions.",
        "Code that calls the Interactions API needs `google-genai>=2.26.0`: one spelling works "
        "from 2.26.0 on. The pin is raised (to `>=2.26.0,<4`, keeping a cap above the floor) "
        "only when some code calls `client.interactions`: a project whose code uses only "
        "`client.models` / `chats` runs on the google-genai it has, so its pin is left alone. "
        "For `@google/genai` the floor is 2.25.0 (see GM410 for the Node version).",
    ),
    Rule(
        "GM403", "legacy-js-sdk", "error", "safe",
        "`@google/generative-ai` is end-of-life; use `@google/genai`.",
        "In package.json the entry becomes `\"@google/genai\": \">=2.25.0 <4\"` once no "
        "JavaScript / TypeScript file of the package (its folder, minus nested packages and "
        "node_modules) imports the legacy SDK: an ESM `import`, a `require(...)` or a dynamic "
        "`import(...)`, subpaths included. A package whose engines.node, `.nvmrc` or "
        "`.node-version` allows a Node older than 22 gets `^2.25.0` instead (@google/genai 3.x "
        "declares Node >= 22). Where @google/genai is already declared in the same section the "
        "legacy entry is removed; in another section it is left for a human. Lock files are "
        "reported (GM406), never edited. In JS/TS code the import is "
        "replaced by the `@google/genai` import the migrated code needs (reported as fixed) "
        "once nothing in the file uses a legacy name any more; while something does, the "
        "import stays and is reported here (GM527 says why).",
    ),
    Rule(
        "GM404", "generativelanguage-direct", "warning", "none",
        "`google-ai-generativelanguage` used directly.",
        "The generated low-level client is an implementation detail of the legacy SDK.",
    ),
    Rule(
        "GM405", "vertexai-pin", "info", "none",
        "`vertexai` / `google-cloud-aiplatform` generative modules are being removed.",
        "`vertexai.generative_models` is removed after June 24 2026; move to "
        "`genai.Client(vertexai=True)`.",
    ),
    Rule(
        "GM406", "lock-file-legacy", "warning", "none",
        "A lock file pins a legacy SDK; regenerate it after fixing the manifest.",
        "Lock files are reported, never edited.",
    ),
    Rule(
        "GM407", "genai-undeclared", "error", "safe",
        "Code imports google-genai, but the manifest declares only the legacy SDK.",
        "While some code still imports the legacy SDK its pin stays; when other code the "
        "manifest governs (see GM401) imports google-genai (the migrated part), every "
        "dependency list that names the legacy SDK gets `google-genai>=2.26.0,<4` beside it "
        "(`@google/genai` in package.json), written in that format's own syntax: a line after "
        "the legacy one (requirements, setup.cfg, environment.yml, Poetry and Pipfile tables), "
        "an item after it in a list (pyproject arrays, setup.py). Without it a fresh install "
        "fails with ImportError. Not written into a hash-checked file, a one-line setup.cfg "
        "value, or a file whose pins google-genai cannot be installed with (GM408, GM409).",
    ),
    Rule(
        "GM408", "genai-dependency-conflict", "error", "none",
        "A pin conflicts with google-genai's own dependencies: pip could not install both.",
        "Every google-genai from 2.26.0 to 3.x needs google-auth>=2.56, pydantic>=2.12.5, "
        "typing-extensions>=4.14, anyio>=4.8 and more (rules/packages.toml records each "
        "release's requirements, built from its metadata by "
        "scripts/genai_dependencies.py). A manifest that pins `google-auth==2.32.0`, "
        "`pydantic==2.8.2` or `typing_extensions==4.12.2` (a frozen requirements file, say) "
        "cannot install google-genai. Where each pin in the way can be raised safely it is "
        "(GM411); otherwise nothing is written into the file and each pin in the way is "
        "reported with the version google-genai needs. Pins in files included with `-r` / "
        "`-c` count, and are reported on the include line.",
    ),
    Rule(
        "GM409", "python-below-genai", "error", "none",
        "The project's Python version is older than google-genai supports.",
        "google-genai 2.26-2.33 need Python 3.10, 2.34 and 3.x Python 3.11. A project whose "
        "requires-python, Poetry `python`, Pipfile `python_version`, setup.py / setup.cfg "
        "`python_requires`, environment.yml `python` or runtime.txt / .python-version allows "
        "an older Python cannot resolve google-genai (Poetry and uv refuse to lock it), so it "
        "is not written: raise the project's Python first.",
    ),
    Rule(
        "GM410", "node-below-genai", "warning", "none",
        "The package supports a Node version older than @google/genai declares.",
        "@google/genai 2.x declares Node >= 20 and 3.x Node >= 22. npm installs it anyway "
        "with an EBADENGINE warning, so the package.json edit is made (with `^2.25.0`, which "
        "stays on 2.x), and engines.node (or .nvmrc) is reported: raise it to 20 or later.",
    ),
    Rule(
        "GM411", "dependency-pin-raised", "error", "safe",
        "An exact pin google-genai cannot install with is raised to the version it needs.",
        "When google-genai is written into a file (GM401, GM402, GM407) whose exact pins "
        "conflict with its dependencies (`pydantic==2.8.2`, `google-auth==2.32.0`, "
        "`typing_extensions==4.12.2` in a frozen requirements file), each such pin is raised "
        "to the lowest version that meets every bound google-genai and its dependencies ask "
        "for (`pydantic==2.12.5`), and so are the pins that version needs in turn "
        "(`pydantic_core==2.41.5`), from the releases' own metadata in rules/packages.toml. "
        "Only when all of it is safe: an exact pin in a requirements file, pyproject array, "
        "setup.cfg or setup.py (not a constraints file, a hash-checked file, a file included "
        "with `-r` / `-c`, a Poetry, Pipfile or conda table), raised within its major series "
        "(a 1.x to 2.x jump is the project's call), for a folder whose code imports "
        "google-genai, with a result the recorded metadata says pip can install. Else "
        "nothing is raised and the pins are reported (GM408).",
    ),
    Rule(
        "GM412", "held-back-undeclarable", "error", "none",
        "A file is not migrated: no manifest that governs it can declare google-genai.",
        "A file the rewrite would make import google-genai is governed by the manifests of the "
        "nearest folder at or above it that has any (a sub-app's requirements.txt governs that "
        "sub-app). When some of them name the legacy SDK and none declares google-genai or can "
        "be given it (hash-checked, unparseable, pins google-genai cannot install with and "
        "that cannot be raised (GM408, GM411), a Python version it does not support (GM409)), "
        "the migrated file would fail with ImportError on a fresh install: it is left as it "
        "was, its other findings reported unfixed, and this finding names the manifest and "
        "why. Fix the manifest (or regenerate it from its source, e.g. requirements.in) and "
        "run again. A folder whose manifests never named the legacy SDK holds nothing back; "
        "with GM412 ignored, such files are migrated anyway.",
    ),
    # --- GM5xx: JavaScript / TypeScript -----------------------------------------------------------
    Rule(
        "GM501", "js-client", "error", "safe",
        "`new GoogleGenerativeAI(key)` becomes `new GoogleGenAI({ apiKey: key })`.",
        "The key expression is kept as it was written (`process.env.X`, a literal, a name), so "
        "it comes from where it came from. When some models of the client must stay on the "
        "legacy SDK, the legacy client stays for them and a `@google/genai` client (`ai`) is "
        "declared next to it for the models that move.",
    ),
    Rule(
        "GM502", "js-model-params", "error", "safe",
        "`getGenerativeModel({...})` becomes an object of `interactions.create` parameters.",
        "The model object becomes the parameters it stood for, under the same name, spread "
        "into each call: `ai.interactions.create({ ...model, input })`. The JS SDK sends the "
        "object verbatim, so every key is written in the wire's snake_case: "
        "`systemInstruction` -> `system_instruction` (a string), `generationConfig` -> "
        "`generation_config` (`maxOutputTokens` -> `max_output_tokens`, `topP` -> `top_p`, "
        "`stopSequences` -> `stop_sequences`), `responseMimeType` / `responseSchema` -> "
        "`response_format: { type: \"text\", mime_type, schema }` with `SchemaType.X` and "
        "UPPERCASE types as JSON Schema literals, `safetySettings` -> `safety_settings` "
        "(`{ type: \"harassment\", threshold: \"block_none\" }`), `tools` -> one "
        "`{ type: \"function\", name, description, parameters }` per declaration "
        "(`codeExecution` / `googleSearch` -> their tool types) and `toolConfig` -> "
        "`generation_config.tool_choice`. A `models/` prefix is dropped (Interactions sends "
        "the id verbatim). In TypeScript the object gets `satisfies "
        "Partial<Interactions.CreateModelInteractionParamsNonStreaming>`, which keeps its "
        "literal unions assignable and catches a camelCase key. Anything else in the object "
        "leaves the model (and all its uses) as it was (GM520, GM521).",
    ),
    Rule(
        "GM503", "js-generate-content", "error", "safe",
        "`model.generateContent(x)` becomes `ai.interactions.create({ ...model, input })`.",
        "The input is a string, or a literal list of strings and `inlineData` / `fileData` "
        "parts (content blocks typed by their literal MIME type), or a `{ contents }` request "
        "of user / model turns (steps). Reads of the result are rewritten along the whole "
        "path, because the interaction is the response: `result.response.text()` -> "
        "`result.output_text ?? \"\"` (`output_text` is undefined when there is no text), "
        "`const response = result.response` -> `const response = result`, `usageMetadata."
        "promptTokenCount` / `candidatesTokenCount` / `totalTokenCount` / "
        "`cachedContentTokenCount` -> `usage.total_input_tokens` / `total_output_tokens` / "
        "`total_tokens` / `total_cached_tokens`. A `{ timeout }` request option goes as "
        "create()'s second argument (milliseconds on both SDKs); other request options keep "
        "the model. Note: legacy `text()` threw on a blocked answer; `output_text` never "
        "throws.",
    ),
    Rule(
        "GM504", "js-streaming", "error", "safe",
        "`generateContentStream` and its `for await` loop become an Interactions stream.",
        "`create({ ..., stream: true })`; the loop runs over the events and skips every event "
        "that is not a text delta (`if (chunk.event_type !== \"step.delta\" || "
        "chunk.delta.type !== \"text\") continue;`), `chunk.text()` reads "
        "`chunk.delta.text`, and the aggregated `await result.response` whose `text()` is read "
        "after the loop becomes a string accumulated in it. This works unchanged inside a "
        "`ReadableStream`'s `start()` (Next.js route handlers).",
    ),
    Rule(
        "GM505", "js-chat", "error", "safe",
        "`startChat()` / `sendMessage[Stream]()` become a `previous_interaction_id` chain.",
        "The chat becomes `{ ...model, previous_interaction_id: undefined }` (its own "
        "generation config merged in); each turn is `ai.interactions.create({ ...chat, input "
        "})` followed by `chat.previous_interaction_id = result.id` (a stream stores the id "
        "from its `interaction.created` event). The object is updated in place, so chats kept "
        "in a name, a class field, a `Map` or an object keyed by session keep working. A "
        "literal `history` is sent as `user_input` / `model_output` steps with the first "
        "message when that message is the next statement. A send's `{ timeout }` request "
        "option goes as create()'s second argument (milliseconds in every @google/genai "
        "version); other request options (`signal`, base URL, headers) keep the chat as it was.",
    ),
    Rule(
        "GM506", "js-function-calling", "error", "safe",
        "`functionCalls()` and `functionResponse` parts become `function_call` / "
        "`function_result` steps.",
        "Interactions answers a function call with a `function_call` step (`{ id, name, "
        "arguments }`) and takes the result as `{ type: \"function_result\", call_id, name, "
        "result }`; the legacy objects carried no call id. `response.functionCalls()` becomes "
        "`(result.steps ?? []).filter((step) => step.type === \"function_call\")` (typed as "
        "`Interactions.FunctionCallStep` in TypeScript; kept `undefined` when there is no call "
        "where the code tests the list itself), each call's `.args` becomes `.arguments`, and "
        "a `{ functionResponse: { name: call.name, response: R } }` part sent on a chat "
        "(alone, in a literal list or built with `calls.map((call) => ...)`) becomes "
        "`{ type: \"function_result\", call_id: call.id, name: call.name, result: R }`. A call "
        "used whole, a result whose call cannot be told, or a hand-built history with function "
        "turns is reported with this code and its model stays.",
    ),
    Rule(
        "GM507", "js-files", "warning", "safe",
        "`GoogleAIFileManager` becomes a `GoogleGenAI` client and its calls move to `files`.",
        "The manager keeps its name and becomes `new GoogleGenAI({ apiKey: key })`: "
        "`uploadFile(path, { mimeType, displayName })` -> `files.upload({ file: path, config: "
        "{ mimeType, displayName } })`, `getFile(name)` -> `files.get({ name })`, "
        "`deleteFile(name)` -> `files.delete({ name })`. The upload answers the file itself, so "
        "`upload.file.uri` / `.mimeType` -> `upload.uri` / `.mimeType`, and a `fileData` part "
        "whose `mimeType` is the upload's (given as a literal) becomes a content block of that "
        "type. `FileState` is then imported from @google/genai (same members and values), "
        "and in TypeScript a `x.name` given to `get` / `delete` gets a `!` (a new `File`'s "
        "`name` is optional). Reported unfixed, with the manager left as it was: `listFiles()` "
        "(`files.list()` is an async pager, not `{ files, nextPageToken }`), an upload of "
        "anything but a path (a string, `path.join(...)`, a property named `...path`; "
        "`files.upload` fails on a Buffer: wrap it in `new Blob([buf], { type })`), request "
        "options, a result used whole or declared with a legacy type, a manager passed on or "
        "exported.",
    ),
    Rule(
        "GM508", "js-count-tokens-embeddings", "error", "safe",
        "`model.countTokens(text)` / `embedContent(text)` move to `ai.models`.",
        "Token counting and embeddings have no Interactions equivalent; `@google/genai` keeps "
        "them on `ai.models`: `countTokens({ model: model.model, contents })` with the same "
        "`totalTokens`, and `embedContent({ model: model.model, contents })` whose one vector is "
        "read as `.embeddings[0].values` where it was `.embedding.values`. Only for a string, "
        "on a model without a system instruction or tools (the legacy count included them).",
    ),
    Rule(
        "GM509", "js-genai-models", "warning", "safe",
        "Older `@google/genai` `ai.models.generateContent` code becomes `ai.interactions.create`.",
        "`ai.models.generateContent({ model, contents, config })` with a string contents and "
        "a literal config becomes `ai.interactions.create({ model, input, ... })` with the "
        "config keys in snake_case (`systemInstruction` -> `system_instruction`, "
        "`temperature`, `topP`, `maxOutputTokens`, `stopSequences`, `seed` -> "
        "`generation_config`), and `response.text` (a getter) -> `response.output_text ?? "
        "\"\"`. `ai.chats.create({ model, config, history })` becomes a parameters object "
        "`{ model, <config in snake_case>, previous_interaction_id: undefined }` and each "
        "`chat.sendMessage[Stream]({ message })` a turn of a `previous_interaction_id` chain, "
        "as for legacy chats (GM505): a literal `history` goes out as steps with the first "
        "message, and a send's own `config` becomes that turn's parameters when no chat of "
        "the client has a config of its own (the send's config replaces the chat's for that "
        "turn). A chat annotated `Chat` is retyped as for GM510. Anything else is left as it "
        "was with GM521.",
    ),
    Rule(
        "GM510", "js-typescript-type", "warning", "none",
        "A TypeScript annotation names a legacy type the migrated value no longer has.",
        "A model or chat annotated `GenerativeModel` / `ChatSession` (a declaration, a class "
        "field, `Map<string, ChatSession>`) is migrated: the annotation names `ModelParams`, a "
        "local alias of `Omit<Interactions.CreateModelInteractionParamsNonStreaming, \"input\" "
        "| \"stream\">` declared after the imports. Other legacy types (`GenerateContentResult`, "
        "`Content`, `Part`, `FunctionCall`, ...) on a value the rewrite would change keep that "
        "object on the legacy SDK with this code; remove the annotation (TypeScript infers the "
        "new type) or migrate by hand.",
    ),
    Rule(
        "GM520", "js-unsupported-config-key", "warning", "unsafe",
        "A generation config key has no Interactions equivalent; the model is left as it was.",
        "`topK`, `candidateCount` > 1, `presencePenalty`, `frequencyPenalty`, logprobs, "
        "`responseModalities`, `thinkingConfig` and similar keys cannot be expressed in "
        "`interactions.create`, and the JS SDK would send them to the server unread. With "
        "`--unsafe-fixes` the key is dropped (the answers may change) and the drop is "
        "reported as fixed; otherwise the model stays.",
    ),
    Rule(
        "GM521", "js-object-not-followed", "warning", "none",
        "A client, model, chat or result is used in a way the rewrite cannot follow.",
        "It is passed to other code, returned, exported, stored somewhere the rewrite does not "
        "track, declared twice, or read through something with no Interactions twin "
        "(`candidates`, `promptFeedback`, request options, a config that is not a literal). "
        "Migrating only some of its uses would break the others, so the object and every use "
        "of it stay as they were, with a TODO comment on the use that stopped the rewrite.",
    ),
    Rule(
        "GM522", "js-input-not-migrated", "warning", "none",
        "The request contents are not certainly a string or a literal list of parts.",
        "The legacy SDK took a string, an array of strings and parts, or a request object; "
        "Interactions takes a string or steps of content blocks. A name whose type cannot be "
        "seen (an untyped parameter, `req.body.prompt`) may be either, and a part whose MIME "
        "type is not a literal cannot be given its block type (image, audio, video, "
        "document). Counted as strings: literals, template literals, string-method results "
        "(`.trim()`, `.toLowerCase()`, `.join()`), `String(x)`, and a parameter of a function "
        "of this file, not exported nor passed on, that every call gives a string. Give the "
        "value a `string` type (TypeScript) or convert it by hand.",
    ),
    Rule(
        "GM523", "js-stream-not-migrated", "warning", "none",
        "A stream result is consumed in a shape the rewrite does not handle.",
        "Only a stream held in a `const`, consumed by one `for await (const chunk of "
        "result.stream)` loop that reads `chunk.text()`, and whose aggregated `response` is "
        "read (through `text()`) after that loop in the same block, is rewritten. An "
        "Interactions stream can be iterated once.",
    ),
    Rule(
        "GM524", "js-chat-history-not-migrated", "warning", "none",
        "Chat history that cannot be replayed, or `getHistory()`, is left as it was.",
        "A history that is not a literal list of user / model turns, or whose first message "
        "is not the next statement (so the first turn is not known statically), and "
        "`getHistory()` (the history lives on the server, behind `previous_interaction_id`) "
        "keep the chat on the legacy SDK.",
    ),
    Rule(
        "GM525", "js-api-not-migrated", "warning", "none",
        "A legacy API outside the migrated surface is left as it was.",
        "`GoogleAICacheManager`, `batchEmbedContents`, "
        "`getGenerativeModelFromCachedContent`, and `countTokens` / `embedContent` of anything "
        "but a string on a plain model (or read other than through `totalTokens` / "
        "`embedding.values`) are not rewritten: `@google/genai` has `ai.files`, `ai.caches` and "
        "`ai.models.embedContent`, whose results have other shapes.",
    ),
    Rule(
        "GM526", "js-legacy-error-class", "warning", "none",
        "A legacy error class is caught or tested; the file is left as it was.",
        "`e instanceof GoogleGenerativeAIFetchError` never matches what `@google/genai` "
        "throws (its Interactions errors are not even exported). Test `e.status`, which every "
        "SDK's errors carry, then run gemini-migrate again.",
    ),
    Rule(
        "GM527", "js-rewrite-incomplete", "info", "none",
        "The `@google/generative-ai` import stays because some uses were left for a human.",
        "Everything that could be migrated safely was, next to a `@google/genai` import; the "
        "remaining legacy uses are reported with their own codes and marked with `// "
        "TODO(gemini-migrate)` comments.",
    ),
    Rule(
        "GM528", "js-camelcase-key", "error", "safe",
        "A camelCase key in `interactions.create({...})`: the JS SDK sends it verbatim.",
        "`previousInteractionId`, `systemInstruction`, `generationConfig`, `maxOutputTokens` "
        "and the like are not converted by `@google/genai` (it sends the create() object as "
        "the JSON body), so the server never reads them: the chain, the instruction or the "
        "limit is silently lost. The key is renamed to its snake_case spelling. TypeScript "
        "catches this only in an object literal passed straight to create().",
    ),
    # --- GM9xx: meta ----------------------------------------------------------------------------
    Rule(
        "GM901", "syntax-error", "error", "none",
        "The file does not parse (as Python 3, JavaScript or TypeScript); it was skipped.",
        "Python 2 files, templates and files with syntax errors cannot be rewritten safely.",
    ),
    Rule(
        "GM902", "unreadable-file", "error", "none",
        "The file could not be read or decoded; it was skipped.",
        "Permissions, invalid encodings and binary content are reported, never guessed at.",
    ),
    Rule(
        "GM903", "rewrite-failed", "error", "none",
        "The rewritten file did not compile, so it was not written.",
        "This is a bug in gemini-migrate; please report it with the file.",
    ),
    Rule(
        "GM904", "unused-noqa", "info", "none",
        "A `# noqa: GMxxx` comment suppresses nothing.",
        "Remove the suppression or the code from it.",
    ),
    Rule(
        "GM905", "file-changed", "error", "none",
        "The file changed on disk during the run; it was not overwritten.",
        "Run gemini-migrate again.",
    ),
    Rule(
        "GM906", "invalid-notebook", "error", "none",
        "A notebook (or a cell of it) could not be read; it was skipped.",
        "Broken JSON, an nbformat 3 layout or a cell that does not parse.",
    ),
    Rule(
        "GM907", "invalid-manifest", "error", "none",
        "A manifest or config file could not be parsed.",
        "Broken TOML / JSON / YAML; pins in it were not checked.",
    ),
    Rule(
        "GM908", "unsupported-syntax", "error", "none",
        "Valid Python that LibCST cannot read or walk; the file was left as it was.",
        "CPython compiles the code, but LibCST (the parser every rewrite goes through) rejects "
        "it, e.g. a parenthesised annotated target `(x): int = 1`, or its tree is nested too "
        "deeply to walk (hundreds of adjacent string literals). Migrate that file by hand or "
        "rewrite the statement.",
    ),
    Rule(
        "GM909", "unsafe-to-write", "error", "none",
        "The file was not rewritten: writing it would have split hard links or changed its "
        "owner.",
        "A file with several hard links would keep the old code under its other names after "
        "an atomic rename, and writing it in place is not atomic; a file of another user or "
        "group that this user cannot give back would change hands. Break the links (copy the "
        "file) or run as a user who may keep the owner, then run again.",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def matches(code: str, selectors: tuple[str, ...] | list[str]) -> bool:
    """A selector is a full code or a prefix (`GM3`, `GM30`); `ALL` matches everything."""
    return any(sel == "ALL" or code.startswith(sel) for sel in selectors)
