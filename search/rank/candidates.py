"""Which matches are read back and ranked by evidence.

Gathering a paragraph's evidence costs more than scoring it, and reading
it back far more, so only the best few of all matches are ranked by
evidence: those that hold the most query items, then score highest.  A paragraph with every query word would otherwise fall
behind paragraphs repeating one word, though its tier ranks it first.
"""

from __future__ import annotations

from typing import Optional
from weakref import WeakKeyDictionary

import numpy as np

from .evaluate import SegmentMatches
from .postings import member, term_hits

#: The best this many matches, whatever page is asked for, are ranked by
#: evidence; those after them keep the order they were chosen in (items
#: held, then score).  One fixed window cuts every page from the same order:
#: windows that grew with the page made page 6 repeat hits of page 5.
WINDOW = 100


def first_phase(parts: list[SegmentMatches], limit: Optional[int]) -> list[tuple[SegmentMatches, int]]:
    """The ``limit`` best matches (all with None) in the order they are
    chosen in: items held, then score, then paragraph id; the first
    :data:`WINDOW` of them are the ones :func:`best` chooses."""
    chosen = best(parts, limit)
    held = {id(part): part.items_held() for part in parts}
    return sorted(chosen, key=lambda pi: (-int(held[id(pi[0])][pi[1]]), -float(pi[0].scores[pi[1]]),
                                          _paragraph_ids(pi[0].reader)[int(pi[0].docs[pi[1]])]))


def best(parts: list[SegmentMatches], limit: Optional[int]) -> list[tuple[SegmentMatches, int]]:
    """The ``limit`` best matches (all with None), as (segment's matches,
    index in them): those that hold the most query items, then the highest
    scores.  Ties at the cut-off are broken by paragraph id, not by Whoosh's
    internal document numbers, so that an updated index picks the same
    candidates as a fresh one."""
    if limit is None:
        return [(part, i) for part in parts for i in range(len(part))]
    # The best limit + 1 of each segment hold the best limit + 1 of all.
    tops = []
    for part in parts:
        chosen = part.best(limit + 1)
        grades = zip(part.items_held()[chosen].tolist(), part.scores[chosen].tolist())
        tops += [(grade, part, i) for grade, i in zip(grades, chosen.tolist())]
    tops.sort(key=lambda t: t[0], reverse=True)
    if len(tops) <= limit or tops[limit][0] != tops[limit - 1][0]:
        return [(part, i) for _, part, i in tops[:limit]]
    cut = tops[limit - 1][0]
    better = [(part, i) for grade, part, i in tops if grade > cut]
    held, score = cut
    tied = [(part, i) for part in parts
            for i in np.flatnonzero((part.scores == score) & (part.items_held() == held)).tolist()]
    tied.sort(key=lambda pi: _paragraph_ids(pi[0].reader)[int(pi[0].docs[pi[1]])])
    return better + tied[:limit - len(better)]


#: The paragraph-id column of each open segment.
_IDS: "WeakKeyDictionary[object, object]" = WeakKeyDictionary()


def _paragraph_ids(reader):
    if reader not in _IDS:
        _IDS[reader] = reader.column_reader("id")
    return _IDS[reader]


def place(reader, doc: int) -> tuple[str, int]:
    """(document, ordinal) of a paragraph, read from its id ("doc:ordinal")."""
    name, _, ordinal = _paragraph_ids(reader)[doc].rpartition(":")
    return name, int(ordinal)


def headings(reader, docs: np.ndarray) -> list[bool]:
    """Whether each of the paragraphs is a bare heading (ranked after a
    substantive paragraph that holds as much)."""
    return member(docs, term_hits(reader, "kind", "heading").ids).tolist()
