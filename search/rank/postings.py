"""A term's postings, a block at a time, from Whoosh's segment files.

Whoosh's matchers decode document numbers with a Python generator and hand
them out one call at a time; here a block is decoded at once (``accumulate``
undoes the delta coding).  Paragraphs another writer deleted are dropped
here, so the scorer never meets them.  This module and the searcher are the
only ones that know how Whoosh lays postings out.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, repeat
from typing import Iterator, NamedTuple, Optional
from weakref import WeakKeyDictionary

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher

#: Field lengths of every paragraph, by open segment reader.
_LENGTHS: "WeakKeyDictionary[object, dict]" = WeakKeyDictionary()


class Block(NamedTuple):
    """Document numbers, term frequencies and position values of one block
    (values only when asked for)."""

    ids: Iterator[int]
    weights: Iterator[float]
    values: Optional[tuple] = None


def lookup(reader, field: str, text: str) -> Optional[bytes]:
    """The term as the segment's lexicon holds it, if it holds it."""
    schema = reader.schema
    if field not in schema:
        return None
    try:
        raw = schema[field].to_bytes(text)
    except ValueError:
        return None
    return raw if (field, raw) in reader else None


def blocks(reader, field: str, raw: bytes, candidates: Optional[list[int]] = None,
           with_values: bool = False) -> Iterator[Block]:
    """The blocks of a term's postings in one segment.  Given
    ``candidates`` (sorted document numbers), blocks that cannot hold one
    are skipped without being decoded."""
    postings = reader.postings(field, raw)
    deleted = None
    if isinstance(postings, FilterMatcher):  # the reader's filter of deletions
        deleted, postings = postings._ids, postings.child
    found = _leaf_blocks(postings, candidates, with_values) if isinstance(postings, W3LeafMatcher) \
        else _matcher_blocks(postings, with_values)
    if deleted is None:
        yield from found
        return
    for block in found:
        values = repeat(None) if block.values is None else block.values
        kept = [(doc, w, v) for doc, w, v in zip(block.ids, block.weights, values) if doc not in deleted]
        yield Block(iter([doc for doc, _, _ in kept]), iter([w for _, w, _ in kept]),
                    None if block.values is None else tuple(v for _, _, v in kept))


def _leaf_blocks(postings, candidates: Optional[list[int]], with_values: bool) -> Iterator[Block]:
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
        ids = iter(raw) if postings._byteids else accumulate(raw)
        # Weights are None when all are 1, a float when all are equal.
        if weights is None or isinstance(weights, float):
            weights = repeat(1.0 if weights is None else weights)
        yield Block(ids, iter(weights), postings._values if with_values else None)
        last = block_max
        postings._next_block()


def _matcher_blocks(postings, with_values: bool) -> Iterator[Block]:
    """Postings of another kind (a rare term's, inlined in the lexicon) as
    one block, read through the matcher interface."""
    ids, weights, values = [], [], []
    while postings.is_active():
        ids.append(postings.id())
        weights.append(postings.weight())
        if with_values:
            values.append(postings.value())
        postings.next()
    yield Block(iter(ids), iter(weights), tuple(values) if with_values else None)


def lengths(reader, field: str) -> bytes:
    """The field's length byte of every paragraph of the segment, read at
    once and kept while the segment is open."""
    cache = _LENGTHS.setdefault(reader, {})
    if field not in cache:
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
        # Paragraphs past the column's end have length 0.
        cache[field] = bytes(raw) + bytes(max(0, reader.doc_count_all() - len(raw)))
    return cache[field]


def live_docs(reader) -> list[int]:
    """Every paragraph of the segment that is not deleted."""
    return list(reader.all_doc_ids())
