"""BM25F, the one formula every term score comes from.

Whoosh's BM25F (``whoosh.scoring.bm25``) for a term of frequency ``tf`` in a
paragraph whose field length Whoosh stores as the byte ``n``::

    idf * (k1 + 1) * tf / (tf + k1 * ((1 - b) + b * length(n) / avgfl))  × boost

is written here as ``top * tf / (tf + norm[n])`` with the length part
looked up per length byte, and computed for a whole array of postings at
once in the same order of floating-point operations, so the scores agree
with Whoosh's to the last bit (a test compares them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from whoosh.util.numeric import byte_to_length

#: Whoosh's defaults, which the index is searched with.
K1 = 1.2
B = 0.75


class Factors(NamedTuple):
    """The two parts of a term's BM25F that do not depend on the paragraph."""

    top: float
    norm: np.ndarray  # by length byte


def factors(idf: float, avgfl: float, boost: float = 1.0, b: float = B, k1: float = K1) -> Factors:
    return Factors(idf * (k1 + 1) * boost, _length_norms(avgfl, b, k1))


@lru_cache(maxsize=64)
def _length_norms(avgfl: float, b: float, k1: float) -> np.ndarray:
    """The length part of BM25 for each of Whoosh's 256 length bytes."""
    return np.array([k1 * ((1 - b) + b * byte_to_length(i) / avgfl) for i in range(256)])


def term_scores(tfs: np.ndarray, length_bytes: np.ndarray, f: Factors) -> np.ndarray:
    """The term's score in paragraphs whose frequencies are ``tfs`` and
    whose field length bytes are ``length_bytes``."""
    top, norm = f
    tf = tfs.astype(np.float64)
    return top * tf / (tf + norm[length_bytes])
