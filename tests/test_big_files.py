"""One big JSON Lines file: read record by record, in pieces that every
worker indexes, with progress from inside the file."""

import json

import pytest

from search import Engine
from search.errors import SourceError
from search.ingest.jsonl import Records, merge, scan
from search.ingest.read import decode, load

RECORDS = [
    {"id": f"law-{n}", "title": f"Закон {n}",
     "text": f"Стаття {n}. Предмет\n\n1. Злочинна група номер {n} вчинила злочин.\n\n"
             f"2. Держави-учасниці співпрацюють у справі {n}; торгівля людьми заборонена."}
    for n in range(300)
]


def lines(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@pytest.fixture
def pieces_everywhere(monkeypatch):
    """Builds of any size run in workers, and a file of a few kilobytes is
    cut into many pieces."""
    from search.index import build, parallel

    monkeypatch.setattr(build, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 3000)


def answers(path):
    with Engine.open(path) as eng:
        found = {q: [(h.id, h.score, h.citation, h.snippet) for h in eng.search(q, limit=400).hits]
                 for q in ["злочинна група", '"торгівля людьми"', "справі 17", "закон"]}
        return eng.info().paragraphs, found


def test_a_big_file_in_pieces_indexes_what_many_files_do(tmp_path, pieces_everywhere):
    one, many = tmp_path / "one", tmp_path / "many"
    one.mkdir()
    many.mkdir()
    (one / "all.jsonl").write_text(lines(RECORDS), encoding="utf-8")
    for k in range(6):
        (many / f"part{k}.jsonl").write_text(lines(RECORDS[k::6]), encoding="utf-8")
    with Engine.open(tmp_path / "ix-one") as eng:
        report = eng.index([one], workers=2)
    assert report.added == 1 and report.paragraphs == 900 and not report.problems
    with Engine.open(tmp_path / "ix-many") as eng:
        eng.index([many], workers=2)
    assert answers(tmp_path / "ix-one") == answers(tmp_path / "ix-many")
    # the same file read by one process
    with Engine.open(tmp_path / "ix-single") as eng:
        eng.index([one], workers=1)
    assert answers(tmp_path / "ix-single") == answers(tmp_path / "ix-one")


def test_progress_tells_records_and_bytes_from_inside_a_file(tmp_path, pieces_everywhere, monkeypatch):
    from search.index import files

    monkeypatch.setattr(files.Tally, "EVERY", 0)  # every record
    src = tmp_path / "src"
    src.mkdir()
    (src / "all.jsonl").write_text(lines(RECORDS), encoding="utf-8")
    said = []
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src], workers=2, progress=said.append)
    inside = [line for line in said if line.startswith("indexing 0/1 files")]
    assert len(inside) > 10  # long before the file is done
    records = [int(line.split(" · ")[1].split()[0].replace(",", "")) for line in said]
    assert records == sorted(records) and records[-1] == 300
    assert said[-1].startswith("indexing 1/1 files · 300 records · ")


def test_bad_records_in_pieces_are_told_as_one_reader_tells_them(tmp_path, pieces_everywhere):
    src = tmp_path / "src"
    src.mkdir()
    bad = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    for at in (3, 100, 101, 150, 200, 250, 299):
        bad[at] = "{oops"
    (src / "all.jsonl").write_text("\n".join(bad) + "\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        report = eng.index([src], workers=2)
    single = load(src / "all.jsonl").warnings
    assert list(report.problems) == list(single)
    assert single[0].endswith("line 4: not JSON (Expecting property name enclosed in double quotes); skipped")
    assert single[-1].endswith("7 bad lines in all; skipped") and len(single) == 6


def test_a_file_without_usable_records_is_skipped_whole(tmp_path, pieces_everywhere):
    src = tmp_path / "src"
    src.mkdir()
    (src / "all.jsonl").write_text(lines({"body": r["text"]} for r in RECORDS), encoding="utf-8")
    (src / "ok.md").write_text("# Закон\n\nЗлочинна група.\n", encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        report = eng.index([src], workers=2)
        assert report.added == 1 and "no record has a string field 'text' (its records have: body)" in report.problems[0]
        assert set(eng.info().docs) == {"ok"}


def test_a_piece_that_cannot_be_read_leaves_the_file_as_it_was(tmp_path, pieces_everywhere, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "all.jsonl").write_text(lines(RECORDS), encoding="utf-8")
    with Engine.open(tmp_path / "ix") as eng:
        eng.index([src], workers=2)
        before = answers(tmp_path / "ix")
        (src / "all.jsonl").write_text(lines(RECORDS[:-1]), encoding="utf-8")  # changed, and unreadable past its middle
        import search.index.parallel as parallel

        monkeypatch.setattr(parallel, "_work", failing_work)
        report = eng.index([src], workers=2)
    assert "Input/output error; skipped; its earlier version stays indexed" in report.problems[0]
    assert answers(tmp_path / "ix") == before


def failing_work(*args):
    """A worker whose reads fail past a file's first pieces (a spawned
    worker imports this module by name)."""
    from search.index.parallel import _work as work

    real = Records.__iter__

    def failing(self):
        for n, document in enumerate(real(self)):
            if self.piece.start > 20000 and n == 2:
                raise SourceError(self.path, "cannot read: Input/output error")
            yield document

    Records.__iter__ = failing
    return work(*args)


@pytest.mark.parametrize("data", [
    lines(RECORDS[:3]).encode("cp1251"),
    b"\xef\xbb\xbf" + lines(RECORDS[:3]).encode("utf-8"),
    lines(RECORDS[:3]).encode("utf-8").replace("група".encode(), b"\xff\xfe", 1),
    lines(RECORDS[:3]).encode("utf-16"),
])
def test_a_scan_reads_what_decoding_the_whole_file_reads(tmp_path, data):
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    warnings: list = []
    whole = decode(data, path, warnings)
    scanned = scan(path, piece_bytes=200)
    assert len(scanned.pieces) > 1 or data.startswith(b"\xff\xfe")
    reports, texts = [], []
    for piece in scanned.pieces:
        records = Records(path, piece, scanned.encoding, scanned.errors)
        texts += [d.text for d in records]
        reports.append(records.report)
    assert texts == [json.loads(line)["text"] for line in whole.splitlines() if line.strip()]
    assert list(scanned.warnings) == warnings
    assert merge(path, reports, "text") == []


def test_empty_and_binary_files_are_refused_by_the_scan(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"  \n\n")
    (tmp_path / "bin.jsonl").write_bytes(b"\x89PNG" + bytes(range(256)))
    with pytest.raises(SourceError, match="empty file"):
        scan(tmp_path / "empty.jsonl", 100)
    with pytest.raises(SourceError, match="binary data"):
        scan(tmp_path / "bin.jsonl", 100)
