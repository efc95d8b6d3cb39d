"""Ukrainian ↔ Russian equivalents of query lemmas, words and terms.

Four sources, listed in this order:

* ``legal``: the curated list :file:`legal_uk_ru.tsv` beside this module,
  written by hand for this project (its header says how), single words and
  multiword terms (позбавлення волі ↔ лишение свободы);
* ``general``: the curated list :file:`general_uk_ru.tsv`, written by hand
  the same way: everyday words the two languages say with different roots
  (мрія ↔ мечта, тиждень ↔ неделя) or with a change no rule makes, and
  their cognates where those are right;
* ``user``: lists a user loads at run time, in the same format
  (:meth:`Lexicon.load_tsv`) or as an Apertium bilingual ``.dix``
  (:meth:`Lexicon.load_dix`);
* ``cognate``: pairs derived per lemma by letter and affix rules
  (:mod:`.cognates`): конвенція ↔ конвенция, kept only where the other
  dictionary has the word as a lemma of the same part of speech and it is
  no false friend; only for words the two curated lists lack (a word they
  translate takes their translations alone).

One-word equivalents come from :func:`equivalents`; a query's multiword
terms from :func:`phrase_equivalents`, which matches each word of an entry
against the lemmas of the query word at the same offset.  All lemmas are
folded as the index folds them (:func:`..normalize.fold_word`).

    >>> [e.lemma for e in equivalents("конвенція", "uk")]
    ['конвенция']
"""

from __future__ import annotations

import threading
from typing import Iterable, Sequence

from .bilingual import Equivalent, Lexicon, PhraseMatch, Term

__all__ = ["Equivalent", "Lexicon", "PhraseMatch", "Term", "default_lexicon", "equivalents",
           "phrase_equivalents"]

_lock = threading.Lock()
_default: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The shared lexicon: the curated lists and cognates."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Lexicon()
    return _default


def equivalents(lemma: str, lang: str) -> tuple[Equivalent, ...]:
    """One-word equivalents of a folded lemma of ``lang`` ("uk" or "ru")."""
    return default_lexicon().equivalents(lemma, lang)


def phrase_equivalents(positions: Sequence[str | Iterable[str]], lang: str) -> tuple[PhraseMatch, ...]:
    """Multiword entries in a query's words (each a lemma or a set of them)."""
    return default_lexicon().phrase_equivalents(positions, lang)
