"""The bilingual lexicon: curated pairs, cognates, false friends, user files."""

import time
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from search.analysis.lexicon import Lexicon, equivalents, phrase_equivalents
from search.analysis.lexicon.cognates import (_one_way, _spellings, cognates, is_false_friend,
                                               lemma_pos)
from search.analysis.lexicon.tables import FALSE_FRIENDS, GENERAL, LEGAL, data_file, read_pairs
from search.analysis.morph import known_in, query_lemmas
from search.analysis.normalize import fold_word
from search.analysis.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[1]
#: Words of the curated list that pymorphy3's dictionaries do not have yet.
NEW_WORDS = {"пробация"}


def lemmas_of(lexicon_or_none, lemma, lang, source=None):
    found = (lexicon_or_none or Lexicon()).equivalents(lemma, lang)
    return [e.lemma for e in found if source in (None, e.source)]


def query(text):
    """A query's positions as the query stage gives them: each word's lemmas."""
    return [query_lemmas(fold_word(t.text)) for t in tokenize(text)]


def phrases(text, lang):
    return {(m.start, m.stop, m.term.text) for m in phrase_equivalents(query(text), lang)}


@pytest.fixture(scope="module")
def bare():
    """A lexicon of cognates only."""
    return Lexicon(files=[])


# -- curated pairs ---------------------------------------------------------------

@pytest.mark.parametrize("uk, ru", [
    ("видача", "выдача"), ("держава", "государство"), ("злочин", "преступление"),
    ("злочинність", "преступность"), ("держава-учасниця", "государство-участник"),
    ("вирок", "приговор"), ("неділя", "воскресенье"), ("тиждень", "неделя"),
])
def test_curated_word_pairs_read_both_ways(uk, ru):
    assert ru in lemmas_of(None, uk, "uk", "legal")
    assert uk in lemmas_of(None, ru, "ru", "legal")


def test_a_curated_side_that_is_no_lemma_is_known_by_the_lemma_the_index_has():
    # pymorphy3 indexes "осужденный" under the verb "осудить".
    assert "осудить" in lemmas_of(None, "засуджений", "uk", "legal")
    assert "засуджений" in lemmas_of(None, "осудить", "ru", "legal")


@pytest.mark.parametrize("text, lang, term", [
    ("засуджений до позбавлення волі", "uk", "лишение свободы"),
    ("незаконного ввозу мігрантів", "uk", "незаконный ввоз мигрантов"),
    ("членів організованої злочинної групи", "uk", "организованная преступная группа"),
    ("жертви торгівлі людьми", "uk", "торговля людьми"),
    ("доходів від злочинів", "uk", "доходы от преступлений"),
    ("к лишению свободы", "ru", "позбавлення волі"),
    ("незаконный ввоз мигрантов", "ru", "незаконний ввіз мігрантів"),
    ("организованными преступными группами", "ru", "організована злочинна група"),
    ("торговлей людьми", "ru", "торгівля людьми"),
])
def test_multiword_terms_are_found_in_any_form_both_ways(text, lang, term):
    assert term in {found for _, _, found in phrases(text, lang)}


def test_a_phrase_match_says_where_it_is_and_gives_each_word_its_lemmas():
    found = [m for m in phrase_equivalents(query("засуджений до позбавлення волі"), "uk")
             if m.term.text == "лишение свободы"]
    assert [(m.start, m.stop, m.source) for m in found] == [(2, 4, "legal")]
    assert found[0].term.lemmas == (("лишение",), ("свобода",))
    # one word of a two-word term is no match; nor are the words apart
    assert not {"лишение свободы"} & {t for _, _, t in phrases("позбавлення", "uk")}
    assert not {"лишение свободы"} & {t for _, _, t in phrases("позбавлення своєї волі", "uk")}


def test_a_hyphenated_term_matches_as_its_parts_too():
    assert "государство-участник" in {t for _, _, t in phrases("держави учасниці", "uk")}


def test_a_query_position_may_be_a_lemma_or_a_set_of_them():
    as_strings = phrase_equivalents(("позбавлення", "воля"), "uk")
    as_sets = phrase_equivalents((("позбавлення",), {"воло", "воля"}), "uk")
    assert as_strings == as_sets and as_strings


# -- the general list ------------------------------------------------------------

@pytest.mark.parametrize("uk, ru", [
    ("мрія", "мечта"), ("питання", "вопрос"), ("година", "час"), ("тиждень", "неделя"),
    ("вчитель", "учитель"), ("зібрати", "собрать"), ("гарний", "красивый"), ("дякувати", "благодарить"),
])
def test_general_pairs_read_both_ways(uk, ru):
    assert ru in lemmas_of(None, uk, "uk")
    assert uk in lemmas_of(None, ru, "ru")


def test_general_pairs_have_a_source_of_their_own():
    assert [(e.lemma, e.source) for e in equivalents("мрія", "uk")] == [("мечта", "general")]
    # the legal list is listed first
    assert [e.source for e in equivalents("злочин", "uk")][:1] == ["legal"]


def test_a_word_the_curated_lists_translate_takes_no_cognates():
    # the rules would pair "рівень" with "ревень" (rhubarb), "питати" with
    # "пытать" (to torture): the list's translations are all it gets
    assert lemmas_of(None, "рівень", "uk") == ["уровень"]
    assert "спрашивать" in lemmas_of(None, "питати", "uk")
    assert "пытать" not in lemmas_of(None, "питати", "uk")
    assert all(e.source != "cognate" for e in equivalents("голова", "uk"))
    # a right cognate is listed with the word: голова ↔ голова beside глава
    assert {"голова", "глава"} <= set(lemmas_of(None, "голова", "uk"))
    # a word the lists lack still gets its cognates
    assert [(e.lemma, e.source) for e in equivalents("конвенція", "uk")] == [("конвенция", "legal")]
    assert [e.source for e in equivalents("інформаційний", "uk")] == ["cognate"]


def test_a_user_list_does_not_hide_cognates(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("інформаційний\tосведомительный\n", encoding="utf-8")
    lexicon = Lexicon()
    lexicon.load_tsv(path)
    assert [(e.lemma, e.source) for e in lexicon.equivalents("інформаційний", "uk")] == [
        ("осведомительный", "user"), ("информационный", "cognate")]


# -- cognates --------------------------------------------------------------------

@pytest.mark.parametrize("uk, ru", [
    ("організація", "организация"), ("конвенція", "конвенция"), ("комісія", "комиссия"),
    ("розслідування", "расследование"), ("економічний", "экономический"),
    ("інформаційний", "информационный"), ("ратифікувати", "ратифицировать"),
    ("стаття", "статья"), ("правосуддя", "правосудие"), ("об'єкт", "объект"),
    ("секретар", "секретарь"), ("відмивання", "отмывание"), ("виїмка", "выемка"),
    ("корупція", "коррупция"), ("організований", "организованный"), ("ніч", "ночь"),
    ("кінь", "конь"), ("повний", "полный"), ("чорний", "черный"), ("берегти", "беречь"),
])
def test_cognates_read_both_ways(bare, uk, ru):
    assert lemmas_of(bare, uk, "uk") and ru in lemmas_of(bare, uk, "uk", "cognate")
    assert uk in lemmas_of(bare, ru, "ru", "cognate")


def test_a_word_with_no_cognate_gets_none(bare):
    assert lemmas_of(bare, "злочинність", "uk") == []
    assert lemmas_of(bare, "преступность", "ru") == []
    # with the curated list, only its translation
    assert lemmas_of(None, "злочинність", "uk") == ["преступность"]


def test_держава_is_no_cognate_of_the_russian_держава():
    # Russian has "держава" (orb, great power): the false-friend list, not
    # the dictionary, keeps it from translating the Ukrainian "state".
    assert lemma_pos("держава", "ru") == {"noun"}
    assert cognates("держава", "uk") == ()
    assert lemmas_of(None, "держава", "uk") == ["государство"]


@pytest.mark.parametrize("uk, ru", [
    ("місто", "место"), ("неділя", "неделя"), ("питання", "питание"),
    ("наслідування", "наследование"), ("рік", "рок"), ("облік", "облик"),
    ("лікування", "ликование"), ("світ", "свет"), ("складний", "складный"),
    ("прізвище", "прозвище"),
])
def test_false_friends_are_no_cognates(uk, ru):
    # the rules alone would pair them: the list is what keeps them apart
    assert ru in {fold_word(w) for w in _spellings(uk, "uk", "ru")}
    assert is_false_friend(uk, "uk", ru) and is_false_friend(ru, "ru", uk)
    assert ru not in cognates(uk, "uk")
    assert uk not in cognates(ru, "ru")


def test_no_false_friend_of_the_list_is_ever_a_cognate():
    for uk, ru in read_pairs(data_file(FALSE_FRIENDS)):
        assert ru not in cognates(uk, "uk"), (uk, ru)
        assert uk not in cognates(ru, "ru"), (uk, ru)


def test_a_cognate_has_the_part_of_speech_of_its_lemma():
    # "вести" (to lead) is spelled "весть" (news) by the infinitive rule too
    assert "весть" in _spellings("вести", "uk", "ru") and lemma_pos("весть", "ru") == {"noun"}
    assert cognates("вести", "uk") == ("вести",)
    for uk in ("організація", "економічний", "ратифікувати", "розслідування"):
        for ru in cognates(uk, "uk"):
            assert lemma_pos(uk, "uk") & lemma_pos(ru, "ru")


def test_an_unknown_word_has_no_cognates():
    assert cognates("блокчейнізація", "uk") == ()


def test_cognates_cost_a_few_milliseconds_at_most():
    words = ["адміністрація", "демократичний", "регулювати", "переміщення", "сертифікат",
             "юрисдикційний", "кваліфікувати", "розповсюдження", "відповідальність", "гармонізація"]
    for cached in (cognates, _one_way, lemma_pos):
        cached.cache_clear()
    start = time.perf_counter()
    for word in words:
        cognates(word, "uk")
    assert (time.perf_counter() - start) / len(words) < 0.02


# -- user files ------------------------------------------------------------------

DIX = """<?xml version="1.0" encoding="UTF-8"?>
<dictionary>
  <alphabet/>
  <sdefs><sdef n="n"/><sdef n="adj"/></sdefs>
  <pardefs><pardef n="x"><e><p><l><s n="sg"/></l><r><s n="sg"/></r></p></e></pardef></pardefs>
  <section id="main" type="standard">
    <e><p><l>пчела<s n="n"/><s n="f"/></l><r>бджола<s n="n"/><s n="f"/></r></p><par n="x"/></e>
    <e><i>адвокат<s n="n"/></i></e>
    <e r="LR"><p><l>сыщик<s n="n"/></l><r>нишпорка<s n="n"/></r></p></e>
    <e r="RL"><p><l>сыщик<s n="n"/></l><r>детектив<s n="n"/></r></p></e>
    <e><p><l>очная<b/>ставка<s n="n"/></l><r>очна<b/>ставка<s n="n"/></r></p></e>
    <e><re>[0-9]+</re><p><l><s n="num"/></l><r><s n="num"/></r></p></e>
  </section>
</dictionary>
"""


def test_a_dix_is_loaded_at_run_time_with_its_directions(tmp_path):
    path = tmp_path / "apertium-test.rus-ukr.dix"
    path.write_text(DIX, encoding="utf-8")
    lexicon = Lexicon(files=[], cognates=False)
    assert lexicon.load_dix(path) == 5
    assert lemmas_of(lexicon, "бджола", "uk", "user") == ["пчела"]
    assert lemmas_of(lexicon, "пчела", "ru", "user") == ["бджола"]
    assert lemmas_of(lexicon, "адвокат", "ru", "user") == ["адвокат"]
    # r="LR" reads Russian → Ukrainian only, r="RL" the other way
    assert lemmas_of(lexicon, "сыщик", "ru") == ["нишпорка"]
    assert lemmas_of(lexicon, "детектив", "uk") == ["сыщик"]
    assert lemmas_of(lexicon, "нишпорка", "uk") == []
    found = lexicon.phrase_equivalents(query("очної ставки"), "uk")
    assert [(m.term.text, m.source) for m in found] == [("очная ставка", "user")]


def test_a_dix_whose_name_does_not_tell_its_languages_needs_them(tmp_path):
    path = tmp_path / "words.dix"
    path.write_text(DIX, encoding="utf-8")
    with pytest.raises(ValueError, match="left="):
        Lexicon(files=[]).load_dix(path)
    lexicon = Lexicon(files=[], cognates=False)
    lexicon.load_dix(path, left="ru")
    assert lemmas_of(lexicon, "бджола", "uk") == ["пчела"]


def test_a_user_list_is_added_after_the_curated_one(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# mine\nнишпорка\tсыщик\nвидача\tэкстрадиция\n", encoding="utf-8")
    lexicon = Lexicon()
    assert lexicon.load_tsv(path) == 2
    assert [(e.lemma, e.source) for e in lexicon.equivalents("видача", "uk")] == [
        ("выдача", "legal"), ("экстрадиция", "user")]
    assert lemmas_of(lexicon, "сыщик", "ru", "user") == ["нишпорка"]


def test_a_line_without_two_sides_is_named(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("видача\tвыдача\nвирок\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2"):
        Lexicon(files=[]).load_tsv(path)


def test_a_lexicon_reads_nothing_until_asked(tmp_path):
    lexicon = Lexicon(files=[tmp_path / "not-there.tsv"])  # no error yet
    with pytest.raises(FileNotFoundError):
        lexicon.equivalents("видача", "uk")


def test_the_shared_lexicon_answers_module_calls():
    assert [e.lemma for e in equivalents("конвенція", "uk")] == ["конвенция"]


# -- the data files --------------------------------------------------------------

@pytest.mark.parametrize("name", [LEGAL, GENERAL, FALSE_FRIENDS])
def test_a_data_file_has_two_sides_a_line_and_no_pair_twice(name):
    text = data_file(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(len(line.split("\t")) in (2, 3) for line in lines)
    pairs = [tuple(fold_word(side) for side in pair) for pair in read_pairs(data_file(name))]
    assert len(pairs) == len(lines)
    assert [p for p, n in Counter(pairs).items() if n > 1] == []


def test_the_curated_list_is_long_and_says_where_it_comes_from():
    text = data_file(LEGAL).read_text(encoding="utf-8")
    pairs = read_pairs(data_file(LEGAL))
    assert len(pairs) >= 300
    assert sum(" " in uk for uk, _ in pairs) >= 150  # multiword terms
    assert "Provenance" in text and "Format" in text and "To extend" in text


def test_every_word_of_the_curated_list_is_a_dictionary_word():
    unknown = {(lang, fold_word(part.text))
               for pair in read_pairs(data_file(LEGAL)) for lang, text in zip(("uk", "ru"), pair)
               for token in tokenize(text) for part in token.parts
               if not known_in(fold_word(part.text), lang)}
    assert {word for _, word in unknown} <= NEW_WORDS


def test_the_general_list_is_long_and_says_where_it_comes_from():
    text = data_file(GENERAL).read_text(encoding="utf-8")
    assert len(read_pairs(data_file(GENERAL))) >= 1000
    assert "by hand" in text and "No bilingual dictionary" in text
    assert "Format" in text and "To extend" in text


def test_both_sides_of_a_general_pair_are_lemmas_of_one_part_of_speech():
    wrong = [(uk, ru) for uk, ru in read_pairs(data_file(GENERAL))
             if not lemma_pos(fold_word(uk), "uk") & lemma_pos(fold_word(ru), "ru")]
    assert wrong == []


def test_no_general_pair_repeats_a_legal_one():
    legal = {tuple(fold_word(side) for side in pair) for pair in read_pairs(data_file(LEGAL))}
    general = {tuple(fold_word(side) for side in pair) for pair in read_pairs(data_file(GENERAL))}
    assert legal & general == set()


def test_the_data_files_ship_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["search.analysis.lexicon"]
    assert "*.tsv" in patterns
    assert all(data_file(name).is_file() for name in (LEGAL, GENERAL, FALSE_FRIENDS))


def test_a_language_the_lexicon_does_not_pair_gets_nothing():
    assert equivalents("court", "en") == () and phrase_equivalents(["court"], "en") == ()


# -- the analysed lists kept on disk -------------------------------------------

def _tables(lexicon: Lexicon):
    lexicon._load()
    return dict(lexicon._words), dict(lexicon._phrases)


def test_analysed_lists_come_back_from_the_cache_as_they_were_built(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_CACHE", str(tmp_path / "cache"))
    built = _tables(Lexicon())
    [kept] = (tmp_path / "cache").glob("lexicon-*.pickle")
    from search.analysis import cache

    monkeypatch.setattr(cache, "_write", lambda *a: pytest.fail("a cached table was analysed again"))
    again = Lexicon()
    assert _tables(again) == built
    assert [e.lemma for e in again.equivalents("видача", "uk")] == [e.lemma for e in Lexicon(cognates=True)
                                                                       .equivalents("видача", "uk")]
    assert kept.stat().st_size > 100_000


def test_a_damaged_or_unwritable_cache_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_CACHE", str(tmp_path / "cache"))
    built = _tables(Lexicon())
    [kept] = (tmp_path / "cache").glob("lexicon-*.pickle")
    kept.write_bytes(b"\x80\x05 not a pickle")
    assert _tables(Lexicon()) == built
    assert kept.stat().st_size > 100_000  # written again, whole
    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    monkeypatch.setenv("SEARCH_CACHE", str(blocked / "cache"))
    assert _tables(Lexicon()) == built
    assert blocked.read_text() == "a file, not a folder"


def test_a_changed_list_is_analysed_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_CACHE", str(tmp_path / "cache"))
    mine = tmp_path / "mine.tsv"
    mine.write_text("видача\tвыдача\n", encoding="utf-8")
    assert [e.lemma for e in Lexicon(files=[mine], cognates=False).equivalents("видача", "uk")] == ["выдача"]
    mine.write_text("видача\tэкстрадиция\n", encoding="utf-8")
    assert [e.lemma for e in Lexicon(files=[mine], cognates=False).equivalents("видача", "uk")] == ["экстрадиция"]
    assert len(list((tmp_path / "cache").glob("lexicon-*.pickle"))) == 2
