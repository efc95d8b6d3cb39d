"""Text → positions of word forms and lemmas; the only user of pymorphy3.

``normalize`` cleans Unicode (for sources and queries alike) and folds a
word to its index key.

``tokenize`` finds words with their character offsets (keeping apostrophes
and hyphens inside words), ``morph`` lemmatizes one folded word in one
language with a cache, and ``analyze`` turns a paragraph into the positions
the index stores: each position carries its exact forms and all its lemmas,
so an ambiguous word and a hyphenated compound stay at the right place for
phrase queries.  Nothing here imports Whoosh.
"""

from .analyze import Position, analyze, decode, encode

__all__ = ["Position", "analyze", "decode", "encode"]
