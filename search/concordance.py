"""Key words in context and term statistics over every matching paragraph."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from .analysis.normalize import fold_word
from .lang import CITATION, STOP_WORDS

#: Orders of concordance lines.
SORTS = ("doc", "left", "right", "form")


@dataclass(frozen=True)
class Line:
    """One occurrence of a term: the form found and the text around it."""

    left: str
    form: str
    right: str
    citation: str
    doc: str
    id: str
    start: int  # offsets of ``form`` in the paragraph's text
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TermStats:
    """How often a term occurs, in which forms, where."""

    term: str
    total: int  # occurrences
    paragraphs: int
    forms: tuple[tuple[str, int], ...]
    docs: tuple[tuple[str, int], ...]
    articles: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict:
        return {
            "term": self.term, "total": self.total, "paragraphs": self.paragraphs,
            "forms": [{"form": f, "count": n} for f, n in self.forms],
            "docs": [{"doc": d, "count": n} for d, n in self.docs],
            "articles": [{"article": a, "count": n} for a, n in self.articles],
        }


def _flat(text: str) -> str:
    return " ".join(text.split())


def lines(matching, width: int = 40) -> Iterator[Line]:
    """KWIC lines of every occurrence, in document order, as the matching
    paragraphs come."""
    for stored, evidence in matching:
        p = stored.paragraph
        for start, end, _, _ in evidence.occurrences:
            left = _flat(p.text[max(0, start - 3 * width):start])[-width:]
            right = _flat(p.text[end:end + 3 * width])[:width]
            yield Line(left, p.text[start:end], right, p.citation, p.doc, p.id, start, end)


def sort_lines(found: Iterable[Line], by: str) -> list[Line]:
    keys = {
        "doc": lambda l: 0,  # already in document order; sorted() is stable
        "left": lambda l: tuple(reversed(l.left.lower().split()))[:3],
        "right": lambda l: l.right.lower(),
        "form": lambda l: l.form.lower(),
    }
    return sorted(found, key=keys[by])


def _article_label(doc: str, part: str, article: str, lang: str, title) -> str:
    """Where occurrences are counted: an instrument's article, or the
    instrument or document (``title()`` reads the document's title, which is
    wanted only for paragraphs of neither)."""
    if not article:
        return part or title() or doc
    labels = CITATION.get(lang, CITATION["other"])
    return f"{part or doc}, {labels['article']} {article}"


def stats(term: str, found, top: int = 10) -> TermStats:
    """Counts of ``found``: (doc, part, article, lang, title(), forms) of
    every paragraph with occurrences, in document order, ``forms`` the
    text of each occurrence in lower case, in the paragraph's order."""
    forms: Counter = Counter()
    docs: Counter = Counter()
    articles: Counter = Counter()
    paragraphs = 0
    titles: dict[str, str] = {}  # a document's title is read once, not for each paragraph
    for doc, part, article, lang, title, occurrences in found:
        paragraphs += 1
        n = len(occurrences)
        forms.update(occurrences)
        docs[doc] += n
        articles[_article_label(doc, part, article, lang, lambda: titles.setdefault(doc, title())
                                if doc not in titles else titles[doc])] += n
    return TermStats(term, sum(forms.values()), paragraphs, tuple(forms.most_common()),
                     tuple(docs.most_common(top)), tuple(articles.most_common(top)))


_STOP = frozenset(fold_word(w) for words in STOP_WORDS.values() for w in words)


def frequent_lemmas(counts, top: int = 20, stop_words: bool = False) -> list[tuple[str, int]]:
    """The first ``top`` of (lemma, occurrences), most frequent first; stop
    words, numbers and single letters left out unless ``stop_words``."""
    found = []
    for lemma, n in counts:
        if stop_words or not (lemma in _STOP or len(lemma) < 2 or not any(ch.isalpha() for ch in lemma)):
            found.append((lemma, n))
            if len(found) == top:
                break
    return found
