"""A term's postings as arrays, and what a segment knows of every paragraph.

The codec (:mod:`search.index.codec`) decodes a term's document numbers,
frequencies, positions and flags as whole numpy arrays.  Paragraphs an
update replaced are still in their segments, marked deleted: they are
dropped here, so nothing downstream meets them, and every statistic
(:func:`live_length`) leaves them out.  This module and the searcher are
the only ones that know how the index lays postings out.
"""

from __future__ import annotations

from typing import NamedTuple, Optional
from weakref import WeakKeyDictionary

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

from ..index.arrays import ranges
from ..index.codec import EXACT_LENGTH, exact_length_column, read_field

#: What is read once per open segment reader and kept while it is open.
_CACHE: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_set`` (sorted): np.isin for the
    sorted arrays postings are, a bisection each."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == len(sorted_set)] = 0
    return sorted_set[at] == values


def _cached(reader, key, make):
    cache = _CACHE.setdefault(reader, {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


class TermHits(NamedTuple):
    """One term's live postings in one segment: sorted document numbers,
    frequencies, and where each posting's positions start in ``positions``
    (read only when asked for)."""

    ids: np.ndarray
    freqs: np.ndarray
    source: object  # the codec's Postings
    kept: Optional[np.ndarray]  # where the live postings stand among all, None when none is deleted

    def entries_in(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(index in ``docs`` (sorted), position, flags) of every position
        of the term in those paragraphs; only their postings are touched."""
        if not len(self.ids):
            none = np.zeros(0, dtype=np.int64)
            return none, none, none.astype(np.uint8)
        where = np.searchsorted(self.ids, docs)
        inside = where < len(self.ids)
        inside[inside] = self.ids[where[inside]] == docs[inside]
        chosen = where[inside]
        if self.kept is not None:  # numbered among all postings, deleted ones too
            chosen = self.kept[chosen]
        counts = self.source.freqs[chosen]
        at = ranges(self.source.first_entries()[chosen], counts)
        return np.repeat(np.flatnonzero(inside), counts), self.source.positions()[at], self.source.flags()[at]


EMPTY = TermHits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), None, None)


def term_hits(reader, field: str, text: str) -> TermHits:
    """The live postings of a term in one segment (empty if it has none)."""
    if field not in reader.schema:
        return EMPTY
    try:
        raw = reader.schema[field].to_bytes(text)
    except ValueError:
        return EMPTY
    found = reader._terms.postings(field, raw)
    if found is None:
        return EMPTY
    live = live_mask(reader)
    if live is None:
        return TermHits(found.ids, found.freqs, found, None)
    kept = np.flatnonzero(live[found.ids])
    return TermHits(found.ids[kept], found.freqs[kept], found, kept)


def live_mask(reader) -> Optional[np.ndarray]:
    """Which paragraphs of the segment are live; None when all are."""
    if not reader.has_deletions():
        return None

    def make():
        mask = np.ones(reader.doc_count_all(), dtype=bool)
        mask[list(reader.segment().deleted_docs())] = False
        return mask

    return _cached(reader, "live", make)


def live_docs(reader) -> np.ndarray:
    """Every live paragraph of the segment."""
    live = live_mask(reader)
    return np.arange(reader.doc_count_all()) if live is None else np.flatnonzero(live)


def lengths(reader, field: str) -> np.ndarray:
    """The field's length byte of every paragraph of the segment."""
    def make():
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        found = np.zeros(reader.doc_count_all(), dtype=np.uint8)
        if column is not None:
            raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
            found[:len(raw)] = raw
        return found

    return _cached(reader, ("lengths", field), make)


def live_length(reader, field: str) -> int:
    """The total length of the field over the segment's live paragraphs."""
    def make():
        total = reader.field_length(field)
        live = live_mask(reader)
        if live is None:
            return total
        exact = _numbers(reader, exact_length_column(field), EXACT_LENGTH)
        return total - int(exact[~live].sum())

    return _cached(reader, ("length", field), make)


def _numbers(reader, name: str, column) -> np.ndarray:
    """A whole numeric column of the segment as an array, read at once."""
    found = np.full(reader.doc_count_all(), column._default, dtype=np.int64)
    if reader._perdoc.has_column(name):
        col = reader._perdoc.column_reader(name, column)
        raw = np.frombuffer(col._dbfile.get(col._basepos, col._count * col._fixedlen), dtype=">" + col._typecode)
        found[:len(raw)] = raw
    return found


def field_owners(reader, field: str) -> tuple[list, np.ndarray]:
    """The values of a field with one value per paragraph (``doc``,
    ``lang``…) and, for every paragraph, the index of its value (-1: none)."""
    def make():
        found = read_field(reader._terms, field)
        owner = np.full(reader.doc_count_all(), -1, dtype=np.int64)
        owner[found.doc] = found.term
        return [t.decode("utf-8") for t in found.terms], owner

    return _cached(reader, ("owners", field), make)


def ordinals(reader) -> np.ndarray:
    """Every paragraph's ordinal in its document."""
    return _cached(reader, "ordinals", lambda: _numbers(reader, "ordinal", reader.schema["ordinal"].column_type))


def place_keys(readers: list) -> list[np.ndarray]:
    """For each segment, every paragraph's place in document order,
    (document, ordinal), as one number that sorts the same way."""
    owners = [field_owners(r, "doc") for r in readers]
    names = sorted(set().union(*(set(n) for n, _ in owners)))
    rank = {name: i for i, name in enumerate(names)}
    found = []
    for reader, (seg_names, owner) in zip(readers, owners):
        ranks = np.array([rank[n] for n in seg_names] + [0], dtype=np.int64)
        found.append((ranks[owner] << 32) | ordinals(reader))
    return found
