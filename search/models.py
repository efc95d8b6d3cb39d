"""Typed, immutable records that flow through the engine.

``Paragraph`` is what ingestion produces and the indexer stores; ``Hit`` and
``Results`` are what a search returns.  Results are detached from Whoosh: they
stay valid after the searcher that produced them is closed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


#: What a paragraph is: document front matter, a heading, preamble, body
#: text, a footnote, or an instrument's closing formula.
KINDS = ("front", "heading", "preamble", "body", "footnote", "closing")


@dataclass(frozen=True)
class Paragraph:
    """One indexed unit: a paragraph that knows where it stands."""

    id: str  # stable: "<doc>:<ordinal>"
    source: str  # the file it came from
    doc: str
    title: str
    ordinal: int
    text: str
    kind: str = "body"  # front, heading, preamble, body, footnote, closing
    part: str = ""
    section: str = ""
    article: str = ""
    article_title: str = ""
    paragraph: str = ""  # "1 (a)(i)"
    footnote: str = ""  # a footnote's own number
    footnotes: tuple[str, ...] = ()  # numbers of the footnotes it cites
    lang: str = "other"
    citation: str = ""


@dataclass(frozen=True)
class StoredParagraph:
    """A paragraph as the index keeps it: its text and place, and the
    character offsets of its word positions, encoded (highlighting reads
    them).  Its analysis is in the index's postings, not stored with it."""

    paragraph: Paragraph
    spans: bytes = b""


@dataclass(frozen=True)
class Match:
    """One highlighted word of a hit: ``text[start:end] == form``."""

    start: int
    end: int
    form: str


@dataclass(frozen=True)
class Hit:
    """One paragraph found by a query."""

    rank: int
    score: float
    id: str
    doc: str
    title: str
    citation: str
    part: str
    section: str
    article: str
    paragraph: str
    kind: str
    lang: str
    text: str
    matches: tuple[Match, ...] = ()
    snippet: str = ""
    #: How the query's items were found in it: "literal" (in their own
    #: words), "translation", "synonym", "structure" (the article's title).
    how: tuple[str, ...] = ()

    @property
    def matched(self) -> list[str]:
        """The distinct word forms of the text that matched, in text order."""
        return list(dict.fromkeys(m.form for m in self.matches))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        data["matched"] = self.matched
        data["matches"] = [[m.start, m.end] for m in self.matches]
        data["how"] = list(self.how)
        return data


@dataclass(frozen=True)
class Results:
    """The answer to one query: the hits of the page asked for and the total."""

    query: str
    total: int
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    offset: int = 0  # hits before the first one here
    #: One-line notes for the user: a filter value the index does not hold.
    notes: tuple[str, ...] = ()
    #: The query with its words that nothing matches corrected ("did you
    #: mean"), never applied by the engine.
    suggestions: tuple[str, ...] = ()

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def to_dict(self) -> dict:
        data = {"query": self.query, "total": self.total, "offset": self.offset,
                "hits": [h.to_dict() for h in self.hits]}
        if self.notes:
            data["notes"] = list(self.notes)
        if self.suggestions:
            data["suggestions"] = list(self.suggestions)
        return data


@dataclass(frozen=True)
class BuildReport:
    """What one ``Engine.index`` run did."""

    added: int = 0
    replaced: int = 0
    removed: int = 0
    unchanged: int = 0
    paragraphs: int = 0
    #: One message per problem: a file skipped (unreadable, binary, empty)
    #: or read with damage (broken UTF-8, bad JSON Lines records).
    problems: tuple[str, ...] = ()
    #: What is worth knowing but skipped nothing (two sources with one
    #: document id, sources that left the index because others were named).
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


@dataclass(frozen=True)
class IndexInfo:
    """What an index holds and where it came from."""

    path: str
    built: str
    paragraphs: int
    size_bytes: int
    sources: tuple[dict, ...]  # path, size, mtime, paragraphs
    docs: dict  # document id → paragraphs
    langs: dict  # language → paragraphs
    parts: dict  # instrument → paragraphs

    def to_dict(self) -> dict:
        return asdict(self)
