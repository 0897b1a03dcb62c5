"""Work done once per module object (issue 10): metadata, rendering, passes of a later round,
and the syntactic shortcut of the legacy pass's "does the legacy SDK remain?" question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata.scope_provider import ScopeVisitor

from migrator.codemods import transform_source
from migrator.codemods.legacy.imports import _legacy_resolved, _legacy_surely_gone
from migrator.config import Settings
from migrator.engine import make_context

FIXTURES = Path(__file__).parent.parent / "fixtures" / "legacy"
BASIC = (FIXTURES / "basic.before.py").read_text()


def _run(source: str) -> tuple[str, list]:
    ctx = make_context(Settings(), write=True)
    return transform_source(source, "t.py", ctx)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.name)
def test_the_shortcut_never_says_gone_when_scopes_say_it_remains(path: Path) -> None:
    module = cst.parse_module(path.read_bytes())
    if _legacy_surely_gone(module):
        assert not _legacy_resolved(module)


@pytest.mark.parametrize("source", [
    "import google.generativeai as genai\nx = genai.Client()\n",
    "from google import generativeai\nx = generativeai.Client(api_key='k')\n",
    "import google.generativeai as genai\n\ndef f():\n    import os\n    return os.name\n",
    "from google import genai\nclient = genai.Client()\n",
])
def test_the_shortcut_decides_what_only_the_client_uses(source: str) -> None:
    module = cst.parse_module(source)
    assert _legacy_surely_gone(module)
    assert not _legacy_resolved(module)


@pytest.mark.parametrize("source", [
    "import google.generativeai as genai\nx = genai.Client.mro()\n",
    "import google.generativeai as genai\nm = genai.GenerativeModel('m')\n",
    "import google.generativeai\ngoogle.generativeai.configure(api_key='k')\n",
    "from google.generativeai import GenerativeModel as genai\nx = genai.Client()\n",
    "from google.generativeai import types\nx = types.GenerationConfig()\n",
])
def test_the_shortcut_leaves_every_real_use_to_the_scopes(source: str) -> None:
    module = cst.parse_module(source)
    assert not _legacy_surely_gone(module)
    assert _legacy_resolved(module)


def test_a_star_import_of_the_sdk_is_never_decided_by_the_shortcut() -> None:
    # any name may come from it; what scopes say of it is the legacy pass's business
    assert not _legacy_surely_gone(cst.parse_module(
        "from google.generativeai import *\nconfigure(api_key='k')\n"))


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    calls: list[object] = []
    original: Callable[..., object] = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_no_pass_runs_twice_on_one_module_object(monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.lint.python as python_lint

    seen: list[tuple[int, int]] = []
    kept: list[cst.Module] = []  # keeps ids from being reused while the run lasts

    def recorder(index: int, run_pass: Callable[..., tuple[cst.Module, list]]) -> Callable:
        def run(module: cst.Module, path: str, ctx: object) -> tuple[cst.Module, list]:
            kept.append(module)
            seen.append((index, id(module)))
            return run_pass(module, path, ctx)
        return run

    monkeypatch.setattr(python_lint, "PYTHON_PASSES",
                        [recorder(i, p) for i, p in enumerate(python_lint.PYTHON_PASSES)])
    after, _ = _run(BASIC)
    assert after == (FIXTURES / "basic.after.py").read_text()
    assert seen and len(seen) == len(set(seen))


def test_scopes_are_resolved_once_per_module_object(monkeypatch: pytest.MonkeyPatch) -> None:
    roots = _counting(monkeypatch, ScopeVisitor, "infer_accesses")
    after, _ = _run(BASIC)
    assert after == (FIXTURES / "basic.after.py").read_text()
    # the legacy pass's plan of the file as it was, the tidy pass of the rewrite (a model dict
    # used once goes into its call), the interactions pass of the tidied rewrite
    assert len(roots) == 3
