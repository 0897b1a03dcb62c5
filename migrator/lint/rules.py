"""The GM2xx (Interactions misuse), GM3xx (model names) and GM4xx (dependency pins) rules:
what the lint passes of this package report. Registered in `migrator.codes`.
"""

from __future__ import annotations

from migrator.rule import Rule

RULES = [
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
        "stands in Python, JavaScript or TypeScript code, calls that stay on the legacy SDK and "
        "wrapper libraries (LangChain's `ChatGoogleGenerativeAI`) included: every call with it "
        "fails today, so nothing that works can change, and a different model answering is "
        "the smallest change that makes the call work again. The choices of a Colab form "
        "field (`# @param [...]` after a model id) follow its value: a retired choice gets its "
        "successor, or is dropped when that is offered already. Not fixed: dictionary keys and "
        "comparisons (code that maps old ids; in JS/TS also `switch` cases, `.includes(...)` "
        "and test assertions), and every other place of an id the same file compares or "
        "looks up, an id whose successor is already in the same list (a model picker would "
        "show it twice), the base model of a tuning job, Vertex AI code (served per region), "
        "and ids in config files, whose readers the tool does not see (there the fix is "
        "unsafe). An id with no successor (`aqa`) is only "
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
        "on v1. The legacy SDK calls v1beta: its aliases are fine. In JS/TS, @google/genai "
        "3.1+ calls /v1 too: `api_version: \"v1beta\"` is added to the "
        "`interactions.create({...})` object (every version strips it from the body), also "
        "when the model comes from an object spread into the call.",
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
        "instead (GM303). In JS/TS: `process.env.X` / `import.meta.env.X` with no `??` or "
        "`||` default, directly, through a `const` bound once or a model object spread into "
        "the call.",
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
]
