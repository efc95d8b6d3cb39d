"""The term-at-a-time evaluator matches and scores exactly as Whoosh does
the same query."""

import pytest
from whoosh import query as q
from whoosh.query import spans

from search import Engine
from search.index import store
from search.query import compile_query, parse
from search.query import tree as t
from search.rank.evaluate import evaluate
from search.rank.filters import Resolved


def scored_matches(searcher, tree) -> dict:
    """{document number in the whole index: score} of the engine's evaluator."""
    return {part.offset + doc: score for part in evaluate(searcher, tree)
            for doc, score in zip(part.docs.tolist(), part.scores.tolist())}


def as_whoosh(node, reader):
    """The Whoosh query of an engine query tree, prefixes expanded over the
    whole index first (Whoosh would expand them segment by segment and score
    them differently in each) and filters scoring nothing (boost 0), as the
    engine's do."""
    if isinstance(node, t.Term):
        return q.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, t.Prefix):
        return q.Or([q.Term(node.field, raw.decode()) for raw in reader.expand_prefix(node.field, node.stem)])
    if isinstance(node, (t.Filter, Resolved)):
        values = [node.values[0]] if isinstance(node, Resolved) or not node.prefix else \
            [raw.decode() for raw in reader.expand_prefix(node.field, node.values[0])]
        return q.Or([q.Term(node.field, v, boost=0.0) for v in values])
    if isinstance(node, t.Phrase):
        slots = [q.Term(s[0].field, s[0].text) if len(s) == 1 else _SpanOr([q.Term(x.field, x.text) for x in s])
                 for s in node.slots]
        phrase = spans.SpanNear2(slots)
        phrase.boost = node.boost
        return phrase
    if isinstance(node, (t.AnyOf, t.Items)):
        return q.Or([as_whoosh(c, reader) for c in node.children])
    if isinstance(node, t.AllOf):
        return q.And([as_whoosh(c, reader) for c in node.children])
    if isinstance(node, t.Exclude):
        return q.AndNot(as_whoosh(node.positive, reader), as_whoosh(node.negative, reader))
    if isinstance(node, t.Everything):
        return q.Every(boost=0.0)
    raise TypeError(node)


class _SpanOr(spans.SpanOr):
    """Whoosh's SpanOr cannot estimate its size, which SpanNear2 asks for."""

    def estimate_size(self, ixreader):
        return sum(sub.estimate_size(ixreader) for sub in self.subqs)

    def estimate_min_size(self, ixreader):
        return min(sub.estimate_min_size(ixreader) for sub in self.subqs)


def whoosh_scores(searcher, tree) -> dict:
    if isinstance(tree, t.Exclude):
        # Whoosh's AndNotMatcher lets through its first posting when the
        # excluded matcher starts before it: subtract its matches instead.
        excluded = whoosh_scores(searcher, tree.negative)
        return {doc: s for doc, s in whoosh_scores(searcher, tree.positive).items() if doc not in excluded}
    return {hit.docnum: hit.score for hit in searcher.search(as_whoosh(tree, searcher.reader()), limit=None)}

QUERIES = [
    "група", "групи", "злочинна група", "торговля людьми", "людьми lang:ru",
    '"держави учасниці"', "конфіскація майна article:12", "мігрантів OR людьми",
    "група NOT злочинна", "(група OR злочин) AND держава", "конфіск*", "NOT група",
    "ст. 6", "doc:untoc-uk майно", '"організованої злочинної групи"', '"торговлей людьми" протокол',
    '"держави учасниці" NOT "злочинна група"',
]


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory, monkeypatch_module):
    """The bundled sources and a changed copy, in several segments."""
    from search.index import build as build_module
    from search.index import parallel

    from tests.conftest import sources_with_copy

    sources = sources_with_copy(tmp_path_factory.mktemp("segmented"))
    monkeypatch_module.setattr(build_module, "PARALLEL_BYTES", 0)
    monkeypatch_module.setattr(parallel, "words_per_segment", lambda mb: 5000)  # several segments a worker
    with Engine.open(sources.parent / "index") as eng:
        eng.index([sources], workers=2)
    return sources.parent / "index"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("text", QUERIES)
def test_scores_equal_whooshs_own(segmented_index, text):
    compiled = compile_query(parse(text), text)
    with store.open_index(segmented_index).searcher() as searcher:
        assert len(searcher.leaf_searchers()) >= 3
        expected = whoosh_scores(searcher, compiled.tree)
        found = scored_matches(searcher, compiled.tree)
    assert set(found) == set(expected)
    assert expected, text  # every query here matches something
    if "Everything" in repr(compiled.tree):
        return  # Whoosh scores "every paragraph" 1, the engine 0: only the matches compare
    for doc, score in expected.items():
        assert found[doc] == pytest.approx(score, rel=1e-9, abs=1e-12), (text, doc)


def test_deleted_paragraphs_are_not_matched_and_count_for_nothing(tmp_path, sources_copy, monkeypatch):
    """An update marks the paragraphs it replaces deleted and leaves them in
    their segments: the evaluator never matches them, and its statistics
    leave them out, so scores equal a fresh build's exactly."""
    from search.index import build as build_module

    monkeypatch.setattr(build_module, "MAX_DELETED", 1.0)  # no segment is rewritten
    # The smaller file changes, so its old paragraphs stay, marked deleted.
    ru = sources_copy / "cop-decision-4-4-ru.md"
    text = ru.read_text(encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([sources_copy], workers=1)  # one segment, both files
        ru.write_text(text.replace("торговли", "торговлей", 3), encoding="utf-8")
        eng.index([sources_copy], workers=1)
    with Engine.open(tmp_path / "fresh") as eng:
        eng.index([sources_copy], workers=1)
    for query in ["група", "торговля людьми", "злочинна група", '"торговлей людьми"', "конфіск*", "NOT група"]:
        compiled = compile_query(parse(query), query)
        with store.open_index(tmp_path / "ix").searcher() as searcher:
            assert searcher.reader().has_deletions()
            gone = {d for d in range(searcher.doc_count_all()) if searcher.reader().is_deleted(d)}
            found = by_id(searcher, scored_matches(searcher, compiled.tree))
            assert gone and not gone & set(scored_matches(searcher, compiled.tree))
        with store.open_index(tmp_path / "fresh").searcher() as searcher:
            expected = by_id(searcher, scored_matches(searcher, compiled.tree))
        assert found == expected, query  # to the last bit


def by_id(searcher, scores: dict) -> dict:
    ids = searcher.reader().column_reader("id")
    return {ids[doc]: score for doc, score in scores.items()}


def test_phrases_over_many_posting_blocks_equal_whooshs(tmp_path):
    # Postings of several blocks (Whoosh writes 128 per block), words in and
    # out of order, a rare word beside a frequent one: the evaluator reads
    # the rare slot first and skips blocks of the frequent one.
    src = tmp_path / "src"
    src.mkdir()
    paragraphs = []
    for i in range(900):
        words = ["зелений ліс шумить" if i % 3 == 0 else "ліс зелений стоїть", "нове слово"]
        if i % 5 == 0:
            words.append("зелена трава")
        if i in (7, 450, 899):
            words.append("рідкісне слово")
        paragraphs.append(f"Абзац {i}: " + ", ".join(words) + ".")
    (src / "many.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src])
    phrases = ['"зелений ліс"', '"зелені ліси"', '"ліс зелений"', '"зелена трава"', '"рідкісне слово"',
               '"слово рідкісне"', '"шумить ліс"']
    with store.open_index(tmp_path / "ix").searcher() as searcher:
        for text in phrases:
            compiled = compile_query(parse(text), text)
            expected = whoosh_scores(searcher, compiled.tree)
            found = scored_matches(searcher, compiled.tree)
            assert found.keys() == expected.keys(), text
            for doc, score in expected.items():
                assert found[doc] == pytest.approx(score, rel=1e-9), text
