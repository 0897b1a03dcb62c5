"""The real google-genai (the installed 3.x) against the emulator: Interactions and the
client.models surface. Raw HTTP where the SDK would refuse the request itself."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from migrator.verify.emulator import Emulator
from tests.verify.conftest import SDK1, assert_error_shape, call, sse_events

genai = pytest.importorskip("google.genai")
from google.genai import types  # noqa: E402

MODEL = "gemini-3-flash-preview"
WEATHER = {
    "type": "function", "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]},
}


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[Any]:
    yield genai.Client(api_key="fake",
                       http_options=types.HttpOptions(base_url=emulator.url))


def test_text(client: Any) -> None:
    interaction = client.interactions.create(model=MODEL, input="Hello there")
    assert interaction.status == "completed"
    assert interaction.output_text == "turn 1: echo Hello there"
    assert interaction.usage.total_input_tokens == 2
    assert interaction.id.startswith("int-")


def test_system_instruction_and_config_change_the_answer(client: Any) -> None:
    plain = client.interactions.create(model=MODEL, input="Hi")
    with_system = client.interactions.create(model=MODEL, input="Hi",
                                             system_instruction="Be terse.")
    other_system = client.interactions.create(model=MODEL, input="Hi",
                                              system_instruction="Be verbose.")
    sampled = client.interactions.create(model=MODEL, input="Hi",
                                         generation_config={"temperature": 0.2, "seed": 7})
    texts = {plain.output_text, with_system.output_text, other_system.output_text,
             sampled.output_text}
    assert len(texts) == 4
    assert with_system.output_text.startswith("turn 1: echo Hi [system ")


def test_max_output_tokens_and_stop_sequences(client: Any) -> None:
    cut = client.interactions.create(model=MODEL, input="one two three four five six",
                                     generation_config={"max_output_tokens": 4})
    assert cut.output_text == "turn 1: echo one"  # four words
    assert cut.status == "incomplete"
    stopped = client.interactions.create(model=MODEL, input="alpha beta STOP gamma",
                                         generation_config={"stop_sequences": ["STOP"]})
    assert stopped.output_text == "turn 1: echo alpha beta "
    assert stopped.status == "completed"


def test_answer_does_not_depend_on_model(client: Any) -> None:
    a = client.interactions.create(model="gemini-3-flash-preview", input="same")
    b = client.interactions.create(model="gemini-2.5-pro", input="same")
    assert a.output_text == b.output_text


def test_json_response_format_follows_schema(client: Any) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"},
                                               "count": {"type": "integer"}}}
    result = client.interactions.create(
        model=MODEL, input="List one thing",
        response_format={"type": "text", "mime_type": "application/json", "schema": schema})
    parsed = json.loads(result.output_text)
    assert set(parsed) == {"name", "count"}
    assert parsed["count"] == 1


def test_stream(client: Any) -> None:
    texts, kinds = [], []
    for event in client.interactions.create(model=MODEL, input="a b c d e f g", stream=True):
        kinds.append(event.event_type)
        if event.event_type == "step.delta" and event.delta.type == "text":
            texts.append(event.delta.text)
        if event.event_type == "interaction.completed":
            final = event.interaction
    assert "".join(texts) == "turn 1: echo a b c d e f g"
    assert len(texts) > 1
    assert kinds[0] == "interaction.created" and kinds[-1] == "interaction.completed"
    assert final.status == "completed"


def test_stream_content_type_and_replay(emulator: Emulator) -> None:
    status, headers, data = call(emulator, "POST", "/v1/interactions",
                                 {"model": MODEL, "input": "x y z", "stream": True})
    assert status == 200
    assert headers["Content-Type"] == "text/event-stream"
    events = sse_events(data)
    iid = events[0]["interaction"]["id"]
    status, headers, replay = call(emulator, "GET",
                                   f"/v1/interactions/{iid}?stream=true&last_event_id=evt-2")
    assert status == 200 and headers["Content-Type"] == "text/event-stream"
    assert [e["event_id"] for e in sse_events(replay)] == [e["event_id"] for e in events[2:]]


def test_chat_chain(client: Any) -> None:
    first = client.interactions.create(model=MODEL, input="My name is Ada.")
    second = client.interactions.create(model=MODEL, input="What is my name?",
                                        previous_interaction_id=first.id)
    third = client.interactions.create(model=MODEL, input="Again?",
                                       previous_interaction_id=second.id)
    assert second.output_text == "turn 2: echo What is my name?"
    assert third.output_text == "turn 3: echo Again?"
    fetched = client.interactions.get(second.id)
    assert fetched.output_text == second.output_text
    with_input = client.interactions.get(second.id, include_input=True)
    assert [s.type for s in with_input.steps] == ["user_input", "model_output"]
    assert with_input.steps[0].content[0].text == "What is my name?"


def test_history_as_steps_counts_turns(client: Any) -> None:
    history = [
        {"type": "user_input", "content": [{"type": "text", "text": "Hi"}]},
        {"type": "model_output", "content": [{"type": "text", "text": "Hello"}]},
        {"type": "user_input", "content": [{"type": "text", "text": "And now?"}]},
    ]
    assert client.interactions.create(model=MODEL, input=history).output_text == \
        "turn 2: echo And now?"


def test_unknown_ids_are_404(client: Any) -> None:
    with pytest.raises(Exception) as info:
        client.interactions.get("int-does-not-exist")
    assert info.value.status_code == 404
    with pytest.raises(Exception) as info:
        client.interactions.create(model=MODEL, input="x",
                                   previous_interaction_id="int-does-not-exist")
    assert info.value.status_code == 404
    assert info.value.body["error"]["status"] == "NOT_FOUND"


def test_function_call_round_trip(client: Any) -> None:
    first = client.interactions.create(model=MODEL, input="What is the weather in Paris?",
                                       tools=[WEATHER])
    assert first.status == "requires_action"
    calls = [s for s in first.steps if s.type == "function_call"]
    assert [(c.name, c.arguments) for c in calls] == [("get_weather", {"city": "Paris"})]
    second = client.interactions.create(
        model=MODEL, previous_interaction_id=first.id, tools=[WEATHER],
        input=[{"type": "function_result", "call_id": calls[0].id, "name": "get_weather",
                "result": {"temp_c": 21}}])
    assert second.status == "completed"
    assert second.output_text == \
        'turn 1: get_weather returned {"temp_c": 21} [tools get_weather]'


def test_no_function_call_when_not_mentioned(client: Any) -> None:
    result = client.interactions.create(model=MODEL, input="Tell me a joke", tools=[WEATHER])
    assert result.status == "completed"
    forced = client.interactions.create(model=MODEL, input="Tell me a joke", tools=[WEATHER],
                                        generation_config={"tool_choice": "any"})
    assert forced.status == "requires_action"


def test_function_result_with_unknown_call_id_is_rejected(client: Any) -> None:
    first = client.interactions.create(model=MODEL, input="weather in Rome", tools=[WEATHER])
    with pytest.raises(Exception) as info:
        client.interactions.create(
            model=MODEL, previous_interaction_id=first.id, tools=[WEATHER],
            input=[{"type": "function_result", "call_id": "call-bogus", "name": "get_weather",
                    "result": "sunny"}])
    assert info.value.status_code == 400


def test_store_false_is_not_kept(client: Any) -> None:
    result = client.interactions.create(model=MODEL, input="ephemeral", store=False)
    assert result.output_text == "turn 1: echo ephemeral"
    with pytest.raises(Exception) as info:
        client.interactions.get(result.id)
    assert info.value.status_code == 404


def test_background_then_get(client: Any) -> None:
    started = client.interactions.create(model=MODEL, input="slow job", background=True)
    assert started.status == "in_progress"
    assert not started.output_text
    done = client.interactions.get(started.id)
    assert done.status == "completed"
    assert done.output_text == "turn 1: echo slow job"


def test_cancel_and_delete(client: Any) -> None:
    started = client.interactions.create(model=MODEL, input="cancel me", background=True)
    assert client.interactions.cancel(started.id).status == "cancelled"
    client.interactions.delete(started.id)
    with pytest.raises(Exception) as info:
        client.interactions.get(started.id)
    assert info.value.status_code == 404


def test_async(client: Any) -> None:
    async def main() -> tuple[str, str]:
        result = await client.aio.interactions.create(model=MODEL, input="async hello")
        pieces = []
        async for event in await client.aio.interactions.create(model=MODEL, input="async s",
                                                                stream=True):
            if event.event_type == "step.delta" and event.delta.type == "text":
                pieces.append(event.delta.text)
        return result.output_text, "".join(pieces)

    text, streamed = asyncio.run(main())
    assert text == "turn 1: echo async hello"
    assert streamed == "turn 1: echo async s"


def test_refused_model(client: Any) -> None:
    with pytest.raises(Exception) as info:
        client.interactions.create(model="gemini-1.5-flash", input="x")
    assert info.value.status_code == 400
    assert info.value.body["error"]["status"] == "INVALID_ARGUMENT"
    assert "gemini-1.5-flash" in info.value.body["error"]["message"]


def test_unknown_generation_config_key(client: Any) -> None:
    with pytest.raises(Exception) as info:
        client.interactions.create(model=MODEL, input="x",
                                   extra_body={"generation_config": {"top_k": 3}})
    assert info.value.status_code == 400
    assert "top_k" in info.value.body["error"]["message"]


# --- rejections the SDK would not even send: raw HTTP ------------------------------------------

@pytest.mark.parametrize("body, needle", [
    ({"model": MODEL, "input": [{"role": "user", "content": "Hi"}]}, "role"),
    ({"model": MODEL, "input": [{"type": "image", "mime_type": "image/png",
                                 "data": "\x89PNG raw bytes"}]}, "Base64"),
    ({"model": MODEL, "input": [{"type": "image", "mime_type": "image/png",
                                 "data": [137, 80, 78, 71]}]}, "base64"),
    ({"model": MODEL, "input": "x", "generation_config": {"candidate_count": 2}},
     "candidate_count"),
    ({"model": MODEL, "input": "x", "tools": ["<function get_weather at 0x7f>"]}, "callable"),
    ({"model": MODEL, "input": "x", "tools": [{"function_declarations": []}]}, "tool"),
    ({"model": MODEL, "input": "x", "system_instruction": {"parts": [{"text": "x"}]}},
     "system_instruction"),
    ({"model": MODEL, "input": "x", "stream": "yes"}, "stream"),
    ({"model": MODEL, "input": "x", "surprise": 1}, "surprise"),
    ({"input": "x"}, "model"),
    ({"model": "models/gemini-2.0-flash", "input": "x"}, "Interactions API"),
])
def test_rejections_have_the_real_error_shape(emulator: Emulator, body: dict[str, Any],
                                               needle: str) -> None:
    status, _, data = call(emulator, "POST", "/v1beta/interactions", body)
    message = assert_error_shape(status, data, 400, "INVALID_ARGUMENT")
    assert needle.lower() in message.lower()


def test_malformed_json_body(emulator: Emulator) -> None:
    status, _, data = call(emulator, "POST", "/v1/interactions", raw=b"{not json")
    assert_error_shape(status, data, 400, "INVALID_ARGUMENT")


def test_malformed_stream_replay(emulator: Emulator) -> None:
    _, _, data = call(emulator, "POST", "/v1/interactions", {"model": MODEL, "input": "x"})
    iid = json.loads(data)["id"]
    status, _, data = call(emulator, "GET", f"/v1/interactions/{iid}?stream=maybe")
    assert_error_shape(status, data, 400, "INVALID_ARGUMENT")
    status, _, data = call(emulator, "GET",
                           f"/v1/interactions/{iid}?stream=true&last_event_id=evt-99")
    assert_error_shape(status, data, 400, "INVALID_ARGUMENT")


def test_missing_api_key_is_401(emulator: Emulator) -> None:
    status, _, data = call(emulator, "POST", "/v1/interactions",
                           {"model": MODEL, "input": "x"}, key=None)
    assert_error_shape(status, data, 401, "UNAUTHENTICATED")


def test_inline_base64_image_is_accepted(client: Any) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    result = client.interactions.create(model=MODEL, input=[
        {"type": "user_input", "content": [
            {"type": "text", "text": "Describe"},
            {"type": "image", "data": png, "mime_type": "image/png"}]}])
    assert result.output_text.startswith("turn 1: echo Describe <image/png ")


def test_outputs_dialect_for_1x(emulator: Emulator) -> None:
    status, _, data = call(emulator, "POST", "/v1beta/interactions",
                           {"model": MODEL, "input": "old sdk"}, client=SDK1)
    body = json.loads(data)
    assert status == 200 and "steps" not in body
    assert body["outputs"] == [{"type": "text", "text": "turn 1: echo old sdk"}]
    _, _, data = call(emulator, "POST", "/v1beta/interactions",
                      {"model": MODEL, "input": "old sdk", "stream": True}, client=SDK1)
    kinds = [e["event_type"] for e in sse_events(data)]
    assert kinds[0] == "interaction.start" and kinds[-1] == "interaction.complete"
    assert "content.delta" in kinds and "step.delta" not in kinds
    _, _, data = call(emulator, "POST", "/v1beta/interactions",
                      {"model": MODEL, "input": "weather in Oslo", "tools": [WEATHER]},
                      client=SDK1)
    body = json.loads(data)
    assert body["status"] == "requires_action"
    assert body["outputs"][0]["type"] == "function_call"
    assert body["outputs"][0]["arguments"] == {"city": "Oslo"}


# --- client.models / files (no Interactions equivalent) -----------------------------------------

def test_models_surface(client: Any) -> None:
    response = client.models.generate_content(
        model="gemini-2.5-flash", contents="Hello there",
        config=types.GenerateContentConfig(system_instruction="Be terse.", temperature=0.2))
    interaction = client.interactions.create(model=MODEL, input="Hello there",
                                             system_instruction="Be terse.",
                                             generation_config={"temperature": 0.2})
    assert response.text == interaction.output_text
    streamed = "".join(c.text for c in client.models.generate_content_stream(
        model="gemini-2.5-flash", contents="Hello there"))
    assert streamed == "turn 1: echo Hello there"
    assert client.models.count_tokens(model="gemini-2.5-flash",
                                      contents="three little words").total_tokens == 3
    embedded = client.models.embed_content(model="gemini-embedding-001", contents=["a", "b"])
    assert len(embedded.embeddings) == 2 and len(embedded.embeddings[0].values) == 768
    assert embedded.embeddings[0].values != embedded.embeddings[1].values
    names = [m.name for m in client.models.list()]
    assert "models/gemini-2.5-flash" in names
    assert client.models.get(model="gemini-2.5-pro").name == "models/gemini-2.5-pro"


def test_files(client: Any, tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello files")
    uploaded = client.files.upload(file=str(path), config={"mime_type": "text/plain"})
    assert uploaded.name.startswith("files/")
    assert uploaded.uri.endswith(uploaded.name)
    assert client.files.get(name=uploaded.name).size_bytes == len("hello files")
    assert uploaded.name in [f.name for f in client.files.list()]
    client.files.delete(name=uploaded.name)
    with pytest.raises(genai.errors.ClientError) as info:
        client.files.get(name=uploaded.name)
    assert info.value.code == 403


def test_request_log_is_normalised(emulator: Emulator, client: Any) -> None:
    client.interactions.create(model="gemini-2.5-flash", input="log me",
                               system_instruction="S", generation_config={"top_p": 0.5})
    entry = emulator.requests()[-1]
    assert entry["kind"] == "generate" and entry["api"] == "interactions"
    assert entry["model"] == "gemini-2.5-flash"
    assert entry["conversation"] == [{"role": "user", "parts": [{"text": "log me"}]}]
    assert entry["system_instruction"] == "S"
    assert entry["config"] == {"top_p": 0.5}
    assert entry["stream"] is False


def test_explicit_cache(client: Any) -> None:
    cache = client.caches.create(model="gemini-2.5-flash", config=types.CreateCachedContentConfig(
        system_instruction="Use the notes.", contents=["Notes: the code is 42."]))
    assert cache.name.startswith("cachedContents/")
    assert client.caches.get(name=cache.name).name == cache.name
    assert cache.name in [c.name for c in client.caches.list()]
    with_cache = client.interactions.create(model=MODEL, input="What is the code?",
                                            cached_content=cache.name)
    spelled_out = client.interactions.create(
        model=MODEL, system_instruction="Use the notes.", input=[
            {"type": "user_input", "content": [{"type": "text", "text": "Notes: the code is 42."},
                                               {"type": "text", "text": "What is the code?"}]}])
    assert with_cache.output_text == spelled_out.output_text
    client.caches.delete(name=cache.name)
    with pytest.raises(Exception) as info:
        client.interactions.create(model=MODEL, input="x", cached_content=cache.name)
    assert info.value.status_code == 403
