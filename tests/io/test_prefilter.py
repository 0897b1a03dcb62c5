"""The byte prefilter: common words never pull a file into the parsers, SDK tokens and outdated
model ids always do, and a skipped file costs no import of the rewrite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrator import prefilter
from migrator.config import Settings
from migrator.engine import make_context, process_file

# Ordinary code that happens to use the words the old triggers matched on.
COMMON_WORDS = (
    '"""Chat bot for the Gemini club: logs interactions and generate_content of the wiki."""\n'
    "def reply(chat, text):\n"
    "    chat.send_message(text)  # gemini, interactions, start_chat\n"
    "    return 'embedding-size'\n"
)

NEEDED = {
    "legacy.py": "import google.generativeai as genai\n",
    "from_google.py": "from google import generativeai\n",
    "genai.py": "from google import genai\nclient = genai.Client()\n",
    "vertex.py": "from vertexai.generative_models import GenerativeModel\n",
    "model.py": 'MODEL = "gemini-1.5-flash"\n',
    "prefixed.py": 'MODEL = "models/text-bison-001"\n',
    "aqa.py": 'client.models.generate_content(model="aqa", contents="x")\n',
    "config.yaml": "model: gemini-1.0-pro\n",
    "settings.json": '{"model": "gemini-pro"}\n',
    ".env": "MODEL=embedding-001\n",
    "app.js": 'import { GoogleGenerativeAI } from "@google/generative-ai";\n',
    "requirements.txt": "google-generativeai==0.8.3\n",
}


def test_common_words_do_not_pass_the_prefilter(tmp_path: Path) -> None:
    path = tmp_path / "bot.py"
    path.write_text(COMMON_WORDS, encoding="utf-8")
    result = process_file(str(path), make_context(Settings(), write=False))
    assert result.original is None and not result.findings


@pytest.mark.parametrize("name", sorted(NEEDED))
def test_sdk_tokens_and_outdated_model_ids_pass(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(NEEDED[name], encoding="utf-8")
    result = process_file(str(path), make_context(Settings(), write=False))
    assert result.original is not None, f"{name} was skipped by the prefilter"


def test_whole_tokens_only() -> None:
    check = prefilter.python(make_context(Settings(), write=False).models)
    assert check.matches(b"import google.genai")
    assert not check.matches(b"regenairport = 1")  # genai inside another word
    assert not check.matches(b'name = "my-gemini-1.5-flash"')  # not where an id starts
    assert not check.matches(b'MODEL = "gemini-2.5-flash"')  # a current model
    assert check.mentions('x = "gemini-1.5-pro-002"')


def test_user_models_are_prefilter_tokens(tmp_path: Path) -> None:
    from dataclasses import replace

    settings = replace(Settings(), models=(("acme-old-1", (("status", "deprecated"),)),))
    path = tmp_path / "app.py"
    path.write_text('MODEL = "acme-old-1"\n', encoding="utf-8")
    result = process_file(str(path), make_context(settings, write=False))
    assert [f.code for f in result.findings] == ["GM302"]


def test_a_skipped_file_never_imports_the_rewrite(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text(COMMON_WORDS, encoding="utf-8")
    probe = (
        "import sys\nfrom migrator.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(('migrator.codemods', "
        "'libcst', 'migrator.lint', 'migrator.documents'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, "--check", "--quiet", "bot.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split("\n")[0] == "0 []", done.stdout + done.stderr
