"""The model table (rules/models.toml) and the package rules (rules/packages.toml) as data."""

from __future__ import annotations

import re

import pytest

from migrator.knowledge import TIER_SUCCESSOR, model_table, packages

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
    successors = [info.successor for info in [*TABLE.exact.values(),
                                              *(i for _, i in TABLE.families)]
                  if info.successor and info.successor != TIER_SUCCESSOR]
    for successor in [*successors, TABLE.default_successor, *(s for _, s in TABLE.tiers)]:
        target = TABLE.lookup(successor)
        assert target is not None, f"unknown successor {successor}"
        assert not target.outdated, f"outdated successor {successor}"
    for info in [*TABLE.exact.values(), *(i for _, i in TABLE.families)]:
        if not info.successor or info.successor == TIER_SUCCESSOR:
            continue
        target = TABLE.lookup(info.successor)
        assert target is not None, f"{info.id} -> unknown {info.successor}"
        assert not target.outdated, f"{info.id} -> outdated {info.successor}"


@pytest.mark.parametrize(("model_id", "status", "successor"), [
    ("gemini-1.5-flash", "retired", "gemini-3-flash-preview"),
    ("models/gemini-1.5-pro-002", "retired", "gemini-3.1-pro-preview"),
    ("gemini-1.5-flash-8b-latest", "retired", "gemini-3.1-flash-lite-preview"),
    ("gemini-2.0-flash-001", "deprecated", "gemini-3-flash-preview"),
    ("gemini-2.0-flash-thinking-exp-01-21", "retired", "gemini-3-flash-preview"),
    ("gemini-2.0-flash-exp", "retired", "gemini-3-flash-preview"),
    ("gemini-2.5-pro-exp-03-25", "retired", "gemini-2.5-pro"),
    ("learnlm-2.0-flash-experimental", "retired", "gemini-3-flash-preview"),
    ("learnlm-1.5-pro-experimental", "retired", "gemini-3.1-pro-preview"),
    ("gemini-embedding-exp-03-07", "retired", "gemini-embedding-001"),
    ("gemini-2.0-flash-preview-image-generation", "deprecated", "gemini-2.5-flash-image"),
    ("gemini-2.5-flash-image-preview", "deprecated", "gemini-2.5-flash-image"),
    ("gemini-2.0-flash-live-001", "deprecated", ""),
    ("gemini-2.5-flash-preview-native-audio-dialog", "current", ""),
    ("gemini-1.5-pro-latest", "retired", "gemini-3.1-pro-preview"),
    ("gemini-2.0-flash-lite", "deprecated", "gemini-3.1-flash-lite-preview"),
    ("gemini-pro", "retired", "gemini-3.1-pro-preview"),
    ("gemini-pro-vision", "retired", "gemini-3-flash-preview"),
    ("gemini-1.0-pro-vision-latest", "retired", "gemini-3-flash-preview"),
    ("gemini-exp-1206", "retired", "gemini-3.1-pro-preview"),
    ("text-bison-001", "retired", "gemini-3-flash-preview"),
    ("chat-bison@002", "retired", "gemini-3-flash-preview"),
    ("embedding-001", "retired", "gemini-embedding-001"),
    ("text-embedding-004", "deprecated", "gemini-embedding-001"),
    ("gemini-2.5-flash-preview-09-2025", "deprecated", "gemini-2.5-flash"),
    ("gemini-2.5-flash-preview-05-20", "retired", "gemini-2.5-flash"),
    ("models/gemini-2.5-pro-preview-06-05", "retired", "gemini-2.5-pro"),
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
    below = data["python"]["genai_dependencies"]["below"]
    assert data["python"]["genai_requirement"] == f"google-genai>={floor},<{below}"
    assert data["python"]["genai_poetry"] == f">={floor},<{below}"
    assert data["python"]["genai_dependencies"]["lowest"] == floor
    by_name = {p["name"]: p for p in data["python"]["package"]}
    assert by_name["google-generativeai"]["replacement"] == f"google-genai>={floor},<{below}"
    assert by_name["google-genai"]["minimum"] == floor
    npm = data["npm"]
    assert npm["genai_range"] == f">={npm['genai_floor']} <4"
    assert npm["genai_range_node20"] == f"^{npm['genai_floor']}"


@pytest.mark.parametrize(("model_id", "where", "migrating", "expected"), [
    # retired: the successor, safe wherever it stands in Python; unsafe in config files.
    ("gemini-1.5-flash", "legacy", False, ("gemini-3-flash-preview", "GM301", "safe")),
    ("models/gemini-1.5-flash", "python", False,
     ("models/gemini-3-flash-preview", "GM301", "safe")),
    ("models/gemini-1.5-flash", "interactions", True,
     ("gemini-3-flash-preview", "GM303", "safe")),
    ("gemini-1.5-flash", "config", False, ("gemini-3-flash-preview", "GM301", "unsafe")),
    ("learnlm-2.0-flash-experimental", "interactions", True,
     ("gemini-3-flash-preview", "GM303", "safe")),
    ("gemini-2.5-pro-exp-03-25", "legacy", False, ("gemini-2.5-pro", "GM301", "safe")),
    ("aqa", "legacy", False, ("aqa", "GM301", "none")),
    # deprecated: refused by Interactions (safe there), unsafe elsewhere, left to the legacy
    # migration in legacy calls, and kept by a migration when Interactions still answers it.
    ("gemini-2.0-flash", "interactions", True, ("gemini-3-flash-preview", "GM303", "safe")),
    ("gemini-2.0-flash", "interactions", False, ("gemini-3-flash-preview", "GM302", "safe")),
    ("gemini-2.0-flash", "python", False, ("gemini-3-flash-preview", "GM302", "unsafe")),
    ("gemini-2.0-flash", "legacy", False, ("gemini-3-flash-preview", "GM302", "none")),
    ("gemini-2.5-flash-preview-09-2025", "interactions", True,
     ("gemini-2.5-flash-preview-09-2025", "", "none")),
    # the spring-2025 dated previews answer 404: retired.
    ("gemini-2.5-flash-preview-05-20", "interactions", True,
     ("gemini-2.5-flash", "GM303", "safe")),
    # embedding models: never a safe fix (stored vectors would stop matching); the
    # migration keeps the id.
    ("models/embedding-001", "genai", False,
     ("models/gemini-embedding-001", "GM301", "unsafe")),
    ("embedding-001", "interactions", True, ("embedding-001", "", "none")),
    ("text-embedding-004", "legacy", False, ("gemini-embedding-001", "GM302", "unsafe")),
    ("gemini-embedding-exp-03-07", "python", False, ("gemini-embedding-001", "GM301", "unsafe")),
    # v1beta-only aliases: the same model, sent to v1beta, where google-genai calls /v1.
    ("models/gemini-pro-latest", "interactions", True, ("gemini-pro-latest", "GM304", "safe")),
    ("gemini-flash-latest", "genai", False, ("gemini-flash-latest", "GM304", "none")),
    ("gemini-flash-latest", "legacy", False, ("gemini-flash-latest", "", "none")),
    # current and unknown ids: only the prefix goes, for the Interactions API.
    ("models/gemini-2.5-flash", "interactions", True, ("gemini-2.5-flash", "", "none")),
    ("models/my-tuned-model", "interactions", True, ("my-tuned-model", "", "none")),
    ("models/my-tuned-model", "legacy", False, ("models/my-tuned-model", "", "none")),
])
def test_decide(model_id: str, where: str, migrating: bool,
                expected: tuple[str, str, str]) -> None:
    decision = TABLE.decide(model_id, where, migrating=migrating)
    assert (decision.model, decision.code, decision.fix) == expected
    assert decision.api_version == ("v1beta" if decision.code == "GM304" else "")
    assert bool(decision.message) == bool(decision.code)


def test_interactions_name_is_the_migrations_decision() -> None:
    assert TABLE.interactions_name("models/gemini-1.5-pro-latest") == (
        "gemini-3.1-pro-preview", TABLE.lookup("gemini-1.5-pro"))
    assert TABLE.interactions_name("models/gemini-pro-latest") == ("gemini-pro-latest", None)
    assert TABLE.interactions_name("gemini-2.5-flash") == ("gemini-2.5-flash", None)


def test_most_specific_family_wins_and_tiers_follow_the_id() -> None:
    table = model_table({
        "acme-*": {"status": "retired", "successor": "@tier"},
        "acme-ultra-*": {"status": "retired", "successor": "gemini-2.5-pro"},
        "gemini-1.5-*": {"status": "retired", "successor": "gemini-2.5-flash"},
    })
    assert table.lookup("acme-pro-1").successor == "gemini-3.1-pro-preview"
    assert table.lookup("acme-flash-lite-2").successor == "gemini-3.1-flash-lite-preview"
    assert table.lookup("acme-7b").successor == table.default_successor
    assert table.lookup("acme-ultra-9").successor == "gemini-2.5-pro"
    # The user's family replaces the shipped one of the same pattern; the shipped, more
    # specific "gemini-1.5-pro*" still wins for Pro ids.
    assert table.lookup("gemini-1.5-flash-002").successor == "gemini-2.5-flash"
    assert table.lookup("gemini-1.5-pro-002").successor == "gemini-3.1-pro-preview"


def test_other_apis_models_are_never_moved_to_a_text_model() -> None:
    for model_id in ("gemini-2.5-flash-preview-native-audio-dialog",
                     "gemini-2.5-flash-exp-native-audio-thinking-dialog",
                     "gemini-2.0-flash-live-001", "gemini-2.5-flash-preview-tts"):
        decision = TABLE.decide(model_id, "interactions", migrating=True)
        assert not decision.changed, model_id


def test_embedding_findings_say_to_re_embed() -> None:
    for model_id in ("embedding-001", "models/text-embedding-004", "gemini-embedding-exp-03-07",
                     "textembedding-gecko@003"):
        decision = TABLE.decide(model_id, "python")
        assert decision.info is not None and decision.info.kind == "embedding", model_id
        assert "re-embed stored data" in decision.message
        assert decision.message.count("re-embed") == 1
