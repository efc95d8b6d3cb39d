"""Searching the bundled corpus through the Python API."""

import threading

import pytest

from search import Engine, QuerySyntaxError


def citations(results):
    return [h.citation for h in results]


def test_organized_criminal_group_definition_ranks_first(engine):
    top = engine.search("злочинна група").hits[0]
    assert top.citation == "Конвенція, ст. 2, п. (a)"
    assert top.text.startswith('a) "організована злочинна група" означає')


def test_inflected_query_finds_other_forms(engine):
    forms = {f.lower() for h in engine.search("групи", limit=50) for f in h.matched}
    assert {"група", "групи", "групу"} <= forms


def test_money_laundering_finds_articles_6_and_7(engine):
    results = engine.search("відмивання доходів", limit=10)
    assert {"6", "7"} <= {h.article for h in results}
    assert "Конвенція, ст. 6" in [h.citation for h in results]  # the article's heading
    first = " ".join(results.hits[0].matched).lower()
    assert "відмиван" in first and "доход" in first


def test_trafficking_finds_the_decision(engine):
    results = engine.search("торговля людьми", limit=10)
    assert results.hits and all(h.doc == "cop-decision-4-4-ru" for h in results)
    assert all(h.lang == "ru" for h in results)


def test_typographic_apostrophe_matches_the_texts_ascii_one(engine):
    curly = engine.search("об’єднаних", limit=100)
    modifier = engine.search("обʼєднаних", limit=100)
    assert curly.total > 10 and curly.total == modifier.total
    assert "Об'єднаних" in curly.hits[0].matched


def test_latin_typed_document_symbol_finds_cyrillic_text(engine):
    results = engine.search("CTOC/COP/2008/8")
    assert results.hits[0].text.startswith("СТОС/СОР/2008/8")
    assert results.hits[0].kind == "footnote"


def test_clean_cyrillic_query_finds_word_with_latin_letter_inside(tmp_path):
    from search import Engine

    src = tmp_path / "src"
    src.mkdir()
    (src / "mixed.txt").write_text("Ця Конвенцiя набуває чинності.", encoding="utf-8")  # Latin i
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src])
        assert eng.search("конвенція").total == 1


def test_phrase_requires_adjacency_unlike_plain_words(engine):
    words = engine.search("група злочинів", limit=1000)
    phrase = engine.search('"група злочинів"', limit=1000)
    assert phrase.total < words.total
    for hit in phrase:
        assert any(m.form.lower().startswith("груп") for m in hit.matches)


def test_exact_phrase_ranks_above_other_inflections(engine):
    results = engine.search('"організованої злочинної групи"', limit=50)
    exact_rank = min(h.rank for h in results if "організованої злочинної групи" in h.text)
    other_rank = min(h.rank for h in results if "організованої злочинної групи" not in h.text)
    assert exact_rank < other_rank


def test_exact_flag_turns_morphology_off(engine):
    morph = engine.search("групи", limit=1000)
    exact = engine.search("групи", limit=1000, exact=True)
    assert 0 < exact.total < morph.total
    assert all(m.form.lower() == "групи" for h in exact for m in h.matches)


def test_exact_form_outranks_other_forms(engine):
    results = engine.search("групою", limit=20)
    ranks_exact = [h.rank for h in results if "групою" in [f.lower() for f in h.matched]]
    ranks_other = [h.rank for h in results if "групою" not in [f.lower() for f in h.matched]]
    assert ranks_exact and ranks_other and max(ranks_exact) < min(ranks_other)


def test_all_words_outrank_some(engine):
    words = ["конфіскація", "майна", "злочинів"]
    found_by = [{h.id for h in engine.search(w, limit=1000)} for w in words]
    results = engine.search(" ".join(words), limit=200)
    counts = [sum(h.id in ids for ids in found_by) for h in results]
    assert counts[0] == 3 and 1 in counts
    assert counts == sorted(counts, reverse=True)


def test_compound_matches_whole_and_parts(engine):
    whole = engine.search("Держава-учасниця", limit=5)
    part = engine.search("учасниця", limit=5)
    assert whole.total > 100 and part.total >= whole.total


def test_filters(engine):
    assert all(h.lang == "ru" for h in engine.search("конвенция lang:ru", limit=50))
    assert all(h.article == "6" for h in engine.search("майно article:6", limit=50))
    assert all(h.doc == "untoc-uk" for h in engine.search("конвенція", doc="untoc-uk", limit=50))
    assert engine.search("злочин* AND article:6").total > 0


def test_boolean_operators(engine):
    both = engine.search("торгівля AND мігрантів", limit=1000).total
    either = engine.search("торгівля OR мігрантів", limit=1000).total
    without = engine.search("торгівля NOT мігрантів", limit=1000).total
    only = engine.search("торгівля", limit=1000).total
    assert both < only < either and without == only - both


def test_prefix(engine):
    hits = engine.search("відмив*", limit=20)
    assert hits.total > 3 and all(any(m.form.lower().startswith("відмив") for m in h.matches) for h in hits)


def test_matches_point_at_the_text(engine):
    for hit in engine.search("злочинна група", limit=20):
        assert hit.matches
        for m in hit.matches:
            assert hit.text[m.start:m.end] == m.form


def test_bad_query_raises_the_documented_error(engine):
    with pytest.raises(QuerySyntaxError):
        engine.search('"unbalanced')


def test_results_are_plain_data_after_close(bundled_index):
    from search import Engine

    with Engine.open(bundled_index) as eng:
        results = eng.search("конвенція", limit=3)
    assert results.to_dict()["hits"][0]["citation"] and results.hits[0].text


def test_search_from_many_threads(engine):
    expected = citations(engine.search("злочинна група", limit=5))
    seen, errors = [], []

    def worker():
        try:
            for _ in range(5):
                seen.append(citations(engine.search("злочинна група", limit=5)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(seen) == 30 and all(s == expected for s in seen)


def test_prefix_expansion_is_capped(engine, monkeypatch):
    from search.rank import evaluate

    full = engine.search("зл*", limit=1000).total
    monkeypatch.setattr(evaluate, "MAX_EXPANSIONS", 1)
    assert 0 < engine.search("зл*", limit=1000).total < full


def test_a_paragraph_with_every_word_is_found_among_many_higher_scored_ones(tmp_path):
    # 160 short paragraphs, each with one of the words many times, outscore a
    # long paragraph that has both once; it still comes first.
    src = tmp_path / "src"
    src.mkdir()
    short = ["Протокол протоколу протоколом.", "Мігранти мігрантів мігрантам."] * 80
    filler = " ".join(["Інший текст без тих термінів."] * 40)
    both = f"{filler} Протокол щодо незаконного ввозу мігрантів. {filler}"
    (src / "many.md").write_text("\n\n".join(short + [both]) + "\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src])
        results = eng.search("протокол мігранти", limit=3)
    assert results.total == 161
    assert "незаконного ввозу" in results.hits[0].text
    assert "незаконного ввозу" not in results.hits[1].text


def test_alternatives_beside_word_groups_are_all_returned(engine):
    # "(a b) OR c": paragraphs with only c are matches too, graded like any other.
    results = engine.search("(злочинна група) OR мігрантів", limit=1000)
    assert len(results.hits) == results.total > 0
    texts = [h.text.lower() for h in results.hits]
    assert any("мігрант" in t and "груп" not in t for t in texts)
    assert any("груп" in t and "мігрант" not in t for t in texts)
