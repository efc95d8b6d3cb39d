"""Run a compiled query against an index and return detached results."""

from __future__ import annotations

import threading

from .analysis import decode
from .models import Hit, Results
from .query.compile import Compiled
from .ranking import gather
from .snippet import matches_of, snippet

#: Candidates read back and re-ranked by evidence, at least.
MIN_CANDIDATES = 100


class Searcher:
    """One Whoosh searcher, refreshed when the index changes; a lock makes
    it safe to share between threads."""

    def __init__(self, ix) -> None:
        self._ix = ix
        self._searcher = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def _current(self):
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        else:
            self._searcher = self._searcher.refresh()
        return self._searcher

    def run(self, compiled: Compiled, source: str, *, limit: int = 10,
            lang: str | None = None, doc: str | None = None) -> Results:
        from whoosh import query as q
        from whoosh import sorting

        filters = [q.Term(name, value) for name, value in (("lang", lang), ("doc", doc)) if value]
        flt = q.And(filters) if filters else None
        with self._lock:
            searcher = self._current()
            # Ties at the cut-off are broken by paragraph id, not by Whoosh's
            # internal document numbers, so an updated index picks the same
            # candidates as a fresh one.
            found = searcher.search(
                compiled.query, limit=max(MIN_CANDIDATES, limit * 5), filter=flt,
                sortedby=[sorting.ScoreFacet(), sorting.FieldFacet("id")],
            )
            total = len(found)
            # A sorted search reports the sort key: (-score, id).
            candidates = [(-hit.score[0], hit.fields()) for hit in found]
        ranked = []
        for score, fields in candidates:
            evidence = gather(compiled.items, decode(fields["analysis"]))
            final = score + evidence.proximity
            tier = (-evidence.matched, -evidence.exact) if compiled.tiered else (0, 0)
            # Ties go to document order, so equal scores list predictably.
            key = tier + (-final, fields["doc"], fields["ordinal"])
            ranked.append((key, final, evidence, fields))
        ranked.sort(key=lambda r: r[0])
        hits = tuple(
            _hit(rank, final, evidence.spans, fields)
            for rank, (_, final, evidence, fields) in enumerate(ranked[:limit], 1)
        )
        return Results(query=source, total=total, hits=hits)


def _hit(rank: int, score: float, spans, fields: dict) -> Hit:
    meta = fields.get("meta", {})
    text = fields["text"]
    matches = matches_of(text, spans)
    return Hit(
        rank=rank, score=float(score), id=fields["id"], doc=fields["doc"],
        title=meta.get("title", ""), citation=meta.get("citation", ""),
        part=meta.get("part", ""), section=meta.get("section", ""),
        article=fields.get("article", ""), paragraph=meta.get("paragraph", ""),
        kind=fields.get("kind", ""), lang=fields.get("lang", ""), text=text,
        matches=matches, snippet=snippet(text, matches),
    )
