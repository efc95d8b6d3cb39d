"""Building, updating, interrupting and locking the index."""

import os
import shutil
import signal
import subprocess
import sys
import time

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
    with store.build_lock(ix):
        with pytest.raises(IndexLockedError, match=f"PID {os.getpid()}"):
            build(ix, sources_copy)
    build(ix, sources_copy)  # the lock is gone with its holder


def _spawn_build(ix, src):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "search", "index", str(src), "--index", str(ix)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )


@pytest.mark.parametrize("files_before_kill", [1, 3])
def test_killed_build_leaves_the_previous_index_answering(tmp_path, sources_copy, files_before_kill):
    ix = tmp_path / "ix"
    build(ix, sources_copy)
    before = answers(ix)
    original = (sources_copy / "untoc-uk.txt").read_text(encoding="utf-8")
    for i in range(5):
        (sources_copy / f"copy{i}.txt").write_text(original.replace("Мета", f"Нова стаття {i}"), encoding="utf-8")
    proc = _spawn_build(ix, sources_copy)
    seen = 0
    while seen < files_before_kill:
        line = proc.stderr.readline()
        assert line, "the build ended before it could be killed"
        seen += line.startswith("indexing")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert answers(ix) == before
    build(ix, sources_copy)  # the next build completes…
    build(tmp_path / "fresh", sources_copy)
    assert answers(ix) == answers(tmp_path / "fresh")  # …and equals a fresh one


def test_killed_first_build_leaves_no_half_index(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    proc = _spawn_build(ix, sources_copy)
    proc.stderr.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    with Engine.open(ix) as eng:
        if eng.exists():  # the build may have finished first
            assert eng.search("група").total > 0
        else:
            with pytest.raises(IndexMissingError):
                eng.search("група")
    build(ix, sources_copy)
    assert answers(ix)["злочинна група"]


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
