"""A paragraph's text → index positions with forms and lemmas."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional

from .normalize import script_variants
from ..lang import ABBREVIATIONS
from .morph import CACHED_WORDS, lemmas
from .tokenize import HYPHEN, MAX_WORD, WORD, Token, tokenize

#: Separates the terms that share one position in an encoded field value.
ALT = "|"
#: Flag bits the index keeps with each term at a position, so that ranking
#: can tell how a position matches without its full analysis: a ``form``
#: that is not the whole word (the first part of a compound at its first
#: position), a ``lemma`` that is not the word's first reading, and a
#: position that is a later part of a hyphenated compound.
NOT_WHOLE = NOT_FIRST = 1
LATER_PART = 2


class Position(NamedTuple):
    """One word position: what the text has there and what it may mean (a
    tuple, not a dataclass: a paragraph has thousands and every build makes
    all of them)."""

    start: int  # character offsets of the word in the text
    end: int
    forms: tuple[str, ...]  # folded exact forms (script twins included)
    lemmas: tuple[str, ...]  # every lemma of every form


@lru_cache(maxsize=CACHED_WORDS)
def word_terms(word: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The forms and lemmas one word is indexed under.  Cached: a text's
    repeated words cost a dictionary look-up, not a new analysis."""
    forms = script_variants(word)
    found: list[str] = []
    for form in forms:
        found.extend(lemmas(form, lang))
    expansion = ABBREVIATIONS.get(lang, {}).get(forms[0])
    if expansion:
        found.append(expansion)
    return forms, tuple(dict.fromkeys(found))


def _token_positions(token: Token, lang: str) -> list[Position]:
    forms, lems = word_terms(token.text, lang)
    parts = token.parts
    if len(parts) == 1:
        return [Position(token.start, token.end, forms, lems)]
    # A compound ("Держави-учасниці") stands at the position of its first
    # part with its whole-word terms added; later parts follow, so a query
    # for the whole word, for one part, or for the parts as a phrase matches.
    out = []
    for i, part in enumerate(parts):
        pforms, plems = word_terms(part.text, lang)
        end = part.end
        if i == 0:  # carries the whole word, so it spans the whole word
            pforms, plems, end = forms + pforms, lems + plems, token.end
        out.append(Position(part.start, end, tuple(dict.fromkeys(pforms)),
                            tuple(dict.fromkeys(plems))))
    return out


class WordTerms(NamedTuple):
    """What one word adds to the index, relative to its first position:
    (position, term, flags) of its ``form`` and ``lemma`` terms, and the
    text of each position in lower case (what statistics count as forms)."""

    positions: int
    forms: tuple[tuple[int, str, int], ...]
    lemmas: tuple[tuple[int, str, int], ...]
    surfaces: tuple[str, ...] = ()


def word_terms_at(word: str, lang: str) -> WordTerms:
    """The index terms of one word (as :func:`words` gives it) in a
    paragraph of language ``lang``, as :func:`encode` and the index lay
    them out: the terms of each position in order, a position with none
    keeping its place."""
    positions = _token_positions(Token(word, 0, len(word)), lang)
    forms, lems = [], []
    for i, p in enumerate(positions):
        before = positions[i - 1] if i else None
        part = LATER_PART if before and before.start < p.start and before.end >= p.end else 0
        slot = ALT.join(p.forms)
        for f in slot.split(ALT) if slot else ():
            forms.append((i, f, part | (NOT_WHOLE if len(f) != p.end - p.start else 0)))
        slot = ALT.join(p.lemmas)
        for k, lemma in enumerate(slot.split(ALT) if slot else ()):
            lems.append((i, lemma, part | (NOT_FIRST if k else 0)))
    return WordTerms(len(positions), tuple(forms), tuple(lems), tuple(word[p.start:p.end].lower() for p in positions))


def spans(text: str, found: Optional[list[str]] = None) -> list[tuple[int, int]]:
    """The character offsets of every position of ``text``, as
    :func:`analyze` gives them, without looking up a lemma: the words
    (``found``, the words uncut if they were found already) are located
    one after another (only letters can start one,
    and none stand between two words)."""
    out: list[tuple[int, int]] = []
    at = 0
    for word in WORD.findall(text) if found is None else found:
        start = text.find(word, at)
        at = start + len(word)
        if len(word) > MAX_WORD or "-" in word or "\u2010" in word or "\u2011" in word:
            out.extend(_token_positions_spans(Token(word[:MAX_WORD], start, min(at, start + MAX_WORD))))
        else:
            out.append((start, at))
    return out


def _token_positions_spans(token: Token) -> list[tuple[int, int]]:
    parts = token.parts
    if len(parts) == 1:
        return [(token.start, token.end)]
    return [(parts[0].start, token.end)] + [(part.start, part.end) for part in parts[1:]]


def analyze(text: str, lang: str) -> list[Position]:
    """Positions of every word of ``text`` lemmatized as ``lang``."""
    out: list[Position] = []
    for token in tokenize(text):
        out.extend(_token_positions(token, lang))
    return out


def encode(positions: list[Position]) -> tuple[str, str, list[int]]:
    """Positions as the index holds them: the ``form`` and ``lemma`` field
    values (one space-separated slot per position, alternatives joined by
    :data:`ALT`) and the offsets, stored so that ranking and highlighting
    read them back instead of analysing the text again."""
    offsets: list[int] = []
    for p in positions:
        offsets += (p.start, p.end)
    forms = " ".join(ALT.join(p.forms) for p in positions)
    lems = " ".join(ALT.join(p.lemmas) for p in positions)
    return forms, lems, offsets


def decode(stored: tuple[str, str, list[int]]) -> list[Position]:
    """Every position of a stored analysis."""
    text = StoredText(stored)
    return [text.position(i) for i in range(len(text))]


_BOUNDARY = " " + ALT


@lru_cache(maxsize=4096)
def _terms_pattern(terms: frozenset[str], prefix: bool) -> re.Pattern:
    """Any of ``terms`` ending where a stored term ends (a prefix: anywhere).
    Where it starts is checked by StoredText.where: a look-behind here made
    every search three times slower on long paragraphs."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    end = "" if prefix else f"(?![^{re.escape(_BOUNDARY)}])"
    return re.compile(f"(?:{alternatives}){end}")


class StoredText:
    """A paragraph's stored analysis, read lazily.

    Only positions near a query term are ever decoded: the slots of the
    stored strings are searched with one regular expression per query word,
    so a long paragraph costs what its matches cost, not what its length
    does.
    """

    def __init__(self, stored: tuple[str, str, list[int]]) -> None:
        self.forms, self.lemmas, self.offsets = stored
        self._cache: dict[int, Position] = {}
        self._form_slots = self._lemma_slots = None

    def __len__(self) -> int:
        return len(self.offsets) // 2

    def position(self, i: int) -> Position:
        found = self._cache.get(i)
        if found is None:
            if self._form_slots is None:
                self._form_slots = self.forms.split(" ")
                self._lemma_slots = self.lemmas.split(" ")
            found = self._cache[i] = Position(
                self.offsets[2 * i], self.offsets[2 * i + 1],
                tuple(self._form_slots[i].split(ALT)), tuple(self._lemma_slots[i].split(ALT)))
        return found

    def is_part(self, i: int) -> bool:
        """Whether position i is a later part of a hyphenated compound: the
        compound's first position spans the whole word, over it."""
        if i == 0:
            return False
        here, before = self.offsets[2 * i:2 * i + 2], self.offsets[2 * i - 2:2 * i]
        return before[0] < here[0] and before[1] >= here[1]

    def where(self, terms, prefix: bool = False) -> list[int]:
        """Indices of the positions with one of ``terms`` among their forms or
        lemmas (with ``prefix``, a form or lemma starting so)."""
        pattern = _terms_pattern(frozenset(terms), prefix)
        found = set()
        for text in (self.forms, self.lemmas):
            slot = last = 0  # matches come in order: count spaces once
            for m in pattern.finditer(text):
                start = m.start()
                if start and text[start - 1] not in _BOUNDARY:
                    continue  # inside a term, not at its start
                slot += text.count(" ", last, start)
                last = start
                found.add(slot)
        return sorted(found)
