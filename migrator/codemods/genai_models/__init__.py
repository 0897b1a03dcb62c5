"""google-genai `client.models.generate_content` / `client.chats` -> Interactions.

Only calls on real `google.genai` clients are touched: a receiver is a client when it is a
`genai.Client(...)` call, a name every assignment of which in its scope is such a call (or a
parameter annotated `genai.Client`), or `<obj>.<attr>` where every assignment to `.<attr>` in
the module (for `self.<attr>`: in its class) is such a call. Vertex AI clients (`vertexai=`,
`project=`, `location=`, `credentials=`, or a file that sets GOOGLE_GENAI_USE_VERTEXAI) are
left alone: the Interactions API is not available there; so are clients with a custom HTTP
transport (mocks of the old endpoint).

The pass plans every rewrite as a unit of edits. Units that share a variable (two calls assigned
to the same `response`, every turn of one chat) are grouped, and a group is rewritten only if all
of its units can be: a half-migrated variable would break at run time. Whatever is left gets a
finding and a `# TODO(gemini-migrate): GMxxx reason` comment above its statement.

Modules: `core.py` (the pass: shared state, discovery, settling the groups, applying the edits),
one feature planner per module beside it (`values` what a value is, `calls` one call's rewrite
with its model and config, `results` the response and its reads, `chats` client.chats turns,
`media` PIL images and Parts), `common.py` (constants and the Unit record) and `helpers.py`.
GM1xx rules are declared in `codemods/genai_rules.py`.
"""
