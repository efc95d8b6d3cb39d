"""Bad input, interruptions, concurrency and damage never cost a result or
an index, and every failure is one clear line."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import Engine, QuerySyntaxError
from search.analysis import analyze
from search.analysis.tokenize import MAX_WORD, tokenize
from search.cli import main
from search.errors import EXIT_PARTLY
from search.analysis.normalize import normalize_text
from search.index import store
from search.rank.snippets import matches_of

from .conftest import SOURCES

GOOD_QUERY = "злочинна група"


def index_cli(*args):
    return CliRunner().invoke(main, ["index", *map(str, args)])


def assert_one_line_warning(result, name, problem):
    lines = [l for l in result.stderr.splitlines() if name in l and l.startswith("search:")]
    assert len(lines) == 1 and problem in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def top_citation(ix, query=GOOD_QUERY):
    with Engine.open(ix) as eng:
        return eng.search(query, limit=1).hits[0].citation


# -- bad sources ---------------------------------------------------------------

BAD_SOURCES = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\n ", "empty file"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary data"),
    "document.md": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), "binary data"),
    "archive.html": (b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)), "binary data"),
    "nul.txt": (b"text\x00with\x00nuls", "binary data"),
    "broken.jsonl": (b"{not json\n[1, 2]\n", "no usable records"),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_bad_source_is_skipped_with_one_line_and_the_rest_indexed(tmp_path, sources_copy, name):
    data, problem = BAD_SOURCES[name]
    (sources_copy / name).write_bytes(data)
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == EXIT_PARTLY
    assert_one_line_warning(result, name, problem)
    assert top_citation(tmp_path / "ix") == "Конвенція, ст. 2, п. (a)"


def test_invalid_utf8_is_indexed_with_a_warning(tmp_path, sources_copy):
    text = "Стаття 1\nЗлочинна група контрабандистів діє.\n".encode() * 20
    (sources_copy / "damaged.txt").write_bytes(text[:50] + b"\xff\xfe\xfa" + text[50:])
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == EXIT_PARTLY
    assert_one_line_warning(result, "damaged.txt", "invalid UTF-8")
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.search("контрабандистів", doc="damaged").total > 0


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_u", "utf-16", "utf-8-sig"])
def test_other_encodings_are_read_without_warning(tmp_path, encoding):
    src = tmp_path / "src"
    src.mkdir()
    (src / "doc.txt").write_bytes("Контрабандисти ґрунтовно переховуються в об'єднаних лісах.".encode(encoding))
    result = index_cli(src, "--index", tmp_path / "ix")
    assert result.exit_code == 0 and "warning" not in result.stderr
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.search("контрабандист").hits[0].text.startswith("Контрабандисти ґрунтовно")


def test_a_single_50_mb_line_is_indexed_in_bounded_pieces(tmp_path, sources_copy):
    word = "контрабанда" * 90 + " "  # ~1 KB "words" with spaces between
    line = word * (50 * 1024 * 1024 // len(word.encode()))
    (sources_copy / "huge.txt").write_text(line + "кінець", encoding="utf-8")
    result = index_cli(sources_copy, "--index", tmp_path / "ix", "--quiet")
    assert result.exit_code == 0, result.stderr
    with Engine.open(tmp_path / "ix") as eng:
        hit = eng.search("кінець", doc="huge").hits[0]
        assert len(hit.text) <= 25_000
        assert top_citation(tmp_path / "ix") == "Конвенція, ст. 2, п. (a)"


def test_a_10000_character_word_is_cut_not_fatal(tmp_path, sources_copy):
    (sources_copy / "word.txt").write_text("початок " + "я" * 10_000 + " кінець", encoding="utf-8")
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == 0
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.search("кінець", doc="word").total == 1
        assert eng.search("я" * 64, doc="word").total == 1


def test_unreadable_file_is_skipped(tmp_path, sources_copy, monkeypatch):
    target = sources_copy / "secret.txt"
    target.write_text("таємниця", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == EXIT_PARTLY
    assert_one_line_warning(result, "secret.txt", "Permission denied")


def test_file_deleted_or_changed_during_the_build(tmp_path, sources_copy, monkeypatch):
    from search.index import files as build_module

    (sources_copy / "gone.txt").write_text("зникне", encoding="utf-8")
    changing = sources_copy / "moving.txt"
    changing.write_text("перша редакція", encoding="utf-8")
    real_ingest = build_module.ingest

    def ingest(path, **options):
        if path.name == "gone.txt":
            path.unlink()
        result = real_ingest(path, **options)
        if path.name == "moving.txt":  # changed right after it was read
            time.sleep(0.01)
            path.write_text("друга редакція тексту", encoding="utf-8")
        return result

    monkeypatch.setattr(build_module, "ingest", ingest)
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == EXIT_PARTLY
    assert_one_line_warning(result, "gone.txt", "No such file")
    monkeypatch.setattr(build_module, "ingest", real_ingest)
    again = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert again.exit_code == 0 and "1 replaced" in again.stderr
    with Engine.open(tmp_path / "ix") as eng:
        assert eng.search("друга редакція", translate=False).total == 1


def test_file_deleted_before_a_worker_reads_it(tmp_path, sources_copy, monkeypatch):
    from search.index import build as build_module

    monkeypatch.setattr(build_module, "PARALLEL_BYTES", 0)
    gone = sources_copy / "gone.txt"
    gone.write_text("зникне", encoding="utf-8")
    real = build_module.parallel_index

    def parallel_index(ix, sizes, *args):
        gone.unlink()  # found by discovery, gone before the workers start
        return real(ix, sizes, *args)

    monkeypatch.setattr(build_module, "parallel_index", parallel_index)
    result = CliRunner().invoke(main, ["index", str(sources_copy), "--index", str(tmp_path / "ix"), "-j", "2"])
    assert result.exit_code == EXIT_PARTLY, result.stderr
    assert_one_line_warning(result, "gone.txt", "No such file")
    assert top_citation(tmp_path / "ix") == "Конвенція, ст. 2, п. (a)"


def test_symlink_loops_are_not_followed(tmp_path, sources_copy):
    (sources_copy / "loop").symlink_to(sources_copy)
    (sources_copy / "self.txt").symlink_to(sources_copy / "self.txt")
    result = index_cli(sources_copy, "--index", tmp_path / "ix")
    assert result.exit_code == EXIT_PARTLY
    assert_one_line_warning(result, "self.txt", "symbolic link")
    assert "2 added" in result.stderr


def test_folder_without_supported_files(tmp_path, sources_copy):
    empty = tmp_path / "pictures"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    alone = index_cli(empty, "--index", tmp_path / "ix")
    assert alone.exit_code == 1 and "no .txt, .md, .html or .jsonl files" in alone.stderr
    assert len(alone.stderr.strip().splitlines()) == 1
    mixed = index_cli(sources_copy, empty, "--index", tmp_path / "ix")
    assert mixed.exit_code == EXIT_PARTLY and "2 added" in mixed.stderr


# -- bad queries ---------------------------------------------------------------

BAD_QUERIES = [
    '"unbalanced quote', "(unbalanced", "unbalanced)", "((a)", ",.;!?—", "і та або",
    "и в на", "я" * 10_000, "груп\x00а", "\x07\x1b[31m\x08", "foo:bar", "lang:", "*", "а*",
    "", "   ", "(" * 40 + "a" + ")" * 40, "NOT " * 100 + "a", " ".join(["група"] * 300),
    "AND", "OR OR", "a AND AND b", "-", "--", '""', "«»", "doc:*", "article:",
]


@pytest.mark.parametrize("query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_query_answers_or_fails_in_one_line_quickly(bundled_index, query):
    started = time.monotonic()
    result = CliRunner().invoke(main, ["query", "--index", str(bundled_index), "--", query])
    assert time.monotonic() - started < 10
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_stop_words_only_still_answer(engine):
    assert engine.search("і та або").total > 0


# -- interruptions -------------------------------------------------------------

def _spawn(args, **kw):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "search", *map(str, args)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def _wait_building(proc, ix: Path) -> None:
    """Until ``proc`` holds the build lock of ``ix`` (it prints no progress
    into a pipe), and a moment more, so that it is indexing."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if ix.is_dir() and store.lock_holder(ix) == proc.pid:
            time.sleep(0.3)
            return
        time.sleep(0.02)
    raise AssertionError("the build never started")


def _answers(ix):
    with Engine.open(ix) as eng:
        return [[(h.id, round(h.score, 3)) for h in eng.search(q, limit=10)]
                for q in (GOOD_QUERY, "торговля людьми", "нова редакція", "мігрантів")]


def _grow(src: Path, copies: int, tag: str) -> None:
    text = (SOURCES / "untoc-uk.txt").read_text(encoding="utf-8")
    for i in range(copies):
        (src / f"copy{i}.txt").write_text(text.replace("Мета", f"Нова редакція {tag} {i}"), encoding="utf-8")


def _run_killed(src, ix, moment) -> bool:
    """Start ``search index`` and SIGKILL it ``moment`` seconds later;
    whether it was still running when killed."""
    proc = _spawn(["index", src, "--index", ix])
    time.sleep(moment)
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    return running


def _timed(src, ix) -> float:
    started = time.monotonic()
    proc = _spawn(["index", src, "--index", ix])
    proc.wait()
    proc.stderr.close()
    return time.monotonic() - started


def _restore(snapshot, ix):
    shutil.rmtree(ix, ignore_errors=True)
    if snapshot is not None:
        shutil.copytree(snapshot, ix)


KILLS = 12
#: Kill moments spread over the first 3/4 of a measured run, so that a run
#: faster than the measurement is still killed while it works.
SPREAD = KILLS * 4 // 3


@pytest.mark.slow
def test_sigkill_at_many_moments_of_a_first_build_and_of_an_update(tmp_path, sources_copy):
    ix, fresh = tmp_path / "ix", tmp_path / "fresh"
    _grow(sources_copy, 3, "a")
    Engine.open(fresh).index([sources_copy])
    first = _answers(fresh)

    # A first build killed at KILLS moments: no index, or the whole one.
    duration = _timed(sources_copy, tmp_path / "probe")
    hits = 0
    for k in range(1, KILLS + 1):
        _restore(None, ix)
        hits += _run_killed(sources_copy, ix, duration * k / SPREAD)
        with Engine.open(ix) as eng:
            assert not eng.exists() or _answers(ix) == first
    assert hits >= 10, f"only {hits} kills hit a running first build"

    # An update (three files changed, one removed, one added) killed at
    # KILLS moments, each time from the same starting index.
    snapshot = tmp_path / "snapshot"
    Engine.open(snapshot).index([sources_copy])
    _grow(sources_copy, 3, "b")
    (sources_copy / "copy2.txt").unlink()
    (sources_copy / "extra.md").write_text("# Додаток\n\nЗлочинна група.\n", encoding="utf-8")
    shutil.rmtree(fresh)
    Engine.open(fresh).index([sources_copy])
    after = _answers(fresh)
    _restore(snapshot, tmp_path / "probe")
    duration = _timed(sources_copy, tmp_path / "probe")
    hits = 0
    for k in range(1, KILLS + 1):
        _restore(snapshot, ix)
        hits += _run_killed(sources_copy, ix, duration * k / SPREAD)
        # the old index, or, if the kill came after the commit, the new one
        assert _answers(ix) in (first, after)
        assert index_cli(sources_copy, "--index", ix).exit_code == 0
        assert _answers(ix) == after  # the next build completes like a fresh one
    assert hits >= 10, f"only {hits} kills hit a running update"


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_sigkill_during_a_parallel_update_keeps_the_index_and_stops_the_workers(tmp_path, sources_copy):
    ix, fresh, snapshot = tmp_path / "ix", tmp_path / "fresh", tmp_path / "snapshot"
    Engine.open(snapshot).index([sources_copy])
    before = _answers(snapshot)
    _grow(sources_copy, 9, "p")  # over 2 MB to index: worker processes
    Engine.open(fresh).index([sources_copy], workers=1)
    after = _answers(fresh)
    _restore(snapshot, tmp_path / "probe")
    started = time.monotonic()
    probe = _spawn(["index", sources_copy, "--index", tmp_path / "probe", "-j", "2"])
    probe.wait()
    probe.stderr.close()
    duration = time.monotonic() - started
    with_workers = 0
    for k in range(1, 5):
        _restore(snapshot, ix)
        proc = _spawn(["index", sources_copy, "--index", ix, "-j", "2"])
        time.sleep(duration * k / 5)
        workers = _children(proc.pid)
        with_workers += bool(workers)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        # Workers look for their parent between files: well before the rest of the work is done.
        deadline = time.monotonic() + duration / 2
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "a worker outlived the killed build"
        assert _answers(ix) in (before, after)
        assert index_cli(sources_copy, "--index", ix).exit_code == 0
        assert _answers(ix) == after
    assert with_workers >= 2, f"only {with_workers} kills hit running workers"


def test_sigint_stops_cleanly_and_keeps_the_index(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    Engine.open(ix).index([sources_copy])
    before = _answers(ix)
    _grow(sources_copy, 12, "c")  # enough to be still building when the signal comes
    # Ctrl-C as a terminal sends it: the child must not inherit an ignored
    # SIGINT from whatever ran this test process before.
    proc = _spawn(["index", sources_copy, "--index", ix, "--workers", "1"],
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_building(proc, ix)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _answers(ix) == before


def test_sigint_during_a_rebuild_leaves_no_half_generation(tmp_path, sources_copy):
    from search.index import store

    ix = tmp_path / "ix"
    Engine.open(ix).index([sources_copy])
    before, live = _answers(ix), store.live_generation(ix)
    _grow(sources_copy, 12, "r")
    proc = _spawn(["index", "--rebuild", sources_copy, "--index", ix, "--workers", "1"],
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while len(list(store.generations(ix))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    assert list(store.generations(ix)) == [live] and _answers(ix) == before


# -- concurrency ---------------------------------------------------------------

def test_queries_in_other_processes_never_fail_during_updates(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    index_cli(sources_copy, "--index", ix)
    states = []
    for tag in ("x", "y"):
        _grow(sources_copy, 1, tag)
        index_cli(sources_copy, "--index", ix)
        states.append(_answers(ix))
    updater = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, pathlib\n"
            "from search import Engine\n"
            "src, ix = pathlib.Path(sys.argv[1]), sys.argv[2]\n"
            "text = (src / 'untoc-uk.txt').read_text(encoding='utf-8')\n"
            "for n in range(6):\n"
            "    tag = 'xy'[n % 2]\n"
            "    (src / 'copy0.txt').write_text(text.replace('Мета', f'Нова редакція {tag} 0'), encoding='utf-8')\n"
            "    Engine.open(ix).index([src])\n"
        ), str(sources_copy), str(ix)], stderr=subprocess.PIPE, text=True)
    seen = 0
    while updater.poll() is None:
        answers = _answers(ix)  # a fresh engine each time, as a separate CLI call would be
        assert answers in states
        seen += 1
    _, err = updater.communicate()
    assert updater.returncode == 0, err
    assert seen >= 5


def test_second_build_reports_the_lock_holder(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    _grow(sources_copy, 3, "d")
    proc = _spawn(["index", sources_copy, "--index", ix])
    _wait_building(proc, ix)
    second = index_cli(sources_copy, "--index", ix)
    assert second.exit_code == 4 and f"locked by PID {proc.pid}" in second.stderr
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    third = index_cli(sources_copy, "--index", ix)  # the dead holder's lock is gone
    assert third.exit_code == 0


# -- damage --------------------------------------------------------------------

def _damage_truncate(ix):
    seg = max(ix.glob("gen-*/*.seg"), key=lambda p: p.stat().st_size)
    with seg.open("r+b") as fh:
        fh.truncate(100)


def _damage_delete_segment(ix):
    for seg in ix.glob("gen-*/*.seg"):
        seg.unlink()


def _damage_delete_toc(ix):
    for toc in ix.glob("gen-*/*.toc"):
        toc.unlink()


def _damage_garbage_toc(ix):
    for toc in ix.glob("gen-*/*.toc"):
        toc.write_bytes(os.urandom(300))


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_delete_segment, _damage_delete_toc,
                                    _damage_garbage_toc], ids=lambda f: f.__name__[8:])
def test_damaged_index_names_itself_and_rebuild_repairs_it(tmp_path, sources_copy, damage):
    ix = tmp_path / "ix"
    index_cli(sources_copy, "--index", ix)
    damage(ix)
    result = CliRunner().invoke(main, ["query", GOOD_QUERY, "--index", str(ix)])
    assert result.exit_code == 3, result.output
    assert str(ix) in result.stderr and "search index --rebuild" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert index_cli(sources_copy, "--index", ix, "--rebuild").exit_code == 0
    assert top_citation(ix) == "Конвенція, ст. 2, п. (a)"


def test_garbage_file_in_index_folder_is_harmless(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    index_cli(sources_copy, "--index", ix)
    (ix / "junk.bin").write_bytes(os.urandom(4096))
    assert top_citation(ix) == "Конвенція, ст. 2, п. (a)"
    assert index_cli(sources_copy, "--index", ix).exit_code == 0


# -- properties ----------------------------------------------------------------

CYRILLIC_TEXT = st.text(alphabet=st.sampled_from(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэъёАБВЇЄҐ'’ʼ‘-‐ .,;:!?\"«»()0123456789aceopxACEOPX\u0301\u00ad\u200b\u00a0\n"),
    max_size=120)


@given(st.text())
def test_tokens_point_at_their_text_for_any_string(text):
    text = normalize_text(text)
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text
        assert 0 < len(token.text) <= MAX_WORD


@given(CYRILLIC_TEXT, st.sampled_from(["uk", "ru", "other"]))
def test_positions_and_highlights_point_at_words(text, lang):
    text = normalize_text(text)
    positions = analyze(text, lang)
    for pos in positions:
        assert 0 <= pos.start < pos.end <= len(text)
        assert text[pos.start].isalnum()
        assert pos.forms and pos.lemmas
    for match in matches_of(text, [(p.start, p.end) for p in positions]):
        assert text[match.start:match.end] == match.form


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80), CYRILLIC_TEXT))
def test_any_query_string_answers_or_raises_the_documented_error(engine, query):
    try:
        results = engine.search(query, limit=3)
    except QuerySyntaxError as exc:
        assert exc.exit_code == 2 and "\n" not in str(exc)
    else:
        assert results.total >= len(results.hits)
