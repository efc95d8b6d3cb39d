"""A paragraph as a Whoosh document, and back: the one place that knows
which fields the index stores and how.

Analysis happens once, here, when a paragraph is written: its positions go
to the ``form`` and ``lemma`` fields and, with their offsets, to the stored
``analysis`` that ranking and highlighting read back.
"""

from __future__ import annotations

from functools import lru_cache

from ..analysis import analyze, encode
from ..models import Paragraph, StoredParagraph

#: Paragraph attributes kept in the stored ``meta`` field (the others are
#: fields of their own, which filters search).
_META = ("title", "section", "article_title", "paragraph", "footnote", "footnotes", "citation")


def to_fields(p: Paragraph) -> dict:
    """The Whoosh document of a paragraph: analysis done here, once."""
    meta = {name: getattr(p, name) for name in _META if getattr(p, name)}
    return stored_document(dict(
        id=p.id, source=p.source, doc=p.doc, lang=p.lang, kind=p.kind, part=p.part,
        article=p.article, ordinal=p.ordinal, text=p.text, meta=meta,
        analysis=encode(analyze(p.text, p.lang)),
    ))


def stored_document(stored: dict) -> dict:
    """A Whoosh document rebuilt from its stored fields, without analysing
    its text again (its titles, a few words, are)."""
    forms, lemmas, _ = stored["analysis"]
    meta = stored.get("meta", {})
    return {**stored, "form": forms, "lemma": lemmas,
            "context": _titles(meta.get("article_title", ""), meta.get("section", ""), stored.get("lang", ""))}


@lru_cache(maxsize=4096)
def _titles(article_title: str, section: str, lang: str) -> str:
    """The ``context`` field: the lemmas of the titles a paragraph stands
    under (the same for every paragraph of an article, so cached)."""
    text = " ".join(t for t in (article_title, section) if t)
    return encode(analyze(text, lang))[1] if text else ""


def read_stored(fields: dict) -> StoredParagraph:
    """A stored Whoosh document as the paragraph it came from."""
    meta = fields.get("meta", {})
    paragraph = Paragraph(
        id=fields["id"], source=fields.get("source", ""), doc=fields["doc"], title=meta.get("title", ""),
        ordinal=fields.get("ordinal", 0), text=fields["text"], kind=fields.get("kind", ""),
        part=fields.get("part", ""), section=meta.get("section", ""), article=fields.get("article", ""),
        article_title=meta.get("article_title", ""), paragraph=meta.get("paragraph", ""),
        footnote=meta.get("footnote", ""), footnotes=tuple(meta.get("footnotes", ())),
        lang=fields.get("lang", ""), citation=meta.get("citation", ""),
    )
    return StoredParagraph(paragraph, fields["analysis"])
