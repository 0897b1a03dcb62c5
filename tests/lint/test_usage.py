"""What a manifest learns from the code: which SDK each file imports (migrator/lint/usage.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator import engine
from migrator.config import Settings
from migrator.lint.usage import (
    js_package,
    js_usage,
    manifest_scope,
    notebook_code,
    python_project,
    python_scope,
    python_usage,
)


@pytest.mark.parametrize(("text", "legacy", "genai", "interactions"), [
    ("import google.generativeai as genai\n", True, False, False),
    ("import os, google.generativeai as genai\n", True, False, False),
    ("from google.generativeai import types\n", True, False, False),
    ("from google import generativeai\n", True, False, False),
    ("from google import (\n    genai,\n    generativeai,\n)\n", True, True, False),
    ("try:\n    import google.generativeai as g\nexcept ImportError:\n    g = None\n",
     True, False, False),
    ("mod = importlib.import_module('google.generativeai')\n", True, False, False),
    ("x = 1; import google.generativeai\n", True, False, False),
    ("# import google.generativeai as genai\n", False, False, False),
    ('HELP = "pip install google-generativeai; import google.generativeai"\n',
     False, False, False),
    ("from google import genai\nc = genai.Client()\nc.models.generate_content()\n",
     False, True, False),
    ("from google import genai\nr = c.interactions.create(model='m', input='x')\n",
     False, True, True),
    ("from google.genai import types\nc.aio.interactions.get('id')\n", False, True, True),
    ("from google import generativeai as genai\n", True, False, False),
    ("r = client.interactions.create(input='x')\n", False, False, False),  # not google-genai
])
def test_python_usage(text: str, legacy: bool, genai: bool, interactions: bool) -> None:
    assert python_usage(text)[:3] == (legacy, genai, interactions)


@pytest.mark.parametrize(("text", "legacy", "genai"), [
    ('import { GoogleGenerativeAI } from "@google/generative-ai";\n', True, False),
    ("const { GoogleGenerativeAI } = require('@google/generative-ai');\n", True, False),
    ('const sdk = await import("@google/generative-ai");\n', True, False),
    ('import { GoogleAIFileManager } from "@google/generative-ai/server";\n', True, False),
    ('import type { Content } from "@google/generative-ai";\n', True, False),
    ('import sdk = require("@google/generative-ai");\n', True, False),
    ('// import { GoogleGenerativeAI } from "@google/generative-ai";\n', False, False),
    ('const label = "made with @google/generative-ai";\n', False, False),
    ('import { GoogleGenAI } from "@google/genai";\n', False, True),
    ('export { GoogleGenAI } from "@google/genai";\n', False, True),
])
def test_js_usage(text: str, legacy: bool, genai: bool) -> None:
    assert js_usage(text)[:2] == (legacy, genai)


def test_notebook_code_cells_only() -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["import google.generativeai as genai\n"]},
        {"cell_type": "code", "source": ["from google import genai\n", "c = genai.Client()"]},
    ]}
    code = notebook_code(json.dumps(notebook).encode())
    assert code is not None and python_usage(code)[:2] == (False, True)
    assert notebook_code(b"{not json") is None


def _ctx(root: Path, write: bool = True) -> engine.Context:
    return engine.make_context(Settings(root=str(root)), write=write)


def test_scan_skips_excluded_and_hidden_folders(tmp_path: Path) -> None:
    for folder in (".venv/lib", "node_modules/x", ".git", "build"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text("import google.generativeai\n")
    (tmp_path / "app.py").write_text("from google import genai\n")
    usage = python_project(str(tmp_path), _ctx(tmp_path))
    assert (usage.legacy, usage.genai) == ([], ["app.py"])


def test_overlay_is_what_check_mode_sees(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import google.generativeai as genai\n")
    ctx = _ctx(tmp_path, write=False)
    ctx.overlay[str((tmp_path / "app.py").resolve())] = b"from google import genai\n"
    usage = python_project(str(tmp_path), ctx)
    assert (usage.legacy, usage.genai) == ([], ["app.py"])


def test_nested_npm_packages_are_their_own(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text("{}")
    (tmp_path / "web" / "a.js").write_text('require("@google/generative-ai")\n')
    (tmp_path / "server.mjs").write_text('import { GoogleGenAI } from "@google/genai";\n')
    usage = js_package(str(tmp_path), _ctx(tmp_path))
    assert (usage.legacy, usage.genai) == ([], ["server.mjs"])
    assert js_package(str(tmp_path / "web"), _ctx(tmp_path)).legacy == ["a.js"]


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_manifest_scope_is_the_nearest_manifest_folder(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".git/HEAD": "", "requirements.txt": "flask\n", "src/pkg/core.py": "",
        "apps/chat/requirements.txt": "streamlit\n", "apps/chat/ui/page.py": "",
        "tools/pyproject.toml": "[tool.ruff]\nline-length = 100\n", "tools/lint.py": "",
        "lib/setup.cfg": "[options]\ninstall_requires = requests\n", "lib/x.py": "",
    })
    assert manifest_scope(str(tmp_path / "src/pkg/core.py")) == str(tmp_path)
    assert manifest_scope(str(tmp_path / "apps/chat/ui/page.py")) == str(tmp_path / "apps/chat")
    # A pyproject.toml that only configures tools declares no dependencies.
    assert manifest_scope(str(tmp_path / "tools/lint.py")) == str(tmp_path)
    assert manifest_scope(str(tmp_path / "lib/x.py")) == str(tmp_path / "lib")


def test_manifest_scope_stops_at_the_repository_root(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "flask\n", "repo/.git/HEAD": "", "repo/a.py": ""})
    assert manifest_scope(str(tmp_path / "repo/a.py")) is None


def test_python_scope_leaves_sub_apps_to_their_manifests(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "requirements.txt": "google-generativeai\n",
        "legacy.py": "import google.generativeai as genai\n",
        "app/requirements.txt": "google-generativeai\n",
        "app/main.py": "from google import genai\n",
        "shared/requirements.txt": "-r ../requirements.txt\n",
        "shared/util.py": "from google import genai\n",
    })
    ctx = _ctx(tmp_path)
    root = python_scope(str(tmp_path), ctx)
    # shared/ installs the root's file with -r: its code counts for the root's pins too.
    assert (root.legacy, root.genai) == (["legacy.py"], ["shared/util.py"])
    app = python_scope(str(tmp_path / "app"), ctx)
    assert (app.legacy, app.genai) == ([], ["main.py"])
