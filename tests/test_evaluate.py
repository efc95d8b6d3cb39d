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
    return {part.offset + doc: score for part in evaluate(searcher, tree) for doc, score in part.scores.items()}


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

    root = tmp_path_factory.mktemp("segmented")
    sources = root / "sources"
    sources.mkdir()
    from tests.conftest import SOURCES

    for path in SOURCES.iterdir():
        (sources / path.name).write_bytes(path.read_bytes())
    text = (sources / "untoc-uk.txt").read_text(encoding="utf-8")
    (sources / "copy.txt").write_text(text.replace("група", "групи"), encoding="utf-8")
    monkeypatch_module.setattr(build_module, "PARALLEL_BYTES", 0)
    monkeypatch_module.setattr(parallel, "SEGMENT_BYTES", 1)  # a segment per file
    with Engine.open(root / "index") as eng:
        eng.index([sources], workers=2)
    return root / "index"


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


def test_deleted_paragraphs_are_not_matched(tmp_path):
    """Whoosh marks deletions without rewriting postings; the evaluator must
    not read past them (our updates fold such segments, other writers may not)."""
    from tests.conftest import SOURCES

    with Engine.open(tmp_path / "ix") as eng:
        eng.index([SOURCES])
        victim = eng.search("група").hits[0].id
    ix = store.open_index(tmp_path / "ix")
    writer = ix.writer()
    writer.delete_by_term("id", victim)
    writer.commit(merge=False)
    compiled = compile_query(parse("група"), "група")
    with store.open_index(tmp_path / "ix").searcher() as searcher:
        assert searcher.reader().has_deletions()
        expected = whoosh_scores(searcher, compiled.tree)
        found = scored_matches(searcher, compiled.tree)
        gone = {d for d in range(searcher.doc_count_all()) if searcher.reader().is_deleted(d)}
    assert gone and not gone & found.keys()
    assert found.keys() == expected.keys()
    for doc, score in expected.items():
        assert found[doc] == pytest.approx(score, rel=1e-9)


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
