"""Every match of a compiled query with its BM25F score, on whole arrays.

Whoosh scores a query by walking a tree of matchers paragraph by paragraph,
about 20 µs of Python per matching paragraph.  The engine's query tree is
evaluated here instead, segment by segment, a node at a time on numpy
arrays: a term's postings are decoded at once (:mod:`search.rank.postings`),
scored at once, and OR, AND, NOT and phrases are operations on sorted
arrays of paragraph numbers.

Statistics are those of the whole index's live paragraphs (so a paragraph
scores the same however an update split the index, and paragraphs an
update replaced count for nothing), and scores add up as Whoosh's BM25F
adds them, in query order for every paragraph: the same floating-point
operations in the same order, so an updated index ties exactly where a
fresh one does.  Filters select and do not score.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log
from typing import Optional

import numpy as np

from ..query.tree import AllOf, AnyOf, Everything, Exclude, Filter, Items, Node, Phrase, Prefix, Term
from . import bm25
from .filters import Resolved, resolve
from .postings import EMPTY, TermHits, lengths, live_docs, live_length, live_mask, member, term_hits

NONE = np.zeros(0, dtype=np.int64)


@dataclass
class Scored:
    """Paragraphs (sorted, unique) of one segment and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)


EMPTY_SCORES = Scored(NONE, np.zeros(0))


@dataclass
class SegmentMatches:
    """The matches of a query in one segment of the index."""

    reader: object  # the segment's Whoosh reader
    offset: int  # of its document numbers in the whole index
    docs: np.ndarray  # matching paragraphs, sorted
    scores: np.ndarray  # their scores
    #: Query items each paragraph holds, for a query of items side by side;
    #: otherwise every match holds 1.
    held: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return len(self.docs)

    def items_held(self) -> np.ndarray:
        return self.held if self.held is not None else np.ones(len(self.docs), dtype=np.int64)

    def best(self, n: int) -> np.ndarray:
        """Indices (into ``docs``) of the ``n`` best matches by items held,
        then score (ties in any order)."""
        if len(self.docs) <= n:
            return np.arange(len(self.docs))
        held = self.items_held()
        levels = np.unique(held)[::-1]
        found = []
        for level in levels:
            at = np.flatnonzero(held == level)
            want = n - sum(len(f) for f in found)
            if len(at) > want:
                at = at[np.argpartition(-self.scores[at], want - 1)[:want]]
            found.append(at)
            if sum(len(f) for f in found) >= n:
                break
        return np.concatenate(found)


def evaluate(searcher, tree: Node, filters: tuple[Filter, ...] = (),
             notes: Optional[list[str]] = None, query: Optional["Query"] = None) -> list[SegmentMatches]:
    """Every paragraph ``tree`` matches that passes ``filters``, with its
    score and the number of query items it holds, segment by segment.
    Filter values the index does not hold are described in ``notes``;
    ``query`` keeps the postings read, for the evidence read next."""
    reader = searcher.reader()
    prepared = _prepare(tree, reader, notes)
    allowed = [resolve(f, reader, notes) for f in filters]
    query = query or Query(searcher)
    top_items = _top_items(prepared)
    found = []
    for n, (sub, offset) in enumerate(searcher.leaf_searchers()):
        segment = _Segment(query, n, sub.reader(), top_items)
        scored = segment.node(prepared)
        for filter_ in allowed:
            keep = segment.allows(filter_, scored.docs)
            scored = Scored(scored.docs[keep], scored.scores[keep])
        held = segment.held[scored.docs] if segment.held is not None else None
        found.append(SegmentMatches(sub.reader(), offset, scored.docs, scored.scores, held))
    return found


#: A prefix expands to at most this many index terms (the most frequent
#: part of the vocabulary is not worth a slow query).
MAX_EXPANSIONS = 2000


def _prepare(node: Node, reader, notes: Optional[list[str]]) -> Node:
    """The tree with each prefix replaced by the terms it stands for in the
    whole index (Whoosh expands a prefix per segment, so its scores changed
    with the segments an update left), and each filter resolved."""
    if isinstance(node, Prefix):
        return AnyOf(tuple(Term(node.field, t) for t in expand(reader, node.field, node.stem)))
    if isinstance(node, Filter):
        return resolve(node, reader, notes)
    if isinstance(node, (AnyOf, Items, AllOf)):
        return type(node)(tuple(_prepare(c, reader, notes) for c in node.children))
    if isinstance(node, Exclude):
        return Exclude(_prepare(node.positive, reader, notes), _prepare(node.negative, reader, notes))
    return node


def expand(reader, field: str, stem: str) -> list[str]:
    """The index terms of ``field`` that start with ``stem`` (at most
    MAX_EXPANSIONS, in the index's order)."""
    terms = []
    for raw in reader.expand_prefix(field, stem):
        terms.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if len(terms) == MAX_EXPANSIONS:
            break
    return terms


class Query:
    """What one query reads from the whole index, read once: each term's
    live postings in every segment, its document frequency, and the BM25
    statistics of the live paragraphs."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.readers = [sub.reader() for sub, _ in searcher.leaf_searchers()]
        self._hits: dict[tuple[int, str, str], TermHits] = {}
        self._factors: dict[tuple[str, str, float], bm25.Factors] = {}
        self._avgfl: dict[str, float] = {}
        self._count: Optional[int] = None

    def hits(self, segment: int, field: str, text: str) -> TermHits:
        key = (segment, field, text)
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = term_hits(self.readers[segment], field, text)
        return found

    def doc_frequency(self, field: str, text: str) -> int:
        return sum(len(self.hits(n, field, text).ids) for n in range(len(self.readers)))

    def factors(self, field: str, text: str, boost: float) -> bm25.Factors:
        key = (field, text, boost)
        if key not in self._factors:
            if self._count is None:
                self._count = sum(r.doc_count() for r in self.readers)
            if field not in self._avgfl:
                total = sum(live_length(r, field) for r in self.readers)
                self._avgfl[field] = (total / (self._count or 1)) or 1
            # Whoosh's BM25F idf, over live paragraphs.
            idf = log(self._count / (self.doc_frequency(field, text) + 1)) + 1
            self._factors[key] = bm25.factors(idf, self._avgfl[field], boost)
        return self._factors[key]


class _Segment:
    def __init__(self, query: Query, number: int, reader, top_items: Optional[Items]) -> None:
        self.query = query
        self.number = number
        self.reader = reader
        self.top_items = top_items
        #: How many of the query's items each paragraph of the segment holds.
        self.held: Optional[np.ndarray] = None

    def node(self, node: Node) -> Scored:
        kind = type(node)
        if kind is Term:
            return self.term(node)
        if kind is AnyOf:
            return self.union([self.node(child) for child in node.children])
        if kind is Items:
            parts = [self.node(child) for child in node.children]
            found = self.union(parts)
            if node is self.top_items:
                self.held = _count_held(parts, self.reader.doc_count_all())
            return found
        if kind is AllOf:
            return self.all_of(node)
        if kind is Phrase:
            return self.phrase(node)
        if kind is Exclude:
            positive = self.node(node.positive)
            keep = ~member(positive.docs, self.node(node.negative).docs)
            return Scored(positive.docs[keep], positive.scores[keep])
        if kind is Resolved:
            docs = live_docs(self.reader)
            docs = docs[self.allows(node, docs)]
            return Scored(docs, np.zeros(len(docs)))
        if kind is Everything:
            docs = live_docs(self.reader)
            return Scored(docs, np.zeros(len(docs)))
        raise TypeError(f"cannot evaluate {node!r}")

    def term(self, term: Term) -> Scored:
        hits = self.query.hits(self.number, term.field, term.text)
        if not len(hits.ids):
            return EMPTY_SCORES
        f = self.query.factors(term.field, term.text, term.boost)
        return Scored(hits.ids, bm25.term_scores(hits.freqs, lengths(self.reader, term.field)[hits.ids], f))

    def union(self, parts: list[Scored]) -> Scored:
        """Paragraphs any part holds, their scores summed in part order."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return EMPTY_SCORES
        if len(parts) == 1:
            return parts[0]
        total = np.zeros(self.reader.doc_count_all())
        present = np.zeros(len(total), dtype=bool)
        for part in parts:
            total[part.docs] += part.scores
            present[part.docs] = True
        docs = np.flatnonzero(present)
        return Scored(docs, total[docs])

    def all_of(self, node: AllOf) -> Scored:
        filters = [c for c in node.children if type(c) is Resolved]
        scored = [self.node(c) for c in node.children if type(c) is not Resolved]
        if scored:
            found = _intersection(scored)
        else:
            docs = live_docs(self.reader)
            found = Scored(docs, np.zeros(len(docs)))
        for filter_ in filters:
            keep = self.allows(filter_, found.docs)
            found = Scored(found.docs[keep], found.scores[keep])
        return found

    def phrase(self, node: Phrase) -> Scored:
        """Paragraphs where a term of each slot follows a term of the slot
        before, scored as the sum of its terms' scores (times the phrase's
        boost)."""
        slots = [self.union([self.term(t) for t in slot]) for slot in node.slots]
        if not all(len(s) for s in slots):
            return EMPTY_SCORES
        found = _intersection(slots)
        if not len(found):
            return EMPTY_SCORES
        # (paragraph, position of the phrase's first word) where each slot
        # fits, kept only where every slot does.
        starts = None
        for k, slot in enumerate(node.slots):
            keys = np.unique(np.concatenate([self._position_keys(t, found.docs, k) for t in slot]))
            starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
            if not len(starts):
                return EMPTY_SCORES
        keep = member(found.docs, np.unique(starts >> 32))
        return Scored(found.docs[keep], found.scores[keep] * node.boost)

    def _position_keys(self, term: Term, docs: np.ndarray, shift: int) -> np.ndarray:
        """paragraph << 32 | (position - shift) of every position of the
        term in ``docs``."""
        hits = self.query.hits(self.number, term.field, term.text)
        if not len(hits.ids):
            return NONE
        which, positions, _ = hits.entries_in(docs)
        return (docs[which].astype(np.int64) << 32) + (positions - shift)

    def allows(self, resolved: Resolved, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` the filter lets through."""
        return resolved.mask(self.reader)[docs]


def _intersection(parts: list[Scored]) -> Scored:
    """Paragraphs every part holds, their scores summed in part order."""
    if len(parts) == 1:
        return parts[0]
    common = parts[0].docs
    for part in parts[1:]:
        common = np.intersect1d(common, part.docs, assume_unique=True)
    total = np.zeros(len(common))
    for part in parts:
        total += part.scores[np.searchsorted(part.docs, common)]
    return Scored(common, total)


def _count_held(parts: list[Scored], size: int) -> np.ndarray:
    """How many of the parts hold each paragraph of a segment of ``size``."""
    held = np.zeros(size, dtype=np.int64)
    for part in parts:
        held[part.docs] += 1
    return held


def _top_items(node: Node) -> Optional[Items]:
    """The Items node every match of the query passes through (items side
    by side, maybe with filters and exclusions), or None."""
    if type(node) is Exclude:
        return _top_items(node.positive)
    if type(node) is AllOf:
        scored = [c for c in node.children if type(c) is not Resolved]
        return _top_items(scored[0]) if len(scored) == 1 else None
    return node if type(node) is Items else None
