"""One source file, or one piece of a big JSON Lines file, indexed: read,
and its paragraphs handed to the segments being written
(:class:`search.index.segments.Segments`), which analyse them.

The same functions run in the building process and in worker processes;
what they return says what happened to the file, for the manifest and the
build's report, and they report their progress as they go, so that a big
file shows its records and bytes from the first seconds.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import SourceError
from ..ingest import ingest
from ..ingest.jsonl import Piece, Records, Report, merge, scan
from ..ingest.pipeline import document_paragraphs
from .documents import to_fields


def fingerprint(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unchanged(path: Path, entry: Optional[dict]) -> bool:
    if not entry:
        return False
    fp = fingerprint(path)
    if fp["size"] != entry.get("size"):
        return False
    return fp["mtime_ns"] == entry.get("mtime_ns") or sha256(path) == entry.get("sha256")


def file_size(path: Path) -> int:
    """Its size, or 0 if it is gone since it was found (its reader says so)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


@dataclass
class FileResult:
    """What indexing one changed source file (or a piece of one) did."""

    key: str
    entry: Optional[dict]  # its manifest entry afterwards (None: failed, never indexed)
    paragraphs: int = 0
    messages: tuple[str, ...] = ()
    indexed: bool = False
    #: It failed after some of its paragraphs went into new segments: they
    #: must be taken out again before the commit.
    partial: bool = False


@dataclass
class PieceResult:
    """What indexing one piece of a JSON Lines file did."""

    key: str
    piece: Piece
    paragraphs: int
    report: Report
    error: str = ""


class Tally:
    """The work done in this process, told to ``report(name, records,
    paragraphs, words, bytes)`` a few times a second as increments."""

    EVERY = 0.25  # seconds

    def __init__(self, report, name: str) -> None:
        self.report, self.name = report, name
        self.counts = [0, 0, 0, 0]
        self.last = time.monotonic()

    def add(self, records: int, paragraphs: int, words: int, size: int) -> None:
        for i, n in enumerate((records, paragraphs, words, size)):
            self.counts[i] += n
        if time.monotonic() - self.last >= self.EVERY:
            self.flush()

    def flush(self) -> None:
        if any(self.counts):
            self.report(self.name, *self.counts)
        self.counts = [0, 0, 0, 0]
        self.last = time.monotonic()


def index_file(sink, path: Path, entry: Optional[dict], report, text_field: str = "text") -> FileResult:
    """Read one whole source file and add its paragraphs to ``sink``
    (segments being written), telling ``report`` how far it got."""
    key = str(path)
    tally = Tally(report, path.name)
    added = 0
    try:
        # Stat before reading: if the file changes while it is read, the
        # next build sees a newer file and reads it again.
        stat = fingerprint(path)
        if path.suffix.lower() == ".jsonl":
            scanned = scan(path, 1 << 62, text_field)
            done = index_piece(sink, path, scanned.pieces[0], scanned.encoding, scanned.errors, report, text_field,
                               scanned.renamed)
            added = done.paragraphs
            if done.error:
                raise SourceError(path, done.error)
            warnings = tuple(scanned.warnings) + tuple(merge(path, [done.report], text_field,
                                                             scanned.renamed_warnings))
            digest = scanned.sha256
        else:
            source = ingest(path, text_field=text_field)
            for p in source.paragraphs:
                tally.add(0, 1, sink.add(to_fields(p)), 0)
                added += 1
            tally.add(1, 0, 0, stat["size"])
            warnings, digest = source.warnings, source.sha256
    except (SourceError, OSError) as exc:
        tally.flush()
        kept = "; its earlier version stays indexed" if entry else ""
        message = f"{exc if isinstance(exc, SourceError) else f'{path}: {exc}'}; skipped{kept}"
        return FileResult(key, entry, messages=(message,), partial=added > 0)
    tally.flush()
    entry = {**stat, "sha256": digest, "paragraphs": added}
    return FileResult(key, entry, added, warnings, indexed=True)


def index_piece(sink, path: Path, piece: Piece, encoding: str, errors: str, report,
                text_field: str = "text", renamed: Optional[dict] = None) -> PieceResult:
    """Read one piece of a JSON Lines file record by record and add its
    paragraphs to ``sink`` (``renamed``: records indexed under another id,
    by line); a failure to read is kept in the result."""
    records = Records(path, piece, encoding, errors, text_field, renamed)
    tally = Tally(report, path.name)
    paragraphs = read = 0
    error = ""
    try:
        for document in records:
            found = words = 0
            for p in document_paragraphs(document):
                words += sink.add(to_fields(p))
                found += 1
            paragraphs += found
            tally.add(1, found, words, records.bytes_read - read)
            read = records.bytes_read
    except SourceError as exc:
        error = exc.problem
    tally.add(0, 0, 0, records.bytes_read - read)
    tally.flush()
    return PieceResult(str(path), piece, paragraphs, records.report, error)
