"""`codemods.settled`: a file it calls settled is one the full run leaves alone (issue 10, e).

The fast path answers without LibCST; it must never hide a finding or an edit. Every Python
file of the fixtures (before, after, noop, lint cases) is run both ways: when the fast path
says "settled", the full run must return nothing to write and no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import migrator.codemods.settled as settled_module
from migrator.codemods import run_python
from migrator.config import Settings
from migrator.engine import make_context

TESTS = Path(__file__).resolve().parent.parent
CTX = make_context(Settings(), write=False)
FILES = sorted(p for p in TESTS.rglob("*.py") if "fixtures" in p.parts)


def _full_run(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes | None, list[str]]:
    with monkeypatch.context() as patch:
        patch.setattr(settled_module, "settled", lambda data, models: False)
        out = run_python("<fixture>/case.py", data, CTX)
    return out.updated, [f"{f.line} {f.code}" for f in out.findings]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_settled_file_is_left_alone(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    if not settled_module.settled(data, CTX.models):
        return
    assert _full_run(data, monkeypatch) == (None, [])


def test_some_fixtures_are_settled() -> None:
    assert sum(settled_module.settled(p.read_bytes(), CTX.models) for p in FILES) >= 20


MIGRATED = '''from google import genai

client = genai.Client()


def answer(question: str) -> str:
    config = {"temperature": 0.2}
    model = dict(model="gemini-2.5-flash", generation_config=config)
    first = client.interactions.create(**model, input=question)
    again = client.interactions.create(**model, input=question + "?")
    return first.output_text + again.output_text
'''

# Each one the full run acts on (or may), so it is not settled.
UNSETTLED = {
    "a multi-line dict read once": MIGRATED.replace(
        'model = dict(model="gemini-2.5-flash", generation_config=config)',
        'model = dict(model="gemini-2.5-flash",\n                 generation_config=config)',
    ).replace('    again = client.interactions.create(**model, input=question + "?")\n', "")
    .replace(" + again.output_text", ""),
    "an outdated model id": MIGRATED.replace("gemini-2.5-flash", "gemini-1.5-flash"),
    "an f-string naming an id": MIGRATED.replace(
        'input=question)', 'input=f"{\'gemini-1.5-flash\'}")'),
    "1.x outputs": MIGRATED.replace("first.output_text", "first.outputs[-1].text"),
    "a stream event of 1.x": MIGRATED + 'KIND = "content.delta"\n',
    "a model from the environment": "import os\n" + MIGRATED.replace(
        '"gemini-2.5-flash"', 'os.environ["MODEL"]'),
    "store=False": MIGRATED.replace("input=question)", "input=question, store=False)"),
    "a legacy import": MIGRATED + "import google.generativeai\n",
    "a parenthesized annotated target": MIGRATED + "(x): int = 1\n",
    "a syntax error": MIGRATED + "def (:\n",
    "a global client": MIGRATED.replace(
        "client = genai.Client()\n",
        "client = None\n\n\nclass A:\n    def __init__(self):\n        global client\n"
        "        client = genai.Client()\n"),
}


def test_a_migrated_file_is_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settled_module.settled(MIGRATED.encode(), CTX.models)
    assert _full_run(MIGRATED.encode(), monkeypatch) == (None, [])


@pytest.mark.parametrize("case", sorted(UNSETTLED))
def test_not_settled(case: str) -> None:
    assert not settled_module.settled(UNSETTLED[case].encode(), CTX.models)


def test_the_inlined_dict_is_inlined(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first case is real: the tidy pass inlines that dict in a file it did not write."""
    updated, _ = _full_run(UNSETTLED["a multi-line dict read once"].encode(), monkeypatch)
    assert updated is not None and b"dict(" not in updated
