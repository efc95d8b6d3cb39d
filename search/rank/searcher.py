"""Run a compiled query against an index: evaluate, choose candidates, order.

The one object of the rank stage the engine holds.  It keeps a Whoosh
searcher open, follows the index to its new generation after a rebuild and
to its new segments after an update, and returns results detached from
Whoosh.  Only the hits of the page asked for are read back from the stored
fields: candidates are ranked from the postings alone.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterator, Optional
from weakref import WeakKeyDictionary

import numpy as np

from ..index import speller as kept_speller
from ..index import statistics, store
from ..index.documents import decode_spans, read_stored
from ..index.store import READ_ERRORS, read_guarded
from ..models import StoredParagraph
from ..query.tree import Compiled, Everything, Filter
from .candidates import WINDOW, best, first_phase, headings, place
from .evaluate import Query, evaluate
from .evidence import Evidence, gather_segment, locate
from .filters import values
from .order import Ranked, floor, order
from .postings import field_owners, place_keys

#: Places of every paragraph, by open index reader.
_PLACES: "WeakKeyDictionary[object, list]" = WeakKeyDictionary()


class Searcher:
    """One Whoosh searcher, refreshed when the index changes; a lock makes
    it safe to share between threads."""

    def __init__(self, path) -> None:
        self._path = path
        self._ix = None
        self._generation = None
        self._searcher = None
        self._seen = None  # what _signature said when the searcher was last found current
        self._spellers: dict = {}  # by extra words, for the open searcher
        self._lock = threading.Lock()
        # A kwic stream reads its searcher's paragraphs long after it was
        # chosen: a searcher an update replaced stays open until the last
        # stream reading it ends.
        self._streams: dict[int, int] = {}  # id(searcher) -> streams reading it
        self._retired: dict[int, object] = {}

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._searcher is not None:
            self._retire(self._searcher)
        if self._ix is not None:
            self._ix.close()
        self._searcher = self._ix = None

    def _current(self):
        # Nothing was committed or swapped in since the last look: the
        # marker and the generation's folder are as they were (two stats,
        # where the checks below read the marker and list the folder).
        seen = _signature(self._path, self._generation)
        if seen is not None and seen == self._seen and self._searcher is not None:
            return self._searcher
        self._seen = None
        # A rebuild swaps in another generation: open that one.
        if self._ix is None or store.live_generation(self._path) != self._generation:
            self._close()
            self._generation = store.live_generation(self._path)
            self._ix = store.open_index(self._path)
        # Not Searcher.refresh(): when it reuses readers, Whoosh 2.7 adds the
        # old generation's segments to the new ones, so a merged-away segment
        # would be searched twice.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._retire(self._searcher)
            self._searcher = None
        if self._searcher is None:
            # Whoosh itself retries when a commit elsewhere deletes a file of
            # the generation it is opening.
            self._searcher = self._ix.searcher()
            self._spellers = {}
        self._seen = _signature(self._path, self._generation)
        return self._searcher

    def _retire(self, searcher) -> None:
        """Close a searcher no longer current, or leave that to the last
        stream still reading it."""
        if self._streams.get(id(searcher)):
            self._retired[id(searcher)] = searcher
        else:
            searcher.close()

    def _end_stream(self, searcher) -> None:
        with self._lock:
            key = id(searcher)
            self._streams[key] -= 1
            if not self._streams[key]:
                del self._streams[key]
                if key in self._retired:
                    self._retired.pop(key).close()

    def _guarded(self, read, *args):
        with self._lock:
            return read_guarded(self._path, READ_ERRORS, read, *args)

    def ranked(self, compiled: Compiled, *, limit: Optional[int], offset: int = 0,
               filters: tuple[Filter, ...] = (), notes: Optional[list[str]] = None
               ) -> tuple[int, list[Ranked]]:
        """The number of matches, and the hits ``offset`` to ``offset +
        limit`` (all with None) in final order, read back."""
        return self._guarded(self._ranked, compiled, limit, offset, filters, notes)

    def _ranked(self, compiled: Compiled, limit: Optional[int], offset: int, filters, notes):
        searcher = self._current()
        query = Query(searcher)
        parts = evaluate(searcher, compiled.tree, filters, notes, query)
        total = sum(len(part) for part in parts)
        chosen = best(parts, WINDOW)
        ranked = order(compiled, self._graded(compiled, query, parts, chosen), _places_of)
        end = None if limit is None else offset + limit
        if end is None or end > WINDOW:
            ranked += self._after_window(compiled, query, parts, end)
        return total, [_read_back(r) for r in ranked[offset:end]]

    @staticmethod
    def _graded(compiled: Compiled, query: Query, parts, chosen) -> list:
        """(BM25F, evidence, whether a heading, handle) of the chosen."""
        found = []
        for n, part in enumerate(parts):
            mine = sorted(i for p, i in chosen if p is part)
            if not mine:
                continue
            docs = part.docs[mine]
            evidence = gather_segment(list(compiled.items), query, n, docs)
            heading = headings(part.reader, docs)
            for k, (i, doc) in enumerate(zip(mine, docs.tolist())):
                found.append((float(part.scores[i]), evidence.evidence(k, where=False), heading[k],
                              (part.reader, doc, evidence, k)))
        return found

    @staticmethod
    def _after_window(compiled: Compiled, query: Query, parts, end: Optional[int]) -> list[Ranked]:
        """The matches after the window up to ``end`` (all with None), in
        the order they are chosen in, each scored at the lowest tier of the
        items it holds and by its BM25F alone, so scores keep falling."""
        after = first_phase(parts, end)[WINDOW:]
        items = len(compiled.items)
        evidence = {}
        for n, part in enumerate(parts):
            mine = sorted(i for p, i in after if p is part)
            if mine:
                evidence[id(part)] = ({i: k for k, i in enumerate(mine)},
                                      gather_segment(list(compiled.items), query, n, part.docs[mine]))
        out = []
        for part, i in after:
            index, found = evidence[id(part)]
            k = index[i]
            held = int(part.items_held()[i])
            out.append(Ranked(float(part.scores[i]), found.evidence(k, proximity=False, where=False), None,
                              floor(held, items) if compiled.tiered else 0, None,
                              (part.reader, int(part.docs[i]), found, k, False)))
        return out

    def _places(self, searcher) -> list[np.ndarray]:
        reader = searcher.reader()
        if reader not in _PLACES:
            _PLACES[reader] = place_keys([sub.reader() for sub, _ in searcher.leaf_searchers()])
        return _PLACES[reader]

    def matching(self, compiled: Compiled, *, filters: tuple[Filter, ...] = (),
                 notes: Optional[list[str]] = None) -> Iterator[tuple[StoredParagraph, Evidence]]:
        """Every matching paragraph in document order, with its evidence;
        each is read back as it is reached, so the first come at once."""
        searcher, found = self._guarded(self._matching, compiled, filters, notes)
        try:
            for evidence, k, reader, doc in found:
                stored = self._guarded(lambda: read_stored(reader.stored_fields(doc)))
                yield stored, locate(evidence.evidence(k, proximity=False), decode_spans(stored.spans))
        finally:
            self._end_stream(searcher)

    def _matching(self, compiled: Compiled, filters, notes) -> tuple[object, list]:
        found = self._in_document_order(compiled, filters, notes, lambda part, evidence: [
            (evidence, k, part.reader, doc) for k, doc in enumerate(part.docs.tolist())])
        searcher = self._searcher
        self._streams[id(searcher)] = self._streams.get(id(searcher), 0) + 1
        return searcher, found

    def occurrence_forms(self, compiled: Compiled, count, *, filters: tuple[Filter, ...] = (),
                         notes: Optional[list[str]] = None):
        """``count(rows)``, rows the (doc, part, article, lang, title(),
        forms) of every matching paragraph with occurrences, in document
        order; ``forms`` is the lower-case text of each occurrence, read
        from the index's position texts (a paragraph is read back only for
        occurrences of several words).  ``count`` runs while the searcher
        is held, since ``title()`` reads from it."""
        def read():
            found = self._in_document_order(compiled, filters, notes, lambda part, evidence: _segment_forms(
                part.reader, part.docs, evidence))
            return count(row for row in found if row is not None)

        return self._guarded(read)

    def _in_document_order(self, compiled: Compiled, filters, notes, rows) -> list:
        """``rows(part, evidence)`` of every segment's matches (a row a
        match), all in document order."""
        searcher = self._current()
        query = Query(searcher)
        parts = evaluate(searcher, compiled.tree, filters, notes, query)
        places = self._places(searcher)
        keys, found = [], []
        for n, part in enumerate(parts):
            if len(part):
                keys.append(places[n][part.docs])
                found += rows(part, gather_segment(list(compiled.items), query, n, part.docs))
        if not found:
            return []
        return [found[i] for i in np.argsort(np.concatenate(keys), kind="stable").tolist()]

    def lemma_counts(self, lang: Optional[str], filters: tuple[Filter, ...] = (),
                     notes: Optional[list[str]] = None, at_least: int = 0) -> list[tuple[str, int]]:
        """Lemmas by how often they occur, most frequent first, in the
        paragraphs the filters allow: from the counts the last build kept
        when they serve (no filter but the language, and at least
        ``at_least`` lemmas), else counted now."""
        return self._guarded(self._lemma_counts, lang, filters, notes, at_least)

    def _lemma_counts(self, lang, filters, notes, at_least):
        searcher = self._current()
        if not filters:
            kept = statistics.read(Path(self._ix.storage.folder), searcher.reader().generation())
            if kept is not None:
                pairs, whole = kept.get(lang or "", ([], True))
                if whole or len(pairs) >= at_least:
                    return pairs
        readers = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        allowed = None
        if filters:
            parts = evaluate(searcher, Everything(), filters, notes)
            allowed = []
            for reader, part in zip(readers, parts):
                mask = np.zeros(reader.doc_count_all(), dtype=bool)
                mask[part.docs] = True
                allowed.append(mask)
        return statistics.count(readers, allowed).get(lang or "", [])

    def values(self, field: str) -> dict[str, int]:
        """Every value of an attribute field (doc, lang, part, …) with the
        number of paragraphs that have it."""
        return self._guarded(lambda: dict(sorted(values(self._current().reader(), field).items())))

    def count(self) -> int:
        return self._guarded(lambda: self._current().doc_count())

    def holds(self, field: str, texts) -> bool:
        """Whether the index holds any of the terms in ``field``."""
        def read():
            readers = [sub.reader() for sub, _ in self._current().leaf_searchers()]
            return any(reader._terms.info(field, text.encode("utf-8")) is not None
                       for text in texts for reader in readers)

        return bool(texts) and self._guarded(read)

    def matches_any(self, tree) -> bool:
        """Whether any paragraph matches a query tree."""
        def read():
            return any(len(part) for part in evaluate(self._current(), tree))

        return self._guarded(read)

    def speller(self, extra: tuple[str, ...] = ()):
        """A speller over the index's lemmas and forms (with their paragraph
        counts) and ``extra`` words, built on first use and kept while the
        index is unchanged."""
        def read():
            searcher = self._current()
            if extra not in self._spellers:
                kept = kept_speller.read(Path(self._ix.storage.folder), searcher.reader().generation())
                self._spellers[extra] = kept.for_extra(extra) if kept is not None else kept_speller.make(
                    [sub.reader() for sub, _ in searcher.leaf_searchers()], extra)  # a small index's, made once
            return self._spellers[extra]

        return self._guarded(read)

def _signature(path, generation) -> Optional[tuple]:
    """What changes when a build commits or swaps generations: the marker
    file (replaced by a rebuild) and the live generation's folder (a commit
    adds a table of contents to it)."""
    try:
        marker = os.stat(os.path.join(path, store.MARKER))
        folder = os.stat(generation) if generation is not None else None
    except OSError:
        return None
    return marker.st_ino, marker.st_mtime_ns, folder and folder.st_mtime_ns


def _places_of(handles: list) -> list[tuple[str, int]]:
    """(document, ordinal) of candidates, from their ids ("doc:ordinal")."""
    return [place(reader, doc) for reader, doc, *_ in handles]


def _read_back(r: Ranked) -> Ranked:
    """A hit with its stored paragraph and its evidence in characters."""
    reader, doc, evidence, k, *proximity = r.handle
    stored = read_stored(reader.stored_fields(doc))
    found = evidence.evidence(k, proximity=not proximity or proximity[0])
    return Ranked(r.bm25f, locate(found, decode_spans(stored.spans)), stored, r.tier, r.place)


def _segment_forms(reader, docs: np.ndarray, evidence) -> list:
    """The rows of :meth:`Searcher.occurrence_forms` for paragraphs of one
    segment (None for one without occurrences)."""
    texts = reader._perdoc.surfaces()
    owners = {field: field_owners(reader, field) for field in ("doc", "part", "article", "lang")}
    single = evidence._first == evidence._last
    at = texts.starts[docs[evidence._doc]] + evidence._first
    numbers = np.where(single, texts.ids[np.minimum(at, len(texts.ids) - 1)].astype(np.int64), -1).tolist() \
        if len(at) else []
    words: dict[int, str] = {}
    bounds = evidence._bounds.tolist()
    rows = []
    for k, doc in enumerate(docs.tolist()):
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            rows.append(None)
            continue
        mine = numbers[lo:hi]
        if -1 in mine:  # an occurrence of several words: its text, as read
            stored = read_stored(reader.stored_fields(doc))
            located = locate(evidence.evidence(k, proximity=False), decode_spans(stored.spans))
            forms = [" ".join(stored.paragraph.text[s:e].split()).lower() for s, e, _, _ in located.occurrences]
        else:
            forms = [words[m] if m in words else words.setdefault(m, texts.word(m)) for m in mine]
        names = [owners[f][0][owners[f][1][doc]] if owners[f][1][doc] >= 0 else "" for f in ("doc", "part", "article", "lang")]
        rows.append((*names, _title_of(reader, doc), forms))
    return rows


def _title_of(reader, doc: int):
    """A reader of the paragraph's document title, read only if called."""
    return lambda: read_stored(reader.stored_fields(doc)).paragraph.title
