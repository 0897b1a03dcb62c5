"""The model table (rules/models.toml) and the package rules (rules/packages.toml) as data."""

from __future__ import annotations

import re

import pytest

from migrator.knowledge import model_table, packages

TABLE = model_table()


def test_every_entry_has_a_source_and_a_known_status() -> None:
    entries = [*TABLE.exact.values(), *(info for _, info in TABLE.families)]
    assert len(entries) > 50
    for info in entries:
        assert info.source, info.id
        assert info.status in {"current", "preview", "deprecated", "retired", "legacy"}, info.id
        assert not info.date or re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.date), info.id


def test_successors_are_themselves_current() -> None:
    """A fix must never write an id that would be reported again (or is unknown)."""
    for info in [*TABLE.exact.values(), *(i for _, i in TABLE.families)]:
        if not info.successor:
            continue
        target = TABLE.lookup(info.successor)
        assert target is not None, f"{info.id} -> unknown {info.successor}"
        assert not target.outdated, f"{info.id} -> outdated {info.successor}"


@pytest.mark.parametrize(("model_id", "status", "successor"), [
    ("gemini-1.5-flash", "retired", "gemini-3-flash-preview"),
    ("models/gemini-1.5-pro-002", "retired", "gemini-3.1-pro-preview"),
    ("gemini-1.5-flash-8b-latest", "retired", "gemini-3.1-flash-lite-preview"),
    ("gemini-2.0-flash-001", "deprecated", "gemini-3-flash-preview"),
    ("gemini-2.0-flash-thinking-exp-01-21", "deprecated", "gemini-3-flash-preview"),
    ("gemini-2.0-flash-lite", "deprecated", "gemini-3.1-flash-lite-preview"),
    ("gemini-pro", "retired", "gemini-3.1-pro-preview"),
    ("gemini-pro-vision", "retired", "gemini-3-flash-preview"),
    ("gemini-1.0-pro-vision-latest", "retired", "gemini-3-flash-preview"),
    ("gemini-exp-1206", "retired", "gemini-3.1-pro-preview"),
    ("text-bison-001", "retired", "gemini-3-flash-preview"),
    ("chat-bison@002", "retired", "gemini-3-flash-preview"),
    ("embedding-001", "retired", "gemini-embedding-001"),
    ("text-embedding-004", "deprecated", "gemini-embedding-001"),
    ("gemini-2.5-flash-preview-05-20", "deprecated", "gemini-2.5-flash"),
    ("gemini-2.5-flash", "current", ""),
    ("gemini-pro-latest", "current", ""),
    ("gemini-3-flash-preview", "preview", ""),
])
def test_recognise(model_id: str, status: str, successor: str) -> None:
    info = TABLE.recognise(model_id)
    assert info is not None
    assert (info.status, info.successor) == (status, successor)


@pytest.mark.parametrize("text", [
    "gemini-pro-tips", "gemini-1.5-pro-tips", "gemini-2.0-flash-is-great", "gemini-cli",
    "gemini-1.5", "gemini", "text-bisonic", "aqa-team",
])
def test_look_alikes_are_not_models(text: str) -> None:
    assert TABLE.outdated(text) is None


def test_token_pattern_word_boundaries() -> None:
    text = 'x = "gemini-1.5-flash"; my-gemini-pro; path/gemini-pro; models/gemini-pro.'
    found = [m.group() for m in TABLE.token_pattern.finditer(text)]
    assert found == ["gemini-1.5-flash", "models/gemini-pro"]


def test_user_overrides_extend_and_replace() -> None:
    table = model_table({
        "gemini-2.5-flash": {"status": "deprecated", "successor": "gemini-3-flash-preview"},
        "acme-llm-*": {"status": "retired", "successor": "gemini-2.5-pro"},
    })
    info = table.outdated("gemini-2.5-flash")
    assert info is not None and info.source == "user configuration"
    assert table.outdated("acme-llm-7b") is not None
    assert [m.group() for m in table.token_pattern.finditer('"acme-llm-7b"')] == ["acme-llm-7b"]
    assert model_table().outdated("gemini-2.5-flash") is None  # the shipped table is untouched


def test_packages_floor_is_consistent() -> None:
    data = packages()
    floor = data["python"]["genai_floor"]
    assert data["python"]["genai_requirement"] == f"google-genai>={floor}"
    by_name = {p["name"]: p for p in data["python"]["package"]}
    assert by_name["google-generativeai"]["replacement"] == f"google-genai>={floor}"
    assert by_name["google-genai"]["minimum"] == floor
