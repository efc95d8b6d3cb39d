"""Syntax tree → the engine's query tree, with morphology.

A word becomes its lemmas in every dictionary that knows it (``lemma``
field) and its exact forms, boosted (``form`` field); a phrase becomes
consecutive slots, in any inflection and, boosted, in the forms typed; a
prefix matches forms and lemmas.  Every positive leaf is also kept as an
:class:`~search.query.tree.Item`, so the rank stage can rank candidates by
evidence and highlight them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..analysis.morph import query_analysis
from ..analysis.normalize import script_variants
from ..analysis.synonyms import WEIGHT as SYNONYM_WEIGHT
from ..analysis.tokenize import tokenize
from ..errors import QuerySyntaxError
from ..lang import STOP_WORDS
from . import syntax as ast
from .expand import Expander
from .tree import (AllOf, Alternative, AnyOf, Compiled, Everything, Exclude, Filter, Item, Items, Node,
                   Phrase, Prefix, Slot, Term)

#: Weight of an exact-form match added on top of the lemma match.  1.0 scored
#: a little better on the judged legal queries (nDCG@10 0.8983 against
#: 0.8916) but cost 0.024 of R-precision on BrUK lemma pairs; see the notes.
FORM_BOOST = 0.5
#: Weight of an exact-form phrase over the same phrase in other inflections.
PHRASE_FORM_BOOST = 1.0
#: Weights of words found through other words, against the words' own 1.0:
#: the other language's equivalent, and the title of the article or section
#: a paragraph stands in (synonyms weigh ``search.analysis.synonyms.WEIGHT``).
TRANSLATION_WEIGHT = 0.7
STRUCTURE_WEIGHT = 0.2
MIN_PREFIX = 2
#: Words in one query at most: beyond this a query is a document, not a question.
MAX_WORDS = 64
_ALL_STOP = frozenset().union(*STOP_WORDS.values())


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


def compile_query(node: ast.Node, source: str, exact: bool = False,
                  expander: Optional[Expander] = None) -> Compiled:
    """The query tree and items of a parsed query; QuerySyntaxError when it
    has nothing to search for or is too long.  ``expander`` widens the
    query's words (translations, synonyms; None: the words alone); a
    paragraph may also hold a word through its article's title unless
    ``exact``."""
    compiler = _Compiler(source, exact, expander)
    tree = _positive(compiler.node(node))
    if tree is None:
        raise QuerySyntaxError(source, "the query has no words to search for")
    if sum(len(item.slots) for item in compiler.items) > MAX_WORDS:
        raise QuerySyntaxError(source, f"the query has more than {MAX_WORDS} words")
    return Compiled(source, tree, tuple(compiler.items), tiered=not isinstance(node, ast.Or))


def as_phrase(node: ast.Node) -> ast.Node:
    """Several plain words as one phrase (what ``kwic`` and ``stats`` look
    for); any other query as it is."""
    if isinstance(node, ast.Seq) and all(isinstance(c, ast.Word) and not c.prefix for c in node.children):
        return ast.Phrase(" ".join(c.text for c in node.children))
    return node


@dataclass(frozen=True)
class _Negated:
    """A NOT, until the node around it says what it excludes from."""

    node: Node


def _positive(node) -> Optional[Node]:
    """A negation standing alone excludes from every paragraph."""
    return Exclude(Everything(), node.node) if isinstance(node, _Negated) else node


class _Compiler:
    def __init__(self, source: str, exact: bool, expander: Optional[Expander]) -> None:
        self.source = source
        self.exact = exact
        self.expander = None if exact else expander
        self.items: list[Item] = []

    def node(self, node: ast.Node, negated: bool = False):
        if isinstance(node, ast.Word):
            return self.word(node, negated)
        if isinstance(node, ast.Phrase):
            return self.phrase(node.text, negated)
        if isinstance(node, ast.Filter):
            return _filter(node)
        if isinstance(node, ast.Not):
            inner = _positive(self.node(node.child, negated=True))
            return None if inner is None else _Negated(inner)
        children = node.children
        runs: dict[int, tuple] = {}
        if isinstance(node, ast.Seq):
            children = _without_stop_words(children)
            if not negated:
                runs = self.run_alternatives(children)
        parts = [p for p in (self.node(c, negated) if i not in runs else self.word(c, negated, runs[i])
                             for i, c in enumerate(children)) if p is not None]
        if not parts:
            return None
        if isinstance(node, ast.Or):
            return AnyOf(tuple(_positive(p) for p in parts))
        positives = [p for p in parts if not isinstance(p, _Negated)]
        negatives = [p.node for p in parts if isinstance(p, _Negated)]
        if isinstance(node, ast.Seq):
            filters = [p for p in positives if isinstance(p, Filter)]
            scored = [p for p in positives if not isinstance(p, Filter)]
            positives = filters + ([Items(tuple(scored))] if scored else [])
        base = (positives[0] if len(positives) == 1 else AllOf(tuple(positives))) if positives else Everything()
        if not negatives:
            return base
        return Exclude(base, negatives[0] if len(negatives) == 1 else AnyOf(tuple(negatives)))

    def run_alternatives(self, children: tuple) -> dict[int, tuple]:
        """The alternatives of each plain word of a sequence, found over
        each run of such words together (a multiword term or synonym stands
        for several of them)."""
        if self.expander is None:
            return {}
        out: dict[int, tuple] = {}
        run: list[tuple[int, Slot]] = []
        for i, child in enumerate(list(children) + [None]):
            slot = self.plain_slot(child)
            if slot is not None:
                run.append((i, slot))
                continue
            if run:
                found = self.expander.alternatives([s for _, s in run])
                for k, (index, slot) in enumerate(run):
                    out[index] = (slot, tuple(a for a in found if a.start <= k < a.end))
                run = []
        return out

    def plain_slot(self, node) -> Optional[Slot]:
        """The slot of a one-word query word, None for anything else."""
        if not isinstance(node, ast.Word) or node.prefix:
            return None
        tokens = tokenize(node.text)
        return word_slot(tokens[0].text, self.exact) if len(tokens) == 1 else None

    def word(self, node: ast.Word, negated: bool, expanded: Optional[tuple] = None) -> Optional[Node]:
        if node.prefix:
            return self.prefix(node.text, negated)
        tokens = tokenize(node.text)
        if not tokens:
            return None  # punctuation alone
        if len(tokens) > 1:  # "CTOC/COP/2008/8", "55/25": a phrase
            return self.phrase(node.text, negated)
        if expanded is not None:
            slot, alternatives = expanded
        else:
            slot = word_slot(tokens[0].text, self.exact)
            alternatives = self.expander.alternatives([slot]) if self.expander and not negated else ()
        if negated:
            return _slot_terms(slot)
        item = Item(node.text, (slot,), alternatives, structure=not self.exact)
        self.items.append(item)
        return _with_alternatives(_slot_terms(slot), item)

    def prefix(self, text: str, negated: bool) -> Node:
        tokens = tokenize(text)
        if len(tokens) != 1 or len(tokens[0].text) < MIN_PREFIX:
            raise QuerySyntaxError(self.source, f"a prefix needs at least {MIN_PREFIX} letters before '*'")
        stem = script_variants(tokens[0].text)[0]
        if not negated:
            self.items.append(Item(text + "*", (Slot(frozenset(), frozenset(), prefix=stem),)))
        fields = ("form",) if self.exact else ("form", "lemma")
        return AnyOf(tuple(Prefix(f, stem) for f in fields))

    def phrase(self, text: str, negated: bool) -> Optional[Node]:
        words = [part.text for token in tokenize(text) for part in token.parts]
        if not words:
            return None
        slots = tuple(word_slot(w, self.exact) for w in words)
        alternatives = self.expander.alternatives(slots, whole=True) if self.expander and not negated else ()
        # A title is no phrase (its words are kept without places): only a
        # one-word item may be held through one.
        item = Item(text, slots, alternatives, structure=not self.exact and len(slots) == 1)
        if not negated:
            self.items.append(item)
        if len(slots) == 1:
            literal = _slot_terms(slots[0])
        else:
            exact_form = Phrase(tuple(_field_terms("form", s.forms) for s in slots))
            if self.exact:
                return exact_form
            any_form = Phrase(tuple(_field_terms("lemma", s.lemmas) for s in slots))
            literal = AnyOf((any_form, Phrase(exact_form.slots, boost=PHRASE_FORM_BOOST)))
        return literal if negated else _with_alternatives(literal, item)


def _filter(node: ast.Filter) -> Filter:
    value = node.value
    if node.field == "article":
        value = value.upper() if value.isalpha() else value
    prefix = value.endswith("*") and len(value) > 1
    return Filter(node.field, (value[:-1] if prefix else value,), prefix=prefix)


def _slot_terms(slot: Slot) -> Node:
    """A word: its lemmas, and its exact forms boosted above them."""
    form_boost = FORM_BOOST if slot.lemmas else 1.0
    terms = [Term("lemma", lemma) for lemma in sorted(slot.lemmas)]
    terms += [Term("form", f, form_boost) for f in sorted(slot.forms)]
    return terms[0] if len(terms) == 1 else AnyOf(tuple(terms))


def _field_terms(field: str, texts: frozenset[str], boost: float = 1.0) -> tuple[Term, ...]:
    return tuple(Term(field, t, boost) for t in sorted(texts))


def _with_alternatives(literal: Node, item: Item) -> Node:
    """An item's words, or its alternatives, or (weighted least) the title
    of the article or section a paragraph stands in."""
    found = list(literal.children) if isinstance(literal, AnyOf) else [literal]
    for alternative in item.alternatives:
        found.append(_alternative(alternative))
    titles = title_lemmas(item)
    if titles:
        found.append(AnyOf(_field_terms("context", titles, STRUCTURE_WEIGHT)))
    return found[0] if len(found) == 1 else AnyOf(tuple(found))


def title_lemmas(item: Item) -> frozenset[str]:
    """The lemmas by which a one-word item is held through the title of a
    paragraph's article or section: its own, and its one-word
    alternatives' (a Russian query finds a Ukrainian article's title)."""
    if not item.structure or len(item.slots) != 1:
        return frozenset()
    found = set(item.slots[0].lemmas)
    for alternative in item.alternatives:
        if len(alternative.slots) == 1:
            found.update(alternative.slots[0])
    return frozenset(found)


def _alternative(alternative: Alternative) -> Node:
    weight = TRANSLATION_WEIGHT if alternative.kind == "translation" else SYNONYM_WEIGHT
    # A term for several query words counts once in all.
    weight /= alternative.end - alternative.start
    if len(alternative.slots) == 1:
        terms = _field_terms("lemma", alternative.slots[0], weight)
        return terms[0] if len(terms) == 1 else AnyOf(terms)
    return Phrase(tuple(_field_terms("lemma", s) for s in alternative.slots), boost=weight)


def _without_stop_words(children: tuple) -> tuple:
    """Drop stop words from words side by side, unless nothing else is left."""
    def is_stop(node) -> bool:
        return isinstance(node, ast.Word) and not node.prefix and node.text.lower() in _ALL_STOP

    kept = tuple(c for c in children if not is_stop(c))
    return kept if any(not isinstance(c, (ast.Filter, ast.Not)) for c in kept) else children
