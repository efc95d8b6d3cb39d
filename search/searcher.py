"""Run a compiled query against an index and return detached results."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterator, Optional
from weakref import WeakKeyDictionary

from .index import store
from .index.store import READ_ERRORS, read_guarded
from .models import Hit, Results
from .query.compile import Compiled
from .query.evaluate import SegmentMatches, graded_matches
from .ranking import Evidence, gather
from .snippet import matches_of, snippet

#: Candidates read back and re-ranked by evidence, at least.
MIN_CANDIDATES = 50


@dataclass(frozen=True)
class Ranked:
    """A candidate with its Whoosh score and the evidence that ranks it."""

    score: float  # BM25F from Whoosh
    evidence: Evidence
    fields: dict  # the stored fields

    @property
    def final(self) -> float:
        return self.score + self.evidence.proximity


class Searcher:
    """One Whoosh searcher, refreshed when the index changes; a lock makes
    it safe to share between threads."""

    def __init__(self, path) -> None:
        self._path = path
        self._ix = None
        self._generation = None
        self._searcher = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._searcher = self._ix = None

    def _current(self):
        # A rebuild swaps in another generation: open that one.
        if self._ix is None or store.live_generation(self._path) != self._generation:
            self._close()
            self._generation = store.live_generation(self._path)
            self._ix = store.open_index(self._path)
        # Not Searcher.refresh(): when it reuses readers, Whoosh 2.7 adds the
        # old generation's segments to the new ones, so a merged-away segment
        # would be searched twice.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            # Whoosh itself retries when a commit elsewhere deletes a file of
            # the generation it is opening.
            self._searcher = self._ix.searcher()
        return self._searcher

    def candidates(self, compiled: Compiled, *, limit: Optional[int], lang: Optional[str] = None,
                   doc: Optional[str] = None) -> tuple[int, list[tuple[float, dict]]]:
        """The total number of matches and the best ``limit`` of them (all
        with ``limit=None``) as (score, stored fields)."""
        from whoosh import query as q

        filters = [q.Term(name, value) for name, value in (("lang", lang), ("doc", doc)) if value]
        with self._lock:
            return read_guarded(self._path, READ_ERRORS, self._search, compiled, filters, limit)

    def _search(self, compiled: Compiled, filters: list, limit: Optional[int]):
        from whoosh import query as q

        searcher = self._current()
        parts = graded_matches(searcher, compiled.query)
        if filters:
            allowed = searcher._filter_to_comb(q.And(filters))
            for part in parts:
                part.scores = {doc: s for doc, s in part.scores.items() if doc + part.offset in allowed}
        total = sum(len(part.scores) for part in parts)
        chosen = _best(parts, limit)
        return total, [(part.scores[doc], part.searcher.stored_fields(doc)) for part, doc in chosen]

    def ranked(self, compiled: Compiled, *, limit: Optional[int], lang: Optional[str] = None,
               doc: Optional[str] = None) -> tuple[int, list[Ranked]]:
        """Candidates in final order: more items, then exact forms, then
        most likely readings, then score with proximity; ties in document
        order."""
        total, found = self.candidates(
            compiled, limit=None if limit is None else max(MIN_CANDIDATES, limit * 5), lang=lang, doc=doc)
        ranked = [Ranked(score, gather(compiled.items, fields["analysis"]), fields)
                  for score, fields in found]

        def key(r: Ranked) -> tuple:
            e = r.evidence
            tier = (-e.matched, -e.exact, -e.primary) if compiled.tiered else (0, 0, 0)
            return tier + (-r.final, r.fields["doc"], r.fields["ordinal"])

        ranked.sort(key=key)
        return total, ranked if limit is None else ranked[:limit]

    def run(self, compiled: Compiled, source: str, *, limit: int = 10,
            lang: Optional[str] = None, doc: Optional[str] = None) -> Results:
        total, ranked = self.ranked(compiled, limit=limit, lang=lang, doc=doc)
        hits = tuple(to_hit(rank, r) for rank, r in enumerate(ranked, 1))
        return Results(query=source, total=total, hits=hits)

    def matching(self, compiled: Compiled, *, lang: Optional[str] = None,
                 doc: Optional[str] = None) -> Iterator[tuple[dict, Evidence]]:
        """Every matching paragraph in document order, with its evidence."""
        _, found = self.candidates(compiled, limit=None, lang=lang, doc=doc)
        found.sort(key=lambda sf: (sf[1]["doc"], sf[1]["ordinal"]))
        for _, fields in found:
            yield fields, gather(compiled.items, fields["analysis"])


def _best(parts: list[SegmentMatches], limit: Optional[int]) -> list[tuple[SegmentMatches, int]]:
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
    tied.sort(key=lambda pd: _paragraph_ids(pd[0].searcher.reader())[pd[1]])
    return better + tied[:limit - len(better)]


#: The paragraph-id column of each open segment.
_IDS: "WeakKeyDictionary[object, object]" = WeakKeyDictionary()


def _paragraph_ids(reader):
    if reader not in _IDS:
        _IDS[reader] = reader.column_reader("id")
    return _IDS[reader]


def to_hit(rank: int, r: Ranked) -> Hit:
    fields = r.fields
    meta = fields.get("meta", {})
    text = fields["text"]
    matches = matches_of(text, r.evidence.spans)
    return Hit(
        rank=rank, score=float(r.final), id=fields["id"], doc=fields["doc"],
        title=meta.get("title", ""), citation=meta.get("citation", ""),
        part=meta.get("part", ""), section=meta.get("section", ""),
        article=fields.get("article", ""), paragraph=meta.get("paragraph", ""),
        kind=fields.get("kind", ""), lang=fields.get("lang", ""), text=text,
        matches=matches, snippet=snippet(text, matches),
    )
