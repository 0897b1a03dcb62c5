"""Which line of one text each line of another text came from, in near-linear time.

`difflib.SequenceMatcher` over a whole file grows with roughly the cube of its length (0.5 s at
1,000 lines, minutes at 10,000), and `--check` maps every unfixed finding back through it. This
is a patience-style match instead: lines that occur exactly once in both texts anchor the
match, the longest increasing run of anchors (O(n log n)) keeps them in order, and each gap
between anchors is matched the same way, after trimming its common head and tail. A
range (a gap, or a whole small file) of at most `_SMALL_GAP` line pairs is handed to
SequenceMatcher, so small files map exactly as before and its cost stays bounded; a larger gap
with no unique line left stays unmatched (its lines map to the gap's first original line).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

# Line pairs (len(a) * len(b)) up to which a gap with no unique anchor is matched exactly.
_SMALL_GAP = 40_000


def matching_lines(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal lines a[i] == b[j], increasing in both i and j."""
    pairs: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        if (ahi - alo) * (bhi - blo) <= _SMALL_GAP:
            # Small enough to match exactly, as SequenceMatcher would over the whole text.
            pairs.extend(_small(a, b, alo, ahi, blo, bhi))
            continue
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        anchors = _anchors(a, b, alo, ahi, blo, bhi)
        if not anchors:
            continue
        prev_i, prev_j = alo, blo
        for i, j in anchors:
            pairs.append((i, j))
            stack.append((prev_i, i, prev_j, j))
            prev_i, prev_j = i + 1, j + 1
        stack.append((prev_i, ahi, prev_j, bhi))
    pairs.sort()
    return pairs


def _anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int
             ) -> list[tuple[int, int]]:
    """Lines unique in both a[alo:ahi] and b[blo:bhi], the longest run in the same order."""
    in_a = Counter(a[alo:ahi])
    in_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if in_b[b[j]] == 1}
    candidates = [(i, where_b[a[i]]) for i in range(alo, ahi)
                  if in_a[a[i]] == 1 and a[i] in where_b]
    if not candidates:
        return []
    # Longest increasing subsequence of j (candidates are already in i order).
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_at: list[int] = []  # index into candidates of that j
    back: list[int] = []
    for index, (_, j) in enumerate(candidates):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k] = j
            tail_at[k] = index
        back.append(tail_at[k - 1] if k else -1)
    run = []
    index = tail_at[-1]
    while index >= 0:
        run.append(candidates[index])
        index = back[index]
    run.reverse()
    return run


def _small(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int
           ) -> list[tuple[int, int]]:
    import difflib

    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    return [(alo + block.a + k, blo + block.b + k)
            for block in matcher.get_matching_blocks() for k in range(block.size)]


def back_map(before: list[str], after: list[str]) -> dict[int, int]:
    """1-based line of `after` -> the line of `before` it came from. A line in a replaced
    block maps to the block's first original line; an inserted line to the line above it
    (line 1 at the top of the file)."""
    back: dict[int, int] = {}
    prev_i = prev_j = -1
    for i, j in [*matching_lines(before, after), (len(before), len(after))]:
        if j > prev_j + 1:
            gap_start, gap_end = prev_i + 1, i  # the original lines between the two matches
            target = gap_start + 1 if gap_end > gap_start else max(gap_start, 1)
            for k in range(prev_j + 1, j):
                back[k + 1] = target
        if i < len(before):
            back[j + 1] = i + 1
        prev_i, prev_j = i, j
    return back
