"""A paragraph as a Whoosh document, and back: the one place that knows
which fields the index stores and how.

A paragraph is stored as its text, its place, its attributes and the
character offsets of its word positions (a few bytes a word, so that
highlighting never tokenizes a text again); its analysis is not stored:
the segment writer puts it into the postings (:mod:`search.index.segments`),
and ranking reads it from there.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

import numpy as np

from ..analysis import analyze, encode
from ..analysis.analyze import spans
from ..models import Paragraph, StoredParagraph
from .arrays import decode_varints, encode_varints

#: Paragraph attributes kept in the stored ``meta`` field (the others are
#: fields of their own, which filters search, or which many paragraphs
#: share and the index keeps once a segment).
_META = ("paragraph", "footnote", "footnotes", "citation")


def to_fields(p: Paragraph) -> dict:
    """The stored fields of a paragraph (``text`` and ``lang`` are what the
    segment writer analyses; it adds ``spans``, :func:`encode_spans`)."""
    meta = {name: getattr(p, name) for name in _META if getattr(p, name)}
    return dict(id=p.id, source=p.source, doc=p.doc, lang=p.lang, kind=p.kind, part=p.part,
                article=p.article, ordinal=p.ordinal, title=p.title, section=p.section,
                article_title=p.article_title, text=p.text, meta=meta,
                context=titles(p.article_title, p.section, p.lang))


def encode_spans(text: str, found: Optional[list[str]] = None) -> bytes:
    """The offsets of the text's positions as varints: each position's start
    after the start before it, and its length (``found``: the text's words,
    uncut, if they were found already)."""
    values, before = [], 0
    for start, end in spans(text, found):
        values += (start - before, end - start)
        before = start
    if not values or max(values) < 0x80:  # every value one byte: the usual paragraph
        return bytes(values)
    return encode_varints(np.array(values, dtype=np.int64)).tobytes()


class Spans:
    """The offsets of a paragraph's positions, decoded at once and read one
    at a time: ``spans[i]`` is (start, end) of position i."""

    __slots__ = ("starts", "ends")

    def __init__(self, data: bytes) -> None:
        pairs = decode_varints(data).reshape(-1, 2)
        self.starts = np.cumsum(pairs[:, 0])
        self.ends = self.starts + pairs[:, 1]

    def __getitem__(self, i: int) -> tuple[int, int]:
        return int(self.starts[i]), int(self.ends[i])

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self):
        return zip(self.starts.tolist(), self.ends.tolist())


def decode_spans(data: bytes) -> Spans:
    """The offsets of every position, as :func:`encode_spans` stored them."""
    return Spans(data)


@lru_cache(maxsize=4096)
def titles(article_title: str, section: str, lang: str) -> str:
    """The ``context`` field: the lemmas of the titles a paragraph stands
    under, one slot a position as :func:`search.analysis.encode` writes
    them (the same for every paragraph of an article, so cached)."""
    text = " ".join(t for t in (article_title, section) if t)
    return encode(analyze(text, lang))[1] if text else ""


def read_stored(fields: dict) -> StoredParagraph:
    """A stored Whoosh document as the paragraph it came from."""
    meta = fields.get("meta", {})
    paragraph = Paragraph(
        id=fields["id"], source=fields.get("source", ""), doc=fields["doc"], title=fields.get("title", ""),
        ordinal=fields.get("ordinal", 0), text=fields["text"], kind=fields.get("kind", ""),
        part=fields.get("part", ""), section=fields.get("section", ""), article=fields.get("article", ""),
        article_title=fields.get("article_title", ""), paragraph=meta.get("paragraph", ""),
        footnote=meta.get("footnote", ""), footnotes=tuple(meta.get("footnotes", ())),
        lang=fields.get("lang", ""), citation=meta.get("citation", ""),
    )
    return StoredParagraph(paragraph, fields.get("spans", b""))
