"""Ranking quality on the bundled corpus, judged by hand.

    python benchmarks/ranking.py          # nDCG@10, MRR, Recall@20 per system
    python benchmarks/ranking.py --tune   # the engine under other boosts

The judged queries are in benchmarks/judged_queries.tsv (how relevance is
decided is explained at its top).  The engine indexes sources/ itself; the
baselines (plain Whoosh, Snowball, naive pymorphy3) index the same
paragraphs, in the same run.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import systems  # noqa: E402

from search.ingest import paragraphs_of  # noqa: E402
from search.analysis.normalize import unify_apostrophes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
JUDGED = Path(__file__).resolve().parent / "judged_queries.tsv"


def load_judgements(paragraphs):
    """(id, query, {paragraph id: grade}) for every judged query."""
    out = []
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, query, pattern, keys = (line.split("\t") + [""])[:4]
        rx = re.compile(pattern, re.I)
        places = [k for k in keys.split(";") if k]
        grades = {}
        for p in paragraphs:
            if rx.search(unify_apostrophes(p.text)):
                key = any(p.citation == k or p.citation.startswith(k + ",") for k in places)
                grades[p.id] = 2 if key else 1
        out.append((qid, query, grades))
    return out


def ndcg(found, grades, k=10) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(found[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(found, grades) -> float:
    return next((1 / (i + 1) for i, d in enumerate(found) if grades.get(d)), 0.0)


def recall(found, grades, k=20) -> float:
    return len([d for d in found[:k] if grades.get(d)]) / len(grades) if grades else 0.0


def score(system, judged) -> tuple[float, float, float]:
    totals = [0.0, 0.0, 0.0]
    for _, query, grades in judged:
        found = system.search(query, 20)
        totals[0] += ndcg(found, grades)
        totals[1] += mrr(found, grades)
        totals[2] += recall(found, grades)
    return tuple(t / len(judged) for t in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="also try other exact-form and proximity boosts")
    args = parser.parse_args()
    paragraphs = [p for path in sorted(SOURCES.iterdir()) for p in paragraphs_of(path)]
    judged = load_judgements(paragraphs)
    print(f"{len(judged)} judged queries over {len(paragraphs)} paragraphs; "
          f"{sum(len(g) for _, _, g in judged)} relevant judgements")
    print(f"{'system':<28} {'nDCG@10':>8} {'MRR':>8} {'R@20':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        engine = systems.EngineSystem(Path(tmp), unit="id")
        engine.build_from(SOURCES)
        print(f"{'engine':<28} " + " ".join(f"{v:>8.4f}" for v in score(engine, judged)))
        docs = [(p.id, p.text, p.lang) for p in paragraphs]
        for system in systems.baselines(Path(tmp)):
            system.build(docs)
            print(f"{system.name:<28} " + " ".join(f"{v:>8.4f}" for v in score(system, judged)))
        if args.tune:
            tune(engine, judged)


def tune(engine, judged) -> None:
    from search import ranking
    from search.query import compile as compile_module

    print("engine with other boosts (FORM_BOOST, PHRASE_FORM_BOOST, PROXIMITY):")
    saved = (compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST, ranking.PROXIMITY)
    for form in (0.0, 0.5, 1.0, 2.0):
        for phrase in (0.0, 1.0):
            for proximity in (0.0, 1.0, 2.0, 4.0):
                compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST = form, phrase
                ranking.PROXIMITY = proximity
                label = f"  {form:>4} {phrase:>4} {proximity:>4}"
                print(f"{label:<28} " + " ".join(f"{v:>8.4f}" for v in score(engine, judged)))
    compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST, ranking.PROXIMITY = saved


if __name__ == "__main__":
    main()
