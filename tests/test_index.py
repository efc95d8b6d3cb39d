"""Building, updating, interrupting and locking the index."""

import os

import pytest

from search import Engine, IndexLockedError, IndexMissingError, NoSourcesError
from search.index import store

QUERIES = ["злочинна група", "торговля людьми", '"держави учасниці"', "конфіскація майна",
           "мігрантів OR людьми", "майно article:6", "нова стаття"]


def answers(path):
    with Engine.open(path) as eng:
        return {q: [(h.id, h.citation, round(h.score, 3)) for h in eng.search(q, limit=15)]
                for q in QUERIES}


def build(path, *roots, **kw):
    with Engine.open(path) as eng:
        return eng.index(list(roots), **kw)


def test_update_skips_unchanged_files(tmp_path, sources_copy):
    first = build(tmp_path / "ix", sources_copy)
    again = build(tmp_path / "ix", sources_copy)
    assert first.added == 2 and again.unchanged == 2 and not again.changed


def test_incremental_update_answers_like_a_fresh_rebuild(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    build(ix, sources_copy)
    # change one file, add one, remove one
    uk = sources_copy / "untoc-uk.txt"
    uk.write_text(uk.read_text(encoding="utf-8").replace("Мета", "Нова стаття про мету", 1), encoding="utf-8")
    (sources_copy / "extra.md").write_text("# Додаток\n\nЗлочинна група вчинила злочин.\n", encoding="utf-8")
    (sources_copy / "cop-decision-4-4-ru.md").unlink()
    report = build(ix, sources_copy)
    assert (report.added, report.replaced, report.removed) == (1, 1, 1)
    build(tmp_path / "fresh", sources_copy)
    assert answers(ix) == answers(tmp_path / "fresh")
    after = answers(ix)
    assert after["нова стаття"][0][1] == "Конвенція, ст. 1"
    assert not [hit for hit in after["торговля людьми"] if hit[0].startswith("cop-")]


def test_rebuild_replaces_everything(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    build(ix, sources_copy)
    report = build(ix, sources_copy, rebuild=True)
    assert report.added == 2 and answers(ix) == answers(ix)


def test_unreadable_changed_file_keeps_its_old_paragraphs(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    build(ix, sources_copy)
    before = answers(ix)
    (sources_copy / "cop-decision-4-4-ru.md").write_bytes(b"%PDF-1.4 binary")
    report = build(ix, sources_copy)
    assert len(report.problems) == 1 and "binary" in report.problems[0]
    assert answers(ix) == before


def test_missing_index_and_empty_sources_are_clear_errors(tmp_path):
    with Engine.open(tmp_path / "none") as eng:
        with pytest.raises(IndexMissingError, match="search index"):
            eng.search("група")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoSourcesError):
        build(tmp_path / "ix", tmp_path / "empty")


def test_second_build_is_refused_while_one_runs(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    store.claim(ix)
    with store.build_lock(ix):
        with pytest.raises(IndexLockedError, match=f"PID {os.getpid()}"):
            build(ix, sources_copy)
    build(ix, sources_copy)  # the lock is gone with its holder


def test_an_open_engine_sees_updates_without_duplicates(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    build(ix, sources_copy)
    uk = sources_copy / "untoc-uk.txt"
    original = uk.read_text(encoding="utf-8")
    with Engine.open(ix) as reader:
        reader.search("мета")
        for n in range(2):  # each update folds the segment the reader holds
            uk.write_text(original.replace("Мета", f"Мета редакції {n}", 1), encoding="utf-8")
            build(ix, sources_copy)
            hits = reader.search("мета", limit=200)
            ids = [h.id for h in hits]
            assert len(ids) == len(set(ids)) == hits.total
            assert any(f"редакції {n}" in h.text for h in hits)


def test_every_source_format_and_encoding_is_searchable(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "win.txt").write_bytes("Стаття 1\nВідмивання коштів\n\n1. Держава вживає заходів.".encode("cp1251"))
    (src / "koi.txt").write_bytes("Їжаки ґрунтовно досліджують ліс.".encode("koi8_u"))
    (src / "utf16.txt").write_bytes("Міграція людей через кордони.".encode("utf-16"))
    (src / "page.html").write_bytes(
        "<html><body><h1>Закон</h1><p>Злочинна група<sup>1</sup> діє.</p></body></html>".encode("utf-8"))
    (src / "corpus.jsonl").write_text(
        '{"id": "law-7", "title": "Про мову", "text": "Государственный язык объединённых земель."}\n',
        encoding="utf-8")
    build(tmp_path / "ix", src)
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.search("відмивання").hits[0].citation == "win, ст. 1"
        assert eng.search("їжак").hits[0].doc == "koi"
        assert eng.search("міграції").hits[0].doc == "utf16"
        html_hit = eng.search("злочинні групи").hits[0]
        assert html_hit.doc == "page" and html_hit.text == "Злочинна група діє."
        law = eng.search("объединенных").hits[0]
        assert (law.doc, law.title, law.lang) == ("law-7", "Про мову", "ru")


def test_parallel_build_answers_like_one_process(tmp_path, sources_copy, monkeypatch):
    from search.index import build as build_module
    from search.index import parallel

    monkeypatch.setattr(build_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "words_per_segment", lambda mb: 5000)  # several segments a worker
    text = (sources_copy / "untoc-uk.txt").read_text(encoding="utf-8")
    (sources_copy / "copy.txt").write_text(text.replace("Мета", "Нова стаття"), encoding="utf-8")
    with Engine.open(tmp_path / "two") as eng:
        report = eng.index([sources_copy], workers=2)
    assert report.added == 3 and report.paragraphs > 1200
    with Engine.open(tmp_path / "one") as eng:
        eng.index([sources_copy], workers=1)
    assert answers(tmp_path / "two") == answers(tmp_path / "one")
    # an update in parallel too: one file changed, one removed
    (sources_copy / "copy.txt").write_text(text.replace("Мета", "Інша стаття"), encoding="utf-8")
    (sources_copy / "cop-decision-4-4-ru.md").unlink()
    with Engine.open(tmp_path / "two") as eng:
        report = eng.index([sources_copy], workers=2)
    assert (report.replaced, report.removed, report.unchanged) == (1, 1, 1)
    with Engine.open(tmp_path / "fresh") as eng:
        eng.index([sources_copy], workers=1)
    assert answers(tmp_path / "two") == answers(tmp_path / "fresh")
