"""The real-code benchmark's yardstick: its manifest and its call-site counting (no network)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import realcode  # noqa: E402
import realcode_sites as sites  # noqa: E402


def test_manifest_parses_and_meets_the_corpus_floor() -> None:
    rows = realcode.read_manifest(BENCH / "realcode")
    py = [r for r in rows if r.language == "python" and r.kind not in ("sibling", "manifest")]
    js = [r for r in rows if r.language == "js" and r.kind != "manifest"]
    assert len(py) >= 300 and len({r.repository for r in py}) >= 60
    assert len(js) >= 100 and len({r.repository for r in js}) >= 25
    assert {r.kind for r in rows} <= {"legacy", "genai", "legacy,genai", "sibling", "manifest"}
    keys = [(r.repository, r.path) for r in rows]
    assert len(keys) == len(set(keys))
    # one snapshot per repository
    commits = {(r.repository, r.commit) for r in rows}
    assert len(commits) == len({r.repository for r in rows})
    # the SDKs' own sources and vendored copies are not in the corpus
    assert not [r for r in rows if "site-packages/" in r.path or "node_modules/" in r.path]
    assert "google-gemini" not in {r.repository.split("/")[0] for r in rows}


def test_malformed_manifest_row_is_refused(tmp_path: Path) -> None:
    (tmp_path / "python.tsv").write_text(
        "repository\tcommit\tpath\tblob\tkind\nowner/repo\tnot-a-sha\ta.py\tx\tlegacy\n")
    with pytest.raises(SystemExit):
        realcode.read_manifest(tmp_path)


def test_blob_id_is_gits() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert realcode.git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_check_corpus_reports_missing_and_changed_files(tmp_path: Path) -> None:
    row = realcode.Row("o/r", "0" * 40, "a.py", realcode.git_blob_id(b"x = 1\n"), "legacy",
                       "python")
    assert realcode.check_corpus([row], tmp_path) == ["missing: o__r/a.py"]
    (tmp_path / "o__r").mkdir()
    (tmp_path / "o__r" / "a.py").write_text("x = 2\n")
    assert realcode.check_corpus([row], tmp_path) == ["differs: o__r/a.py"]
    (tmp_path / "o__r" / "a.py").write_text("x = 1\n")
    assert realcode.check_corpus([row], tmp_path) == []


LEGACY = '''
import os
import google.generativeai as genai
from google.generativeai import caching

genai.configure(api_key=os.environ["K"])
model = genai.GenerativeModel("gemini-1.5-flash",
                              generation_config=genai.GenerationConfig(temperature=0))
chat = model.start_chat(history=[])

def ask(q):
    return chat.send_message(q).text

class Bot:
    def __init__(self):
        self.model = genai.GenerativeModel("gemini-pro")

    def run(self, q, other):
        self.model.generate_content(q)
        other.generate_content(q)           # a model from elsewhere: legacy context
        interaction.response.send_message(q)  # Discord, not Gemini
        update.effective_chat.send_message(q)  # Telegram, not Gemini

f = genai.upload_file("a.pdf")
cache = caching.CachedContent.create(model="m", contents=[f])
genai.GenerativeModel("x").generate_content("inline")
'''


def test_python_legacy_sites() -> None:
    got = sites.python_sites(LEGACY)
    assert got.imports_legacy and not got.imports_genai
    assert got.legacy == Counter({
        "configure": 1, "GenerativeModel": 3, "start_chat": 1, "send_message": 1,
        "generate_content": 3, "upload_file": 1, "CachedContent.create": 1,
    })
    assert not got.genai


def test_python_migrated_file_counts_what_is_left() -> None:
    before = sites.python_sites(LEGACY)
    after_text = '''
import google.generativeai as genai
from google import genai as google_genai

client = google_genai.Client()
model = dict(model="gemini-3-flash-preview")
r = client.interactions.create(**model, input="x")
legacy = genai.GenerativeModel("gemini-pro")
legacy.generate_content("left")
other.generate_content("also left")
'''
    after = sites.python_sites(after_text, context=before)
    assert after.legacy == Counter({"GenerativeModel": 1, "generate_content": 2})
    assert after.uses_interactions and after.imports_genai


def test_unbound_receiver_is_legacy_only_in_legacy_context() -> None:
    text = "def f(model):\n    return model.generate_content('x')\n"
    assert not sites.python_sites(text).legacy
    assert sites.python_sites(text, legacy_repo=True).legacy == Counter(generate_content=1)
    vertex = "import vertexai\n" + text
    assert not sites.python_sites(vertex, legacy_repo=True).legacy


def test_python_genai_sites() -> None:
    text = '''
from google import genai
client = genai.Client()
r = client.models.generate_content(model="m", contents="x")
for c in client.models.generate_content_stream(model="m", contents="x"):
    pass
chat = client.chats.create(model="m")
chat.send_message("hi")
async def a():
    await client.aio.models.generate_content(model="m", contents="x")
'''
    got = sites.python_sites(text, legacy_repo=True)
    assert got.genai == Counter({"models.generate_content": 2,
                                 "models.generate_content_stream": 1,
                                 "chats.create": 1, "chat.send_message": 1})
    assert not got.legacy


def test_notebook_cells_share_names_and_skip_magics() -> None:
    nb = {"cells": [
        {"cell_type": "code", "source": ["!pip install -q google-generativeai\n",
                                         "import google.generativeai as genai"]},
        {"cell_type": "markdown", "source": ["model.generate_content('not code')"]},
        {"cell_type": "code", "source": "%time\nmodel = genai.GenerativeModel('gemini-pro')"},
        {"cell_type": "code", "source": "def broken(:"},
        {"cell_type": "code", "source": "r = await model.generate_content_async('x')"},
    ]}
    text = json.dumps(nb)
    got = sites.python_sites(text, notebook=True)
    assert got.legacy == Counter(GenerativeModel=1, generate_content_async=1)
    assert sites.notebook_pip_packages(text) == {"google-generativeai"}
    assert not sites.python_compiles(text, notebook=True)


def test_js_blanking_keeps_code_and_hides_comments_and_strings() -> None:
    text = ('const a = "model.generateContent(x)"; // chat.sendMessage(y)\n'
            "const t = `${model.generateContent(q)} and startChat(`;\n"
            "const re = /generateContent\\(/g; /* countTokens( */\n")
    code = sites.blank_js(text)
    assert code.count("generateContent") == 1
    assert "sendMessage" not in code and "countTokens" not in code
    assert len(code) == len(text) and code.count("\n") == text.count("\n")


JS = """
import { GoogleGenerativeAI as G, HarmCategory } from "@google/generative-ai";
import { GoogleAIFileManager } from "@google/generative-ai/server";
const genAI = new G(process.env.KEY);
const fileManager = new GoogleAIFileManager(process.env.KEY);
const model = genAI.getGenerativeModel({ model: "gemini-1.5-flash" });
export async function POST(req) {
  const up = await fileManager.uploadFile("a.mp4", { mimeType: "video/mp4" });
  const result = await model.generateContent(prompt);
  const chatSession = model.startChat({ history: [] });
  const r2 = await chatSession.sendMessage("hi");
  const s = await genAI.getGenerativeModel({ model: "m" }).generateContentStream("x");
  chrome.runtime.sendMessage({ action: "done" });   // extension messaging
  bot.sendMessage(chatId, "hi");                     // Telegram
  return result.response.text();
}
"""


def test_js_legacy_sites() -> None:
    got = sites.js_sites(JS)
    assert got.imports_legacy and not got.imports_genai
    assert got.legacy == Counter({
        "new GoogleGenerativeAI": 1, "new GoogleAIFileManager": 1, "getGenerativeModel": 2,
        "uploadFile": 1, "generateContent": 1, "startChat": 1, "sendMessage": 1,
        "generateContentStream": 1,
    })


def test_js_genai_sites_are_not_legacy() -> None:
    text = """
import { GoogleGenAI } from "@google/genai";
const ai = new GoogleGenAI({});
const r = await ai.models.generateContent({ model: "m", contents: "x" });
const chat = ai.chats.create({ model: "m" });
await chat.sendMessage({ message: "x" });
"""
    got = sites.js_sites(text, legacy_repo=True)
    assert not got.legacy
    assert got.genai == Counter({"models.generateContent": 1, "chats.create": 1})


def test_declared_dependencies_and_pin_conflicts() -> None:
    req = "google-generativeai==0.8.3\npydantic==2.8.2  # pinned\n-r base.txt\nstreamlit\n"
    assert realcode.declared("requirements.txt", req) == {
        "google-generativeai": "==0.8.3", "pydantic": "==2.8.2", "streamlit": ""}
    toml = '[project]\ndependencies = ["google-genai>=2.26.0", "typing_extensions==4.12.2"]\n'
    decl = realcode.declared("pyproject.toml", toml)
    assert decl == {"google-genai": ">=2.26.0", "typing-extensions": "==4.12.2"}
    from packaging.specifiers import SpecifierSet

    needs = {"typing-extensions": SpecifierSet(">=4.14.0,<5"),
             "pydantic": SpecifierSet(">=2.12.5,<3")}
    assert realcode.pin_conflicts(decl, needs) == [
        "typing-extensions==4.12.2 (google-genai needs <5,>=4.14.0)"]
    assert realcode.pin_conflicts({"pydantic": "<2.10"}, needs)
    assert not realcode.pin_conflicts({"pydantic": ">=2"}, needs)


def test_manifest_scope_is_folder_and_parents() -> None:
    manifests = ["requirements.txt", "app/requirements.txt", "other/pyproject.toml"]
    assert realcode._scope("app/bot/main.py", manifests) == ["requirements.txt",
                                                             "app/requirements.txt"]
    assert realcode._scope("main.py", manifests) == ["requirements.txt"]


def test_project_methods_of_the_same_name_are_not_sdk_calls() -> None:
    text = '''
class Base:
    def count_tokens(self, messages):
        return len(messages)

    def fit(self, messages):
        return self.count_tokens(messages)

def run(llm):
    return llm.generate_content("x")
'''
    got = sites.python_sites(text, legacy_repo=True)
    assert got.legacy == Counter(generate_content=1)


def test_byte_order_mark_is_read_as_python_reads_it() -> None:
    got = sites.python_sites("\ufeffimport google.generativeai as genai\ngenai.configure()\n")
    assert got.parsed and got.legacy == Counter(configure=1)


def test_manifest_text_in_utf16_is_read() -> None:
    data = "google-generativeai==0.8.5\r\npydantic==2.12.5\r\n".encode("utf-16")
    assert realcode.declared("requirements.txt", realcode.decode(data)) == {
        "google-generativeai": "==0.8.5", "pydantic": "==2.12.5"}


def _facts(path: str, before: dict, after: dict, *, changed: bool = True) -> realcode.FileFacts:
    return realcode.FileFacts(path=path, language="python", kind="legacy", changed=changed,
                              before=before, after=after)


def test_dependency_hazards_of_a_run() -> None:
    rows = [realcode.Row("o/r", "0" * 40, p, "0" * 40, k, "python") for p, k in (
        ("app/main.py", "legacy"), ("app/old.py", "genai"), ("app/requirements.txt", "manifest"),
        ("lib/x.py", "legacy"), ("lib/requirements.txt", "manifest"))]
    before = {"app/requirements.txt": b"google-generativeai==0.8.3\n",
              "lib/requirements.txt": b"google-generativeai\ngoogle-genai==1.10.0\n"
                                      b"pydantic==2.8.2\n"}
    after = {"app/requirements.txt": b"google-generativeai==0.8.3\n",
             "lib/requirements.txt": b"google-genai>=2.26.0\npydantic==2.8.2\n"}
    result = realcode.RepoResult(repository="o/r", files=[
        # migrated: imports google.genai now, the app manifest was not given it
        _facts("app/main.py", {"imports_legacy": True}, {"imports_genai": True}),
        # already imported google.genai, undeclared, before the run: reported apart
        _facts("app/old.py", {"imports_genai": True}, {"imports_genai": True}, changed=False),
        # still legacy, but the lib manifest lost google-generativeai
        _facts("lib/x.py", {"imports_legacy": True}, {"imports_legacy": True}, changed=False),
    ])
    from packaging.specifiers import SpecifierSet

    hazards = realcode.dependency_hazards(rows, before, after, result,
                                          {"pydantic": SpecifierSet(">=2.12.5")})
    kinds = sorted((h["kind"], h["file"]) for h in hazards)
    assert kinds == [
        ("genai-not-declared", "app/main.py"),
        ("genai-pin-bumped-without-interactions", "lib/requirements.txt"),
        ("legacy-pin-dropped", "lib/x.py"),
        ("unresolvable-pin", "lib/requirements.txt"),
    ]
