"""The line map `--check` / `--diff` use to point findings at the file as it is on disk."""

from __future__ import annotations

import difflib
from itertools import pairwise

import pytest

from migrator.codemods import linemap, remap_lines
from migrator.codemods.linemap import back_map, matching_lines
from migrator.findings import finding


def _lines(n: int, prefix: str = "x") -> list[str]:
    return [f"{prefix}{i} = {i}" for i in range(n)]


def test_inserted_lines_map_to_the_line_above() -> None:
    before = _lines(5)
    after = [*before[:2], "# TODO(gemini-migrate): GM011 ...", *before[2:]]
    back = back_map(before, after)
    assert [back[j] for j in range(1, 7)] == [1, 2, 2, 3, 4, 5]


def test_insertion_at_the_top_maps_to_line_one() -> None:
    before = _lines(3)
    back = back_map(before, ["import os", *before])
    assert back == {1: 1, 2: 1, 3: 2, 4: 3}


def test_deleted_lines_shift_what_follows_back() -> None:
    before = _lines(6)
    after = [before[0], *before[3:]]
    assert back_map(before, after) == {1: 1, 2: 4, 3: 5, 4: 6}


def test_replaced_block_maps_to_its_first_original_line() -> None:
    before = _lines(6)
    after = [*before[:2], "a = 1", "b = 2", "c = 3", *before[4:]]
    back = back_map(before, after)
    assert [back[j] for j in range(1, 8)] == [1, 2, 3, 3, 3, 5, 6]


def test_moved_and_duplicated_lines_keep_pairs_in_order() -> None:
    before = ["a", "b", "c", "d", "b", "e"] * 3
    after = ["d", "a", "b", "c", "b", "b", "e"] * 3
    pairs = matching_lines(before, after)
    assert all(before[i] == after[j] for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in pairwise(pairs))


def test_small_texts_map_exactly_as_sequence_matcher_did() -> None:
    import random

    rnd = random.Random(7)
    for _ in range(300):
        before = [f"l{rnd.randrange(12)}" for _ in range(rnd.randrange(30))]
        after = list(before)
        for _ in range(rnd.randrange(5)):
            at = rnd.randrange(len(after) + 1)
            if rnd.random() < 0.5 or not after:
                after.insert(at, "# TODO")
            else:
                after[min(at, len(after) - 1)] = f"new{rnd.random()}"
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        expected: dict[int, int] = {}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            for k in range(j2 - j1):
                expected[j1 + k + 1] = (i1 + k + 1) if tag == "equal" else min(i1 + 1, i2 or 1)
        assert back_map(before, after) == expected


def test_a_20000_line_file_never_reaches_the_quadratic_matcher(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SequenceMatcher call stays within the small-gap bound, so the work is linear in
    the number of gaps, not quadratic in the file."""
    sizes: list[int] = []
    real = difflib.SequenceMatcher

    def counting(isjunk: object, a: list[str], b: list[str], autojunk: bool = True
                 ) -> difflib.SequenceMatcher[str]:
        sizes.append(len(a) * len(b))
        return real(None, a, b, autojunk=autojunk)

    monkeypatch.setattr(difflib, "SequenceMatcher", counting)
    # Many repeated lines (closing brackets) as real code has, and an edit every 50 lines.
    before = [f"y{i} = f({i})" if i % 7 else "    )" for i in range(20_000)]
    after = list(before)
    for k in range(0, 20_000, 50):
        after[k] = f"# TODO(gemini-migrate) {k}"
    after.insert(10_000, "inserted = True")
    back = back_map(before, after)
    assert max(sizes, default=0) <= linemap._SMALL_GAP
    assert len(back) == len(after)
    assert back[10_002] == 10_001  # the line after the insertion is back on its own line
    assert back[len(after)] == len(before)


def test_remap_lines_moves_only_unfixed_findings() -> None:
    before = "a = 1\nb = 2\n"
    after = "# TODO\na = 1\nb = 2\n"
    open_one = finding("f.py", (3, 1), "GM011", "left")
    fixed_one = finding("f.py", (3, 1), "GM001", "done", fixed=True)
    moved = remap_lines([open_one, fixed_one], before, after)
    assert [f.line for f in moved] == [2, 3]
