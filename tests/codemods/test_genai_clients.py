"""google-genai clients proven through other modules of the repository (facts/clients.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from migrator.codemods import run_python, transform_source
from migrator.codemods.crossmodule import _import_index
from migrator.config import Settings
from migrator.engine import make_context

CALL = 'print({}.models.generate_content(model="gemini-2.5-flash", contents="hi").text)\n'


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _migrate(path: Path) -> tuple[str, list[str]]:
    _import_index.cache_clear()
    ctx = make_context(Settings(), write=False)
    out = transform_source(path.read_text(), str(path), ctx)[0]
    codes = [f.code for f in run_python(str(path), path.read_bytes(),
                                        make_context(Settings(), write=False)).findings]
    return out, codes


def test_module_level_client_imported_from_another_module(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": "from google import genai\n\ngemini = genai.Client()\n",
        "app/jobs.py": "from google.genai import types\n\nfrom app.clients import gemini\n\n"
                       + CALL.format("gemini"),
    })
    out, codes = _migrate(root / "app" / "jobs.py")
    assert 'gemini.interactions.create(model="gemini-2.5-flash", input="hi").output_text' in out
    assert out.startswith("from app.clients import gemini\n")  # the unused types import goes
    assert codes == ["GM101"]


def test_factory_imported_relatively(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/deps.py": "from google import genai\n\n_client = genai.Client()\n\n\n"
                       "def get_client():\n    return _client\n",
        "pkg/routes.py": "from google import genai  # noqa: F401\n\nfrom .deps import get_client\n"
                         "\nclient = get_client()\n" + CALL.format("client")
                         + CALL.format("get_client()"),
    })
    out, _ = _migrate(root / "pkg" / "routes.py")
    assert "generate_content" not in out
    assert out.count("interactions.create(") == 2


def test_module_attribute_of_an_imported_module(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "llm.py": "from google import genai\n\nclient = genai.Client()\n",
        "main.py": "from google import genai  # noqa: F401\n\nimport llm as backend\n\n"
                   + CALL.format("backend.client"),
    })
    out, _ = _migrate(root / "main.py")
    assert "backend.client.interactions.create(" in out


def test_vertex_client_in_another_module_is_not_proven(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "llm.py": "from google import genai\n\n"
                  "client = genai.Client(vertexai=True, project='p', location='l')\n",
        "main.py": "from google import genai  # noqa: F401\n\nfrom llm import client\n\n"
                   + CALL.format("client"),
    })
    out, codes = _migrate(root / "main.py")
    assert "interactions" not in out
    assert codes == ["GM106"]


def test_parameter_of_a_function_other_files_import_is_not_proven(tmp_path: Path) -> None:
    tools = ("from google import genai\n\n\ndef ask(client):\n    return "
             + CALL.format("client").removeprefix("print(").removesuffix(")\n")
             + "\n\n\nask(genai.Client())\n")
    root = _repo(tmp_path, {"tools.py": tools,
                            "test_tools.py": "from tools import ask\n\nask(object())\n"})
    out, codes = _migrate(root / "tools.py")
    assert "interactions" not in out
    assert codes == ["GM106"]
    (root / "test_tools.py").unlink()
    out, codes = _migrate(root / "tools.py")
    assert "client.interactions.create(" in out
    assert codes == ["GM101"]


def test_factory_called_through_an_imported_module(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "src/my_gemini.py": "from google import genai\n\n\ndef get_client():\n"
                            "    client = genai.Client()\n    return client\n",
        "src/cat.py": "from google import genai  # noqa: F401\nimport my_gemini\n\n"
                      "client = my_gemini.get_client()\n" + CALL.format("client"),
    })
    out, codes = _migrate(root / "src" / "cat.py")
    assert "client.interactions.create(" in out
    assert codes == ["GM101"]


def test_text_constant_imported_from_another_module(tmp_path: Path) -> None:
    ask = ('from google import genai\nfrom google.genai import types\n\n'
           'from prompts import QUESTION, SYSTEM, TEMPLATE, build\n\nclient = genai.Client()\n'
           'print(client.models.generate_content(model="gemini-2.5-flash", contents=QUESTION,'
           ' config=types.GenerateContentConfig(system_instruction=SYSTEM)).text)\n'
           'print(client.models.generate_content(model="gemini-2.5-flash",'
           ' contents=[TEMPLATE, build()]).text)\n')
    root = _repo(tmp_path, {
        "prompts.py": 'SYSTEM = "Be brief."\nQUESTION = (\n    "Why is the sky blue?"\n'
                      '    " Answer in one line."\n)\nTEMPLATE = f"Today is {1 + 1}"\n'
                      'TEMPLATE = TEMPLATE.upper()\n\n\ndef build():\n    return ["not", "text"]\n',
        "ask.py": ask,
    })
    out, codes = _migrate(root / "ask.py")
    # one literal binding each: text; TEMPLATE is bound twice and build() returns a list
    assert 'model="gemini-2.5-flash", input=QUESTION, system_instruction=SYSTEM' in out
    assert codes == ["GM101", "GM104"]
