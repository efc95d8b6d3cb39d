"""Did you mean: close terms of the index's own vocabulary for a word with no hits.

A :class:`Speller` is built once from a vocabulary, an iterable of
``(term, frequency)`` pairs: the index's lemma and form lexicons with their
document frequencies, and the synonym tables' words as ``extra`` (so
``ектрадиція`` finds ``екстрадиція``, which the synonyms turn into
``видача``, even where no text says ``екстрадиція``):

>>> speller = Speller([("конвенція", 120), ("конвенції", 80), ("злочинна", 4),
...                    ("злочинам", 2), ("група", 80)], extra=["екстрадиція"])
>>> speller.suggest("rjydtywsz", limit=1)   # typed with the Latin layout on
[Suggestion(term='конвенція', distance=0, frequency=120, how='layout')]
>>> [(s.term, s.distance, s.how) for s in speller.suggest("ектрадиція")]
[('екстрадиція', 1, 'edit')]
>>> [(s.term, s.distance, s.how) for s in speller.suggest("злочиная")]
[('злочинам', 1, 'edit'), ('злочинна', 2, 'edit')]
>>> speller.suggest("група")                # a word of the vocabulary
[]

:meth:`Speller.correct` proposes a whole query, replacing only the words
``has_hits`` says have none; ``together`` (optional) says whether two words
stand side by side in the index, and a suggestion that does so with its
neighbour goes first:

>>> correction = speller.correct("злочиная група", has_hits=lambda word: word in speller,
...                              together=lambda words: words == ("злочинна", "група"))
>>> correction.text
'злочинна група'
>>> [(word, [s.term for s in found]) for word, found in correction.words]
[('злочиная', ['злочинна', 'злочинам'])]

Suggestions are terms of the vocabulary only, never the word itself, and a
word of the vocabulary gets none: the caller asks about words without hits
and shows the suggestions (``to_dict()`` for JSON); nothing is replaced
silently.

Two ways a word is found (``Suggestion.how``):

``edit``
    Terms within Damerau–Levenshtein distance (optimal string alignment:
    insertions, deletions, substitutions, adjacent transpositions) of the
    word.  The distance allowed grows with the word as Elasticsearch's
    ``fuzziness: AUTO`` does (:func:`max_distance`): none up to 2 letters, 1
    up to 5, 2 beyond; short words have too many neighbours for a farther
    one to be a guess worth showing.
``layout``
    The word as its keys type on another layout (:data:`search.lang.KEYBOARD`):
    Latin keys read as the Ukrainian or Russian layout (``rjydtywsz`` →
    ``конвенція``, ``rjydtywbz`` → ``конвенция``), a Ukrainian word typed on
    the Russian layout or the reverse (``конвенцыя`` → ``конвенція``,
    ``відача`` → ``выдача``), and Cyrillic read back as Latin keys.  The
    converted word may be one edit off in turn (``rjydtyws`` → ``конвенція``);
    ``distance`` counts from the converted word.

Suggestions rank by distance, then frequency, then alphabetically.  Words
are folded like query words (case, apostrophes, ё, Latin look-alikes),
terms like index keys (case, apostrophes, ё); terms with digits or without
a letter are left out.

How it is fast: a SymSpell-style delete index (Wolf Garbe's symmetric
delete algorithm).  Two strings within distance 2 have a common string left
by deleting at most 2 letters from each.  The index maps every such delete
of a term's first :data:`PREFIX` letters to the term's group (the sorted
terms sharing that prefix); a look-up makes the deletes of the word's
prefix, collects their groups and checks the distance of those terms in
full, walking the candidates in sorted order as a trie so that forms of
one word share their rows of the distance table.  symspellpy does the same
with a dict of delete strings to lists of terms: for 200,000 terms of the
law corpus it took 10 s and 278 MB to build.  Here a delete is only a hash
(CRC-32, the same in every process, so a speller pickles) into a bucket of
a compressed array (``array('I')``, 4 bytes a pair); a collision only adds
a candidate that the distance check rejects.  The same 200,000 terms take
3 s of CPU and 83 MB at the peak to build, and the speller keeps 40 MB; a
suggestion takes 0.9 ms on average, 2 ms at the 95th percentile, and 0.5
ms on the bundled index's 4,000 terms (``benchmarks/suggest.py``).  The
distance check is plain Python, so there is no dependency.

A vocabulary of more than ``max_terms`` terms (:data:`MAX_TERMS`) keeps the
most frequent, which drops a large corpus's rare forms and misspellings
first and bounds build time and memory whatever the corpus.  The speller
knows neither Whoosh nor the index: the caller feeds it, best when a query
first has a word without hits rather than when the index opens (or from a
pickle kept beside a large index).  It does not change once built, so
threads may share one.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from dataclasses import asdict, dataclass
from itertools import accumulate, repeat
from typing import Callable, Collection, Iterable, Iterator, Optional
from zlib import crc32

from ..lang import KEYBOARD, KEYBOARD_KEYS, OWN_LETTERS
from .normalize import fold_script, fold_word
from .tokenize import MAX_WORD, tokenize

#: Letters of a term whose deletes are indexed.  Longer terms are checked in
#: full once their prefix matches; 7 is SymSpell's default.
PREFIX = 7
#: Terms kept at most, the most frequent first (about what a
#: million-word corpus has as distinct lemmas and forms).
MAX_TERMS = 200_000
#: Suggestions per word unless the caller asks for another number.
LIMIT = 3
#: Suggestions per word tried against its neighbours in a query.
CONTEXT = 10

EDIT = "edit"
LAYOUT = "layout"


def max_distance(word: str) -> int:
    """The edit distance allowed for a word of this length."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Suggestion:
    """A term of the vocabulary offered for a word.

    ``distance`` is counted from the word as typed (``edit``) or from the
    word converted to the other layout (``layout``); ``frequency`` is what
    the vocabulary gave the term.
    """

    term: str
    distance: int
    frequency: int
    how: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Correction:
    """A query with every word that has no hits replaced by its best suggestion.

    ``words`` holds each such word (folded) with all its suggestions, best
    first, for output that lists them; words with no suggestion are left as
    they are in ``text``.
    """

    text: str
    words: tuple[tuple[str, tuple[Suggestion, ...]], ...]

    def to_dict(self) -> dict:
        return {"text": self.text,
                "words": [{"word": w, "suggestions": [s.to_dict() for s in found]}
                          for w, found in self.words]}


def fold(word: str) -> str:
    """A word folded the way index terms are."""
    return fold_word(fold_script(word))


def spellable(term: str) -> bool:
    """Whether a term takes part: a letter, no digit, not over-long."""
    if not 2 <= len(term) <= MAX_WORD:
        return False
    return term.isalpha() or (any(ch.isalpha() for ch in term) and not any(ch.isdigit() for ch in term))


def select(vocabulary: Iterable[tuple[str, int]], max_terms: int = MAX_TERMS) -> dict[str, int]:
    """The terms a speller keeps of ``(term, frequency)`` pairs: folded,
    spellable, a term given twice at its higher frequency, the
    ``max_terms`` most frequent.  Selecting a selection changes nothing."""
    counts: dict[str, int] = {}
    for term, frequency in vocabulary:
        term = fold_word(term)
        if counts.get(term, -1) < frequency and spellable(term):
            counts[term] = frequency
    if len(counts) > max_terms:
        counts = dict(heapq.nlargest(max_terms, counts.items(), key=lambda item: (item[1], item[0])))
    return counts


class Speller:
    """Suggestions from a fixed vocabulary; see the module docstring."""

    def __init__(self, vocabulary: Iterable[tuple[str, int]], *, extra: Iterable[str] = (),
                 max_terms: int = MAX_TERMS) -> None:
        """Index ``vocabulary`` (``(term, frequency)`` pairs; a term given
        twice, say as a lemma and a form, keeps its higher frequency).

        ``extra`` words (such as the synonym tables') are always kept, at
        frequency 0 unless the vocabulary gives one; of the rest the
        ``max_terms`` most frequent are kept.
        """
        counts = select(vocabulary, max_terms)
        for word in extra:
            word = fold(word)
            if spellable(word):
                counts.setdefault(word, 0)
        self._terms = sorted(counts)
        self._frequency = array("I", (min(max(counts[t], 0), 2**32 - 1) for t in self._terms))
        self._groups, self._offsets, self._members = _delete_index(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, word: str) -> bool:
        return self._find(fold(word)) is not None

    def frequency(self, word: str) -> Optional[int]:
        """The frequency of a word of the vocabulary, None for another word."""
        at = self._find(fold(word))
        return None if at is None else self._frequency[at]

    def suggest(self, word: str, limit: int = LIMIT) -> list[Suggestion]:
        """Up to ``limit`` terms for a word, best first; none for a word of
        the vocabulary, one with digits or a letterless one."""
        word = fold(word)
        if not spellable(word) or self._find(word) is not None:
            return []
        best: dict[str, Suggestion] = {}
        for at, distance in self._near(word, max_distance(word)):
            if _same_language(word, self._terms[at]):
                best[self._terms[at]] = Suggestion(self._terms[at], distance, self._frequency[at], EDIT)
        # A Cyrillic word read on the other Cyrillic layout must then be a
        # word as it is ("відача" is "выдача"): near it, it would only be a
        # word of the other language near this one ("участницы", "учасниці").
        latin = any("a" <= ch <= "z" for ch in word)
        for variant in layout_variants(word):
            for at, distance in self._near(variant, max(0, max_distance(variant) - 1) if latin else 0):
                term = self._terms[at]
                if term not in best or best[term].distance > distance:
                    best[term] = Suggestion(term, distance, self._frequency[at], LAYOUT)
        ranked = sorted(best.values(), key=lambda s: (s.distance, -s.frequency, s.term))
        return ranked[:limit]

    def correct(self, text: str, has_hits: Callable[[str], bool], *,
                words: Optional[Collection[str]] = None,
                together: Optional[Callable[[tuple[str, ...]], bool]] = None,
                limit: int = LIMIT) -> Optional[Correction]:
        """The query ``text`` with each word that has no hits replaced by its
        best suggestion, or None when no such word has one.

        ``has_hits(word)`` is asked about each folded word at most once.
        ``words`` limits the words considered to those the query parser
        found (folded), so operators and filter values are left alone; by
        default every word of ``text`` is.  The rest of the text (quotes,
        operators, spacing) is kept; a capitalized word's suggestion is
        capitalized alike.

        ``together((a, b))``, when given, tells whether two folded words
        occur side by side in the index (a phrase query on forms).  A
        suggestion that stands next to its neighbour in the query that way
        ranks first: ``злочиная група`` has ``злочинам`` one edit away and
        ``злочинна`` two, but only ``злочинна група`` is in the texts.
        """
        allowed = None if words is None else {fold(w) for w in words}
        tokens = [t for t in tokenize(text) if allowed is None or fold(t.text) in allowed]
        folded = [fold(t.text) for t in tokens]
        hits = {word: has_hits(word) for word in dict.fromkeys(folded)}
        chosen: list[Optional[tuple[Suggestion, ...]]] = []
        for i, word in enumerate(folded):
            if hits[word]:
                chosen.append(None)
                continue
            found = self.suggest(word, max(limit, CONTEXT) if together else limit)
            if together and found:
                # The neighbours as they will read: the left one corrected.
                before = (chosen[i - 1][0].term if chosen[i - 1] else folded[i - 1]) if i else None
                after = folded[i + 1] if i + 1 < len(folded) and hits[folded[i + 1]] else None
                found = sorted(found, key=lambda s: not _fits(s.term, before, after, together))
            chosen.append(tuple(found[:limit]) or None)
        if not any(chosen):
            return None
        pieces, end = [], 0
        for token, found in zip(tokens, chosen):
            if found:
                pieces += [text[end:token.start], _same_case(found[0].term, token.text)]
                end = token.end
        changed = dict((word, found) for word, found in zip(folded, chosen) if found)
        return Correction("".join(pieces) + text[end:], tuple(changed.items()))

    # -- internals ---------------------------------------------------------

    def _find(self, term: str) -> Optional[int]:
        at = bisect_left(self._terms, term)
        return at if at < len(self._terms) and self._terms[at] == term else None

    def _near(self, word: str, limit: int) -> Iterator[tuple[int, int]]:
        """Terms within ``limit`` of ``word``, each once: (place, distance)."""
        mask = len(self._offsets) - 2
        groups: set[int] = set()
        for delete in deletes(word[:PREFIX], limit):
            bucket = _hash(delete) & mask
            groups.update(self._members[self._offsets[bucket]:self._offsets[bucket + 1]])
        places = (at for group in sorted(groups) for at in range(self._groups[group], self._groups[group + 1]))
        return _walk(word, self._terms, places, limit)


def _walk(word: str, terms: list[str], places: Iterable[int], limit: int) -> Iterator[tuple[int, int]]:
    """The terms at ``places`` (in sorted order) within ``limit`` of
    ``word``, walked as a trie: a term reuses the rows of the distance table
    it shares with the term before it (forms of one word share most of
    their letters), and the terms under a prefix already too far are
    skipped."""
    rows = [list(range(len(word) + 1))]  # rows[i]: the table's row after term[:i]
    previous, dead = "", None
    for at in places:
        term = terms[at]
        if dead is not None and term.startswith(dead):
            continue
        common, most = 0, min(len(previous), len(term), len(rows) - 1)
        while common < most and previous[common] == term[common]:
            common += 1
        del rows[common + 1:]
        previous = term
        for i in range(common + 1, len(term) + 1):
            row = _row(word, term, i, rows, limit)
            rows.append(row)
            if min(row) > limit:  # every longer term under this prefix is farther still
                dead = term[:i]
                break
        else:
            if abs(len(term) - len(word)) <= limit and rows[-1][-1] <= limit:
                yield at, rows[-1][-1]


def _row(word: str, term: str, i: int, rows: list[list[int]], limit: int) -> list[int]:
    """Row ``i`` of the optimal string alignment table of ``word`` against
    ``term``: its cells are the distances of ``term[:i]`` to each prefix of
    ``word``.  Only the band of cells within ``limit`` of the diagonal is
    computed; the others stay ``limit + 1``."""
    over = limit + 1
    above = rows[i - 1]
    row = [over] * (len(word) + 1)
    row[0] = i if i <= limit else over
    letter = term[i - 1]
    for j in range(max(1, i - limit), min(len(word), i + limit) + 1):
        other = word[j - 1]
        value = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (letter != other))
        if i > 1 and j > 1 and letter == word[j - 2] and term[i - 2] == other and rows[i - 2][j - 2] + 1 < value:
            value = rows[i - 2][j - 2] + 1
        row[j] = min(value, over)
    return row


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein without
    editing a substring twice) of ``a`` and ``b``, or ``limit + 1`` when it
    exceeds ``limit``."""
    rows = [list(range(len(a) + 1))]
    for i in range(1, len(b) + 1):
        rows.append(_row(a, b, i, rows, limit))
        if min(rows[-1]) > limit:
            return limit + 1
    return min(rows[-1][-1], limit + 1)


def deletes(word: str, depth: int) -> set[str]:
    """The word and every string made by deleting up to ``depth`` (0–2) letters."""
    found = {word}
    n = len(word)
    if depth >= 1:
        found.update([word[:i] + word[i + 1:] for i in range(n)])
    if depth >= 2:
        found.update([word[:i] + word[i + 1:j] + word[j + 1:] for i in range(n) for j in range(i + 1, n)])
    return found


def _hash(text: str) -> int:
    """A hash that is the same in every process, so a speller pickles."""
    return crc32(text.encode())


def _delete_index(terms: list[str]) -> tuple[array, array, array]:
    """Group sorted terms by prefix; map each delete of a group's prefix to
    the group through hash buckets, as compressed rows: bucket b holds the
    groups ``members[offsets[b]:offsets[b + 1]]``."""
    groups = array("I")
    keys: list[str] = []
    for at, term in enumerate(terms):
        key = term[:PREFIX]
        if not keys or keys[-1] != key:
            keys.append(key)
            groups.append(at)
    groups.append(len(terms))
    hashes = array("I")
    owners = array("I")
    for group, key in enumerate(keys):
        found = deletes(key, 2)
        hashes.extend(map(crc32, map(str.encode, found)))  # _hash, without a call a delete
        owners.extend(repeat(group, len(found)))
    # About two pairs a bucket: a collision costs a look-up one more group
    # to check, a bucket 4 bytes of the table.
    size = 1 << max(4, (len(hashes) // 2).bit_length())
    mask = size - 1
    buckets = array("I", map(mask.__and__, hashes))
    del hashes
    counts = array("I", bytes(4 * size))
    for bucket in buckets:
        counts[bucket] += 1
    offsets = array("I", accumulate(counts))  # where each bucket ends
    offsets.append(len(buckets))
    del counts
    # A counting sort: the pairs, last first, each go just before the end
    # of their bucket's free room, which leaves offsets[b] at its start.
    members = array("I", bytes(4 * len(buckets)))
    for bucket, group in zip(reversed(buckets), reversed(owners)):
        at = offsets[bucket] - 1
        offsets[bucket] = at
        members[at] = group
    return groups, offsets, members


def _layout_tables() -> list[dict[int, str]]:
    """Translation tables from the keys of one layout to another's letters."""
    layouts = {"latin": KEYBOARD_KEYS, **KEYBOARD}
    tables = []
    for source, keys in layouts.items():
        for target, letters in layouts.items():
            if source != target:
                tables.append(str.maketrans(dict(zip(keys, letters))))
    return tables


_TABLES = _layout_tables()
_LAYOUT_SETS = [frozenset(chr(c) for c in table) for table in _TABLES]


def layout_variants(word: str) -> list[str]:
    """The word as its keys would type it on each other layout, folded;
    only layouts whose keys can type every character of the word."""
    found = []
    for table, keys in zip(_TABLES, _LAYOUT_SETS):
        if all(ch in keys for ch in word):
            variant = fold_word(word.translate(table))
            if variant != word and variant not in found:
                found.append(variant)
    return found


def _same_language(word: str, term: str) -> bool:
    """Whether a correction keeps to the word's language where its letters
    tell it ("участницы" is Russian: not "учасниці")."""
    langs = [lang for lang, letters in OWN_LETTERS.items() if letters & set(word)]
    return len(langs) != 1 or not any(OWN_LETTERS[other] & set(term) for other in OWN_LETTERS if other != langs[0])


def _fits(term: str, before: Optional[str], after: Optional[str],
          together: Callable[[tuple[str, ...]], bool]) -> bool:
    return bool(before and together((before, term)) or after and together((term, after)))


def _same_case(term: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return term.upper()
    if typed[:1].isupper():
        return term[:1].upper() + term[1:]
    return term
