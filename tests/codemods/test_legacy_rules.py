"""Findings of the legacy codemod, and what disabling a rule does to the rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.codemods import transform_source
from migrator.config import Settings
from migrator.engine import make_context

BASIC = (Path(__file__).parent.parent / "fixtures" / "legacy" / "basic.before.py").read_text()
CHAT = '''import google.generativeai as genai

genai.configure(api_key="k")
model = genai.GenerativeModel("gemini-1.5-flash")
print(model.generate_content("a").text)
chat = model.start_chat()
print(chat.send_message("b").text)
'''


def _run(source: str, **settings: object) -> tuple[str, list]:
    ctx = make_context(Settings(**settings), write=True)  # type: ignore[arg-type]
    return transform_source(source, "t.py", ctx)


def test_findings_of_a_full_migration() -> None:
    out, findings = _run(CHAT)
    codes = sorted({f.code for f in findings})
    assert codes == ["GM001", "GM002", "GM003", "GM004", "GM005", "GM008", "GM303"]
    assert all(f.fixed for f in findings)
    substitution = next(f for f in findings if f.code == "GM303")
    assert dict(substitution.data) == {"from": "gemini-1.5-flash", "to": "gemini-3-flash-preview"}
    assert "google.generativeai" not in out


def test_positions_point_at_the_legacy_code() -> None:
    _, findings = _run(CHAT)
    by_code = {f.code: (f.line, f.column) for f in findings}
    assert by_code["GM002"] == (3, 1)
    assert by_code["GM003"] == (4, 9)
    assert by_code["GM303"] == (4, 31)


@pytest.mark.parametrize("ignored", ["GM004", "GM003", "GM002", "GM0"])
def test_disabling_a_rewrite_keeps_the_file_consistent(ignored: str) -> None:
    out, findings = _run(BASIC, ignore=(ignored,))
    compile(out, "t.py", "exec")
    # Either nothing moved, or everything did: a dict model with legacy calls would crash.
    assert ("genai.GenerativeModel(" in out) == ("model.generate_content(" in out)
    assert "TODO(gemini-migrate)" not in out
    assert not any(f.code == ignored for f in findings)


def test_ignoring_chats_keeps_the_model_for_them() -> None:
    # GM301 (the model lint) would move the retired id of the pinned model: switched off.
    out, _ = _run(CHAT, ignore=("GM005", "GM301"))
    compile(out, "t.py", "exec")
    assert "model.start_chat()" in out
    assert 'genai.GenerativeModel("gemini-1.5-flash")' in out


def test_second_run_reports_what_is_left_without_new_comments() -> None:
    source = CHAT + "for tuned in genai.list_tuned_models():\n    print(tuned.name)\n"
    once, first = _run(source)
    twice, second = _run(once)
    assert once == twice
    assert once.count("TODO(gemini-migrate)") == 1
    assert [f.code for f in second if not f.fixed] == ["GM014", "GM017"]


STUDIO = (Path(__file__).parent.parent / "fixtures" / "legacy" /
          "ai_studio_export.before.py").read_text()


def test_keys_without_equivalent_are_kept_without_unsafe_fixes() -> None:
    out, findings = _run(STUDIO)
    assert '"top_k": 64' in out and "genai.GenerativeModel(" in out
    assert any(f.code == "GM010" and not f.fixed and "--unsafe-fixes" in f.message
               for f in findings)


def test_unsafe_fixes_drop_them_and_say_so() -> None:
    out, findings = _run(STUDIO, unsafe_fixes=True)
    assert "top_k" not in out
    assert '"temperature": 1,\n  "top_p": 0.95,' in out  # the literal keeps its layout
    assert "response_mime_type" not in out  # text/plain is the default: nothing to ask for
    dropped = [f for f in findings if f.code == "GM010"]
    assert len(dropped) == 1 and dropped[0].fixed and dropped[0].fix == "unsafe"
    assert "client.interactions.create(**chat_session" in out


def test_pinned_model_keeps_its_id_and_reports_no_substitution() -> None:
    """A substitution is reported only where it happens: a pinned model keeps its id, and a
    second run must not find a 'fixable' GM303 that no run will ever fix."""
    source = '''import google.generativeai as genai

genai.configure(api_key="k")
MODEL = "gemini-pro"
model = genai.GenerativeModel(MODEL)
chat = model.start_chat()
for m in chat.history:
    print(m.role)
other = genai.GenerativeModel("gemini-pro")
chat2 = other.start_chat()
print(chat2.history)
'''
    # The model lint moves a retired id even in pinned code (GM301): switched off here, where
    # what is tested is that the migration does not claim a substitution it did not make.
    out, findings = _run(source, ignore=("GM301",))
    assert not [f for f in findings if f.code == "GM303"]
    assert 'MODEL = "gemini-pro"' in out and 'GenerativeModel("gemini-pro")' in out
    again, second = _run(out, ignore=("GM301",))
    assert again == out and not [f for f in second if f.code == "GM303"]
    # With it on, the retired id goes, as GM301 and never as a GM303 that no run fixes.
    fixed, found = _run(source)
    assert '"gemini-3.1-pro-preview"' in fixed and "gemini-pro\"" not in fixed
    assert not [f for f in found if f.code == "GM303"]
    assert [f.fixed for f in found if f.code == "GM301"] == [True, True]


def test_conditional_configure_pins_the_file() -> None:
    """A client made under `if key:` would not exist when the key is missing; the legacy SDK
    then read GOOGLE_API_KEY at the first call. The `__main__` guard is not such a branch."""
    source = '''import os
import google.generativeai as genai

if os.getenv("MY_KEY"):
    genai.configure(api_key=os.getenv("MY_KEY"))  # from the vault
model = genai.GenerativeModel("gemini-2.5-flash")
print(model.generate_content("hi").text)
'''
    out, findings = _run(source)
    assert "GM016 configure() runs only on some paths" in out
    assert "genai.configure(api_key" in out and "interactions" not in out
    guarded = source.replace('if os.getenv("MY_KEY"):', 'if __name__ == "__main__":')
    out, _ = _run(guarded)
    assert 'client = genai.Client(api_key=os.getenv("MY_KEY"))  # from the vault' in out
    assert "client.interactions.create" in out


@pytest.mark.parametrize("source", [
    # a name bound to a list
    'SYSTEM = ["Be brief.", "Be kind."]\n'
    'model = genai.GenerativeModel("gemini-2.5-flash", system_instruction=SYSTEM)\n'
    'print(model.generate_content("q").text)\n',
    # a parameter this file passes a list
    'def ask(system, q):\n'
    '    model = genai.GenerativeModel("gemini-2.5-flash", system_instruction=system)\n'
    '    return model.generate_content(q).text\n'
    'print(ask(["Be brief.", "Be kind."], "q"))\n',
    # contents: a parameter passed a list somewhere, by keyword
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'def ask(contents):\n'
    '    return model.generate_content(contents).text\n'
    'print(ask("q"))\nprint(ask(contents=["a", "b"]))\n',
    # a method's parameter, called through the instance
    'class Bot:\n'
    '    def __init__(self):\n'
    '        self.model = genai.GenerativeModel("gemini-2.5-flash")\n'
    '    def ask(self, contents):\n'
    '        return self.model.generate_content(contents).text\n'
    'print(Bot().ask(["a", "b"]))\n',
    # an annotated parameter that is not text
    'model = genai.GenerativeModel("gemini-2.5-flash")\n'
    'def ask(contents: list):\n'
    '    return model.generate_content(contents).text\n',
])
def test_values_that_may_not_be_text_are_not_passed_as_text(source: str) -> None:
    """The Interactions API takes a string where the legacy SDK took text or parts: a value
    this file shows may be a list stays on the legacy SDK."""
    out, findings = _run('import google.generativeai as genai\n\n'
                         'genai.configure(api_key="k")\n' + source)
    assert "interactions.create" not in out
    assert any(f.code == "GM014" for f in findings), [f.message for f in findings]


def test_text_parameters_still_migrate() -> None:
    out, _ = _run('import google.generativeai as genai\n\n'
                  'genai.configure(api_key="k")\n'
                  'model = genai.GenerativeModel("gemini-2.5-flash")\n'
                  'def ask(contents, system: str = "Be brief."):\n'
                  '    m = genai.GenerativeModel("gemini-2.5-flash", system_instruction=system)\n'
                  '    a = m.generate_content(contents).text\n'
                  '    return a + model.generate_content(contents).text\n'
                  'print(ask("q"))\nprint(ask(f"q {1}", system="x"))\n')
    assert "google.generativeai" not in out and out.count("interactions.create") == 2


@pytest.mark.parametrize("source", [
    "import google.generativeai as genai\n",
    "class P:\n"
    "    def run(self, key, text):\n"
    "        import google.generativeai as genai\n"
    "        self._genai = genai\n"
    "        self._genai.configure(api_key=key)\n"
    "        model = self._genai.GenerativeModel('gemini-2.5-flash')\n"
    "        return model.generate_content(text).text\n",
])
def test_a_file_left_on_the_legacy_sdk_is_never_silent(source: str) -> None:
    out, findings = _run(source)
    assert out == source
    assert [f.code for f in findings] == ["GM017"]


def test_comments_inside_rewritten_values_are_kept_and_layout_holds() -> None:
    source = '''import google.generativeai as genai

genai.configure(api_key="k")
config = genai.types.GenerationConfig(
    # candidate_count=1, # Default is 1
    max_output_tokens=10, # Small buffer for YES/NO
    temperature=0.1 # Low temperature
)
safety = [
    # allow medical terms
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_NONE"},
]
model = genai.GenerativeModel("gemini-2.5-flash", generation_config=config,
                              safety_settings=safety)
response = model.generate_content(
    "Does X beat Y?",  # the question
)
other = model.generate_content(
    contents="Give JSON",
    generation_config=genai.GenerationConfig(
        response_mime_type="application/json"
    )
)
print(response.text, other.text)
'''
    out, _ = _run(source)
    for comment in ("# candidate_count=1, # Default is 1", "# Small buffer for YES/NO",
                    "# Low temperature", "# allow medical terms", "# the question"):
        assert out.count(comment) == 1, comment
    assert '    **model,\n    input="Does X beat Y?",  # the question\n)' in out
    assert ('    input="Give JSON",\n'
            '    response_format={"type": "text", "mime_type": "application/json"}\n)') in out
    assert _run(out)[0] == out


def test_embed_content_of_text_names() -> None:
    """A list literal is a batch whatever names it holds, as long as they are text; a name
    bound only to a string is one text. A parameter of unknown type decides the result's
    shape, so it stays."""
    out, _ = _run('import google.generativeai as genai\n\n'
                  'text = "hello"\n'
                  'many = genai.embed_content(model="models/text-embedding-004", content=[text])\n'
                  'one = genai.embed_content(model="models/text-embedding-004", content=text)\n'
                  'print(len(many["embedding"]), len(one["embedding"]))\n'
                  'def embed(x):\n'
                  '    return genai.embed_content(model="models/text-embedding-004", content=x)\n')
    assert "contents=[text]" in out and "contents=text" in out
    assert "len([e.values for e in many.embeddings])" in out
    assert "len(one.embeddings[0].values)" in out
    assert "GM014 embed_content() of a value that may be one text or many" in out


def test_function_local_import_with_every_use_pinned_adds_nothing() -> None:
    source = '''class Provider:
    def __init__(self):
        import google.generativeai as genai
        genai.configure(api_key="test-key")
        self.model = genai.GenerativeModel("gemini-2.0-flash")

    def ask(self, prompt):
        return self.model.generate_content(prompt).text

    def history(self):
        return self.model.start_chat().history
'''
    out, _ = _run(source)
    assert "from google import genai" not in out and "Client(" not in out
    assert _run(out)[0] == out


def test_a_file_that_mocks_the_legacy_sdk_keeps_its_calls() -> None:
    source = '''from unittest import mock

import google.generativeai as genai


def summarize(text):
    model = genai.GenerativeModel("gemini-1.5-flash")
    return model.generate_content(f"summarize: {text}").text


def test_summarize():
    with mock.patch("google.generativeai.GenerativeModel.generate_content") as gc:
        gc.return_value.text = "canned"
        assert summarize("doc") == "canned"
'''
    out, findings = _run(source)
    assert "interactions" not in out and "Client(" not in out
    assert out.count("GM040 this file mocks the legacy SDK") == 1
    assert _run(out)[0] == out
