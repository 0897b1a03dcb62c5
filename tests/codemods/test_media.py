"""Multimodal contents and the files API (migrator/codemods/media.py): what moves together,
what stays, and the imports it needs."""

from __future__ import annotations

import pytest

from migrator.codemods import transform_source
from migrator.config import Settings
from migrator.engine import make_context

UPLOAD = '''import google.generativeai as genai

genai.configure(api_key="k")
model = genai.GenerativeModel("gemini-2.5-flash")
report = genai.upload_file("report.pdf")
print(model.generate_content(["Summarise.", report]).text)
'''


def _run(source: str, **settings: object) -> tuple[str, list]:
    ctx = make_context(Settings(**settings), write=True)  # type: ignore[arg-type]
    return transform_source(source, "t.py", ctx)


@pytest.mark.parametrize("ignored", ["GM021", "GM022"])
def test_a_file_and_its_users_move_together(ignored: str) -> None:
    """A google-genai File cannot go to the legacy SDK, nor a legacy File to a migrated call
    that was planned with the new one: disabling either rewrite keeps both."""
    out, findings = _run(UPLOAD, ignore=(ignored,))
    compile(out, "t.py", "exec")
    assert 'genai.upload_file("report.pdf")' in out
    assert "model.generate_content(" in out
    assert not any(f.code in ("GM021", "GM022") for f in findings)


def test_upload_keeps_the_display_name_the_legacy_sdk_gave() -> None:
    out, findings = _run(UPLOAD)
    assert ('client.files.upload(file="report.pdf", config={"display_name": "report.pdf"})'
            in out)
    assert '{"type": "document", "uri": report.uri, "mime_type": report.mime_type}' in out
    assert {"GM021", "GM022"} <= {f.code for f in findings if f.fixed}


def test_a_file_fetched_by_an_unknown_name_gets_its_block_type_at_run_time() -> None:
    source = UPLOAD.replace('genai.upload_file("report.pdf")', "genai.get_file(name)")
    source = source.replace("report = ", "name = input()\nreport = ")
    out, findings = _run(source)
    assert "client.files.get(name=name)" in out
    assert '{"type": content_type(report.mime_type), "uri": report.uri, "mime_type": ' \
        "report.mime_type}" in out
    # the helper is written once, after the imports, and never raises
    assert out.startswith("from google import genai\n\n\ndef content_type(mime_type):\n")
    assert out.count("def content_type") == 1
    assert '    return kind if kind in ("image", "audio", "video") else "document"\n\n\n' \
        'client = ' in out
    assert any(f.code == "GM045" and f.fixed for f in findings)


def test_the_run_time_block_type_helper_takes_a_free_name() -> None:
    source = UPLOAD.replace('genai.upload_file("report.pdf")', "genai.get_file(name)")
    source = source.replace("report = ", "name = input()\ncontent_type = 1\nreport = ")
    out, _ = _run(source)
    assert "def content_type_2(mime_type):" in out
    assert '"type": content_type_2(report.mime_type)' in out


def test_the_block_type_helper_chooses_like_the_static_rule() -> None:
    from migrator.codemods.media import KIND_HELPER, kind_of

    namespace: dict[str, object] = {}
    exec(KIND_HELPER.format(name="content_type"), namespace)
    helper = namespace["content_type"]
    for mime in ("image/png", "audio/mpeg", "video/mp4", "application/pdf", "text/plain",
                 "application/octet-stream"):
        assert helper(mime) == kind_of(mime)  # type: ignore[operator]


def test_a_text_file_known_statically_stays() -> None:
    out, findings = _run(UPLOAD.replace("report.pdf", "notes.txt"))
    assert 'genai.upload_file("notes.txt")' in out
    assert any(f.code == "GM023" and "text/plain" in f.message for f in findings)


def test_file_methods_without_a_twin_pin_the_file() -> None:
    out, findings = _run(UPLOAD + "report.delete()\n")
    assert 'genai.upload_file("report.pdf")' in out
    assert any(f.code == "GM024" and "File.delete" in f.message for f in findings)


def test_annotated_text_parameter_is_a_text_block_and_imports_are_not_repeated() -> None:
    source = '''import base64

import google.generativeai as genai

model = genai.GenerativeModel("gemini-2.5-flash")


def ask(question: str, png: bytes) -> str:
    return model.generate_content([question, {"mime_type": "image/png", "data": b"x"}]).text
'''
    out, _ = _run(source)
    assert out.count("import base64") == 1
    assert '{"type": "text", "text": question}' in out
    assert '{"type": "image", "data": base64.b64encode(b"x").decode(), "mime_type": "image/png"}' \
        in out


def test_data_that_may_be_a_base64_string_is_left() -> None:
    source = UPLOAD.replace('report = genai.upload_file("report.pdf")\n', "")
    source = source.replace('["Summarise.", report]',
                            '["Describe.", {"mime_type": "image/png", "data": payload}]')
    source = source.replace("model = ", "payload = open('x.png').read()\nmodel = ")
    out, findings = _run(source)
    assert "model.generate_content(" in out
    assert any(f.code == "GM023" and "bytes" in f.message for f in findings)


def test_count_tokens_of_an_image_stays() -> None:
    source = '''import google.generativeai as genai
import PIL.Image

model = genai.GenerativeModel("gemini-2.5-flash")
picture = PIL.Image.new("RGB", (2, 2))
print(model.count_tokens(["Describe", picture]).total_tokens)
'''
    out, _ = _run(source)
    assert "model.count_tokens(" in out


def test_a_file_fetched_from_an_upload_has_its_type() -> None:
    source = UPLOAD.replace('report = genai.upload_file("report.pdf")',
                            'upload = genai.upload_file("report.pdf")\n'
                            'report = genai.get_file(name=upload.name)')
    out, _ = _run(source)
    assert "report = client.files.get(name=upload.name)" in out
    assert '{"type": "document", "uri": report.uri' in out


def test_a_file_inside_an_expression_keeps_its_call_with_it() -> None:
    """`[..., f] + more` cannot be converted: the call and the upload both stay."""
    source = UPLOAD.replace('["Summarise.", report]', '["Summarise.", report] + more')
    source = source.replace("model = ", "more = []\nmodel = ")
    out, findings = _run(source)
    assert 'genai.upload_file("report.pdf")' in out and "model.generate_content(" in out
    assert any(f.code == "GM024" for f in findings)


@pytest.mark.parametrize("data, migrates", [
    ("io.BytesIO(b'x').getvalue()", True),
    ("buffer.getvalue()", True),
    ("text_buffer.getvalue()", False),  # a StringIO's value is a str, which was base64
    ("b'x'.strip()", False),
])
def test_inline_data_must_be_provably_bytes(data: str, migrates: bool) -> None:
    source = f'''import io

import google.generativeai as genai

model = genai.GenerativeModel("gemini-2.5-flash")
buffer = io.BytesIO(b"png")
text_buffer = io.StringIO("cG5n")
print(model.generate_content(["Describe.", {{"mime_type": "image/png", "data": {data}}}]).text)
'''
    out, _ = _run(source)
    assert ("client.interactions.create(" in out) == migrates


def test_upload_of_a_file_object_gets_no_display_name() -> None:
    source = UPLOAD.replace('genai.upload_file("report.pdf")',
                            'genai.upload_file(handle, mime_type="application/pdf")')
    source = source.replace("report = ", 'handle = open("report.pdf", "rb")\nreport = ')
    out, _ = _run(source)
    assert 'client.files.upload(file=handle, config={"mime_type": "application/pdf"})' in out


def test_upload_options_move_into_config_in_the_slot_they_had() -> None:
    source = '''import google.generativeai as genai

f = genai.upload_file(
    path="recordings/meeting-2024-03-01.mp3",  # the recording
    mime_type="audio/mpeg",
    display_name="Recording of the meeting",
    resumable=True,
)
print(f.uri)
'''
    out, _ = _run(source)
    assert '''f = client.files.upload(
    file="recordings/meeting-2024-03-01.mp3",  # the recording
    config={"mime_type": "audio/mpeg", "display_name": "Recording of the meeting"},
)''' in out
    pinned, findings = _run(source.replace('"audio/mpeg",', '"audio/mpeg",  # mp3'))
    assert "genai.upload_file(" in pinned
    assert any(f.code == "GM024" and "comment" in f.message for f in findings)


def test_a_comment_inside_multimodal_contents_is_not_lost() -> None:
    source = '''import google.generativeai as genai
import PIL.Image

model = genai.GenerativeModel("gemini-2.5-flash")
picture = PIL.Image.new("RGB", (2, 2))
print(model.generate_content([
    "Describe",  # the instruction
    picture,
]).text)
'''
    out, findings = _run(source)
    assert "# the instruction" in out and "model.generate_content([" in out
    assert any(f.code == "GM023" and "comment" in f.message for f in findings)


PARAM = '''import google.generativeai as genai
import PIL.Image

model = genai.GenerativeModel("gemini-2.5-flash")
image = PIL.Image.open("cat.png")


def ask(question):
    return model.generate_content([question, image]).text


'''


@pytest.mark.parametrize("calls, migrated", [
    ('print(ask("What is it?"))\nprint(ask(f"Is it {image.size}?"))\n', True),
    ('print(ask(input("? ").strip()))\n', True),
    ('print(ask("What is it?"))\nprint(ask(image))\n', False),  # a caller passes an image
    ('buttons = {"ask": ask}\n', False),  # passed on: its callers are unknown
    ("", False),  # never called here
])
def test_a_parameter_is_text_when_every_caller_passes_text(calls: str, migrated: bool) -> None:
    out, findings = _run(PARAM + calls)
    assert ('{"type": "text", "text": question}' in out) is migrated
    assert any(f.code == "GM023" and "'question'" in f.message for f in findings) is not migrated
