"""The ingestion stages in order: one source file → its paragraphs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..lang import CITATION
from ..models import Paragraph
from .detect import detect_lang
from .markup import drop_boilerplate, plain, strip_html, strip_markdown
from ..analysis.normalize import normalize_text
from dataclasses import dataclass, replace

from .read import Document, load
from .segment import Block, segment

#: A paragraph longer than this (a text with no paragraph breaks, a 50 MB
#: line) is cut into pieces of about this size at spaces, so that one
#: paragraph never costs unbounded memory and hits stay readable.
MAX_PARAGRAPH = 20_000

_MARKUP = {"markdown": strip_markdown, "html": strip_html, "text": plain}


@dataclass(frozen=True)
class Ingested:
    paragraphs: list[Paragraph]
    sha256: str  # of the bytes the paragraphs came from
    warnings: tuple[str, ...]


def ingest(path: Path, text_field: str = "text") -> Ingested:
    """Every paragraph of every document in a source file, read once
    (``text_field``: the field of JSON Lines records that holds the text).

    Raises :class:`~search.errors.SourceError` when the file cannot be read
    as text.
    """
    loaded = load(Path(path), text_field)
    out: list[Paragraph] = []
    for document in loaded.documents:
        out.extend(document_paragraphs(document))
    return Ingested(out, loaded.sha256, loaded.warnings)


def paragraphs_of(path: Path) -> list[Paragraph]:
    return ingest(path).paragraphs


def document_paragraphs(document: Document) -> list[Paragraph]:
    marked = _MARKUP[document.format](normalize_text(document.text))
    title, blocks = segment(drop_boilerplate(marked.text))
    blocks = [piece for block in blocks for piece in _pieces(block)]
    langs = [detect_lang(b.text, document.lang) for b in blocks]
    doc_lang = _document_lang(blocks, langs)
    langs = [lang or doc_lang for lang in langs]
    title = document.title or marked.title or title or document.doc
    counts = _unnumbered(blocks)
    paragraphs = [
        _paragraph(document, title, ordinal, block, lang, doc_lang, counts[ordinal])
        for ordinal, (block, lang) in enumerate(zip(blocks, langs))
    ]
    return _link_footnotes(paragraphs)


def _unnumbered(blocks: list[Block]) -> list[int]:
    """For each block, its place among the blocks of its part that have no
    article and no number of their own (0 for the others): what a citation
    counts them by ("Решение 4/4, абз. 1")."""
    seen: dict[str, int] = {}
    out = []
    for block in blocks:
        if block.kind in ("body", "front") and not block.article and not block.paragraph:
            seen[block.part] = seen.get(block.part, 0) + 1
            out.append(seen[block.part])
        else:
            out.append(0)
    return out


def _pieces(block: Block) -> list[Block]:
    """A block cut at spaces into pieces of at most about MAX_PARAGRAPH."""
    text = block.text
    if len(text) <= MAX_PARAGRAPH:
        return [block]
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + MAX_PARAGRAPH)
        if end < len(text):
            space = text.rfind(" ", start + MAX_PARAGRAPH // 2, end)
            end = space + 1 if space > 0 else end
        out.append(replace(block, text=text[start:end].strip(), footnotes=block.footnotes if not out else ()))
        start = end
    return [b for b in out if b.text]


def _document_lang(blocks: list[Block], langs: list[str]) -> str:
    """The language most of the document's body text is in."""
    weight: Counter = Counter()
    for block, lang in zip(blocks, langs):
        if block.kind != "front":
            weight[lang] += len(block.text)
    known = [lang for lang, _ in weight.most_common() if lang in CITATION and lang != "other"]
    return known[0] if known else "other"


def _paragraph(document: Document, title: str, ordinal: int, block: Block,
               lang: str, doc_lang: str, unnumbered: int = 0) -> Paragraph:
    return Paragraph(
        id=f"{document.doc}:{ordinal}",
        source=document.source,
        doc=document.doc,
        title=title,
        ordinal=ordinal,
        text=block.text,
        kind=block.kind,
        part=block.part,
        section=block.section,
        article=block.article,
        article_title=block.article_title,
        paragraph=block.paragraph,
        footnote=block.footnote,
        footnotes=block.footnotes,
        lang=lang,
        citation=cite(block, title, unnumbered or ordinal + 1, doc_lang),
    )


def cite(block: Block, title: str, place: int, lang: str) -> str:
    """A citation a lawyer would write, in the document's language:
    ``Конвенція, ст. 6, п. 1 (a)(i)``; a paragraph with no article and no
    number of its own is cited by its ``place`` among such paragraphs of its
    part (``Решение 4/4, абз. 1``), so no two share a citation."""
    labels = CITATION.get(lang, CITATION["other"])
    pieces = [block.part or title]
    if block.kind == "footnote":
        return ", ".join(pieces + [f"{labels['footnote']} {block.footnote}"])
    if block.kind == "closing":
        return ", ".join(pieces + [labels["closing"]])
    if block.article:
        pieces.append(f"{labels['article']} {block.article}")
    elif block.kind == "preamble":
        pieces.append(labels["preamble"])
    if block.paragraph and block.kind != "heading":
        pieces.append(f"{labels['paragraph']} {block.paragraph}")
    elif len(pieces) == 1 and block.kind != "heading":
        pieces.append(f"{labels['block']} {place}")
    return ", ".join(pieces)


def _link_footnotes(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Give each footnote the citations of the paragraphs that cite it."""
    cited: dict[str, list[str]] = {}
    for p in paragraphs:
        for label in p.footnotes:
            cited.setdefault(label, []).append(p.citation)
    out = []
    for p in paragraphs:
        if p.kind == "footnote" and cited.get(p.footnote):
            where = "; ".join(dict.fromkeys(cited[p.footnote]))
            p = Paragraph(**{**p.__dict__, "citation": f"{p.citation} ({where})"})
        out.append(p)
    return out
