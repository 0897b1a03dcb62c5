"""The real google-generativeai 0.8.x on transport="rest" against the emulator, in process,
and the equivalence with the Interactions answers that the differential mode relies on."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from migrator.verify.emulator import Emulator
from tests.verify.conftest import call

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    legacy = pytest.importorskip("google.generativeai")


@pytest.fixture(scope="module")
def genai(emulator: Emulator) -> Iterator[Any]:
    from google.generativeai import client as legacy_client

    legacy.configure(api_key="fake", transport="rest",
                     client_options={"api_endpoint": emulator.url})
    saved = legacy_client.GENAI_API_DISCOVERY_URL
    legacy_client.GENAI_API_DISCOVERY_URL = emulator.url + "/$discovery/rest"
    yield legacy
    legacy_client.GENAI_API_DISCOVERY_URL = saved
    legacy_client._client_manager.clients = {}


def test_text_and_usage(genai: Any) -> None:
    response = genai.GenerativeModel("gemini-1.5-flash").generate_content("Hello there")
    assert response.text == "turn 1: echo Hello there"
    assert response.usage_metadata.prompt_token_count == 2
    assert response.usage_metadata.total_token_count == 2 + 5  # "turn 1: echo Hello there"


def test_system_instruction_and_config(genai: Any) -> None:
    model = genai.GenerativeModel(
        "gemini-1.5-flash", system_instruction="Be terse.",
        generation_config=genai.GenerationConfig(temperature=0.2, top_p=0.9, top_k=3,
                                                 max_output_tokens=5))
    response = model.generate_content("one two three four five six")
    assert response.text == "turn 1: echo one two"
    assert response.candidates[0].finish_reason.name == "MAX_TOKENS"


def test_stream(genai: Any) -> None:
    chunks = [c.text for c in genai.GenerativeModel("gemini-1.5-flash").generate_content(
        "a b c d e f g", stream=True)]
    assert len(chunks) > 1
    assert "".join(chunks) == "turn 1: echo a b c d e f g"


def test_chat_sends_history_and_counts_turns(genai: Any, emulator: Emulator) -> None:
    chat = genai.GenerativeModel("gemini-1.5-flash").start_chat()
    assert chat.send_message("first").text == "turn 1: echo first"
    assert chat.send_message("second").text == "turn 2: echo second"
    entry = emulator.requests()[-1]
    assert [t["role"] for t in entry["conversation"]] == ["user", "model", "user"]


def test_automatic_function_calling_round_trip(genai: Any, emulator: Emulator) -> None:
    seen = []

    def get_weather(city: str) -> dict:
        """Weather for a city"""
        seen.append(city)
        return {"temp_c": 21}

    model = genai.GenerativeModel("gemini-1.5-flash", tools=[get_weather])
    chat = model.start_chat(enable_automatic_function_calling=True)
    reply = chat.send_message("What is the weather in Paris?")
    assert seen == ["Paris"]
    assert reply.text == 'turn 1: get_weather returned {"temp_c": 21} [tools get_weather]'
    tools = emulator.requests()[-1]["tools"]
    assert tools == [{"type": "function", "name": "get_weather",
                      "description": "Weather for a city",
                      "parameters": {"type": "object",
                                     "properties": {"city": {"type": "string"}},
                                     "required": ["city"]}}]


def test_count_tokens_and_embeddings(genai: Any) -> None:
    model = genai.GenerativeModel("gemini-1.5-flash")
    assert model.count_tokens("three little words").total_tokens == 3
    one = genai.embed_content(model="models/embedding-001", content="hello")["embedding"]
    many = genai.embed_content(model="models/embedding-001", content=["hello", "x"])
    assert len(one) == 768 and many["embedding"][0] == one


def test_models(genai: Any) -> None:
    names = [m.name for m in genai.list_models()]
    assert "models/gemini-2.5-flash" in names
    assert genai.get_model("models/gemini-2.5-pro").name == "models/gemini-2.5-pro"


@pytest.mark.parametrize("resumable", [True, False])
def test_files(genai: Any, tmp_path: Any, resumable: bool) -> None:
    path = tmp_path / f"doc-{resumable}.txt"
    path.write_text(f"legacy upload {resumable}")
    uploaded = genai.upload_file(str(path), mime_type="text/plain", display_name="doc",
                                 resumable=resumable)
    assert uploaded.display_name == "doc"
    assert genai.get_file(uploaded.name).size_bytes == len(path.read_text())
    assert uploaded.name in [f.name for f in genai.list_files()]
    genai.delete_file(uploaded.name)
    assert uploaded.name not in [f.name for f in genai.list_files()]


def test_not_found_model(genai: Any) -> None:
    from google.api_core import exceptions

    with pytest.raises(exceptions.NotFound):
        genai.get_model("models/no-such-model")


# --- the same meaning through both APIs gives the same answer -----------------------------------

LEGACY_CHAT = {
    "contents": [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "turn 1: echo Hi [system 0c7f1a]"}]},
        {"role": "user", "parts": [{"text": "Next"}]},
    ],
    "systemInstruction": {"parts": [{"text": "Be kind."}]},
    "generationConfig": {"temperature": 0.2, "topP": 0.9, "maxOutputTokens": 50,
                         "stopSequences": ["END"], "topK": 3},
}


def test_legacy_and_interactions_agree(emulator: Emulator) -> None:
    def legacy_text(model: str, body: dict[str, Any]) -> str:
        status, _, data = call(emulator, "POST",
                               f"/v1beta/models/{model}:generateContent", body)
        assert status == 200
        return str(json.loads(data)["candidates"][0]["content"]["parts"][0]["text"])

    start = len(emulator.requests())
    first = legacy_text("gemini-1.5-flash",
                        {**LEGACY_CHAT, "contents": LEGACY_CHAT["contents"][:1]})
    status, _, data = call(emulator, "POST", "/v1/interactions", {
        "model": "gemini-3-flash-preview", "input": "Hi", "system_instruction": "Be kind.",
        "generation_config": {"temperature": 0.2, "top_p": 0.9, "max_output_tokens": 50,
                              "stop_sequences": ["END"]}})
    started = json.loads(data)
    assert started["steps"][0]["content"][0]["text"] == first
    contents = [LEGACY_CHAT["contents"][0],
                {"role": "model", "parts": [{"text": first}]}, LEGACY_CHAT["contents"][2]]
    second_legacy = legacy_text("gemini-1.5-flash", {**LEGACY_CHAT, "contents": contents})
    status, _, data = call(emulator, "POST", "/v1/interactions", {
        "model": "gemini-3-flash-preview", "input": "Next", "system_instruction": "Be kind.",
        "previous_interaction_id": started["id"],
        "generation_config": {"temperature": 0.2, "top_p": 0.9, "max_output_tokens": 50,
                              "stop_sequences": ["END"]}})
    assert json.loads(data)["steps"][0]["content"][0]["text"] == second_legacy
    assert second_legacy.startswith("turn 2: echo Next [system ")
    # a legacy model id and its successor give one answer
    assert legacy_text("gemini-2.5-pro", {**LEGACY_CHAT, "contents": contents}) == second_legacy
    legacy1, new1, legacy2, new2, _ = emulator.requests()[start:]
    for old, new in ((legacy1, new1), (legacy2, new2)):
        assert old["api"] == "generate_content" and new["api"] == "interactions"
        assert old["model"] == new["model"] == "gemini-3-flash-preview"
        for key in ("conversation", "system_instruction", "config", "tools"):
            assert old[key] == new[key], key
    assert len(new2["conversation"]) == 3
    assert legacy1["dropped_config"] == {"top_k": 3}


def test_inline_data_and_files_mean_the_same_in_both_apis(genai: Any, emulator: Emulator,
                                                          tmp_path: Any) -> None:
    import base64

    png = b"\x89PNG\r\n\x1a\n-pixels-"
    legacy_text = genai.GenerativeModel("gemini-1.5-flash").generate_content(
        ["Describe this", {"mime_type": "image/png", "data": png}]).text
    _, _, data = call(emulator, "POST", "/v1/interactions", {
        "model": "gemini-3-flash-preview", "input": [{"type": "user_input", "content": [
            {"type": "text", "text": "Describe this"},
            {"type": "image", "mime_type": "image/png",
             "data": base64.b64encode(png).decode()}]}]})
    assert json.loads(data)["steps"][0]["content"][0]["text"] == legacy_text
    assert "<image/png " in legacy_text

    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4 tiny")
    uploaded = genai.upload_file(str(path), mime_type="application/pdf")
    legacy_text = genai.GenerativeModel("gemini-1.5-flash").generate_content(
        [uploaded, "Summarise"]).text
    _, _, data = call(emulator, "POST", "/v1/interactions", {
        "model": "gemini-3-flash-preview", "input": [{"type": "user_input", "content": [
            {"type": "document", "uri": uploaded.uri, "mime_type": "application/pdf"},
            {"type": "text", "text": "Summarise"}]}]})
    assert json.loads(data)["steps"][0]["content"][0]["text"] == legacy_text
    assert f"<file {uploaded.name}>" in legacy_text
