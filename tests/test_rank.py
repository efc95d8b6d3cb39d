"""The rank stage: the order of hits, the score that states it, snippets."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Engine
from search.cli import main
from search.models import Match
from search.rank.snippets import matches_of, merge_spans, snippet, window

JUDGED = Path(__file__).resolve().parents[1] / "benchmarks" / "judged_queries.tsv"


def judged_queries() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in JUDGED.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [(row[0], row[2]) for row in rows]


QUERIES = [q for _, q in judged_queries()] + [
    "злочинна група", "група OR злочин", "NOT група", "злочин* lang:uk", '"держави учасниці"',
    "article:16", "part:протокол мігрантів", "торговля людьми", "(група OR злочин) AND держава",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_never_rise_down_the_list(engine, query):
    hits = engine.search(query, limit=30).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True), query
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_every_output_carries_the_same_non_increasing_score(bundled_index):
    def run(*args):
        return CliRunner().invoke(main, ["query", "злочинна група", "--index", str(bundled_index), "-n", "12",
                                         "--color", "never", *args]).stdout
    as_json = [h["score"] for h in json.loads(run("--format", "json"))["hits"]]
    as_jsonl = [json.loads(line)["score"] for line in run("--format", "jsonl").splitlines()]
    as_csv = [float(row["score"]) for row in csv.DictReader(io.StringIO(run("--format", "csv")))]
    as_text = [float(line.rsplit("·", 1)[1].strip(" ]")) for line in run().splitlines() if "·" in line]
    assert len(as_json) == 12 and as_json == sorted(as_json, reverse=True)
    assert as_jsonl == as_json and as_csv == as_json
    assert as_text == [round(s, 2) for s in as_json]


def test_a_trec_run_evaluates_to_the_engines_own_order(bundled_index):
    """trec_eval (through pytrec_eval) orders a run by score; graded so that
    only the engine's exact order scores nDCG 1, and its rank 1 P@1 = 1."""
    pytrec_eval = pytest.importorskip("pytrec_eval")
    queries = judged_queries()[:40]
    text = "".join(f"{qid}\t{query}\n" for qid, query in queries)
    result = CliRunner().invoke(main, ["batch", "-", "--format", "trec", "--index", str(bundled_index),
                                       "-n", "10"], input=text)
    run: dict = {}
    order: dict = {}
    for line in result.stdout.splitlines():
        qid, _, docno, rank, score, _ = line.split()
        run.setdefault(qid, {})[docno] = float(score)
        order.setdefault(qid, []).append((int(rank), docno, float(score)))
    assert len(run) >= 30
    qrels = {}
    for qid, ranked in order.items():
        ranked.sort()
        # Paragraphs tied in score share a grade: a tie's order is not the run's to decide.
        grades, grade, last = {}, len(ranked) + 1, None
        for _, docno, score in ranked:
            if score != last:
                grade, last = grade - 1, score
            grades[docno] = grade
        qrels[qid] = grades
    measured = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10", "P_1"}).evaluate(run)
    for qid, values in measured.items():
        assert values["ndcg_cut_10"] == pytest.approx(1.0), qid
        assert values["P_1"] == 1.0, qid


def test_a_paragraph_with_every_item_outranks_higher_scored_ones(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        "Група група група групи групою.\n\n"
        "Злочин злочину злочином злочини.\n\n"
        "Довгий абзац про різне, де трапляється злочинна група лише раз серед багатьох інших слів "
        "про договори, держави, конференції, секретаріат, доповіді і засідання.\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as engine:
        engine.index([src])
        hits = engine.search("злочинна група").hits
        assert hits[0].text.startswith("Довгий абзац")
        exact = engine.search("групою злочину").hits
        assert exact[0].text.startswith("Група група") or exact[0].text.startswith("Злочин")
        assert exact[0].score > exact[-1].score


def test_exact_forms_rank_above_other_inflections(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("Умови для держав.\n\nУмови для держави.\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as engine:
        engine.index([src])
        assert [h.text for h in engine.search("держави").hits] == ["Умови для держави.", "Умови для держав."]
        assert [h.text for h in engine.search("держав").hits] == ["Умови для держав.", "Умови для держави."]


@pytest.mark.parametrize("query", ["держава", "злочинна група", "конвенція OR протокол"])
def test_pages_follow_one_another(engine, query):
    whole = engine.search(query, limit=40).hits
    pages = [engine.search(query, limit=10, offset=o).hits for o in (0, 10, 20, 30)]
    assert [h.id for page in pages for h in page] == [h.id for h in whole]
    assert [h.rank for h in pages[1]] == list(range(11, 21))


@pytest.mark.parametrize("query", ["держава", "злочин*", "протокол", "держава OR протокол"])
def test_pages_past_the_ranked_window_follow_one_another_and_scores_keep_falling(engine, query):
    whole = engine.search(query, limit=1000)
    assert whole.total > 100 and len(whole.hits) == whole.total
    pages = [h for o in range(0, whole.total, 20) for h in engine.search(query, limit=20, offset=o).hits]
    assert [h.id for h in pages] == [h.id for h in whole.hits]
    assert len({h.id for h in pages}) == whole.total
    scores = [h.score for h in whole.hits]
    assert all(a >= b for a, b in zip(scores, scores[1:]))


# -- snippets ------------------------------------------------------------------

def test_spans_merge_and_become_matches():
    assert merge_spans([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]
    assert matches_of("abcdefghij", [(0, 2), (1, 3)]) == (Match(0, 3, "abc"),)


def test_a_short_paragraph_is_shown_whole_with_marks():
    text = "Злочинна група діє."
    matches = matches_of(text, [(0, 8), (9, 14)])
    assert snippet(text, matches) == "**Злочинна** **група** діє."
    assert snippet(text, matches, "<", ">") == "<Злочинна> <група> діє."


def test_a_long_paragraph_is_cut_at_spaces_around_its_densest_matches():
    words = [f"слово{i}" for i in range(200)]
    text = " ".join(words)
    start = text.index("слово120")
    matches = matches_of(text, [(start, start + 8), (start + 9, start + 17)])
    first, last = window(text, matches)
    assert first > 0 and last < len(text) and first < start < last
    assert text[first - 1] == " " and text[last] == " "
    shown = snippet(text, matches)
    assert shown.startswith("…") and shown.endswith("…") and "**слово120** **слово121**" in shown
