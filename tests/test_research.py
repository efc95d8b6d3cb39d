"""Concordance, term statistics, frequent lemmas and explain."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from search.cli import main


@pytest.fixture
def cli(bundled_index):
    def invoke(*args):
        result = CliRunner().invoke(main, [*args, "--index", str(bundled_index)], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout
    return invoke


def test_kwic_finds_every_form_and_the_form_is_the_text(engine):
    lines = engine.concordance("група")
    stats = engine.term_stats("група")
    assert len(lines) == stats.total > 30
    assert {l.form.lower() for l in lines} >= {"група", "групи", "груп", "групу"}
    for line in lines[:20]:
        assert line.citation and line.form.lower().startswith("груп")


def test_kwic_of_several_words_is_a_phrase(engine):
    lines = engine.concordance("торговля людьми")
    assert lines and all(len(l.form.split()) == 2 for l in lines)
    assert {l.doc for l in lines} == {"cop-decision-4-4-ru"}


def test_kwic_sorts(engine):
    by_form = [l.form.lower() for l in engine.concordance("група", sort="form")]
    assert by_form == sorted(by_form)
    by_right = [l.right.lower() for l in engine.concordance("група", sort="right")]
    assert by_right == sorted(by_right)
    assert len(engine.concordance("група", limit=3)) == 3


def test_kwic_cli_formats(cli):
    text = cli("kwic", "група", "--width", "20", "--limit", "5")
    assert len(text.splitlines()) == 5
    rows = list(csv.DictReader(io.StringIO(cli("kwic", "група", "--format", "csv"))))
    assert rows and all(r["form"].lower().startswith("груп") for r in rows)
    data = json.loads(cli("kwic", "відмивання", "--format", "json", "--lang", "uk"))
    assert data and {"left", "form", "right", "citation"} <= set(data[0])


def test_stats_counts_forms_documents_articles(engine, cli):
    stats = engine.term_stats("група")
    assert sum(n for _, n in stats.forms) == stats.total
    assert dict(stats.docs) == {"untoc-uk": stats.total}
    assert stats.articles[0][0].startswith("Конвенція, ст.")
    data = json.loads(cli("stats", "група", "--format", "json"))
    assert data["total"] == stats.total and data["forms"][0]["count"] >= data["forms"][-1]["count"]
    rows = list(csv.reader(io.StringIO(cli("stats", "група", "--format", "csv"))))
    assert rows[0] == ["kind", "value", "count"] and rows[1] == ["total", "", str(stats.total)]
    assert "occurrences" in cli("stats", "група")


def test_terms_leave_stop_words_out_unless_asked(engine, cli):
    top = dict(engine.terms(top=50))
    assert "держава" in top and "і" not in top and "цей" not in top
    everything = dict(engine.terms(top=50, stop_words=True))
    assert "і" in everything
    ru = json.loads(cli("terms", "--lang", "ru", "--top", "5", "--format", "json"))
    assert ru[0]["lemma"] in {"человек", "торговля"}


def test_explain_shows_analysis_query_and_evidence(engine, cli):
    explanation = engine.explain("злочинна група", limit=2)
    words = {w.word: w for w in explanation.words}
    assert words["злочинна"].lemmas["uk"] == {"known": True, "lemmas": ["злочинний"]}
    assert "lemma:злочинний" in explanation.compiled
    top = explanation.hits[0]
    assert top.citation == "Конвенція, ст. 2, п. (a)" and top.items_matched == 2
    assert ("form", "злочинна") in top.terms and top.proximity > 0
    assert abs(top.relevance - (top.bm25f + top.proximity)) < 1e-3
    # the score is the tier plus the relevance squeezed below 1: items held
    # (2), held in the text (yes), not a heading (yes), then literal, direct,
    # exact, likely in base 3
    assert top.tier == ((((2 * 2 + 1) * 2 + 1) * 3 + 2) * 3 + 2) * 3 * 3 + top.items_exact * 3 + top.items_likely
    assert abs(top.score - (top.tier + top.relevance / (top.relevance + 1))) < 1e-3
    text = cli("explain", "торговля людьми")
    assert "ru: торговля (dictionary)" in text and "proximity" in text
    assert json.loads(cli("explain", "група", "--format", "json"))["hits"]
