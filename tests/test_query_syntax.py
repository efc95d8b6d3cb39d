import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.errors import QuerySyntaxError
from search.query import parse
from search.query.syntax import And, Filter, Not, Or, Phrase, Seq, Word


def test_words_side_by_side_are_a_sequence():
    assert parse("злочинна група") == Seq((Word("злочинна"), Word("група")))


def test_operators_and_precedence():
    tree = parse("a AND b OR NOT c")
    assert tree == Or((And((Word("a"), Word("b"))), Not(Word("c"))))
    assert parse("-a b") == Seq((Not(Word("a")), Word("b")))
    assert parse("а АБО б") == parse("а OR б")


def test_phrases_prefixes_filters():
    assert parse('"злочинна група" lang:uk злочин*') == Seq(
        (Phrase("злочинна група"), Filter("lang", "uk"), Word("злочин", prefix=True))
    )
    assert parse("«торговля людьми»") == Phrase("торговля людьми")


@pytest.mark.parametrize("query, problem", [
    ('"злочинна група', "quote is not closed"),
    ("(a OR b", "'(' is not closed"),
    ("a OR b)", "')' has no matching '('"),
    ("foo:bar", "unknown field 'foo'"),
    ("lang:", "needs a value"),
    ("", "empty"),
    ("   ", "empty"),
    ("a AND", "ends where a word was expected"),
    ("OR a", "needs a word on each side"),
    ('""', "hold no words"),
])
def test_malformed_queries_say_what_is_wrong(query, problem):
    with pytest.raises(QuerySyntaxError, match=re.escape(problem)) as info:
        parse(query)
    assert info.value.exit_code == 2


@given(st.text(max_size=60))
def test_any_string_parses_or_raises_the_documented_error(text):
    try:
        parse(text)
    except QuerySyntaxError:
        pass


def test_a_prefix_inside_quotes_is_refused():
    with pytest.raises(QuerySyntaxError, match="cannot stand inside quotes"):
        parse('"злочин* груп*"')
    with pytest.raises(QuerySyntaxError, match="a query is text"):
        parse(None)
