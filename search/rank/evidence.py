"""Evidence a paragraph gives for a query: which items it holds, how well,
where.

The BM25F score says how much of the query's lemmas a paragraph holds.  For
the best candidates, the positions of the query's terms are read back to
rank by what users expect (:mod:`search.rank.order`): a paragraph that has
every query item beats one that has some; one with the query's exact forms
beats one with only other inflections; closer words beat scattered ones.
The same evidence gives the highlighted spans and the concordance lines.

:func:`gather` states the rules over one paragraph's full analysis (each
position's forms and lemmas, as :func:`search.analysis.analyze` gives
them).  :func:`gather_segment` applies the same rules to many paragraphs at
once from the postings of the query's terms alone: the index keeps, with
each term at each position, whether a form is the whole word, whether a
lemma is the word's first reading and whether the position is a later
part of a compound, which is all the rules ask of a position.  A test holds
the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from ..analysis import Position
from ..analysis.analyze import LATER_PART, NOT_FIRST, NOT_WHOLE, StoredText
from ..query.tree import Item, Slot
from .evaluate import Query, expand

#: Score added for query items that stand close together: PROXIMITY / gap.
PROXIMITY = 4.0


@dataclass(frozen=True)
class Evidence:
    matched: int  # items found
    exact: int  # items found in the query's own form
    proximity: float
    spans: tuple[tuple[int, int], ...]  # character spans to highlight
    #: Every occurrence of an item: (start, end, item index, exact form).
    occurrences: tuple[tuple[int, int, int, bool], ...] = ()
    primary: int = 0  # items found in their exact form or most likely reading
    #: The occurrences in word positions: (first, last, item index, exact
    #: form); the character offsets above come from them and the text.
    positions: tuple[tuple[int, int, int, bool], ...] = ()


EXACT, PRIMARY, SECONDARY = 3, 2, 1


def _slot_match(slot: Slot, pos: Position, part: bool) -> int:
    """How well a text position matches a query word.

    EXACT: the query's own form.  PRIMARY: another form whose most likely
    reading is the query word's most likely reading.  SECONDARY: a form that
    shares only a rarer reading ("часто" is also a short form of "частый"),
    or a part of a hyphenated compound ("лорд" in "лорд-мэр").  0: none.
    """
    if slot.prefix:
        hit = any(t.startswith(slot.prefix) for t in pos.forms + pos.lemmas)
        return EXACT if hit else 0
    matched_forms = slot.forms.intersection(pos.forms)
    if not matched_forms and not slot.lemmas.intersection(pos.lemmas):
        return 0
    if part:
        return SECONDARY
    # A form as long as the position is the whole word, not its first part.
    if any(len(f) == pos.end - pos.start for f in matched_forms):
        return EXACT
    primary = slot.primary or slot.lemmas
    return PRIMARY if pos.lemmas[0] in primary else SECONDARY


def _occurrences(item: Item, text: StoredText) -> list[tuple[int, int, int]]:
    """(first position, last position, grade) of every occurrence of an item,
    its grade the weakest of its words'."""
    n = len(item.slots)
    found = []
    # In a phrase, compound parts are words of their own ("держави учасниці").
    single = n == 1
    first = item.slots[0]
    starts = text.where({first.prefix}, prefix=True) if first.prefix else text.where(first.forms | first.lemmas)
    for i in starts:
        if i + n > len(text):
            continue
        grades = []
        for k, slot in enumerate(item.slots):
            grade = _slot_match(slot, text.position(i + k), single and text.is_part(i + k))
            if not grade:
                break
            grades.append(grade)
        else:
            found.append((i, i + n - 1, min(grades)))
    return found


def gather(items: list[Item], stored) -> Evidence:
    """The evidence a paragraph gives for the items, from its full analysis
    (as :func:`search.analysis.encode` writes it)."""
    text = StoredText(stored)
    spans: list[tuple[int, int]] = []
    firsts: list[tuple[int, int]] = []  # (position, item index) for proximity
    found: list[tuple[int, int, int, bool]] = []
    where: list[tuple[int, int, int, bool]] = []
    matched = exact = primary = 0
    for index, item in enumerate(items):
        occ = _occurrences(item, text)
        if not occ:
            continue
        best = max(grade for _, _, grade in occ)
        matched += 1
        exact += best == EXACT
        primary += best >= PRIMARY
        for first, last, grade in occ:
            spans.extend((text.position(j).start, text.position(j).end) for j in range(first, last + 1))
            firsts.append((first, index))
            found.append((text.position(first).start, text.position(last).end, index, grade == EXACT))
            where.append((first, last, index, grade == EXACT))
    return Evidence(matched, exact, _proximity(firsts, matched), tuple(sorted(set(spans))),
                    tuple(sorted(found)), primary, tuple(sorted(where)))


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
            litem = occurrences[left][1]
            counts[litem] -= 1
            if not counts[litem]:
                del counts[litem]
            left += 1
    gap = max(1, (best or 0) - (matched - 2))
    return PROXIMITY / gap


# -- from postings ---------------------------------------------------------------

class SegmentEvidence:
    """The evidence of many paragraphs of one segment, computed at once from
    the postings of the query's terms; each paragraph's is built when asked
    for."""

    def __init__(self, items: list[Item], docs: np.ndarray, doc: np.ndarray, first: np.ndarray,
                 item: np.ndarray, grade: np.ndarray) -> None:
        self.items = items
        self.docs = docs
        order = np.lexsort((grade, item, first, doc))
        self._doc, self._first, self._item, self._grade = doc[order], first[order], item[order], grade[order]
        self._bounds = np.searchsorted(self._doc, np.arange(len(docs) + 1))
        best = np.zeros((len(docs), max(1, len(items))), dtype=np.int64)
        np.maximum.at(best, (doc, item), grade)
        self.matched = (best > 0).sum(axis=1)
        self.exact = (best == EXACT).sum(axis=1)
        self.primary = (best >= PRIMARY).sum(axis=1)
        self._pairs = self._two_items()

    def _two_items(self) -> np.ndarray:
        """The proximity bonus of the paragraphs that hold two items, at
        once: their nearest two occurrences of different items stand side
        by side in position order, so the smallest window holding both is
        the smallest step between neighbours of different items."""
        near = np.zeros(len(self.docs))
        d, f, it = self._doc, self._first, self._item
        step = (d[1:] == d[:-1]) & (it[1:] != it[:-1]) & (self.matched[d[:-1]] == 2)
        if step.any():
            width = np.full(len(self.docs), np.iinfo(np.int64).max)
            np.minimum.at(width, d[:-1][step], (f[1:] - f[:-1])[step])
            two = self.matched == 2
            near[two] = PROXIMITY / np.maximum(1, width[two])
        return near

    def evidence(self, i: int, proximity: bool = True, where: bool = True) -> Evidence:
        """The evidence of ``docs[i]``, in word positions (see :func:`locate`);
        ranking needs neither the places of its occurrences (``where``) nor,
        for a concordance, their proximity."""
        lo, hi = self._bounds[i], self._bounds[i + 1]
        matched = int(self.matched[i])
        found: tuple = ()
        near = 0.0
        if where or (proximity and matched > 2):
            first, item = self._first[lo:hi].tolist(), self._item[lo:hi].tolist()
            if where:
                sizes = [len(it.slots) - 1 for it in self.items]
                found = tuple(sorted((f, f + sizes[k], k, g == EXACT)
                                     for f, k, g in zip(first, item, self._grade[lo:hi].tolist())))
            if proximity and matched > 2:
                near = _proximity(list(zip(first, item)), matched)
        if proximity and matched == 2:
            near = float(self._pairs[i])
        return Evidence(matched, int(self.exact[i]), near, (), (), int(self.primary[i]), found)


def gather_segment(items: list[Item], query: Query, segment: int, docs: np.ndarray) -> SegmentEvidence:
    """The evidence the paragraphs ``docs`` (sorted) of one segment give for
    the items, from the postings of their terms."""
    parts = [_item_occurrences(item, query, segment, docs) for item in items]
    doc = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    first = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    grade = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    item = np.repeat(np.arange(len(parts)), [len(p[0]) for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    return SegmentEvidence(items, docs, doc, first, item, grade)


def _item_occurrences(item: Item, query: Query, segment: int, docs: np.ndarray):
    """(paragraph index, first position, grade) of every occurrence of an
    item in ``docs``: where each of its words stands where it should, its
    grade the weakest of its words'."""
    found_keys = found_grade = None
    single = len(item.slots) == 1
    for k, slot in enumerate(item.slots):
        keys, grades = _slot_grades(slot, query, segment, docs, single)
        keys = keys - k  # the key of the occurrence's first position
        if found_keys is None:
            keep = (keys & 0xFFFFFFFF) < (1 << 31)  # no occurrence starts before the text
            found_keys, found_grade = keys[keep], grades[keep]
        else:
            common, left, right = np.intersect1d(found_keys, keys, assume_unique=True, return_indices=True)
            found_keys, found_grade = common, np.minimum(found_grade[left], grades[right])
        if not len(found_keys):
            break
    return found_keys >> 32, found_keys & 0xFFFFFFFF, found_grade


def _slot_grades(slot: Slot, query: Query, segment: int, docs: np.ndarray, single: bool):
    """(paragraph index << 32 | position, grade) of every position of
    ``docs`` that matches one query word, as :func:`_slot_match` grades it."""
    keys, grades = [], []

    def add(field: str, text: str, grade_of) -> None:
        hits = query.hits(segment, field, text)
        if not len(hits.ids):
            return
        which, positions, flags = hits.entries_in(docs)
        if len(which):
            grade = grade_of(flags)
            if single and not slot.prefix:  # a later part of a compound is a weak match of a word alone
                grade = np.where(flags & LATER_PART, SECONDARY, grade)
            keys.append((which.astype(np.int64) << 32) | positions)
            grades.append(grade)

    if slot.prefix:
        reader = query.searcher.reader()
        for field in ("form", "lemma"):
            for text in expand(reader, field, slot.prefix):
                add(field, text, lambda flags: np.full(len(flags), EXACT))
    else:
        for form in slot.forms:
            add("form", form, lambda flags: np.where(flags & NOT_WHOLE, SECONDARY, EXACT))
        primary = slot.primary or slot.lemmas
        for lemma in slot.lemmas:
            likely = PRIMARY if lemma in primary else SECONDARY
            add("lemma", lemma, lambda flags, likely=likely: np.where(flags & NOT_FIRST, SECONDARY, likely))
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key, grade = np.concatenate(keys), np.concatenate(grades)
    order = np.argsort(key, kind="stable")
    key, grade = key[order], grade[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    return key[starts], np.maximum.reduceat(grade, starts)


def locate(evidence: Evidence, spans: list[tuple[int, int]]) -> Evidence:
    """The evidence with its character offsets, from the offsets of the
    paragraph's positions (:func:`search.analysis.analyze.spans`)."""
    marked = sorted({spans[j] for first, last, _, _ in evidence.positions for j in range(first, last + 1)})
    found = sorted((spans[first][0], spans[last][1], index, exact) for first, last, index, exact in evidence.positions)
    return replace(evidence, spans=tuple(marked), occurrences=tuple(found))
