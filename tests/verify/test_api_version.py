"""The v1beta-only `-latest` aliases (GM304), with the real google-genai against the emulator:
google-genai 3.x sends calls to /v1, where the alias is not found; the lint's fix (the same call
with api_version="v1beta") reaches the model the author chose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from migrator.verify.emulator import Emulator
from tests.verify.conftest import call

genai = pytest.importorskip("google.genai")
from google.genai import errors, types  # noqa: E402


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[Any]:
    yield genai.Client(api_key="fake", http_options=types.HttpOptions(base_url=emulator.url))


def test_alias_on_v1_is_not_found(client: Any) -> None:
    # google-genai's Interactions errors are private classes: the status is what is public.
    with pytest.raises(Exception, match="404") as caught:
        client.interactions.create(model="gemini-flash-latest", input="Hi")
    assert "not found for API version v1" in str(caught.value)
    with pytest.raises(errors.ClientError):
        client.models.generate_content(model="gemini-pro-latest", contents="Hi")


def test_alias_sent_to_v1beta_answers(client: Any, emulator: Emulator) -> None:
    interaction = client.interactions.create(model="gemini-flash-latest", input="Hi",
                                             api_version="v1beta")
    assert interaction.output_text
    assert emulator.log[-1]["path"].startswith("/v1beta/interactions")


def test_generate_content_route_agrees(emulator: Emulator) -> None:
    body = {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}
    assert call(emulator, "POST", "/v1/models/gemini-pro-latest:generateContent", body)[0] == 404
    assert call(emulator, "POST", "/v1beta/models/gemini-pro-latest:generateContent",
                body)[0] == 200
    assert call(emulator, "POST", "/v1/models/gemini-2.5-pro:generateContent", body)[0] == 200
