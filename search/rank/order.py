"""The final order of hits, and the score that states it.

Candidates are ordered by the evidence users expect to count first, the
*tier*: every query item held (in its own words, in the other language's,
in a synonym, or in the title of the article or section the paragraph
stands in), then a paragraph that holds one in its text before one that
holds them only through its titles, then a substantive paragraph before a
bare heading, then items held in the query's own words (so a translation never outranks a literal
match of the same coverage), then in the text itself rather than only in
its titles, then in their exact form, then in their most likely reading.  Then by relevance (BM25F plus the proximity bonus), then by
document and place.  The score every output carries is
that order as one number, ``tier + relevance / (relevance + 1)``: its
integer part is the tier and its fraction grows with relevance, so scores
never rise down a list (which is what TREC tools sort by) and each says
where its ranking came from (``search explain`` shows the parts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..models import Hit, StoredParagraph
from ..query.tree import Compiled
from .evidence import Evidence
from .snippets import matches_of, snippet


@dataclass(frozen=True)
class Ranked:
    """A candidate with its BM25F score and the evidence that ranks it."""

    bm25f: float
    evidence: Evidence
    stored: Optional[StoredParagraph]  # read back for the hits shown
    tier: int  # 0 for a query whose alternatives are not meant together
    #: Where it stands, (document, ordinal): the last key of the order,
    #: read only where tier and relevance tie.
    place: Optional[tuple] = None
    handle: object = None  # what the searcher reads it back with

    @property
    def relevance(self) -> float:
        return self.bm25f + self.evidence.proximity

    @property
    def score(self) -> float:
        return self.tier + self.relevance / (self.relevance + 1)


def tier(evidence: Evidence, items: int, heading: bool) -> int:
    """Items held, then held in the text itself at all (not only through
    its titles), then not a bare heading, then items held in the query's own
    words, then in the text in any words, then in exact form, then in most
    likely reading, as one number (each count is at most ``items``)."""
    level = (evidence.matched * 2 + (evidence.direct > 0)) * 2 + (not heading)
    for count in (evidence.literal, evidence.direct, evidence.exact, evidence.primary):
        level = level * (items + 1) + count
    return level


def floor(held: int, items: int) -> int:
    """The lowest tier of a paragraph holding ``held`` items: the tier of
    the matches after the window ranked by evidence, which keep the order
    they were chosen in (items held, then BM25F) and so score below every
    paragraph of the window holding as many."""
    return held * 4 * (items + 1) ** 4


def order(compiled: Compiled, found: list[tuple[float, Evidence, bool, object]], places) -> list[Ranked]:
    """Candidates (BM25F, evidence, whether a heading, handle) in final
    order; ``places(handles)`` tells where candidates stand, (document,
    ordinal), which only candidates tied on tier and relevance need."""
    items = len(compiled.items)
    keyed = []
    for bm25f, evidence, heading, handle in found:
        level = tier(evidence, items, heading) if compiled.tiered else 0
        keyed.append((-level, -(bm25f + evidence.proximity), bm25f, evidence, handle))
    keyed.sort(key=lambda k: k[:2])
    out, start = [], 0
    while start < len(keyed):
        end = start + 1
        while end < len(keyed) and keyed[end][:2] == keyed[start][:2]:
            end += 1
        run = keyed[start:end]
        where = places([k[4] for k in run]) if len(run) > 1 else [None]
        for place, (level, _, bm25f, evidence, handle) in sorted(zip(where, run), key=lambda pr: pr[0] or ()):
            out.append(Ranked(bm25f, evidence, None, -level, place, handle))
        start = end
    return out


def to_hit(rank: int, r: Ranked) -> Hit:
    p = r.stored.paragraph
    matches = matches_of(p.text, r.evidence.spans)
    return Hit(
        rank=rank, score=r.score, id=p.id, doc=p.doc, title=p.title, citation=p.citation, part=p.part,
        section=p.section, article=p.article, paragraph=p.paragraph, kind=p.kind, lang=p.lang,
        text=p.text, matches=matches, snippet=snippet(p.text, matches), how=r.evidence.how,
    )
