"""The command line, as a user runs it."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from search.cli import main


@pytest.fixture
def run(bundled_index):
    def invoke(*args, index=True):
        extra = ["--index", str(bundled_index)] if index else []
        return CliRunner().invoke(main, [*args, *extra], catch_exceptions=False)
    return invoke


def test_query_text_output(run):
    result = run("query", "злочинна група", "--limit", "2")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.strip().startswith("1. Конвенція, ст. 2, п. (a)")
    assert "**злочинна** **група**" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_query_json_shape(run):
    result = run("query", "торговля людьми", "--format", "json", "--limit", "3")
    data = json.loads(result.stdout)
    assert set(data) == {"query", "total", "offset", "hits"} and data["query"] == "торговля людьми"
    hit = data["hits"][0]
    for key in ("rank", "score", "doc", "title", "citation", "article", "paragraph",
                "lang", "text", "snippet", "matched"):
        assert key in hit
    assert hit["doc"] == "cop-decision-4-4-ru" and hit["matched"]
    assert all(hit["text"][s:e] in hit["matched"] for s, e in hit["matches"])


def test_query_jsonl_and_csv(run):
    lines = run("query", "майно", "--format", "jsonl", "--limit", "4").stdout.splitlines()
    assert len(lines) == 4 and all(json.loads(line)["citation"] for line in lines)
    rows = list(csv.DictReader(io.StringIO(run("query", "майно", "--format", "csv", "--limit", "4").stdout)))
    assert len(rows) == 4 and rows[0]["rank"] == "1" and rows[0]["citation"]


def test_query_options(run):
    exact = json.loads(run("query", "групи", "--exact", "--format", "json", "--limit", "50").stdout)
    assert all(f.lower() == "групи" for h in exact["hits"] for f in h["matched"])
    ru = json.loads(run("query", "конвенция", "--lang", "ru", "--format", "json").stdout)
    assert ru["hits"] and all(h["lang"] == "ru" for h in ru["hits"])
    doc = json.loads(run("query", "конвенція", "--doc", "untoc-uk", "--format", "json").stdout)
    assert doc["hits"] and all(h["doc"] == "untoc-uk" for h in doc["hits"])


def test_no_match_is_success_with_empty_hits(run):
    result = run("query", "ксилофон", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["hits"] == []


@pytest.mark.parametrize("query", ['"злочинна група', "(a OR b", "foo:bar", "", "злочин AND", "*"])
def test_malformed_query_is_one_line_and_exit_2(run, query):
    result = run("query", query)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_first_query_builds_the_index(tmp_path, monkeypatch, sources_copy):
    monkeypatch.chdir(tmp_path)  # holds sources/, no index yet
    monkeypatch.delenv("SEARCH_INDEX", raising=False)
    result = CliRunner().invoke(main, ["query", "відмивання доходів", "--limit", "1"])
    assert result.exit_code == 0, result.stderr
    assert "building it" in result.stderr
    assert "Конвенція, ст. " in result.stdout and "**доходів**" in result.stdout
    assert (tmp_path / "indexes" / "default").is_dir()


def test_missing_index_without_sources_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["query", "група", "--index", str(tmp_path / "nowhere")])
    assert result.exit_code == 3 and "search index" in result.stderr


def test_index_command_reports_and_skips_bad_files(tmp_path, sources_copy):
    (sources_copy / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    ix = str(tmp_path / "ix")
    result = CliRunner().invoke(main, ["index", str(sources_copy), "--index", ix])
    assert result.exit_code == 5
    assert "broken.txt: binary data" in result.stderr and "2 added" in result.stderr
    again = CliRunner().invoke(main, ["index", str(sources_copy), "--index", ix, "--quiet"])
    assert again.exit_code == 5 and "2 added" not in again.stderr


def test_index_of_missing_folder_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["index", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "no such file or folder" in result.stderr


def test_help_and_version():
    runner = CliRunner()
    assert "Example" in runner.invoke(main, ["query", "--help"]).stdout
    assert "Example" in runner.invoke(main, ["index", "--help"]).stdout
    assert runner.invoke(main, ["--version"]).stdout.startswith("search, version")


def test_info_reports_sources_and_counts(run):
    data = json.loads(run("info", "--format", "json").stdout)
    assert data["paragraphs"] == sum(data["docs"].values()) == sum(data["langs"].values())
    assert data["docs"]["cop-decision-4-4-ru"] == 30 and data["langs"]["uk"] > 600
    assert {s["path"].rsplit("/", 1)[-1] for s in data["sources"]} == {"untoc-uk.txt", "cop-decision-4-4-ru.md"}
    assert data["size_bytes"] > 0 and data["built"]
    text = run("info").stdout
    assert "untoc-uk" in text and "paragraphs" in text


def test_default_index_follows_its_changed_sources(tmp_path, monkeypatch, sources_copy):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCH_INDEX", raising=False)
    first = CliRunner().invoke(main, ["query", "група", "--limit", "1"])
    assert first.exit_code == 0 and "building it" in first.stderr
    quiet = CliRunner().invoke(main, ["query", "група", "--limit", "1"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    (sources_copy / "new.md").write_text("# Додаток\n\nКонтрабандисти діють.\n", encoding="utf-8")
    changed = CliRunner().invoke(main, ["query", "контрабандист", "--format", "json"])
    assert changed.exit_code == 0 and "changed; updating" in changed.stderr
    assert json.loads(changed.stdout)["hits"][0]["doc"] == "new"


#: What a terminal of 80 columns shows of the line at least; the API gets the rest too.
PROGRESS = re.compile(r"indexing (\d+)/2 files · [\d,]+ records · [\d.]+/[\d.]+ MB · [\d,]+ paragraphs")
WHOLE = re.compile(PROGRESS.pattern + r" · [\d,]+ words/s · about \d+:\d\d left · \S+$")


def test_progress_on_a_terminal_only(tmp_path, sources_copy, monkeypatch):
    import search.cli as cli

    piped = CliRunner().invoke(main, ["index", str(sources_copy), "--index", str(tmp_path / "a")])
    assert piped.exit_code == 0 and "indexing" not in piped.stderr and "2 added" in piped.stderr
    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["index", str(sources_copy), "--index", str(tmp_path / "b")])
    # each line rewrites the last ("\r", and an erase code on a real terminal), cut to its width
    lines = [PROGRESS.match(part) for part in shown.stderr.split("\r")]
    assert [m.group(1) for m in lines if m][-2:] == ["1", "2"]
    assert shown.stderr.splitlines()[-1].startswith("search: 2 added")  # the summary on a line of its own
    quiet = CliRunner().invoke(main, ["index", "--rebuild", str(sources_copy), "--index", str(tmp_path / "b"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_progress_callback_of_the_api(tmp_path, sources_copy):
    from search import Engine

    lines = []
    with Engine.open(tmp_path / "ix") as engine:
        engine.index([sources_copy], progress=lines.append)
    files = [WHOLE.match(line).group(1) for line in lines]
    assert files == sorted(files) and files[-2:] == ["1", "2"]
    assert lines[-1].split(" · ")[5:] == ["about 0:00 left", "untoc-uk.txt"]


@pytest.mark.parametrize("args,says", [
    (["query", "група", "--limit", "0"], "search query: Invalid value for '--limit'"),
    (["query", "група", "--format", "xml"], "search query: Invalid value for '--format'"),
    (["query"], "search query: Missing argument 'TEXT'"),
    (["batch", "/nonexistent/queries.tsv"], "search batch: Invalid value for 'FILE'"),
    (["batch", "-", "--workers", "0"], "search batch: Invalid value for '--workers'"),
    (["nosuch"], "search: No such command 'nosuch'"),
])
def test_a_bad_option_or_argument_is_one_line_naming_the_command(args, says):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(says), result.stderr
    assert result.stderr.rstrip().endswith("--help')")
