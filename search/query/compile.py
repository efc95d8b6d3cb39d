"""Syntax tree → Whoosh query, with morphology.

Every positive leaf of the tree becomes an :class:`Item`: the forms and
lemmas each of its word slots matches.  The Whoosh query finds and scores
candidates (BM25F over lemmas, exact forms boosted); the items are kept to
rank candidates by evidence (how many items, how many in their exact form,
how close) and to highlight them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as q
from whoosh.query import spans

from ..analysis.morph import query_analysis
from ..analysis.tokenize import tokenize
from ..errors import QuerySyntaxError
from ..analysis.normalize import script_variants
from ..lang import STOP_WORDS
from . import syntax as ast

#: Weight of an exact-form match added on top of the lemma match.  1.0 scored
#: a little better on the judged legal queries (nDCG@10 0.8983 against
#: 0.8916) but cost 0.024 of R-precision on BrUK lemma pairs; see the notes.
FORM_BOOST = 0.5
#: Weight of an exact-form phrase over the same phrase in other inflections.
PHRASE_FORM_BOOST = 1.0
MIN_PREFIX = 2
#: Words in one query at most: beyond this a query is a document, not a question.
MAX_WORDS = 64
#: A prefix expands to at most this many index terms (the most frequent
#: part of the vocabulary is not worth a slow query).
MAX_EXPANSIONS = 2000
_ALL_STOP = frozenset().union(*STOP_WORDS.values())


@dataclass(frozen=True)
class Slot:
    """What one word position of a query item accepts."""

    forms: frozenset[str]
    lemmas: frozenset[str]
    prefix: str = ""  # a prefix query matches forms and lemmas starting so
    #: The most likely lemma of the word in each language that knows it: a
    #: paragraph whose word reads first as one of these is a better match
    #: than one where the lemma is only a rarer reading.
    primary: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Item:
    """One positive unit of a query: a word, a prefix, or a phrase."""

    text: str
    slots: tuple[Slot, ...]


@dataclass
class Compiled:
    query: object  # whoosh.query.Query
    items: list[Item] = field(default_factory=list)
    exact: bool = False
    #: Rank paragraphs with more of the items first.  Not for a query whose
    #: top is OR: its alternatives are not meant to be found together.
    tiered: bool = True


def word_slot(word: str, exact: bool) -> Slot:
    forms = frozenset(script_variants(word))
    if exact:
        return Slot(forms, frozenset())
    lemmas: set[str] = set()
    primary: set[str] = set()
    for form in forms:
        found, first = query_analysis(form)
        lemmas.update(found)
        primary.update(first)
    return Slot(forms, frozenset(lemmas), primary=frozenset(primary))


def compile_query(node: ast.Node, source: str, exact: bool = False) -> Compiled:
    compiler = _Compiler(source, exact)
    query = compiler.node(node)
    if query is None:
        raise QuerySyntaxError(source, "the query has no words to search for")
    if sum(len(item.slots) for item in compiler.items) > MAX_WORDS:
        raise QuerySyntaxError(source, f"the query has more than {MAX_WORDS} words")
    return Compiled(query, compiler.items, exact, tiered=not isinstance(node, ast.Or))


class _Compiler:
    def __init__(self, source: str, exact: bool) -> None:
        self.source = source
        self.exact = exact
        self.items: list[Item] = []

    def node(self, node: ast.Node, negated: bool = False):
        if isinstance(node, ast.Word):
            return self.word(node, negated)
        if isinstance(node, ast.Phrase):
            return self.phrase(node.text, negated)
        if isinstance(node, ast.Filter):
            return self.filter(node)
        if isinstance(node, ast.Not):
            inner = self.node(node.child, negated=True)
            return None if inner is None else q.Not(inner)
        children = node.children
        if isinstance(node, ast.Seq):
            children = _without_stop_words(children)
        parts = [p for p in (self.node(c, negated) for c in children) if p is not None]
        if not parts:
            return None
        if isinstance(node, ast.Or):
            return q.Or(parts)
        positives = [p for p in parts if not isinstance(p, q.Not)]
        negatives = [p.query for p in parts if isinstance(p, q.Not)]
        if isinstance(node, ast.Seq):
            filters = [p for p in positives if is_filter(p)]
            scored = [p for p in positives if not is_filter(p)]
            positives = filters + ([Items(scored)] if scored else [])
        base = q.And(positives) if positives else q.Every()
        return q.AndNot(base, q.Or(negatives)) if negatives else base

    def word(self, node: ast.Word, negated: bool):
        if node.prefix:
            return self.prefix(node.text, negated)
        tokens = tokenize(node.text)
        if not tokens:
            return None  # punctuation alone
        if len(tokens) > 1:  # "CTOC/COP/2008/8", "55/25": a phrase
            return self.phrase(node.text, negated)
        slot = word_slot(tokens[0].text, self.exact)
        if not negated:
            self.items.append(Item(node.text, (slot,)))
        return _slot_query(slot, boost=True)

    def prefix(self, text: str, negated: bool):
        tokens = tokenize(text)
        if len(tokens) != 1 or len(tokens[0].text) < MIN_PREFIX:
            raise QuerySyntaxError(self.source, f"a prefix needs at least {MIN_PREFIX} letters before '*'")
        stem = script_variants(tokens[0].text)[0]
        if not negated:
            self.items.append(Item(text + "*", (Slot(frozenset(), frozenset(), prefix=stem),)))
        fields = ("form",) if self.exact else ("form", "lemma")
        return q.Or([CappedPrefix(f, stem) for f in fields])

    def phrase(self, text: str, negated: bool):
        words = [part.text for token in tokenize(text) for part in token.parts]
        if not words:
            return None
        slots = tuple(word_slot(w, self.exact) for w in words)
        if not negated:
            self.items.append(Item(text, slots))
        if len(slots) == 1:
            return _slot_query(slots[0], boost=True)
        exact_form = spans.SpanNear2([_span_or("form", s.forms) for s in slots])
        if self.exact:
            return exact_form
        exact_form.boost = PHRASE_FORM_BOOST
        any_form = spans.SpanNear2([_span_or("lemma", s.lemmas) for s in slots])
        return q.Or([any_form, exact_form])

    def filter(self, node: ast.Filter):
        value = node.value.lower() if node.field in ("lang", "kind") else node.value
        if node.field == "article":
            value = value.upper() if value.isalpha() else value
        if value.endswith("*") and len(value) > 1:
            return q.Prefix(node.field, value[:-1])
        return q.Term(node.field, value)


def is_filter(query) -> bool:
    """A filter of the query language (``lang:uk``, ``doc:untoc*``, …)."""
    return isinstance(query, (q.Term, q.Prefix)) and query.fieldname in ast.FIELDS


def _slot_query(slot: Slot, boost: bool):
    terms = [q.Term("lemma", lem) for lem in sorted(slot.lemmas)]
    terms += [q.Term("form", f, boost=FORM_BOOST if boost and slot.lemmas else 1.0) for f in sorted(slot.forms)]
    return terms[0] if len(terms) == 1 else q.Or(terms)


def _span_or(fieldname: str, terms: frozenset[str]):
    leaves = [q.Term(fieldname, t) for t in sorted(terms)]
    return leaves[0] if len(leaves) == 1 else _SpanOr(leaves)


class Items(q.Or):
    """Query items side by side: a paragraph matches with any of them, and
    the evaluator counts how many it holds, to pick candidates with the most."""


class CappedPrefix(q.Prefix):
    """A prefix query whose expansion is bounded by MAX_EXPANSIONS terms."""

    def _btexts(self, ixreader):
        return islice(super()._btexts(ixreader), MAX_EXPANSIONS)


class _SpanOr(spans.SpanOr):
    """Whoosh's SpanOr cannot estimate its size, which SpanNear2 asks for."""

    def estimate_size(self, ixreader):
        return sum(sub.estimate_size(ixreader) for sub in self.subqs)

    def estimate_min_size(self, ixreader):
        return min(sub.estimate_min_size(ixreader) for sub in self.subqs)


def _without_stop_words(children: tuple) -> tuple:
    """Drop stop words from words side by side, unless nothing else is left."""
    def is_stop(node) -> bool:
        return isinstance(node, ast.Word) and not node.prefix and node.text.lower() in _ALL_STOP

    kept = tuple(c for c in children if not is_stop(c))
    return kept if any(not isinstance(c, (ast.Filter, ast.Not)) for c in kept) else children
