"""The index folder: a build writes only what it owns and never deletes a
file it did not write."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Engine
from search.cli import main
from search.errors import EXIT_INDEX, EXIT_USAGE
from search.index import store

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> dict:
    """Every file's bytes and every folder under ``folder``."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def stat_snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.rglob("*"))}


def assert_one_line(result, exit_code):
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_folder_of_other_files_is_refused_untouched(tmp_path, sources_copy):
    x = tmp_path / "x"
    shutil.copytree(sources_copy, x / "laws")
    (x / "notes.md").write_text("n\n", encoding="utf-8")
    before = snapshot(x)
    result = run("index", x / "laws", "--index", x)
    assert_one_line(result, EXIT_INDEX)
    assert "not a search index" in result.stderr and "notes.md" in result.stderr
    assert snapshot(x) == before


def test_sources_that_are_or_hold_the_index_are_refused(tmp_path, sources_copy):
    before = snapshot(sources_copy)
    assert_one_line(run("index", sources_copy, "--index", sources_copy), EXIT_USAGE)
    assert_one_line(run("index", sources_copy, "--index", sources_copy / "idx"), EXIT_USAGE)
    assert snapshot(sources_copy) == before


def test_query_and_rebuild_on_a_folder_that_is_not_an_index(tmp_path, sources_copy):
    folder = tmp_path / "thesis"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.txt").write_text("розділ 1", encoding="utf-8")
    (folder / "sub" / "data.csv").write_text("a,b", encoding="utf-8")
    before = snapshot(folder)
    queried = run("query", "група", "--index", folder)
    assert_one_line(queried, EXIT_INDEX)
    assert "not a search index" in queried.stderr and "--rebuild" not in queried.stderr
    assert_one_line(run("index", "--rebuild", sources_copy, "--index", folder), EXIT_INDEX)
    assert_one_line(run("index", "--rebuild", "--index", folder), EXIT_INDEX)
    assert snapshot(folder) == before


def test_files_beside_an_index_survive_updates_and_rebuilds(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    assert run("index", sources_copy, "--index", ix).exit_code == 0
    assert (ix / store.MARKER).is_file()
    (ix / "README.txt").write_text("my notes", encoding="utf-8")
    (ix / "mine").mkdir()
    (ix / "mine" / "gen-notes.txt").write_bytes(b"\x00\x01")
    inode = ix.stat().st_ino
    (sources_copy / "cop-decision-4-4-ru.md").write_text("# Решение\n\nНовый текст о торговле.", encoding="utf-8")
    assert run("index", sources_copy, "--index", ix).exit_code == 0
    assert run("index", "--rebuild", sources_copy, "--index", ix).exit_code == 0
    assert (ix / "README.txt").read_text(encoding="utf-8") == "my notes"
    assert (ix / "mine" / "gen-notes.txt").read_bytes() == b"\x00\x01"
    assert ix.stat().st_ino == inode  # the folder itself is never replaced
    assert [p.name for p in store.generations(ix)] == [store.live_generation(ix).name]
    assert run("query", "торговле", "--index", ix).exit_code == 0


def test_a_no_op_update_writes_nothing(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    assert run("index", sources_copy, "--index", ix).exit_code == 0
    before_bytes, before_stat = snapshot(ix), stat_snapshot(ix)
    for _ in range(5):
        result = run("index", sources_copy, "--index", ix)
        assert result.exit_code == 0 and "0 added, 0 replaced, 0 removed, 2 unchanged" in result.stderr
    assert snapshot(ix) == before_bytes and stat_snapshot(ix) == before_stat


def test_a_rebuild_swaps_generations_and_an_open_engine_follows(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    with Engine.open(ix) as engine:
        engine.index([sources_copy])
        first = store.live_generation(ix)
        total = engine.search("група").total
        (sources_copy / "extra.txt").write_text("Злочинна група діє.\n", encoding="utf-8")
        engine.index([sources_copy], rebuild=True)
        assert store.live_generation(ix) != first and not first.exists()
        assert engine.search("група").total == total + 1


def test_damaged_index_hint_names_the_index_given(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    run("index", sources_copy, "--index", ix)
    for toc in ix.glob("gen-*/*.toc"):
        toc.unlink()
    result = run("query", "група", "--index", ix)
    assert_one_line(result, EXIT_INDEX)
    assert f"search index --rebuild --index {ix}" in result.stderr


def test_an_index_of_the_first_layout_is_rebuilt_in_place(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    ix.mkdir()
    (ix / "manifest.json").write_text('{"version": 1, "files": {}}', encoding="utf-8")
    (ix / "_MAIN_3.toc").write_bytes(b"old")
    (ix / "MAIN_abc.seg").write_bytes(b"old")
    queried = run("query", "група", "--index", ix)
    assert_one_line(queried, EXIT_INDEX)
    assert "earlier version" in queried.stderr
    assert run("index", "--rebuild", sources_copy, "--index", ix).exit_code == 0
    assert sorted(p.name for p in ix.iterdir()) == [store.LOCK, "gen-1", store.MARKER]


def test_a_users_manifest_json_is_not_taken_for_an_index(tmp_path, sources_copy):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"name": "mine"}', encoding="utf-8")
    assert_one_line(run("index", sources_copy, "--index", folder), EXIT_INDEX)
    assert (folder / "manifest.json").read_text(encoding="utf-8") == '{"name": "mine"}'


def _without_write_rights(args, cwd):
    """Run the CLI as a user to whom the index is read-only: root keeps its
    files but loses the right to override their permissions."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop the right to write anywhere")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "search", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def read_only_index(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    with Engine.open(ix) as engine:
        engine.index([sources_copy])
    for path in [ix, *ix.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    yield ix
    for path in [ix, *ix.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_index_answers_and_refuses_builds_in_one_line(tmp_path, sources_copy, read_only_index):
    ix = read_only_index
    before, around = snapshot(ix), sorted(p.name for p in tmp_path.iterdir())
    queried = _without_write_rights(["query", "група", "--index", ix], tmp_path)
    assert queried.returncode == 0 and "груп" in queried.stdout.lower(), queried.stderr
    current = _without_write_rights(["index", sources_copy, "--index", ix], tmp_path)  # nothing to write
    assert current.returncode == 0 and "0 added, 0 replaced, 0 removed, 2 unchanged" in current.stderr, current.stderr
    (sources_copy / "new.txt").write_text("Нова група.", encoding="utf-8")
    for args in (["index", sources_copy, "--index", ix], ["index", "--rebuild", sources_copy, "--index", ix]):
        result = _without_write_rights(args, tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert "permission denied" in result.stderr and str(ix) in result.stderr
    assert snapshot(ix) == before and sorted(p.name for p in tmp_path.iterdir()) == around


def test_add_keeps_the_sources_already_held_and_replacing_them_is_told(tmp_path, sources_copy):
    ix, more = tmp_path / "ix", tmp_path / "more"
    more.mkdir()
    (more / "extra.txt").write_text("Окрема група.\n", encoding="utf-8")
    assert run("index", sources_copy, "--index", ix).exit_code == 0
    added = run("index", more, "--index", ix, "--add")
    assert added.exit_code == 0 and "1 added, 0 replaced, 0 removed, 2 unchanged" in added.stderr
    replaced = run("index", more, "--index", ix)
    assert replaced.exit_code == 0 and "0 added, 0 replaced, 2 removed" in replaced.stderr
    assert f"search: note: the index no longer holds {sources_copy.resolve()}" in replaced.stderr


def test_a_build_with_nothing_to_index_creates_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("index", tmp_path / "empty", "--index", tmp_path / "ix")
    assert result.exit_code == 1 and "nothing to index" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_two_sources_with_one_document_id_are_noted(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / "src" / folder).mkdir(parents=True)
        (tmp_path / "src" / folder / "law.txt").write_text(f"Закон {folder}.\n", encoding="utf-8")
    result = run("index", tmp_path / "src", "--index", tmp_path / "ix")
    assert result.exit_code == 0 and "2 sources share the document id 'law'" in result.stderr
