"""Which matches are read back and ranked by evidence.

Reading a paragraph's stored analysis costs far more than scoring it, so
only the best few of all matches are: those that hold the most query items,
then score highest.  A paragraph with every query word would otherwise fall
behind paragraphs repeating one word, though its tier ranks it first.
"""

from __future__ import annotations

from typing import Optional
from weakref import WeakKeyDictionary

from .evaluate import SegmentMatches

#: Candidates are read back and re-ranked by evidence in windows of this
#: many: every page that ends within the first window is cut from the same
#: order, so pages follow one another without repeats or gaps (a window of
#: 50 for 10 hits and 100 for 20 made page 2 disagree with page 1).
WINDOW = 100


def how_many(limit: Optional[int], offset: int = 0) -> Optional[int]:
    """Candidates for a page ending at ``offset + limit`` (None: all): the
    windows that hold it."""
    return None if limit is None else -(-(offset + limit) // WINDOW) * WINDOW


def best(parts: list[SegmentMatches], limit: Optional[int]) -> list[tuple[SegmentMatches, int]]:
    """The ``limit`` best matches (all with None): those that hold the most
    query items, then the highest scores.  Ties at the cut-off are broken by
    paragraph id, not by Whoosh's internal document numbers, so that an
    updated index picks the same candidates as a fresh one."""
    if limit is None:
        return [(part, doc) for part in parts for doc in part.scores]
    # The best limit + 1 of each segment hold the best limit + 1 of all.
    tops = [(part.grade(doc), part, doc) for part in parts for doc in part.best(limit + 1)]
    tops.sort(key=lambda t: t[0], reverse=True)
    if len(tops) <= limit or tops[limit][0] != tops[limit - 1][0]:
        return [(part, doc) for _, part, doc in tops[:limit]]
    cut = tops[limit - 1][0]
    better = [(part, doc) for grade, part, doc in tops if grade > cut]
    held, score = cut
    tied = [(part, doc) for part in parts for doc, s in part.scores.items()
            if s == score and (part.held is None or part.held.get(doc, 1) == held)]
    tied.sort(key=lambda pd: _paragraph_ids(pd[0].reader)[pd[1]])
    return better + tied[:limit - len(better)]


#: The paragraph-id column of each open segment.
_IDS: "WeakKeyDictionary[object, object]" = WeakKeyDictionary()


def _paragraph_ids(reader):
    if reader not in _IDS:
        _IDS[reader] = reader.column_reader("id")
    return _IDS[reader]
