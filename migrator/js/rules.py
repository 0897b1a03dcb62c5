"""The GM5xx rules: what the JavaScript / TypeScript pass (this package) reports.
Registered in `migrator.codes`.
"""

from __future__ import annotations

from migrator.rule import Rule

RULES = [
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
        "of it stay as they were, with a TODO comment on the use that stopped the rewrite. "
        "A legacy object the file does not make (a parameter, a constructor-injected field, "
        "the result of another module's factory) is reported once, at its first legacy call.",
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
    Rule(
        "GM529", "js-ignored-request-option", "info", "safe",
        "A per-call request option the legacy SDK never read is dropped.",
        "`@google/generative-ai` read only `timeout`, `signal`, `apiVersion`, `baseUrl`, "
        "`customHeaders` and `apiClient` from the request options of `generateContent(..., "
        "options)` / `sendMessage(..., options)`; any other key (`{ language }`) did nothing. "
        "Such a key, given a plain name or literal, is dropped instead of being carried to "
        "`interactions.create`, whose second argument has other keys; `timeout` moves as is.",
    ),
]
