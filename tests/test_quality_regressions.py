"""Error classes found with benchmarks/quality.py, pinned on small examples
taken from the treebanks so that they stay fixed."""

import pytest

from search import Engine
from search.analysis import analyze
from search.ingest.detect import detect_lang
from search.analysis.normalize import normalize_text


def lemmas_of(sentence: str, word: str) -> tuple:
    text = normalize_text(sentence)
    lang = detect_lang(text)
    start = text.index(word)
    return next(p.lemmas for p in analyze(text, lang) if p.start == start)


def test_ukrainian_without_its_own_letters_is_not_sent_to_the_russian_dictionary():
    # UD_Ukrainian-IU: no і, ї, є or ґ in the sentence; the naive approach
    # lemmatizes it with the Russian dictionary.
    sentence = "Дорога забрала близько чотирьох годин."
    assert detect_lang(sentence) == "uk"
    assert "година" in lemmas_of(sentence, "годин")
    assert "забрати" in lemmas_of(sentence, "забрала")


@pytest.mark.parametrize("form", ["здоров'я", "здоров’я", "здоровʼя", "здоров`я"])
def test_apostrophe_forms_meet_the_treebanks_lemma(form):
    # IU writes lemmas with ’, forms with ' or ’ (and once a backtick).
    assert "здоров'я" in lemmas_of(f"Бережіть {form} дітей.", form)


def test_yo_in_forms_meets_lemmas_written_with_ye():
    assert "зеленый" in lemmas_of("Лес был зелёный и густой.", "зелёный")


def test_stress_marks_do_not_hide_the_word():
    # UD_Ukrainian-IU "схо́дили → сходити", UD_Russian-GSD "Во́дская".
    assert "сходити" in lemmas_of("Ми схо\u0301дили до лісу.", "сходили")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    sentences = {
        # UD_Russian-Taiga/GSD-style sentences: "чаще"/"часто" also read as forms of "частый"
        "a": "Частые дожди мешали работе.",
        "b": "Это случается чаще, чем кажется.",
        "c": "Он часто бывал в городе.",
        # a compound whose first part is the query word, and the word itself
        "d": "Лорд-мэр открыл заседание.",
        "e": "Лорда встретили у ворот.",
    }
    for name, text in sentences.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("ix") / "ix"
    with Engine.open(path) as eng:
        eng.index([src])
    with Engine.open(path) as eng:
        yield eng


def test_most_likely_reading_ranks_above_a_rarer_one(small):
    docs = [h.doc for h in small.search("частый")]
    assert docs[0] == "a"


def test_whole_word_ranks_above_a_compound_part(small):
    docs = [h.doc for h in small.search("лорд")]
    assert docs[0] == "e" and "d" in docs


@pytest.mark.parametrize("gerund, verb", [("враховуючи", "враховувати"), ("розглянувши", "розглянути"),
                                          ("намагаючись", "намагатися"), ("досягши", "досягти")])
def test_ukrainian_gerunds_are_forms_of_their_verb(gerund, verb):
    # UD_Ukrainian-IU lemmatizes gerunds as their verb; the dictionary makes
    # each gerund a lemma of its own.
    # The treebanks disagree (BrUK keeps the gerund as its lemma), so the
    # verb is a further reading: found, ranked below the verb's own forms.
    found = lemmas_of(f"Він пішов, {gerund} усе.", gerund)
    assert found[0] == gerund and verb in found


def test_legal_abbreviations_are_found_by_their_word(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "ref.txt").write_text("Відповідно до ч. 2 ст. 6 та п. 3 цього Закону.", encoding="utf-8")
    (src / "full.txt").write_text("Норма цієї статті встановлює порядок.", encoding="utf-8")
    (src / "ru.txt").write_text("В соответствии с ч. 1 ст. 5 закона от 1998 г.", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src])
        found = [h.doc for h in eng.search("статті", limit=10)]
        assert found[0] == "full" and "ref" in found  # the word written out first
        assert eng.search("частина", lang="uk").hits[0].doc == "ref"
        assert eng.search("пункт").hits[0].doc == "ref"
        assert {h.doc for h in eng.search("статья", translate=False)} == {"ru"}
        assert eng.search("статья").hits[0].doc == "ru"  # the Ukrainian ones follow, translated
        assert eng.search("год", lang="ru").total == 1
