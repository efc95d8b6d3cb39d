"""The lexicon object: curated and user pairs, cognates, phrase look-up."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.abc import Traversable
from pathlib import Path
from typing import Iterable, Sequence

from ..cache import cached
from ..morph import lemmas
from ..normalize import fold_word
from ..tokenize import tokenize
from ...lang import LANGS, STOP_WORDS
from .cognates import cognates, other
from .dix import dix_langs, read_dix
from .tables import COLUMNS, GENERAL, LEGAL, data_file, read_pairs

_STOP = frozenset().union(*STOP_WORDS.values())
#: Where an equivalent comes from, in the order equivalents are listed.
SOURCES = ("legal", "general", "user", "cognate")
#: The sources written by hand for the package.
CURATED = frozenset({"legal", "general"})


@dataclass(frozen=True, slots=True)
class Equivalent:
    """A lemma of the other language that translates the one asked for."""

    lemma: str  # folded, as the index holds lemmas
    lang: str
    source: str  # "legal" or "general" (curated), "user" (a loaded file) or "cognate"


@dataclass(frozen=True, slots=True)
class Term:
    """One side of an entry: its text and the lemmas of each of its words
    (a hyphenated word counts as its parts, as the index places them)."""

    text: str
    lang: str
    lemmas: tuple[tuple[str, ...], ...]
    #: The lemmas a one-word term is known by in the index (none for more
    #: words): its text, or the dictionary's lemmas where that is no lemma
    #: (Russian "осужденный" is indexed as "осудить").
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """A multiword entry found in a query: query positions ``start`` to
    ``stop`` (exclusive) hold ``found``, and ``term`` says it in the other
    language."""

    start: int
    stop: int
    found: Term
    term: Term
    source: str


@lru_cache(maxsize=20_000)  # each side of a pair is read in both directions
def make_term(text: str, lang: str) -> Term:
    """A term with each word's lemmas, as the index would give them."""
    tokens = tokenize(text)
    words = [part.text for token in tokens for part in token.parts]
    keys: tuple[str, ...] = ()
    if len(tokens) == 1:
        form = fold_word(text.strip())
        found = lemmas(form, lang)
        keys = (form,) if form in found else found
    return Term(text, lang, tuple(lemmas(fold_word(w), lang) for w in words), keys)


class Lexicon:
    """Equivalents across the two languages.

    Construction reads nothing: the curated lists are read on the first
    look-up, cognates are derived per lemma and cached.  ``files`` are
    curated lists in the package's format, read as legal ones (by default
    the package's two: legal terms, and general words); ``cognates=False``
    leaves the derived pairs out.
    """

    def __init__(self, files: Iterable[Path | Traversable] | None = None,
                 cognates: bool = True) -> None:
        self._files = ([(data_file(LEGAL), "legal"), (data_file(GENERAL), "general")]
                       if files is None else [(path, "legal") for path in files])
        self.cognates = cognates
        self._words: dict[str, dict[str, list[Equivalent]]] = defaultdict(dict)
        self._phrases: dict[str, dict[str, list[tuple[Term, Term, str]]]] = defaultdict(dict)
        self._loaded = False
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                lists = [source.encode() + b"\0" + path.read_bytes() for path, source in self._files]
                self._words, self._phrases = cached("lexicon", lists, self._analyse)
                self._loaded = True

    def _analyse(self) -> tuple[dict, dict]:
        """The tables of the curated lists, each entry's words analysed."""
        for path, source in self._files:
            self._add_pairs(read_pairs(path), COLUMNS, source)
        return self._words, self._phrases

    def load_tsv(self, path: Path) -> int:
        """Add a user's list in the curated list's format; the pairs read."""
        self._load()
        pairs = read_pairs(Path(path))
        with self._lock:
            self._add_pairs(pairs, COLUMNS, "user")
        return len(pairs)

    def load_dix(self, path: Path, left: str | None = None) -> int:
        """Add the pairs of an Apertium bilingual ``.dix`` (its ``r="LR"`` /
        ``"RL"`` direction marks kept); ``left`` is the language of its left
        side, by default told by the file name.  Returns the pairs read."""
        self._load()
        langs = (left, other(left)) if left else dix_langs(Path(path))
        pairs = list(read_dix(Path(path)))
        with self._lock:
            for pair in pairs:
                if "LR" in pair.directions:
                    self._add(pair.left, pair.right, langs[0], "user")
                if "RL" in pair.directions:
                    self._add(pair.right, pair.left, langs[1], "user")
        return len(pairs)

    def _add_pairs(self, pairs: Iterable[tuple[str, str]], langs: tuple[str, str],
                   source: str) -> None:
        for first, second in pairs:
            self._add(first, second, langs[0], source)
            self._add(second, first, langs[1], source)

    def _add(self, text: str, translation: str, lang: str, source: str) -> None:
        """One direction of an entry: ``text`` in ``lang`` → ``translation``."""
        found, term = make_term(text, lang), make_term(translation, other(lang))
        for key in found.keys:
            known = self._words[lang].setdefault(key, [])
            known += [Equivalent(k, term.lang, source) for k in term.keys
                      if all(e.lemma != k for e in known)]
        if len(found.lemmas) > 1 or len(term.lemmas) > 1:
            for first in found.lemmas[0] if found.lemmas else ():
                self._phrases[lang].setdefault(first, []).append((found, term, source))

    def equivalents(self, lemma: str, lang: str) -> tuple[Equivalent, ...]:
        """One-word equivalents of a folded lemma of ``lang`` in the other
        language: curated first (legal, then general), then a user's, then
        cognates, which only a word the curated lists lack gets."""
        if lang not in LANGS:
            return ()
        self._load()
        found = list(self._words[lang].get(lemma, ()))
        # A word the shipped lists translate takes their translations alone:
        # they list its cognates where those are right (кара ↔ кара).
        if self.cognates and not any(e.source in CURATED for e in found):
            found += [Equivalent(w, other(lang), "cognate") for w in cognates(lemma, lang)]
        seen: set[str] = set()
        out = [e for e in sorted(found, key=lambda e: SOURCES.index(e.source))
               if not (e.lemma in seen or seen.add(e.lemma))]
        return tuple(out)

    def phrase_equivalents(self, positions: Sequence[str | Iterable[str]],
                           lang: str) -> tuple[PhraseMatch, ...]:
        """The multiword entries a query holds, with their other-language
        terms.

        ``positions`` are the query's words, each a lemma or the set of its
        lemmas.  An entry matches at ``start`` when each of its words shares
        a lemma with the query word at the same offset; matches may overlap.
        """
        if lang not in LANGS:
            return ()
        self._load()
        slots = [frozenset((p,)) if isinstance(p, str) else frozenset(p) for p in positions]
        out: list[PhraseMatch] = []
        # Stop words are skipped on both sides: a query drops them ("вступление
        # в силу" is searched as "вступление силу"), a phrase keeps them.
        content = [i for i, slot in enumerate(slots) if not (slot and _STOP.issuperset(slot))]
        for k, start in enumerate(content):
            for lemma in sorted(slots[start]):
                for found, term, source in self._phrases[lang].get(lemma, ()):
                    words = [w for w in found.lemmas if not _STOP.issuperset(w)]
                    places = content[k:k + len(words)]
                    if len(places) == len(words) and all(slots[i] & set(w) for i, w in zip(places, words)):
                        out.append(PhraseMatch(start, places[-1] + 1, found, term, source))
        return tuple(dict.fromkeys(out))
