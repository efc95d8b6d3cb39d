"""A query's words in other words: Ukrainian ↔ Russian equivalents and
synonyms, as alternatives to the words they stand for.

The compiler hands over a run of query words (an unquoted sequence, or the
words of a quoted phrase) as their lemmas, word by word; what comes back
are :class:`~search.query.tree.Alternative` s, each standing for words
``start`` to ``end`` of the run: one word's equivalents in the other
language (from the bilingual lexicon: the curated legal list, a user's
list, cognates), a multiword term's (``лишение свободы`` → ``позбавлення
волі``), or a synonym from the shipped tables or a user's file.  The rank
stage searches each alternative in the ``lemma`` field, weighted below the
words themselves, and counts it as holding the words it stands for.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..analysis.lexicon import Lexicon, default_lexicon
from ..analysis.morph import known_readings
from ..analysis.synonyms import Synonyms
from ..errors import UsageError
from ..lang import LANGS
from .tree import Alternative, Slot

#: Where a user's bilingual lists are named when the caller names none
#: (paths separated by os.pathsep; .tsv in the curated list's format, or an
#: Apertium bilingual .dix).
LEXICON_ENV = "SEARCH_LEXICON"
#: Alternatives of one run of words at most, so a long query stays quick.
MAX_ALTERNATIVES = 48


@dataclass(frozen=True)
class Expander:
    """How a query is widened: ``translate`` adds the other language's
    equivalents (from ``lexicon``), ``synonyms`` the rules of the synonym
    tables and files (None: none)."""

    translate: bool = True
    synonyms: Optional[Synonyms] = None
    lexicon: Optional[Lexicon] = None

    @classmethod
    def load(cls, translate: bool = True, synonyms: Optional[Sequence[os.PathLike | str]] = None,
             lexicon: Optional[Sequence[os.PathLike | str]] = None) -> "Expander":
        """The expander of these options: the shipped synonym tables plus
        ``synonyms`` files (default ``$SEARCH_SYNONYMS``), the shipped
        lexicon plus ``lexicon`` files (default ``$SEARCH_LEXICON``)."""
        return cls(translate, Synonyms.load(synonyms), _lexicon(lexicon) if translate else None)

    def alternatives(self, slots: Sequence[Slot], whole: bool = False) -> tuple[Alternative, ...]:
        """Alternatives of a run of words; with ``whole``, only those that
        stand for the whole run (a quoted phrase is one unit).  A synonym's
        equivalent in the other language, and an equivalent's synonyms, are
        alternatives too (one step each way: "взятка" → "хабар" →
        "неправомірна вигода")."""
        found: list[Alternative] = []
        translating = self.translate and self.lexicon is not None
        if translating:
            found += self._translations(slots, whole)
        if self.synonyms is not None:
            found += self._synonyms(tuple(slot.lemmas for slot in slots))
        if translating and self.synonyms is not None:
            for alternative in list(found):
                found += self._further(alternative)
        if whole:
            found = [a for a in found if (a.start, a.end) == (0, len(slots))]
        # The same words reached two ways are one alternative (the first way).
        unique = {(a.start, a.end, a.slots): a for a in reversed(found)}
        return tuple(a for a in found if unique[(a.start, a.end, a.slots)] is a)[:MAX_ALTERNATIVES]

    def _synonyms(self, lemma_sets: tuple[frozenset[str], ...], lang: str = "") -> list[Alternative]:
        if not any(lemma_sets):
            return []
        return [Alternative(e.start, e.end, e.lemmas, "synonym", f"{e.source}, line {e.line}", e.text,
                            e.lang or lang)
                for e in self.synonyms.expand(lemma_sets)]

    def _further(self, alternative: Alternative) -> list[Alternative]:
        """The synonyms of an equivalent, or the equivalents of a synonym,
        that stand for all of it; weighted as synonyms."""
        span = (alternative.start, alternative.end)
        whole = (0, len(alternative.slots))
        if alternative.kind == "translation":
            found = [(a.slots, a.source, a.text, a.lang) for a in self._synonyms(alternative.slots, alternative.lang)
                     if (a.start, a.end) == whole]
        else:
            found = self._translate_sets(alternative.slots, alternative.lang)
        return [Alternative(*span, slots, "synonym", f"{source} (for {alternative.text})", text, lang)
                for slots, source, text, lang in found]

    def _translate_sets(self, lemma_sets: tuple[frozenset[str], ...], lang: str
                        ) -> list[tuple[tuple[frozenset[str], ...], str, str, str]]:
        """Equivalents of a whole run given as lemma sets: a term of the
        lexicon, or one word's equivalents."""
        out = []
        for language in ([lang] if lang in LANGS else LANGS):
            if len(lemma_sets) > 1:
                for m in self.lexicon.phrase_equivalents(lemma_sets, language):
                    if (m.start, m.stop) == (0, len(lemma_sets)):
                        out.append((tuple(frozenset(w) for w in m.term.lemmas), m.source, m.term.text, m.term.lang))
                continue
            for lemma in sorted(lemma_sets[0]):
                for e in self.lexicon.equivalents(lemma, language):
                    out.append(((frozenset((e.lemma,)),), e.source, e.lemma, e.lang))
        return out

    def _translations(self, slots: Sequence[Slot], whole: bool) -> list[Alternative]:
        lexicon = self.lexicon
        readings = [_readings(slot) for slot in slots]
        found: list[Alternative] = []
        for lang in LANGS:
            positions = [frozenset(lemmas) for r in readings for lemmas in [r.get(lang, ())]]
            if len(slots) > 1 and all(positions):
                for m in lexicon.phrase_equivalents(positions, lang):
                    found.append(Alternative(m.start, m.stop, tuple(frozenset(w) for w in m.term.lemmas),
                                             "translation", m.source, m.term.text, m.term.lang))
        words: list[dict[str, set[str]]] = []  # each word's equivalents by source
        for i, by_lang in enumerate(readings):
            sources: dict[str, set[str]] = {}
            for lang, lemmas in by_lang.items():
                for lemma in lemmas:
                    for e in lexicon.equivalents(lemma, lang):
                        if e.lemma not in slots[i].lemmas:
                            sources.setdefault(e.source, set()).add(e.lemma)
            words.append(sources)
            if not whole or len(slots) == 1:
                for source, lemmas in sources.items():
                    found.append(Alternative(i, i + 1, (frozenset(lemmas),), "translation", source,
                                             ", ".join(sorted(lemmas)), _other(by_lang)))
        if whole and len(slots) > 1 and all(words):
            # A phrase with no term of its own in the lexicon, word by word.
            translated = tuple(frozenset().union(*w.values()) for w in words)
            found.append(Alternative(0, len(slots), translated, "translation", "word by word",
                                     " ".join("|".join(sorted(t)) for t in translated), ""))
        return found


def _readings(slot: Slot) -> dict[str, tuple[str, ...]]:
    """The lemmas of a query word by the language whose dictionary gives
    them (of its forms, script twins included)."""
    found: dict[str, list[str]] = {}
    for form in sorted(slot.forms):
        for lang, lemmas in known_readings(form):
            found.setdefault(lang, []).extend(lemmas)
    return {lang: tuple(dict.fromkeys(lemmas)) for lang, lemmas in found.items()}


def _other(by_lang: dict[str, tuple[str, ...]]) -> str:
    langs = [lang for lang in LANGS if lang not in by_lang]
    return langs[0] if len(langs) == 1 else ""


_lexicons: dict[tuple, Lexicon] = {}
_lock = threading.Lock()


def _lexicon(paths: Optional[Sequence[os.PathLike | str]]) -> Lexicon:
    """The shipped lexicon, with a user's lists added (read once per set of
    files and their times)."""
    if paths is None:
        paths = [p for p in os.environ.get(LEXICON_ENV, "").split(os.pathsep) if p]
    files = tuple(Path(p) for p in paths)
    if not files:
        return default_lexicon()
    try:
        key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    except OSError as exc:
        raise UsageError(f"lexicon {exc.filename}: {exc.strerror}") from None
    with _lock:
        if key not in _lexicons:
            lexicon = Lexicon()
            for f in files:
                try:
                    lexicon.load_dix(f) if f.suffix == ".dix" else lexicon.load_tsv(f)
                except (OSError, ValueError) as exc:
                    raise UsageError(f"lexicon {f}: cannot be read ({exc})") from None
            _lexicons[key] = lexicon
        return _lexicons[key]
