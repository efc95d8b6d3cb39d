"""Every match of a compiled query with its BM25F score, term at a time.

Whoosh scores a query by walking a tree of matchers paragraph by paragraph,
about 20 µs of Python per matching paragraph.  The engine's query tree is
evaluated here instead, segment by segment, from each term's postings read
a block at a time into dictionaries, with the statistics of the whole index
(so a paragraph scores the same however an update split the index).  Scores
add up as Whoosh's BM25F adds them for the same query shapes; filters select
and do not score.

Scores are summed in query order for every paragraph, so they do not depend
on how the index is split into segments: an updated index ties exactly
where a fresh one does.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Optional

from ..query.tree import AllOf, AnyOf, Everything, Exclude, Filter, Items, Node, Phrase, Prefix, Term
from . import bm25
from .filters import Resolved, resolve
from .postings import blocks, lengths, live_docs, lookup

Scores = dict[int, float]


@dataclass
class SegmentMatches:
    """The matches of a query in one segment of the index."""

    reader: object  # the segment's Whoosh reader
    offset: int  # of its document numbers in the whole index
    scores: Scores  # by document number within the segment
    #: Query items each paragraph holds, for a query of items side by side;
    #: otherwise every match holds 1.
    held: Optional[dict[int, int]] = None

    def grade(self, doc: int) -> tuple[int, float]:
        return (self.held.get(doc, 1) if self.held is not None else 1), self.scores[doc]

    def best(self, n: int) -> list[int]:
        """The ``n`` best paragraphs by grade (ties in any order), found level
        by level of items held: a key function per paragraph would cost more
        than the scoring."""
        score = self.scores.__getitem__
        if self.held is None:
            return heapq.nlargest(n, self.scores, key=score)
        found: list[int] = []
        for level in sorted(set(self.held.values()), reverse=True):
            docs = [doc for doc, held in self.held.items() if held == level and doc in self.scores]
            found += heapq.nlargest(n - len(found), docs, key=score)
            if len(found) >= n:
                break
        return found


def evaluate(searcher, tree: Node, filters: tuple[Filter, ...] = (),
             notes: Optional[list[str]] = None) -> list[SegmentMatches]:
    """Every paragraph ``tree`` matches that passes ``filters``, with its
    score and the number of query items it holds, segment by segment.
    Filter values the index does not hold are described in ``notes``."""
    reader = searcher.reader()
    prepared = _prepare(tree, reader, notes)
    allowed = [resolve(f, reader, notes) for f in filters]
    stats = _Statistics(searcher)
    top_items = _top_items(prepared)
    found = []
    for sub, offset in searcher.leaf_searchers():
        segment = _Segment(sub.reader(), stats, top_items)
        scores = segment.node(prepared)
        for filter_ in allowed:
            docs = segment.docset(filter_)
            scores = {doc: s for doc, s in scores.items() if doc in docs}
        found.append(SegmentMatches(sub.reader(), offset, scores, segment.held))
    return found


#: A prefix expands to at most this many index terms (the most frequent
#: part of the vocabulary is not worth a slow query).
MAX_EXPANSIONS = 2000


def _prepare(node: Node, reader, notes: Optional[list[str]]) -> Node:
    """The tree with each prefix replaced by the terms it stands for in the
    whole index (Whoosh expands a prefix per segment, so its scores changed
    with the segments an update left), and each filter resolved."""
    if isinstance(node, Prefix):
        terms = []
        for raw in reader.expand_prefix(node.field, node.stem):
            terms.append(Term(node.field, raw.decode("utf-8") if isinstance(raw, bytes) else raw))
            if len(terms) == MAX_EXPANSIONS:
                break
        return AnyOf(tuple(terms))
    if isinstance(node, Filter):
        return resolve(node, reader, notes)
    if isinstance(node, (AnyOf, Items, AllOf)):
        return type(node)(tuple(_prepare(c, reader, notes) for c in node.children))
    if isinstance(node, Exclude):
        return Exclude(_prepare(node.positive, reader, notes), _prepare(node.negative, reader, notes))
    return node


class _Statistics:
    """BM25 statistics of the whole index, looked up once per query and term
    rather than once per segment."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._avgfl: dict[str, float] = {}
        self._factors: dict[tuple[str, bytes, float], bm25.Factors] = {}

    def factors(self, field: str, raw: bytes, boost: float) -> bm25.Factors:
        key = (field, raw, boost)
        if key not in self._factors:
            if field not in self._avgfl:
                self._avgfl[field] = self.searcher.avg_field_length(field) or 1
            self._factors[key] = bm25.factors(self.searcher.idf(field, raw), self._avgfl[field], boost)
        return self._factors[key]


class _Segment:
    def __init__(self, reader, stats: _Statistics, top_items: Optional[Items]) -> None:
        self.reader = reader
        self.stats = stats
        self.top_items = top_items
        #: How many of the query's items each paragraph holds.
        self.held: Optional[dict[int, int]] = None

    def node(self, node: Node) -> Scores:
        kind = type(node)
        if kind is Term:
            return self.term(node)
        if kind is AnyOf:
            return _sum_union([self.node(child) for child in node.children])
        if kind is Items:
            parts = [self.node(child) for child in node.children]
            if node is self.top_items:
                self.held = _count_held(parts)
            return _sum_union(parts)
        if kind is AllOf:
            return self.all_of(node)
        if kind is Phrase:
            return self.phrase(node)
        if kind is Exclude:
            excluded = self.node(node.negative)
            return {doc: s for doc, s in self.node(node.positive).items() if doc not in excluded}
        if kind is Resolved:
            return dict.fromkeys(self.docset(node), 0.0)
        if kind is Everything:
            return dict.fromkeys(live_docs(self.reader), 0.0)
        raise TypeError(f"cannot evaluate {node!r}")

    def all_of(self, node: AllOf) -> Scores:
        filters = [c for c in node.children if type(c) is Resolved]
        scored = [self.node(c) for c in node.children if type(c) is not Resolved]
        if scored:
            found = _sum_intersection(scored)
        else:
            found = dict.fromkeys(live_docs(self.reader), 0.0)
        for filter_ in filters:
            allowed = self.docset(filter_)
            found = {doc: s for doc, s in found.items() if doc in allowed}
        return found

    def term(self, term: Term) -> Scores:
        raw = lookup(self.reader, term.field, term.text)
        if raw is None:
            return {}
        f = self.stats.factors(term.field, raw, term.boost)
        field_lengths = lengths(self.reader, term.field)
        found: Scores = {}
        for block in blocks(self.reader, term.field, raw):
            found.update(bm25.term_scores(block.ids, block.weights, field_lengths, f))
        return found

    def phrase(self, node: Phrase) -> Scores:
        """Paragraphs where a term of each slot follows a term of the slot
        before, scored as the sum of its terms' scores (times the phrase's
        boost).  The slot with the fewest postings is read first; the others
        only in blocks that can hold its paragraphs, and positions are
        decoded only where every slot is present."""
        slots = node.slots
        order = sorted(range(len(slots)), key=lambda i: self.frequency(slots[i]))
        scores: list[Scores] = [{} for _ in slots]
        values: list[dict[int, list]] = [{} for _ in slots]
        candidates: Optional[list[int]] = None
        for i in order:
            for term in slots[i]:
                self.read_slot_term(term, candidates, scores[i], values[i])
            common = set(scores[i]) if candidates is None else set(candidates).intersection(scores[i])
            candidates = sorted(common)
            if not candidates:
                return {}
        decode = [self.reader.schema[slot[0].field].format.decode_positions for slot in slots]
        found: Scores = {}
        for doc in candidates:
            chain = {p for v in values[0][doc] for p in decode[0](v)}
            for k in range(1, len(slots)):
                chain = {p + 1 for p in chain}.intersection(p for v in values[k][doc] for p in decode[k](v))
                if not chain:
                    break
            else:
                found[doc] = sum(part[doc] for part in scores) * node.boost
        return found

    def frequency(self, terms: tuple[Term, ...]) -> int:
        found = [(t.field, lookup(self.reader, t.field, t.text)) for t in terms]
        return sum(self.reader.doc_frequency(field, raw) for field, raw in found if raw is not None)

    def read_slot_term(self, term: Term, candidates: Optional[list[int]], scores: Scores,
                       values: dict[int, list]) -> None:
        """Add one term's scores and position values to its slot's, for the
        candidate paragraphs only (all when None)."""
        raw = lookup(self.reader, term.field, term.text)
        if raw is None:
            return
        f = self.stats.factors(term.field, raw, term.boost)
        field_lengths = lengths(self.reader, term.field)
        wanted = None if candidates is None else set(candidates)
        for block in blocks(self.reader, term.field, raw, candidates, with_values=True):
            ids = list(block.ids)
            block_scores = bm25.term_scores(ids, block.weights, field_lengths, f)
            for doc, value in zip(ids, block.values):
                if wanted is None or doc in wanted:
                    scores[doc] = scores.get(doc, 0.0) + block_scores[doc]
                    values.setdefault(doc, []).append(value)

    def docset(self, resolved: Resolved) -> frozenset[int]:
        return resolved.docs(self.reader)


def _sum_union(parts: list[Scores]) -> Scores:
    found: Scores = {}
    for part in parts:
        for doc, score in part.items():
            found[doc] = found[doc] + score if doc in found else score
    return found


def _sum_intersection(parts: list[Scores]) -> Scores:
    if len(parts) < 2:
        return parts[0] if parts else {}
    common = set(min(parts, key=len)).intersection(*parts)
    return {doc: sum(part[doc] for part in parts) for doc in common}


def _count_held(parts: list[Scores]) -> dict[int, int]:
    held: dict[int, int] = {}
    for part in parts:
        for doc in part:
            held[doc] = held.get(doc, 0) + 1
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
