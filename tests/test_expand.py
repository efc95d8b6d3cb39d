"""Across languages and vocabularies: equivalents in the other language,
synonyms, suggestions for words nothing matches, and topics from titles."""

import json

import pytest
from click.testing import CliRunner

from search import Engine
from search.cli import main
from search.query import compile_query, parse
from search.query.expand import Expander

TRAFFICKING_RU = "cop-decision-4-4-ru"


@pytest.fixture
def cli(bundled_index):
    def run(*args, env=None):
        return CliRunner(env=env).invoke(main, [*map(str, args), "--index", str(bundled_index)])
    return run


def alternatives(query, **options):
    compiled = compile_query(parse(query), query, expander=Expander.load(**options))
    return [(item.text, a.kind, a.text, a.start, a.end) for item in compiled.items for a in item.alternatives]


def test_words_and_multiword_terms_have_equivalents_in_the_other_language():
    found = alternatives("позбавлення волі")
    assert ("позбавлення", "translation", "лишение свободы", 0, 2) in found
    assert ("волі", "translation", "лишение свободы", 0, 2) in found
    assert ("незаконный", "translation", "незаконний ввіз мігрантів", 0, 3) in alternatives("незаконный ввоз мигрантов")
    assert ("конвенция", "translation", "конвенція", 0, 1) in alternatives("конвенция")
    assert ("вступление", "translation", "набуття чинності", 0, 2) in alternatives("вступление в силу")
    assert alternatives("конвенция", translate=False) == []


def test_synonyms_and_their_equivalents():
    found = alternatives("екстрадиція")
    assert ("екстрадиція", "synonym", "видача", 0, 1) in found
    chained = alternatives("взятка")
    assert ("взятка", "translation", "хабар", 0, 1) in chained
    assert ("взятка", "synonym", "неправомірна вигода", 0, 1) in chained  # хабар's synonym


def test_cross_lingual_queries_find_the_other_languages_text(engine):
    hits = engine.search("конфискация имущества", limit=10).hits
    assert hits and all(h.lang == "uk" and "translation" in h.how for h in hits)
    assert {h.article for h in hits} & {"12", "13", "14"}
    smuggling = engine.search("незаконный ввоз мигрантов", limit=5).hits
    assert all(h.part.startswith("Протокол проти незаконного ввозу мігрантів") for h in smuggling)
    women = engine.search("торгівля жінками і дітьми", limit=100).hits
    assert any(h.doc == TRAFFICKING_RU and "женщинами" in h.text for h in women)


def test_no_translate_keeps_to_the_query_language(engine):
    assert engine.search("конфискация имущества", translate=False).total == 0
    assert engine.search("незаконный ввоз мигрантов", translate=False).total == 0
    hits = engine.search("торгівля жінками і дітьми", translate=False, limit=200).hits
    assert hits and all("translation" not in h.how for h in hits)
    assert all(h.doc != TRAFFICKING_RU for h in hits)


def test_a_translation_never_outranks_a_literal_match_of_the_same_coverage(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "ru.md").write_text("# Решение\n\nСуд вправе назначить лишение свободы на срок до трех лет за "
                               "это деяние.\n", encoding="utf-8")
    (src / "uk.md").write_text("# Закон\n\nПозбавлення волі.\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as engine:
        engine.index([src])
        for query, first in (("лишение свободы", "ru"), ("позбавлення волі", "uk")):
            hits = engine.search(query).hits
            assert [h.lang for h in hits] == [first, {"ru": "uk", "uk": "ru"}[first]], query
            assert hits[0].how == ("literal",) and hits[1].how == ("translation",)
            assert hits[0].score > hits[1].score


def test_user_synonym_files_in_both_formats(tmp_path, bundled_index, monkeypatch):
    rules = tmp_path / "mine.txt"
    rules.write_text("# my rules\nзаморожування, арешт майна\nрекет => вимагання\n", encoding="utf-8")
    with Engine.open(bundled_index) as engine:
        assert engine.search("рекет").total == 0
        found = engine.search("рекет", synonyms=[rules])
        assert found.total > 0 and all("synonym" in h.how for h in found.hits)
        assert all("вимаг" in h.text.lower() for h in found.hits)
        both = engine.search("заморожування", synonyms=[rules], limit=200).hits
        assert any("арешт" in h.text.lower() for h in both)
        monkeypatch.setenv("SEARCH_SYNONYMS", str(rules))
        assert engine.search("рекет").total == found.total
    bad = tmp_path / "bad.txt"
    bad.write_text("a, b\n=> c\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "рекет", "--index", str(bundled_index), "--synonyms", str(bad)])
    assert result.exit_code == 2 and f"{bad}, line 2" in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_dix_lexicon_is_loaded_at_run_time(tmp_path, cli):
    dix = tmp_path / "mine.rus-ukr.dix"
    dix.write_text('<?xml version="1.0"?><dictionary><section id="main" type="standard">'
                   '<e><p><l>рэкет<s n="n"/></l><r>вимагання<s n="n"/></r></p></e>'
                   '</section></dictionary>', encoding="utf-8")
    assert cli("query", "рэкет", "--format", "json").exit_code == 0
    plain = json.loads(cli("query", "рэкет", "--format", "json").stdout)
    loaded = json.loads(cli("query", "рэкет", "--format", "json", "--lexicon", dix).stdout)
    assert plain["total"] == 0 and loaded["total"] > 0
    assert loaded["hits"][0]["how"] == ["translation"]


def test_a_suggestion_is_offered_and_never_applied(engine, cli):
    for typed, meant in (("конвенцыя", "конвенція"), ("злочиная група", "злочинна група"),
                         ("ектрадиція", "екстрадиція"), ("rjydtywsz", "конвенція")):
        results = engine.search(typed)
        assert results.suggestions == (meant,), typed
        assert results.query == typed
    assert engine.search("конвенцыя").total == 0
    assert engine.search("злочинна група").suggestions == ()
    text = cli("query", "конвенцыя")
    assert text.stdout == "no paragraphs match 'конвенцыя'\n"
    assert text.stderr == "search: did you mean: конвенція\n"
    data = json.loads(cli("query", "злочиная група", "--format", "json").stdout)
    assert data["suggestions"] == ["злочинна група"] and data["query"] == "злочиная група"


def test_batch_records_carry_suggestions(bundled_index):
    result = CliRunner().invoke(main, ["batch", "-", "--index", str(bundled_index)], input="q1\tконвенцыя\n")
    record = json.loads(result.stdout)
    assert record["suggestions"] == ["конвенція"] and record["total"] == 0
    assert "search: query q1: did you mean: конвенція" in result.stderr


def test_a_paragraph_is_found_through_its_articles_title(engine):
    top = engine.search("захист свідків", limit=5).hits
    citations = [h.citation for h in top]
    assert "Конвенція, ст. 24, п. 2 (a)" in citations and "Конвенція, ст. 24, п. 2 (b)" in citations
    found = {h.citation: h for h in top}
    assert "structure" in found["Конвенція, ст. 24, п. 2 (a)"].how
    assert engine.search("захист свідків", exact=True, limit=50).hits[0].how == ("literal",)


def test_a_bare_heading_does_not_outrank_a_paragraph_that_matches_as_much(engine):
    hits = engine.search("юрисдикція", limit=30).hits
    heading = next(i for i, h in enumerate(hits) if h.kind == "heading")
    assert all(h.kind != "heading" for h in hits[:heading])
    assert heading > 0 and any(h.citation == "Конвенція, ст. 15, п. 1" for h in hits[:heading])


def test_explain_lists_every_expansion_and_where_it_came_from(engine, cli):
    explanation = engine.explain("конфискация имущества")
    sources = {(e["item"], e["kind"], e["text"], e["source"]) for e in explanation.expansions}
    assert ("конфискация", "translation", "конфіскація майна", "legal") in sources
    text = cli("explain", "екстрадиція").stdout
    assert "екстрадиція → видача  (synonym: uk, synonyms_uk.txt, line" in text


def test_a_russian_word_is_held_through_a_ukrainian_articles_title(engine):
    russian = {h.id for h in engine.search("конфискация", limit=100).hits}
    ukrainian = {h.id for h in engine.search("конфіскація", limit=100).hits}
    assert russian == ukrainian
    assert engine.search('"групи злочинної"').total == 0  # a phrase is not held through a title
