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
from search.ingest.normalize import fold_word, normalize_text  # noqa: E402
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

def gold_index(sentences):
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
            by_lemma[k].add(s.id)
            forms[k][tok.form] += 1
            if tok.upos in treebank.CONTENT and len(k) >= 3 and k not in stop:
                content.add((k, tok.lemma))
    return by_lemma, forms, content


def sample_queries(sentences, rng: random.Random):
    by_lemma, forms, content = gold_index(sentences)
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


def evaluate(system, queries) -> tuple[float, float]:
    rprec = rec2 = 0.0
    for text, relevant in queries:
        r = len(relevant)
        found = system.search(text, 2 * r)
        rprec += len(set(found[:r]) & relevant) / r
        rec2 += len(set(found[:2 * r]) & relevant) / r
    return rprec / len(queries), rec2 / len(queries)


def retrieval(sentences, default_lang: str, workdir: Path) -> None:
    queries = sample_queries(sentences, random.Random(SEED))
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
            rp, r2 = evaluate(system, qs)
            cells.append(f"{rp:>16.4f} {r2:>6.4f}")
        print(f"  {system.name:<10} {built:>8.1f}  " + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", choices=sorted(treebank.SETS),
                        help="treebank set(s) to run (default: uk and ru)")
    parser.add_argument("--no-retrieval", action="store_true", help="lemma accuracy only")
    args = parser.parse_args()
    for name in args.set or ["uk", "ru"]:
        sentences = treebank.load(name)
        lang = treebank.LANG[name]
        print(f"== {name}: {len(sentences)} sentences ({', '.join(treebank.SETS[name])})")
        lemma_accuracy(sentences, lang)
        if not args.no_retrieval:
            with tempfile.TemporaryDirectory() as tmp:
                retrieval(sentences, lang, Path(tmp))


if __name__ == "__main__":
    main()
