"""Cognates: the other language's word a lemma turns into by regular rules.

A lemma is rewritten left to right by the letter and affix correspondences
of :data:`search.lang.COGNATE_RULES` (конвенція → конвенция, розслідування
→ расследование, організовувати → организовывать); every partial spelling
is checked against the other dictionary's word list as it grows, so a word
costs a few hundred look-ups, not the product of its alternatives.  A
candidate is kept where the other dictionary has it as a lemma of the same
part of speech, it is among the cheapest rewritings, the rules rewrite it
back into the lemma as cheaply (so a pair reads the same from either side),
and it is not in the false-friend list (місто is no место).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ..morph import analyzer
from ..normalize import fold_word
from ...lang import COGNATE_RULES, CYRILLIC, LANGS, OWN_LETTERS
from .tables import COLUMNS, FALSE_FRIENDS, data_file, read_pairs

#: pymorphy3's parts of speech, coarse: a noun matches a noun, an
#: infinitive a verb, a full or short adjective an adjective.
POS = {"NOUN": "noun", "ADJF": "adj", "ADJS": "adj", "VERB": "verb", "INFN": "verb",
       "ADVB": "adv", "NUMR": "num"}
#: Parses that make no cognates: names, abbreviations, and the spellings a
#: dictionary marks as non-standard (Russianisms and variants in the
#: Ukrainian one, slang, archaisms and misspellings).
SKIP = frozenset({"Name", "Surn", "Patr", "Abbr", "Dist", "alt", "Slng", "Arch", "Erro"})
#: Parses of proper nouns: a part of speech of their own.
PROPER = frozenset({"Geox", "Orgn", "Trad"})
VOWELS = frozenset("аеєиіїоуюяыэё")
#: Partial spellings a word may try before the search gives up.
BUDGET = 4000


class Rule(NamedTuple):
    source: str
    target: str
    cost: int
    at_start: bool
    at_end: bool
    closed: bool  # only where a consonant closes the syllable after it

    def fits(self, word: str, i: int) -> bool:
        end = i + len(self.source)
        if not word.startswith(self.source, i) or (self.at_start and i) or (
                self.at_end and end != len(word)):
            return False
        return not self.closed or _closed(word, i + _first_vowel(self.source) + 1)


def _first_vowel(text: str) -> int:
    return next((i for i, ch in enumerate(text) if ch in VOWELS), 0)


def _closed(word: str, i: int) -> bool:
    """Whether the syllable whose vowel ends before ``i`` is closed: a
    consonant follows it, and no vowel that consonant could open (кі|т,
    сі|ль, ві|льний, во|вк, по|вний; not рі|ка)."""
    if i >= len(word) or word[i] in VOWELS:
        return False
    rest = word[i + 1:].lstrip("ь'")
    return not rest or rest[0] not in VOWELS


def _rules(source: str, target: str) -> dict[str, tuple[Rule, ...]]:
    """The rules that rewrite ``source`` into ``target``, by first letter."""
    table = COGNATE_RULES.get((source, target))
    flip = table is None
    out: dict[str, list[Rule]] = {}
    for first, second, cost in table or COGNATE_RULES[(target, source)]:
        bare = first.strip("^$|")
        src, tgt = (second, bare) if flip else (bare, second)
        rule = Rule(src, tgt, cost, first.startswith("^"), first.endswith("$"), first.endswith("|"))
        out.setdefault(src[:1], []).append(rule)
    shared = CYRILLIC - OWN_LETTERS[source] - OWN_LETTERS[target] - {"ё"}
    for letter in shared:
        out.setdefault(letter, []).append(Rule(letter, letter, 0, False, False, False))
    return {k: tuple(v) for k, v in out.items()}


_RULES = {(a, b): _rules(a, b) for a in LANGS for b in LANGS if a != b}


def other(lang: str) -> str:
    return next(x for x in LANGS if x != lang)


@lru_cache(maxsize=200_000)
def lemma_pos(word: str, lang: str) -> frozenset[str]:
    """The parts of speech in which the dictionary has ``word`` as a lemma."""
    found = set()
    for p in analyzer(lang).parse(word):
        grammemes = p.tag.grammemes
        if (p.is_known and p.tag.POS in POS and fold_word(p.normal_form) == word
                and not SKIP & grammemes):
            found.add("proper" if PROPER & grammemes else POS[p.tag.POS])
    return frozenset(found)


def _spellings(word: str, source: str, target: str) -> dict[str, int]:
    """Every rewriting of ``word`` that the target dictionary has as a word
    form, with its cheapest cost."""
    rules, words = _RULES[(source, target)], analyzer(target).dictionary.words
    # the dictionary spells with ё and ґ what a folded key writes е and г
    variants = _substitutes(target)
    found: dict[str, int] = {}
    stack, budget = [(0, "", 0)], BUDGET
    while stack and budget > 0:
        i, out, cost = stack.pop()
        if i == len(word):
            if words.has_key(out) and cost < found.get(out, cost + 1):
                found[out] = cost
            continue
        for rule in rules.get(word[i], ()):
            if not rule.fits(word, i):
                continue
            end = i + len(rule.source)
            for grown in _grow(out, rule.target, variants):
                budget -= 1
                if words.has_keys_with_prefix(grown):
                    stack.append((end, grown, cost + rule.cost))
    return found


@lru_cache(maxsize=None)
def _substitutes(lang: str) -> dict[str, tuple[str, ...]]:
    """Each letter and the letters the dictionary may write for it."""
    compiled = analyzer(lang).char_substitutes or {}
    return {key.decode(): (key.decode(),) + tuple(text for _, text in found)
            for key, found in compiled.items()}


def _grow(out: str, piece: str, variants: dict[str, tuple[str, ...]]) -> list[str]:
    """``out`` with ``piece`` added, in each spelling the dictionary may use."""
    grown = [out]
    for letter in piece:
        grown = [g + v for g in grown for v in variants.get(letter, (letter,))]
    return grown


@lru_cache(maxsize=200_000)
def cognates(lemma: str, lang: str) -> tuple[str, ...]:
    """The other language's lemmas that ``lemma`` (folded, of ``lang``) turns
    into, cheapest first, each of which turns back into ``lemma`` as its own
    cheapest rewriting."""
    back = other(lang)
    return tuple(w for w in _one_way(lemma, lang) if lemma in _one_way(w, back))


@lru_cache(maxsize=200_000)
def _one_way(lemma: str, lang: str) -> tuple[str, ...]:
    """The cheapest rewritings of ``lemma`` that are lemmas of the other
    dictionary in a part of speech ``lemma`` has, false friends left out."""
    pos = lemma_pos(lemma, lang)
    target = other(lang)
    kept: dict[str, int] = {}
    for spelling, cost in (_spellings(lemma, lang, target) if pos else {}).items():
        word = fold_word(spelling)
        if pos & lemma_pos(word, target) and not is_false_friend(lemma, lang, word):
            kept[word] = min(cost, kept.get(word, cost))
    cheapest = min(kept.values(), default=0)
    return tuple(sorted(w for w, c in kept.items() if c == cheapest))


def is_false_friend(lemma: str, lang: str, other_lemma: str) -> bool:
    """Whether the pair is in the false-friend list (either way round)."""
    pair = (lemma, other_lemma) if lang == COLUMNS[0] else (other_lemma, lemma)
    return pair in _false_friends()


@lru_cache(maxsize=1)
def _false_friends() -> frozenset[tuple[str, str]]:
    return frozenset((fold_word(a), fold_word(b)) for a, b in read_pairs(data_file(FALSE_FRIENDS)))
