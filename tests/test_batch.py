"""Batch query files through the CLI and the API."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from search.batch import read_batch
from search.cli import main

BATCH = "\ufeff# judged queries\nq1\tзлочинна група\n\n\"broken\nторговля людьми\nq4\t(a OR\n"


@pytest.fixture
def run_batch(bundled_index, tmp_path):
    path = tmp_path / "queries.tsv"
    path.write_text(BATCH, encoding="utf-8")

    def invoke(*args):
        return CliRunner().invoke(main, ["batch", str(path), "--index", str(bundled_index), *args],
                                  catch_exceptions=False)
    return invoke


def test_read_batch_ids_comments_bom():
    queries = read_batch(BATCH)
    assert [(q.id, q.query) for q in queries] == [
        ("q1", "злочинна група"), ("4", '"broken'), ("5", "торговля людьми"), ("q4", "(a OR")]


def test_jsonl_has_one_object_per_query_and_errors_in_their_own_line(run_batch):
    result = run_batch("--limit", "3")
    assert result.exit_code == 5
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["q1", "4", "5", "q4"]
    assert records[0]["hits"][0]["citation"] == "Конвенція, ст. 2, п. (a)" and records[0]["total"] > 3
    assert "quote is not closed" in records[1]["error"] and "hits" not in records[1]
    assert records[2]["hits"][0]["doc"] == "cop-decision-4-4-ru"
    assert set(records[0]["hits"][0]) >= {"rank", "score", "doc", "citation", "text", "snippet", "matched"}
    assert result.stderr.count("search: query") == 2


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_round_trip(run_batch, fmt, delimiter):
    result = run_batch("--format", fmt, "--limit", "2")
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert [r["query_id"] for r in rows] == ["q1", "q1", "4", "5", "5", "q4"]
    assert rows[0]["rank"] == "1" and rows[0]["citation"] == "Конвенція, ст. 2, п. (a)"
    assert rows[2]["error"] and not rows[2]["rank"]


def test_trec_run_format(run_batch, tmp_path):
    out = tmp_path / "run.trec"
    result = run_batch("--format", "trec", "--limit", "3", "--out", str(out), "--tag", "morph")
    assert result.stdout == ""
    lines = [line.split() for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" and parts[5] == "morph" for parts in lines)
    assert [p[0] for p in lines] == ["q1"] * 3 + ["5"] * 3
    assert [int(p[3]) for p in lines[:3]] == [1, 2, 3]
    assert lines[0][2] == "untoc-uk:7"  # stable paragraph id as docno


def test_stdin_batch(bundled_index):
    result = CliRunner().invoke(main, ["batch", "-", "--index", str(bundled_index)],
                                input="відмивання доходів\n")
    assert result.exit_code == 0
    first = json.loads(result.stdout)["hits"][0]
    assert first["citation"].startswith("Конвенція, ст. ") and "literal" in first["how"]
    matched = " ".join(first["matched"]).lower()
    assert "відмиван" in matched and "доход" in matched


def test_api_batch_accepts_strings_and_pairs(engine):
    results = list(engine.batch(["злочинна група", ("x", '"broken')], limit=1))
    assert results[0].ok and results[0].id == "1"
    assert not results[1].ok and results[1].id == "x" and "quote" in results[1].error


def test_batch_file_in_another_encoding_and_a_binary_one(bundled_index, tmp_path):
    cp = tmp_path / "cp.txt"
    cp.write_bytes("злочинна група\n".encode("cp1251"))
    ok = CliRunner().invoke(main, ["batch", str(cp), "--index", str(bundled_index)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["total"] > 0
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    bad = CliRunner().invoke(main, ["batch", str(binary), "--index", str(bundled_index)])
    assert bad.exit_code == 1 and "binary data" in bad.stderr and "Traceback" not in bad.stderr


def _many():
    words = ["злочинна група", "торговля людьми", '"broken', "конвенцыя", "конфіскація майна", "видача",
             "мігрантів lang:uk", "(a OR", "держава OR протокол", "захист свідків"]
    return [(f"q{n}", words[n % len(words)]) for n in range(80)]


def test_worker_processes_answer_as_one_process_does_in_the_same_order(engine):
    from search.engine import PARALLEL_BATCH

    assert len(_many()) >= PARALLEL_BATCH
    alone = [r.to_dict() for r in engine.batch(_many(), limit=5)]
    together = [r.to_dict() for r in engine.batch(_many(), limit=5, workers=2)]
    assert together == alone
    assert [r["id"] for r in together] == [f"q{n}" for n in range(80)]
    assert sum("error" in r for r in together) == 16 and any(r.get("suggestions") for r in together)


def test_a_bad_option_fails_a_parallel_batch_at_once(engine, tmp_path):
    from search.errors import SynonymsError

    with pytest.raises(SynonymsError, match="nosuch.txt"):
        list(engine.batch(_many(), workers=2, synonyms=[tmp_path / "nosuch.txt"]))


def test_errors_cross_from_a_worker_process_whole():
    import pickle

    from search.errors import QuerySyntaxError, SourceError, SynonymsError

    for error in (QuerySyntaxError("(a", "a '(' is not closed"), SourceError("x.txt", "binary data"),
                  SynonymsError("s.txt", 3, "no '=>'")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)


def test_the_cli_batch_takes_workers(bundled_index, tmp_path):
    path = tmp_path / "many.tsv"
    path.write_text("".join(f"{qid}\t{q}\n" for qid, q in _many()), encoding="utf-8")
    runs = [CliRunner().invoke(main, ["batch", str(path), "--index", str(bundled_index), "--workers", w])
            for w in ("1", "2")]
    assert runs[0].exit_code == runs[1].exit_code == 5
    assert runs[0].stdout == runs[1].stdout and len(runs[1].stdout.splitlines()) == 80
