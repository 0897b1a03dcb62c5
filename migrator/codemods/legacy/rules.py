"""The GM0xx rules: what the legacy planners (this package, and media, tools, caching,
responses, retries, keys beside it) report. Registered in `migrator.codes`.
"""

from __future__ import annotations

from migrator.rule import Rule

RULES = [
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
        "programs sharing the key show and look files up by. "
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
]
