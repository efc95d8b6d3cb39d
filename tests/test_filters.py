"""Filters on where a paragraph stands, and what a user is told when a
filter value or a query does not fit."""

import json

import pytest
from click.testing import CliRunner

from search import Engine
from search.cli import main
from search.errors import EXIT_USAGE, QuerySyntaxError, UsageError

SMUGGLING = "Протокол проти незаконного ввозу мігрантів по суші, морю і повітрю"


@pytest.fixture
def cli(bundled_index):
    def run(*args):
        return CliRunner().invoke(main, [*map(str, args), "--index", str(bundled_index)])
    return run


def test_part_picks_the_instrument(engine):
    everywhere = {h.part for h in engine.search("article:16", limit=200).hits}
    assert len(everywhere) == 3
    for typed in ("мігрантів", "протокол мігранти", "незаконного ввозу"):
        hits = engine.search(f'article:16 part:"{typed}"', limit=200).hits
        assert hits and {h.part for h in hits} == {SMUGGLING}, typed
    assert {h.part for h in engine.search("article:16", part="конвенція", limit=200).hits} == {"Конвенція"}
    both = {h.part for h in engine.search("part:протокол", limit=2000).hits}
    assert len(both) == 2 and all(p.startswith("Протокол") for p in both)


def test_part_option_and_info(cli):
    result = cli("query", "article:16", "--part", "торгівля людьми", "--format", "json", "-n", "50")
    parts = {h["part"] for h in json.loads(result.stdout)["hits"]}
    assert result.exit_code == 0 and len(parts) == 1 and "торгівлі людьми" in parts.pop()
    info = cli("info").stdout
    assert "instruments (part:)" in info and SMUGGLING in info


def test_unknown_language_is_a_usage_error_naming_the_languages(engine, cli):
    result = cli("query", "lang:xx група")
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "search: bad query 'lang:xx група': unknown lang 'xx'; lang is one of uk, ru, other"]
    with pytest.raises(QuerySyntaxError):
        engine.search("kind:nonsense група")
    with pytest.raises(UsageError, match="uk, ru, other"):
        engine.search("група", lang="xx")


def test_unknown_document_answers_with_a_note_naming_the_closest(engine, cli):
    results = engine.search("група", doc="untoc")
    assert results.total == 0 and results.notes == ("no document 'untoc' in the index; closest: untoc-uk",)
    result = cli("query", "група doc:untok-uk")
    assert result.exit_code == 0 and result.stdout.startswith("no paragraphs match")
    assert result.stderr == "search: note: no document 'untok-uk' in the index; closest: untoc-uk\n"
    note = cli("query", "група", "--part", "статут", "--format", "json")
    assert "no instrument matches part:статут" in json.loads(note.stdout)["notes"][0]


def test_every_command_reads_operators_in_either_language(engine):
    for ukrainian, english in (("злочин АБО група", "злочин OR група"), ("злочин І група", "злочин AND група"),
                               ("група НЕ злочинна", "група NOT злочинна")):
        assert engine.search(ukrainian).total == engine.search(english).total > 0
        lines = engine.concordance(ukrainian)
        assert lines and [(l.id, l.start) for l in lines] == [(l.id, l.start) for l in engine.concordance(english)]
        assert engine.term_stats(ukrainian).total == engine.term_stats(english).total
        assert engine.explain(ukrainian).compiled == engine.explain(english).compiled


def test_a_query_starting_with_a_dash_gets_a_hint(cli, bundled_index):
    result = cli("query", "-група злочин")
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    assert result.stderr == ("search: no such option '-група злочин'; a query that starts with '-' goes after "
                             "'--', options before it: search query [OPTIONS] -- '-група злочин'\n")
    after = CliRunner().invoke(main, ["query", "--index", str(bundled_index), "--", "-група злочин"])
    assert after.exit_code == 0 and "злочин" in after.stdout.lower()


def test_colour_is_asked_for_or_refused(cli):
    assert "\x1b[" in cli("query", "група", "--color", "always").stdout
    assert "\x1b[" not in cli("query", "група", "--color", "never").stdout
    assert "\x1b[" in cli("kwic", "група", "--color", "always", "-n", "2").stdout


def test_the_portals_russian_lines_no_longer_rank_first(engine):
    top = engine.search("транснациональная организованная преступность", limit=10).hits
    assert top[0].doc == "cop-decision-4-4-ru" and top[0].how == ("literal",)
    chrome = ("Конвенция Организации Объединенных Наций против", "Страны - участницы", "Резолюция от")
    assert not [h for h in top if h.doc == "untoc-uk" and any(c in h.text for c in chrome)]
    assert not engine.search('"Страны участницы"', exact=True).total
    assert not engine.search('"загрузка документа"', exact=True).total


def test_a_jsonl_corpus_without_text_names_its_fields_and_indexes_with_text_field(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    records = [{"id": "law-1", "title": "Закон", "provisions": "Злочинна група карається."},
               {"id": "law-2", "title": "Кодекс", "provisions": "Група осіб."}]
    (src / "laws.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 5  # the file was skipped
    assert "no record has a string field 'text' (its records have: id, title, provisions)" in result.stderr
    assert "--text-field" in result.stderr
    indexed = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix"),
                                        "--text-field", "provisions"])
    assert indexed.exit_code == 0, indexed.stderr
    with Engine.open(tmp_path / "ix") as engine:
        assert sorted(h.doc for h in engine.search("група").hits) == ["law-1", "law-2"]
        engine.index()  # the text field of the last build is kept
        assert engine.search("група").total == 2


@pytest.mark.parametrize("call", [
    lambda e: e.search("група", limit=0), lambda e: e.search("група", offset=-1),
    lambda e: e.search("група", limit="5"), lambda e: e.concordance("група", sort="middle"),
    lambda e: e.concordance("група", width=0), lambda e: e.term_stats("група", top=0),
    lambda e: e.terms(top=-1), lambda e: e.explain("група", limit=0),
    lambda e: list(e.batch(["група"], lang="xx")),
])
def test_the_api_raises_only_usage_errors_for_bad_arguments(engine, call):
    with pytest.raises(UsageError):
        call(engine)
