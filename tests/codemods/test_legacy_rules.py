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
    out, _ = _run(CHAT, ignore=("GM005",))
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
