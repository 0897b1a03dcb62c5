"""google-generativeai -> the Interactions API (`client.interactions.create`).

The pass works in two steps. `Plan` reads the module (qualified names and scopes from LibCST
metadata) and decides, call site by call site, what can be rewritten without changing the
program's meaning; whatever it cannot follow is *pinned*: left exactly as it was, with a coded
finding and a `# TODO(gemini-migrate)` comment. Pinning spreads: a model object with one
unmigratable use keeps all its uses on the legacy SDK, because a half-converted object would
break the other half. `Apply` then rewrites the tree from the plan, and `fix_imports` swaps the
legacy import once nothing uses it any more.

Representation of the legacy objects after migration:
- `genai.configure(api_key=K)`      -> `client = genai.Client(api_key=K)`
- `model = genai.GenerativeModel(...)` -> `model = dict(model=..., system_instruction=..., ...)`
- `model.generate_content(x)`        -> `client.interactions.create(**model, input=x)`
- `chat = model.start_chat()`        -> `chat = {**model, "previous_interaction_id": None}`
- `r = chat.send_message(x)`         -> `r = client.interactions.create(**chat, input=x)` and
                                        `chat["previous_interaction_id"] = r.id`

Modules: `plan.py` (shared state, holder keys, pinning), one feature planner per module
(`discovery`, `options`, `inputs`, `aliasing`, `calls`, `results`; media, tools, caching,
responses, retries and keys live beside the package), `apply.py` (the rewrite),
`imports.py` (the import swap), `driver.py` (the pass), `rules.py` (the GM0xx codes).
"""
