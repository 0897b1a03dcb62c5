"""google-genai pass: findings, rule selection and the shapes that must be left alone.

The before/after/noop fixtures (tests/fixtures/genai) check the rewrites themselves; the
runnable ones are also run against the emulator by tests/verify/test_differential.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from migrator.codemods import transform_source
from migrator.config import Settings
from migrator.engine import make_context
from migrator.findings import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "genai"
TODO = "# TODO(gemini-migrate): "


def run(source: str, **settings: object) -> tuple[str, list[Finding]]:
    ctx = make_context(Settings(**settings), write=True)  # type: ignore[arg-type]
    return transform_source(textwrap.dedent(source), "snippet.py", ctx)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_migrated_calls_report_fixed_findings_and_substitutions() -> None:
    _, findings = run(fixture("text_config.before.py"))
    codes = sorted((f.line, f.code, f.fixed) for f in findings)
    assert codes == [(7, "GM101", True), (22, "GM101", True), (22, "GM303", True)]
    substitution = next(f for f in findings if f.code == "GM303")
    assert dict(substitution.data) == {"from": "gemini-1.5-flash", "to": "gemini-3-flash-preview"}


def test_every_left_call_has_a_finding_and_a_matching_todo() -> None:
    out, findings = run(fixture("unsupported_config.before.py"))
    left = [f for f in findings if not f.fixed]
    assert [f.code for f in left] == ["GM103"] * 4
    todos = [line.strip() for line in out.splitlines() if line.strip().startswith(TODO)]
    assert todos == [f"{TODO}{f.code} {f.message.removeprefix('not migrated: ')}" for f in left]
    # The call itself is untouched: still on client.models.
    assert out.count("client.models.generate_content(") == 4


def test_second_run_reports_the_same_and_adds_nothing() -> None:
    once, first = run(fixture("not_followed.before.py"))
    twice, second = run(once)
    assert twice == once
    assert sorted((f.code, f.message) for f in first) == sorted((f.code, f.message)
                                                                for f in second)


def test_disabled_code_means_neither_fix_nor_finding() -> None:
    source = fixture("text_config.before.py")
    # The retired id of the call left alone is the model lint's (GM301): ignored here too.
    out, findings = run(source, ignore=("GM101", "GM301"))
    assert out == source
    assert not [f for f in findings if f.code.startswith("GM1")]

    # GM301 (the model-name lint) would otherwise substitute the retired id itself.
    out, findings = run(source, ignore=("GM303", "GM301"))
    assert '"gemini-1.5-flash"' in out and "client.interactions.create" in out
    assert not [f for f in findings if f.code == "GM303"]

    chat = fixture("chat.before.py")
    out, findings = run(chat, ignore=("GM102",))
    assert out == chat and not findings


def test_disabled_todo_code_leaves_no_comment() -> None:
    out, findings = run(fixture("unsupported_config.before.py"), ignore=("GM103",))
    assert TODO not in out
    assert not findings


@pytest.mark.parametrize(
    ("snippet", "code", "reason"),
    [
        ('contents=[types.Part.from_bytes(data=b, mime_type=kind)]', "GM104",
         "mime_type that is not a literal"),
        ('contents=[types.Part.from_function_response(name="f", response={})]', "GM104",
         "from_function_response"),
        ('contents="x", config={"response_schema": {"type": "STRING"}}', "GM103",
         "without response_mime_type"),
        ('contents="x", config={"response_mime_type": "application/json", '
         '"response_schema": {"type": "STRING", "nullable": True}}', "GM103", "nullable"),
        ('contents="x", config={"safety_settings": [{"category": "HARM_CATEGORY_MEDICAL", '
         '"threshold": "BLOCK_NONE"}]}', "GM103", "no Interactions equivalent"),
        ('contents="x", config=types.GenerateContentConfig(system_instruction=[a, b])', "GM103",
         "system_instruction that is not a string"),
        ('contents="x", config={"response_logprobs": True}', "GM103", "logprobs"),
        ('contents="x", config={"thinking_config": {"thinking_level": level}}', "GM103",
         "thinking_level is not a known literal"),
        ('contents="x", config={"tool_config": {"retrieval_config": {}}}', "GM103",
         "retrieval_config"),
        ('contents="x", config=make_config()', "GM103", "not a literal"),
    ],
)
def test_unconvertible_values_are_left_with_the_reason(snippet: str, code: str,
                                                      reason: str) -> None:
    source = f"""\
        from google import genai
        from google.genai import types

        client = genai.Client()
        r = client.models.generate_content(model="gemini-2.5-flash", {snippet})
        print(r.text)
    """
    out, findings = run(source)
    assert "client.models.generate_content(" in out and "r.text" in out
    [left] = findings
    assert (left.code, left.fixed) == (code, False)
    assert reason in left.message


def test_response_read_in_another_function_is_followed() -> None:
    out, _ = run("""\
        from google import genai

        client = genai.Client()
        answer = client.models.generate_content(model="gemini-2.5-flash", contents="x")


        def show() -> None:
            print(answer.text, answer.usage_metadata.candidates_token_count)
    """)
    assert "print(answer.output_text, answer.usage.total_output_tokens)" in out


def test_a_chat_passed_to_a_function_is_left_whole() -> None:
    source = """\
        from google import genai

        client = genai.Client()
        chat = client.chats.create(model="gemini-2.5-flash")
        chat.send_message("hi")
        relay(chat)
    """
    out, findings = run(source)
    assert "client.chats.create" in out and 'chat.send_message("hi")' in out
    assert [(f.code, f.fixed) for f in findings] == [("GM105", False)]


def test_a_chat_container_used_otherwise_is_left_whole() -> None:
    out, findings = run("""\
        from google import genai

        client = genai.Client()
        chats = {}


        def turn(uid: str, text: str) -> str:
            if uid not in chats:
                chats[uid] = client.chats.create(model="gemini-2.5-flash")
            return chats[uid].send_message(text).text


        def export():
            return list(chats.values())
    """)
    assert "client.chats.create" in out and "send_message" in out
    assert {f.code for f in findings} == {"GM105"}


def test_a_chat_sent_through_another_index_is_not_half_migrated() -> None:
    out, _ = run("""\
        from google import genai

        client = genai.Client()
        chats = {}


        def start(uid: str) -> None:
            chats[uid] = client.chats.create(model="gemini-2.5-flash")


        def turn(user: str, text: str) -> str:
            return chats[user].send_message(text).text
    """)
    assert "client.chats.create" in out and "send_message" in out


def test_chat_on_a_client_local_to_another_function_is_left() -> None:
    out, findings = run("""\
        from google import genai


        def start():
            client = genai.Client()
            global chat
            chat = client.chats.create(model="gemini-2.5-flash")


        def turn(text: str) -> str:
            return chat.send_message(text).text
    """)
    assert "client.chats.create" in out and "chat.send_message(text).text" in out
    assert {(f.code, f.fixed) for f in findings} == {("GM105", False)}


def test_a_global_response_is_followed_into_other_functions() -> None:
    out, findings = run("""\
        from google import genai

        client = genai.Client()


        def ask():
            global last
            last = client.models.generate_content(model="gemini-2.5-flash", contents="x")


        def show():
            print(last.candidates)
    """)
    assert "client.models.generate_content" in out
    assert [(f.code, f.fixed) for f in findings] == [("GM105", False)]


def test_a_stream_read_after_its_loop_is_left() -> None:
    out, findings = run("""\
        from google import genai

        client = genai.Client()
        for chunk in client.models.generate_content_stream(model="gemini-2.5-flash",
                                                           contents="x"):
            print(chunk.text)
        print(chunk.usage_metadata)
    """)
    assert "generate_content_stream" in out
    assert [f.code for f in findings] == ["GM105"]


def test_async_calls_must_be_awaited_in_place() -> None:
    out, findings = run("""\
        import asyncio

        from google import genai

        client = genai.Client()


        async def main():
            jobs = [client.aio.models.generate_content(model="gemini-2.5-flash", contents="x")
                    for q in ("a", "b")]
            return await asyncio.gather(*jobs)
    """)
    assert "client.aio.models.generate_content" in out
    assert [f.code for f in findings] == ["GM105"]


def test_unrelated_files_are_not_parsed_twice() -> None:
    source = "print('no gemini here')\n"
    assert run(source) == (source, [])
