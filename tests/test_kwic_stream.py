"""A concordance comes a piece at a time: pages are cut from the same
order, the first page reads only its own paragraphs, and the streamed
rendering is the whole rendering."""

import json

import pytest

from search.render import KWIC_PIECE, kwic_pieces, render_kwic


def test_pages_follow_one_another(engine):
    everything = engine.concordance("група")
    assert len(everything) > 40
    pages = [engine.concordance("група", limit=7, offset=k) for k in range(0, len(everything), 7)]
    assert [line for page in pages for line in page] == everything
    assert engine.concordance("група", limit=5, offset=len(everything)) == []


def test_the_first_page_reads_only_its_paragraphs(engine, monkeypatch):
    from search.index import documents

    read = []
    real = documents.read_stored
    monkeypatch.setattr("search.rank.searcher.read_stored", lambda fields: read.append(1) or real(fields))
    first = engine.concordance("група", limit=3)
    assert len(first) == 3 and len(read) <= 3
    read.clear()
    engine.concordance("група")
    assert len(read) > 20


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_streamed_pieces_are_the_whole_rendering(engine, monkeypatch, fmt):
    import search.render as render

    lines = engine.concordance("група")
    whole = render_kwic(lines, fmt, 40)
    monkeypatch.setattr(render, "KWIC_PIECE", 7)
    pieces = list(kwic_pieces(iter(lines), fmt, 40))
    assert len(pieces) > 3
    joined = "\n".join(pieces)
    if fmt == "json":
        assert json.loads(joined) == json.loads(whole) == [line.to_dict() for line in lines]
    elif fmt == "csv":
        assert joined == whole
    else:  # the key column is aligned a piece at a time
        assert [l.split() for l in joined.splitlines()] == [l.split() for l in whole.splitlines()]
    assert KWIC_PIECE >= 1000  # a page of the CLI is one piece


@pytest.mark.parametrize("fmt,empty", [("text", "no occurrences"), ("json", "[]"),
                                       ("csv", "left,form,right,citation,doc,id,start,end")])
def test_nothing_found_renders_as_before(fmt, empty):
    assert "\n".join(kwic_pieces(iter([]), fmt, 40)) == empty == render_kwic([], fmt, 40)


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_a_stream_reads_on_while_the_index_changes_under_it(tmp_path, sources_copy, rebuild):
    # A server's kwic stream and another request's refresh share one
    # searcher: the one an update replaces must stay open for the stream.
    from search import Engine

    ix = tmp_path / "ix"
    Engine.open(ix).index([sources_copy])
    with Engine.open(ix) as engine:
        whole = engine.concordance("група")
        stream = engine.iter_concordance("група")
        first = [next(stream) for _ in range(3)]
        (sources_copy / "more.txt").write_text("Нова група слів.\n", encoding="utf-8")
        Engine.open(ix).index([sources_copy], rebuild=rebuild)
        assert len(engine.concordance("група")) == len(whole) + 1  # the new generation or segment is read
        assert first + list(stream) == whole  # the stream ends on the one it began on
