"""Did you mean: other words for query words that nothing matches.

A word has hits when the index holds one of its forms or lemmas, or one of
its equivalents in the other language.  When some word of a query has
none, the speller (``search.analysis.spelling``) offers the index's own
vocabulary within two edits, or the word typed on the other keyboard
layout, preferring a correction that stands next to its neighbour in the
texts.  The suggestion is told, never applied.
"""

from __future__ import annotations

from ..analysis.normalize import fold_word
from ..query import syntax as ast
from ..query.compile import word_slot
from ..query.expand import Expander
from ..query.tree import Phrase, Term


def suggestions(searcher, tree: ast.Node, source: str, expander: Expander) -> tuple[str, ...]:
    """The query with its words that have no hits corrected, if the speller
    has a correction for one of them."""
    words = ast.words(tree, negated=False)
    known: dict[str, bool] = {}

    def has_hits(word: str) -> bool:
        word = fold_word(word)
        if word not in known:
            slot = word_slot(word, exact=False)
            # Its own forms and lemmas first: its equivalents are looked up
            # only for a word the index lacks.
            known[word] = (searcher.holds("form", slot.forms) or searcher.holds("lemma", slot.lemmas)
                           or searcher.holds("lemma", {lemma for alternative in expander.alternatives([slot])
                                                       for lemmas in alternative.slots for lemma in lemmas}))
        return known[word]

    if all(has_hits(w) for w in words):
        return ()
    extra = expander.synonyms.words() if expander.synonyms is not None else ()
    correction = searcher.speller(tuple(extra)).correct(
        source, has_hits, words=words, together=lambda pair: searcher.matches_any(_side_by_side(pair)))
    return (correction.text,) if correction is not None and correction.text != source else ()


def _side_by_side(words: tuple[str, ...]) -> Phrase:
    return Phrase(tuple((Term("form", w),) for w in words))
