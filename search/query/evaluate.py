"""Every match of a compiled query with its BM25F score, term at a time.

Whoosh scores a query by walking a tree of matchers paragraph by paragraph,
about 20 µs of Python per matching paragraph: most of a query's time.  What
the query compiler makes (terms combined by OR, AND and AND NOT, phrases,
prefixes) is scored here instead, from each term's postings read a block at
a time into dictionaries: BM25F sums with the same formula and statistics as
Whoosh's, so the scores agree with Whoosh's (a test compares them).
Anything else in the tree (match-all, a segment with deletions) is still
matched and scored by Whoosh, and combined the same way.

Scores are summed in query order for every paragraph, so they do not depend
on how the index is split into segments: an updated index ties exactly
where a fresh one does.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import lru_cache
from bisect import bisect_right
from itertools import accumulate, repeat
from typing import Optional
from weakref import WeakKeyDictionary

from whoosh import query as q
from whoosh.query import spans
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .compile import Items, is_filter

Scores = dict[int, float]
#: Paragraphs of filter terms, by open segment.
_DOCSETS: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()
#: Field lengths of every paragraph, by open segment.
_LENGTHS: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()


@dataclass
class SegmentMatches:
    """The matches of a query in one segment of the index."""

    searcher: object  # the segment's Whoosh searcher
    offset: int  # of its document numbers in the whole index
    scores: Scores  # by document number within the segment
    #: Query items each paragraph holds, for a query of items side by side
    #: (:class:`~search.query.compile.Items`); otherwise every match holds 1.
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


def graded_matches(searcher, query) -> list[SegmentMatches]:
    """Every paragraph ``query`` matches, with its score and the number of
    query items it holds, segment by segment."""
    query = expand_prefixes(searcher, query)
    stats = _Stats(searcher, _top_items(query))
    found = []
    for sub, offset in searcher.leaf_searchers():
        segment = _Segment(sub, stats)
        scores = segment.node(query)
        found.append(SegmentMatches(sub, offset, scores, segment.held))
    return found


def scored_matches(searcher, query) -> Scores:
    """{document number: score} of every paragraph ``query`` matches."""
    return {part.offset + doc: score for part in graded_matches(searcher, query)
            for doc, score in part.scores.items()}


def expand_prefixes(searcher, query):
    """The query with each prefix replaced by an OR of the index terms it
    stands for, found in the whole index.  Whoosh expands a prefix segment by
    segment, and scores it as a constant where a segment holds several of its
    terms but by BM25 where it holds one: scores that change with the
    segments an update happens to leave."""
    reader = searcher.reader()

    def expand(node):
        return node.simplify(reader) if isinstance(node, q.MultiTerm) else node

    return query.accept(expand)


class _Stats:
    """BM25 statistics of the whole index, looked up once per query rather
    than once per segment (Whoosh's scorer sums field lengths over every
    segment each time it is made)."""

    def __init__(self, searcher, top_items=None) -> None:
        self.searcher = searcher
        #: The items whose count grades every match, if the query has them.
        self.top_items = top_items
        weighting = searcher.weighting
        self.bm25 = type(weighting) is BM25F
        self._avgfl: dict[str, float] = {}

    def term(self, fieldname: str, text: bytes) -> tuple[float, float, float, float]:
        """(idf, average field length, B, K1) of a term."""
        weighting = self.searcher.weighting
        if fieldname not in self._avgfl:
            self._avgfl[fieldname] = self.searcher.avg_field_length(fieldname) or 1
        b = weighting._field_B.get(fieldname, weighting.B)
        return self.searcher.idf(fieldname, text), self._avgfl[fieldname], b, weighting.K1


class _Segment:
    def __init__(self, searcher, stats: _Stats) -> None:
        self.stats = stats
        self.searcher = searcher
        self.reader = searcher.reader()
        #: How many of the query's items each paragraph holds.
        self.held: Optional[dict[int, int]] = None

    def node(self, node) -> Scores:
        kind = type(node)
        if kind is q.Term:
            return self.term(node)
        if kind is q.Or and not node.scale:
            return _sum_union([self.node(child) for child in node.subqueries])
        if kind is Items:
            parts = [self.node(child) for child in node.subqueries]
            if node is self.stats.top_items:
                self.held = _count_held(parts)
            return _sum_union(parts)
        if kind is q.And:
            filters = [c for c in node.subqueries if _is_filter_term(c)]
            scored = [self.node(c) for c in node.subqueries if not _is_filter_term(c)]
            if not scored:
                return self.whoosh(node)
            found = _sum_intersection(scored)
            for term in filters:  # a paragraph's only posting of an ID is worth 1
                allowed = self.docset(term)
                found = {doc: score + term.boost for doc, score in found.items() if doc in allowed}
            return found
        if kind is spans.SpanNear2 and _is_plain_phrase(node):
            return self.phrase(node)
        if kind is q.AndNot:
            positive = self.node(node.a)
            excluded = self.node(node.b)
            return {doc: s for doc, s in positive.items() if doc not in excluded}
        return self.whoosh(node)

    def phrase(self, node) -> Scores:
        """Paragraphs where a term of each slot follows a term of the slot
        before, scored as Whoosh scores such a phrase: the sum of its terms'
        scores.  The slot with the fewest postings is read first; the others
        only in blocks that can hold its paragraphs, and positions are
        decoded only where every slot is present (Whoosh builds span objects
        for every paragraph that holds all the words)."""
        slots = [list(sub.subqs) if isinstance(sub, spans.SpanOr) else [sub] for sub in node.qs]
        order = sorted(range(len(slots)), key=lambda i: self.frequency(slots[i]))
        scores: list[Scores] = [{} for _ in slots]
        values: list[dict[int, list[bytes]]] = [{} for _ in slots]
        candidates: Optional[list[int]] = None
        for i in order:
            for term in slots[i]:
                self.read_slot_term(term, candidates, scores[i], values[i])
            common = set(scores[i]) if candidates is None else set(candidates).intersection(scores[i])
            candidates = sorted(common)
            if not candidates:
                return {}
        decode = [self.searcher.schema[terms[0].fieldname].format.decode_positions for terms in slots]
        boost = getattr(node, "boost", 1.0)  # set by the compiler on exact-form phrases
        found: Scores = {}
        for doc in candidates:
            chain = {p for v in values[0][doc] for p in decode[0](v)}
            for k in range(1, len(slots)):
                chain = {p + 1 for p in chain}.intersection(p for v in values[k][doc] for p in decode[k](v))
                if not chain:
                    break
            else:
                found[doc] = sum(part[doc] for part in scores) * boost
        return found

    def lookup(self, term) -> Optional[bytes]:
        """The term as the segment's lexicon holds it, if it holds it."""
        schema = self.searcher.schema
        if term.fieldname not in schema:
            return None
        try:
            text = schema[term.fieldname].to_bytes(term.text)
        except ValueError:
            return None
        return text if (term.fieldname, text) in self.reader else None

    def frequency(self, terms) -> int:
        texts = [(term.fieldname, self.lookup(term)) for term in terms]
        return sum(self.reader.doc_frequency(field, text) for field, text in texts if text is not None)

    def read_slot_term(self, term, candidates: Optional[list[int]], scores: Scores,
                       values: dict[int, list[bytes]]) -> None:
        """Add one term's scores and position values to its slot's, for the
        candidate paragraphs only (all when None), skipping blocks that
        cannot hold one."""
        text = self.lookup(term)
        if text is None:
            return
        postings = self.reader.postings(term.fieldname, text)
        lengths = self.lengths(term.fieldname)
        if not hasattr(postings, "_read_values") or lengths is None:
            # Whoosh's postings of another kind (a term inlined in the
            # lexicon, a segment with deletions): its scores, then the values.
            found = self.whoosh(term)
            postings = self.reader.postings(term.fieldname, text)
            wanted = None if candidates is None else set(candidates)
            while postings.is_active():
                doc = postings.id()
                if doc in found and (wanted is None or doc in wanted):
                    scores[doc] = scores.get(doc, 0.0) + found[doc]
                    values.setdefault(doc, []).append(postings.value())
                postings.next()
            return
        top, norm = _bm25_factors(self.stats.term(term.fieldname, text), term.boost)
        wanted = None if candidates is None else set(candidates)
        for ids, weights, block_values in _blocks(postings, candidates, with_values=True):
            if weights is None or isinstance(weights, float):
                weights = repeat(1.0 if weights is None else weights)
            for doc, tf, value in zip(ids, weights, block_values):
                if wanted is None or doc in wanted:
                    score = top * tf / (tf + norm[lengths[doc]])
                    scores[doc] = scores[doc] + score if doc in scores else score
                    values.setdefault(doc, []).append(value)

    def docset(self, term) -> frozenset[int]:
        """The paragraphs of a filter term, kept as long as the segment is
        open: "lang:uk" may hold every paragraph, too many to read again for
        every query."""
        cache = _DOCSETS.setdefault(self.reader, {})
        key = (term.fieldname, term.text)
        if key not in cache:
            found = frozenset(self.term(q.Term(term.fieldname, term.text)))
            # Memory stays within twice the segment's paragraph numbers.
            if sum(map(len, cache.values())) + len(found) > 2 * self.reader.doc_count_all():
                cache.clear()
            cache[key] = found
        return cache[key]

    def whoosh(self, node) -> Scores:
        """Whoosh's own matching and scoring, for the kinds of query not
        handled here."""
        matcher = node.matcher(self.searcher, self.searcher.context(needs_current=True))
        found: Scores = {}
        while matcher.is_active():
            found[matcher.id()] = matcher.score()
            matcher.next()
        return found

    def term(self, node) -> Scores:
        text = self.lookup(node)
        if text is None:
            return {}
        postings = self.reader.postings(node.fieldname, text)
        if not self.stats.bm25 or not hasattr(postings, "_read_data"):
            return self.whoosh(node)
        if not self.searcher.schema[node.fieldname].scorable:  # no lengths (lang, doc, …): Whoosh scores the weight
            return _weights(postings, node.boost)
        lengths = self.lengths(node.fieldname)
        if lengths is None:
            return self.whoosh(node)
        return _bm25(postings, lengths, self.stats.term(node.fieldname, text), node.boost)

    def lengths(self, fieldname: str) -> Optional[bytes]:
        """The field's length byte of every paragraph of the segment, read at
        once and kept while the segment is open."""
        cache = _LENGTHS.setdefault(self.reader, {})
        if fieldname not in cache:
            try:
                column = self.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                raw = column._dbfile.get(column._basepos, column._count)
            except AttributeError:  # another column layout: Whoosh scores it
                cache[fieldname] = None
            else:  # paragraphs past the column's end have length 0
                cache[fieldname] = bytes(raw) + bytes(max(0, self.reader.doc_count_all() - len(raw)))
        return cache[fieldname]


def _blocks(postings, candidates: Optional[list[int]] = None, with_values: bool = False):
    """(document numbers, weights[, position values]) of each block of a
    term's postings.

    Whoosh's matcher decodes document numbers with a Python generator and
    hands them out one call at a time; here a block is decoded at once
    (``accumulate`` undoes the delta coding).  Weights are None when all are
    1, a float when all are equal, an array otherwise.  Given ``candidates``
    (sorted document numbers), blocks that cannot hold one are skipped
    without being decoded.
    """
    last = -1  # the last document number of the block before
    while postings.is_active():
        block_max = postings.block_max_id()
        if candidates is not None:
            i = bisect_right(candidates, last)
            if i == len(candidates):
                return
            if candidates[i] > block_max:
                last = block_max
                postings._next_block()
                continue
        if with_values:
            postings._read_values()
        elif postings._data is None:
            postings._read_data()
        raw, weights = postings._data[0], postings._data[1]
        ids = raw if postings._byteids else accumulate(raw)
        yield (ids, weights, postings._values) if with_values else (ids, weights)
        last = block_max
        postings._next_block()


def _weights(postings, boost: float) -> Scores:
    found: Scores = {}
    for ids, weights in _blocks(postings):
        if weights is None or isinstance(weights, float):
            value = (1.0 if weights is None else weights) * boost
            found.update(dict.fromkeys(ids, value))
        else:
            found.update((doc, tf * boost) for doc, tf in zip(ids, weights))
    return found


def _bm25(postings, lengths: bytes, stats: tuple[float, float, float, float], boost: float) -> Scores:
    """BM25F of one term in every paragraph of its postings: Whoosh's formula
    (``whoosh.scoring.bm25``) with the length part looked up by length byte."""
    top, norm = _bm25_factors(stats, boost)
    found: Scores = {}
    for ids, weights in _blocks(postings):
        if weights is None or isinstance(weights, float):
            tf = 1.0 if weights is None else weights
            found.update({doc: top * tf / (tf + norm[lengths[doc]]) for doc in ids})
        else:
            found.update({doc: top * tf / (tf + norm[lengths[doc]]) for doc, tf in zip(ids, weights)})
    return found


def _bm25_factors(stats: tuple[float, float, float, float], boost: float) -> tuple[float, tuple[float, ...]]:
    """BM25F of weight tf at length byte n is ``top * tf / (tf + norm[n])``."""
    idf, avgfl, b, k1 = stats
    return idf * (k1 + 1) * boost, _length_norms(avgfl, b, k1)


@lru_cache(maxsize=64)
def _length_norms(avgfl: float, b: float, k1: float) -> tuple[float, ...]:
    """The length part of BM25 for each of Whoosh's 256 length bytes."""
    return tuple(k1 * ((1 - b) + b * byte_to_length(i) / avgfl) for i in range(256))


def _sum_union(parts: list[Scores]) -> Scores:
    found: Scores = {}
    for part in parts:
        for doc, score in part.items():
            found[doc] = found[doc] + score if doc in found else score
    return found


def _is_plain_phrase(node) -> bool:
    """Words side by side in order, each a term or an OR of terms of one
    positional field: what the query compiler makes of a quoted phrase."""
    if (node.slop, node.ordered, node.mindist) != (1, True, 1):
        return False
    slots = [sub.subqs if isinstance(sub, spans.SpanOr) else [sub] for sub in node.qs]
    terms = [t for slot in slots for t in slot]
    return bool(terms) and all(slot for slot in slots) and all(type(t) is q.Term for t in terms) \
        and len({t.fieldname for t in terms}) == 1


def _is_filter_term(node) -> bool:
    """A filter (prefixes are expanded by now).  Its fields are IDs: a
    paragraph's posting weighs 1, with no length to score."""
    return type(node) is q.Term and is_filter(node)


def _top_items(query):
    """The Items node every match of ``query`` passes through (items side by
    side, maybe with filters and exclusions), or None."""
    if type(query) is q.AndNot:
        return _top_items(query.a)
    if type(query) is q.And:
        scored = [c for c in query.subqueries if not _is_filter_term(c)]
        return _top_items(scored[0]) if len(scored) == 1 else None
    return query if type(query) is Items else None


def _count_held(parts: list[Scores]) -> dict[int, int]:
    held: dict[int, int] = {}
    for part in parts:
        for doc in part:
            held[doc] = held.get(doc, 0) + 1
    return held


def _sum_intersection(parts: list[Scores]) -> Scores:
    if len(parts) < 2:
        return parts[0] if parts else {}
    common = set(min(parts, key=len)).intersection(*parts)
    return {doc: sum(part[doc] for part in parts) for doc in common}
