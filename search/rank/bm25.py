"""BM25F, the one formula every term score comes from.

Whoosh's BM25F (``whoosh.scoring.bm25``) for a term of frequency ``tf`` in a
paragraph whose field length Whoosh stores as the byte ``n``::

    idf * (k1 + 1) * tf / (tf + k1 * ((1 - b) + b * length(n) / avgfl))  × boost

is written here as ``top * tf / (tf + norm[n])`` with the length part
looked up per length byte, so the scores agree with Whoosh's to the last
bit (a test compares them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, NamedTuple

from whoosh.util.numeric import byte_to_length

#: Whoosh's defaults, which the index is searched with.
K1 = 1.2
B = 0.75


class Factors(NamedTuple):
    """The two parts of a term's BM25F that do not depend on the paragraph."""

    top: float
    norm: tuple[float, ...]  # by length byte


def factors(idf: float, avgfl: float, boost: float = 1.0, b: float = B, k1: float = K1) -> Factors:
    return Factors(idf * (k1 + 1) * boost, _length_norms(avgfl, b, k1))


@lru_cache(maxsize=64)
def _length_norms(avgfl: float, b: float, k1: float) -> tuple[float, ...]:
    """The length part of BM25 for each of Whoosh's 256 length bytes."""
    return tuple(k1 * ((1 - b) + b * byte_to_length(i) / avgfl) for i in range(256))


def term_scores(ids: Iterable[int], tfs: Iterable[float], lengths: bytes, f: Factors) -> dict[int, float]:
    """The term's score in each paragraph ``ids`` whose frequencies are
    ``tfs``; ``lengths`` holds every paragraph's length byte."""
    top, norm = f
    return {doc: top * tf / (tf + norm[lengths[doc]]) for doc, tf in zip(ids, tfs)}
