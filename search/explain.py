"""Why a query found what it found: its analysis and each top hit's evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .analysis import analyze
from .analysis.morph import known_in, lemmas
from .analysis.normalize import script_variants
from .lang import LANGS
from .models import StoredParagraph
from .query import syntax as ast
from .query.tree import Compiled
from .rank.order import Ranked


@dataclass(frozen=True)
class WordAnalysis:
    word: str
    forms: tuple[str, ...]  # folded forms searched in the ``form`` field
    lemmas: dict  # lang → {"known": bool, "lemmas": [...]}


@dataclass(frozen=True)
class HitExplanation:
    rank: int
    citation: str
    id: str
    score: float  # tier + relevance / (relevance + 1)
    tier: int
    relevance: float  # BM25F + proximity
    bm25f: float
    proximity: float
    items_matched: int
    items_exact: int
    items_likely: int  # in exact form or most likely reading
    how: tuple[str, ...]  # literal, translation, synonym, structure
    terms: tuple[tuple[str, str], ...]  # (field, term) pairs that matched


@dataclass(frozen=True)
class Explanation:
    query: str
    tree: str  # the parsed query
    compiled: str  # the engine's query tree
    tiered: bool
    items: int
    words: tuple[WordAnalysis, ...]
    #: Other words searched for the query's items: {"item", "kind", "text",
    #: "lang", "source", "lemmas"}, kind "translation" or "synonym".
    expansions: tuple[dict, ...]
    hits: tuple[HitExplanation, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def analyse_word(word: str) -> WordAnalysis:
    forms = script_variants(word)
    per_lang = {}
    for lang in LANGS:
        known = known_in(forms[0], lang)
        found = list(lemmas(forms[0], lang))
        per_lang[lang] = {"known": known, "lemmas": found if known else found[:1]}
    return WordAnalysis(word, forms, per_lang)


def matched_terms(compiled: Compiled, stored: StoredParagraph) -> tuple[tuple[str, str], ...]:
    found: dict[tuple[str, str], None] = {}
    for pos in analyze(stored.paragraph.text, stored.paragraph.lang):
        for item in compiled.items:
            for slot in item.slots:
                if slot.prefix:
                    found.update({("prefix", t): None for t in pos.forms if t.startswith(slot.prefix)})
                found.update({("form", f): None for f in slot.forms.intersection(pos.forms)})
                found.update({("lemma", lem): None for lem in slot.lemmas.intersection(pos.lemmas)})
            for alternative in item.alternatives:
                for lemmas in alternative.slots:
                    found.update({(alternative.kind, lem): None for lem in lemmas.intersection(pos.lemmas)})
    return tuple(found)


def explain(tree: ast.Node, compiled: Compiled, ranked: list[Ranked]) -> Explanation:
    hits = tuple(
        HitExplanation(
            rank=rank, citation=r.stored.paragraph.citation, id=r.stored.paragraph.id,
            score=round(r.score, 4), tier=r.tier, relevance=round(r.relevance, 4), bm25f=round(r.bm25f, 4),
            proximity=round(r.evidence.proximity, 4), items_matched=r.evidence.matched,
            items_exact=r.evidence.exact, items_likely=r.evidence.primary, how=r.evidence.how,
            terms=matched_terms(compiled, r.stored),
        )
        for rank, r in enumerate(ranked, 1)
    )
    return Explanation(
        query=compiled.source, tree=repr(tree), compiled=str(compiled.tree), tiered=compiled.tiered,
        items=len(compiled.items), words=tuple(analyse_word(w) for w in dict.fromkeys(ast.words(tree))),
        expansions=tuple({"item": item.text, **a.to_dict()} for item in compiled.items for a in item.alternatives),
        hits=hits,
    )
