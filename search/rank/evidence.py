"""Evidence a paragraph gives for a query, read from its stored analysis.

The BM25F score says how much of the query's lemmas a paragraph holds.  For
the best candidates, the stored analysis of each paragraph is read back to
rank by what users expect (:mod:`search.rank.order`): a paragraph that has
every query item beats one that has some; one with the query's exact forms
beats one with only other inflections; closer words beat scattered ones.
The same evidence gives the highlighted spans and the concordance lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Position
from ..analysis.analyze import StoredText
from ..query.compile import title_lemmas
from ..query.tree import Item, Slot

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
    """The evidence a paragraph (its stored analysis) gives for the items;
    ``titles`` are the word positions of the titles of the article and
    section it stands in."""
    text = StoredText(stored)
    spans: list[tuple[int, int]] = []
    firsts: list[tuple[int, int]] = []  # (position, item index) for proximity
    found: list[tuple[int, int, int, bool]] = []
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
    in_text = len({index for _, index in firsts})
    return Evidence(matched, exact, _proximity(firsts, in_text), tuple(sorted(set(spans))),
                    tuple(sorted(found)), primary, literal, in_text, tuple(k for k in HOW if k in how))


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
