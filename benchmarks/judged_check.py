"""Check benchmarks/judged_queries.tsv without running any search.

    python benchmarks/judged_check.py          # per query: kind, grade-1 and grade-2 counts
    python benchmarks/judged_check.py u25 x07  # and the paragraphs those queries judge relevant

Loads the judgements the way benchmarks/ranking.py does (the paragraphs come
from the ingestion pipeline, not from an index) and fails when a query has no
relevant paragraph or names a key place that no paragraph's citation has.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ranking import JUDGED, KINDS, SOURCES, load_judgements  # noqa: E402

from search.ingest import paragraphs_of  # noqa: E402


def key_places(path: Path = JUDGED) -> dict[str, list[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            out[fields[0]] = [k for k in fields[4].split(";") if k]
    return out


def main(show: list[str]) -> int:
    paragraphs = [p for path in sorted(SOURCES.iterdir()) for p in paragraphs_of(path)]
    by_id = {p.id: p for p in paragraphs}
    citations = {p.citation for p in paragraphs}
    judged = load_judgements(paragraphs)
    places = key_places()
    problems = []
    seen = Counter(qid for qid, *_ in judged)
    problems += [f"{qid}: id used {n} times" for qid, n in seen.items() if n > 1]
    print(f"{'id':<5} {'kind':<14} {'g1':>4} {'g2':>4}  query")
    for qid, kind, query, grades in judged:
        g = Counter(grades.values())
        print(f"{qid:<5} {kind:<14} {g[1]:>4} {g[2]:>4}  {query}")
        if not grades:
            problems.append(f"{qid}: no relevant paragraph")
        for k in places[qid]:
            if not any(c == k or c.startswith(k + ",") for c in citations):
                problems.append(f"{qid}: key place {k!r} matches no citation")
        if qid in show:
            for pid, grade in sorted(grades.items(), key=lambda item: by_id[item[0]].ordinal):
                p = by_id[pid]
                print(f"        {grade}  {p.citation}: {p.text[:100]!r}")
    kinds = Counter(kind for _, kind, *_ in judged)
    print(f"{len(judged)} queries: " + ", ".join(f"{kinds[k]} {k}" for k in KINDS))
    for problem in problems:
        print("PROBLEM", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
