"""Synonym rules: the file format, its errors, and expansion in lemma space."""

import os

import pytest

from search.analysis.synonyms import ENV, Synonyms, parse_rules, read_rules, shipped_rules
from search.errors import SearchError, SynonymsError
from search.query.compile import word_slot


def slots(text):
    """The lemmas of each query word, as the query compiler gives them."""
    return [word_slot(word, exact=False).lemmas for word in text.split()]


def expanded(synonyms, text, **kwargs):
    return [(e.start, e.end, e.text) for e in synonyms.expand(slots(text), **kwargs)]


@pytest.fixture(scope="module")
def shipped():
    return Synonyms.load([])


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- the format ------------------------------------------------------------------

def test_both_rule_forms_comments_and_blank_lines():
    rules = parse_rules("# a comment\n\nвидача, екстрадиція\n  \nмафія, ОЗГ => організована злочинна група  # why\n",
                        "t.txt")
    assert [(r.left, r.right, r.line) for r in rules] == [
        (("видача", "екстрадиція"), (), 3),
        (("мафія", "ОЗГ"), ("організована злочинна група",), 5),
    ]
    assert rules[0].pairs() == [("видача", "екстрадиція"), ("екстрадиція", "видача")]
    assert rules[1].pairs() == [("мафія", "організована злочинна група"), ("ОЗГ", "організована злочинна група")]


@pytest.mark.parametrize("line, problem", [
    ("видача, , екстрадиція", "an empty term"),
    ("видача, екстрадиція,", "an empty term"),
    ("a => b => c", "more than one '=>'"),
    ("=> видача", "no term before '=>'"),
    ("видача =>", "no term after '=>'"),
    ("видача екстрадиція", "has nothing to be a synonym of"),
    ("видача, ---", "'---' has no word"),
    ("a, " + " ".join(["слово"] * 9), "more than 8 words"),
])
def test_a_malformed_line_names_file_and_line(line, problem):
    with pytest.raises(SynonymsError) as caught:
        parse_rules(f"# header\nвидача, екстрадиція\n{line}\n", "mine.txt")
    error = caught.value
    assert (error.path, error.line) == ("mine.txt", 3)
    assert problem in error.problem
    assert str(error).startswith("synonyms mine.txt, line 3: ")
    assert isinstance(error, SearchError) and error.exit_code == 2


def test_unreadable_and_non_utf8_files_are_named(tmp_path):
    with pytest.raises(SynonymsError, match="missing.txt: cannot be read"):
        read_rules(tmp_path / "missing.txt")
    bad = tmp_path / "cp1251.txt"
    bad.write_bytes("видача, екстрадиція\n".encode("utf-8") + "хабар, підкуп\n".encode("cp1251"))
    with pytest.raises(SynonymsError) as caught:
        read_rules(bad)
    assert caught.value.line == 2 and "not UTF-8" in str(caught.value)


def test_shipped_tables_parse_and_say_where_they_come_from():
    for lang in ("uk", "ru"):
        rules = shipped_rules(lang)
        assert len(rules) >= 40
        assert {r.lang for r in rules} == {lang}
        assert {r.source for r in rules} == {f"synonyms_{lang}.txt"}


# -- expansion in lemma space ----------------------------------------------------

def test_a_form_of_a_synonym_expands_to_the_lemma_of_the_other(shipped):
    found = shipped.expand(slots("екстрадиції"))
    assert [(e.lemmas, e.text, e.matched, e.lang) for e in found] == [
        ((frozenset({"видача"}),), "видача", "екстрадиція", "uk")]
    assert found[0].source == "synonyms_uk.txt" and found[0].line > 0
    assert ("видача",) in [(e.text,) for e in shipped.expand(slots("екстрадицію"))]
    assert ("экстрадиция",) in [(e.text,) for e in shipped.expand(slots("выдачей"))]


def test_one_word_gives_a_multiword_synonym_and_back(shipped):
    found = {e.text: e for e in shipped.expand(slots("хабара"))}
    assert found["неправомірна вигода"].lemmas == (frozenset({"неправомірний"}), frozenset({"вигода"}))
    assert (found["неправомірна вигода"].start, found["неправомірна вигода"].end) == (0, 1)
    back = {e.text: e for e in shipped.expand(slots("неправомірну вигоду"))}
    assert (back["хабар"].start, back["хабар"].end) == (0, 2)
    assert back["хабар"].lemmas == (frozenset({"хабар"}),)


def test_a_run_inside_a_longer_query_is_found(shipped):
    found = expanded(shipped, "боротьба з відмиванням коштів")
    assert (2, 4, "легалізація доходів") in found
    assert (2, 3, "легалізація") in found


def test_one_way_rules_do_not_expand_backwards(shipped):
    assert (0, 1, "організована злочинна група") in expanded(shipped, "мафії")
    assert (0, 1, "організована злочинна група") in expanded(shipped, "ОЗГ")
    assert not any(text == "мафія" for _, _, text in expanded(shipped, "організована злочинна група"))
    assert (0, 1, "торговля людьми") in expanded(shipped, "работорговли")
    assert not any(text == "работорговля" for _, _, text in expanded(shipped, "торговля людьми"))


def test_stop_words_are_skipped_when_matching_and_the_query_itself_is_not_offered(shipped):
    found = expanded(shipped, "доходи злочинів")  # what an unquoted query keeps
    assert (0, 2, "злочинні доходи") in found
    full = expanded(shipped, "доходи від злочину")
    assert (0, 3, "злочинні доходи") in full
    assert not any(text == "доходи від злочинів" for _, _, text in full)


def test_langs_limits_the_shipped_tables(shipped):
    assert expanded(shipped, "экстрадиции", langs={"uk"}) == []
    assert expanded(shipped, "экстрадиции", langs={"ru"}) == [(0, 1, "выдача")]


def test_a_word_without_rule_expands_to_nothing(shipped):
    assert shipped.expand(slots("депозитарій")) == []
    assert shipped.expand([]) == []


# -- user files ------------------------------------------------------------------

def test_user_file_comes_first_and_shipped_tables_still_apply(tmp_path):
    mine = write(tmp_path / "legal.txt", "# mine\nВИДАЧА, передача правопорушника\n")
    synonyms = Synonyms.load([mine])
    found = synonyms.expand(slots("видачі"))
    assert [(e.text, e.source, e.line, e.lang) for e in found] == [
        ("передача правопорушника", str(mine), 2, None),
        ("екстрадиція", "synonyms_uk.txt", found[1].line, "uk"),
    ]
    only = Synonyms.load([mine], shipped=False)
    assert [e.text for e in only.expand(slots("видачі"))] == ["передача правопорушника"]
    assert [e.text for e in only.expand(slots("передачею правопорушників"))] == ["ВИДАЧА"]


def test_environment_lists_user_files_unless_paths_are_given(tmp_path, monkeypatch):
    one = write(tmp_path / "one.txt", "видача, передача правопорушника\n")
    two = write(tmp_path / "two.txt", "конфіскація, вилучення майна\n")
    monkeypatch.setenv(ENV, f"{one}{os.pathsep}{os.pathsep}{two}")
    synonyms = Synonyms.load()
    assert "передача правопорушника" in [e.text for e in synonyms.expand(slots("видача"))]
    assert "вилучення майна" in [e.text for e in synonyms.expand(slots("конфіскації"))]
    assert "передача правопорушника" not in [e.text for e in Synonyms.load([]).expand(slots("видача"))]
    monkeypatch.setenv(ENV, str(tmp_path / "gone.txt"))
    with pytest.raises(SynonymsError, match="gone.txt"):
        Synonyms.load()


def test_words_feed_the_speller(tmp_path):
    words = Synonyms.load([write(tmp_path / "x.txt", "Об’єднаних Націй, ООН\n")]).words()
    assert "екстрадиція" in words and "об'єднаних" in words and "оон" in words


def test_loading_again_reuses_the_object_until_a_file_changes(tmp_path):
    mine = write(tmp_path / "mine.txt", "видача, передача правопорушника\n")
    first = Synonyms.load([mine])
    assert Synonyms.load([mine]) is first
    write(mine, "видача, передача правопорушника, видворення\n")
    assert "видворення" in [e.text for e in Synonyms.load([mine]).expand(slots("видача"))]


def test_docstring_examples_run(monkeypatch):
    import doctest

    import search.analysis.synonyms

    monkeypatch.delenv(ENV, raising=False)
    assert doctest.testmod(search.analysis.synonyms).failed == 0


def test_analysed_tables_come_back_from_the_cache_and_expand_as_they_were_built(tmp_path, monkeypatch):
    from search.analysis import cache
    from search.analysis.synonyms import Synonyms, shipped_rules

    monkeypatch.setenv("SEARCH_CACHE", str(tmp_path))
    query = [{"екстрадиція"}]
    built = Synonyms(shipped_rules("uk")).expand(query)
    assert built and len(list(tmp_path.glob("synonyms-*.pickle"))) == 1
    monkeypatch.setattr(cache, "_write", lambda *a: pytest.fail("a cached table was analysed again"))
    assert Synonyms(shipped_rules("uk")).expand(query) == built
