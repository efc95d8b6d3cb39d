"""Lemma frequencies kept at build time answer as counting every
paragraph's analysis would."""

from collections import Counter

import pytest

from search import Engine
from search.analysis import analyze
from search.index import statistics, store
from search.index.documents import read_stored


def counted(path, keep=lambda p: True) -> Counter:
    """Occurrences of every lemma over the live paragraphs, each position
    counting once for each of its lemmas: the definition."""
    counts: Counter = Counter()
    with store.open_index(path).reader() as reader:
        for _, fields in reader.iter_docs():
            p = read_stored(fields).paragraph
            if keep(p):
                for pos in analyze(p.text, p.lang):
                    counts.update(set(pos.lemmas))
    return counts


def ordered(counts: Counter, top: int) -> list:
    return sorted(counts.items(), key=lambda tk: (-tk[1], tk[0]))[:top]


def test_kept_counts_are_the_counts_of_every_paragraph(bundled_index, engine):
    assert engine.terms(top=300, stop_words=True) == ordered(counted(bundled_index), 300)
    ru = counted(bundled_index, lambda p: p.lang == "ru")
    assert engine.terms(top=300, lang="ru", stop_words=True) == ordered(ru, 300)


def test_filters_of_documents_are_counted_at_query_time(bundled_index, engine):
    found = engine.terms(top=100, doc="cop-decision-4-4-ru", stop_words=True)
    assert found == ordered(counted(bundled_index, lambda p: p.doc == "cop-decision-4-4-ru"), 100)
    protocol = engine.terms(top=40, part="протокол мігрантів", stop_words=True)
    assert protocol and protocol != engine.terms(top=40, stop_words=True)


def test_counts_follow_updates_and_a_stale_file_is_never_used(tmp_path, sources_copy, monkeypatch):
    from search.index import build

    monkeypatch.setattr(build, "MAX_DELETED", 1.0)  # replaced paragraphs stay, deleted
    ru = sources_copy / "cop-decision-4-4-ru.md"
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([sources_copy], workers=1)
        ru.write_text(ru.read_text(encoding="utf-8").replace("торговли", "контрабанды"), encoding="utf-8")
        eng.index([sources_copy], workers=1)
        assert store.open_index(tmp_path / "ix").reader().has_deletions()
        updated = eng.terms(top=200, stop_words=True)
    assert updated == ordered(counted(tmp_path / "ix"), 200)
    generation = store.live_generation(tmp_path / "ix")
    (generation / statistics.FILE).write_text('{"toc": 1, "kept": 5, "lemmas": {"": [["ложь", 999]]}}')
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.terms(top=200, stop_words=True) == updated


@pytest.mark.parametrize("stop_words", [False, True])
def test_a_short_kept_list_is_counted_again(bundled_index, engine, monkeypatch, stop_words):
    whole = engine.terms(top=50, stop_words=stop_words)
    monkeypatch.setattr(statistics, "KEPT", 10)
    generation = store.live_generation(bundled_index)
    ix = store.open_index(bundled_index)
    statistics.write(generation, ix)
    try:
        with Engine.open(bundled_index) as eng:
            assert eng.terms(top=50, stop_words=stop_words) == whole
    finally:
        monkeypatch.setattr(statistics, "KEPT", 20_000)
        statistics.write(generation, ix)


def test_a_commit_counts_only_the_segments_it_wrote_or_deleted_from(tmp_path, sources_copy, monkeypatch):
    from search.index import build

    monkeypatch.setattr(build, "MAX_DELETED", 1.0)  # replaced paragraphs stay, deleted
    counted_segments = []
    real = statistics.segment_counts
    monkeypatch.setattr(statistics, "segment_counts",
                        lambda reader, allowed=None: counted_segments.append(reader.segment().segment_id())
                        or real(reader, allowed))
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([sources_copy], workers=1)
        first = set(counted_segments)
        counted_segments.clear()
        (sources_copy / "extra.md").write_text("Нова група.\n\nЩе одна група.\n", encoding="utf-8")
        eng.index([sources_copy], workers=1)
        assert len(counted_segments) == 1 and counted_segments[0] not in first  # the new segment alone
        counted_segments.clear()
        extra = sources_copy / "extra.md"
        extra.write_text("Нова група.\n\nЗовсім інша група.\n", encoding="utf-8")
        eng.index([sources_copy], workers=1)
        assert first.isdisjoint(counted_segments)  # the first segment was not touched
        assert eng.terms(top=200, stop_words=True) == ordered(counted(tmp_path / "ix"), 200)
    generation = store.live_generation(tmp_path / "ix")
    with store.open_index(tmp_path / "ix").reader() as reader:
        live = {sub.segment().segment_id() for sub, _ in reader.leaf_readers()}
    kept = [f.name.split(".")[0] for f in generation.glob("*.counts")]
    assert sorted(kept) == sorted(live)  # one file a live segment, none of segments gone
