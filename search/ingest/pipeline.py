"""The ingestion stages in order: one source file → its paragraphs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..lang import CITATION
from ..models import Paragraph
from .detect import detect_lang
from .markup import drop_boilerplate, strip_html, strip_markdown
from .normalize import normalize_text
from .read import Document, read_documents
from .segment import Block, segment

_MARKUP = {"markdown": strip_markdown, "html": strip_html, "text": lambda t: t}


def paragraphs_of(path: Path) -> list[Paragraph]:
    """Every paragraph of every document in a source file.

    Raises :class:`~search.errors.SourceError` when the file cannot be read
    as text; a file is taken whole or not at all.
    """
    out: list[Paragraph] = []
    for document in read_documents(Path(path)):
        out.extend(document_paragraphs(document))
    return out


def document_paragraphs(document: Document) -> list[Paragraph]:
    text = normalize_text(document.text)
    text = drop_boilerplate(_MARKUP[document.format](text))
    title, blocks = segment(text)
    langs = [detect_lang(b.text, document.lang) for b in blocks]
    doc_lang = _document_lang(blocks, langs)
    langs = [lang or doc_lang for lang in langs]
    title = document.title or title or document.doc
    paragraphs = [
        _paragraph(document, title, ordinal, block, lang, doc_lang)
        for ordinal, (block, lang) in enumerate(zip(blocks, langs))
    ]
    return _link_footnotes(paragraphs)


def _document_lang(blocks: list[Block], langs: list[str]) -> str:
    """The language most of the document's body text is in."""
    weight: Counter = Counter()
    for block, lang in zip(blocks, langs):
        if block.kind != "front":
            weight[lang] += len(block.text)
    known = [lang for lang, _ in weight.most_common() if lang in CITATION and lang != "other"]
    return known[0] if known else "other"


def _paragraph(document: Document, title: str, ordinal: int, block: Block,
               lang: str, doc_lang: str) -> Paragraph:
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
        citation=cite(block, title, ordinal, doc_lang),
    )


def cite(block: Block, title: str, ordinal: int, lang: str) -> str:
    """A citation a lawyer would write, in the document's language:
    ``Конвенція, ст. 6, п. 1 (a)(i)``."""
    labels = CITATION.get(lang, CITATION["other"])
    pieces = [block.part or title]
    if block.kind == "footnote":
        return ", ".join(pieces + [f"{labels['footnote']} {block.footnote}"])
    if block.article:
        pieces.append(f"{labels['article']} {block.article}")
    elif block.kind == "preamble":
        pieces.append(labels["preamble"])
    if block.paragraph and block.kind != "heading":
        pieces.append(f"{labels['paragraph']} {block.paragraph}")
    elif len(pieces) == 1 and not block.part and block.kind != "heading":
        pieces.append(f"{labels['block']} {ordinal + 1}")
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
