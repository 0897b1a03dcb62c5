"""Differential proof: a correct migration behaves like its original against the emulator,
and a wrong one is caught. Pairs live in tests/verify/pairs/ (ours) and in the rewrite
fixtures (tests/fixtures/*/<case>.before.py + .after.py whose first line is the marker)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from migrator.verify.runner import Result, run_differential

PAIRS = Path(__file__).resolve().parent / "pairs"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MARKER = "# gemini-migrate: runnable"
TIMEOUT = 60.0

CORRECT = ["text", "chat", "stream", "config", "cache", "count_tokens", "function_call",
           "schema", "media", "files"]
# wrong migration -> (original, the field of the first difference)
WRONG = {
    "chat_forgets_chain": ("chat", "conversation[0].parts[0].text"),
    "config_drops_system": ("config", "system_instruction"),
    "function_call_drops_tools": ("function_call", "tools (length 1 vs 0)"),
    # A response schema that means something else is a different request.
    "schema_drops_property": ("schema", "config.response_schema.items.properties.title"),
    "schema_wrong_type": ("schema", "config.response_schema.properties.born.type"),
    "schema_loses_enum_value": (
        "schema", "config.response_schema.items.properties.genre.enum (length 3 vs 2)"),
    "schema_loses_required": ("schema", "config.response_schema.required (length 2 vs 1)"),
    "schema_loses_nullable": (
        "schema", "config.response_schema.items.properties.year.nullable"),
    "function_call_wrong_schema": ("function_call", "tools[0].parameters.properties.city.type"),
    "function_call_wrong_result": ("function_call",
                                   "conversation[2].parts[0].function_result.result"),
    "function_call_drops_result": ("function_call",
                                   "conversation[2].parts[0].function_result"),
    "media_wrong_mime": ("media", "conversation[0].parts[1].inline.mime_type"),
    "media_lossy": ("media", "conversation[0].parts[1].inline.sha256"),
    "files_no_display_name": ("files", "display_name"),
}
# wrong migration -> (original, what the emulator's rejection says)
REJECTED = {
    "files_wrong_kind": ("files", "'application/pdf' does not go in a 'image' block"),
}


def _fixture_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for before in sorted(FIXTURES.glob("*/*.before.py")):
        after = before.with_name(before.name.replace(".before.py", ".after.py"))
        with before.open(encoding="utf-8") as fh:
            first_line = fh.readline().rstrip("\r\n")
        if first_line == MARKER and after.exists():
            pairs.append((before, after))
    return pairs


FIXTURE_PAIRS = _fixture_pairs()


def _job(key: str) -> tuple[str, Result]:
    kind, name = key.split(":", 1)
    if kind == "pair":
        before, after = PAIRS / f"{name}.before.py", PAIRS / f"{name}.after.py"
    elif kind == "wrong":
        original = (WRONG.get(name) or REJECTED[name])[0]
        before, after = PAIRS / f"{original}.before.py", PAIRS / f"{name}.wrong.py"
    else:
        before = FIXTURES / name
        after = before.with_name(before.name.replace(".before.py", ".after.py"))
    result = run_differential(str(after), before.read_text(encoding="utf-8"),
                              after.read_text(encoding="utf-8"), timeout=TIMEOUT,
                              filename=after.name, original_name=str(before))
    return key, result


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    """Every differential run of this module at once: snippets are subprocesses, so running
    them side by side is what keeps this module fast."""
    keys = [f"pair:{n}" for n in CORRECT] + [f"wrong:{n}" for n in [*WRONG, *REJECTED]] + [
        f"fixture:{b.relative_to(FIXTURES).as_posix()}" for b, _ in FIXTURE_PAIRS]
    with ThreadPoolExecutor(max_workers=4) as pool:  # children mostly wait on I/O
        return dict(pool.map(_job, keys))


@pytest.mark.parametrize("name", CORRECT)
def test_correct_migration_is_equal(results: dict[str, Result], name: str) -> None:
    result = results[f"pair:{name}"]
    assert result.status == "equal", result.detail
    assert result.requests >= 1


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_migration_is_caught(results: dict[str, Result], name: str) -> None:
    result = results[f"wrong:{name}"]
    assert result.status == "differs", result.detail
    assert result.difference is not None
    assert result.difference["what"] == "request"
    assert result.difference["field"] == WRONG[name][1]
    assert result.difference["original"] is not None
    assert result.difference["migrated"] is not None


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_wrong_content_block_is_rejected(results: dict[str, Result], name: str) -> None:
    """A block whose type does not follow its MIME type (an image block holding a PDF) is
    refused by the emulator, so the migrated snippet fails where the original ran."""
    result = results[f"wrong:{name}"]
    assert result.status == "failed", result.detail
    assert REJECTED[name][1] in result.detail


@pytest.mark.parametrize(
    "before", [b for b, _ in FIXTURE_PAIRS],
    ids=[b.relative_to(FIXTURES).as_posix() for b, _ in FIXTURE_PAIRS])
def test_runnable_fixture_migrates_equivalently(results: dict[str, Result],
                                                before: Path) -> None:
    result = results[f"fixture:{before.relative_to(FIXTURES).as_posix()}"]
    assert result.status == "equal", f"{result.status}: {result.detail}"
