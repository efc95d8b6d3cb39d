"""Lemma accuracy and morphological retrieval against gold-lemma treebanks.

    python benchmarks/quality.py            # UD Ukrainian and Russian dev+test
    python benchmarks/quality.py --set bruk # the Brown Corpus of Ukrainian

For each set: (1) lemma accuracy of the engine's analysis on content words;
(2) retrieval with sentences as documents for 300 single-lemma queries typed
as the lemma, the same typed as another inflected form, and 150 two-lemma
queries, relevant = sentences holding that gold lemma (both for pairs);
R-precision and recall at 2R for the engine and three baselines built in the
same run.  Queries are sampled with a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import systems  # noqa: E402
import treebank  # noqa: E402

from search.analysis import analyze  # noqa: E402
from search.analysis.tokenize import tokenize  # noqa: E402
from search.ingest.detect import detect_lang  # noqa: E402
from search.analysis.normalize import fold_word, normalize_text  # noqa: E402
from search.lang import STOP_WORDS  # noqa: E402

SEED = 13
QUERYABLE = __import__("re").compile(r"^[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*$")


def key(lemma: str) -> str:
    """Gold lemmas compared as the engine folds words: case, apostrophes, ё."""
    return fold_word(normalize_text(lemma))


# -- 1. lemma accuracy ---------------------------------------------------------

def error_class(form: str, gold: str, found: tuple, lang: str, upos: str, known: bool) -> str:
    if not found:
        return "not a word for the tokenizer"
    if upos == "PROPN":
        return "proper noun"
    if "-" in form:
        return "hyphenated"
    if not known:
        return "unknown word (predicted)"
    if any(ch.isdigit() for ch in form):
        return "number"
    if "." in gold or len(form) <= 2:
        return "abbreviation"
    return f"dictionary lemma differs ({upos})"


def lemma_accuracy(sentences, default_lang: str) -> None:
    from search.analysis.morph import known_in

    total = any_ok = top_ok = 0
    classes: Counter = Counter()
    examples: dict = defaultdict(Counter)
    for s in sentences:
        lang = detect_lang(normalize_text(s.text)) or default_lang
        for tok in s.tokens:
            if tok.upos not in treebank.CONTENT:
                continue
            form = normalize_text(tok.form)
            positions = analyze(form, lang)
            found = positions[0].lemmas if positions else ()
            gold = key(tok.lemma)
            total += 1
            any_ok += gold in found
            top_ok += bool(found) and found[0] == gold
            if gold not in found:
                word = tokenize(form)[0].text.lower() if tokenize(form) else form
                cls = error_class(form, gold, found, lang, tok.upos, known_in(fold_word(word), lang))
                classes[cls] += 1
                examples[cls][f"{tok.form}→{tok.lemma} (engine: {', '.join(found[:3])})"] += 1
    print(f"  lemma accuracy on {total} content words: gold lemma among the engine's lemmas "
          f"{any_ok / total:.4f}; engine's first lemma {top_ok / total:.4f}")
    print("  errors by class:")
    for cls, n in classes.most_common(8):
        shown = "; ".join(e for e, _ in examples[cls].most_common(4))
        print(f"    {n:>5}  {cls}: {shown}")


# -- 2. retrieval ----------------------------------------------------------------

#: Convention mappings (used with --map-conventions, counted in the output):
#: the treebanks give comparatives, superlatives and participles a lemma of
#: their own ("лучший", "связанный"); pymorphy3 gives the positive adjective
#: or the verb ("хороший", "связать").  Mapped, such a token also counts as
#: an occurrence of pymorphy3's lemma.
CONVENTIONS = {
    "comparative/superlative → positive degree": ("Degree=Cmp", "Degree=Sup"),
    "participle → verb": ("VerbForm=Part",),
}
MAPPED: Counter = Counter()


def gold_keys(tok, lang: str, map_conventions: bool) -> set[str]:
    keys = {key(tok.lemma)}
    if not map_conventions:
        return keys
    for name, feats in CONVENTIONS.items():
        if any(f in tok.feats for f in feats):
            from search.analysis.morph import analyzer

            parse = analyzer(lang).parse(fold_word(normalize_text(tok.form)))[0]
            other = key(parse.normal_form)
            if other not in keys:
                keys.add(other)
                MAPPED[name] += 1
    return keys


def gold_index(sentences, lang: str = "ru", map_conventions: bool = False):
    """lemma key → sentence ids; lemma key → forms seen; content lemma keys."""
    by_lemma: dict = defaultdict(set)
    forms: dict = defaultdict(Counter)
    content: set = set()
    stop = set().union(*STOP_WORDS.values())
    for s in sentences:
        for tok in s.tokens:
            if tok.upos in ("PUNCT", "SYM", "NUM") or not QUERYABLE.match(tok.lemma):
                continue
            k = key(tok.lemma)
            for extra in gold_keys(tok, lang, map_conventions) - {k}:
                by_lemma[extra].add(s.id)
            by_lemma[k].add(s.id)
            forms[k][tok.form] += 1
            if tok.upos in treebank.CONTENT and len(k) >= 3 and k not in stop:
                content.add((k, tok.lemma))
    return by_lemma, forms, content


def sample_queries(sentences, rng: random.Random, lang: str = "ru", map_conventions: bool = False):
    by_lemma, forms, content = gold_index(sentences, lang, map_conventions)
    lemmas = sorted({(k, written) for k, written in content if len(by_lemma[k]) >= 2})
    single = rng.sample(lemmas, min(300, len(lemmas)))
    as_lemma = [(written, by_lemma[k]) for k, written in single]
    as_form = []
    for k, written in single:
        others = sorted(f for f in forms[k] if key(f) != k and QUERYABLE.match(f))
        if others:
            as_form.append((rng.choice(others), by_lemma[k]))
    content_keys = {k: w for k, w in lemmas}
    pairs, tries = [], 0
    while len(pairs) < 150 and tries < 100_000:
        tries += 1
        s = rng.choice(sentences)
        ks = sorted({key(t.lemma) for t in s.tokens if key(t.lemma) in content_keys})
        if len(ks) < 2:
            continue
        a, b = rng.sample(ks, 2)
        if by_lemma[a] & by_lemma[b]:
            pairs.append((f"{content_keys[a]} {content_keys[b]}", by_lemma[a] & by_lemma[b]))
    return {"lemma": as_lemma, "inflected": as_form, "pairs": pairs}


def evaluate(system, queries, losses: Counter | None = None, by_id=None) -> tuple[float, float]:
    rprec = rec2 = 0.0
    for text, relevant in queries:
        r = len(relevant)
        found = system.search(text, 2 * r)
        rprec += len(set(found[:r]) & relevant) / r
        rec2 += len(set(found[:2 * r]) & relevant) / r
        if losses is not None:
            for doc in set(found[:r]) - relevant:  # each wrong sentence in the top R
                losses[why_wrong(text, by_id[doc])] += 1 / r / len(queries)
    return rprec / len(queries), rec2 / len(queries)


def why_wrong(query: str, sentence) -> str:
    """The class of a sentence that ranks in the top R but lacks the gold
    lemma: what its matching word is, by the treebank's own annotation."""
    from search.analysis.morph import query_lemmas

    wanted = {lem for word in query.split() for lem in query_lemmas(fold_word(word))}
    for tok in sentence.tokens:
        form = normalize_text(tok.form)
        positions = analyze(form, "ru") + analyze(form, "uk")
        if not any(wanted & set(p.lemmas) for p in positions):
            continue
        if "Degree=Cmp" in tok.feats or "Degree=Sup" in tok.feats:
            return "comparative/superlative: gold keeps its own lemma"
        if "VerbForm=Part" in tok.feats or "VerbForm=Conv" in tok.feats:
            return "participle/gerund: gold lemma differs from the dictionary's"
        if "-" in tok.form:
            return "part of a hyphenated compound"
        if tok.form.endswith(".") or len(tok.form) <= 2:
            return "abbreviation or one-letter word"
        if tok.upos == "PROPN" or tok.lemma[:1].isupper():
            return "proper noun"
        return f"another reading of an ambiguous form ({tok.upos})"
    return "no word of the query in the sentence by the engine's own analysis"


def retrieval(sentences, default_lang: str, workdir: Path, map_conventions: bool = False) -> None:
    by_id = {s.id: s for s in sentences}
    losses: Counter = Counter()
    MAPPED.clear()
    queries = sample_queries(sentences, random.Random(SEED), default_lang, map_conventions)
    if map_conventions:
        print("  convention mappings applied (tokens): " +
              ", ".join(f"{name} {n}" for name, n in MAPPED.items()))
    docs = [(s.id, s.text, default_lang) for s in sentences]
    print(f"  retrieval over {len(docs)} sentences; queries: " +
          ", ".join(f"{len(v)} {k}" for k, v in queries.items()))
    print(f"  {'system':<10} {'build s':>8}  " + "  ".join(f"{k + ' R-prec':>16} {'R@2R':>6}" for k in queries))
    for system in systems.all_systems(workdir):
        started = time.perf_counter()
        system.build(docs)
        built = time.perf_counter() - started
        cells = []
        for name, qs in queries.items():
            engine = system.name == "engine" and name != "pairs"
            rp, r2 = evaluate(system, qs, losses if engine else None, by_id)
            cells.append(f"{rp:>16.4f} {r2:>6.4f}")
        print(f"  {system.name:<10} {built:>8.1f}  " + "  ".join(cells))
    print("  engine's R-precision lost to wrong sentences in the top R, single-lemma sets summed, by class:")
    for cls, share in losses.most_common():
        print(f"    {share:.4f}  {cls}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", choices=sorted(treebank.SETS),
                        help="treebank set(s) to run (default: uk and ru)")
    parser.add_argument("--no-retrieval", action="store_true", help="lemma accuracy only")
    parser.add_argument("--map-conventions", action="store_true",
                        help="also count comparatives and participles under pymorphy3's lemma (see CONVENTIONS)")
    args = parser.parse_args()
    for name in args.set or ["uk", "ru"]:
        sentences = treebank.load(name)
        lang = treebank.LANG[name]
        print(f"== {name}: {len(sentences)} sentences ({', '.join(treebank.SETS[name])})")
        lemma_accuracy(sentences, lang)
        if not args.no_retrieval:
            with tempfile.TemporaryDirectory() as tmp:
                retrieval(sentences, lang, Path(tmp), args.map_conventions)


if __name__ == "__main__":
    main()
