import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from search.analysis.normalize import fold_word, normalize_text, script_variants


def test_apostrophes_are_one():
    assert {fold_word(w) for w in ("об'єднаних", "об’єднаних", "обʼєднаних", "об‘єднаних")} == {"об'єднаних"}


def test_stress_marks_soft_hyphens_and_zero_width_removed():
    assert normalize_text("зло\u0301чин") == "злочин"
    assert normalize_text("злочин\u00adна гру\u200bпа") == "злочинна група"
    assert normalize_text("ст.\u00a06") == "ст. 6"


def test_nfc_composes_decomposed_letters():
    decomposed = unicodedata.normalize("NFD", "Україна їжак")
    assert normalize_text(decomposed) == "Україна їжак"


def test_stress_on_a_composed_letter_keeps_the_letter():
    # "й" must stay "й" while the stress mark is dropped.
    assert normalize_text(unicodedata.normalize("NFD", "йо\u0301го")) == "його"


def test_latin_lookalikes_inside_cyrillic_word_are_folded():
    assert script_variants("Конвенцiя")[0] == "конвенція"  # Latin i
    assert script_variants("гpупа")[0] == "група"  # Latin p
    assert script_variants("Prоtocol")[0] == "protocol"  # Cyrillic о in a Latin word


def test_words_in_lookalike_letters_have_a_twin_in_the_other_script():
    assert "стос" in script_variants("CTOC")
    assert "cop" in script_variants("СОР")
    assert script_variants("mutatis") == ("mutatis",)


def test_yo_folds_to_ye():
    assert fold_word("Объединённых") == "объединенных"


@given(st.text())
def test_normalize_is_idempotent_and_total(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_fold_word_is_idempotent(word):
    assert fold_word(fold_word(word)) == fold_word(word)
