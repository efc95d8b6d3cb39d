"""Ranking quality on the bundled corpus, judged by hand.

    python benchmarks/ranking.py          # nDCG@10, MRR, Recall@20 per system
    python benchmarks/ranking.py --tune   # the engine under other boosts

The judged queries are in benchmarks/judged_queries.tsv (how relevance is
decided, and what the query kinds mean, is explained at its top).  Scores are
reported over all queries and per kind (literal, cross-lingual, synonym,
misspelt).  The engine indexes sources/ itself; the baselines (plain Whoosh,
Snowball, naive pymorphy3) index the same paragraphs, in the same run.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import systems  # noqa: E402

from search.ingest import paragraphs_of  # noqa: E402
from search.analysis.normalize import unify_apostrophes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
JUDGED = Path(__file__).resolve().parent / "judged_queries.tsv"


#: Query kinds in the order the report lists them.
KINDS = ("literal", "cross-lingual", "synonym", "misspelt")


def load_judgements(paragraphs, path: Path = JUDGED):
    """(id, kind, query, {paragraph id: grade}) for every judged query.

    Each line is ``id, kind, query, pattern, key places, note`` (tab-separated).
    """
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 6:
            raise ValueError(f"{path.name}:{number}: {len(fields)} columns, expected 6")
        qid, kind, query, pattern, keys, _note = fields
        if kind not in KINDS:
            raise ValueError(f"{path.name}:{number}: unknown kind {kind!r}")
        rx = re.compile(pattern, re.I)
        places = [k for k in keys.split(";") if k]
        grades = {}
        for p in paragraphs:
            if rx.search(unify_apostrophes(p.text)):
                key = any(p.citation == k or p.citation.startswith(k + ",") for k in places)
                grades[p.id] = 2 if key else 1
        out.append((qid, kind, query, grades))
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


def per_query(system, judged) -> dict[str, tuple[float, float, float]]:
    """(nDCG@10, MRR, Recall@20) of every judged query, by query id."""
    out = {}
    for qid, _, query, grades in judged:
        found = system.search(query, 20)
        out[qid] = (ndcg(found, grades), mrr(found, grades), recall(found, grades))
    return out


def mean(rows) -> tuple[float, float, float]:
    rows = list(rows)
    return tuple(sum(r[i] for r in rows) / len(rows) for i in range(3)) if rows else (0.0, 0.0, 0.0)


def by_kind(scores, judged) -> list[tuple[str, int, tuple[float, float, float]]]:
    """("all", n, means) then one row per kind present in the judgements."""
    rows = [("all", len(judged), mean(scores[qid] for qid, *_ in judged))]
    for kind in KINDS:
        ids = [qid for qid, k, *_ in judged if k == kind]
        if ids:
            rows.append((kind, len(ids), mean(scores[qid] for qid in ids)))
    return rows


def score(system, judged) -> tuple[float, float, float]:
    """Mean nDCG@10, MRR and Recall@20 over all judged queries."""
    return mean(per_query(system, judged).values())


def report(name, system, judged) -> None:
    for i, (kind, n, values) in enumerate(by_kind(per_query(system, judged), judged)):
        label = name if i == 0 else ""
        print(f"{label:<28} {kind:<14} {n:>4} " + " ".join(f"{v:>8.4f}" for v in values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="also try other exact-form and proximity boosts")
    args = parser.parse_args()
    paragraphs = [p for path in sorted(SOURCES.iterdir()) for p in paragraphs_of(path)]
    judged = load_judgements(paragraphs)
    counts = Counter(kind for _, kind, *_ in judged)
    kinds = ", ".join(f"{counts[kind]} {kind}" for kind in KINDS if counts[kind])
    print(f"{len(judged)} judged queries ({kinds}) over {len(paragraphs)} paragraphs; "
          f"{sum(len(g) for *_, g in judged)} relevant judgements")
    print(f"{'system':<28} {'kind':<14} {'n':>4} {'nDCG@10':>8} {'MRR':>8} {'R@20':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        engine = systems.EngineSystem(Path(tmp), unit="id")
        engine.build_from(SOURCES)
        report("engine", engine, judged)
        report("engine --no-translate", systems.EngineSystem.reusing(engine, translate=False), judged)
        report("engine, did-you-mean taken", systems.EngineSystem.reusing(engine, take_suggestion=True),
               [row for row in judged if row[1] == "misspelt"])
        docs = [(p.id, p.text, p.lang) for p in paragraphs]
        for system in systems.baselines(Path(tmp)):
            system.build(docs)
            report(system.name, system, judged)
        if args.tune:
            tune(engine, judged)


def tune(engine, judged) -> None:
    from search.query import compile as compile_module
    from search.rank import evidence as ranking

    print("engine with other boosts (FORM_BOOST, PHRASE_FORM_BOOST, PROXIMITY):")
    saved = (compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST, ranking.PROXIMITY)
    for form in (0.0, 0.5, 1.0, 2.0):
        for phrase in (0.0, 1.0):
            for proximity in (0.0, 1.0, 2.0, 4.0):
                compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST = form, phrase
                ranking.PROXIMITY = proximity
                label = f"  {form:>4} {phrase:>4} {proximity:>4}"
                print(f"{label:<28} {'all':<14} {len(judged):>4} " + " ".join(f"{v:>8.4f}" for v in score(engine, judged)))
    compile_module.FORM_BOOST, compile_module.PHRASE_FORM_BOOST, ranking.PROXIMITY = saved


if __name__ == "__main__":
    main()
