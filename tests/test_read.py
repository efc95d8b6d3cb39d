import json

import pytest

from search.errors import SourceError
from search.ingest.read import decode, discover, load

TEXT = "Стаття 1\nМета цієї Конвенції полягає у сприянні співробітництву. Їжак, ґанок, об'єкт."
RU = "Конференция участников Конвенции подчеркнула необходимость объединённых усилий."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_u"])
def test_ukrainian_encodings_are_detected_from_bytes(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_russian_encodings_are_detected_from_bytes(encoding):
    assert decode(RU.encode(encoding)) == RU


def test_binary_data_is_refused():
    with pytest.raises(SourceError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "x.txt")


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    with pytest.raises(SourceError, match="empty"):
        list(load(path).documents)


def test_extension_does_not_decide_encoding(tmp_path):
    path = tmp_path / "cp.md"
    path.write_bytes(TEXT.encode("cp1251"))
    (doc,) = load(path).documents
    assert doc.text == TEXT and doc.format == "markdown"


def test_jsonl_records_are_documents(tmp_path):
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": "law-1", "title": "Закон", "text": TEXT}, ensure_ascii=False),
             "", json.dumps({"text": RU, "lang": "ru"}, ensure_ascii=False)]
    path.write_text("\n".join(lines), encoding="utf-8")
    docs = list(load(path).documents)
    assert [d.doc for d in docs] == ["law-1", "corpus:3"]
    assert docs[0].title == "Закон" and docs[1].lang == "ru"


def test_jsonl_bad_line_is_skipped_with_a_warning_naming_it(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "а"}\n{oops\n[1]\n', encoding="utf-8")
    loaded = load(path)
    assert len(loaded.documents) == 1
    assert "line 2: not JSON" in loaded.warnings[0] and "line 3: a record must be a JSON object" in loaded.warnings[1]
    path.write_text('{oops\n', encoding="utf-8")
    with pytest.raises(SourceError, match="no usable records"):
        load(path)


def test_damaged_utf8_is_read_with_a_warning():
    warnings = []
    data = ("Конвенція " * 20).encode() + b"\xff\xfe" + "кінець".encode()
    text = decode(data, "x.txt", warnings)
    assert text.endswith("\ufffd\ufffdкінець") and "invalid UTF-8" in warnings[0]


def test_discover_finds_supported_files_only(tmp_path):
    (tmp_path / "a.txt").write_text("а")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("б")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert [p.name for p in discover([tmp_path])] == ["a.txt", "b.html"]


def test_jsonl_records_with_one_id_are_told_apart(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "dup", "text": "а"}\n{"id": "dup", "text": "б"}\n', encoding="utf-8")
    loaded = load(path)
    assert [d.doc for d in loaded.documents] == ["dup", "dup~2"]
    assert "the id 'dup' is taken by line 1" in loaded.warnings[0]


def test_a_text_field_falls_back_on_text(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "a", "body": "перший"}\n{"id": "b", "text": "другий"}\n', encoding="utf-8")
    assert [d.text for d in load(path, "body").documents] == ["перший", "другий"]
