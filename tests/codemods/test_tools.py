"""Legacy function calling (tools.py): what migrates, what is left, and how."""

from __future__ import annotations

import pytest

from migrator.codemods import transform_source
from migrator.config import Settings
from migrator.engine import make_context

HEAD = '''import google.generativeai as genai

genai.configure(api_key="k")

'''


def _run(source: str, **settings: object) -> tuple[str, list]:
    ctx = make_context(Settings(**settings), write=True)  # type: ignore[arg-type]
    return transform_source(HEAD + source, "t.py", ctx)


def _pinned(source: str, code: str, reason: str, **settings: object) -> None:
    out, findings = _run(source, **settings)
    assert "genai.GenerativeModel(" in out, out
    assert any(f.code == code and reason in f.message and not f.fixed for f in findings), \
        [(f.code, f.message) for f in findings]


@pytest.mark.parametrize(("signature", "reason"), [
    ("city", "has no type hint"),
    ("city: Any", "no faithful schema conversion"),
    ("city: Union[int, str]", "unions other than Optional"),
    ("city: list", "no faithful schema conversion"),
    ("city: Literal[1, 2]", "only Literal of strings"),
    ("city: Place", "no faithful schema conversion"),
])
def test_a_signature_that_cannot_be_converted_pins(signature: str, reason: str) -> None:
    _pinned(f'''from typing import Any, Literal, Union
from dataclasses import dataclass


@dataclass
class Place:
    name: str


def get_weather({signature}):
    """Weather."""


model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
print(model.generate_content("hi").text)
''', "GM025", reason)


def test_decorated_and_nested_functions_pin() -> None:
    _pinned('''import functools


@functools.lru_cache
def get_weather(city: str):
    """Weather."""


model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
print(model.generate_content("hi").text)
''', "GM025", "decorated")
    _pinned('''def main():
    def get_weather(city: str):
        """Weather."""

    model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
    print(model.generate_content("hi").text)
''', "GM025", "not defined at module level")


def test_tool_config_forms() -> None:
    out, findings = _run('''model = genai.GenerativeModel(
    "gemini-2.5-flash",
    generation_config={"temperature": 0.1},
    tools=[{"name": "f", "description": "F."}],
    tool_config=genai.protos.ToolConfig(
        function_calling_config=genai.protos.FunctionCallingConfig(
            mode=genai.protos.FunctionCallingConfig.Mode.ANY,
        )
    ),
)
auto = genai.GenerativeModel(
    "gemini-2.5-flash", tools=[{"name": "f"}], tool_config={"function_calling_config": "AUTO"}
)
print(model.generate_content("hi").text, auto.generate_content("hi").text)
''')
    assert 'generation_config={"temperature": 0.1, "tool_choice": "any"}' in out
    assert 'model="gemini-2.5-flash", tools=[{"type": "function", "name": "f"}], input="hi"' \
        in out
    assert "tool_config" not in out
    assert {"GM025", "GM026"} <= {f.code for f in findings if f.fixed}


def test_search_threshold_needs_unsafe_fixes() -> None:
    source = '''model = genai.GenerativeModel("gemini-2.5-flash", tools=[{
    "google_search_retrieval": {"dynamic_retrieval_config": {"dynamic_threshold": 0.3}},
}])
print(model.generate_content("hi").text)
'''
    _pinned(source, "GM029", "--unsafe-fixes")
    out, findings = _run(source, unsafe_fixes=True)
    assert 'tools=[{"type": "google_search"}]' in out
    lost = [f for f in findings if f.code == "GM029"]
    assert lost and lost[0].fixed and lost[0].fix == "unsafe"


def test_per_call_tools_over_the_model_tools_pin() -> None:
    _pinned('''model = genai.GenerativeModel("gemini-2.5-flash", tools="code_execution")
print(model.generate_content("hi", tools=[{"name": "f"}]).text)
''', "GM025", "replacing the model's tools")


@pytest.mark.parametrize(("send", "reason"), [
    ('reply = chat.send_message("hi", stream=True)\nfor chunk in reply:\n    print(chunk.text)\n',
     "stream=True raised"),
    ('chat.send_message("hi")\n', "must be stored in a name"),
])
def test_automatic_function_calling_left_as_it_was(send: str, reason: str) -> None:
    _pinned(f'''def get_weather(city: str) -> str:
    """Weather."""
    return "sun"


model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
chat = model.start_chat(enable_automatic_function_calling=True)
{send}''', "GM027", reason)


def test_automatic_function_calling_needs_every_tool_to_be_a_function() -> None:
    _pinned('''def get_weather(city: str) -> str:
    """Weather."""
    return "sun"


model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather, {"name": "f"}])
chat = model.start_chat(enable_automatic_function_calling=True)
print(chat.send_message("hi").text)
''', "GM027", "needs every tool to be a function of this module")


def test_disabled_rule_leaves_tools_alone() -> None:
    out, findings = _run('''model = genai.GenerativeModel("gemini-2.5-flash",
                              tools="code_execution")
print(model.generate_content("hi").text)
''', ignore=("GM025",))
    assert 'tools="code_execution"' in out
    assert not any(f.code == "GM025" for f in findings)


def test_a_function_result_sent_by_hand_is_left_with_its_reason() -> None:
    _pinned('''model = genai.GenerativeModel("gemini-2.5-flash", tools=[{"name": "f"}])
chat = model.start_chat()
reply = chat.send_message(
    {"role": "user", "parts": [{"function_response": {"name": "f", "response": {"x": 1}}}]}
)
print(reply.text)
''', "GM028", "carry no call id")


MANUAL = '''def get_weather(city: str) -> str:
    """Weather."""
    return "sun"


model = genai.GenerativeModel("gemini-2.5-flash", tools=[get_weather])
chat = model.start_chat()
response = chat.send_message("Weather in Lisbon?")
fc = response.parts[0].function_call
{between}response = chat.send_message(
    genai.protos.Part(function_response=genai.protos.FunctionResponse(
        name=fc.name, response={{"result": get_weather(**fc.args)}}))
)
print(response.text)
'''


def test_a_manual_round_trip_threads_the_call_id() -> None:
    out, _ = _run(MANUAL.format(between=""))
    assert 'fc = next(step for step in response.steps if step.type == "function_call")' in out
    assert '"call_id": fc.id' in out and "get_weather(**fc.arguments)" in out
    assert "protos" not in out


def test_a_manual_round_trip_after_another_send_is_left() -> None:
    _pinned(MANUAL.format(between='chat.send_message("Hold on.")\n'), "GM028",
            "cannot be tied")


def test_a_call_read_but_not_answered_is_left() -> None:
    _pinned(MANUAL.replace("{between}response = chat.send_message(", "if fc.name:\n    reply = ("
                           ).replace("print(response.text)", "print(reply)").replace(
        "{{", "{").replace("}}", "}"), "GM028", "not answered")


def test_a_shared_declaration_used_for_something_else_is_left() -> None:
    _pinned('''weather = {"name": "get_weather", "description": "Weather."}
model = genai.GenerativeModel("gemini-2.5-flash", tools=[weather])
print(model.generate_content(str(weather)).text)
''', "GM025", "used for more than a tool")
