"""Why a query found what it found: its analysis and each top hit's evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .analysis import decode
from .analysis.morph import known_in, lemmas
from .analysis.tokenize import tokenize
from .analysis.normalize import script_variants
from .lang import LANGS
from .query import syntax as ast
from .query.compile import Compiled


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
    score: float  # final score
    bm25f: float  # Whoosh's score
    proximity: float
    items_matched: int
    items_exact: int
    terms: tuple[tuple[str, str], ...]  # (field, term) pairs that matched


@dataclass(frozen=True)
class Explanation:
    query: str
    tree: str
    whoosh_query: str
    tiered: bool
    words: tuple[WordAnalysis, ...]
    hits: tuple[HitExplanation, ...]

    def to_dict(self) -> dict:
        return asdict(self)


def query_words(node: ast.Node) -> list[str]:
    """The words of a query tree, in order, operators and filters left out."""
    if isinstance(node, (ast.Word, ast.Phrase)):
        return [t.text for t in tokenize(node.text)]
    if isinstance(node, ast.Not):
        return query_words(node.child)
    if isinstance(node, ast.Filter):
        return []
    return [w for child in node.children for w in query_words(child)]


def analyse_word(word: str) -> WordAnalysis:
    forms = script_variants(word)
    per_lang = {}
    for lang in LANGS:
        known = known_in(forms[0], lang)
        per_lang[lang] = {"known": known, "lemmas": list(lemmas(forms[0], lang)) if known else
                          list(lemmas(forms[0], lang))[:1]}
    return WordAnalysis(word, forms, per_lang)


def matched_terms(compiled: Compiled, fields: dict) -> tuple[tuple[str, str], ...]:
    positions = decode(fields["analysis"])
    found: dict[tuple[str, str], None] = {}
    for pos in positions:
        for item in compiled.items:
            for slot in item.slots:
                if slot.prefix:
                    found.update({("prefix", t): None for t in pos.forms if t.startswith(slot.prefix)})
                found.update({("form", f): None for f in slot.forms.intersection(pos.forms)})
                found.update({("lemma", lem): None for lem in slot.lemmas.intersection(pos.lemmas)})
    return tuple(found)


def explain_hits(compiled: Compiled, ranked) -> tuple[HitExplanation, ...]:
    return tuple(
        HitExplanation(
            rank=rank, citation=r.fields.get("meta", {}).get("citation", ""), id=r.fields["id"],
            score=round(r.final, 4), bm25f=round(r.score, 4), proximity=round(r.evidence.proximity, 4),
            items_matched=r.evidence.matched, items_exact=r.evidence.exact,
            terms=matched_terms(compiled, r.fields),
        )
        for rank, r in enumerate(ranked, 1)
    )
