"""Evidence a paragraph gives for a query, and the order of hits.

Whoosh's BM25F score says how much of the query's lemmas a paragraph holds.
On top of it, for the best candidates, the stored analysis of each paragraph
is read back to rank by what users expect: a paragraph that has every query
item beats one that has some; one with the query's exact forms beats one
with only other inflections; closer words beat scattered ones.  The same
evidence gives the highlighted spans.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Position
from .query.compile import Item, Slot

#: Score added for query items that stand close together: PROXIMITY / gap.
PROXIMITY = 2.0


@dataclass(frozen=True)
class Evidence:
    matched: int  # items found
    exact: int  # items found in the query's own form
    proximity: float
    spans: tuple[tuple[int, int], ...]  # character spans to highlight
    #: Every occurrence of an item: (start, end, item index, exact form).
    occurrences: tuple[tuple[int, int, int, bool], ...] = ()


def _slot_match(slot: Slot, pos: Position) -> int:
    """2 for the exact form, 1 for another form of a lemma, 0 for none."""
    if slot.prefix:
        hit = any(t.startswith(slot.prefix) for t in pos.forms + pos.lemmas)
        return 2 if hit else 0
    if slot.forms.intersection(pos.forms):
        return 2
    return 1 if slot.lemmas.intersection(pos.lemmas) else 0


def _occurrences(item: Item, positions: list[Position]) -> list[tuple[int, int, bool]]:
    """(first position, last position, exact) of every occurrence of an item."""
    n = len(item.slots)
    found = []
    for i in range(len(positions) - n + 1):
        grades = []
        for k, slot in enumerate(item.slots):
            grade = _slot_match(slot, positions[i + k])
            if not grade:
                break
            grades.append(grade)
        else:
            found.append((i, i + n - 1, all(g == 2 for g in grades)))
    return found


def gather(items: list[Item], positions: list[Position]) -> Evidence:
    spans: list[tuple[int, int]] = []
    firsts: list[tuple[int, int]] = []  # (position, item index) for proximity
    found: list[tuple[int, int, int, bool]] = []
    matched = exact = 0
    for index, item in enumerate(items):
        occ = _occurrences(item, positions)
        if not occ:
            continue
        matched += 1
        exact += any(e for _, _, e in occ)
        for first, last, is_exact in occ:
            spans.extend((positions[j].start, positions[j].end) for j in range(first, last + 1))
            firsts.append((first, index))
            found.append((positions[first].start, positions[last].end, index, is_exact))
    return Evidence(matched, exact, _proximity(firsts, matched), tuple(sorted(set(spans))),
                    tuple(sorted(found)))


def _proximity(occurrences: list[tuple[int, int]], matched: int) -> float:
    """PROXIMITY divided by the smallest window holding one occurrence of
    every matched item (in words, beyond the items themselves)."""
    if matched < 2:
        return 0.0
    occurrences.sort()
    best = None
    counts: dict[int, int] = {}
    left = 0
    for right, (pos, item) in enumerate(occurrences):
        counts[item] = counts.get(item, 0) + 1
        while len(counts) == matched:
            width = pos - occurrences[left][0]
            best = width if best is None else min(best, width)
            lpos, litem = occurrences[left]
            counts[litem] -= 1
            if not counts[litem]:
                del counts[litem]
            left += 1
    gap = max(1, (best or 0) - (matched - 2))
    return PROXIMITY / gap
