"""Evidence a paragraph gives for a query: which items it holds, how well,
where.

The BM25F score says how much of the query's lemmas a paragraph holds.  For
the best candidates, the positions of the query's terms are read back to
rank by what users expect (:mod:`search.rank.order`): a paragraph that has
every query item beats one that has some; one with the query's own words
beats one with only their translations; one with the exact forms beats one
with only other inflections; closer words beat scattered ones.  The same
evidence gives the highlighted spans and the concordance lines.

:func:`gather` states the rules over one paragraph's full analysis (each
position's forms and lemmas, as :func:`search.analysis.analyze` gives
them, and the positions of its titles).  :func:`gather_segment` applies
the same rules to many paragraphs at once from the postings of the
query's terms alone: the index keeps, with each term at each position,
whether a form is the whole word, whether a lemma is the word's first
reading and whether the position is a later part of a compound, and each
paragraph's title lemmas in its ``context`` field, which is all the rules
ask of a paragraph.  A test holds the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from ..analysis import Position
from ..analysis.analyze import LATER_PART, NOT_FIRST, NOT_WHOLE, StoredText
from ..query.compile import title_lemmas
from ..query.tree import Item, Slot
from .evaluate import Query, expand
from .postings import member

#: Score added for query items that stand close together: PROXIMITY / gap.
PROXIMITY = 4.0


@dataclass(frozen=True)
class Evidence:
    matched: int  # items found, in their own words or others
    exact: int  # items found in the query's own form
    proximity: float
    spans: tuple[tuple[int, int], ...]  # character spans to highlight
    #: Every occurrence of an item: (start, end, item index, exact form).
    occurrences: tuple[tuple[int, int, int, bool], ...] = ()
    primary: int = 0  # items found in their exact form or most likely reading
    literal: int = 0  # items found in their own words (any form)
    direct: int = 0  # items found in the text itself, in any words (not only in its titles)
    #: How items were found: "literal", "translation", "synonym", "structure".
    how: tuple[str, ...] = ()
    #: The occurrences in word positions: (first, last, item index, exact
    #: form); the character offsets above come from them and the text.
    positions: tuple[tuple[int, int, int, bool], ...] = ()


#: How an item may be found, in the order ranking prefers them.
HOW = ("literal", "translation", "synonym", "structure")


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


def _alternative_occurrences(slots: tuple[frozenset[str], ...], text: StoredText) -> list[tuple[int, int]]:
    """(first position, last position) of every place where other words for
    an item stand: lemma sets word by word."""
    n = len(slots)
    found = []
    for i in text.where(slots[0]):
        if i + n <= len(text) and all(slots[k].intersection(text.position(i + k).lemmas) for k in range(n)):
            found.append((i, i + n - 1))
    return found


def _in_titles(item: Item, titles) -> bool:
    """Whether a one-word item (or one of its one-word alternatives) is
    among the lemmas of the titles a paragraph stands under."""
    return bool(title_lemmas(item).intersection(lemma for pos in titles for lemma in pos.lemmas))


def gather(items, stored, titles=()) -> Evidence:
    """The evidence a paragraph gives for the items, from its full analysis
    (as :func:`search.analysis.encode` writes it); ``titles`` are the word
    positions of the titles of the article and section it stands in."""
    text = StoredText(stored)
    spans: list[tuple[int, int]] = []
    firsts: list[tuple[int, int]] = []  # (position, item index) for proximity
    found: list[tuple[int, int, int, bool]] = []
    where: list[tuple[int, int, int, bool]] = []
    matched = literal = exact = primary = 0
    how: set[str] = set()
    for index, item in enumerate(items):
        occ = _occurrences(item, text)
        if occ:
            best = max(grade for _, _, grade in occ)
            literal += 1
            exact += best == EXACT
            primary += best >= PRIMARY
            how.add("literal")
        else:
            occ = []
            for alternative in item.alternatives:
                places = _alternative_occurrences(alternative.slots, text)
                occ += [(first, last, 0) for first, last in places]
                how.update([alternative.kind] if places else [])
            if not occ:
                if item.structure and titles and _in_titles(item, titles):
                    matched += 1
                    how.add("structure")
                continue
        matched += 1
        for first, last, grade in occ:
            spans.extend((text.position(j).start, text.position(j).end) for j in range(first, last + 1))
            firsts.append((first, index))
            found.append((text.position(first).start, text.position(last).end, index, grade == EXACT))
            where.append((first, last, index, grade == EXACT))
    in_text = len({index for _, index in firsts})
    return Evidence(matched, exact, _proximity(firsts, in_text), tuple(sorted(set(spans))),
                    tuple(sorted(found)), primary, literal, in_text, tuple(k for k in HOW if k in how),
                    tuple(sorted(where)))


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

#: Bits of the ways a paragraph holds items, in the order of HOW.
_BIT = {kind: 1 << n for n, kind in enumerate(HOW)}


class SegmentEvidence:
    """The evidence of many paragraphs of one segment, computed at once from
    the postings of the query's terms; each paragraph's is built when asked
    for.  Occurrences are (paragraph index, first position, last position,
    item, grade), literal ones graded, those of alternatives graded 0."""

    def __init__(self, items: list[Item], docs: np.ndarray, occurrences: tuple, literal_best: np.ndarray,
                 how: np.ndarray, structure: np.ndarray) -> None:
        self.items = items
        self.docs = docs
        doc, first, last, item, grade = occurrences
        order = np.lexsort((grade, item, last, first, doc))
        self._doc, self._first, self._last = doc[order], first[order], last[order]
        self._item, self._grade = item[order], grade[order]
        self._bounds = np.searchsorted(self._doc, np.arange(len(docs) + 1))
        in_text = np.zeros(literal_best.shape, dtype=bool)
        in_text[doc, item] = True
        self.direct = in_text.sum(axis=1)
        self.matched = (in_text | structure).sum(axis=1)
        self.literal = (literal_best > 0).sum(axis=1)
        self.exact = (literal_best == EXACT).sum(axis=1)
        self.primary = (literal_best >= PRIMARY).sum(axis=1)
        self._how = how
        self._pairs = self._two_items()

    def _two_items(self) -> np.ndarray:
        """The proximity bonus of the paragraphs that hold two items in
        their text, at once: their nearest two occurrences of different
        items stand side by side in position order, so the smallest window
        holding both is the smallest step between neighbours of different
        items."""
        near = np.zeros(len(self.docs))
        d, f, it = self._doc, self._first, self._item
        step = (d[1:] == d[:-1]) & (it[1:] != it[:-1]) & (self.direct[d[:-1]] == 2)
        if step.any():
            width = np.full(len(self.docs), np.iinfo(np.int64).max)
            np.minimum.at(width, d[:-1][step], (f[1:] - f[:-1])[step])
            two = self.direct == 2
            near[two] = PROXIMITY / np.maximum(1, width[two])
        return near

    def evidence(self, i: int, proximity: bool = True, where: bool = True) -> Evidence:
        """The evidence of ``docs[i]``, in word positions (see :func:`locate`);
        ranking needs neither the places of its occurrences (``where``) nor,
        for a concordance, their proximity."""
        lo, hi = self._bounds[i], self._bounds[i + 1]
        direct = int(self.direct[i])
        found: tuple = ()
        near = 0.0
        if where or (proximity and direct > 2):
            first, item = self._first[lo:hi].tolist(), self._item[lo:hi].tolist()
            if where:
                found = tuple(sorted((f, l, k, g == EXACT) for f, l, k, g in
                                     zip(first, self._last[lo:hi].tolist(), item, self._grade[lo:hi].tolist())))
            if proximity and direct > 2:
                near = _proximity(list(zip(first, item)), direct)
        if proximity and direct == 2:
            near = float(self._pairs[i])
        how = int(self._how[i])
        return Evidence(int(self.matched[i]), int(self.exact[i]), near, (), (), int(self.primary[i]),
                        int(self.literal[i]), direct, tuple(k for k in HOW if how & _BIT[k]), found)


def gather_segment(items: list[Item], query: Query, segment: int, docs: np.ndarray) -> SegmentEvidence:
    """The evidence the paragraphs ``docs`` (sorted) of one segment give for
    the items, from the postings of their terms: an item's own words, else
    its alternatives', else the titles the paragraph stands under."""
    n = len(docs)
    literal_best = np.zeros((n, max(1, len(items))), dtype=np.int64)
    structure = np.zeros(literal_best.shape, dtype=bool)
    how = np.zeros(n, dtype=np.int64)
    parts = []
    for k, item in enumerate(items):
        doc, first, grade = _item_occurrences(item, query, segment, docs)
        np.maximum.at(literal_best[:, k], doc, grade)
        parts.append((doc, first, first + len(item.slots) - 1, np.full(len(doc), k), grade))
        how[doc] |= _BIT["literal"]
        without = literal_best[:, k] == 0  # the paragraphs its own words are not in
        held = np.zeros(n, dtype=bool)
        for alternative in item.alternatives:
            doc, first = _alternative_occurrences_in(alternative.slots, query, segment, docs)
            keep = without[doc]
            doc, first = doc[keep], first[keep]
            parts.append((doc, first, first + len(alternative.slots) - 1, np.full(len(doc), k), np.zeros(len(doc), dtype=np.int64)))
            how[doc] |= _BIT[alternative.kind]
            held[doc] = True
        titles = title_lemmas(item)
        if titles:
            inside = np.zeros(n, dtype=bool)
            for lemma in titles:
                hits = query.hits(segment, "context", lemma)
                inside |= member(docs, hits.ids)
            structure[:, k] = inside & without & ~held
            how[structure[:, k]] |= _BIT["structure"]
    if parts:
        occurrences = tuple(np.concatenate([p[c] for p in parts]).astype(np.int64) for c in range(5))
    else:
        occurrences = tuple(np.zeros(0, dtype=np.int64) for _ in range(5))
    return SegmentEvidence(items, docs, occurrences, literal_best, how, structure)


def _alternative_occurrences_in(slots: tuple[frozenset[str], ...], query: Query, segment: int,
                                docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(paragraph index, first position) of every place of ``docs`` where
    other words for an item stand: a lemma of each set at consecutive
    positions."""
    found = None
    for k, lemmas in enumerate(slots):
        keys = [(which.astype(np.int64) << 32 | positions) - k
                for which, positions, _ in (query.hits(segment, "lemma", lemma).entries_in(docs) for lemma in lemmas)]
        keys = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
        found = keys if found is None else np.intersect1d(found, keys, assume_unique=True)
        if not len(found):
            break
    if found is None:
        found = np.zeros(0, dtype=np.int64)
    return found >> 32, found & 0xFFFFFFFF


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
