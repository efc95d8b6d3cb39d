"""Did you mean: suggestions from a vocabulary, by edits and keyboard layout."""

import pickle
import random
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.analysis.spelling import Correction, Speller, Suggestion, osa_distance
from search.analysis.synonyms import Synonyms
from search.query.compile import word_slot

VOCABULARY = [
    ("конвенція", 147), ("конвенції", 88), ("конвенция", 6), ("злочинна", 4), ("злочинний", 60),
    ("група", 80), ("групи", 40), ("видача", 7), ("выдача", 3),
    ("відмивання", 7), ("протокол", 111), ("об'єднаних", 30), ("2008", 9),
]


@pytest.fixture(scope="module")
def speller():
    return Speller(VOCABULARY)


def terms(found):
    return [s.term for s in found]


def test_the_issue_examples(speller):
    assert speller.suggest("конвенцыя")[0].term == "конвенція"
    assert speller.suggest("злочиная")[0].term == "злочинна"
    assert speller.suggest("rjydtywsz")[0] == Suggestion("конвенція", 0, 147, "layout")
    assert speller.suggest("rjydtywbz")[0] == Suggestion("конвенция", 0, 6, "layout")


def test_misspelled_synonym_is_found_through_the_tables_and_expands():
    synonyms = Synonyms.load([])
    speller = Speller(VOCABULARY, extra=synonyms.words())
    best = speller.suggest("ектрадиція")[0]
    assert (best.term, best.distance, best.frequency, best.how) == ("екстрадиція", 1, 0, "edit")
    expansions = synonyms.expand([word_slot(best.term, exact=False).lemmas])
    assert "видача" in [e.text for e in expansions]


def test_ranked_by_distance_then_frequency():
    speller = Speller([("протокол", 5), ("протоколу", 500), ("протоколи", 300), ("протоколом", 900)])
    found = speller.suggest("протоколя", limit=10)
    assert [(s.term, s.distance) for s in found] == [
        ("протоколу", 1), ("протоколи", 1), ("протокол", 1), ("протоколом", 2)]
    found = speller.suggest("протокoлам", limit=10)  # a Latin o, folded
    assert [(s.term, s.distance) for s in found] == [
        ("протоколом", 1), ("протоколу", 2), ("протоколи", 2), ("протокол", 2)]


def test_nearer_beats_more_frequent():
    speller = Speller([("злочинам", 1), ("злочинна", 4000)])
    assert terms(speller.suggest("злочиная")) == ["злочинам", "злочинна"]


def test_a_word_of_the_vocabulary_gets_no_suggestion(speller):
    assert speller.suggest("група") == []
    assert speller.suggest("ГРУПА") == []
    assert speller.suggest("об’єднаних") == []  # apostrophes fold
    assert "група" in speller and "групою" not in speller
    assert speller.frequency("Групи") == 40 and speller.frequency("групою") is None


def test_never_suggests_the_word_itself_or_numbers(speller):
    for word in ("групп", "обєднаних", "видачя", "відача"):
        assert word not in terms(speller.suggest(word, limit=50))
    assert terms(speller.suggest("обєднаних")) == ["об'єднаних"]
    assert speller.suggest("2009") == []
    assert "2008" not in speller


def test_layout_between_the_two_cyrillic_layouts(speller):
    # "выдача" typed with the Ukrainian layout active comes out "відача".
    found = speller.suggest("відача")
    assert found[0] == Suggestion("выдача", 0, 3, "layout")
    assert Suggestion("видача", 1, 7, "edit") in found
    # A layout conversion may itself be one edit off.
    assert speller.suggest("rjydtyws")[0].term == "конвенція"


def test_short_words_allow_fewer_edits():
    speller = Speller([("ст", 10), ("суд", 10), ("сума", 10)])
    assert speller.suggest("сд") == []
    assert terms(speller.suggest("суб")) == ["суд"]
    assert speller.suggest("сбм") == []


def test_large_vocabularies_keep_the_most_frequent_terms():
    speller = Speller([("група", 9), ("групи", 8), ("групу", 1), ("групою", 7)], extra=["грубо"], max_terms=3)
    assert len(speller) == 4
    assert "групу" not in speller and "грубо" in speller
    assert speller.frequency("грубо") == 0


def test_the_same_term_given_twice_keeps_its_higher_frequency():
    speller = Speller([("група", 3), ("ГРУПА", 70), ("група", 5)])
    assert speller.frequency("група") == 70


# -- whole queries ---------------------------------------------------------------

def test_correct_replaces_only_words_without_hits(speller):
    correction = speller.correct("злочиная група", has_hits=lambda word: word in speller)
    assert correction.text == "злочинна група"
    assert [w for w, _ in correction.words] == ["злочиная"]
    assert speller.correct("злочинна група", has_hits=lambda word: True) is None


def test_correct_uses_neighbours_to_choose():
    # As in the bundled texts: "злочинам" is one edit away, "злочин" two and
    # frequent, "злочинна" two and rare; only "злочинна група" is in them.
    speller = Speller([("злочинам", 3), ("злочин", 126), ("злочинна", 4), ("група", 80)])
    no_context = speller.correct("злочиная група", has_hits=lambda word: word in speller)
    assert no_context.text == "злочинам група"
    pairs = {("злочинна", "група")}
    correction = speller.correct("злочиная група", has_hits=lambda word: word in speller,
                                 together=lambda words: words in pairs)
    assert correction.text == "злочинна група"
    assert terms(correction.words[0][1]) == ["злочинна", "злочинам", "злочин"]


def test_correct_keeps_syntax_case_and_asks_once(speller):
    asked = []

    def has_hits(word):
        asked.append(word)
        return word in speller

    correction = speller.correct('"Конвенцыя" AND lang:uk OR КОНВЕНЦЫЯ', has_hits,
                                 words=["Конвенцыя", "КОНВЕНЦЫЯ"])
    assert correction.text == '"Конвенція" AND lang:uk OR КОНВЕНЦІЯ'
    assert asked == ["конвенцыя"]
    assert correction.to_dict() == {"text": correction.text, "words": [
        {"word": "конвенцыя", "suggestions": [
            {"term": "конвенція", "distance": 0, "frequency": 147, "how": "layout"},
            {"term": "конвенция", "distance": 1, "frequency": 6, "how": "edit"}]}]}
    assert isinstance(correction, Correction)


def test_a_word_without_hits_or_suggestion_is_left_alone(speller):
    assert speller.correct("щщщщщщ група", has_hits=lambda word: word in speller) is None
    correction = speller.correct("щщщщщщ конвенцыя", has_hits=lambda word: word in speller)
    assert correction.text == "щщщщщщ конвенція"


# -- the index behind it ---------------------------------------------------------

def reference_osa(a, b):
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@pytest.mark.parametrize("a, b, distance", [
    ("ab", "ba", 1), ("конвенцыя", "конвенція", 1), ("ектрадиція", "екстрадиція", 1),
    ("злочиная", "злочинна", 2), ("ca", "abc", 3), ("", "abc", 3), ("abc", "abc", 0),
])
def test_osa_distance(a, b, distance):
    assert osa_distance(a, b, 2) == min(distance, 3)
    assert osa_distance(a, b, 5) == distance


@given(st.text("абвг", max_size=9), st.text("абвг", max_size=9), st.integers(0, 3))
def test_banded_distance_agrees_with_the_full_table(a, b, limit):
    assert osa_distance(a, b, limit) == min(reference_osa(a, b), limit + 1)


def test_the_delete_index_finds_every_term_within_reach():
    rng = random.Random(7)
    words = {"".join(rng.choice("abcde") for _ in range(rng.randint(2, 11))) for _ in range(400)}
    speller = Speller((w, rng.randint(1, 50)) for w in words)
    for _ in range(300):
        query = "".join(rng.choice("abcde") for _ in range(rng.randint(3, 12)))
        if query in words:
            continue
        limit = 1 if len(query) <= 5 else 2
        expected = {w for w in words if reference_osa(query, w) <= limit}
        assert set(terms(speller.suggest(query, limit=10_000))) == expected, query


def test_pickles_into_another_process(speller):
    data = pickle.dumps(speller)
    code = ("import pickle, sys; s = pickle.loads(sys.stdin.buffer.read()); "
            "print(s.suggest('конвенцыя')[0].term)")
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True,
                         env={"PYTHONHASHSEED": "123"})
    assert out.stdout.decode().strip() == "конвенція"


def test_does_not_import_whoosh():
    code = "import sys, search.analysis.spelling; print('whoosh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert out.stdout.decode().strip() == "False"


def test_docstring_examples_run():
    import doctest

    import search.analysis.spelling

    assert doctest.testmod(search.analysis.spelling).failed == 0


# -- the speller an index keeps --------------------------------------------------

@pytest.fixture
def kept_index(tmp_path, sources_copy, monkeypatch):
    """An index whose commits keep a speller, as a big one's do."""
    from search import Engine
    from search.index import speller as kept_speller

    monkeypatch.setattr(kept_speller, "KEEP_FROM", 0)
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([sources_copy])
    return tmp_path / "ix"


def test_a_commit_keeps_the_speller_a_query_would_make(kept_index, monkeypatch):
    from search import Engine
    from search.index import speller as kept_speller
    from search.index import store

    generation = store.live_generation(kept_index)
    with store.open_index(kept_index).reader() as reader:
        kept = kept_speller.read(generation, reader.generation())
        made = Speller(kept_speller.vocabulary([sub for sub, _ in reader.leaf_readers()]),
                       extra=kept_speller.shipped_words())
    assert kept is not None and len(kept.speller) == len(made) > 1000
    for word in ("конвенцыя", "злочиная", "rjydtywsz", "ектрадиція", "сведетелей"):
        assert kept.speller.suggest(word) == made.suggest(word)
    # A query reads it instead of the term dictionary.
    monkeypatch.setattr(kept_speller, "vocabulary", lambda *a: pytest.fail("the term dictionary was read"))
    with Engine.open(kept_index) as fresh:
        assert fresh.search("конвенцыя").suggestions == ("конвенція",)


def test_a_speller_of_another_commit_or_none_is_made_at_query_time(kept_index, sources_copy, monkeypatch):
    from search import Engine
    from search.index import speller as kept_speller
    from search.index import store

    generation = store.live_generation(kept_index)
    (generation / kept_speller.FILE).write_bytes(b"not a pickle")
    with Engine.open(kept_index) as eng:
        assert eng.search("конвенцыя").suggestions == ("конвенція",)
    (sources_copy / "more.md").write_text("Конвенційний текст.\n", encoding="utf-8")
    with Engine.open(kept_index) as eng:
        eng.index([sources_copy])
        with store.open_index(kept_index).reader() as reader:
            assert kept_speller.read(generation, reader.generation()) is not None  # made again, whole
    monkeypatch.setattr(kept_speller, "KEEP_FROM", 10**9)  # a small index keeps none
    (sources_copy / "more.md").unlink()
    with Engine.open(kept_index) as eng:
        eng.index([sources_copy])
        assert not (generation / kept_speller.FILE).exists()
        assert eng.search("конвенцыя").suggestions == ("конвенція",)


def test_other_synonym_words_join_the_kept_vocabulary(bundled_index, engine, tmp_path):
    mine = tmp_path / "mine.txt"
    mine.write_text("абракадабра, заклинання\n", encoding="utf-8")
    found = engine.search("абракадабри", synonyms=[mine]).suggestions
    assert found == ("абракадабра",) and engine.search("абракадабри").suggestions == ()
