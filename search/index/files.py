"""One source file indexed: read, and its paragraphs handed to the segments
being written (:class:`search.index.segments.Segments`), which analyse them.

The same function runs in the building process and in worker processes;
what it returns says what happened to the file, for the manifest and the
build's report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import SourceError
from ..ingest import ingest
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
    """What indexing one changed source file did."""

    key: str
    entry: Optional[dict]  # its manifest entry afterwards (None: failed, never indexed)
    paragraphs: int = 0
    messages: tuple[str, ...] = ()
    indexed: bool = False


def index_file(sink, path: Path, entry: Optional[dict], done, text_field: str = "text") -> FileResult:
    """Read one source file and add its paragraphs to ``sink`` (segments
    being written);
    ``done(name, paragraphs, words, size)`` hears of it once indexed."""
    key = str(path)
    try:
        # Stat before reading: if the file changes while it is read, the
        # next build sees a newer file and reads it again.
        stat = fingerprint(path)
        source = ingest(path, text_field=text_field)
    except (SourceError, OSError) as exc:
        kept = "; its earlier version stays indexed" if entry else ""
        message = f"{exc if isinstance(exc, SourceError) else f'{path}: {exc}'}; skipped{kept}"
        return FileResult(key, entry, messages=(message,))
    words = 0
    for p in source.paragraphs:
        words += sink.add(to_fields(p))
    done(path.name, len(source.paragraphs), words, stat["size"])
    entry = {**stat, "sha256": source.sha256, "paragraphs": len(source.paragraphs)}
    return FileResult(key, entry, len(source.paragraphs), source.warnings, indexed=True)
