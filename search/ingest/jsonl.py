"""JSON Lines corpora read record by record, in pieces any process can read.

A corpus file can be far larger than memory.  :func:`scan` reads it once,
a megabyte at a time: its hash, its encoding (from the bytes, as
:func:`search.ingest.read.decode` decides for a whole file), where it can
be cut into pieces of about ``piece_bytes`` at line ends, with the number
of each piece's first line, and which records take an id an earlier record
has (they are indexed as ``id~line``, whichever piece they are in).  A
:class:`Records` reader then yields the documents of one piece, a line at
a time, and keeps what was wrong in a :class:`Report`; the reports of a
file's pieces add up (:func:`merge`) to the warnings and errors a single
reader of the whole file would give.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ..errors import SourceError
from .read import _BINARY_MAGIC, _BOMS, CYRILLIC_CODEPAGES, Document

#: Bad records listed one by one; beyond that they are counted.
MAX_LISTED = 5
_BLOCK = 1 << 20
_REPLACEMENT = "\ufffd".encode("utf-8")


@dataclass(frozen=True)
class Piece:
    """A byte range of a JSON Lines file that starts at a line start."""

    start: int
    end: int
    first_line: int  # the number of its first line in the file, from 1


@dataclass(frozen=True)
class Scanned:
    """What a first pass over a JSON Lines file found."""

    size: int
    sha256: str
    encoding: str
    errors: str  # "strict", or "replace" for UTF-8 with damaged bytes
    pieces: tuple[Piece, ...]
    warnings: tuple[str, ...]
    #: The document id of each record whose id an earlier record has, by
    #: line, and the warning that says so.
    renamed: dict = field(default_factory=dict)
    renamed_warnings: tuple[tuple[int, str], ...] = ()


def scan(path: Path, piece_bytes: int, text_field: str = "text") -> Scanned:
    """Hash, encoding and pieces of a JSON Lines file, read a block at a
    time; SourceError when it cannot be used at all."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    cuts, lines, size = [Piece(0, 0, 1)], 0, 0
    bad = good = 0
    first_bad: Optional[int] = None
    head = b""
    blank = True
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(_BLOCK), b""):
                if size == 0:
                    head = block[:4096]
                digest.update(block)
                blank = blank and not block.strip()
                text = decoder.decode(block)
                damaged = text.count("\ufffd") - block.count(_REPLACEMENT)
                if damaged and first_bad is None:
                    first_bad = size + _first_bad_byte(block)
                bad += damaged
                good += len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
                # Cut after the first line end past each piece's length.
                at = 0
                while True:
                    newline = block.find(b"\n", at)
                    if newline < 0:
                        break
                    lines += 1
                    if size + newline + 1 - cuts[-1].start >= piece_bytes:
                        cuts[-1] = Piece(cuts[-1].start, size + newline + 1, cuts[-1].first_line)
                        cuts.append(Piece(size + newline + 1, 0, lines + 1))
                    at = newline + 1
                size += len(block)
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    if blank:
        raise SourceError(path, "empty file")
    cuts[-1] = Piece(cuts[-1].start, size, cuts[-1].first_line)
    encoding, errors, warnings = _encoding(path, head, bad, good, first_bad)
    # Lines of two- or four-byte units are not cut at b"\n": one piece.
    whole = encoding in ("utf-16", "utf-32")
    pieces = (Piece(0, size, 1),) if whole else tuple(p for p in cuts if p.end > p.start)
    renamed, told = ({}, []) if whole else _renamed(path, encoding, errors, text_field)
    return Scanned(size, digest.hexdigest(), encoding, errors, pieces, tuple(warnings), renamed, tuple(told))


#: A record's id where records usually keep it, first, as a JSON string.
_FIRST_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*")\s*[,}]')


def _renamed(path: Path, encoding: str, errors: str, text_field: str):
    """The records whose id an earlier record of the file has: {line: the
    id it is indexed under}, and the warnings, as one reader of the whole
    file finds them.  Ids are read from the lines' start where they stand
    there; only lines whose id occurs more than once are parsed whole."""
    first_line: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            found = _FIRST_ID.match(raw)
            if found:
                key = json.loads(found.group(1).decode("utf-8", "replace"))
            else:
                record = _parse(raw, encoding, errors)
                if record is None or record.get("id") in (None, ""):
                    continue
                key = str(record["id"])
            if key in first_line:
                repeated.setdefault(key, [first_line[key]]).append(number)
            else:
                first_line[key] = number
    lines = sorted(n for numbers in repeated.values() for n in numbers)
    if not lines:
        return {}, []
    taken: dict[str, int] = {}
    renamed, told = {}, []
    wanted = set(lines)
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if number not in wanted:
                continue
            record = _parse(raw, encoding, errors)
            if record is None or not isinstance(_text(record, text_field), str):
                continue
            doc = str(record.get("id") or f"{path.stem}:{number}")
            if doc in taken:
                told.append((number, f"{path}: line {number}: the id {doc!r} is taken by line {taken[doc]}; "
                                     f"indexed as {doc}~{number}"))
                doc = renamed[number] = f"{doc}~{number}"
            taken.setdefault(doc, number)
    return renamed, told


def _parse(raw: bytes, encoding: str, errors: str) -> Optional[dict]:
    try:
        record = json.loads(raw.decode("utf-8" if encoding == "utf-8-sig" else encoding, errors).lstrip("\ufeff"))
    except (ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None


def _text(record: dict, text_field: str):
    """A record's text: ``text_field``, or ``text`` where it has no such
    field (one index may hold corpora of both shapes)."""
    found = record.get(text_field)
    return found if isinstance(found, str) or text_field == "text" else record.get("text")


def _first_bad_byte(block: bytes) -> int:
    """Where the first invalid UTF-8 sequence of a block starts (a sequence
    cut by the block's end is not one)."""
    try:
        block.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return len(block)
        return exc.start
    return 0


def _encoding(path: Path, head: bytes, bad: int, good: int, first_bad: Optional[int]):
    """(encoding, errors, warnings) as :func:`search.ingest.read.decode`
    decides them: a BOM, then UTF-8 (with a warning when a few bytes are
    damaged), then a Cyrillic code page judged from the file's start."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding != "utf-8-sig":
                return encoding, "strict", []  # read whole: its lines are not cut at b"\n"
            return encoding, "replace" if bad else "strict", _damage(path, bad, first_bad)
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise SourceError(path, "binary data, not text")
    if not bad:
        return "utf-8", "strict", []
    if good >= 10 * bad:  # UTF-8 with damage, not another encoding
        return "utf-8", "replace", _damage(path, bad, first_bad)
    import charset_normalizer  # only paid for when a file is not UTF-8

    with path.open("rb") as fh:
        best = charset_normalizer.from_bytes(fh.read(_BLOCK), cp_isolation=CYRILLIC_CODEPAGES).best()
    if best is None:
        raise SourceError(path, "not UTF-8 and no Cyrillic code page fits its bytes")
    return best.encoding, "strict", []


def _damage(path: Path, bad: int, first_bad: Optional[int]) -> list[str]:
    if not bad:
        return []
    return [f"{path}: {bad} invalid UTF-8 byte sequence(s), first at byte {first_bad}; replaced with U+FFFD"]


@dataclass
class Report:
    """What reading (part of) a JSON Lines file found wrong, and how many
    records it used."""

    seen: int = 0
    bad: int = 0
    listed: list[tuple[int, str]] = field(default_factory=list)  # (line, problem), the first few
    fields: dict[str, None] = field(default_factory=dict)  # the fields records have, to name them

    def problem(self, line: int, what: str) -> None:
        self.bad += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append((line, what))


def merge(path: Path, reports: list[Report], text_field: str, renamed: tuple = ()) -> list[str]:
    """The warnings of a whole file from the reports of its pieces (and the
    scan's ``renamed`` records, (line, warning) each); a SourceError when no
    record of it could be used."""
    if not sum(r.seen for r in reports):
        fields = dict.fromkeys(f for r in reports for f in r.fields)
        if fields:
            have = ", ".join(list(fields)[:10])
            raise SourceError(path, f"no record has a string field {text_field!r} (its records have: {have}); "
                                    f"name the text's field with --text-field NAME")
        raise SourceError(path, "no usable records")
    listed = sorted(item for r in reports for item in r.listed)[:MAX_LISTED]
    told = [(line, f"{path}: line {line}: {what}; skipped") for line, what in listed] + list(renamed)
    warnings = [message for _, message in sorted(told)]
    bad = sum(r.bad for r in reports)
    if bad > MAX_LISTED:
        warnings.append(f"{path}: {bad} bad lines in all; skipped")
    return warnings


class Records:
    """The documents of one piece of a JSON Lines file, a line at a time;
    ``report`` says what was skipped, ``bytes_read`` how far it got."""

    def __init__(self, path: Path, piece: Piece, encoding: str, errors: str, text_field: str = "text",
                 renamed: Optional[dict] = None) -> None:
        self.path, self.piece, self.text_field = path, piece, text_field
        self.renamed = renamed or {}
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        self.bom = encoding == "utf-8-sig" and piece.start == 0
        self.errors = errors
        self.report = Report()
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Document]:
        if self.encoding in ("utf-16", "utf-32"):
            yield from self._whole()
            return
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.piece.start)
                number = self.piece.first_line - 1
                while self.bytes_read < self.piece.end - self.piece.start:
                    raw = fh.readline()
                    if not raw:
                        break
                    self.bytes_read += len(raw)
                    number += 1
                    if self.bom and number == 1 and raw.startswith(codecs.BOM_UTF8):
                        raw = raw[len(codecs.BOM_UTF8):]
                    document = self._document(raw.decode(self.encoding, self.errors), number)
                    if document is not None:
                        yield document
        except OSError as exc:
            raise SourceError(self.path, f"cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise SourceError(self.path, f"cannot decode as {self.encoding}: {exc.reason}") from None

    def _whole(self) -> Iterator[Document]:
        """A file of two- or four-byte units, read whole (such JSON Lines
        files are rare and small)."""
        try:
            data = self.path.read_bytes()
            text = data.decode(self.encoding)
        except OSError as exc:
            raise SourceError(self.path, f"cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise SourceError(self.path, f"invalid {self.encoding} after its BOM at byte {exc.start}") from None
        self.bytes_read = len(data)
        for number, line in enumerate(text.split("\n"), 1):
            document = self._document(line, number)
            if document is not None:
                yield document

    def _document(self, line: str, number: int) -> Optional[Document]:
        if not line.strip():
            return None
        problem = ""
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem = f"not JSON ({exc.msg})"
        else:
            if not isinstance(record, dict):
                problem = "a record must be a JSON object"
            elif not isinstance(_text(record, self.text_field), str):
                self.report.fields.update(dict.fromkeys(list(record)[:20]))
                problem = f"a record needs a string field {self.text_field!r}"
        if problem:
            self.report.problem(number, problem)
            return None
        self.report.seen += 1
        path = self.path
        doc = self.renamed.get(number) or str(record.get("id") or f"{path.stem}:{number}")
        return Document(source=str(path), doc=doc, text=_text(record, self.text_field), format="text",
                        title=str(record.get("title") or ""), lang=str(record.get("lang") or ""))
