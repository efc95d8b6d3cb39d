"""Legal synonyms, expanded in lemma space.

Rules come from the shipped table of each language
(``lexicon/synonyms_uk.txt``, ``lexicon/synonyms_ru.txt``) and from the
user's files, given as paths or, when none are given, in
``$SEARCH_SYNONYMS`` (paths separated by ``os.pathsep``).  The files use
the Solr/Elasticsearch synonym format, UTF-8:

.. code-block:: text

    # a comment; blank lines are skipped
    видача, екстрадиція                   # equivalent: each finds the others
    мафія, ОЗГ => організована злочинна група   # one way: the left finds the right
    хабар, неправомірна вигода            # terms of several words

Case, apostrophes and ё do not matter; punctuation inside a term is ignored
as in queries, and a hyphenated word is its parts.  The literal query is
always searched too, so ``a => b`` means "a also finds b"; a term in
several rules gets every rule's terms (rules do not chain).  A malformed
line raises :class:`~search.errors.SynonymsError` naming the file and line.

Every word of a term is lemmatized as a query word is (pymorphy3, every
reading; in the table's language, a user file's words in every language
that knows them), so a rule matches a query word in any form and its
expansions find every form:

>>> synonyms = Synonyms.load()          # shipped tables + $SEARCH_SYNONYMS
>>> found = synonyms.expand([{"екстрадиція"}])   # the lemmas of "екстрадиції"
>>> [(e.start, e.end, e.lemmas, e.text, e.source) for e in found]
[(0, 1, (frozenset({'видача'}),), 'видача', 'synonyms_uk.txt')]
>>> [(e.start, e.end, e.text) for e in synonyms.expand([{"хабар"}])]
[(0, 1, 'неправомірна вигода'), (0, 1, 'неправомірна перевага'), (0, 1, 'корупція')]
>>> [(e.start, e.end, e.text) for e in synonyms.expand([{"неправомірний"}, {"вигода"}])]
[(0, 2, 'хабар'), (0, 2, 'неправомірна перевага')]

:meth:`Synonyms.expand` takes the lemmas of each word of a query item, in
order (the compiler's ``Slot.lemmas``: of one word, of a phrase's words, or
of an unquoted run of words), and returns every rule term that stands in
for a run of them as an :class:`Expansion`: ``start``/``end`` say which
words (one word may give a multiword synonym, several words a one-word
one), ``lemmas`` is the synonym word by word as the lemmas it matches (a
phrase when there are several), ``text``/``matched`` are the synonym and
the rule term the query matched as the file writes them, and
``source``/``line``/``lang`` say where the rule is.  Stop words are skipped
when a term is matched (``доходи від злочинів`` matches ``доходи
злочинів``, which is what an unquoted query keeps) but kept in the
expansion.  The query stage is meant to search each expansion in the
``lemma`` field, as an alternative to words ``start`` to ``end``, weighted
:data:`WEIGHT` against the literal words' 1.0 (a phrase item keeps only
the expansions of its whole run, or puts them in its place), and to show
``text`` and ``source``, ``line`` in explanations.  :meth:`Synonyms.words`
gives the tables' words to the speller, so a misspelled synonym
(``ектрадиція``) is corrected even where no text has it.

Loading parses the files, so errors show at once, and is cached while the
files are unchanged; lemmatizing waits for the first expansion, and
expansions are cached.  One object serves all threads.
"""

from __future__ import annotations

import os
import pickle
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Collection, Iterable, Optional, Sequence

from ..errors import SynonymsError
from ..lang import LANGS, STOP_WORDS
from .cache import cached
from .morph import lemmas, query_analysis
from .normalize import fold_script, fold_word
from .tokenize import tokenize

#: Where user files are listed when the caller gives none.
ENV = "SEARCH_SYNONYMS"
#: Weight of a synonym's match against the literal query's 1.0.
WEIGHT = 0.4
#: Expansions of one query item at most.
MAX_EXPANSIONS = 16
#: Words of one term at most.
MAX_TERM_WORDS = 8

_STOP = frozenset().union(*STOP_WORDS.values())
_COMMENT = re.compile(r"(?:^|\s)#.*$")


@dataclass(frozen=True)
class Rule:
    """One line of a synonym file, terms as written.

    An equivalence (``a, b, c``) has no ``right``: each term expands to the
    others.  An explicit rule (``a, b => c, d``) expands the left terms to
    the right ones.
    """

    left: tuple[str, ...]
    right: tuple[str, ...]
    source: str
    line: int
    lang: Optional[str] = None

    def pairs(self) -> list[tuple[str, str]]:
        """(term, what it expands to), every one the rule makes."""
        if not self.right:
            return [(a, b) for a in self.left for b in self.left if a != b]
        return [(a, b) for a in self.left for b in self.right if a != b]


@dataclass(frozen=True)
class Expansion:
    """A synonym standing in for query words ``start`` to ``end`` (exclusive)."""

    start: int
    end: int
    #: The synonym word by word: a word matches if it has one of the lemmas.
    lemmas: tuple[frozenset[str], ...]
    #: The synonym as the rule writes it, and the rule term the query matched.
    text: str
    matched: str
    #: The file (a shipped table's file name, or the user's path) and line.
    source: str
    line: int
    #: The language of a shipped table; None for a user file.
    lang: Optional[str]

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "lemmas": [sorted(s) for s in self.lemmas],
                "text": self.text, "matched": self.matched, "source": self.source,
                "line": self.line, "lang": self.lang}


# -- reading -------------------------------------------------------------------

def parse_rules(text: str, source: str, lang: Optional[str] = None) -> list[Rule]:
    """The rules of a file's text; ``source`` names it in errors."""
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        sides = line.split("=>")
        if len(sides) > 2:
            raise SynonymsError(source, number, "more than one '=>'")
        left = _terms(sides[0], source, number, "before '=>'" if len(sides) == 2 else "")
        right = _terms(sides[1], source, number, "after '=>'") if len(sides) == 2 else ()
        if not right and len(left) < 2:
            raise SynonymsError(source, number, f"{left[0]!r} has nothing to be a synonym of: "
                                "separate terms with commas, or write 'a => b'")
        rules.append(Rule(left, right, source, number, lang))
    return rules


def _terms(side: str, source: str, number: int, where: str) -> tuple[str, ...]:
    if not side.strip():
        raise SynonymsError(source, number, f"no term {where}".strip())
    terms = []
    for term in side.split(","):
        term = " ".join(term.split())
        if not term:
            raise SynonymsError(source, number, "an empty term (two commas, or a comma at an end)")
        count = len(_words(term))
        if not count:
            raise SynonymsError(source, number, f"{term!r} has no word")
        if count > MAX_TERM_WORDS:
            raise SynonymsError(source, number, f"{term!r} has more than {MAX_TERM_WORDS} words")
        terms.append(term)
    return tuple(terms)


def read_rules(path: os.PathLike | str, lang: Optional[str] = None) -> list[Rule]:
    """The rules of a user's file (UTF-8, with or without BOM)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SynonymsError(path, None, f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SynonymsError(path, line, "is not UTF-8 text") from None
    return parse_rules(text, str(path), lang)


@lru_cache(maxsize=None)
def shipped_rules(lang: str) -> tuple[Rule, ...]:
    """The rules of a language's shipped table (none for a language without one)."""
    name = f"synonyms_{lang}.txt"
    table = resources.files(__package__).joinpath("lexicon", name)
    if not table.is_file():
        return ()
    return tuple(parse_rules(table.read_text(encoding="utf-8"), name, lang))


def user_paths(paths: Optional[Iterable[os.PathLike | str]] = None) -> list[Path]:
    """The user's files: ``paths``, or ``$SEARCH_SYNONYMS`` when it is None."""
    if paths is None:
        paths = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return [Path(p) for p in paths]


# -- lemma space ---------------------------------------------------------------

def _words(term: str) -> list[str]:
    return [fold_word(fold_script(part.text)) for token in tokenize(term) for part in token.parts]


def _word_lemmas(word: str, lang: Optional[str]) -> frozenset[str]:
    """A rule word's lemmas, as the word would have them in a query: every
    reading, in the table's language (a user file's words in each language
    that knows them).  Only the first reading would be narrower, and wrong
    where the dictionary puts an odd one first (uk "гроші" reads first as
    "гріш")."""
    return frozenset(query_analysis(word)[0] if lang is None else lemmas(word, lang))


@dataclass(frozen=True)
class _Term:
    text: str
    lemmas: tuple[frozenset[str], ...]
    #: The places of the words that are not stop words: what is matched.
    content: tuple[int, ...]


def _term(text: str, lang: Optional[str]) -> _Term:
    words = _words(text)
    slots = tuple(_word_lemmas(w, lang) for w in words)
    content = tuple(i for i, slot in enumerate(slots) if not _is_stop(slot)) or tuple(range(len(words)))
    return _Term(text, slots, content)


def _is_stop(slot: frozenset[str]) -> bool:
    return bool(slot & _STOP)


#: A compiled rule set: the lemma of a term's first content word → the term
#: and what it expands to (the rule's order, the other term, the rule).
_Index = dict[str, list[tuple[_Term, list[tuple[int, _Term, Rule]]]]]


class Synonyms:
    """Rules in lemma space; see the module docstring."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._lock = threading.Lock()
        self._index: Optional[_Index] = None
        self._cache: dict = {}
        self._words: Optional[tuple[str, ...]] = None

    @classmethod
    def load(cls, paths: Optional[Iterable[os.PathLike | str]] = None, *, shipped: bool = True) -> "Synonyms":
        """The user's files (``paths``, or ``$SEARCH_SYNONYMS`` when None)
        first, then the shipped tables unless ``shipped`` is false.  The
        same files, unchanged, give the same object."""
        files = tuple((str(path), _stamp(path)) for path in user_paths(paths))
        return _load(files, shipped)

    def __len__(self) -> int:
        return len(self.rules)

    def words(self) -> tuple[str, ...]:
        """Every word of every term, folded, once: vocabulary for the speller
        (worked out on first use; the rules do not change)."""
        if self._words is None:
            found: dict[str, None] = {}
            for rule in self.rules:
                for term in rule.left + rule.right:
                    found.update(dict.fromkeys(_words(term)))
            self._words = tuple(found)
        return self._words

    def expand(self, slots: Sequence[Collection[str]], langs: Optional[Collection[str]] = None
               ) -> list[Expansion]:
        """Synonyms of runs of query words; ``slots`` holds each word's
        lemmas in order.  ``langs`` limits the shipped tables used (user
        rules always apply).  At most :data:`MAX_EXPANSIONS`, leftmost and
        longest first, then in rule order (user files before the tables)."""
        query = tuple(frozenset(slot) for slot in slots)
        key = (query, None if langs is None else frozenset(langs))
        found = self._cache.get(key)
        if found is None:
            found = self._expand(query, key[1])
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = found
        return list(found)

    def _expand(self, query: tuple[frozenset[str], ...], langs: Optional[frozenset[str]]
                ) -> tuple[Expansion, ...]:
        index = self._compiled()
        content = [i for i, slot in enumerate(query) if not _is_stop(slot)]
        found: dict[tuple, tuple[tuple, Expansion]] = {}
        for k, first in enumerate(content):
            seen: set[int] = set()
            for lemma in query[first]:
                for term, targets in index.get(lemma, ()):
                    if id(term) in seen or not _matches(term, query, content[k:]):
                        continue
                    seen.add(id(term))
                    end = content[k + len(term.content) - 1] + 1
                    for order, target, rule in targets:
                        if langs is not None and rule.lang is not None and rule.lang not in langs:
                            continue
                        if len(target.content) == len(term.content) and _matches(target, query, content[k:]):
                            continue  # the query's own words, in other forms
                        place = (first, end, target.lemmas)
                        rank = (first, -end, order)
                        if place not in found or found[place][0] > rank:
                            found[place] = (rank, Expansion(first, end, target.lemmas, target.text, term.text,
                                                            rule.source, rule.line, rule.lang))
        ranked = sorted(found.values(), key=lambda item: item[0])
        return tuple(expansion for _, expansion in ranked[:MAX_EXPANSIONS])

    def _compiled(self) -> _Index:
        with self._lock:
            if self._index is None:
                rules = list(self.rules)
                self._index = cached("synonyms", [pickle.dumps(rules)], lambda: _compile(rules))
            return self._index


def _stamp(path: Path) -> Optional[tuple[int, int]]:
    try:
        found = path.stat()
    except OSError:
        return None  # reading it will say why
    return found.st_mtime_ns, found.st_size


@lru_cache(maxsize=8)
def _load(files: tuple[tuple[str, Optional[tuple[int, int]]], ...], shipped: bool) -> Synonyms:
    rules: list[Rule] = []
    for path, _ in files:
        rules += read_rules(path)
    if shipped:
        for lang in LANGS:
            rules += shipped_rules(lang)
    return Synonyms(rules)


def _matches(term: _Term, query: tuple[frozenset[str], ...], places: list[int]) -> bool:
    """Whether the term's words (stop words aside) have lemmas in common
    with the query words at ``places``, one for one."""
    if len(term.content) > len(places):
        return False
    return all(term.lemmas[i] & query[place] for i, place in zip(term.content, places))


def _compile(rules: Sequence[Rule]) -> _Index:
    """Lemmatize every term once and index the terms that expand by the
    lemmas of their first word that is not a stop word."""
    terms: dict[tuple[str, Optional[str]], _Term] = {}
    targets: dict[int, list[tuple[int, _Term, Rule]]] = {}

    def term(text: str, lang: Optional[str]) -> _Term:
        key = (" ".join(_words(text)), lang)
        if key not in terms:
            terms[key] = _term(text, lang)
        return terms[key]

    for order, rule in enumerate(rules):
        for a, b in rule.pairs():
            source = term(a, rule.lang)
            targets.setdefault(id(source), []).append((order, term(b, rule.lang), rule))
    index: _Index = {}
    for source in terms.values():
        if id(source) in targets:
            for lemma in source.lemmas[source.content[0]]:
                index.setdefault(lemma, []).append((source, targets[id(source)]))
    return index
