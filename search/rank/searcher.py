"""Run a compiled query against an index: evaluate, choose candidates, order.

The one object of the rank stage the engine holds.  It keeps a Whoosh
searcher open, follows the index to its new generation after a rebuild and
to its new segments after an update, and returns results detached from
Whoosh.
"""

from __future__ import annotations

import threading
from typing import Iterator, Optional

from ..index import store
from ..index.documents import read_stored
from ..index.store import READ_ERRORS, read_guarded
from ..models import StoredParagraph
from ..query.tree import Compiled, Filter
from .candidates import best, how_many
from .evaluate import evaluate
from .evidence import Evidence, gather
from .order import Ranked, order


class Searcher:
    """One Whoosh searcher, refreshed when the index changes; a lock makes
    it safe to share between threads."""

    def __init__(self, path) -> None:
        self._path = path
        self._ix = None
        self._generation = None
        self._searcher = None
        self._spellers: dict = {}  # by extra words, for the open searcher
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
            self._spellers = {}
        return self._searcher

    def _guarded(self, read, *args):
        with self._lock:
            return read_guarded(self._path, READ_ERRORS, read, *args)

    def ranked(self, compiled: Compiled, *, limit: Optional[int], offset: int = 0,
               filters: tuple[Filter, ...] = (), notes: Optional[list[str]] = None
               ) -> tuple[int, list[Ranked]]:
        """The number of matches, and the hits ``offset`` to ``offset +
        limit`` (all with None) in final order."""
        total, found = self._guarded(self._candidates, compiled, how_many(limit, offset), filters, notes)
        ranked = order(compiled, found)
        return total, ranked[offset:] if limit is None else ranked[offset:offset + limit]

    def _candidates(self, compiled: Compiled, limit: Optional[int], filters, notes):
        searcher = self._current()
        parts = evaluate(searcher, compiled.tree, filters, notes)
        total = sum(len(part.scores) for part in parts)
        chosen = best(parts, limit)
        return total, [(part.scores[doc], read_stored(part.reader.stored_fields(doc))) for part, doc in chosen]

    def matching(self, compiled: Compiled, *, filters: tuple[Filter, ...] = (),
                 notes: Optional[list[str]] = None) -> Iterator[tuple[StoredParagraph, Evidence]]:
        """Every matching paragraph in document order, with its evidence."""
        _, found = self._guarded(self._candidates, compiled, None, filters, notes)
        found.sort(key=lambda sf: (sf[1].paragraph.doc, sf[1].paragraph.ordinal))
        for _, stored in found:
            yield stored, gather(list(compiled.items), stored.analysis)

    def values(self, field: str) -> dict[str, int]:
        """Every value of an attribute field (doc, lang, part, …) with the
        number of paragraphs that have it."""
        def read():
            reader = self._current().reader()
            if field not in reader.schema:
                return {}
            return {raw.decode("utf-8"): reader.doc_frequency(field, raw) for raw in reader.lexicon(field)}

        return self._guarded(read)

    def count(self) -> int:
        return self._guarded(lambda: self._current().doc_count())

    def holds(self, field: str, texts) -> bool:
        """Whether the index holds any of the terms in ``field``."""
        def read():
            reader = self._current().reader()
            return any(reader.doc_frequency(field, text) for text in texts)

        return bool(texts) and self._guarded(read)

    def matches_any(self, tree) -> bool:
        """Whether any paragraph matches a query tree."""
        def read():
            return any(part.scores for part in evaluate(self._current(), tree))

        return self._guarded(read)

    def speller(self, extra: tuple[str, ...] = ()):
        """A speller over the index's lemmas and forms (with their paragraph
        counts) and ``extra`` words, built on first use and kept while the
        index is unchanged."""
        from ..analysis.spelling import Speller

        def read():
            self._current()
            if extra not in self._spellers:
                reader = self._searcher.reader()
                vocabulary = [(raw.decode("utf-8"), info.doc_frequency())
                              for field in ("lemma", "form") for raw, info in reader.iter_field(field)]
                self._spellers[extra] = Speller(vocabulary, extra=extra)
            return self._spellers[extra]

        return self._guarded(read)
