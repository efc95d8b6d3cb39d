"""The engine's codec: varints, the term dictionary, postings as arrays,
segments written whole and merged."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import Engine
from search.analysis.analyze import LATER_PART, NOT_FIRST, NOT_WHOLE, analyze, spans, word_terms_at
from search.index import store
from search.index.arrays import decode_varints, encode_varints, restart_cumsum, run_deltas
from search.index.codec import ArrayTermsReader, Inverted, read_field, write_field
from search.index.documents import decode_spans, encode_spans
from search.index.terms import BLOCK, FieldTerms, TermsFile, write_terms


@given(st.lists(st.integers(min_value=0, max_value=2**35 - 1), max_size=300))
def test_varints_round_trip(values):
    data = encode_varints(np.array(values, dtype=np.int64)).tobytes()
    assert decode_varints(data).tolist() == values


def test_truncated_varints_are_refused():
    with pytest.raises(ValueError):
        decode_varints(bytes([0x81]))
    with pytest.raises(ValueError):
        decode_varints(bytes([1, 2]), count=3)


@given(st.lists(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8), min_size=1, max_size=20))
def test_runs_of_deltas_round_trip(runs):
    values = np.array([v for run in runs for v in np.cumsum(run)], dtype=np.int64)
    lengths = np.array([len(r) for r in runs])
    starts = np.cumsum(lengths) - lengths
    assert restart_cumsum(run_deltas(values, starts), lengths).tolist() == values.tolist()


class _File(io.BytesIO):
    """A BytesIO with the ``get`` of Whoosh's StructFile."""

    def get(self, offset, length):
        return self.getvalue()[offset:offset + length]


def test_term_dictionary_finds_every_term_and_none_other():
    words = sorted({f"слово{i:05d}".encode() for i in range(0, 3 * BLOCK + 7, 3)})
    n = len(words)
    cols = {name: np.arange(1, n + 1) for name in ("df", "doc_len", "freq_len", "pos_len", "flag_len")}
    f = _File()
    write_terms(f, {"lemma": FieldTerms(words, weight=np.arange(1, n + 1) * 2, bases=(100, 10**6, 10**7, 10**8), **cols),
                    "form": FieldTerms([b"a"], weight=np.array([1]), bases=(0, 1, 2, 3),
                                       **{k: np.array([1]) for k in cols})})
    terms = TermsFile(f, len(f.getvalue()))
    before = 0
    for i, word in enumerate(words):
        info = terms.info("lemma", word)
        assert (info.df, info.weight, info.doc_off, info.pos_off) == (i + 1, 2 * (i + 1), 100 + before, 10**7 + before)
        before += i + 1
    assert terms.info("lemma", b"a") is None and terms.info("lemma", b"\xff") is None
    assert terms.info("lemma", words[5] + b"x") is None and terms.info("nofield", words[0]) is None
    assert [t for t, _ in terms.items_from("lemma", "слово0001".encode())] == [w for w in words if w >= "слово0001".encode()]
    assert terms.field_table("lemma")[0] == words and terms.info("form", b"a").df == 1


def test_a_field_encodes_and_decodes_to_the_same_arrays():
    rng = np.random.default_rng(3)
    rows = sorted({(int(t), int(d), int(p)) for t, d, p in zip(rng.integers(0, 40, 3000), rng.integers(0, 500, 3000),
                                                               rng.integers(0, 900, 3000))})
    term, doc, pos = (np.array(c) for c in zip(*rows))
    flags = (rng.integers(0, 8, len(term)) == 0).astype(np.uint8) * NOT_FIRST
    terms = [f"t{i:03d}".encode() for i in range(40)]
    postings = _File()
    postings.write(b"header")  # a field's regions need not start the file
    written = write_field(postings, Inverted(terms, term, doc, pos, flags))
    assert (written.weight == np.bincount(term)).all()
    lex = _File()
    write_terms(lex, {"lemma": written})
    reader = ArrayTermsReader(TermsFile(lex, len(lex.getvalue())), postings)
    found = read_field(reader, "lemma")
    assert [found.terms[t] for t in found.term] == [terms[t] for t in term]
    assert (found.doc == doc).all() and (found.pos == pos).all() and (found.flags == flags).all()
    one = reader.postings("lemma", terms[7])
    assert one.ids.tolist() == sorted({d for t, d, _ in rows if t == 7})
    assert one.positions().tolist() == [p for t, _, p in rows if t == 7]


def test_word_terms_carry_the_flags_ranking_reads():
    found = word_terms_at("Держави-учасниці", "uk")
    assert found.positions == 2
    assert ("держави-учасниці", 0) in [(t, f) for r, t, f in found.forms if r == 0]
    assert ("держави", NOT_WHOLE) in [(t, f) for r, t, f in found.forms if r == 0]
    assert [(t, f) for r, t, f in found.forms if r == 1] == [("учасниці", LATER_PART)]
    firsts = [(t, f) for r, t, f in found.lemmas if r == 0]
    assert firsts[0][1] == 0 and all(f == NOT_FIRST for _, f in firsts[1:])


@pytest.mark.parametrize("text", ["", "Стаття 6. Держави-учасниці об'єднаних націй, п. 1 (a)", "a-b-c d " + "я" * 80,
                                  "1-2 ’x’ слово-"])
def test_stored_spans_are_the_analysis_offsets(text):
    expected = [(p.start, p.end) for p in analyze(text, "uk")]
    assert spans(text) == expected
    assert list(decode_spans(encode_spans(text))) == expected


def test_whole_fields_read_back_as_written(bundled_index):
    ix = store.open_index(bundled_index)
    with ix.reader() as reader:
        for sub, _ in reader.leaf_readers():
            for field in ("form", "lemma", "doc"):
                found = read_field(sub._terms, field)
                term = found.terms[int(found.term[len(found.term) // 2])]
                hits = sub._terms.postings(field, term)
                mine = found.term == found.terms.index(term)
                assert np.unique(found.doc[mine]).tolist() == hits.ids.tolist()
                if found.pos is not None:
                    assert found.pos[mine].tolist() == hits.positions().tolist()
                    assert found.flags[mine].tolist() == hits.flags().tolist()


def test_merging_segments_drops_deleted_paragraphs_and_keeps_scores(tmp_path, sources_copy, monkeypatch):
    """Folded segments answer exactly as the segments they replace."""
    from search.index import build as build_module

    text = (sources_copy / "untoc-uk.txt").read_text(encoding="utf-8")
    for n in range(3):
        (sources_copy / f"copy{n}.txt").write_text(text.replace("Мета", f"Мета {n}"), encoding="utf-8")
    monkeypatch.setattr(build_module, "MAX_SEGMENTS", 2)
    monkeypatch.setattr(build_module, "words_per_segment", lambda mb: 15000)
    queries = ["злочинна група", '"держави учасниці"', "мета", "конфіск*", "торговля людьми"]
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([sources_copy], workers=1)
        (sources_copy / "copy1.txt").unlink()
        eng.index([sources_copy], workers=1)
        merged = {q: [(h.id, h.score, h.snippet) for h in eng.search(q, limit=50).hits] for q in queries}
    assert len(store.open_index(tmp_path / "ix")._segments()) <= 2
    with Engine.open(tmp_path / "fresh") as eng:
        eng.index([sources_copy], workers=1)
        fresh = {q: [(h.id, h.score, h.snippet) for h in eng.search(q, limit=50).hits] for q in queries}
    assert merged == fresh


def test_a_fresh_build_of_many_segments_is_compacted_and_answers_as_before(tmp_path, sources_copy, monkeypatch):
    from search.index import build as build_module

    monkeypatch.setattr(build_module, "words_per_segment", lambda mb: 3000)
    queries = ["злочинна група", '"держави учасниці"', "конфіск*", "торговля людьми", "ст. 6"]
    found, segments = {}, {}
    for name, above in (("apart", 1000), ("compacted", 1)):
        monkeypatch.setattr(build_module, "COMPACT_ABOVE", above)
        with Engine.open(tmp_path / name) as eng:
            eng.index([sources_copy], workers=1)
            found[name] = {q: [(h.id, h.score, h.snippet) for h in eng.search(q, limit=50).hits] for q in queries}
            found[name]["terms"] = eng.terms(top=50)
        segments[name] = len(store.open_index(tmp_path / name)._segments())
    assert segments["apart"] > 3 and segments["compacted"] == 1
    assert found["compacted"] == found["apart"]
