"""The engine's own query tree: what the query stage hands the rank stage.

A compiled query is a tree of these nodes over the index's two positional
fields (``form``: exact word forms, ``lemma``: every reading's lemma) and
the paragraph attributes filters name.  Scores add up the way Whoosh's
BM25F does for the same shapes: a node's score is the sum of its matching
children's.  Nothing here knows how postings are stored; the rank stage
evaluates the tree.

Alongside the tree, every positive leaf of the user's query becomes an
:class:`Item` whose :class:`Slot` s say which forms and lemmas each word
position accepts: the rank stage reads them against a paragraph's stored
analysis to rank by evidence and to highlight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Term:
    """One term of a positional field, scored by BM25F times ``boost``."""

    field: str  # "form" or "lemma"
    text: str
    boost: float = 1.0

    def __str__(self) -> str:
        return f"{self.field}:{self.text}" + (f"^{self.boost:g}" if self.boost != 1.0 else "")


@dataclass(frozen=True)
class Prefix:
    """Every term of ``field`` that starts with ``stem``, found in the whole
    index (at most a bounded number of them), each scored as a Term."""

    field: str
    stem: str

    def __str__(self) -> str:
        return f"{self.field}:{self.stem}*"


@dataclass(frozen=True)
class Phrase:
    """A term of each slot at consecutive positions; scored as the sum of
    the matching terms' scores, times ``boost``."""

    slots: tuple[tuple[Term, ...], ...]
    boost: float = 1.0

    def __str__(self) -> str:
        words = " ".join("|".join(str(t) for t in slot) for slot in self.slots)
        return f'"{words}"' + (f"^{self.boost:g}" if self.boost != 1.0 else "")


@dataclass(frozen=True)
class Filter:
    """Paragraphs whose attribute ``field`` (lang, doc, kind, article, part)
    has one of ``values`` (with ``prefix``: starts with one).  A filter
    selects and does not score.  ``part`` values are names as a user types
    them; the rank stage resolves them against the index's instruments."""

    field: str
    values: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        star = "*" if self.prefix else ""
        return " OR ".join(f"{self.field}:{v}{star}" for v in self.values)


@dataclass(frozen=True)
class AnyOf:
    """Any child may match (OR)."""

    children: tuple["Node", ...]

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.children)) + ")"


@dataclass(frozen=True)
class Items:
    """The query's items side by side: any may match, and how many a
    paragraph holds picks the candidates to rank."""

    children: tuple["Node", ...]

    def __str__(self) -> str:
        return "ITEMS(" + ", ".join(map(str, self.children)) + ")"


@dataclass(frozen=True)
class AllOf:
    """Every child must match (AND)."""

    children: tuple["Node", ...]

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.children)) + ")"


@dataclass(frozen=True)
class Exclude:
    """Paragraphs of ``positive`` that ``negative`` does not match."""

    positive: "Node"
    negative: "Node"

    def __str__(self) -> str:
        return f"({self.positive} NOT {self.negative})"


@dataclass(frozen=True)
class Everything:
    """Every paragraph (a query of exclusions or filters only)."""

    def __str__(self) -> str:
        return "*"


Node = Union[Term, Prefix, Phrase, Filter, AnyOf, Items, AllOf, Exclude, Everything]


@dataclass(frozen=True)
class Slot:
    """What one word position of a query item accepts."""

    forms: frozenset[str]
    lemmas: frozenset[str]
    prefix: str = ""  # a prefix query matches forms and lemmas starting so
    #: The most likely lemma of the word in each language that knows it: a
    #: paragraph whose word reads first as one of these is a better match
    #: than one where the lemma is only a rarer reading.
    primary: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Alternative:
    """Other words for query words ``start`` to ``end`` of their run: the
    other language's equivalent or a synonym, lemma sets word by word (a
    phrase when there are several)."""

    start: int
    end: int
    slots: tuple[frozenset[str], ...]
    kind: str  # "translation" or "synonym"
    source: str  # "legal", "cognate", "user", "word by word", or a synonym file and line
    text: str  # as its list writes it
    lang: str = ""  # of the words, when known

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "lang": self.lang, "source": self.source,
                "lemmas": [sorted(s) for s in self.slots]}


@dataclass(frozen=True)
class Item:
    """One positive unit of a query: a word, a prefix, or a phrase, and the
    alternatives that stand for it (an alternative for several words of a
    run stands for each of them)."""

    text: str
    slots: tuple[Slot, ...]
    alternatives: tuple[Alternative, ...] = ()
    #: Whether a paragraph may hold it through the title of the article or
    #: section it stands in.
    structure: bool = False


@dataclass(frozen=True)
class Compiled:
    """A query ready for the rank stage."""

    source: str  # as the user typed it
    tree: Node
    items: tuple[Item, ...] = field(default_factory=tuple)
    #: Rank paragraphs with more of the items first.  Not for a query whose
    #: top is OR: its alternatives are not meant to be found together.
    tiered: bool = True
