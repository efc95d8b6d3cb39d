"""The array storage answers exactly as the paragraph-by-paragraph path did.

Ranking used to read each candidate's stored analysis and grade it word by
word (:func:`search.rank.evidence.gather`, kept as the rules' statement);
it now grades many paragraphs at once from the postings of the query's
terms.  Here both run on an index of several segments that an update left
with deleted paragraphs, for every paragraph a query matches, and an
updated index answers exactly like a fresh build of the same sources.
"""

import numpy as np
import pytest

from search import Engine
from search.analysis import analyze, encode
from search.index import store
from search.index.documents import decode_spans, read_stored
from search.query import compile_query, parse
from search.query.expand import Expander
from search.rank.evaluate import Query, evaluate
from search.rank.evidence import gather, gather_segment, locate
from tests.test_rank import QUERIES as RANK_QUERIES

QUERIES = list(dict.fromkeys(RANK_QUERIES + [
    "група", "групи", "Держава-учасниця", "учасниця", '"держави учасниці"', "CTOC/COP/2008/8", "об'єднаних",
    "конфіск*", "злочин* lang:uk", "часто", '"торговлей людьми" протокол', "група NOT злочинна",
    '"організованої злочинної групи"', "мігрантів OR людьми", "ст. 6",
]))


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """(an index of many segments after an update that left deletions, a
    fresh build of the same sources)."""
    from search.index import build as build_module
    from search.index import parallel
    from tests.conftest import sources_with_copy

    src = sources_with_copy(tmp_path_factory.mktemp("paths"))
    root = src.parent
    text = (src / "untoc-uk.txt").read_text(encoding="utf-8")
    (src / "other.txt").write_text(text.replace("Мета", "Нова мета"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "PARALLEL_BYTES", 0)
        mp.setattr(build_module, "MAX_DELETED", 1.0)
        mp.setattr(parallel, "words_per_segment", lambda mb: 8000)
        with Engine.open(root / "ix") as eng:
            eng.index([src], workers=2)
            (src / "copy.txt").write_text(text.replace("група", "угруповання", 7), encoding="utf-8")
            (src / "other.txt").unlink()
            (src / "extra.md").write_text("# Додаток\n\nЗлочинна група вчинила злочин.\n", encoding="utf-8")
            eng.index([src], workers=1)
    with Engine.open(root / "fresh") as eng:
        eng.index([src], workers=1)
    return root / "ix", root / "fresh"


def test_the_updated_index_has_deletions_in_several_segments(updated):
    ix = store.open_index(updated[0])
    segments = ix._segments()
    assert len(segments) >= 4 and sum(s.has_deletions() for s in segments) >= 2
    with Engine.open(updated[0]) as eng:  # and most queries match something
        assert sum(eng.search(q).total > 0 for q in QUERIES) > 0.7 * len(QUERIES)


def titles(p) -> tuple:
    """The positions of the titles a paragraph stands under."""
    return tuple(analyze(" ".join(t for t in (p.article_title, p.section) if t), p.lang))


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("expanded", [False, True], ids=["words", "translations and synonyms"])
def test_evidence_from_postings_equals_the_full_analysis(updated, text, expanded):
    compiled = compile_query(parse(text), text, expander=Expander.load() if expanded else None)
    items = list(compiled.items)
    with store.open_index(updated[0]).searcher() as searcher:
        query = Query(searcher)
        parts = evaluate(searcher, compiled.tree, (), None, query)
        for n, part in enumerate(parts):
            if not len(part):
                continue
            found = gather_segment(items, query, n, part.docs)
            for k, doc in enumerate(part.docs.tolist()):
                stored = read_stored(part.reader.stored_fields(doc))
                p = stored.paragraph
                expected = gather(items, encode(analyze(p.text, p.lang)), titles(p))
                assert locate(found.evidence(k), decode_spans(stored.spans)) == expected, (text, p.id)


@pytest.mark.parametrize("text", QUERIES)
def test_an_updated_index_answers_like_a_fresh_build(updated, text):
    def answers(path):
        with Engine.open(path) as eng:
            results = eng.search(text, limit=40)
            lines = eng.concordance(text, limit=40)
            return (results.total, [(h.id, h.score, h.snippet, h.matches) for h in results.hits],
                    [(l.id, l.start, l.end, l.left, l.right) for l in lines], eng.term_stats(text).to_dict())

    assert answers(updated[0]) == answers(updated[1])


def test_statistics_leave_deleted_paragraphs_out(updated):
    from search.rank.postings import live_length

    with store.open_index(updated[0]).searcher() as old, store.open_index(updated[1]).searcher() as fresh:
        for field in ("form", "lemma"):
            live = sum(live_length(sub.reader(), field) for sub, _ in old.leaf_searchers())
            assert live == fresh.reader().field_length(field) < old.reader().field_length(field)
        assert old.doc_count() == fresh.doc_count() < old.doc_count_all()
        assert np.isclose(old.doc_count(), fresh.doc_count_all())


@pytest.mark.parametrize("text", ["група", "групи", "торговля людьми", "Держава-учасниця", "учасниця", "конфіск*",
                                  '"держави учасниці"', "злочинна група", "об'єднаних"])
def test_statistics_from_position_texts_equal_counting_the_text(updated, text):
    """term_stats reads the lower-case text of each position from the index;
    counting it from each matching paragraph's text gives the same."""
    from collections import Counter

    from search.concordance import _article_label
    from search.query.compile import as_phrase

    compiled = compile_query(as_phrase(parse(text)), text)
    forms, docs, articles = Counter(), Counter(), Counter()
    with Engine.open(updated[0]) as eng:
        found = eng.term_stats(text, top=1000)
        for stored, evidence in eng._get_searcher().matching(compiled):
            p = stored.paragraph
            if evidence.occurrences:
                forms.update(" ".join(p.text[s:e].split()).lower() for s, e, _, _ in evidence.occurrences)
                docs[p.doc] += len(evidence.occurrences)
                articles[_article_label(p.doc, p.part, p.article, p.lang, lambda: p.title)] += len(evidence.occurrences)
    assert found.forms == tuple(forms.most_common()) and found.total > 0
    assert found.docs == tuple(docs.most_common(1000)) and found.articles == tuple(articles.most_common(1000))
