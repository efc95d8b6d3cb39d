"""Lemmas of one word in one language, with pymorphy3 and a cache.

The analyzers load lazily (a query that never needs Russian never loads the
Russian dictionary) and every look-up is cached, so a repeated word costs a
dictionary hit, not a new analysis.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from .normalize import fold_word
from ..lang import CYRILLIC_BLOCK, GERUND_TO_VERB, LANGS, OWN_LETTERS

_lock = threading.Lock()
_analyzers: dict = {}
#: Words each cache of analysis keeps: the most recently seen, so a
#: building process keeps its corpus's frequent words analysed from one
#: segment to the next (each segment analyses its own words once anyway),
#: in a bounded share of its memory (search.index.segments counts it).
CACHED_WORDS = 50_000


def analyzer(lang: str):
    """The shared pymorphy3 analyzer of a language, loaded on first use."""
    found = _analyzers.get(lang)
    if found is None:
        with _lock:
            found = _analyzers.get(lang)
            if found is None:
                import pymorphy3

                found = _analyzers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return found


_CYRILLIC_CHAR = re.compile(f"[{CYRILLIC_BLOCK}]")


def _is_cyrillic_word(word: str) -> bool:
    return _CYRILLIC_CHAR.search(word) is not None


@lru_cache(maxsize=CACHED_WORDS)
def known_in(word: str, lang: str) -> bool:
    """Whether the language's dictionary has this word form."""
    return lang in LANGS and _is_cyrillic_word(word) and analyzer(lang).word_is_known(word.lower())


@lru_cache(maxsize=CACHED_WORDS)
def _dictionary_lemmas(word: str, lang: str) -> tuple[str, ...]:
    """Every distinct lemma the dictionary gives the form (ambiguity kept);
    a gerund's verb is added as a further reading."""
    parses = analyzer(lang).parse(word)
    found = [fold_word(p.normal_form) for p in parses if p.is_known]
    if any("GRND" in p.tag for p in parses):
        found = found + _gerund_verbs(word, lang)
    return tuple(dict.fromkeys(found))


def _gerund_verbs(word: str, lang: str) -> list[str]:
    for ending, verb_ending in GERUND_TO_VERB.get(lang, ()):
        if word.endswith(ending):
            form = word[: len(word) - len(ending)] + verb_ending
            return [fold_word(p.normal_form) for p in analyzer(lang).parse(form)
                    if p.tag.POS == "VERB" and p.is_known]
    return []


@lru_cache(maxsize=CACHED_WORDS)
def _predicted_lemma(word: str, lang: str) -> str:
    parses = analyzer(lang).parse(word)
    return fold_word(parses[0].normal_form) if parses else word


def letter_langs(word: str) -> tuple[str, ...]:
    """The languages a word's letters allow: і/ї/є/ґ or an apostrophe mean
    Ukrainian, ы/э/ъ/ё Russian, otherwise either."""
    letters = set(word)
    if "'" in letters:
        letters.add("і")
    langs = tuple(lang for lang in LANGS if letters & OWN_LETTERS[lang])
    return langs if len(langs) == 1 else LANGS


def lemmas(word: str, lang: str) -> tuple[str, ...]:
    """Lemmas of a folded word form in a paragraph of language ``lang``.

    The paragraph's dictionary first; a word it does not know but the other
    language's dictionary does (a Russian name in a Ukrainian text) takes
    that one's lemmas; an unknown word gets the prediction of its language
    and keeps its own form, so it matches itself whatever the prediction.
    Numbers and Latin words are their own lemma.
    """
    if not _is_cyrillic_word(word):
        return (word,)
    order = (lang,) + tuple(x for x in LANGS if x != lang) if lang in LANGS else letter_langs(word)
    for candidate in order:
        if known_in(word, candidate):
            return _dictionary_lemmas(word, candidate) or (word,)
    guess = lang if lang in LANGS else letter_langs(word)[0]
    return tuple(dict.fromkeys((_predicted_lemma(word, guess), word)))


def query_analysis(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lemmas of a query word, and the most likely one in each language.

    The word is analysed by every dictionary that knows it, since a query
    does not say its language; by prediction when none does.
    """
    if not _is_cyrillic_word(word):
        return (word,), (word,)
    found: list[str] = []
    primary: list[str] = []
    for lang in letter_langs(word):
        if known_in(word, lang):
            readings = _dictionary_lemmas(word, lang)
            found.extend(readings)
            primary.extend(readings[:1])
    if not found:
        for lang in letter_langs(word):
            found.extend(lemmas(word, lang))
        primary = found
    return tuple(dict.fromkeys(found)) or (word,), tuple(dict.fromkeys(primary)) or (word,)


def query_lemmas(word: str) -> tuple[str, ...]:
    return query_analysis(word)[0]


def known_readings(word: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(language, lemmas) for each dictionary that knows a folded query
    word: which lemmas are whose, to translate each into the other
    language.  A word no dictionary knows has none (a guessed lemma is not
    worth translating)."""
    if not _is_cyrillic_word(word):
        return ()
    return tuple((lang, _dictionary_lemmas(word, lang)) for lang in letter_langs(word)
                 if known_in(word, lang) and _dictionary_lemmas(word, lang))
