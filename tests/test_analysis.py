"""Tokenization, lemmas and positions."""

from hypothesis import given
from hypothesis import strategies as st

from search.analysis import analyze
from search.analysis.analyze import word_terms
from search.analysis.morph import _dictionary_lemmas, lemmas, query_lemmas
from search.analysis.tokenize import tokenize
from search.ingest.detect import detect_lang


def test_inflected_forms_share_a_lemma():
    assert "група" in lemmas("групи", "uk")
    assert "група" in lemmas("групою", "uk")
    assert "торговля" in lemmas("торговлей", "ru")


def test_ambiguous_word_keeps_every_lemma():
    # "стали": the verb "стать" and the noun "сталь".
    assert {"стать", "сталь"} <= set(lemmas("стали", "ru"))


def test_word_unknown_in_paragraph_language_uses_the_other_dictionary():
    assert lemmas("объединенных", "uk") == lemmas("объединенных", "ru")


def test_unknown_word_is_predicted_and_keeps_itself():
    found = lemmas("блокчейнами", "uk")
    assert found == ("блокчейн", "блокчейнами")


def test_numbers_and_latin_words_are_kept():
    assert lemmas("2008", "uk") == ("2008",)
    assert lemmas("mutatis", "uk") == ("mutatis",)


def test_query_word_is_analysed_by_every_dictionary_that_knows_it():
    found = set(query_lemmas("людьми"))
    assert {"людина", "человек"} <= found


def test_compound_whole_and_parts_at_consecutive_positions():
    first, second = analyze("Держави-учасниці", "uk")
    assert "держава-учасниця" in first.lemmas and "держава" in first.lemmas
    assert "учасниця" in second.lemmas
    assert (first.start, first.end) == (0, 16) and (second.start, second.end) == (8, 16)


def test_apostrophe_variants_analyse_alike():
    assert analyze("об’єднаних", "uk")[0].lemmas == analyze("об'єднаних", "uk")[0].lemmas


def test_repeated_words_hit_the_cache():
    word_terms.cache_clear()
    _dictionary_lemmas.cache_clear()
    analyze("групи групи групи групи", "uk")
    assert word_terms.cache_info().misses == 1 and word_terms.cache_info().hits == 3
    assert _dictionary_lemmas.cache_info().misses == 1


@given(st.text(alphabet=st.sampled_from("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБЇ'’ʼ- .,0123456789abcXYZ\n"), max_size=80))
def test_token_offsets_point_at_the_token(text):
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text


def test_language_from_letters_and_dictionaries():
    assert detect_lang("Мета цієї Конвенції полягає у сприянні співробітництву") == "uk"
    assert detect_lang("Конференция участников подчеркнула необходимость") == "ru"
    assert detect_lang("United Nations, Treaty Series, vol. 2237") == "other"
    assert detect_lang("Держава може вимагати") == "uk"  # no і/ї/є: the dictionaries decide


def test_a_labelled_source_keeps_its_label_where_letters_do_not_gainsay_it():
    assert detect_lang("П.ПОРОШЕНКО", "uk") == "uk" and detect_lang("П.ПОРОШЕНКО") != "uk"
    assert detect_lang("№ 1017-IX", "uk") == "uk" and detect_lang("№ 1017-IX") == "other"
    assert detect_lang("Совет министров", "uk") == "uk"
    assert detect_lang("Совет министров был созван", "uk") == "ru"  # ы is Russian only
    assert detect_lang("United Nations, Treaty Series, vol. 2237", "uk") == "other"


def test_a_json_lines_records_lang_labels_its_paragraphs(tmp_path):
    import json

    from search.ingest.pipeline import ingest

    path = tmp_path / "laws.jsonl"
    record = {"id": "law-1", "lang": "uk", "text": "Стаття 1. Закон набирає чинності.\n\nП.ПОРОШЕНКО\n\n№ 1017-IX"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert {p.lang for p in ingest(path).paragraphs} == {"uk"}
