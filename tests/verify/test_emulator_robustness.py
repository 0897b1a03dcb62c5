"""Malformed requests get a 4xx with the service's error shape, never an emulator crash."""

from __future__ import annotations

import json
from typing import Any

from migrator.verify.emulator import Emulator
from tests.verify.conftest import call

ODD_VALUES: list[Any] = [None, 1, 1.5, True, "x", [], {}, [1], ["x"], [{}], {"a": 1},
                         [{"text": 1}], [{"parts": "x"}],
                         [{"role": "user", "parts": [{"inlineData": {"data": 5}}]}]]
LEGACY_KEYS = ["contents", "systemInstruction", "generationConfig", "tools", "toolConfig",
               "safetySettings", "content", "requests", "outputDimensionality",
               "cachedContent"]
INTERACTION_KEYS = ["input", "system_instruction", "generation_config", "tools",
                    "response_format", "safety_settings", "previous_interaction_id", "store",
                    "background", "model", "agent", "response_mime_type", "stream",
                    "cached_content"]


def _check(status: int, data: bytes, what: str) -> None:
    assert status < 500, (what, data[:300])
    if status >= 400:
        error = json.loads(data)["error"]
        assert set(error) == {"code", "message", "status"}, what


def test_odd_field_values_never_crash(emulator: Emulator) -> None:
    for key in LEGACY_KEYS:
        for value in ODD_VALUES:
            body = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                    "content": {"parts": [{"text": "hi"}]}, key: value}
            for method in ("generateContent", "streamGenerateContent", "countTokens",
                           "embedContent", "batchEmbedContents"):
                status, _, data = call(emulator, "POST",
                                       f"/v1beta/models/gemini-2.5-flash:{method}", body)
                _check(status, data, f"{method} {key}={value!r}")
    for key in INTERACTION_KEYS:
        for value in ODD_VALUES:
            body = {"model": "gemini-2.5-flash", "input": "hi", key: value}
            status, _, data = call(emulator, "POST", "/v1/interactions", body)
            _check(status, data, f"interactions {key}={value!r}")
    for value in ODD_VALUES:
        for step in ({"type": "user_input", "content": value},
                     {"type": "function_result", "call_id": value, "result": value},
                     {"type": "function_call", "id": value, "name": value, "arguments": value},
                     {"type": "image", "data": value, "mime_type": value}):
            status, _, data = call(emulator, "POST", "/v1/interactions",
                                   {"model": "gemini-2.5-flash", "input": [step]})
            _check(status, data, f"step {step!r}")
        status, _, data = call(emulator, "POST", "/v1/interactions", {
            "model": "gemini-2.5-flash", "input": "x",
            "tools": [{"type": "function", "name": "f", "parameters": value}]})
        _check(status, data, f"parameters={value!r}")
        status, _, data = call(emulator, "POST", "/v1beta/cachedContents",
                               {"model": "gemini-2.5-flash", "contents": value,
                                "systemInstruction": value, "tools": value})
        _check(status, data, f"cachedContents={value!r}")


def test_odd_bodies_and_paths(emulator: Emulator) -> None:
    for raw in (b"[1, 2]", b'"text"', b"null", b"\xff\xfe", b"{"):
        for path in ("/v1/interactions", "/v1beta/models/gemini-2.5-flash:generateContent"):
            status, _, data = call(emulator, "POST", path, raw=raw)
            assert status == 400, (path, raw)
            _check(status, data, f"{path} {raw!r}")
    for method, path in (("GET", "/v1/nothing"), ("PUT", "/v1/interactions"),
                         ("POST", "/v1/interactions/int-1/explode"),
                         ("GET", "/v1beta/files/missing"), ("DELETE", "/v1beta/models/x")):
        status, _, data = call(emulator, method, path)
        assert 400 <= status < 500, (method, path)
        _check(status, data, f"{method} {path}")
