"""The Python lint pass on its own (without the codemods in front of it)."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from migrator.config import Settings
from migrator.engine import make_context
from migrator.lint.python import interactions_pass


def _run(source: str, *, unsafe: bool = False) -> tuple[str, list[tuple[int, str, str, bool]]]:
    ctx = make_context(replace(Settings(), unsafe_fixes=unsafe), write=True)
    module, found = interactions_pass(cst.parse_module(source), "x.py", ctx)
    return module.code, [(f.line, f.code, f.fix, f.fixed) for f in found]


def test_legacy_sdk_strings_keep_deprecated_ids_and_lose_retired_ones() -> None:
    """What the legacy codemod left on google-generativeai keeps a deprecated model, even with
    --unsafe-fixes (that code is the codemod's to migrate); a retired one answers 404 there
    too, so its successor is a safe fix."""
    source = (
        "import google.generativeai as genai\n\n"
        'model = genai.GenerativeModel("gemini-1.5-flash")\n'
        'other = genai.GenerativeModel(model_name="gemini-pro")\n'
        'alive = genai.GenerativeModel(model_name="gemini-2.0-flash")\n'
    )
    code, found = _run(source, unsafe=True)
    assert code == source.replace("gemini-1.5-flash", "gemini-3-flash-preview").replace(
        '"gemini-pro"', '"gemini-3.1-pro-preview"')
    assert found == [(3, "GM301", "safe", True), (4, "GM301", "safe", True),
                     (5, "GM302", "none", False)]


def test_client_found_through_qualified_names() -> None:
    source = (
        "import google.genai as gg\n\n"
        "c = gg.Client()\n"
        'job = c.aio.interactions.create(agent="deep-research-pro-preview-12-2025", input="x")\n'
        'direct = gg.Client().interactions.create(agent="a", input="x", background=False)\n'
    )
    _, found = _run(source)
    assert [(line, code) for line, code, _, _ in found] == [(4, "GM203"), (5, "GM203")]


def test_awaited_results() -> None:
    source = (
        "from google import genai\n\n"
        "client = genai.Client()\n\n\n"
        "async def main():\n"
        '    r = await client.aio.interactions.create(model="gemini-2.5-flash", input="x")\n'
        "    return r.outputs[-1].text\n"
    )
    code, found = _run(source)
    assert "    return r.output_text\n" in code
    assert found == [(8, "GM201", "safe", True)]


def test_aqa_only_as_a_model_argument() -> None:
    source = (
        "from google import genai\n\n"
        'STATE = "aqa"\n'
        'genai.Client().models.generate_content(model="aqa", contents="x")\n'
    )
    _, found = _run(source)
    assert [(line, code, fix) for line, code, fix, _ in found] == [(4, "GM301", "none")]


def test_constant_used_elsewhere_is_not_a_safe_fix() -> None:
    """A name that is also assigned something else may reach other calls: unsafe only."""
    source = (
        "from google import genai\n\n"
        "client = genai.Client()\n"
        'MODEL = "gemini-2.0-flash"\n'
        "if client:\n"
        "    MODEL = compute()\n"
        "client.interactions.create(model=MODEL, input='x')\n"
    )
    code, found = _run(source)
    assert code == source
    assert found == [(4, "GM302", "unsafe", False)]


def test_disabled_code_is_neither_reported_nor_fixed() -> None:
    source = (
        "from google import genai\n\n"
        'r = genai.Client().interactions.create(model="gemini-2.0-flash", input="x")\n'
    )
    ctx = make_context(replace(Settings(), ignore=("GM302",)), write=True)
    module, found = interactions_pass(cst.parse_module(source), "x.py", ctx)
    assert module.code == source and found == []


def test_model_from_an_environment_variable_without_default_is_reported_at_the_call() -> None:
    """GM305: the tool cannot see the id, so the call says where it comes from; it still
    runs. A getenv default is an id the tool sees (substituted at its source instead)."""
    source = (
        "import os\n\n"
        "from google import genai\n\n"
        "client = genai.Client()\n"
        'HIDDEN = os.environ["GEMINI_MODEL"]\n'
        'SEEN = os.getenv("GEMINI_MODEL", "gemini-2.5-flash")\n'
        "chat = dict(model=HIDDEN)\n"
        'a = client.interactions.create(**chat, input="x")\n'
        'b = client.interactions.create(model=os.getenv("M2"), input="x")\n'
        'c = client.interactions.create(model=SEEN, input="x")\n'
    )
    code, found = _run(source)
    assert code == source
    assert found == [(9, "GM305", "none", False), (10, "GM305", "none", False)]
